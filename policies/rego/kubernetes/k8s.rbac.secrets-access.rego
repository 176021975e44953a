# METADATA
# title: RBAC read access to Secrets
# description: >-
#   A Role or ClusterRole rule that allows get, list or watch (or `*`) on secrets in the
#   core API group (apiGroups "" or `*`; resources `secrets` or `*`) lets its subjects read
#   every credential in scope; list and watch return the values too. Rules restricted with
#   resourceNames to named Secrets are exempt: that is the least-privilege way to read one.
# custom:
#   id: k8s.rbac.secrets-access
#   severity: warn
#   input: kubernetes
#   kinds: [Role, ClusterRole]
#   remediation: Drop get/list/watch on secrets, or restrict the rule to the Secrets it needs with resourceNames.
#   reference: https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
#   example_pass: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: Role
#     metadata:
#       name: app
#       namespace: shop
#     rules:
#       - apiGroups: [""]
#         resources: ["secrets"]
#         resourceNames: ["app-tls"]
#         verbs: ["get"]
#   example_fail: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: Role
#     metadata:
#       name: app
#       namespace: shop
#     rules:
#       - apiGroups: [""]
#         resources: ["secrets"]
#         verbs: ["get", "list"]
package tollgate.k8s.rbac.secrets_access

import rego.v1

import data.tollgate.lib.kubernetes as k8s

read_verbs := {"get", "list", "watch", "*"}

warn contains result if {
	input.kind in {"Role", "ClusterRole"}
	some i, rule in input.rules
	some group in object.get(rule, "apiGroups", [""])
	group in {"", "*"}
	some resource in rule.resources
	resource in {"secrets", "*"}
	count(object.get(rule, "resourceNames", [])) == 0
	verbs := [v | some v in rule.verbs; v in read_verbs]
	count(verbs) > 0
	result := {
		"msg": sprintf("%s: rules[%d] allows %s on secrets", [data.tollgate.lib.kubernetes.name, i, concat(", ", verbs)]),
		"path": ["rules", i, "verbs"],
	}
}
