# METADATA
# title: S3 bucket without server-side encryption
# description: >-
#   Every aws_s3_bucket must have server-side encryption configured, either with an
#   aws_s3_bucket_server_side_encryption_configuration resource whose bucket refers to it
#   (aws_s3_bucket.data.id, .bucket, .arn..., or in a plan the bucket's name) or with the
#   legacy inline server_side_encryption_configuration block (AWS provider < 4).
# custom:
#   id: tf.aws.s3.encryption
#   severity: deny
#   input: terraform
#   remediation: >-
#     Add an aws_s3_bucket_server_side_encryption_configuration for the bucket (SSE-S3 or,
#     better, SSE-KMS).
#   reference: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_server_side_encryption_configuration
#   example_pass: |
#     resource "aws_s3_bucket" "data" {
#       bucket = "example-data"
#     }
#
#     resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
#       bucket = aws_s3_bucket.data.id
#       rule {
#         apply_server_side_encryption_by_default {
#           sse_algorithm = "aws:kms"
#         }
#       }
#     }
#   example_fail: |
#     resource "aws_s3_bucket" "data" {
#       bucket = "example-data"
#     }
package tollgate.tf.aws.s3.encryption

import rego.v1

import data.tollgate.lib.terraform as tf

encrypted(b) if count(b.body.server_side_encryption_configuration) > 0

encrypted(b) if count(tf.bucket_companions("aws_s3_bucket_server_side_encryption_configuration", b)) > 0

deny contains result if {
	some b in tf.resources_of("aws_s3_bucket")
	not encrypted(b)
	result := {
		"msg": sprintf("%s has no server-side encryption configuration", [b.address]),
		"path": b.path,
	}
}
