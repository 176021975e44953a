package tollgate.tf.aws.rds.public_test

import rego.v1

import data.tollgate.tf.aws.rds.public as policy

db(body) := {"resource": {"aws_db_instance": {"db": [object.union({"engine": "postgres"}, body)]}}}

paths(inp) := {r.path | some r in policy.deny with input as inp}

test_private if {
	paths(db({"publicly_accessible": false})) == set()
	paths(db({})) == set()
}

test_public if {
	res := policy.deny with input as db({"publicly_accessible": true})
	res == {{"msg": "aws_db_instance.db is publicly accessible", "path": ["resource", "aws_db_instance", "db", 0, "publicly_accessible"]}}
}

test_public_through_variable_default if {
	inp := object.union(db({"publicly_accessible": "${var.public}"}), {"variable": {"public": [{"default": true}]}})
	paths(inp) == {["resource", "aws_db_instance", "db", 0, "publicly_accessible"]}
}

test_unknown_expression_not_reported if {
	paths(db({"publicly_accessible": "${var.public}"})) == set()
}
