# METADATA
# title: Containers may run as root
# description: >-
#   Containers must be required to run as non-root users. As PSA's runAsNonRoot check:
#   securityContext.runAsNonRoot must be true at pod level or on every container, init
#   container and ephemeral container, and neither the pod nor any container may set it to
#   false (a container's false wins over the pod's true). From policy version 1.35 the check
#   is skipped for pods in a user namespace (spec.hostUsers: false).
# custom:
#   id: k8s.pss.restricted.run-as-non-root
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Set securityContext.runAsNonRoot to true on the pod (and do not set it to false on any container).
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       securityContext:
#         runAsNonRoot: true
#       containers:
#         - name: web
#           image: nginx:1.27.3
#   example_fail: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       securityContext:
#         runAsNonRoot: true
#       containers:
#         - name: web
#           image: nginx:1.27.3
#           securityContext:
#             runAsNonRoot: false
package tollgate.k8s.pss.restricted.run_as_non_root

import rego.v1

import data.tollgate.lib.kubernetes as k8s

field := ["securityContext", "runAsNonRoot"]

# PSA 1.35+: skipped entirely for pods in a user namespace.
relaxed if {
	data.tollgate.lib.kubernetes.minor >= 35
	data.tollgate.lib.kubernetes.user_namespace_pod
}

pod_value := object.get(data.tollgate.lib.kubernetes.pod_spec, field, null)

deny contains result if {
	not relaxed
	pod_value == false
	result := {
		"msg": sprintf("%s: the pod must not set securityContext.runAsNonRoot=false", [data.tollgate.lib.kubernetes.name]),
		"path": array.concat(data.tollgate.lib.kubernetes.pod_spec_path, field),
	}
}

deny contains result if {
	not relaxed
	some c in data.tollgate.lib.kubernetes.containers
	object.get(c.container, field, null) == false
	result := {
		"msg": sprintf("%s: %s must not set securityContext.runAsNonRoot=false", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, field),
	}
}

# Containers that do not set it, with no pod-level value to inherit (a pod-level false is
# reported above).
deny contains result if {
	not relaxed
	pod_value == null
	some c in data.tollgate.lib.kubernetes.containers
	object.get(c.container, field, null) == null
	result := {
		"msg": sprintf("%s: the pod or %s must set securityContext.runAsNonRoot=true", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, k8s.existing_path(c.container, field)),
	}
}
