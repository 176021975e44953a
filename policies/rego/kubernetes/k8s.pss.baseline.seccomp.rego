# METADATA
# title: Unconfined seccomp profile
# description: >-
#   Seccomp must not be disabled. As PSA's seccompProfile_baseline check: from policy
#   version 1.19, securityContext.seccompProfile.type of the pod and of every container,
#   init container and ephemeral container must be RuntimeDefault or Localhost when
#   seccompProfile is set (Unconfined is rejected); below 1.19 the annotations
#   seccomp.security.alpha.kubernetes.io/pod and
#   container.seccomp.security.alpha.kubernetes.io/<container> must be runtime/default,
#   docker/default or localhost/* when present.
# custom:
#   id: k8s.pss.baseline.seccomp
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Set seccompProfile.type to RuntimeDefault or Localhost (or leave it unset), never Unconfined.
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
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
#           securityContext:
#             seccompProfile:
#               type: Unconfined
package tollgate.k8s.pss.baseline.seccomp

import rego.v1

import data.tollgate.lib.kubernetes as k8s

valid_types := {"RuntimeDefault", "Localhost"}

# The seccompProfile fields that are set, with the object holding them and its path.
profiles contains {"who": "the pod", "obj": data.tollgate.lib.kubernetes.pod_spec, "path": data.tollgate.lib.kubernetes.pod_spec_path} if {
	object.get(data.tollgate.lib.kubernetes.pod_spec, ["securityContext", "seccompProfile"], null) != null
}

profiles contains {"who": k8s.container_desc(c), "obj": c.container, "path": c.path} if {
	some c in data.tollgate.lib.kubernetes.containers
	object.get(c.container, ["securityContext", "seccompProfile"], null) != null
}

# Policy 1.19+: the seccompProfile fields.
deny contains result if {
	data.tollgate.lib.kubernetes.minor >= 19
	some p in profiles
	profile_type := object.get(p.obj, ["securityContext", "seccompProfile", "type"], "")
	not profile_type in valid_types
	result := {
		"msg": sprintf("%s: %s must not set securityContext.seccompProfile.type to \"%v\"", [data.tollgate.lib.kubernetes.name, p.who, profile_type]),
		"path": array.concat(p.path, k8s.existing_path(p.obj, ["securityContext", "seccompProfile", "type"])),
	}
}

# Policy 1.0-1.18: the alpha annotations.
pod_annotation := "seccomp.security.alpha.kubernetes.io/pod"

container_annotation_prefix := "container.seccomp.security.alpha.kubernetes.io/"

checked_annotation(key) if key == pod_annotation

checked_annotation(key) if {
	some c in data.tollgate.lib.kubernetes.containers
	key == concat("", [container_annotation_prefix, c.container.name])
}

valid_annotation(value) if value in {"runtime/default", "docker/default"}

valid_annotation(value) if startswith(value, "localhost/")

deny contains result if {
	data.tollgate.lib.kubernetes.minor < 19
	data.tollgate.lib.kubernetes.is_workload
	some key, value in data.tollgate.lib.kubernetes.pod_metadata.annotations
	checked_annotation(key)
	not valid_annotation(value)
	result := {
		"msg": sprintf("%s: annotation %s=\"%v\" is forbidden (allowed: runtime/default, docker/default, localhost/*)", [data.tollgate.lib.kubernetes.name, key, value]),
		"path": array.concat(k8s.pod_metadata_path_of(input.kind), ["annotations", key]),
	}
}
