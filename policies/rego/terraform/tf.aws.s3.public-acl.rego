# METADATA
# title: S3 bucket with a public canned ACL
# description: >-
#   No bucket may use the canned ACL public-read, public-read-write or authenticated-read,
#   neither with the acl argument of aws_s3_bucket (AWS provider < 4) nor with an
#   aws_s3_bucket_acl resource. Grants to the AllUsers or AuthenticatedUsers groups (the
#   inline grant blocks of aws_s3_bucket, the access_control_policy of aws_s3_bucket_acl)
#   are the same thing spelled out and are reported too.
# custom:
#   id: tf.aws.s3.public-acl
#   severity: deny
#   input: terraform
#   remediation: >-
#     Use the private ACL (or, better, object ownership BucketOwnerEnforced, which disables
#     ACLs) and grant access with bucket policies.
#   reference: https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
#   example_pass: |
#     resource "aws_s3_bucket" "data" {
#       bucket = "example-data"
#     }
#
#     resource "aws_s3_bucket_acl" "data" {
#       bucket = aws_s3_bucket.data.id
#       acl    = "private"
#     }
#   example_fail: |
#     resource "aws_s3_bucket" "data" {
#       bucket = "example-data"
#     }
#
#     resource "aws_s3_bucket_acl" "data" {
#       bucket = aws_s3_bucket.data.id
#       acl    = "public-read"
#     }
package tollgate.tf.aws.s3.public_acl

import rego.v1

import data.tollgate.lib.terraform as tf

public_acls := {"public-read", "public-read-write", "authenticated-read"}

public_groups := {
	"http://acs.amazonaws.com/groups/global/AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

deny contains result if {
	some r in tf.resources
	r.type in {"aws_s3_bucket", "aws_s3_bucket_acl"}
	acl := tf.resolve(r.body.acl)
	acl in public_acls
	result := {
		"msg": sprintf("%s uses the public canned ACL %q", [r.address, acl]),
		"path": array.concat(r.path, ["acl"]),
	}
}

# Legacy inline grant { type = "Group", uri = ".../AllUsers" } on aws_s3_bucket.
deny contains result if {
	some r in tf.resources_of("aws_s3_bucket")
	some j, g in r.body.grant
	g.uri in public_groups
	result := {
		"msg": sprintf("%s grants access to %s", [r.address, g.uri]),
		"path": array.concat(r.path, ["grant", j, "uri"]),
	}
}

# aws_s3_bucket_acl access_control_policy { grant { grantee { uri = ... } } }.
deny contains result if {
	some r in tf.resources_of("aws_s3_bucket_acl")
	some j, p in r.body.access_control_policy
	some k, g in p.grant
	some l, grantee in g.grantee
	grantee.uri in public_groups
	result := {
		"msg": sprintf("%s grants access to %s", [r.address, grantee.uri]),
		"path": array.concat(r.path, ["access_control_policy", j, "grant", k, "grantee", l, "uri"]),
	}
}
