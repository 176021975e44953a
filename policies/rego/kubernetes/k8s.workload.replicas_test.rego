package tollgate.k8s.workload.replicas_test

import rego.v1

import data.tollgate.k8s.workload.replicas as policy

workload(kind, spec) := {"kind": kind, "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

test_two_replicas_pass if {
	count(policy.warn) == 0 with input as workload("Deployment", {"replicas": 2})
}

test_one_replica_warns_at_field if {
	policy.warn == {{
		"msg": "StatefulSet shop/web runs 1 replica(s); use at least 2",
		"path": ["spec", "replicas"],
	}} with input as workload("StatefulSet", {"replicas": 1})
}

test_unset_replicas_warns_at_spec if {
	policy.warn == {{
		"msg": "Deployment shop/web runs 1 replica(s); use at least 2",
		"path": ["spec"],
	}} with input as workload("Deployment", {"template": {}})
}

test_other_kinds_ignored if {
	count(policy.warn) == 0 with input as workload("DaemonSet", {})
	count(policy.warn) == 0 with input as workload("Job", {})
}
