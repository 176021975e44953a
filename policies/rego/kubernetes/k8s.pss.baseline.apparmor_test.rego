package tollgate.k8s.pss.baseline.apparmor_test

import rego.v1

import data.tollgate.k8s.pss.baseline.apparmor as policy

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

profile(t) := {"appArmorProfile": {"type": t}}

key := "container.apparmor.security.beta.kubernetes.io/web"

test_allowed_values_pass if {
	count(policy.deny) == 0 with input as pod(
		{
			key: "runtime/default",
			"container.apparmor.security.beta.kubernetes.io/b": "localhost/my-profile",
			"container.apparmor.security.beta.kubernetes.io/c": "",
			"unrelated.example.com/x": "unconfined",
		},
		{
			"securityContext": profile("RuntimeDefault"),
			"containers": [
				{"name": "web", "securityContext": profile("Localhost")},
				{"name": "b"},
				{"name": "c", "securityContext": {"appArmorProfile": null}},
			],
		},
	)
}

test_unconfined_annotation_fails if {
	deny := policy.deny with input as pod({key: "unconfined"}, {"containers": [{"name": "web"}]})
	deny == {{
		"msg": "Pod shop/web: annotation container.apparmor.security.beta.kubernetes.io/web=\"unconfined\" is forbidden (allowed: runtime/default, localhost/*)",
		"path": ["metadata", "annotations", key],
	}}
}

test_template_annotation_path if {
	deny := policy.deny with input as deployment({key: "foo"}, {"containers": [{"name": "web"}]})
	some r in deny
	r.path == ["spec", "template", "metadata", "annotations", key]
}

test_cronjob_annotation_path if {
	deny := policy.deny with input as {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {
			"metadata": {"annotations": {key: "unconfined"}},
			"spec": {"containers": [{"name": "web"}]},
		}}}},
	}
	some r in deny
	r.path == ["spec", "jobTemplate", "spec", "template", "metadata", "annotations", key]
}

test_pod_field_unconfined_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: the pod must not set securityContext.appArmorProfile.type to \"Unconfined\" (allowed: RuntimeDefault, Localhost)",
		"path": ["spec", "securityContext", "appArmorProfile", "type"],
	}} with input as pod({}, {"securityContext": profile("Unconfined"), "containers": [{"name": "web"}]})
}

test_container_fields_fail if {
	deny := policy.deny with input as deployment({}, {
		"containers": [{"name": "web", "securityContext": profile("Unconfined")}],
		"initContainers": [{"name": "init", "securityContext": {"appArmorProfile": {}}}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": profile("Unconfined")}],
	})
	count(deny) == 3
	some r in deny
	r.path == ["spec", "template", "spec", "containers", 0, "securityContext", "appArmorProfile", "type"]
	r.msg == "Deployment shop/web: container \"web\" must not set securityContext.appArmorProfile.type to \"Unconfined\" (allowed: RuntimeDefault, Localhost)"
	# appArmorProfile without a type: the path points at the profile that lacks it.
	some i in deny
	i.path == ["spec", "template", "spec", "initContainers", 0, "securityContext", "appArmorProfile"]
	some e in deny
	e.path == ["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "appArmorProfile", "type"]
}

test_checked_at_old_versions if {
	# PSA checks the field and the annotation at every policy version.
	count(policy.deny) == 2 with input as pod({key: "unconfined"}, {"securityContext": profile("Unconfined"), "containers": [{"name": "web"}]})
		with data.tollgate.options as {"k8s_version": "1.22"}
}

test_non_workload_ignored if {
	count(policy.deny) == 0 with input as {"kind": "ConfigMap", "metadata": {"name": "x", "annotations": {key: "unconfined"}}}
}
