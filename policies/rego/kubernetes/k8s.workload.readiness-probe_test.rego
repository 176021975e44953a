package tollgate.k8s.workload.readiness_probe_test

import rego.v1

import data.tollgate.k8s.workload.readiness_probe as policy

probe := {"httpGet": {"path": "/healthz", "port": 8080}}

workload(kind, spec) := {"kind": kind, "metadata": {"name": "web", "namespace": "shop"}, "spec": {"template": {"spec": spec}}}

test_probe_passes if {
	count(policy.warn) == 0 with input as workload("Deployment", {"containers": [{"name": "web", "readinessProbe": probe}]})
}

test_missing_probe_warns_at_container if {
	policy.warn == {{
		"msg": "StatefulSet shop/web: container \"side\" has no readinessProbe",
		"path": ["spec", "template", "spec", "containers", 1],
	}} with input as workload("StatefulSet", {"containers": [
		{"name": "web", "readinessProbe": probe},
		{"name": "side"},
	]})
}

test_daemonset_warns if {
	count(policy.warn) == 1 with input as workload("DaemonSet", {"containers": [{"name": "agent"}]})
}

test_init_and_ephemeral_containers_exempt if {
	count(policy.warn) == 0 with input as workload("Deployment", {
		"initContainers": [{"name": "init"}],
		"containers": [{"name": "web", "readinessProbe": probe}],
		"ephemeralContainers": [{"name": "debugger"}],
	})
}

test_job_cronjob_pod_exempt if {
	count(policy.warn) == 0 with input as workload("Job", {"containers": [{"name": "run"}]})
	count(policy.warn) == 0 with input as {
		"kind": "CronJob",
		"metadata": {"name": "backup", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "backup"}]}}}}},
	}
	count(policy.warn) == 0 with input as {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "p"}]}}
}
