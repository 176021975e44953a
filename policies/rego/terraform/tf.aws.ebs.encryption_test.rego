package tollgate.tf.aws.ebs.encryption_test

import rego.v1

import data.tollgate.tf.aws.ebs.encryption as policy

vol(body) := {"aws_ebs_volume": {"data": [object.union({"availability_zone": "eu-west-1a", "size": 20}, body)]}}

paths(resources) := {r.path | some r in policy.deny with input as {"resource": resources}}

test_encrypted if {
	paths(vol({"encrypted": true})) == set()
}

test_missing if {
	res := policy.deny with input as {"resource": vol({})}
	res == {{"msg": "aws_ebs_volume.data does not set encrypted = true", "path": ["resource", "aws_ebs_volume", "data", 0]}}
}

test_false if {
	paths(vol({"encrypted": false})) == {["resource", "aws_ebs_volume", "data", 0, "encrypted"]}
}

test_encryption_by_default if {
	paths(object.union(vol({}), {"aws_ebs_encryption_by_default": {"d": [{}]}})) == set()
	paths(object.union(vol({}), {"aws_ebs_encryption_by_default": {"d": [{"enabled": true}]}})) == set()
}

test_encryption_by_default_disabled if {
	paths(object.union(vol({}), {"aws_ebs_encryption_by_default": {"d": [{"enabled": false}]}})) == {["resource", "aws_ebs_volume", "data", 0]}
}
