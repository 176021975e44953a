package tollgate.tf.general.variable_description_test

import rego.v1

import data.tollgate.tf.general.variable_description as policy

test_described if {
	res := policy.warn with input as {"variable": {"region": [{"type": "${string}", "description": "AWS region."}]}}
	res == set()
}

test_missing if {
	res := policy.warn with input as {"variable": {"region": [{"type": "${string}"}], "env": [{"description": "Environment."}]}}
	res == {{"msg": "variable \"region\" has no description", "path": ["variable", "region", 0]}}
}

test_empty_and_blank if {
	res := policy.warn with input as {"variable": {"a": [{"description": ""}], "b": [{"description": "  "}]}}
	{r.path | some r in res} == {["variable", "a", 0, "description"], ["variable", "b", 0, "description"]}
}

test_empty_variable_block if {
	res := policy.warn with input as {"variable": {"a": [{}]}}
	{r.path | some r in res} == {["variable", "a", 0]}
}

test_no_variables if {
	res := policy.warn with input as {"resource": {"aws_s3_bucket": {"b": [{}]}}}
	res == set()
}
