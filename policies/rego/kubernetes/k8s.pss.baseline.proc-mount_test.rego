package tollgate.k8s.pss.baseline.proc_mount_test

import rego.v1

import data.tollgate.k8s.pss.baseline.proc_mount as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

unmasked := {"procMount": "Unmasked"}

test_default_and_unset_pass if {
	count(policy.deny) == 0 with input as pod({"containers": [
		{"name": "a"},
		{"name": "b", "securityContext": {"procMount": "Default"}},
		{"name": "c", "securityContext": {"procMount": null}},
	]})
}

test_unmasked_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"a\" must not set securityContext.procMount to \"Unmasked\"",
		"path": ["spec", "containers", 0, "securityContext", "procMount"],
	}} with input as pod({"containers": [{"name": "a", "securityContext": unmasked}]})
}

test_init_and_ephemeral_in_cronjob_fail if {
	deny := policy.deny with input as {
		"kind": "CronJob",
		"metadata": {"name": "nightly", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"containers": [{"name": "main"}],
			"initContainers": [{"name": "init", "securityContext": unmasked}],
			"ephemeralContainers": [{"name": "dbg", "securityContext": unmasked}],
		}}}}},
	}
	count(deny) == 2
	some r in deny
	r.path == ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "securityContext", "procMount"]
	some e in deny
	e.path == ["spec", "jobTemplate", "spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "procMount"]
	e.msg == "CronJob ops/nightly: ephemeral container \"dbg\" must not set securityContext.procMount to \"Unmasked\""
}

test_user_namespace_relaxed_from_1_35 if {
	count(policy.deny) == 0 with input as pod({"hostUsers": false, "containers": [{"name": "a", "securityContext": unmasked}]})
}

test_user_namespace_not_relaxed_before_1_35 if {
	count(policy.deny) == 1 with input as pod({"hostUsers": false, "containers": [{"name": "a", "securityContext": unmasked}]})
		with data.tollgate.options as {"k8s_version": "1.34"}
}

test_host_users_true_not_relaxed if {
	count(policy.deny) == 1 with input as pod({"hostUsers": true, "containers": [{"name": "a", "securityContext": unmasked}]})
}
