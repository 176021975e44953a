package tollgate.k8s.workload.memory_limit_test

import rego.v1

import data.tollgate.k8s.workload.memory_limit as policy

pod(spec) := {"kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

test_memory_limit_passes if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "web", "resources": {"limits": {"memory": "256Mi"}}}]})
}

test_no_resources_fails_at_container if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"web\" has no memory limit",
		"path": ["spec", "containers", 0],
	}} with input as pod({"containers": [{"name": "web"}]})
}

test_cpu_limit_only_fails_at_limits if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"web\" has no memory limit",
		"path": ["spec", "containers", 0, "resources", "limits"],
	}} with input as pod({"containers": [{"name": "web", "resources": {"limits": {"cpu": "1"}}}]})
}

test_request_is_not_a_limit if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"web\" has no memory limit",
		"path": ["spec", "containers", 0, "resources"],
	}} with input as pod({"containers": [{"name": "web", "resources": {"requests": {"memory": "1Gi"}}}]})
}

test_init_container_checked_ephemeral_exempt if {
	policy.deny == {{
		"msg": "CronJob ops/backup: init container \"init\" has no memory limit",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0],
	}} with input as {
		"kind": "CronJob",
		"metadata": {"name": "backup", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "init"}],
			"containers": [{"name": "backup", "resources": {"limits": {"memory": "1Gi"}}}],
			"ephemeralContainers": [{"name": "debugger"}],
		}}}}},
	}
}
