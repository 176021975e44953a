# METADATA
# title: Writable root filesystem
# description: >-
#   Every container (containers, initContainers, ephemeralContainers) of every workload kind
#   must set securityContext.readOnlyRootFilesystem: true, so an intruder cannot drop tools
#   or tamper with the image's binaries; mount an emptyDir where the app needs to write.
#   Windows pods (spec.os.name: windows) are exempt: the API forbids the field for them.
# custom:
#   id: k8s.workload.read-only-root-filesystem
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Set securityContext.readOnlyRootFilesystem to true and mount emptyDir volumes for writable paths.
#   reference: https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
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
#             readOnlyRootFilesystem: true
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
#             readOnlyRootFilesystem: false
package tollgate.k8s.workload.read_only_root_filesystem

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	not data.tollgate.lib.kubernetes.is_windows
	some c in data.tollgate.lib.kubernetes.containers
	not c.container.securityContext.readOnlyRootFilesystem == true
	result := {
		"msg": sprintf("%s: %s does not set readOnlyRootFilesystem: true", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, k8s.existing_path(c.container, ["securityContext", "readOnlyRootFilesystem"])),
	}
}
