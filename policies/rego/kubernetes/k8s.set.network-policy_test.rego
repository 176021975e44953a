package tollgate.k8s.set.network_policy_test

import rego.v1

import data.tollgate.k8s.set.network_policy as policy

deployment(ns) := {"kind": "Deployment", "metadata": {"name": "web", "namespace": ns}, "spec": {"template": {"metadata": {"labels": {"app": "web"}}}}}

netpol(ns, spec) := {"kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": ns}, "spec": spec}

deny_ingress := {"podSelector": {}, "policyTypes": ["Ingress"]}

docs(objects) := [{"path": sprintf("file%d.yaml", [i]), "contents": o} | some i, o in objects]

test_default_deny_passes if {
	count(policy.warn) == 0 with input as docs([deployment("shop"), netpol("shop", deny_ingress)])
}

test_implied_ingress_passes if {
	count(policy.warn) == 0 with input as docs([deployment("shop"), netpol("shop", {"podSelector": {}})])
	count(policy.warn) == 0 with input as docs([deployment("shop"), netpol("shop", {"podSelector": {"matchLabels": {}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "lb"}}}]}]})])
	count(policy.warn) == 0 with input as docs([deployment("shop"), netpol("shop", {"policyTypes": ["Ingress", "Egress"]})])
}

test_missing_policy_warns_at_first_workload if {
	policy.warn == {{
		"msg": "namespace shop has workloads but no NetworkPolicy selecting all its pods (podSelector: {}) for Ingress",
		"path": [1, "contents", "metadata", "namespace"],
	}} with input as docs([
		{"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}},
		deployment("shop"),
		{"kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}, "spec": {}},
	])
}

test_points_at_namespace_document if {
	policy.warn == {{
		"msg": "namespace shop has workloads but no NetworkPolicy selecting all its pods (podSelector: {}) for Ingress",
		"path": [1, "contents", "metadata", "name"],
	}} with input as docs([deployment("shop"), {"kind": "Namespace", "metadata": {"name": "shop"}}])
}

test_missing_namespace_is_default if {
	policy.warn == {{
		"msg": "namespace default has workloads but no NetworkPolicy selecting all its pods (podSelector: {}) for Ingress",
		"path": [0, "contents", "metadata"],
	}} with input as docs([
		{"kind": "CronJob", "metadata": {"name": "backup"}, "spec": {}},
		deployment("shop"),
		netpol("shop", deny_ingress),
	])
	count(policy.warn) == 0 with input as docs([
		{"kind": "CronJob", "metadata": {"name": "backup"}, "spec": {}},
		{"kind": "NetworkPolicy", "metadata": {"name": "deny"}, "spec": deny_ingress},
	])
}

test_per_namespace_across_documents if {
	policy.warn == {
		{
			"msg": "namespace api has workloads but no NetworkPolicy selecting all its pods (podSelector: {}) for Ingress",
			"path": [2, "contents", "metadata", "namespace"],
		},
		{
			"msg": "namespace web has workloads but no NetworkPolicy selecting all its pods (podSelector: {}) for Ingress",
			"path": [4, "contents", "metadata", "name"],
		},
	} with input as docs([
		deployment("shop"),
		netpol("shop", deny_ingress),
		deployment("api"),
		netpol("web", {"podSelector": {}, "policyTypes": ["Egress"]}),
		{"kind": "Namespace", "metadata": {"name": "web"}},
		deployment("web"),
		netpol("apis", deny_ingress),
	])
}

test_policies_that_do_not_count if {
	count(policy.warn) == 1 with input as docs([
		deployment("shop"),
		netpol("shop", {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"]}),
		netpol("shop", {"podSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]}}),
		netpol("shop", {"podSelector": {}, "policyTypes": ["Egress"]}),
		netpol("shop", {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{}]}),
		netpol("other", deny_ingress),
		{"kind": "Service", "metadata": {"name": "web", "namespace": "shop"}},
	])
}

test_no_workloads_no_findings if {
	count(policy.warn) == 0 with input as docs([{"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}}])
}
