# METADATA
# title: S3 bucket without a complete public access block
# description: >-
#   Every aws_s3_bucket must have an aws_s3_bucket_public_access_block whose bucket refers
#   to it (a reference such as aws_s3_bucket.data.id, or in a plan the bucket's name) with
#   block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets
#   all true. An aws_s3_account_public_access_block in the module with all four flags true
#   covers every bucket of the account, so the policy then reports nothing. Every
#   aws_s3_bucket_public_access_block in the module is checked for the four flags, even one
#   for a bucket managed elsewhere. A flag whose value is an expression (other than a
#   variable with a default or a local) cannot be proven true and is reported.
# custom:
#   id: tf.aws.s3.public-access-block
#   severity: deny
#   input: terraform
#   remediation: >-
#     Add an aws_s3_bucket_public_access_block for the bucket with block_public_acls,
#     block_public_policy, ignore_public_acls and restrict_public_buckets set to true.
#   reference: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
#   example_pass: |
#     resource "aws_s3_bucket" "data" {
#       bucket = "example-data"
#     }
#
#     resource "aws_s3_bucket_public_access_block" "data" {
#       bucket                  = aws_s3_bucket.data.id
#       block_public_acls       = true
#       block_public_policy     = true
#       ignore_public_acls      = true
#       restrict_public_buckets = true
#     }
#   example_fail: |
#     resource "aws_s3_bucket" "data" {
#       bucket = "example-data"
#     }
package tollgate.tf.aws.s3.public_access_block

import rego.v1

import data.tollgate.lib.terraform as tf

flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

complete(body) if every flag in flags {
	tf.is_true(body[flag])
}

account_level_block if {
	some r in tf.resources_of("aws_s3_account_public_access_block")
	complete(r.body)
}

deny contains result if {
	not account_level_block
	some b in tf.resources_of("aws_s3_bucket")
	count(tf.bucket_companions("aws_s3_bucket_public_access_block", b)) == 0
	result := {
		"msg": sprintf("%s has no aws_s3_bucket_public_access_block", [b.address]),
		"path": b.path,
	}
}

deny contains result if {
	not account_level_block
	some r in tf.resources_of("aws_s3_bucket_public_access_block")
	some flag in flags
	not tf.is_true(r.body[flag])
	result := {
		"msg": sprintf("%s does not set %s = true", [r.address, flag]),
		"path": flag_path(r, flag),
	}
}

flag_path(r, flag) := array.concat(r.path, [flag]) if {
	_ = r.body[flag]
} else := r.path
