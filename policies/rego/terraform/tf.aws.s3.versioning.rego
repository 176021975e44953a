# METADATA
# title: S3 bucket without versioning
# description: >-
#   Every aws_s3_bucket should have versioning Enabled: an aws_s3_bucket_versioning resource
#   whose bucket refers to it with versioning_configuration { status = "Enabled" }, or the
#   legacy inline versioning { enabled = true } block. A status that is an expression
#   (other than a variable with a default or a local) cannot be proven Enabled and is
#   reported.
# custom:
#   id: tf.aws.s3.versioning
#   severity: warn
#   input: terraform
#   remediation: >-
#     Add an aws_s3_bucket_versioning for the bucket with versioning_configuration
#     { status = "Enabled" }.
#   reference: https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
#   example_pass: |
#     resource "aws_s3_bucket" "data" {
#       bucket = "example-data"
#     }
#
#     resource "aws_s3_bucket_versioning" "data" {
#       bucket = aws_s3_bucket.data.id
#       versioning_configuration {
#         status = "Enabled"
#       }
#     }
#   example_fail: |
#     resource "aws_s3_bucket" "data" {
#       bucket = "example-data"
#     }
#
#     resource "aws_s3_bucket_versioning" "data" {
#       bucket = aws_s3_bucket.data.id
#       versioning_configuration {
#         status = "Suspended"
#       }
#     }
package tollgate.tf.aws.s3.versioning

import rego.v1

import data.tollgate.lib.terraform as tf

inline_enabled(b) if {
	some v in b.body.versioning
	tf.is_true(v.enabled)
}

resource_enabled(r) if {
	some c in r.body.versioning_configuration
	tf.resolve(c.status) == "Enabled"
}

enabled(b) if inline_enabled(b)

enabled(b) if {
	some r in tf.bucket_companions("aws_s3_bucket_versioning", b)
	resource_enabled(r)
}

# A versioning resource for the bucket that does not enable it: point at its status.
warn contains result if {
	some b in tf.resources_of("aws_s3_bucket")
	not enabled(b)
	some r in tf.bucket_companions("aws_s3_bucket_versioning", b)
	result := {
		"msg": sprintf("%s does not enable versioning on %s (status is not \"Enabled\")", [r.address, b.address]),
		"path": status_path(r),
	}
}

# No versioning resource: point at the inline block's enabled, or at the bucket.
warn contains result if {
	some b in tf.resources_of("aws_s3_bucket")
	not enabled(b)
	count(tf.bucket_companions("aws_s3_bucket_versioning", b)) == 0
	result := {
		"msg": sprintf("%s does not have versioning enabled", [b.address]),
		"path": inline_path(b),
	}
}

status_path(r) := array.concat(r.path, ["versioning_configuration", 0, "status"]) if {
	_ = r.body.versioning_configuration[0].status
} else := r.path

inline_path(b) := array.concat(b.path, ["versioning", 0, "enabled"]) if {
	_ = b.body.versioning[0].enabled
} else := b.path
