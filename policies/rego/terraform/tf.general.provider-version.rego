# METADATA
# title: Provider without a version constraint
# description: >-
#   Every entry of terraform { required_providers { ... } } should carry a version
#   constraint: an object entry ({ source = "hashicorp/aws" }) needs a non-empty version;
#   the legacy string form (aws = "~> 5.0") is the constraint itself. A provider block
#   whose provider is not declared in any required_providers and has no (deprecated)
#   version argument is unconstrained too and is reported at the provider block.
# custom:
#   id: tf.general.provider-version
#   severity: warn
#   input: terraform
#   remediation: Add version = "~> X.Y" to the provider's required_providers entry.
#   reference: https://developer.hashicorp.com/terraform/language/providers/requirements#version-constraints
#   example_pass: |
#     terraform {
#       required_providers {
#         aws = {
#           source  = "hashicorp/aws"
#           version = "~> 5.0"
#         }
#       }
#     }
#   example_fail: |
#     terraform {
#       required_providers {
#         aws = {
#           source = "hashicorp/aws"
#         }
#       }
#     }
package tollgate.tf.general.provider_version

import rego.v1

import data.tollgate.lib.terraform as tf

declared contains name if {
	some blk in input.terraform
	some rp in blk.required_providers
	some name, _ in rp
}

warn contains result if {
	some i, blk in input.terraform
	some j, rp in blk.required_providers
	some name, entry in rp
	is_object(entry)
	not tf.is_literal_string(entry.version)
	not tf.is_expression(entry.version)
	result := {
		"msg": sprintf("required provider %q has no version constraint", [name]),
		"path": ["terraform", i, "required_providers", j, name],
	}
}

warn contains result if {
	some i, blk in input.terraform
	some j, rp in blk.required_providers
	some name, entry in rp
	is_string(entry)
	trim_space(entry) == ""
	result := {
		"msg": sprintf("required provider %q has an empty version constraint", [name]),
		"path": ["terraform", i, "required_providers", j, name],
	}
}

warn contains result if {
	some name, blocks in input.provider
	not name in declared
	some i, blk in blocks
	not tf.is_literal_string(blk.version)
	result := {
		"msg": sprintf("provider %q is not in required_providers and has no version constraint", [name]),
		"path": ["provider", name, i],
	}
}
