# METADATA
# title: Containers run as root (UID 0)
# description: >-
#   Containers must not run as UID 0. As PSA's runAsUser check (policy version 1.23+):
#   securityContext.runAsUser must be unset or non-zero on the pod and on every container,
#   init container and ephemeral container. From policy version 1.35 the check is skipped
#   for pods in a user namespace (spec.hostUsers: false).
# custom:
#   id: k8s.pss.restricted.run-as-user
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Remove runAsUser 0, or set runAsUser to a non-zero UID.
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       securityContext:
#         runAsUser: 1000
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
#       containers:
#         - name: web
#           image: nginx:1.27.3
#           securityContext:
#             runAsUser: 0
package tollgate.k8s.pss.restricted.run_as_user

import rego.v1

import data.tollgate.lib.kubernetes as k8s

field := ["securityContext", "runAsUser"]

applies if {
	data.tollgate.lib.kubernetes.minor >= 23
	not relaxed
}

# PSA 1.35+: skipped entirely for pods in a user namespace.
relaxed if {
	data.tollgate.lib.kubernetes.minor >= 35
	data.tollgate.lib.kubernetes.user_namespace_pod
}

deny contains result if {
	applies
	object.get(data.tollgate.lib.kubernetes.pod_spec, field, null) == 0
	result := {
		"msg": sprintf("%s: the pod must not set securityContext.runAsUser=0", [data.tollgate.lib.kubernetes.name]),
		"path": array.concat(data.tollgate.lib.kubernetes.pod_spec_path, field),
	}
}

deny contains result if {
	applies
	some c in data.tollgate.lib.kubernetes.containers
	object.get(c.container, field, null) == 0
	result := {
		"msg": sprintf("%s: %s must not set securityContext.runAsUser=0", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, field),
	}
}
