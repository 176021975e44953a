# METADATA
# title: Container without cpu and memory requests
# description: >-
#   Every container and initContainer of every workload kind must request cpu and memory, so
#   the scheduler can place the pod and it gets a fair share under contention. A limit
#   without a request counts as the request, since Kubernetes then defaults the request to
#   the limit. ephemeralContainers are exempt: the API forbids resources on them.
# custom:
#   id: k8s.workload.resources-requests
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Set resources.requests.cpu and resources.requests.memory on every container.
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
#             requests:
#               cpu: 100m
#               memory: 128Mi
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
#             requests:
#               cpu: 100m
package tollgate.k8s.workload.resources_requests

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	some c in data.tollgate.lib.kubernetes.containers
	c.field != "ephemeralContainers"
	missing := [r | some r in ["cpu", "memory"]; not has_request(c.container, r)]
	count(missing) > 0
	result := {
		"msg": sprintf("%s: %s has no %s request", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c), concat(" and ", missing)]),
		"path": array.concat(c.path, k8s.existing_path(c.container, ["resources", "requests"])),
	}
}

has_request(container, r) if container.resources.requests[r]

has_request(container, r) if container.resources.limits[r]
