package tollgate.k8s.pss.baseline.privileged_test

import rego.v1

import data.tollgate.k8s.pss.baseline.privileged as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

statefulset(spec) := {
	"apiVersion": "apps/v1",
	"kind": "StatefulSet",
	"metadata": {"name": "db", "namespace": "data"},
	"spec": {"template": {"spec": spec}},
}

test_unset_and_false_pass if {
	count(policy.deny) == 0 with input as pod({"containers": [
		{"name": "a"},
		{"name": "b", "securityContext": {}},
		{"name": "c", "securityContext": {"privileged": false}},
	]})
}

test_privileged_container_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"b\" must not set securityContext.privileged=true",
		"path": ["spec", "containers", 1, "securityContext", "privileged"],
	}} with input as pod({"containers": [{"name": "a"}, {"name": "b", "securityContext": {"privileged": true}}]})
}

test_init_and_ephemeral_fail if {
	deny := policy.deny with input as statefulset({
		"containers": [{"name": "db"}],
		"initContainers": [{"name": "init", "securityContext": {"privileged": true}}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": {"privileged": true}}],
	})
	count(deny) == 2
	some r in deny
	r.path == ["spec", "template", "spec", "initContainers", 0, "securityContext", "privileged"]
	some e in deny
	e.path == ["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "privileged"]
	e.msg == "StatefulSet data/db: ephemeral container \"dbg\" must not set securityContext.privileged=true"
}
