package tollgate.k8s.pss.restricted.run_as_user_test

import rego.v1

import data.tollgate.k8s.pss.restricted.run_as_user as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

uid(n) := {"runAsUser": n}

test_unset_and_non_zero_pass if {
	count(policy.deny) == 0 with input as pod({
		"securityContext": uid(1000),
		"containers": [{"name": "a"}, {"name": "b", "securityContext": uid(65534)}, {"name": "c", "securityContext": uid(null)}],
	})
}

test_pod_zero_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: the pod must not set securityContext.runAsUser=0",
		"path": ["spec", "securityContext", "runAsUser"],
	}} with input as pod({"securityContext": uid(0), "containers": [{"name": "a", "securityContext": uid(1000)}]})
}

test_containers_zero_fail if {
	deny := policy.deny with input as {
		"kind": "Job",
		"metadata": {"name": "once", "namespace": "batch"},
		"spec": {"template": {"spec": {
			"securityContext": uid(1000),
			"containers": [{"name": "a", "securityContext": uid(0)}],
			"initContainers": [{"name": "init", "securityContext": uid(0)}],
			"ephemeralContainers": [{"name": "dbg", "securityContext": uid(0)}],
		}}},
	}
	count(deny) == 3
	some r in deny
	r.path == ["spec", "template", "spec", "containers", 0, "securityContext", "runAsUser"]
	r.msg == "Job batch/once: container \"a\" must not set securityContext.runAsUser=0"
	some i in deny
	i.path == ["spec", "template", "spec", "initContainers", 0, "securityContext", "runAsUser"]
	some e in deny
	e.path == ["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "runAsUser"]
}

test_cronjob_path if {
	deny := policy.deny with input as {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"securityContext": uid(0), "containers": [{"name": "web"}]}}}}},
	}
	some r in deny
	r.path == ["spec", "jobTemplate", "spec", "template", "spec", "securityContext", "runAsUser"]
}

test_not_checked_before_1_23 if {
	count(policy.deny) == 0 with input as pod({"securityContext": uid(0), "containers": [{"name": "a"}]})
		with data.tollgate.options as {"k8s_version": "1.22"}
	count(policy.deny) == 1 with input as pod({"securityContext": uid(0), "containers": [{"name": "a"}]})
		with data.tollgate.options as {"k8s_version": "1.23"}
}

test_user_namespace_skipped_from_1_35 if {
	count(policy.deny) == 0 with input as pod({"hostUsers": false, "securityContext": uid(0), "containers": [{"name": "a", "securityContext": uid(0)}]})
}

test_user_namespace_checked_before_1_35 if {
	count(policy.deny) == 2 with input as pod({"hostUsers": false, "securityContext": uid(0), "containers": [{"name": "a", "securityContext": uid(0)}]})
		with data.tollgate.options as {"k8s_version": "1.34"}
}
