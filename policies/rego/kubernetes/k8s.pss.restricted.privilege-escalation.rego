# METADATA
# title: Privilege escalation allowed
# description: >-
#   Privilege escalation (such as via set-user-ID or set-group-ID file mode) must not be
#   allowed. As PSA's allowPrivilegeEscalation check (policy version 1.8+): every container,
#   init container and ephemeral container must set
#   securityContext.allowPrivilegeEscalation to false; unset counts as allowed. From policy
#   version 1.25, pods with spec.os.name windows are exempt.
# custom:
#   id: k8s.pss.restricted.privilege-escalation
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Set securityContext.allowPrivilegeEscalation to false on every container.
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
#             allowPrivilegeEscalation: false
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
package tollgate.k8s.pss.restricted.privilege_escalation

import rego.v1

import data.tollgate.lib.kubernetes as k8s

field := ["securityContext", "allowPrivilegeEscalation"]

deny contains result if {
	data.tollgate.lib.kubernetes.minor >= 8
	not data.tollgate.lib.kubernetes.pss_windows_exempt
	some c in data.tollgate.lib.kubernetes.containers
	object.get(c.container, field, null) != false
	result := {
		"msg": sprintf("%s: %s must set securityContext.allowPrivilegeEscalation=false", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, k8s.existing_path(c.container, field)),
	}
}
