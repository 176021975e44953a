package tollgate.tf.aws.s3.encryption_test

import rego.v1

import data.tollgate.tf.aws.s3.encryption as policy

sse := [{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}]

paths(inp) := {r.path | some r in policy.deny with input as inp}

test_separate_resource_by_reference if {
	inp := {"resource": {
		"aws_s3_bucket": {"data": [{"bucket": "example-data"}]},
		"aws_s3_bucket_server_side_encryption_configuration": {"data": [{"bucket": "${aws_s3_bucket.data.id}", "rule": sse[0].rule}]},
	}}
	paths(inp) == set()
}

test_separate_resource_by_arn_and_for_each_key if {
	inp := {"resource": {
		"aws_s3_bucket": {"data": [{"bucket": "example-data"}]},
		"aws_s3_bucket_server_side_encryption_configuration": {"data": [{"bucket": "${aws_s3_bucket.data[\"a\"].arn}", "rule": sse[0].rule}]},
	}}
	paths(inp) == set()
}

test_bucket_label_not_an_identifier if {
	inp := {"resource": {
		"aws_s3_bucket": {"data.v2": [{"bucket": "example-data"}]},
		"aws_s3_bucket_server_side_encryption_configuration": {"data": [{"bucket": "${aws_s3_bucket.data.v2.id}", "rule": sse[0].rule}]},
	}}
	paths(inp) == set()
}

test_plan_literal_bucket_id if {
	inp := {"resource": {
		"aws_s3_bucket": {"data": [{"bucket": "example-data", "id": "example-data"}]},
		"aws_s3_bucket_server_side_encryption_configuration": {"data": [{"bucket": "example-data", "rule": sse[0].rule}]},
	}}
	paths(inp) == set()
}

test_legacy_inline_block if {
	paths({"resource": {"aws_s3_bucket": {"data": [{"bucket": "example-data", "server_side_encryption_configuration": sse}]}}}) == set()
}

test_missing if {
	res := policy.deny with input as {"resource": {"aws_s3_bucket": {"data": [{"bucket": "example-data"}]}}}
	res == {{"msg": "aws_s3_bucket.data has no server-side encryption configuration", "path": ["resource", "aws_s3_bucket", "data", 0]}}
}

test_empty_inline_list_in_plan if {
	paths({"resource": {"aws_s3_bucket": {"data": [{"bucket": "x", "server_side_encryption_configuration": []}]}}}) == {["resource", "aws_s3_bucket", "data", 0]}
}

test_configuration_for_another_bucket if {
	inp := {"resource": {
		"aws_s3_bucket": {"data": [{"bucket": "example-data"}], "logs": [{"bucket": "example-logs"}]},
		"aws_s3_bucket_server_side_encryption_configuration": {"logs": [{"bucket": "${aws_s3_bucket.logs.id}", "rule": sse[0].rule}]},
	}}
	paths(inp) == {["resource", "aws_s3_bucket", "data", 0]}
}

test_literal_other_name_does_not_match if {
	inp := {"resource": {
		"aws_s3_bucket": {"data": [{"bucket": "example-data"}]},
		"aws_s3_bucket_server_side_encryption_configuration": {"x": [{"bucket": "another-bucket", "rule": sse[0].rule}]},
	}}
	paths(inp) == {["resource", "aws_s3_bucket", "data", 0]}
}
