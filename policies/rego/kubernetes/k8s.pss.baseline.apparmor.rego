# METADATA
# title: AppArmor profile overrides
# description: >-
#   The runtime's default AppArmor profile must not be disabled or overridden except by a
#   profile loaded on the node. As PSA's appArmorProfile check (all versions): the pod's and
#   every container's securityContext.appArmorProfile.type must be RuntimeDefault or
#   Localhost when appArmorProfile is set, and every pod annotation
#   container.apparmor.security.beta.kubernetes.io/* must be empty, runtime/default or
#   localhost/<profile>.
# custom:
#   id: k8s.pss.baseline.apparmor
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Use appArmorProfile.type RuntimeDefault or Localhost (annotation values runtime/default or localhost/<profile>), never Unconfined.
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       securityContext:
#         appArmorProfile:
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
#       annotations:
#         container.apparmor.security.beta.kubernetes.io/web: unconfined
#     spec:
#       containers:
#         - name: web
#           image: nginx:1.27.3
#           securityContext:
#             appArmorProfile:
#               type: Unconfined
package tollgate.k8s.pss.baseline.apparmor

import rego.v1

import data.tollgate.lib.kubernetes as k8s

allowed_types := {"RuntimeDefault", "Localhost"}

annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

allowed_annotation(value) if value in {"", "runtime/default"}

allowed_annotation(value) if startswith(value, "localhost/")

# The appArmorProfile fields that are set, with the object holding them and its path.
profiles contains {"who": "the pod", "obj": data.tollgate.lib.kubernetes.pod_spec, "path": data.tollgate.lib.kubernetes.pod_spec_path} if {
	object.get(data.tollgate.lib.kubernetes.pod_spec, ["securityContext", "appArmorProfile"], null) != null
}

profiles contains {"who": k8s.container_desc(c), "obj": c.container, "path": c.path} if {
	some c in data.tollgate.lib.kubernetes.containers
	object.get(c.container, ["securityContext", "appArmorProfile"], null) != null
}

deny contains result if {
	some p in profiles
	profile_type := object.get(p.obj, ["securityContext", "appArmorProfile", "type"], "")
	not profile_type in allowed_types
	result := {
		"msg": sprintf("%s: %s must not set securityContext.appArmorProfile.type to \"%v\" (allowed: RuntimeDefault, Localhost)", [data.tollgate.lib.kubernetes.name, p.who, profile_type]),
		"path": array.concat(p.path, k8s.existing_path(p.obj, ["securityContext", "appArmorProfile", "type"])),
	}
}

deny contains result if {
	data.tollgate.lib.kubernetes.is_workload
	some key, value in data.tollgate.lib.kubernetes.pod_metadata.annotations
	startswith(key, annotation_prefix)
	not allowed_annotation(value)
	result := {
		"msg": sprintf("%s: annotation %s=\"%v\" is forbidden (allowed: runtime/default, localhost/*)", [data.tollgate.lib.kubernetes.name, key, value]),
		"path": array.concat(k8s.pod_metadata_path_of(input.kind), ["annotations", key]),
	}
}
