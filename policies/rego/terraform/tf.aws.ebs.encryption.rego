# METADATA
# title: EBS volume without encryption
# description: >-
#   Every aws_ebs_volume must set encrypted = true, unless the module turns on EBS
#   encryption by default for the region (an aws_ebs_encryption_by_default whose enabled is
#   not false), which encrypts every new volume.
# custom:
#   id: tf.aws.ebs.encryption
#   severity: deny
#   input: terraform
#   remediation: Set encrypted = true (optionally with kms_key_id), or enable aws_ebs_encryption_by_default.
#   reference: https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
#   example_pass: |
#     resource "aws_ebs_volume" "data" {
#       availability_zone = "eu-west-1a"
#       size              = 20
#       encrypted         = true
#     }
#   example_fail: |
#     resource "aws_ebs_volume" "data" {
#       availability_zone = "eu-west-1a"
#       size              = 20
#     }
package tollgate.tf.aws.ebs.encryption

import rego.v1

import data.tollgate.lib.terraform as tf

encryption_by_default if {
	some r in tf.resources_of("aws_ebs_encryption_by_default")
	not tf.is_false(r.body.enabled)
}

deny contains result if {
	not encryption_by_default
	some r in tf.resources_of("aws_ebs_volume")
	not tf.is_true(r.body.encrypted)
	result := {
		"msg": sprintf("%s does not set encrypted = true", [r.address]),
		"path": field_path(r),
	}
}

field_path(r) := array.concat(r.path, ["encrypted"]) if {
	_ = r.body.encrypted
} else := r.path
