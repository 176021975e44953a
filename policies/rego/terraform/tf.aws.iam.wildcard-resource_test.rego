package tollgate.tf.aws.iam.wildcard_resource_test

import rego.v1

import data.tollgate.tf.aws.iam.wildcard_resource as policy

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
	res := policy.warn with input as module
	res == {
		{"msg": "aws_iam_role_policy.json_style: statement 0 allows on Resource \"*\"", "path": ["resource", "aws_iam_role_policy", "json_style", 0, "policy"]},
		{"msg": "aws_iam_group_policy.templ: statement 0 allows on Resource \"*\"", "path": ["resource", "aws_iam_group_policy", "templ", 0, "policy"]},
		{"msg": "aws_iam_role.r: statement 0 allows on Resource \"*\"", "path": ["resource", "aws_iam_role", "r", 0, "inline_policy", 0, "policy"]},
	}
}

test_json_resource_list if {
	p := `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::a/*","*"]}]}`
	res := policy.warn with input as {"resource": {"aws_iam_policy": {"p": [{"policy": p}]}}}
	res == {{"msg": "aws_iam_policy.p: statement 0 allows on Resource \"*\"", "path": ["resource", "aws_iam_policy", "p", 0, "policy"]}}
}

test_specific_resources_pass if {
	p := `${jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = ["arn:aws:s3:::a/*", "${aws_s3_bucket.b.arn}/*"] }] })}`
	res := policy.warn with input as {"resource": {"aws_iam_policy": {"p": [{"policy": p}]}}}
	res == set()
}

test_document if {
	res := policy.warn with input as document([
		{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::a/*"]},
		{"effect": "Allow", "actions": ["ec2:DescribeInstances"], "resources": ["*"]},
		{"effect": "Deny", "actions": ["*"], "resources": ["*"]},
	])
	res == {{"msg": "data.aws_iam_policy_document.d: statement 1 allows on Resource \"*\"", "path": ["data", "aws_iam_policy_document", "d", 0, "statement", 1, "resources", 0]}}
}
