package tollgate.k8s.workload.anti_affinity_test

import rego.v1

import data.tollgate.k8s.workload.anti_affinity as policy

deployment(replicas, pod_spec) := {
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"replicas": replicas, "template": {"spec": pod_spec}},
}

term := {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}

test_topology_spread_passes if {
	count(policy.warn) == 0 with input as deployment(3, {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone"}]})
}

test_required_anti_affinity_passes if {
	count(policy.warn) == 0 with input as deployment(3, {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}})
}

test_preferred_anti_affinity_passes if {
	pref := {"weight": 100, "podAffinityTerm": term}
	count(policy.warn) == 0 with input as deployment(3, {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [pref]}}})
}

test_single_replica_ignored if {
	count(policy.warn) == 0 with input as deployment(1, {})
	count(policy.warn) == 0 with input as {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {}}}}
}

test_no_spread_warns_at_pod_spec if {
	policy.warn == {{
		"msg": "Deployment shop/web runs 3 replicas with neither podAntiAffinity nor topologySpreadConstraints",
		"path": ["spec", "template", "spec"],
	}} with input as deployment(3, {"containers": []})
}

test_node_affinity_only_warns_at_affinity if {
	policy.warn == {{
		"msg": "Deployment shop/web runs 2 replicas with neither podAntiAffinity nor topologySpreadConstraints",
		"path": ["spec", "template", "spec", "affinity"],
	}} with input as deployment(2, {"affinity": {"nodeAffinity": {}}, "topologySpreadConstraints": []})
}

test_empty_anti_affinity_warns_at_it if {
	policy.warn == {{
		"msg": "Deployment shop/web runs 2 replicas with neither podAntiAffinity nor topologySpreadConstraints",
		"path": ["spec", "template", "spec", "affinity", "podAntiAffinity"],
	}} with input as deployment(2, {"affinity": {"podAntiAffinity": {}}})
}
