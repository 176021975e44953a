package tollgate.k8s.set.pdb_test

import rego.v1

import data.tollgate.k8s.set.pdb as policy

workload(kind, ns, replicas, labels) := {
	"kind": kind,
	"metadata": {"name": "web", "namespace": ns},
	"spec": {"replicas": replicas, "template": {"metadata": {"labels": labels}, "spec": {"containers": []}}},
}

pdb(ns, selector) := {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": ns}, "spec": {"maxUnavailable": 1, "selector": selector}}

docs(objects) := [{"path": sprintf("file%d.yaml", [i]), "contents": o} | some i, o in objects]

test_match_labels_pdb_passes if {
	count(policy.warn) == 0 with input as docs([
		workload("Deployment", "shop", 3, {"app": "web", "tier": "frontend"}),
		pdb("shop", {"matchLabels": {"app": "web"}}),
	])
}

test_match_expressions_pdb_passes if {
	count(policy.warn) == 0 with input as docs([
		pdb("shop", {"matchExpressions": [
			{"key": "app", "operator": "In", "values": ["web", "api"]},
			{"key": "tier", "operator": "NotIn", "values": ["batch"]},
			{"key": "team", "operator": "Exists"},
			{"key": "canary", "operator": "DoesNotExist"},
		]}),
		workload("StatefulSet", "shop", 2, {"app": "web", "team": "checkout"}),
	])
}

test_empty_v1_selector_selects_all if {
	count(policy.warn) == 0 with input as docs([workload("Deployment", "shop", 3, {"app": "web"}), pdb("shop", {})])
}

test_no_pdb_warns_at_replicas if {
	policy.warn == {{
		"msg": "Deployment shop/web runs 3 replicas but no PodDisruptionBudget in namespace shop selects its pods",
		"path": [0, "contents", "spec", "replicas"],
	}} with input as docs([workload("Deployment", "shop", 3, {"app": "web"})])
}

test_pdb_in_other_namespace_warns if {
	policy.warn == {{
		"msg": "StatefulSet shop/web runs 2 replicas but no PodDisruptionBudget in namespace shop selects its pods",
		"path": [1, "contents", "spec", "replicas"],
	}} with input as docs([
		pdb("other", {"matchLabels": {"app": "web"}}),
		workload("StatefulSet", "shop", 2, {"app": "web"}),
		workload("StatefulSet", "other", 2, {"app": "web"}),
	])
}

test_missing_namespace_is_default if {
	count(policy.warn) == 0 with input as docs([
		{"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 2, "template": {"metadata": {"labels": {"app": "web"}}}}},
		pdb("default", {"matchLabels": {"app": "web"}}),
	])
}

test_non_matching_selectors_warn if {
	count(policy.warn) == 1 with input as docs([
		workload("Deployment", "shop", 3, {"app": "web", "tier": "canary"}),
		pdb("shop", {"matchLabels": {"app": "api"}}),
		pdb("shop", {"matchExpressions": [{"key": "app", "operator": "In", "values": ["api"]}]}),
		pdb("shop", {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["canary"]}]}),
		pdb("shop", {"matchExpressions": [{"key": "team", "operator": "Exists"}]}),
		pdb("shop", {"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}),
		{"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "nosel", "namespace": "shop"}, "spec": {}},
		{"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "old", "namespace": "shop"}, "spec": {"selector": {}}},
	])
}

test_v1beta1_with_labels_counts if {
	count(policy.warn) == 0 with input as docs([
		workload("Deployment", "shop", 3, {"app": "web"}),
		{"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "old", "namespace": "shop"}, "spec": {"selector": {"matchLabels": {"app": "web"}}}},
	])
}

test_single_replica_and_other_kinds_ignored if {
	count(policy.warn) == 0 with input as docs([
		workload("Deployment", "shop", 1, {"app": "web"}),
		{"kind": "Deployment", "metadata": {"name": "noreplicas"}, "spec": {"template": {}}},
		workload("ReplicaSet", "shop", 3, {"app": "rs"}),
		{"kind": "DaemonSet", "metadata": {"name": "agent"}, "spec": {"template": {}}},
	])
}
