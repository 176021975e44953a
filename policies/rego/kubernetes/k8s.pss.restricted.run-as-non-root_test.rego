package tollgate.k8s.pss.restricted.run_as_non_root_test

import rego.v1

import data.tollgate.k8s.pss.restricted.run_as_non_root as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

deployment(spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"spec": spec}},
}

non_root(v) := {"runAsNonRoot": v}

test_pod_level_true_passes if {
	count(policy.deny) == 0 with input as pod({
		"securityContext": non_root(true),
		"containers": [{"name": "a"}, {"name": "b", "securityContext": {}}, {"name": "c", "securityContext": non_root(true)}],
		"initContainers": [{"name": "init"}],
		"ephemeralContainers": [{"name": "dbg"}],
	})
}

test_every_container_true_passes if {
	count(policy.deny) == 0 with input as deployment({
		"containers": [{"name": "a", "securityContext": non_root(true)}],
		"initContainers": [{"name": "init", "securityContext": non_root(true)}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": non_root(true)}],
	})
}

test_container_false_overrides_pod_true if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"b\" must not set securityContext.runAsNonRoot=false",
		"path": ["spec", "containers", 1, "securityContext", "runAsNonRoot"],
	}} with input as pod({
		"securityContext": non_root(true),
		"containers": [{"name": "a"}, {"name": "b", "securityContext": non_root(false)}],
	})
}

test_pod_false_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: the pod must not set securityContext.runAsNonRoot=false",
		"path": ["spec", "securityContext", "runAsNonRoot"],
	}} with input as pod({"securityContext": non_root(false), "containers": [{"name": "a"}]})
}

test_pod_false_even_if_containers_true if {
	count(policy.deny) == 1 with input as pod({"securityContext": non_root(false), "containers": [{"name": "a", "securityContext": non_root(true)}]})
}

test_unset_everywhere_fails_per_container if {
	deny := policy.deny with input as deployment({
		"containers": [{"name": "a", "securityContext": non_root(true)}, {"name": "b"}],
		"initContainers": [{"name": "init", "securityContext": {"runAsUser": 1000}}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": non_root(null)}],
	})
	count(deny) == 3
	some b in deny
	b.path == ["spec", "template", "spec", "containers", 1]
	b.msg == "Deployment shop/web: the pod or container \"b\" must set securityContext.runAsNonRoot=true"
	some i in deny
	i.path == ["spec", "template", "spec", "initContainers", 0, "securityContext"]
	some e in deny
	e.path == ["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "runAsNonRoot"]
}

test_cronjob_path if {
	deny := policy.deny with input as {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "web"}]}}}}},
	}
	deny == {{
		"msg": "CronJob nightly: the pod or container \"web\" must set securityContext.runAsNonRoot=true",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0],
	}}
}

test_user_namespace_skipped_from_1_35 if {
	count(policy.deny) == 0 with input as pod({"hostUsers": false, "securityContext": non_root(false), "containers": [{"name": "a"}]})
	count(policy.deny) == 0 with input as pod({"hostUsers": false, "containers": [{"name": "a"}]})
		with data.tollgate.options as {"k8s_version": "1.35"}
}

test_user_namespace_checked_before_1_35 if {
	count(policy.deny) == 1 with input as pod({"hostUsers": false, "containers": [{"name": "a"}]})
		with data.tollgate.options as {"k8s_version": "1.34"}
}

test_windows_not_exempt if {
	count(policy.deny) == 1 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "a"}]})
}
