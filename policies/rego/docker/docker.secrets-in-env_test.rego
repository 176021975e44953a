package tollgate.docker.secrets_in_env_test

import rego.v1

import data.tollgate.docker.secrets_in_env as policy

ins(cmd, value) := {"Cmd": cmd, "SubCmd": "", "JSON": false, "Flags": [], "Value": value, "Stage": 0}

paths(inp) := {r.path | some r in policy.deny with input as inp}

test_fine if {
	inp := [
		ins("arg", ["NPM_TOKEN"]),
		ins("from", ["node:22"]),
		ins("arg", ["GITHUB_TOKEN="]),
		ins("env", ["DB_PASSWORD_FILE", "/run/secrets/db", "PATH", "/usr/bin", "API_KEY", "$API_KEY"]),
		ins("env", ["SECRET", "\"\"", "TOKEN", "${NPM_TOKEN}", "AWS_ACCESS_KEY_ID", "AKIA"]),
	]
	paths(inp) == set()
}

test_env_literal if {
	inp := [ins("from", ["node:22"]), ins("env", ["NODE_ENV", "production", "DB_PASSWORD", "hunter2"])]
	res := policy.deny with input as inp
	res == {{"msg": "ENV DB_PASSWORD has a literal value", "path": [1, "Value", 3]}}
}

test_env_legacy_form_and_quotes if {
	inp := [ins("from", ["node:22"]), ins("env", ["Api-Key", "\"abc def\""]), ins("env", ["client_secret", "'s'"])]
	paths(inp) == {[1, "Value", 1], [2, "Value", 1]}
}

test_env_value_with_embedded_variable if {
	inp := [ins("from", ["node:22"]), ins("env", ["AUTH_TOKEN", "Bearer ${TOKEN}"])]
	paths(inp) == {[1, "Value", 1]}
}

test_arg_default if {
	inp := [ins("arg", ["PRIVATE_KEY=abc", "OTHER=1"]), ins("from", ["node:22"]), ins("arg", ["passwd=\"x\""])]
	res := policy.deny with input as inp
	res == {
		{"msg": "ARG PRIVATE_KEY has a literal default value", "path": [0, "Value", 0]},
		{"msg": "ARG passwd has a literal default value", "path": [2, "Value", 0]},
	}
}

test_malformed_env_without_value if {
	paths([ins("from", ["node:22"]), ins("env", ["TOKEN"])]) == set()
}
