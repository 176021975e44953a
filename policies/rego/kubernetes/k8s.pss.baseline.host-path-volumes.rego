# METADATA
# title: hostPath volumes
# description: >-
#   hostPath volumes give the pod access to the node's filesystem. As PSA's hostPathVolumes
#   check (all versions): no entry of spec.volumes may set hostPath.
# custom:
#   id: k8s.pss.baseline.host-path-volumes
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Replace the hostPath volume with a configMap, secret, emptyDir, persistentVolumeClaim or CSI volume.
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
#       volumes:
#         - name: cache
#           emptyDir: {}
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
#         - name: docker
#           hostPath:
#             path: /var/run/docker.sock
package tollgate.k8s.pss.baseline.host_path_volumes

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	some i, volume in data.tollgate.lib.kubernetes.pod_spec.volumes
	volume.hostPath != null
	result := {
		"msg": sprintf("%s: volume \"%s\" must not use hostPath", [data.tollgate.lib.kubernetes.name, object.get(volume, "name", "")]),
		"path": array.concat(data.tollgate.lib.kubernetes.pod_spec_path, ["volumes", i, "hostPath"]),
	}
}
