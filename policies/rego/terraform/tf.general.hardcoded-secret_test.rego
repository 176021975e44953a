package tollgate.tf.general.hardcoded_secret_test

import rego.v1

import data.tollgate.tf.general.hardcoded_secret as policy

paths(inp) := {r.path | some r in policy.deny with input as inp}

test_references_and_empty_strings_pass if {
	inp := {
		"variable": {"db_password": [{"type": "${string}", "sensitive": true}]},
		"resource": {"aws_db_instance": {"db": [{
			"password": "${var.db_password}",
			"master_user_secret_kms_key_id": "${aws_kms_key.k.arn}",
			"auth_token": "",
			"secret_name": "prod/db",
			"password_length": 20,
			"token_url": "https://example.com/token",
			"manage_master_user_password": true,
		}]}},
	}
	paths(inp) == set()
}

test_resource_attribute if {
	inp := {"resource": {"aws_db_instance": {"db": [{"engine": "postgres", "password": "hunter2"}]}}}
	res := policy.deny with input as inp
	res == {{"msg": "aws_db_instance.db sets password to a hard-coded string", "path": ["resource", "aws_db_instance", "db", 0, "password"]}}
}

test_template_string_is_an_expression if {
	inp := {"resource": {"aws_db_instance": {"db": [{"password": "prefix-${random_password.p.result}"}]}}}
	paths(inp) == set()
}

test_nested_block_and_map_key_case_insensitive if {
	inp := {"resource": {"aws_lambda_function": {"fn": [{"environment": [{"variables": {"DB_PASSWORD": "hunter2", "LOG_LEVEL": "debug"}}]}]}}}
	res := policy.deny with input as inp
	res == {{"msg": "aws_lambda_function.fn sets DB_PASSWORD to a hard-coded string", "path": ["resource", "aws_lambda_function", "fn", 0, "environment", 0, "variables", "DB_PASSWORD"]}}
}

test_provider if {
	inp := {"provider": {"aws": [{"region": "eu-west-1", "access_key": "AKIAEXAMPLE", "secret_key": "abc"}]}}
	res := policy.deny with input as inp
	res == {
		{"msg": "provider.aws sets access_key to a hard-coded string", "path": ["provider", "aws", 0, "access_key"]},
		{"msg": "provider.aws sets secret_key to a hard-coded string", "path": ["provider", "aws", 0, "secret_key"]},
	}
}

test_module_argument if {
	inp := {"module": {"db": [{"source": "./db", "api_key": "k-123", "ApiToken": "t"}]}}
	paths(inp) == {["module", "db", 0, "api_key"], ["module", "db", 0, "ApiToken"]}
}

test_data_source if {
	inp := {"data": {"http": {"x": [{"url": "https://example.com", "request_headers": {"Private-Key": "x", "x_private_key": "y"}}]}}}
	res := policy.deny with input as inp
	res == {
		{"msg": "data.http.x sets Private-Key to a hard-coded string", "path": ["data", "http", "x", 0, "request_headers", "Private-Key"]},
		{"msg": "data.http.x sets x_private_key to a hard-coded string", "path": ["data", "http", "x", 0, "request_headers", "x_private_key"]},
	}
}

test_variable_default if {
	inp := {"variable": {
		"db_password": [{"type": "${string}", "default": "hunter2"}],
		"api_token": [{"type": "${string}", "default": ""}],
		"region": [{"default": "eu-west-1"}],
		"secret_name": [{"default": "prod/db"}],
	}}
	res := policy.deny with input as inp
	res == {{"msg": "var.db_password sets default to a hard-coded string", "path": ["variable", "db_password", 0, "default"]}}
}

test_locals if {
	inp := {"locals": [{"env": "prod"}, {"client_secret": "s3cr3t", "token": "${var.token}"}]}
	res := policy.deny with input as inp
	res == {{"msg": "local.client_secret sets client_secret to a hard-coded string", "path": ["locals", 1, "client_secret"]}}
}

test_imdsv2_http_tokens_is_a_setting if {
	count(policy.deny) == 0 with input as {"resource": {"aws_instance": {"web": [{"metadata_options": [{"http_tokens": "required"}]}]}}}
}
