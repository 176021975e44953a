# METADATA
# title: Capabilities not dropped
# description: >-
#   Containers must drop every capability and may add back only NET_BIND_SERVICE. As PSA's
#   capabilities_restricted check (policy version 1.22+): every container, init container
#   and ephemeral container must list ALL in securityContext.capabilities.drop, and
#   securityContext.capabilities.add may contain only NET_BIND_SERVICE. From policy version
#   1.25, pods with spec.os.name windows are exempt.
# custom:
#   id: k8s.pss.restricted.capabilities
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container and add back at most NET_BIND_SERVICE.'
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
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
#           securityContext:
#             capabilities:
#               drop: ["ALL"]
#               add: ["NET_BIND_SERVICE"]
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
#           securityContext:
#             capabilities:
#               add: ["CHOWN"]
package tollgate.k8s.pss.restricted.capabilities

import rego.v1

import data.tollgate.lib.kubernetes as k8s

drop_field := ["securityContext", "capabilities", "drop"]

applies if {
	data.tollgate.lib.kubernetes.minor >= 22
	not data.tollgate.lib.kubernetes.pss_windows_exempt
}

drops_all(container) if "ALL" in object.get(container, drop_field, [])

deny contains result if {
	applies
	some c in data.tollgate.lib.kubernetes.containers
	not drops_all(c.container)
	result := {
		"msg": sprintf("%s: %s must set securityContext.capabilities.drop=[\"ALL\"]", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, k8s.existing_path(c.container, drop_field)),
	}
}

deny contains result if {
	applies
	some c in data.tollgate.lib.kubernetes.containers
	some i, capability in c.container.securityContext.capabilities.add
	capability != "NET_BIND_SERVICE"
	result := {
		"msg": sprintf("%s: %s must not add capability %v (only NET_BIND_SERVICE may be added)", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c), capability]),
		"path": array.concat(c.path, ["securityContext", "capabilities", "add", i]),
	}
}
