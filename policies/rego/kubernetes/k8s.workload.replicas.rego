# METADATA
# title: Single-replica Deployment or StatefulSet
# description: >-
#   A Deployment or StatefulSet should run at least 2 replicas, so a node drain, an eviction
#   or a crash does not take the service down. An unset spec.replicas means 1. (Workloads
#   scaled by a HorizontalPodAutoscaler should still declare a starting count of 2 or more.)
# custom:
#   id: k8s.workload.replicas
#   severity: warn
#   input: kubernetes
#   kinds: [Deployment, StatefulSet]
#   remediation: Set spec.replicas to 2 or more (or let an HPA with minReplicas >= 2 manage it).
#   reference: https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas
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
package tollgate.k8s.workload.replicas

import rego.v1

import data.tollgate.lib.kubernetes as k8s

warn contains result if {
	input.kind in {"Deployment", "StatefulSet"}
	replicas := object.get(input, ["spec", "replicas"], 1)
	is_number(replicas)
	replicas < 2
	result := {
		"msg": sprintf("%s runs %d replica(s); use at least 2", [data.tollgate.lib.kubernetes.name, replicas]),
		"path": k8s.existing_path(input, ["spec", "replicas"]),
	}
}
