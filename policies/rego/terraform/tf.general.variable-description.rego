# METADATA
# title: Variable without a description
# description: >-
#   Every variable should say what it is for in a non-empty description, which
#   terraform-docs, the registry and module users read.
# custom:
#   id: tf.general.variable-description
#   severity: warn
#   input: terraform
#   remediation: Add description = "..." to the variable block.
#   reference: https://developer.hashicorp.com/terraform/language/values/variables#input-variable-documentation
#   example_pass: |
#     variable "region" {
#       type        = string
#       description = "AWS region to deploy into."
#     }
#   example_fail: |
#     variable "region" {
#       type = string
#     }
package tollgate.tf.general.variable_description

import rego.v1

warn contains result if {
	some name, blocks in input.variable
	some i, blk in blocks
	not described(blk)
	result := {
		"msg": sprintf("variable %q has no description", [name]),
		"path": field_path(name, i, blk),
	}
}

described(blk) if {
	is_string(blk.description)
	trim_space(blk.description) != ""
}

field_path(name, i, blk) := ["variable", name, i, "description"] if {
	_ = blk.description
} else := ["variable", name, i]
