package tollgate.tf.aws.s3.public_access_block_test

import rego.v1

import data.tollgate.tf.aws.s3.public_access_block as policy

bucket := {"aws_s3_bucket": {"data": [{"bucket": "example-data"}]}}

full_block(ref) := {
	"bucket": ref,
	"block_public_acls": true,
	"block_public_policy": true,
	"ignore_public_acls": true,
	"restrict_public_buckets": true,
}

paths(inp) := {r.path | some r in policy.deny with input as inp}

test_complete_block_by_reference if {
	paths({"resource": object.union(bucket, {"aws_s3_bucket_public_access_block": {"data": [full_block("${aws_s3_bucket.data.id}")]}})}) == set()
}

test_complete_block_by_bucket_attribute_with_count_index if {
	paths({"resource": object.union(bucket, {"aws_s3_bucket_public_access_block": {"data": [full_block("${aws_s3_bucket.data[0].bucket}")]}})}) == set()
}

test_plan_literal_bucket_name if {
	paths({"resource": object.union(bucket, {"aws_s3_bucket_public_access_block": {"data": [full_block("example-data")]}})}) == set()
}

test_string_true_and_variable_default if {
	blk := object.union(full_block("${aws_s3_bucket.data.id}"), {"block_public_acls": "true", "ignore_public_acls": "${var.ignore}"})
	inp := {
		"variable": {"ignore": [{"default": true}]},
		"resource": object.union(bucket, {"aws_s3_bucket_public_access_block": {"data": [blk]}}),
	}
	paths(inp) == set()
}

test_missing_block if {
	res := policy.deny with input as {"resource": bucket}
	res == {{"msg": "aws_s3_bucket.data has no aws_s3_bucket_public_access_block", "path": ["resource", "aws_s3_bucket", "data", 0]}}
}

test_block_for_another_bucket if {
	inp := {"resource": {
		"aws_s3_bucket": {"data": [{"bucket": "example-data"}], "data2": [{"bucket": "other"}]},
		"aws_s3_bucket_public_access_block": {"data": [full_block("${aws_s3_bucket.data2.id}")]},
	}}
	paths(inp) == {["resource", "aws_s3_bucket", "data", 0]}
}

test_data_source_reference_is_not_the_bucket if {
	inp := {"resource": object.union(bucket, {"aws_s3_bucket_public_access_block": {"data": [full_block("${data.aws_s3_bucket.data.id}")]}})}
	paths(inp) == {["resource", "aws_s3_bucket", "data", 0]}
}

test_prefix_name_is_not_the_bucket if {
	inp := {"resource": object.union(bucket, {"aws_s3_bucket_public_access_block": {"data": [full_block("${aws_s3_bucket.data_logs.id}")]}})}
	paths(inp) == {["resource", "aws_s3_bucket", "data", 0]}
}

test_flag_false_and_flag_missing if {
	blk := object.remove(object.union(full_block("${aws_s3_bucket.data.id}"), {"block_public_policy": false}), ["restrict_public_buckets"])
	inp := {"resource": object.union(bucket, {"aws_s3_bucket_public_access_block": {"pab": [blk]}})}
	res := policy.deny with input as inp
	res == {
		{"msg": "aws_s3_bucket_public_access_block.pab does not set block_public_policy = true", "path": ["resource", "aws_s3_bucket_public_access_block", "pab", 0, "block_public_policy"]},
		{"msg": "aws_s3_bucket_public_access_block.pab does not set restrict_public_buckets = true", "path": ["resource", "aws_s3_bucket_public_access_block", "pab", 0]},
	}
}

test_flag_expression_is_not_proven if {
	blk := object.union(full_block("${aws_s3_bucket.data.id}"), {"block_public_acls": "${var.unknown}"})
	inp := {"resource": object.union(bucket, {"aws_s3_bucket_public_access_block": {"data": [blk]}})}
	paths(inp) == {["resource", "aws_s3_bucket_public_access_block", "data", 0, "block_public_acls"]}
}

test_account_level_block_covers_everything if {
	inp := {"resource": object.union(bucket, {"aws_s3_account_public_access_block": {"acct": [object.remove(full_block(""), ["bucket"])]}})}
	paths(inp) == set()
}

test_incomplete_account_level_block_does_not if {
	acct := object.union(object.remove(full_block(""), ["bucket"]), {"block_public_policy": false})
	inp := {"resource": object.union(bucket, {"aws_s3_account_public_access_block": {"acct": [acct]}})}
	paths(inp) == {["resource", "aws_s3_bucket", "data", 0]}
}

test_no_buckets if {
	paths({"resource": {"aws_instance": {"a": [{}]}}}) == set()
	paths({}) == set()
}
