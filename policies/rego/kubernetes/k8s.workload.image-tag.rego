# METADATA
# title: Image without an explicit tag
# description: >-
#   Every container (containers, initContainers, ephemeralContainers) of every workload kind
#   must name its image with an explicit tag other than `latest`, or pin it by digest
#   (`image@sha256:...`). A missing tag means `latest`, which changes under you and makes
#   rollbacks and audits meaningless. A registry port (`registry:5000/app`) is not a tag:
#   the tag is only looked for after the last `/`.
# custom:
#   id: k8s.workload.image-tag
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Set an explicit, immutable image tag (e.g. nginx:1.27.3) or pin the image by digest.
#   reference: https://kubernetes.io/docs/concepts/containers/images/#image-names
#   example_pass: |
#     apiVersion: apps/v1
#     kind: Deployment
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       selector:
#         matchLabels:
#           app: web
#       template:
#         metadata:
#           labels:
#             app: web
#         spec:
#           containers:
#             - name: web
#               image: registry.example.com:5000/shop/web:1.4.2
#   example_fail: |
#     apiVersion: apps/v1
#     kind: Deployment
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       selector:
#         matchLabels:
#           app: web
#       template:
#         metadata:
#           labels:
#             app: web
#         spec:
#           containers:
#             - name: web
#               image: registry.example.com:5000/shop/web
package tollgate.k8s.workload.image_tag

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	some c in data.tollgate.lib.kubernetes.containers
	image := c.container.image
	is_string(image)
	not contains(image, "@")
	problem := tag_problem(image)
	result := {
		"msg": sprintf("%s: %s uses image \"%s\" %s", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c), image, problem]),
		"path": array.concat(c.path, ["image"]),
	}
}

# The tag is whatever follows ":" in the last path component (a ":" before the last "/"
# belongs to the registry's host:port).
last_component(image) := parts[count(parts) - 1] if parts := split(image, "/")

tag_problem(image) := "without a tag (defaults to latest)" if {
	not contains(last_component(image), ":")
}

tag_problem(image) := "without a tag (defaults to latest)" if {
	endswith(last_component(image), ":")
}

tag_problem(image) := "with the mutable tag latest" if {
	endswith(last_component(image), ":latest")
}
