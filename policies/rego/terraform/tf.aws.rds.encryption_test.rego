package tollgate.tf.aws.rds.encryption_test

import rego.v1

import data.tollgate.tf.aws.rds.encryption as policy

db(body) := {"resource": {"aws_db_instance": {"db": [object.union({"engine": "postgres"}, body)]}}}

paths(inp) := {r.path | some r in policy.deny with input as inp}

test_encrypted if {
	paths(db({"storage_encrypted": true})) == set()
	paths(db({"storage_encrypted": "true"})) == set()
}

test_missing if {
	res := policy.deny with input as db({})
	res == {{"msg": "aws_db_instance.db does not set storage_encrypted = true", "path": ["resource", "aws_db_instance", "db", 0]}}
}

test_false if {
	paths(db({"storage_encrypted": false})) == {["resource", "aws_db_instance", "db", 0, "storage_encrypted"]}
}

test_expression_not_proven if {
	paths(db({"storage_encrypted": "${var.encrypted}"})) == {["resource", "aws_db_instance", "db", 0, "storage_encrypted"]}
}

test_read_replica_inherits if {
	paths(db({"replicate_source_db": "${aws_db_instance.primary.identifier}"})) == set()
}

test_null_replica_source_in_plan if {
	paths(db({"replicate_source_db": null})) == {["resource", "aws_db_instance", "db", 0]}
}
