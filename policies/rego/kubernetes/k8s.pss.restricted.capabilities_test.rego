package tollgate.k8s.pss.restricted.capabilities_test

import rego.v1

import data.tollgate.k8s.pss.restricted.capabilities as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

caps(drop, add) := {"capabilities": {"drop": drop, "add": add}}

drop_all := {"capabilities": {"drop": ["ALL"]}}

test_drop_all_passes if {
	count(policy.deny) == 0 with input as pod({
		"containers": [{"name": "a", "securityContext": caps(["ALL"], ["NET_BIND_SERVICE"])}],
		"initContainers": [{"name": "init", "securityContext": drop_all}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": caps(["NET_RAW", "ALL"], [])}],
	})
}

test_no_security_context_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"a\" must set securityContext.capabilities.drop=[\"ALL\"]",
		"path": ["spec", "containers", 0],
	}} with input as pod({"containers": [{"name": "a"}]})
}

test_drop_without_all_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"a\" must set securityContext.capabilities.drop=[\"ALL\"]",
		"path": ["spec", "containers", 0, "securityContext", "capabilities", "drop"],
	}} with input as pod({"containers": [{"name": "a", "securityContext": {"capabilities": {"drop": ["NET_RAW", "all"]}}}]})
}

test_missing_drop_points_at_capabilities if {
	deny := policy.deny with input as pod({"containers": [{"name": "a", "securityContext": {"capabilities": {"add": ["NET_BIND_SERVICE"]}}}]})
	deny == {{
		"msg": "Pod shop/web: container \"a\" must set securityContext.capabilities.drop=[\"ALL\"]",
		"path": ["spec", "containers", 0, "securityContext", "capabilities"],
	}}
}

test_forbidden_add_fails if {
	deny := policy.deny with input as pod({"containers": [{"name": "a", "securityContext": caps(["ALL"], ["NET_BIND_SERVICE", "CHOWN"])}]})
	deny == {{
		"msg": "Pod shop/web: container \"a\" must not add capability CHOWN (only NET_BIND_SERVICE may be added)",
		"path": ["spec", "containers", 0, "securityContext", "capabilities", "add", 1],
	}}
}

test_init_and_ephemeral_in_cronjob_fail if {
	deny := policy.deny with input as {
		"kind": "CronJob",
		"metadata": {"name": "nightly", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"containers": [{"name": "a", "securityContext": drop_all}],
			"initContainers": [{"name": "init", "securityContext": {}}],
			"ephemeralContainers": [{"name": "dbg", "securityContext": caps(["ALL"], ["SYS_ADMIN"])}],
		}}}}},
	}
	count(deny) == 2
	some i in deny
	i.path == ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "securityContext"]
	i.msg == "CronJob ops/nightly: init container \"init\" must set securityContext.capabilities.drop=[\"ALL\"]"
	some e in deny
	e.path == ["spec", "jobTemplate", "spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "capabilities", "add", 0]
	e.msg == "CronJob ops/nightly: ephemeral container \"dbg\" must not add capability SYS_ADMIN (only NET_BIND_SERVICE may be added)"
}

test_windows_exempt_from_1_25 if {
	count(policy.deny) == 0 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "a"}]})
}

test_windows_checked_before_1_25 if {
	count(policy.deny) == 1 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "a"}]})
		with data.tollgate.options as {"k8s_version": "1.24"}
}

test_not_checked_before_1_22 if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "a"}]})
		with data.tollgate.options as {"k8s_version": "1.21"}
	count(policy.deny) == 1 with input as pod({"containers": [{"name": "a"}]})
		with data.tollgate.options as {"k8s_version": "1.22"}
}
