# METADATA
# title: Unmasked /proc mount
# description: >-
#   The default /proc masks reduce the attack surface and should be required. As PSA's
#   procMount check: securityContext.procMount must be unset or Default on every container,
#   init container and ephemeral container. From policy version 1.35, any value is allowed
#   for a pod in a user namespace (spec.hostUsers: false).
# custom:
#   id: k8s.pss.baseline.proc-mount
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Remove securityContext.procMount or set it to Default (or run the pod in a user namespace with hostUsers false).
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
#           securityContext:
#             procMount: Default
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
#             procMount: Unmasked
package tollgate.k8s.pss.baseline.proc_mount

import rego.v1

import data.tollgate.lib.kubernetes as k8s

# PSA 1.35+: anything goes in a user namespace.
relaxed if {
	data.tollgate.lib.kubernetes.minor >= 35
	data.tollgate.lib.kubernetes.user_namespace_pod
}

deny contains result if {
	not relaxed
	some c in data.tollgate.lib.kubernetes.containers
	proc_mount := object.get(c.container, ["securityContext", "procMount"], null)
	proc_mount != null
	proc_mount != "Default"
	result := {
		"msg": sprintf("%s: %s must not set securityContext.procMount to \"%v\"", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c), proc_mount]),
		"path": array.concat(c.path, ["securityContext", "procMount"]),
	}
}
