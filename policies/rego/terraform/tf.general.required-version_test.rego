package tollgate.tf.general.required_version_test

import rego.v1

import data.tollgate.tf.general.required_version as policy

bucket := {"aws_s3_bucket": {"b": [{"bucket": "x"}]}}

test_set if {
	res := policy.warn with input as {"terraform": [{"required_version": ">= 1.5"}], "resource": bucket}
	res == set()
}

test_set_in_second_block if {
	inp := {"terraform": [{"required_providers": [{"aws": {"source": "hashicorp/aws"}}]}, {"required_version": ">= 1.5"}], "resource": bucket}
	res := policy.warn with input as inp
	res == set()
}

test_no_terraform_block if {
	res := policy.warn with input as {"resource": bucket}
	res == {{"msg": "the module does not set terraform { required_version }", "path": []}}
}

test_block_without_required_version if {
	inp := {"terraform": [{"backend": [{"s3": [{}]}]}], "provider": {"aws": [{"region": "eu-west-1"}]}}
	res := policy.warn with input as inp
	res == {{"msg": "the module does not set terraform { required_version }", "path": ["terraform", 0]}}
}

test_empty_required_version if {
	res := policy.warn with input as {"terraform": [{"required_version": ""}], "module": {"m": [{"source": "./m"}]}}
	{r.path | some r in res} == {["terraform", 0]}
}

test_data_only_module if {
	res := policy.warn with input as {"data": {"aws_caller_identity": {"me": [{}]}}}
	{r.path | some r in res} == {[]}
}

test_variables_and_outputs_only if {
	res := policy.warn with input as {"variable": {"x": [{"description": "x"}]}, "output": {"y": [{"value": "${var.x}"}]}}
	res == set()
}
