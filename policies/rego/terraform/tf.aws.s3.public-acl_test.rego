package tollgate.tf.aws.s3.public_acl_test

import rego.v1

import data.tollgate.tf.aws.s3.public_acl as policy

paths(inp) := {r.path | some r in policy.deny with input as inp}

test_private_acl if {
	inp := {"resource": {
		"aws_s3_bucket": {"data": [{"bucket": "x", "acl": "private"}]},
		"aws_s3_bucket_acl": {"data": [{"bucket": "${aws_s3_bucket.data.id}", "acl": "private"}]},
	}}
	paths(inp) == set()
}

test_no_acl if {
	paths({"resource": {"aws_s3_bucket": {"data": [{"bucket": "x"}]}}}) == set()
}

test_legacy_inline_public_read if {
	res := policy.deny with input as {"resource": {"aws_s3_bucket": {"data": [{"bucket": "x", "acl": "public-read"}]}}}
	res == {{"msg": "aws_s3_bucket.data uses the public canned ACL \"public-read\"", "path": ["resource", "aws_s3_bucket", "data", 0, "acl"]}}
}

test_acl_resource_public_read_write if {
	inp := {"resource": {"aws_s3_bucket_acl": {"a": [{"bucket": "${aws_s3_bucket.data.id}", "acl": "public-read-write"}]}}}
	paths(inp) == {["resource", "aws_s3_bucket_acl", "a", 0, "acl"]}
}

test_authenticated_read_through_variable if {
	inp := {
		"variable": {"acl": [{"default": "authenticated-read"}]},
		"resource": {"aws_s3_bucket_acl": {"a": [{"bucket": "x", "acl": "${var.acl}"}]}},
	}
	paths(inp) == {["resource", "aws_s3_bucket_acl", "a", 0, "acl"]}
}

test_variable_without_default_is_not_reported if {
	inp := {
		"variable": {"acl": [{"type": "${string}"}]},
		"resource": {"aws_s3_bucket_acl": {"a": [{"bucket": "x", "acl": "${var.acl}"}]}},
	}
	paths(inp) == set()
}

test_legacy_inline_grant_to_all_users if {
	g := {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers", "permissions": ["READ"]}
	own := {"type": "CanonicalUser", "id": "abc", "permissions": ["FULL_CONTROL"]}
	inp := {"resource": {"aws_s3_bucket": {"data": [{"bucket": "x", "grant": [own, g]}]}}}
	paths(inp) == {["resource", "aws_s3_bucket", "data", 0, "grant", 1, "uri"]}
}

test_acl_resource_grant_to_authenticated_users if {
	grantee := {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}
	acp := {"grant": [{"grantee": [grantee], "permission": "READ"}], "owner": [{"id": "abc"}]}
	inp := {"resource": {"aws_s3_bucket_acl": {"a": [{"bucket": "x", "access_control_policy": [acp]}]}}}
	paths(inp) == {["resource", "aws_s3_bucket_acl", "a", 0, "access_control_policy", 0, "grant", 0, "grantee", 0, "uri"]}
}

test_acl_resource_grant_to_canonical_user if {
	acp := {"grant": [{"grantee": [{"type": "CanonicalUser", "id": "abc"}], "permission": "READ"}]}
	inp := {"resource": {"aws_s3_bucket_acl": {"a": [{"bucket": "x", "access_control_policy": [acp]}]}}}
	paths(inp) == set()
}
