# METADATA
# title: Container without a liveness probe
# description: >-
#   Every container of a long-running workload (Deployment, StatefulSet, DaemonSet,
#   ReplicaSet, ReplicationController) should define a livenessProbe, so the kubelet
#   restarts it when it hangs instead of leaving it dead but running. Bare Pods, Jobs and
#   CronJobs are exempt (they run to completion or are not managed), and so are
#   initContainers and ephemeralContainers.
# custom:
#   id: k8s.workload.liveness-probe
#   severity: warn
#   input: kubernetes
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController]
#   remediation: Add a livenessProbe (httpGet, tcpSocket, grpc or exec) to every container.
#   reference: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
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
#               livenessProbe:
#                 httpGet:
#                   path: /healthz
#                   port: 80
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
package tollgate.k8s.workload.liveness_probe

import rego.v1

import data.tollgate.lib.kubernetes as k8s

long_running_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"}

warn contains result if {
	input.kind in long_running_kinds
	some c in data.tollgate.lib.kubernetes.containers
	c.field == "containers"
	not c.container.livenessProbe
	result := {
		"msg": sprintf("%s: %s has no livenessProbe", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": c.path,
	}
}
