package tollgate.k8s.rbac.wildcard_test

import rego.v1

import data.tollgate.k8s.rbac.wildcard as policy

role(kind, rules) := {"kind": kind, "metadata": {"name": "r", "namespace": "shop"}, "rules": rules}

cluster_role(rules) := {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules}

test_explicit_rule_passes if {
	count(policy.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}])
}

test_wildcard_verbs_fails if {
	policy.deny == {{
		"msg": "Role shop/r: rules[1].verbs has a wildcard (*)",
		"path": ["rules", 1, "verbs"],
	}} with input as role("Role", [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]},
	])
}

test_cluster_role_wildcard_api_groups if {
	policy.deny == {{
		"msg": "ClusterRole r: rules[0].apiGroups has a wildcard (*)",
		"path": ["rules", 0, "apiGroups"],
	}} with input as cluster_role([{"apiGroups": ["*"], "resources": ["deployments"], "verbs": ["get"]}])
}

test_cluster_role_wildcard_resources if {
	policy.deny == {{
		"msg": "ClusterRole r: rules[0].resources has a wildcard (pods/*, */scale)",
		"path": ["rules", 0, "resources"],
	}} with input as cluster_role([{"apiGroups": ["", "apps"], "resources": ["pods/*", "*/scale"], "verbs": ["get"]}])
}

test_cluster_role_wildcard_verbs if {
	policy.deny == {{
		"msg": "ClusterRole r: rules[0].verbs has a wildcard (*)",
		"path": ["rules", 0, "verbs"],
	}} with input as cluster_role([{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "*"]}])
}

test_all_three_wildcards_three_findings if {
	policy.deny == {
		{"msg": "ClusterRole r: rules[0].apiGroups has a wildcard (*)", "path": ["rules", 0, "apiGroups"]},
		{"msg": "ClusterRole r: rules[0].resources has a wildcard (*)", "path": ["rules", 0, "resources"]},
		{"msg": "ClusterRole r: rules[0].verbs has a wildcard (*)", "path": ["rules", 0, "verbs"]},
	} with input as cluster_role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
}

test_non_resource_urls_and_other_kinds_ignored if {
	count(policy.deny) == 0 with input as cluster_role([{"nonResourceURLs": ["/healthz"], "verbs": ["get"]}])
	count(policy.deny) == 0 with input as {"kind": "ConfigMap", "metadata": {"name": "c"}, "rules": [{"verbs": ["*"]}]}
}
