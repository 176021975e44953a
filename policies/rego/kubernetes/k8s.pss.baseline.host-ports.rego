# METADATA
# title: Host ports
# description: >-
#   A hostPort exposes the container on the node's network interfaces. As PSA's hostPorts
#   check (all versions): ports[*].hostPort must be unset or 0 on every container, init
#   container and ephemeral container.
# custom:
#   id: k8s.pss.baseline.host-ports
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Remove hostPort (or set it to 0) and expose the container through a Service instead.
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       containers:
#         - name: web
#           image: nginx:1.27.3
#           ports:
#             - containerPort: 8080
#   example_fail: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       containers:
#         - name: web
#           image: nginx:1.27.3
#           ports:
#             - containerPort: 8080
#               hostPort: 80
package tollgate.k8s.pss.baseline.host_ports

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	some c in data.tollgate.lib.kubernetes.containers
	some j, port in c.container.ports
	host_port := port.hostPort
	host_port != null
	host_port != 0
	result := {
		"msg": sprintf("%s: %s must not set hostPort %v", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c), host_port]),
		"path": array.concat(c.path, ["ports", j, "hostPort"]),
	}
}
