package tollgate.tf.aws.s3.versioning_test

import rego.v1

import data.tollgate.tf.aws.s3.versioning as policy

bucket := {"aws_s3_bucket": {"data": [{"bucket": "example-data"}]}}

versioning(ref, status) := {"aws_s3_bucket_versioning": {"v": [{"bucket": ref, "versioning_configuration": [{"status": status}]}]}}

paths(inp) := {r.path | some r in policy.warn with input as inp}

test_resource_enabled if {
	paths({"resource": object.union(bucket, versioning("${aws_s3_bucket.data.id}", "Enabled"))}) == set()
}

test_resource_enabled_through_local if {
	inp := {"locals": [{"status": "Enabled"}], "resource": object.union(bucket, versioning("${aws_s3_bucket.data.id}", "${local.status}"))}
	paths(inp) == set()
}

test_legacy_inline_enabled if {
	paths({"resource": {"aws_s3_bucket": {"data": [{"bucket": "x", "versioning": [{"enabled": true}]}]}}}) == set()
}

test_missing if {
	res := policy.warn with input as {"resource": bucket}
	res == {{"msg": "aws_s3_bucket.data does not have versioning enabled", "path": ["resource", "aws_s3_bucket", "data", 0]}}
}

test_resource_suspended if {
	res := policy.warn with input as {"resource": object.union(bucket, versioning("${aws_s3_bucket.data.id}", "Suspended"))}
	res == {{
		"msg": "aws_s3_bucket_versioning.v does not enable versioning on aws_s3_bucket.data (status is not \"Enabled\")",
		"path": ["resource", "aws_s3_bucket_versioning", "v", 0, "versioning_configuration", 0, "status"],
	}}
}

test_resource_without_status if {
	inp := {"resource": object.union(bucket, {"aws_s3_bucket_versioning": {"v": [{"bucket": "${aws_s3_bucket.data.id}"}]}})}
	paths(inp) == {["resource", "aws_s3_bucket_versioning", "v", 0]}
}

test_legacy_inline_disabled if {
	paths({"resource": {"aws_s3_bucket": {"data": [{"bucket": "x", "versioning": [{"enabled": false}]}]}}}) == {["resource", "aws_s3_bucket", "data", 0, "versioning", 0, "enabled"]}
}

test_inline_disabled_but_resource_enabled if {
	b := {"aws_s3_bucket": {"data": [{"bucket": "example-data", "versioning": [{"enabled": false}]}]}}
	paths({"resource": object.union(b, versioning("example-data", "Enabled"))}) == set()
}

test_versioning_of_another_bucket if {
	paths({"resource": object.union(bucket, versioning("${aws_s3_bucket.other.id}", "Enabled"))}) == {["resource", "aws_s3_bucket", "data", 0]}
}
