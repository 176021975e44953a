# METADATA
# title: Publicly accessible RDS instance
# description: >-
#   An aws_db_instance with publicly_accessible = true gets a public DNS name and address
#   reachable from the internet (subject to its security groups).
# custom:
#   id: tf.aws.rds.public
#   severity: deny
#   input: terraform
#   remediation: Set publicly_accessible = false (the default) and reach the database from inside the VPC.
#   reference: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding
#   example_pass: |
#     resource "aws_db_instance" "db" {
#       engine              = "postgres"
#       instance_class      = "db.t3.micro"
#       storage_encrypted   = true
#       publicly_accessible = false
#     }
#   example_fail: |
#     resource "aws_db_instance" "db" {
#       engine              = "postgres"
#       instance_class      = "db.t3.micro"
#       storage_encrypted   = true
#       publicly_accessible = true
#     }
package tollgate.tf.aws.rds.public

import rego.v1

import data.tollgate.lib.terraform as tf

deny contains result if {
	some r in tf.resources_of("aws_db_instance")
	tf.is_true(r.body.publicly_accessible)
	result := {
		"msg": sprintf("%s is publicly accessible", [r.address]),
		"path": array.concat(r.path, ["publicly_accessible"]),
	}
}
