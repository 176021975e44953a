package tollgate.tf.aws.ec2.imdsv2_test

import rego.v1

import data.tollgate.tf.aws.ec2.imdsv2 as policy

instance(body) := {"aws_instance": {"web": [object.union({"ami": "ami-1", "instance_type": "t3.micro"}, body)]}}

paths(resources) := {r.path | some r in policy.deny with input as {"resource": resources}}

test_required if {
	paths(instance({"metadata_options": [{"http_tokens": "required"}]})) == set()
}

test_endpoint_disabled if {
	paths(instance({"metadata_options": [{"http_endpoint": "disabled"}]})) == set()
}

test_missing if {
	res := policy.deny with input as {"resource": instance({})}
	res == {{"msg": "aws_instance.web does not require IMDSv2 (metadata_options { http_tokens = \"required\" })", "path": ["resource", "aws_instance", "web", 0]}}
}

test_optional if {
	paths(instance({"metadata_options": [{"http_tokens": "optional"}]})) == {["resource", "aws_instance", "web", 0, "metadata_options", 0, "http_tokens"]}
}

test_block_without_tokens if {
	paths(instance({"metadata_options": [{"http_put_response_hop_limit": 1}]})) == {["resource", "aws_instance", "web", 0, "metadata_options", 0]}
}

template(tokens) := {"aws_launch_template": {"lt": [{"metadata_options": [{"http_tokens": tokens}]}]}}

test_secure_launch_template if {
	paths(object.union(instance({"launch_template": [{"id": "${aws_launch_template.lt.id}"}]}), template("required"))) == set()
	paths(object.union(instance({"launch_template": [{"name": "${aws_launch_template.lt.name}"}]}), template("required"))) == set()
}

test_insecure_launch_template if {
	paths(object.union(instance({"launch_template": [{"id": "${aws_launch_template.lt.id}"}]}), template("optional"))) == {["resource", "aws_instance", "web", 0]}
}

test_instance_overrides_template if {
	inst := instance({"launch_template": [{"id": "${aws_launch_template.lt.id}"}], "metadata_options": [{"http_tokens": "optional"}]})
	paths(object.union(inst, template("required"))) == {["resource", "aws_instance", "web", 0, "metadata_options", 0, "http_tokens"]}
}

test_unrelated_template if {
	paths(object.union(instance({"launch_template": [{"id": "lt-0123"}]}), template("required"))) == {["resource", "aws_instance", "web", 0]}
}
