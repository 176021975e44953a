package tollgate.k8s.service.node_port_test

import rego.v1

import data.tollgate.k8s.service.node_port as policy

service(spec) := {"kind": "Service", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

test_cluster_ip_passes if {
	count(policy.warn) == 0 with input as service({"ports": [{"port": 80}]})
	count(policy.warn) == 0 with input as service({"type": "LoadBalancer"})
}

test_node_port_warns_at_type if {
	policy.warn == {{
		"msg": "Service shop/web is of type NodePort, exposed on every node",
		"path": ["spec", "type"],
	}} with input as service({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]})
}

test_other_kinds_ignored if {
	count(policy.warn) == 0 with input as {"kind": "ConfigMap", "metadata": {"name": "c"}, "spec": {"type": "NodePort"}}
}
