# METADATA
# title: Host in probes and lifecycle hooks
# description: >-
#   A probe or lifecycle hook with a host makes the kubelet connect to an arbitrary address
#   on the pod's behalf. As PSA's hostProbesAndHostLifecycle check (policy version 1.34+;
#   not checked below 1.34): httpGet.host and tcpSocket.host of livenessProbe,
#   readinessProbe, startupProbe, lifecycle.postStart and lifecycle.preStop must be unset
#   or "" on every container, init container and ephemeral container.
# custom:
#   id: k8s.pss.baseline.host-probes
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Remove the host field from httpGet/tcpSocket probes and lifecycle hooks (the pod's own IP is used).
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
#           livenessProbe:
#             httpGet:
#               path: /healthz
#               port: 8080
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
#           livenessProbe:
#             httpGet:
#               host: 169.254.169.254
#               path: /latest/meta-data
#               port: 80
package tollgate.k8s.pss.baseline.host_probes

import rego.v1

import data.tollgate.lib.kubernetes as k8s

handler_parents := [
	["livenessProbe"],
	["readinessProbe"],
	["startupProbe"],
	["lifecycle", "postStart"],
	["lifecycle", "preStop"],
]

deny contains result if {
	data.tollgate.lib.kubernetes.minor >= 34
	some c in data.tollgate.lib.kubernetes.containers
	some parent in handler_parents
	some handler in ["httpGet", "tcpSocket"]
	field := array.concat(parent, [handler, "host"])
	host := object.get(c.container, field, "")
	is_string(host)
	host != ""
	result := {
		"msg": sprintf("%s: %s must not set %s to \"%s\"", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c), concat(".", field), host]),
		"path": array.concat(c.path, field),
	}
}
