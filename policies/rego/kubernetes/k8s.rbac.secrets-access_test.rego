package tollgate.k8s.rbac.secrets_access_test

import rego.v1

import data.tollgate.k8s.rbac.secrets_access as policy

role(rules) := {"kind": "Role", "metadata": {"name": "app", "namespace": "shop"}, "rules": rules}

test_other_resources_pass if {
	count(policy.warn) == 0 with input as role([{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}])
}

test_write_only_passes if {
	count(policy.warn) == 0 with input as role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "update"]}])
}

test_resource_names_pass if {
	count(policy.warn) == 0 with input as role([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["app-tls"], "verbs": ["get"]}])
}

test_other_api_group_passes if {
	count(policy.warn) == 0 with input as role([{"apiGroups": ["example.com"], "resources": ["secrets"], "verbs": ["get"]}])
}

test_get_list_warns_at_verbs if {
	policy.warn == {{
		"msg": "Role shop/app: rules[1] allows get, list on secrets",
		"path": ["rules", 1, "verbs"],
	}} with input as role([
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["pods", "secrets"], "verbs": ["get", "list", "create"]},
	])
}

test_cluster_role_wildcards_warn if {
	policy.warn == {{
		"msg": "ClusterRole all: rules[0] allows * on secrets",
		"path": ["rules", 0, "verbs"],
	}} with input as {"kind": "ClusterRole", "metadata": {"name": "all"}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}
}

test_watch_without_api_groups_warns if {
	count(policy.warn) == 1 with input as role([{"resources": ["secrets"], "verbs": ["watch"]}])
}
