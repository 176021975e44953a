package tollgate.k8s.workload.cpu_limit_test

import rego.v1

import data.tollgate.k8s.workload.cpu_limit as policy

pod(spec) := {"kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

test_cpu_limit_passes if {
	count(policy.warn) == 0 with input as pod({"containers": [{"name": "web", "resources": {"limits": {"cpu": "500m"}}}]})
}

test_no_resources_warns_at_container if {
	policy.warn == {{
		"msg": "Pod shop/web: container \"web\" has no cpu limit",
		"path": ["spec", "containers", 0],
	}} with input as pod({"containers": [{"name": "web"}]})
}

test_memory_limit_only_warns_at_limits if {
	policy.warn == {{
		"msg": "Pod shop/web: container \"web\" has no cpu limit",
		"path": ["spec", "containers", 0, "resources", "limits"],
	}} with input as pod({"containers": [{"name": "web", "resources": {"limits": {"memory": "1Gi"}}}]})
}

test_init_container_checked_ephemeral_exempt if {
	policy.warn == {{
		"msg": "StatefulSet db/pg: init container \"init\" has no cpu limit",
		"path": ["spec", "template", "spec", "initContainers", 0, "resources"],
	}} with input as {
		"kind": "StatefulSet",
		"metadata": {"name": "pg", "namespace": "db"},
		"spec": {"template": {"spec": {
			"initContainers": [{"name": "init", "resources": {}}],
			"containers": [{"name": "pg", "resources": {"limits": {"cpu": "2"}}}],
			"ephemeralContainers": [{"name": "debugger"}],
		}}},
	}
}
