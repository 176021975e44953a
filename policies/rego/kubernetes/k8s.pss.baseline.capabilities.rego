# METADATA
# title: Added capabilities beyond the baseline set
# description: >-
#   Adding Linux capabilities beyond the container runtime's default set must be disallowed.
#   As PSA's capabilities_baseline check (all versions): every entry of
#   securityContext.capabilities.add, on every container, init container and ephemeral
#   container, must be one of AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD,
#   NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT (exact, case-sensitive).
# custom:
#   id: k8s.pss.baseline.capabilities
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Add only capabilities from the baseline list (e.g. NET_BIND_SERVICE); remove NET_ADMIN, SYS_ADMIN, NET_RAW and the like.
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
#             capabilities:
#               add: ["NET_BIND_SERVICE", "CHOWN"]
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
#               add: ["SYS_ADMIN"]
package tollgate.k8s.pss.baseline.capabilities

import rego.v1

import data.tollgate.lib.kubernetes as k8s

allowed := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

deny contains result if {
	some c in data.tollgate.lib.kubernetes.containers
	some i, capability in c.container.securityContext.capabilities.add
	not capability in allowed
	result := {
		"msg": sprintf("%s: %s must not add capability %v (securityContext.capabilities.add)", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c), capability]),
		"path": array.concat(c.path, ["securityContext", "capabilities", "add", i]),
	}
}
