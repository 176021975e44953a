# METADATA
# title: RBAC rule with a wildcard
# description: >-
#   A Role or ClusterRole rule must not use `*` in apiGroups, resources or verbs: a wildcard
#   grants everything that exists now and everything added later (new resources, CRDs,
#   subresources such as pods/exec). Resource entries with a wildcard part (`*/scale`,
#   `pods/*`) count too. Each offending field of each rule is one finding.
# custom:
#   id: k8s.rbac.wildcard
#   severity: deny
#   input: kubernetes
#   kinds: [Role, ClusterRole]
#   remediation: List the apiGroups, resources and verbs the subject actually needs instead of "*".
#   reference: https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#   example_pass: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: Role
#     metadata:
#       name: pod-reader
#       namespace: shop
#     rules:
#       - apiGroups: [""]
#         resources: ["pods"]
#         verbs: ["get", "list", "watch"]
#   example_fail: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: Role
#     metadata:
#       name: pod-admin
#       namespace: shop
#     rules:
#       - apiGroups: [""]
#         resources: ["pods"]
#         verbs: ["*"]
package tollgate.k8s.rbac.wildcard

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	input.kind in {"Role", "ClusterRole"}
	some i, rule in input.rules
	some field in ["apiGroups", "resources", "verbs"]
	wildcards := [x | some x in rule[field]; is_string(x); contains(x, "*")]
	count(wildcards) > 0
	result := {
		"msg": sprintf("%s: rules[%d].%s has a wildcard (%s)", [data.tollgate.lib.kubernetes.name, i, field, concat(", ", wildcards)]),
		"path": ["rules", i, field],
	}
}
