package tollgate.k8s.pss.baseline.sysctls_test

import rego.v1

import data.tollgate.k8s.pss.baseline.sysctls as policy

pod(sysctls) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"securityContext": {"sysctls": sysctls}, "containers": [{"name": "web"}]},
}

named(names) := [{"name": n, "value": "1"} | some n in names]

v1_0 := ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"]

v1_27 := ["net.ipv4.ip_local_reserved_ports"]

v1_29 := ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]

v1_32 := ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]

v1_37 := ["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"]

version(v) := {"k8s_version": v}

test_all_safe_pass_at_latest if {
	all := array.concat(array.concat(array.concat(array.concat(v1_0, v1_27), v1_29), v1_32), v1_37)
	count(policy.deny) == 0 with input as pod(named(all))
}

test_no_sysctls_pass if {
	count(policy.deny) == 0 with input as {"kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "web"}]}}
}

test_unsafe_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: sysctl \"kernel.msgmax\" is not in the safe set of policy version 1.37",
		"path": ["spec", "securityContext", "sysctls", 1, "name"],
	}} with input as pod(named(["kernel.shm_rmid_forced", "kernel.msgmax"]))
}

test_missing_name_points_at_entry if {
	deny := policy.deny with input as pod([{"value": "1"}])
	some r in deny
	r.path == ["spec", "securityContext", "sysctls", 0]
}

test_version_1_26 if {
	count(policy.deny) == 0 with input as pod(named(v1_0)) with data.tollgate.options as version("1.26")
	count(policy.deny) == 1 with input as pod(named(v1_27)) with data.tollgate.options as version("1.26")
}

test_version_1_27_and_1_28 if {
	count(policy.deny) == 0 with input as pod(named(v1_27)) with data.tollgate.options as version("1.27")
	count(policy.deny) == 4 with input as pod(named(v1_29)) with data.tollgate.options as version("1.28")
}

test_version_1_29_and_1_31 if {
	count(policy.deny) == 0 with input as pod(named(v1_29)) with data.tollgate.options as version("1.29")
	count(policy.deny) == 2 with input as pod(named(v1_32)) with data.tollgate.options as version("1.31")
}

test_version_1_32_and_1_36 if {
	count(policy.deny) == 0 with input as pod(named(v1_32)) with data.tollgate.options as version("1.32")
	count(policy.deny) == 2 with input as pod(named(v1_37)) with data.tollgate.options as version("1.36")
}

test_version_1_37 if {
	count(policy.deny) == 0 with input as pod(named(v1_37)) with data.tollgate.options as version("1.37")
}

test_cronjob_path if {
	deny := policy.deny with input as {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"securityContext": {"sysctls": [{"name": "vm.swappiness", "value": "10"}]},
			"containers": [{"name": "web"}],
		}}}}},
	}
	deny == {{
		"msg": "CronJob nightly: sysctl \"vm.swappiness\" is not in the safe set of policy version 1.37",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "securityContext", "sysctls", 0, "name"],
	}}
}
