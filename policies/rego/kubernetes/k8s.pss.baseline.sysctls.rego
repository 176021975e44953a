# METADATA
# title: Unsafe sysctls
# description: >-
#   Sysctls can disable security mechanisms or affect every container on the node; only the
#   namespaced, isolated "safe" set is allowed. As PSA's sysctls check:
#   spec.securityContext.sysctls[*].name must be one of kernel.shm_rmid_forced,
#   net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range,
#   net.ipv4.ip_unprivileged_port_start; plus net.ipv4.ip_local_reserved_ports from policy
#   version 1.27; net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout,
#   net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes from 1.29;
#   net.ipv4.tcp_rmem, net.ipv4.tcp_wmem from 1.32; net.ipv4.tcp_slow_start_after_idle,
#   net.ipv4.tcp_notsent_lowat from 1.37.
# custom:
#   id: k8s.pss.baseline.sysctls
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Remove the unsafe sysctl from spec.securityContext.sysctls (tune it on the node instead).
#   reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       securityContext:
#         sysctls:
#           - name: net.ipv4.ip_local_port_range
#             value: "1024 65000"
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
#       securityContext:
#         sysctls:
#           - name: kernel.msgmax
#             value: "65536"
#       containers:
#         - name: web
#           image: nginx:1.27.3
package tollgate.k8s.pss.baseline.sysctls

import rego.v1

import data.tollgate.lib.kubernetes as k8s

safe_1_0 := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_unprivileged_port_start",
}

# [policy version, sysctls it made safe]
additions := [
	[27, {"net.ipv4.ip_local_reserved_ports"}],
	[29, {"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}],
	[32, {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}],
	[37, {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}],
]

safe := safe_1_0 | {name |
	some addition in additions
	addition[0] <= data.tollgate.lib.kubernetes.minor
	some name in addition[1]
}

deny contains result if {
	some i, sysctl in object.get(data.tollgate.lib.kubernetes.pod_spec, ["securityContext", "sysctls"], [])
	sysctl_name := object.get(sysctl, "name", "")
	not sysctl_name in safe
	result := {
		"msg": sprintf("%s: sysctl \"%v\" is not in the safe set of policy version 1.%d", [data.tollgate.lib.kubernetes.name, sysctl_name, data.tollgate.lib.kubernetes.minor]),
		"path": array.concat(data.tollgate.lib.kubernetes.pod_security_context_path, k8s.existing_path(data.tollgate.lib.kubernetes.pod_security_context, ["sysctls", i, "name"])),
	}
}
