# METADATA
# title: No required Terraform version
# description: >-
#   A module should pin the Terraform versions it works with in a terraform
#   { required_version = "..." } block (in any of its files). A module with no resource,
#   data source, provider or module block (only variables, outputs or locals) is not
#   reported. With no terraform block at all the path is the whole module ([]); with
#   terraform blocks none of which sets required_version it is the first block.
# custom:
#   id: tf.general.required-version
#   severity: warn
#   input: terraform
#   remediation: Add terraform { required_version = ">= 1.5, < 2.0" } (the versions the module is tested with).
#   reference: https://developer.hashicorp.com/terraform/language/terraform#required_version
#   example_pass: |
#     terraform {
#       required_version = ">= 1.5"
#     }
#
#     resource "aws_s3_bucket" "data" {
#       bucket = "example-data"
#     }
#   example_fail: |
#     resource "aws_s3_bucket" "data" {
#       bucket = "example-data"
#     }
package tollgate.tf.general.required_version

import rego.v1

import data.tollgate.lib.terraform as tf

has_configuration if {
	some section in ["resource", "data", "provider", "module"]
	count(object.get(input, section, {})) > 0
}

has_required_version if {
	some blk in input.terraform
	tf.is_literal_string(blk.required_version)
}

warn contains result if {
	has_configuration
	not has_required_version
	result := {
		"msg": "the module does not set terraform { required_version }",
		"path": missing_path,
	}
}

missing_path := ["terraform", 0] if {
	count(input.terraform) > 0
} else := []
