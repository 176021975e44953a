# METADATA
# title: Privileged containers
# description: >-
#   Privileged containers have every capability of the host and disable most security
#   mechanisms. As PSA's privileged check (all versions): securityContext.privileged must be
#   unset or false on every container, init container and ephemeral container.
# custom:
#   id: k8s.pss.baseline.privileged
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Remove securityContext.privileged or set it to false.
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
#             privileged: false
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
#             privileged: true
package tollgate.k8s.pss.baseline.privileged

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	some c in data.tollgate.lib.kubernetes.containers
	object.get(c.container, ["securityContext", "privileged"], false) == true
	result := {
		"msg": sprintf("%s: %s must not set securityContext.privileged=true", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, ["securityContext", "privileged"]),
	}
}
