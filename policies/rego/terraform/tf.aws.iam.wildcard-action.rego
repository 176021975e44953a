# METADATA
# title: IAM policy allows every action
# description: >-
#   No Allow statement may have Action "*" (alone or in a list). Checked in the policy
#   attribute of aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy,
#   aws_iam_group_policy and aws_iam_role inline_policy blocks, and in data
#   "aws_iam_policy_document" statements (effect defaults to Allow). A policy string that
#   is valid JSON (a heredoc, a plan value) is parsed; the source text of jsonencode({...})
#   cannot be evaluated, so it is scanned with regular expressions: each innermost {...}
#   after blanking Condition/Principal maps is a statement, flagged when it has
#   Action = "*" / "Action": "*" / a list holding "*" and no Effect = "Deny". Policies built
#   elsewhere (file(), local values) are not seen.
# custom:
#   id: tf.aws.iam.wildcard-action
#   severity: deny
#   input: terraform
#   remediation: >-
#     List the actions the principal needs (least privilege) instead of "*".
#   reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
#   example_pass: |
#     resource "aws_iam_policy" "read" {
#       name = "read"
#       policy = jsonencode({
#         Version = "2012-10-17"
#         Statement = [{
#           Effect   = "Allow"
#           Action   = ["s3:GetObject"]
#           Resource = "arn:aws:s3:::example-data/*"
#         }]
#       })
#     }
#   example_fail: |
#     resource "aws_iam_policy" "admin" {
#       name = "admin"
#       policy = jsonencode({
#         Version = "2012-10-17"
#         Statement = [{
#           Effect   = "Allow"
#           Action   = "*"
#           Resource = "*"
#         }]
#       })
#     }
package tollgate.tf.aws.iam.wildcard_action

import rego.v1

import data.tollgate.lib.terraform as tf

deny contains result if {
	some w in tf.iam_wildcards
	w.field == "Action"
	result := {
		"msg": sprintf("%s: %s allows Action \"*\"", [w.address, w.where]),
		"path": w.path,
	}
}
