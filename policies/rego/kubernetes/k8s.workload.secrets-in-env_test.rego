package tollgate.k8s.workload.secrets_in_env_test

import rego.v1

import data.tollgate.k8s.workload.secrets_in_env as policy

pod(env) := {"kind": "Pod", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"containers": [{"name": "api", "env": env}]}}

test_value_from_passes if {
	count(policy.deny) == 0 with input as pod([{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}])
}

test_non_secret_names_pass if {
	count(policy.deny) == 0 with input as pod([
		{"name": "LOG_LEVEL", "value": "debug"},
		{"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db"},
		{"name": "TOKEN_URL", "value": "https://auth.example.com/token"},
		{"name": "JWT_SECRET_NAME", "value": "jwt"},
		{"name": "AWS_ACCESS_KEY_ID", "value": "AKIAEXAMPLE"},
		{"name": "MAX_TOKENS", "value": "4096"},
		{"name": "TOKENIZER_MODEL", "value": "bpe"},
		{"name": "ACCESS_TOKEN_TTL", "value": "3600"},
		{"name": "PASSWORD_MIN_LENGTH", "value": "12"},
	])
}

test_empty_and_reference_values_pass if {
	count(policy.deny) == 0 with input as pod([
		{"name": "API_KEY", "value": ""},
		{"name": "GITHUB_TOKEN", "value": "$(TOKEN_FROM_SECRET)"},
	])
}

test_literal_password_fails_at_value if {
	policy.deny == {{
		"msg": "Pod shop/api: container \"api\" sets env DB_PASSWORD to a literal value; take it from a Secret",
		"path": ["spec", "containers", 0, "env", 1, "value"],
	}} with input as pod([{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "value": "hunter2"}])
}

test_case_insensitive_and_variants if {
	count(policy.deny) == 8 with input as pod([
		{"name": "apiKey", "value": "k"},
		{"name": "Stripe_Secret_Key", "value": "sk_live_x"},
		{"name": "SLACK_TOKEN", "value": "xoxb"},
		{"name": "TLS_PRIVATE_KEY", "value": "-----BEGIN"},
		{"name": "AWS_SECRET_ACCESS_KEY", "value": "abc"},
		{"name": "PIN", "value": 1234},
		{"name": "DB_PASS", "value": "x"},
		{"name": "BYPASS_CACHE", "value": "true"},
		{"name": "TOKENS_SECRET", "value": "x"},
		{"name": "SMTP_PASSWD", "value": 1234},
	])
}

test_cronjob_init_container_path if {
	policy.deny == {{
		"msg": "CronJob ops/backup: init container \"init\" sets env RESTIC_PASSWORD to a literal value; take it from a Secret",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "env", 0, "value"],
	}} with input as {
		"kind": "CronJob",
		"metadata": {"name": "backup", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "init", "env": [{"name": "RESTIC_PASSWORD", "value": "s3cret"}]}],
			"containers": [{"name": "backup"}],
		}}}}},
	}
}
