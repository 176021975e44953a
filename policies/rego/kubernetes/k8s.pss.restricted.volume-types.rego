# METADATA
# title: Restricted volume types
# description: >-
#   The restricted profile allows only volume types that cannot reach the node or arbitrary
#   storage directly. As PSA's restrictedVolumes check (all versions): every entry of
#   spec.volumes must be configMap, csi, downwardAPI, emptyDir, ephemeral, image (OCI image
#   volumes, allowed by PSA since Kubernetes 1.33 at every policy version),
#   persistentVolumeClaim, projected or secret. A volume with no source at all is defaulted
#   to emptyDir by the API server and passes.
# custom:
#   id: k8s.pss.restricted.volume-types
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes (other storage through a PersistentVolumeClaim).
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
#       volumes:
#         - name: config
#           configMap:
#             name: web-config
#         - name: data
#           persistentVolumeClaim:
#             claimName: web-data
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
#       volumes:
#         - name: share
#           nfs:
#             server: nfs.example.com
#             path: /exports/web
package tollgate.k8s.pss.restricted.volume_types

import rego.v1

import data.tollgate.lib.kubernetes as k8s

allowed := {
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
	"persistentVolumeClaim", "projected", "secret",
}

has_allowed_source(volume) if {
	some key in allowed
	volume[key] != null
}

deny contains result if {
	some i, volume in data.tollgate.lib.kubernetes.pod_spec.volumes
	not has_allowed_source(volume)
	some key, value in volume
	key != "name"
	value != null
	result := {
		"msg": sprintf("%s: volume \"%s\" must not use the %s volume type", [data.tollgate.lib.kubernetes.name, object.get(volume, "name", ""), key]),
		"path": array.concat(data.tollgate.lib.kubernetes.pod_spec_path, ["volumes", i, key]),
	}
}
