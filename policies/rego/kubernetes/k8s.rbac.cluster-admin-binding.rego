# METADATA
# title: Binding to cluster-admin
# description: >-
#   A RoleBinding or ClusterRoleBinding must not grant the ClusterRole cluster-admin to
#   subjects outside the `system:` components. Exempt are Users and Groups named `system:...`
#   (system:masters, system:kube-controller-manager, ...) and ServiceAccounts in kube-system
#   (as kind ServiceAccount or as user system:serviceaccount:kube-system:...). Not exempt
#   despite the prefix: system:authenticated, system:unauthenticated, system:anonymous and
#   the system:serviceaccounts groups, which stand for everyone, and ServiceAccounts of any
#   other namespace. A namespaced Role that happens to be called cluster-admin is not the
#   ClusterRole and is ignored. Each offending subject is one finding.
# custom:
#   id: k8s.rbac.cluster-admin-binding
#   severity: deny
#   input: kubernetes
#   kinds: [RoleBinding, ClusterRoleBinding]
#   remediation: Bind a narrower (Cluster)Role that grants only what the subject needs.
#   reference: https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#   example_pass: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRoleBinding
#     metadata:
#       name: view-for-devs
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: ClusterRole
#       name: view
#     subjects:
#       - apiGroup: rbac.authorization.k8s.io
#         kind: Group
#         name: developers
#   example_fail: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRoleBinding
#     metadata:
#       name: admin-for-devs
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: ClusterRole
#       name: cluster-admin
#     subjects:
#       - apiGroup: rbac.authorization.k8s.io
#         kind: Group
#         name: developers
package tollgate.k8s.rbac.cluster_admin_binding

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	input.kind in {"RoleBinding", "ClusterRoleBinding"}
	input.roleRef.kind == "ClusterRole"
	input.roleRef.name == "cluster-admin"
	some i, subject in input.subjects
	not exempt(subject)
	result := {
		"msg": sprintf("%s binds cluster-admin to %s %s", [data.tollgate.lib.kubernetes.name, subject_kind(subject), subject_name(subject)]),
		"path": ["subjects", i],
	}
}

everyone := {"system:authenticated", "system:unauthenticated", "system:anonymous", "system:serviceaccounts"}

subject_kind(subject) := object.get(subject, "kind", "subject")

subject_name(subject) := sprintf("%s/%s", [subject_namespace(subject), subject.name]) if {
	subject.kind == "ServiceAccount"
} else := object.get(subject, "name", "<unnamed>")

# A ServiceAccount subject's namespace defaults to the RoleBinding's.
subject_namespace(subject) := object.get(subject, "namespace", object.get(input, ["metadata", "namespace"], ""))

exempt(subject) if {
	subject.kind in {"User", "Group"}
	startswith(subject.name, "system:")
	not subject.name in everyone
	not startswith(subject.name, "system:serviceaccounts:")
	not startswith(subject.name, "system:serviceaccount:")
}

exempt(subject) if {
	subject.kind == "User"
	startswith(subject.name, "system:serviceaccount:kube-system:")
}

exempt(subject) if {
	subject.kind == "ServiceAccount"
	subject_namespace(subject) == "kube-system"
}
