# METADATA
# title: Replicated workload without a PodDisruptionBudget
# description: >-
#   Over every Kubernetes document of the run: a Deployment or StatefulSet with
#   spec.replicas >= 2 should be covered by a PodDisruptionBudget in the same namespace (an
#   unset namespace is `default`) whose selector selects its pod template labels (matchLabels
#   and matchExpressions with In, NotIn, Exists, DoesNotExist), so node drains and upgrades
#   cannot evict all replicas at once. As in policy/v1, an empty selector ({}) selects every
#   pod of the namespace and a missing one selects none; a policy/v1beta1 PDB's empty selector
#   selects none.
# custom:
#   id: k8s.set.pdb
#   severity: warn
#   input: kubernetes-set
#   remediation: Add a PodDisruptionBudget (e.g. maxUnavailable 1) whose selector matches the workload's pod template labels.
#   reference: https://kubernetes.io/docs/tasks/run-application/configure-pdb/
#   example_pass: |
#     apiVersion: apps/v1
#     kind: Deployment
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       replicas: 3
#       selector:
#         matchLabels:
#           app: web
#       template:
#         metadata:
#           labels:
#             app: web
#         spec:
#           containers:
#             - name: web
#               image: nginx:1.27.3
#     ---
#     apiVersion: policy/v1
#     kind: PodDisruptionBudget
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       maxUnavailable: 1
#       selector:
#         matchLabels:
#           app: web
#   example_fail: |
#     apiVersion: apps/v1
#     kind: Deployment
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       replicas: 3
#       selector:
#         matchLabels:
#           app: web
#       template:
#         metadata:
#           labels:
#             app: web
#         spec:
#           containers:
#             - name: web
#               image: nginx:1.27.3
#     ---
#     apiVersion: policy/v1
#     kind: PodDisruptionBudget
#     metadata:
#       name: web
#       namespace: other
#     spec:
#       maxUnavailable: 1
#       selector:
#         matchLabels:
#           app: web
package tollgate.k8s.set.pdb

import rego.v1

import data.tollgate.lib.kubernetes as k8s

warn contains result if {
	some w in data.tollgate.lib.kubernetes.set_workloads
	w.object.kind in {"Deployment", "StatefulSet"}
	replicas := w.object.spec.replicas
	is_number(replicas)
	replicas >= 2
	not covered(w)
	result := {
		"msg": sprintf("%s runs %d replicas but no PodDisruptionBudget in namespace %s selects its pods", [k8s.name_of(w.object), replicas, w.namespace]),
		"path": [w.index, "contents", "spec", "replicas"],
	}
}

covered(w) if {
	some selector in selectors_by_namespace[w.namespace]
	k8s.selector_matches(selector, w.labels)
}

# The selectors that count, of every PodDisruptionBudget, by namespace: read once per run
# rather than once per workload.
selectors_by_namespace[ns] contains selector if {
	some doc in input
	pdb := doc.contents
	is_object(pdb)
	pdb.kind == "PodDisruptionBudget"
	ns := k8s.namespace_of(pdb)
	selector := pdb.spec.selector
	is_object(selector)
	not v1beta1_empty(pdb, selector)
}

v1beta1_empty(pdb, selector) if {
	pdb.apiVersion == "policy/v1beta1"
	count(object.get(selector, "matchLabels", {})) == 0
	count(object.get(selector, "matchExpressions", [])) == 0
}
