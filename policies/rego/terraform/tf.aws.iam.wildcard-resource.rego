# METADATA
# title: IAM policy allows on every resource
# description: >-
#   Allow statements with Resource "*" (alone or in a list) grant their actions on every
#   resource of the account. Checked in the same places and the same way as
#   tf.aws.iam.wildcard-action: policy attributes of aws_iam_policy, aws_iam_role_policy,
#   aws_iam_user_policy, aws_iam_group_policy and aws_iam_role inline_policy (parsed when
#   valid JSON, scanned with regular expressions when jsonencode source text), and data
#   "aws_iam_policy_document" statements (resources).
# custom:
#   id: tf.aws.iam.wildcard-resource
#   severity: warn
#   input: terraform
#   remediation: >-
#     Name the resources (ARNs) the statement applies to instead of "*".
#   reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#   example_pass: |
#     data "aws_iam_policy_document" "read" {
#       statement {
#         actions   = ["s3:GetObject"]
#         resources = ["arn:aws:s3:::example-data/*"]
#       }
#     }
#   example_fail: |
#     data "aws_iam_policy_document" "read" {
#       statement {
#         actions   = ["s3:GetObject"]
#         resources = ["*"]
#       }
#     }
package tollgate.tf.aws.iam.wildcard_resource

import rego.v1

import data.tollgate.lib.terraform as tf

warn contains result if {
	some w in tf.iam_wildcards
	w.field == "Resource"
	result := {
		"msg": sprintf("%s: %s allows on Resource \"*\"", [w.address, w.where]),
		"path": w.path,
	}
}
