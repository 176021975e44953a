# Terraform rules over conftest's HCL2 shape, in Rego v0 syntax as older conftest
# policies are written.
package main

deny_public_bucket[result] {
	bucket := input.resource.aws_s3_bucket[name][_]
	bucket.acl == "public-read"
	result := {
		"msg": sprintf("aws_s3_bucket.%s must not be public-read", [name]),
		"path": ["resource", "aws_s3_bucket", name, 0, "acl"],
	}
}

deny_open_ingress[msg] {
	sg := input.resource.aws_security_group[name][_]
	rule := sg.ingress[_]
	rule.cidr_blocks[_] == "0.0.0.0/0"
	rule.from_port != 443
	msg := sprintf("aws_security_group.%s allows port %v from anywhere", [name, rule.from_port])
}

warn_unversioned[msg] {
	input.resource.aws_s3_bucket[name]
	not versioned(name)
	msg := sprintf("aws_s3_bucket.%s has no versioning", [name])
}

versioned(name) {
	v := input.resource.aws_s3_bucket_versioning[_][_]
	v.bucket == sprintf("${aws_s3_bucket.%s.id}", [name])
}
