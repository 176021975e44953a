# METADATA
# title: RDS instance without storage encryption
# description: >-
#   Every aws_db_instance must set storage_encrypted = true (the default is false).
#   Read replicas (replicate_source_db set) inherit the encryption of their source and
#   are not checked; the source instance is.
# custom:
#   id: tf.aws.rds.encryption
#   severity: deny
#   input: terraform
#   remediation: Set storage_encrypted = true (optionally with kms_key_id); existing instances must be restored from an encrypted snapshot.
#   reference: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
#   example_pass: |
#     resource "aws_db_instance" "db" {
#       engine            = "postgres"
#       instance_class    = "db.t3.micro"
#       storage_encrypted = true
#     }
#   example_fail: |
#     resource "aws_db_instance" "db" {
#       engine         = "postgres"
#       instance_class = "db.t3.micro"
#     }
package tollgate.tf.aws.rds.encryption

import rego.v1

import data.tollgate.lib.terraform as tf

replica(r) if {
	v := r.body.replicate_source_db
	v != null
	v != ""
}

deny contains result if {
	some r in tf.resources_of("aws_db_instance")
	not replica(r)
	not tf.is_true(r.body.storage_encrypted)
	result := {
		"msg": sprintf("%s does not set storage_encrypted = true", [r.address]),
		"path": field_path(r),
	}
}

field_path(r) := array.concat(r.path, ["storage_encrypted"]) if {
	_ = r.body.storage_encrypted
} else := r.path
