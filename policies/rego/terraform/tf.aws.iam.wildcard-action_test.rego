package tollgate.tf.aws.iam.wildcard_action_test

import rego.v1

import data.tollgate.tf.aws.iam.wildcard_action as policy

admin_policy := `${jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Read"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = ["${aws_s3_bucket.b.arn}/*", aws_s3_bucket.b.arn]
        Condition = {
          StringEquals = {
            "aws:SourceAccount" = "123456789012"
          }
        }
      },
      {
        Effect   = "Deny"
        Action   = "*"
        Resource = "*"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["ec2:Describe*", "*"]
        Resource  = "arn:aws:ec2:::*"
      },
    ]
  })}`

json_style_policy := `${jsonencode({
    "Version": "2012-10-17",
    "Statement": {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*"
    }
  })}`

heredoc_policy := `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "All", "Effect": "Allow", "Action": ["*"], "Resource": "${aws_s3_bucket.b.arn}"},
    {"Effect": "Deny", "Action": "*", "Resource": "*"}
  ]
}
`

template_policy := `{
  "Statement": [
    %{ for a in var.actions }
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    %{ endfor }
  ]
}
`

inline_policy := `${jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })}`

module := {"resource": {
	"aws_iam_policy": {"admin": [{"policy": admin_policy}]},
	"aws_iam_role_policy": {"json_style": [{"role": "${aws_iam_role.r.id}", "policy": json_style_policy}]},
	"aws_iam_user_policy": {"heredoc": [{"user": "u", "policy": heredoc_policy}]},
	"aws_iam_group_policy": {"templ": [{"group": "g", "policy": template_policy}]},
	"aws_iam_role": {"r": [{"assume_role_policy": "${data.aws_iam_policy_document.assume.json}", "inline_policy": [{"name": "x", "policy": inline_policy}]}]},
}}

document(statements) := {"data": {"aws_iam_policy_document": {"d": [{"statement": statements}]}}}

test_every_policy_form if {
	res := policy.deny with input as module
	res == {
		{"msg": "aws_iam_policy.admin: statement 2 allows Action \"*\"", "path": ["resource", "aws_iam_policy", "admin", 0, "policy"]},
		{"msg": "aws_iam_user_policy.heredoc: statement \"All\" allows Action \"*\"", "path": ["resource", "aws_iam_user_policy", "heredoc", 0, "policy"]},
		{"msg": "aws_iam_group_policy.templ: statement 0 allows Action \"*\"", "path": ["resource", "aws_iam_group_policy", "templ", 0, "policy"]},
		{"msg": "aws_iam_role.r: statement 0 allows Action \"*\"", "path": ["resource", "aws_iam_role", "r", 0, "inline_policy", 0, "policy"]},
	}
}

test_jsonencode_with_sid_and_json_keys if {
	p := `${jsonencode({
    "Statement": [{
      "Sid": "Admin",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }]
  })}`
	res := policy.deny with input as {"resource": {"aws_iam_policy": {"p": [{"policy": p}]}}}
	res == {{"msg": "aws_iam_policy.p: statement \"Admin\" allows Action \"*\"", "path": ["resource", "aws_iam_policy", "p", 0, "policy"]}}
}

test_jsonencode_not_action_and_service_wildcards_pass if {
	p := `${jsonencode({ Statement = [{ Effect = "Allow", NotAction = "*", Resource = "*" }, { Effect = "Allow", Action = ["s3:*", "ec2:Describe*"], Resource = "*" }] })}`
	res := policy.deny with input as {"resource": {"aws_iam_policy": {"p": [{"policy": p}]}}}
	res == set()
}

test_jsonencode_deny_statement_passes if {
	p := `${jsonencode({ Statement = [{ Effect = "Deny", Action = "*", Resource = "*", Condition = { Bool = { "aws:SecureTransport" = "false" } } }] })}`
	res := policy.deny with input as {"resource": {"aws_iam_role_policy": {"p": [{"policy": p}]}}}
	res == set()
}

test_plan_json_string if {
	p := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	res := policy.deny with input as {"resource": {"aws_iam_policy": {"p": [{"policy": p}]}}}
	res == {{"msg": "aws_iam_policy.p: statement 0 allows Action \"*\"", "path": ["resource", "aws_iam_policy", "p", 0, "policy"]}}
}

test_policy_from_data_source_reference_is_not_parsed if {
	res := policy.deny with input as {"resource": {"aws_iam_policy": {"p": [{"policy": "${data.aws_iam_policy_document.d.json}"}]}}}
	res == set()
}

test_document_default_effect if {
	res := policy.deny with input as document([{"actions": ["s3:GetObject", "*"], "resources": ["*"]}])
	res == {{"msg": "data.aws_iam_policy_document.d: statement 0 allows Action \"*\"", "path": ["data", "aws_iam_policy_document", "d", 0, "statement", 0, "actions", 1]}}
}

test_document_sid_and_explicit_allow if {
	res := policy.deny with input as document([{"sid": "Admin", "effect": "Allow", "actions": ["*"], "resources": ["*"]}])
	res == {{"msg": "data.aws_iam_policy_document.d: statement \"Admin\" allows Action \"*\"", "path": ["data", "aws_iam_policy_document", "d", 0, "statement", 0, "actions", 0]}}
}

test_document_deny_and_specific_actions_pass if {
	res := policy.deny with input as document([
		{"effect": "Deny", "actions": ["*"], "resources": ["*"]},
		{"actions": ["s3:*"], "resources": ["*"]},
		{"not_actions": ["*"], "resources": ["*"]},
	])
	res == set()
}
