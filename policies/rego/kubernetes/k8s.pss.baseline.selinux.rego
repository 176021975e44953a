# METADATA
# title: Custom SELinux options
# description: >-
#   Setting the SELinux type is restricted, and a custom SELinux user or role is forbidden.
#   As PSA's seLinuxOptions check: on the pod and every container, init container and
#   ephemeral container, seLinuxOptions.type must be "", container_t, container_init_t or
#   container_kvm_t (plus container_engine_t from policy version 1.31), and
#   seLinuxOptions.user and seLinuxOptions.role must be unset or "".
# custom:
#   id: k8s.pss.baseline.selinux
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Remove seLinuxOptions.user and .role, and use only an allowed seLinuxOptions.type (container_t, container_init_t, container_kvm_t, container_engine_t).
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       securityContext:
#         seLinuxOptions:
#           type: container_t
#           level: s0:c123,c456
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
#             seLinuxOptions:
#               type: spc_t
#               user: system_u
package tollgate.k8s.pss.baseline.selinux

import rego.v1

import data.tollgate.lib.kubernetes as k8s

types_1_0 := {"", "container_t", "container_init_t", "container_kvm_t"}

allowed_types := types_1_0 | {"container_engine_t"} if data.tollgate.lib.kubernetes.minor >= 31 else := types_1_0

# Every seLinuxOptions that is set, with who set it and its path.
options contains {"who": "the pod", "opts": opts, "path": array.concat(data.tollgate.lib.kubernetes.pod_security_context_path, ["seLinuxOptions"])} if {
	opts := object.get(data.tollgate.lib.kubernetes.pod_spec, ["securityContext", "seLinuxOptions"], null)
	opts != null
}

options contains {"who": k8s.container_desc(c), "opts": opts, "path": array.concat(c.path, ["securityContext", "seLinuxOptions"])} if {
	some c in data.tollgate.lib.kubernetes.containers
	opts := object.get(c.container, ["securityContext", "seLinuxOptions"], null)
	opts != null
}

deny contains result if {
	some o in options
	selinux_type := object.get(o.opts, "type", "")
	selinux_type != null
	not selinux_type in allowed_types
	result := {
		"msg": sprintf("%s: %s must not set securityContext.seLinuxOptions.type to \"%v\"", [data.tollgate.lib.kubernetes.name, o.who, selinux_type]),
		"path": array.concat(o.path, ["type"]),
	}
}

deny contains result if {
	some o in options
	some field in ["user", "role"]
	value := object.get(o.opts, field, "")
	value != null
	value != ""
	result := {
		"msg": sprintf("%s: %s must not set securityContext.seLinuxOptions.%s", [data.tollgate.lib.kubernetes.name, o.who, field]),
		"path": array.concat(o.path, [field]),
	}
}
