package tollgate.k8s.pss.baseline.host_process_test

import rego.v1

import data.tollgate.k8s.pss.baseline.host_process as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

cronjob(spec) := {
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": {"name": "nightly", "namespace": "ops"},
	"spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}},
}

windows_opts(v) := {"windowsOptions": {"hostProcess": v}}

test_unset_passes if {
	count(policy.deny) == 0 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "web", "image": "nanoserver"}]})
}

test_false_passes if {
	count(policy.deny) == 0 with input as pod({
		"securityContext": windows_opts(false),
		"containers": [{"name": "web", "securityContext": windows_opts(false)}],
	})
}

test_pod_level_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: the pod must not set securityContext.windowsOptions.hostProcess=true",
		"path": ["spec", "securityContext", "windowsOptions", "hostProcess"],
	}} with input as pod({"securityContext": windows_opts(true), "containers": [{"name": "web"}]})
}

test_container_level_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"web\" must not set securityContext.windowsOptions.hostProcess=true",
		"path": ["spec", "containers", 0, "securityContext", "windowsOptions", "hostProcess"],
	}} with input as pod({"containers": [{"name": "web", "securityContext": windows_opts(true)}]})
}

test_init_and_ephemeral_in_cronjob_fail if {
	deny := policy.deny with input as cronjob({
		"containers": [{"name": "web"}],
		"initContainers": [{"name": "setup", "securityContext": windows_opts(true)}],
		"ephemeralContainers": [{"name": "debug", "securityContext": windows_opts(true)}],
	})
	count(deny) == 2
	some r in deny
	r.path == ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "securityContext", "windowsOptions", "hostProcess"]
	r.msg == "CronJob ops/nightly: init container \"setup\" must not set securityContext.windowsOptions.hostProcess=true"
	some e in deny
	e.path == ["spec", "jobTemplate", "spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "windowsOptions", "hostProcess"]
	e.msg == "CronJob ops/nightly: ephemeral container \"debug\" must not set securityContext.windowsOptions.hostProcess=true"
}

test_null_security_context_passes if {
	count(policy.deny) == 0 with input as pod({"securityContext": null, "containers": [{"name": "web", "securityContext": null}]})
}

test_non_workload_ignored if {
	count(policy.deny) == 0 with input as {"kind": "ConfigMap", "metadata": {"name": "x"}, "spec": {"securityContext": windows_opts(true)}}
}
