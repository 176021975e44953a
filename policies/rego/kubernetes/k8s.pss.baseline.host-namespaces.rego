# METADATA
# title: Host namespaces
# description: >-
#   Sharing the host's network, PID or IPC namespace breaks the isolation between the pod
#   and the node. As PSA's hostNamespaces check (all versions): spec.hostNetwork,
#   spec.hostPID and spec.hostIPC must be unset or false.
# custom:
#   id: k8s.pss.baseline.host-namespaces
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Remove hostNetwork, hostPID and hostIPC from the pod spec or set them to false.
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       hostNetwork: false
#       containers:
#         - name: web
#           image: nginx:1.27.3
#   example_fail: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       hostPID: true
#       containers:
#         - name: web
#           image: nginx:1.27.3
package tollgate.k8s.pss.baseline.host_namespaces

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	data.tollgate.lib.kubernetes.pod_spec[field] == true
	result := {
		"msg": sprintf("%s: the pod must not set %s=true", [data.tollgate.lib.kubernetes.name, field]),
		"path": array.concat(data.tollgate.lib.kubernetes.pod_spec_path, [field]),
	}
}
