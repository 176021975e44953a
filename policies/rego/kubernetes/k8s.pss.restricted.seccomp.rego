# METADATA
# title: Seccomp profile not set
# description: >-
#   A seccomp profile must be explicitly set. As PSA's seccompProfile_restricted check
#   (policy version 1.19+): securityContext.seccompProfile.type must be RuntimeDefault or
#   Localhost at pod level or on every container, init container and ephemeral container;
#   a container may leave it unset only when the pod sets a valid one, and no pod or
#   container may set another type (Unconfined). From policy version 1.25, pods with
#   spec.os.name windows are exempt.
# custom:
#   id: k8s.pss.restricted.seccomp
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) on the pod.
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       securityContext:
#         seccompProfile:
#           type: RuntimeDefault
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
#       containers:
#         - name: web
#           image: nginx:1.27.3
package tollgate.k8s.pss.restricted.seccomp

import rego.v1

import data.tollgate.lib.kubernetes as k8s

valid_types := {"RuntimeDefault", "Localhost"}

field := ["securityContext", "seccompProfile"]

type_field := array.concat(field, ["type"])

applies if {
	data.tollgate.lib.kubernetes.minor >= 19
	not data.tollgate.lib.kubernetes.pss_windows_exempt
}

valid(obj) if object.get(obj, type_field, "") in valid_types

pod_profile := object.get(data.tollgate.lib.kubernetes.pod_spec, field, null)

deny contains result if {
	applies
	pod_profile != null
	not valid(data.tollgate.lib.kubernetes.pod_spec)
	result := {
		"msg": sprintf("%s: the pod must not set securityContext.seccompProfile.type to \"%v\"", [data.tollgate.lib.kubernetes.name, object.get(data.tollgate.lib.kubernetes.pod_spec, type_field, "")]),
		"path": array.concat(data.tollgate.lib.kubernetes.pod_spec_path, k8s.existing_path(data.tollgate.lib.kubernetes.pod_spec, type_field)),
	}
}

deny contains result if {
	applies
	some c in data.tollgate.lib.kubernetes.containers
	object.get(c.container, field, null) != null
	not valid(c.container)
	result := {
		"msg": sprintf("%s: %s must not set securityContext.seccompProfile.type to \"%v\"", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c), object.get(c.container, type_field, "")]),
		"path": array.concat(c.path, k8s.existing_path(c.container, type_field)),
	}
}

# Containers without a profile and no pod-level profile to inherit (an invalid pod-level
# profile is reported above).
deny contains result if {
	applies
	pod_profile == null
	some c in data.tollgate.lib.kubernetes.containers
	object.get(c.container, field, null) == null
	result := {
		"msg": sprintf("%s: the pod or %s must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c)]),
		"path": array.concat(c.path, k8s.existing_path(c.container, field)),
	}
}
