package tollgate.k8s.pss.restricted.seccomp_test

import rego.v1

import data.tollgate.k8s.pss.restricted.seccomp as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

deployment(spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"spec": spec}},
}

sp(t) := {"seccompProfile": {"type": t}}

test_pod_level_passes if {
	count(policy.deny) == 0 with input as pod({
		"securityContext": sp("RuntimeDefault"),
		"containers": [{"name": "a"}, {"name": "b", "securityContext": sp("Localhost")}],
		"initContainers": [{"name": "init"}],
		"ephemeralContainers": [{"name": "dbg"}],
	})
}

test_every_container_passes if {
	count(policy.deny) == 0 with input as deployment({
		"containers": [{"name": "a", "securityContext": sp("Localhost")}],
		"initContainers": [{"name": "init", "securityContext": sp("RuntimeDefault")}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": sp("RuntimeDefault")}],
	})
}

test_unset_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: the pod or container \"a\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
		"path": ["spec", "containers", 0],
	}} with input as pod({"containers": [{"name": "a"}]})
}

test_unset_containers_fail_in_cronjob if {
	deny := policy.deny with input as {
		"kind": "CronJob",
		"metadata": {"name": "nightly", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"containers": [{"name": "a", "securityContext": sp("RuntimeDefault")}],
			"initContainers": [{"name": "init", "securityContext": {}}],
			"ephemeralContainers": [{"name": "dbg"}],
		}}}}},
	}
	count(deny) == 2
	some i in deny
	i.path == ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "securityContext"]
	i.msg == "CronJob ops/nightly: the pod or init container \"init\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\""
	some e in deny
	e.path == ["spec", "jobTemplate", "spec", "template", "spec", "ephemeralContainers", 0]
}

test_pod_unconfined_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: the pod must not set securityContext.seccompProfile.type to \"Unconfined\"",
		"path": ["spec", "securityContext", "seccompProfile", "type"],
	}} with input as pod({"securityContext": sp("Unconfined"), "containers": [{"name": "a"}]})
}

test_pod_profile_without_type_fails if {
	deny := policy.deny with input as pod({"securityContext": {"seccompProfile": {}}, "containers": [{"name": "a", "securityContext": sp("RuntimeDefault")}]})
	deny == {{
		"msg": "Pod shop/web: the pod must not set securityContext.seccompProfile.type to \"\"",
		"path": ["spec", "securityContext", "seccompProfile"],
	}}
}

test_container_unconfined_overrides_pod if {
	deny := policy.deny with input as deployment({
		"securityContext": sp("RuntimeDefault"),
		"containers": [{"name": "a"}, {"name": "b", "securityContext": sp("Unconfined")}],
	})
	deny == {{
		"msg": "Deployment shop/web: container \"b\" must not set securityContext.seccompProfile.type to \"Unconfined\"",
		"path": ["spec", "template", "spec", "containers", 1, "securityContext", "seccompProfile", "type"],
	}}
}

test_windows_exempt_from_1_25 if {
	count(policy.deny) == 0 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "a"}]})
}

test_windows_checked_before_1_25 if {
	count(policy.deny) == 1 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "a"}]})
		with data.tollgate.options as {"k8s_version": "1.24"}
}

test_not_checked_before_1_19 if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "a"}]})
		with data.tollgate.options as {"k8s_version": "1.18"}
	count(policy.deny) == 1 with input as pod({"containers": [{"name": "a"}]})
		with data.tollgate.options as {"k8s_version": "1.19"}
}

test_user_namespace_not_relaxed if {
	count(policy.deny) == 1 with input as pod({"hostUsers": false, "containers": [{"name": "a"}]})
}
