# METADATA
# title: Windows HostProcess containers
# description: >-
#   Windows HostProcess containers run directly on the host with privileged access to it.
#   As PSA's windowsHostProcess check (all versions): securityContext.windowsOptions.hostProcess
#   must be unset or false on the pod and on every container, init container and ephemeral
#   container.
# custom:
#   id: k8s.pss.baseline.host-process
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Remove securityContext.windowsOptions.hostProcess or set it to false, on the pod and every container.
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       os:
#         name: windows
#       containers:
#         - name: web
#           image: mcr.microsoft.com/windows/nanoserver:ltsc2022
#   example_fail: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       os:
#         name: windows
#       hostNetwork: true
#       securityContext:
#         windowsOptions:
#           hostProcess: true
#       containers:
#         - name: web
#           image: mcr.microsoft.com/windows/nanoserver:ltsc2022
package tollgate.k8s.pss.baseline.host_process

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	object.get(data.tollgate.lib.kubernetes.pod_spec, ["securityContext", "windowsOptions", "hostProcess"], false) == true
	result := {
		"msg": sprintf("%s: the pod must not set securityContext.windowsOptions.hostProcess=true", [data.tollgate.lib.kubernetes.name]),
		"path": array.concat(data.tollgate.lib.kubernetes.pod_security_context_path, ["windowsOptions", "hostProcess"]),
	}
}

deny contains result if {
	some c in data.tollgate.lib.kubernetes.containers
	object.get(c.container, ["securityContext", "windowsOptions", "hostProcess"], false) == true
	result := {
		"msg": sprintf("%s: %s must not set securityContext.windowsOptions.hostProcess=true", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, ["securityContext", "windowsOptions", "hostProcess"]),
	}
}
