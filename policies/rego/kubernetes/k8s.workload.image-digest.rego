# METADATA
# title: Image not pinned by digest
# description: >-
#   Every container (containers, initContainers, ephemeralContainers) of every workload kind
#   should pin its image by an `@sha256:` digest: tags, even versioned ones, can be moved to
#   other content, a digest cannot. `name:tag@sha256:...` is fine (the tag is informative,
#   the digest is what gets pulled).
# custom:
#   id: k8s.workload.image-digest
#   severity: warn
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Pin the image by digest, e.g. nginx:1.27.3@sha256:<64 hex digits> (resolve it with `crane digest` or `docker buildx imagetools inspect`).
#   reference: https://kubernetes.io/docs/concepts/containers/images/#image-names
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       containers:
#         - name: web
#           image: nginx:1.27.3@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
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
package tollgate.k8s.workload.image_digest

import rego.v1

import data.tollgate.lib.kubernetes as k8s

warn contains result if {
	some c in data.tollgate.lib.kubernetes.containers
	image := c.container.image
	is_string(image)
	not regex.match(`@sha256:[a-f0-9]{64}$`, image)
	result := {
		"msg": sprintf("%s: %s uses image \"%s\" without an @sha256: digest", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c), image]),
		"path": array.concat(c.path, ["image"]),
	}
}
