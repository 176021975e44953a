package tollgate.k8s.pss.baseline.host_probes_test

import rego.v1

import data.tollgate.k8s.pss.baseline.host_probes as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

deployment(spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"spec": spec}},
}

with_host := {
	"name": "web",
	"livenessProbe": {"httpGet": {"host": "10.0.0.1", "port": 80}},
	"readinessProbe": {"tcpSocket": {"host": "10.0.0.2", "port": 81}},
	"startupProbe": {"httpGet": {"host": "10.0.0.3", "port": 82}},
	"lifecycle": {
		"postStart": {"httpGet": {"host": "10.0.0.4", "port": 83}},
		"preStop": {"tcpSocket": {"host": "10.0.0.5", "port": 84}},
	},
}

test_no_host_passes if {
	count(policy.deny) == 0 with input as pod({"containers": [{
		"name": "web",
		"livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}},
		"readinessProbe": {"tcpSocket": {"host": "", "port": 80}},
		"startupProbe": {"exec": {"command": ["true"]}},
		"lifecycle": {"preStop": {"httpGet": {"host": null, "port": 80}}, "postStart": {"exec": {"command": ["true"]}}},
	}]})
}

test_liveness_http_host_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"web\" must not set livenessProbe.httpGet.host to \"169.254.169.254\"",
		"path": ["spec", "containers", 0, "livenessProbe", "httpGet", "host"],
	}} with input as pod({"containers": [{"name": "web", "livenessProbe": {"httpGet": {"host": "169.254.169.254", "port": 80}}}]})
}

test_every_probe_and_hook_fails if {
	deny := policy.deny with input as deployment({"containers": [with_host]})
	count(deny) == 5
	paths := {r.path | some r in deny}
	paths == {
		["spec", "template", "spec", "containers", 0, "livenessProbe", "httpGet", "host"],
		["spec", "template", "spec", "containers", 0, "readinessProbe", "tcpSocket", "host"],
		["spec", "template", "spec", "containers", 0, "startupProbe", "httpGet", "host"],
		["spec", "template", "spec", "containers", 0, "lifecycle", "postStart", "httpGet", "host"],
		["spec", "template", "spec", "containers", 0, "lifecycle", "preStop", "tcpSocket", "host"],
	}
}

test_init_and_ephemeral_fail if {
	deny := policy.deny with input as pod({
		"containers": [{"name": "web"}],
		"initContainers": [{"name": "init", "lifecycle": {"postStart": {"tcpSocket": {"host": "evil", "port": 1}}}}],
		"ephemeralContainers": [{"name": "dbg", "readinessProbe": {"httpGet": {"host": "evil", "port": 1}}}],
	})
	count(deny) == 2
	some r in deny
	r.path == ["spec", "initContainers", 0, "lifecycle", "postStart", "tcpSocket", "host"]
	r.msg == "Pod shop/web: init container \"init\" must not set lifecycle.postStart.tcpSocket.host to \"evil\""
	some e in deny
	e.path == ["spec", "ephemeralContainers", 0, "readinessProbe", "httpGet", "host"]
}

test_not_checked_before_1_34 if {
	count(policy.deny) == 0 with input as deployment({"containers": [with_host]})
		with data.tollgate.options as {"k8s_version": "1.33"}
}

test_checked_at_1_34 if {
	count(policy.deny) == 5 with input as deployment({"containers": [with_host]})
		with data.tollgate.options as {"k8s_version": "v1.34"}
}
