package tollgate.k8s.rbac.cluster_admin_binding_test

import rego.v1

import data.tollgate.k8s.rbac.cluster_admin_binding as policy

binding(subjects) := {
	"kind": "ClusterRoleBinding",
	"metadata": {"name": "admins"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
	"subjects": subjects,
}

test_system_subjects_pass if {
	count(policy.deny) == 0 with input as binding([
		{"kind": "Group", "name": "system:masters"},
		{"kind": "User", "name": "system:kube-controller-manager"},
		{"kind": "ServiceAccount", "name": "clusterrole-aggregation-controller", "namespace": "kube-system"},
		{"kind": "User", "name": "system:serviceaccount:kube-system:generic-garbage-collector"},
	])
}

test_other_role_passes if {
	count(policy.deny) == 0 with input as object.union(binding([{"kind": "User", "name": "alice"}]), {"roleRef": {"kind": "ClusterRole", "name": "view"}})
}

test_namespaced_role_named_cluster_admin_passes if {
	count(policy.deny) == 0 with input as {
		"kind": "RoleBinding",
		"metadata": {"name": "b", "namespace": "shop"},
		"roleRef": {"kind": "Role", "name": "cluster-admin"},
		"subjects": [{"kind": "User", "name": "alice"}],
	}
}

test_user_fails_at_subject if {
	policy.deny == {{
		"msg": "ClusterRoleBinding admins binds cluster-admin to User alice@example.com",
		"path": ["subjects", 1],
	}} with input as binding([
		{"kind": "Group", "name": "system:masters"},
		{"kind": "User", "name": "alice@example.com"},
	])
}

test_everyone_groups_fail_despite_prefix if {
	policy.deny == {
		{"msg": "ClusterRoleBinding admins binds cluster-admin to Group system:authenticated", "path": ["subjects", 0]},
		{"msg": "ClusterRoleBinding admins binds cluster-admin to Group system:serviceaccounts:shop", "path": ["subjects", 1]},
		{"msg": "ClusterRoleBinding admins binds cluster-admin to User system:anonymous", "path": ["subjects", 2]},
		{"msg": "ClusterRoleBinding admins binds cluster-admin to User system:serviceaccount:shop:app", "path": ["subjects", 3]},
	} with input as binding([
		{"kind": "Group", "name": "system:authenticated"},
		{"kind": "Group", "name": "system:serviceaccounts:shop"},
		{"kind": "User", "name": "system:anonymous"},
		{"kind": "User", "name": "system:serviceaccount:shop:app"},
	])
}

test_app_service_account_fails if {
	policy.deny == {{
		"msg": "ClusterRoleBinding admins binds cluster-admin to ServiceAccount ci/deployer",
		"path": ["subjects", 0],
	}} with input as binding([{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}])
}

test_role_binding_to_cluster_admin_fails if {
	policy.deny == {{
		"msg": "RoleBinding shop/admins binds cluster-admin to ServiceAccount shop/app",
		"path": ["subjects", 0],
	}} with input as {
		"kind": "RoleBinding",
		"metadata": {"name": "admins", "namespace": "shop"},
		"roleRef": {"kind": "ClusterRole", "name": "cluster-admin"},
		"subjects": [{"kind": "ServiceAccount", "name": "app"}],
	}
}
