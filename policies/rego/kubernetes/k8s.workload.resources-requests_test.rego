package tollgate.k8s.workload.resources_requests_test

import rego.v1

import data.tollgate.k8s.workload.resources_requests as policy

deployment(spec) := {
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"spec": spec}},
}

requests := {"requests": {"cpu": "100m", "memory": "128Mi"}}

test_requests_pass if {
	count(policy.deny) == 0 with input as deployment({"containers": [{"name": "web", "resources": requests}]})
}

test_limits_imply_requests if {
	count(policy.deny) == 0 with input as deployment({"containers": [{
		"name": "web",
		"resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "128Mi"}},
	}]})
}

test_no_resources_fails_at_container if {
	policy.deny == {{
		"msg": "Deployment shop/web: container \"web\" has no cpu and memory request",
		"path": ["spec", "template", "spec", "containers", 0],
	}} with input as deployment({"containers": [{"name": "web"}]})
}

test_empty_resources_fails_at_resources if {
	policy.deny == {{
		"msg": "Deployment shop/web: container \"web\" has no cpu and memory request",
		"path": ["spec", "template", "spec", "containers", 0, "resources"],
	}} with input as deployment({"containers": [{"name": "web", "resources": {}}]})
}

test_missing_memory_fails_at_requests if {
	policy.deny == {{
		"msg": "Deployment shop/web: container \"web\" has no memory request",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "requests"],
	}} with input as deployment({"containers": [{"name": "web", "resources": {"requests": {"cpu": "1"}}}]})
}

test_init_container_checked_ephemeral_exempt if {
	policy.deny == {{
		"msg": "Pod dbg: init container \"init\" has no cpu request",
		"path": ["spec", "initContainers", 0, "resources", "requests"],
	}} with input as {"kind": "Pod", "metadata": {"name": "dbg"}, "spec": {
		"initContainers": [{"name": "init", "resources": {"requests": {"memory": "64Mi"}}}],
		"containers": [{"name": "app", "resources": requests}],
		"ephemeralContainers": [{"name": "debugger"}],
	}}
}

test_cronjob_path if {
	policy.deny == {{
		"msg": "CronJob ops/backup: container \"backup\" has no cpu and memory request",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0],
	}} with input as {
		"kind": "CronJob",
		"metadata": {"name": "backup", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "backup"}]}}}}},
	}
}
