package tollgate.k8s.pss.restricted.privilege_escalation_test

import rego.v1

import data.tollgate.k8s.pss.restricted.privilege_escalation as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

cronjob(spec) := {
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": {"name": "nightly", "namespace": "ops"},
	"spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}},
}

no_escalation := {"allowPrivilegeEscalation": false}

test_false_everywhere_passes if {
	count(policy.deny) == 0 with input as pod({
		"containers": [{"name": "web", "securityContext": no_escalation}],
		"initContainers": [{"name": "init", "securityContext": no_escalation}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": no_escalation}],
	})
}

test_true_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"web\" must set securityContext.allowPrivilegeEscalation=false",
		"path": ["spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"],
	}} with input as pod({"containers": [{"name": "web", "securityContext": {"allowPrivilegeEscalation": true}}]})
}

test_unset_fails_at_container_or_security_context if {
	deny := policy.deny with input as cronjob({
		"containers": [{"name": "web"}],
		"initContainers": [{"name": "init", "securityContext": {"runAsUser": 1000}}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": no_escalation}],
	})
	count(deny) == 2
	some r in deny
	r.path == ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0]
	r.msg == "CronJob ops/nightly: container \"web\" must set securityContext.allowPrivilegeEscalation=false"
	some i in deny
	i.path == ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "securityContext"]
}

test_ephemeral_fails if {
	deny := policy.deny with input as pod({
		"containers": [{"name": "web", "securityContext": no_escalation}],
		"ephemeralContainers": [{"name": "dbg"}],
	})
	deny == {{"msg": "Pod shop/web: ephemeral container \"dbg\" must set securityContext.allowPrivilegeEscalation=false", "path": ["spec", "ephemeralContainers", 0]}}
}

test_windows_exempt_from_1_25 if {
	count(policy.deny) == 0 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "web"}]})
	count(policy.deny) == 0 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "web"}]})
		with data.tollgate.options as {"k8s_version": "1.25"}
}

test_windows_checked_before_1_25 if {
	count(policy.deny) == 1 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "web"}]})
		with data.tollgate.options as {"k8s_version": "1.24"}
}

test_linux_os_checked if {
	count(policy.deny) == 1 with input as pod({"os": {"name": "linux"}, "containers": [{"name": "web"}]})
}

test_not_checked_before_1_8 if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "web"}]})
		with data.tollgate.options as {"k8s_version": "1.7"}
}
