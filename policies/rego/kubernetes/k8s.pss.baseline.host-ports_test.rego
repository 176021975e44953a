package tollgate.k8s.pss.baseline.host_ports_test

import rego.v1

import data.tollgate.k8s.pss.baseline.host_ports as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

rc(spec) := {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "old"}, "spec": {"template": {"spec": spec}}}

test_unset_and_zero_pass if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "web", "ports": [
		{"containerPort": 8080},
		{"containerPort": 8081, "hostPort": 0},
		{"containerPort": 8082, "hostPort": null},
	]}]})
}

test_host_port_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"web\" must not set hostPort 80",
		"path": ["spec", "containers", 0, "ports", 1, "hostPort"],
	}} with input as pod({"containers": [{"name": "web", "ports": [{"containerPort": 8080}, {"containerPort": 80, "hostPort": 80}]}]})
}

test_init_and_ephemeral_fail if {
	deny := policy.deny with input as rc({
		"containers": [{"name": "main"}],
		"initContainers": [{"name": "init", "ports": [{"containerPort": 1, "hostPort": 9000}]}],
		"ephemeralContainers": [{"name": "dbg", "ports": [{"containerPort": 2, "hostPort": 9001}]}],
	})
	count(deny) == 2
	some r in deny
	r.path == ["spec", "template", "spec", "initContainers", 0, "ports", 0, "hostPort"]
	r.msg == "ReplicationController old: init container \"init\" must not set hostPort 9000"
	some e in deny
	e.path == ["spec", "template", "spec", "ephemeralContainers", 0, "ports", 0, "hostPort"]
}
