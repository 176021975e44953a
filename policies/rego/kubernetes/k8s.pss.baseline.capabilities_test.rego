package tollgate.k8s.pss.baseline.capabilities_test

import rego.v1

import data.tollgate.k8s.pss.baseline.capabilities as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

job(spec) := {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once"}, "spec": {"template": {"spec": spec}}}

adds(caps) := {"capabilities": {"add": caps}}

test_baseline_list_passes if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "web", "securityContext": adds([
		"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
		"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
	])}]})
}

test_drop_only_passes if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "web", "securityContext": {"capabilities": {"drop": ["ALL"]}}}]})
}

test_sys_admin_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: container \"web\" must not add capability SYS_ADMIN (securityContext.capabilities.add)",
		"path": ["spec", "containers", 0, "securityContext", "capabilities", "add", 1],
	}} with input as pod({"containers": [{"name": "web", "securityContext": adds(["CHOWN", "SYS_ADMIN"])}]})
}

test_net_raw_and_lowercase_fail if {
	# NET_RAW is not in the baseline list; matching is exact (case-sensitive), as in PSA.
	count(policy.deny) == 2 with input as pod({"containers": [{"name": "web", "securityContext": adds(["NET_RAW", "chown"])}]})
}

test_init_and_ephemeral_in_job_fail if {
	deny := policy.deny with input as job({
		"containers": [{"name": "main"}],
		"initContainers": [{"name": "init", "securityContext": adds(["NET_ADMIN"])}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": adds(["SYS_PTRACE"])}],
	})
	count(deny) == 2
	some r in deny
	r.path == ["spec", "template", "spec", "initContainers", 0, "securityContext", "capabilities", "add", 0]
	r.msg == "Job once: init container \"init\" must not add capability NET_ADMIN (securityContext.capabilities.add)"
	some e in deny
	e.path == ["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "capabilities", "add", 0]
}

test_windows_pod_still_checked if {
	count(policy.deny) == 1 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "web", "securityContext": adds(["SYS_ADMIN"])}]})
}
