# METADATA
# title: Container without a cpu limit
# description: >-
#   Every container and initContainer of every workload kind should set a cpu limit, so one
#   busy container cannot take every core of the node. (Some teams deliberately run without
#   cpu limits to avoid CFS throttling; skip this ID if that is your policy.)
#   ephemeralContainers are exempt: the API forbids resources on them.
# custom:
#   id: k8s.workload.cpu-limit
#   severity: warn
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Set resources.limits.cpu on every container.
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
#               cpu: 500m
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
#               memory: 256Mi
package tollgate.k8s.workload.cpu_limit

import rego.v1

import data.tollgate.lib.kubernetes as k8s

warn contains result if {
	some c in data.tollgate.lib.kubernetes.containers
	c.field != "ephemeralContainers"
	not c.container.resources.limits.cpu
	result := {
		"msg": sprintf("%s: %s has no cpu limit", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, k8s.existing_path(c.container, ["resources", "limits", "cpu"])),
	}
}
