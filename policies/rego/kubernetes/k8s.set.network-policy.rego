# METADATA
# title: Namespace without a default-deny ingress NetworkPolicy
# description: >-
#   Over every Kubernetes document of the run: every namespace that has workloads (Pod,
#   Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController; an
#   unset namespace is `default`) needs a NetworkPolicy in that namespace that selects all of
#   its pods (podSelector: {}, or none) for Ingress: policyTypes includes Ingress, or is unset
#   (then Ingress is implied). Without one every pod accepts traffic from everywhere. A policy
#   with an allow-everything ingress rule (no from and no ports) does not count. One finding
#   per namespace, pointing at its Namespace document when the run has one, else at the first
#   workload in it.
# custom:
#   id: k8s.set.network-policy
#   severity: warn
#   input: kubernetes-set
#   remediation: Add a default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress]) to the namespace and allow the needed traffic with further policies.
#   reference: https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic
#   example_pass: |
#     apiVersion: apps/v1
#     kind: Deployment
#     metadata:
#       name: web
#       namespace: shop
#     spec:
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
#     apiVersion: networking.k8s.io/v1
#     kind: NetworkPolicy
#     metadata:
#       name: default-deny-ingress
#       namespace: shop
#     spec:
#       podSelector: {}
#       policyTypes:
#         - Ingress
#   example_fail: |
#     apiVersion: apps/v1
#     kind: Deployment
#     metadata:
#       name: web
#       namespace: shop
#     spec:
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
#     apiVersion: networking.k8s.io/v1
#     kind: NetworkPolicy
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       podSelector:
#         matchLabels:
#           app: web
#       policyTypes:
#         - Ingress
package tollgate.k8s.set.network_policy

import rego.v1

import data.tollgate.lib.kubernetes as k8s

namespaces := {w.namespace | some w in data.tollgate.lib.kubernetes.set_workloads}

warn contains result if {
	some ns in namespaces
	not default_deny(ns)
	result := {
		"msg": sprintf("namespace %s has workloads but no NetworkPolicy selecting all its pods (podSelector: {}) for Ingress", [ns]),
		"path": location(ns),
	}
}

default_deny(ns) if ns in default_deny_namespaces

# The namespaces that have a default-deny ingress NetworkPolicy, read in one pass over the
# documents rather than once per namespace.
default_deny_namespaces contains k8s.namespace_of(np) if {
	some doc in input
	np := doc.contents
	is_object(np)
	np.kind == "NetworkPolicy"
	spec := object.get(np, "spec", {})
	selects_all(object.get(spec, "podSelector", {}))
	ingress_type(spec)
	not allows_all(spec)
}

selects_all(selector) if {
	count(object.get(selector, "matchLabels", {})) == 0
	count(object.get(selector, "matchExpressions", [])) == 0
}

ingress_type(spec) if not "policyTypes" in object.keys(spec)

ingress_type(spec) if "Ingress" in spec.policyTypes

allows_all(spec) if {
	some rule in spec.ingress
	count(object.get(rule, "from", [])) == 0
	count(object.get(rule, "ports", [])) == 0
}

# The indexes of the Namespace documents, by name, and of the workloads, by namespace.
namespace_docs[name] contains i if {
	some i, doc in input
	doc.contents.kind == "Namespace"
	name := doc.contents.metadata.name
}

workload_indexes[w.namespace] contains w.index if some w in data.tollgate.lib.kubernetes.set_workloads

location(ns) := [min(namespace_docs[ns]), "contents", "metadata", "name"] if {
	count(namespace_docs[ns]) > 0
} else := path if {
	first := min(workload_indexes[ns])
	path := array.concat([first, "contents"], k8s.existing_path(input[first].contents, ["metadata", "namespace"]))
}
