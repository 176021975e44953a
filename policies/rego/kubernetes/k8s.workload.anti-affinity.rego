# METADATA
# title: Replicas without anti-affinity or topology spread
# description: >-
#   A Deployment, StatefulSet, ReplicaSet or ReplicationController with 2 or more replicas
#   should spread them, with a podAntiAffinity term (required or preferred) or
#   topologySpreadConstraints; otherwise the scheduler may put every replica on the same
#   node or zone, and one failure takes them all.
# custom:
#   id: k8s.workload.anti-affinity
#   severity: warn
#   input: kubernetes
#   kinds: [Deployment, StatefulSet, ReplicaSet, ReplicationController]
#   remediation: Add topologySpreadConstraints (e.g. over kubernetes.io/hostname) or a podAntiAffinity term to the pod template.
#   reference: https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
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
#           topologySpreadConstraints:
#             - maxSkew: 1
#               topologyKey: kubernetes.io/hostname
#               whenUnsatisfiable: ScheduleAnyway
#               labelSelector:
#                 matchLabels:
#                   app: web
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
package tollgate.k8s.workload.anti_affinity

import rego.v1

import data.tollgate.lib.kubernetes as k8s

warn contains result if {
	input.kind in {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}
	replicas := input.spec.replicas
	is_number(replicas)
	replicas >= 2
	not spread
	result := {
		"msg": sprintf("%s runs %d replicas with neither podAntiAffinity nor topologySpreadConstraints", [data.tollgate.lib.kubernetes.name, replicas]),
		"path": k8s.existing_path(input, array.concat(data.tollgate.lib.kubernetes.pod_spec_path, ["affinity", "podAntiAffinity"])),
	}
}

spread if count(data.tollgate.lib.kubernetes.pod_spec.topologySpreadConstraints) > 0

spread if count(data.tollgate.lib.kubernetes.pod_spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution) > 0

spread if count(data.tollgate.lib.kubernetes.pod_spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution) > 0
