# METADATA
# title: Container without a memory limit
# description: >-
#   Every container and initContainer of every workload kind must set a memory limit, so a
#   leak is OOM-killed in its own container instead of starving the node. ephemeralContainers
#   are exempt: the API forbids resources on them.
# custom:
#   id: k8s.workload.memory-limit
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Set resources.limits.memory on every container.
#   reference: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
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
#           resources:
#             limits:
#               memory: 256Mi
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
#           resources:
#             limits:
#               cpu: 500m
package tollgate.k8s.workload.memory_limit

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	some c in data.tollgate.lib.kubernetes.containers
	c.field != "ephemeralContainers"
	not c.container.resources.limits.memory
	result := {
		"msg": sprintf("%s: %s has no memory limit", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, k8s.existing_path(c.container, ["resources", "limits", "memory"])),
	}
}
