package tollgate.k8s.workload.read_only_root_filesystem_test

import rego.v1

import data.tollgate.k8s.workload.read_only_root_filesystem as policy

ro := {"readOnlyRootFilesystem": true}

pod(spec) := {"kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

test_read_only_passes if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "web", "securityContext": ro}]})
}

test_false_fails_at_field if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"web\" does not set readOnlyRootFilesystem: true",
		"path": ["spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"],
	}} with input as pod({"containers": [{"name": "web", "securityContext": {"readOnlyRootFilesystem": false}}]})
}

test_string_true_fails if {
	count(policy.deny) == 1 with input as pod({"containers": [{"name": "web", "securityContext": {"readOnlyRootFilesystem": "true"}}]})
}

test_unset_fails_at_security_context if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"web\" does not set readOnlyRootFilesystem: true",
		"path": ["spec", "containers", 0, "securityContext"],
	}} with input as pod({"containers": [{"name": "web", "securityContext": {"runAsNonRoot": true}}]})
}

test_every_container_kind if {
	policy.deny == {
		{
			"msg": "Pod shop/web: init container \"init\" does not set readOnlyRootFilesystem: true",
			"path": ["spec", "initContainers", 0],
		},
		{
			"msg": "Pod shop/web: ephemeral container \"debugger\" does not set readOnlyRootFilesystem: true",
			"path": ["spec", "ephemeralContainers", 0],
		},
	} with input as pod({
		"initContainers": [{"name": "init"}],
		"containers": [{"name": "web", "securityContext": ro}],
		"ephemeralContainers": [{"name": "debugger"}],
	})
}

test_cronjob_path if {
	policy.deny == {{
		"msg": "CronJob ops/backup: container \"backup\" does not set readOnlyRootFilesystem: true",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0],
	}} with input as {
		"kind": "CronJob",
		"metadata": {"name": "backup", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "backup"}]}}}}},
	}
}

test_windows_exempt if {
	count(policy.deny) == 0 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "web"}]})
}
