package tollgate.k8s.pss.baseline.seccomp_test

import rego.v1

import data.tollgate.k8s.pss.baseline.seccomp as policy

pod(annotations, spec) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "web", "namespace": "shop", "annotations": annotations},
	"spec": spec,
}

deployment(annotations, spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"metadata": {"annotations": annotations}, "spec": spec}},
}

sp(t) := {"seccompProfile": {"type": t}}

pod_key := "seccomp.security.alpha.kubernetes.io/pod"

web_key := "container.seccomp.security.alpha.kubernetes.io/web"

test_allowed_and_unset_pass if {
	count(policy.deny) == 0 with input as pod({}, {
		"securityContext": sp("RuntimeDefault"),
		"containers": [
			{"name": "a", "securityContext": sp("Localhost")},
			{"name": "b"},
			{"name": "c", "securityContext": {"seccompProfile": null}},
		],
	})
}

test_pod_unconfined_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: the pod must not set securityContext.seccompProfile.type to \"Unconfined\"",
		"path": ["spec", "securityContext", "seccompProfile", "type"],
	}} with input as pod({}, {"securityContext": sp("Unconfined"), "containers": [{"name": "web"}]})
}

test_containers_unconfined_fail if {
	deny := policy.deny with input as deployment({}, {
		"containers": [{"name": "web", "securityContext": sp("Unconfined")}],
		"initContainers": [{"name": "init", "securityContext": sp("Unconfined")}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": {"seccompProfile": {}}}],
	})
	count(deny) == 3
	some r in deny
	r.path == ["spec", "template", "spec", "containers", 0, "securityContext", "seccompProfile", "type"]
	r.msg == "Deployment shop/web: container \"web\" must not set securityContext.seccompProfile.type to \"Unconfined\""
	some i in deny
	i.path == ["spec", "template", "spec", "initContainers", 0, "securityContext", "seccompProfile", "type"]
	# a profile without a type: the path points at the profile.
	some e in deny
	e.path == ["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "seccompProfile"]
}

test_windows_not_exempt if {
	count(policy.deny) == 1 with input as pod({}, {"os": {"name": "windows"}, "securityContext": sp("Unconfined"), "containers": [{"name": "web"}]})
}

test_annotations_ignored_from_1_19 if {
	count(policy.deny) == 0 with input as pod({pod_key: "unconfined", web_key: "unconfined"}, {"containers": [{"name": "web"}]})
}

test_fields_ignored_before_1_19 if {
	count(policy.deny) == 0 with input as pod({}, {"securityContext": sp("Unconfined"), "containers": [{"name": "web"}]})
		with data.tollgate.options as {"k8s_version": "1.18"}
}

test_annotations_checked_before_1_19 if {
	deny := policy.deny with input as pod(
		{
			pod_key: "unconfined",
			web_key: "unconfined",
			"container.seccomp.security.alpha.kubernetes.io/other": "unconfined",
		},
		{"containers": [{"name": "web"}]},
	)
		with data.tollgate.options as {"k8s_version": "1.18"}
	count(deny) == 2
	some p in deny
	p.path == ["metadata", "annotations", pod_key]
	p.msg == "Pod shop/web: annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\" is forbidden (allowed: runtime/default, docker/default, localhost/*)"
	some c in deny
	c.path == ["metadata", "annotations", web_key]
}

test_allowed_annotations_pass_before_1_19 if {
	count(policy.deny) == 0 with input as deployment(
		{
			pod_key: "runtime/default",
			web_key: "localhost/profile.json",
			"container.seccomp.security.alpha.kubernetes.io/side": "docker/default",
		},
		{"containers": [{"name": "web"}, {"name": "side"}]},
	)
		with data.tollgate.options as {"k8s_version": "1.18"}
}

test_template_annotation_path_before_1_19 if {
	deny := policy.deny with input as deployment({web_key: ""}, {"initContainers": [{"name": "web"}], "containers": [{"name": "x"}]})
		with data.tollgate.options as {"k8s_version": "1.10"}
	some r in deny
	r.path == ["spec", "template", "metadata", "annotations", web_key]
}
