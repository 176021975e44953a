package tollgate.k8s.pss.baseline.selinux_test

import rego.v1

import data.tollgate.k8s.pss.baseline.selinux as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

replicaset(spec) := {
	"apiVersion": "apps/v1",
	"kind": "ReplicaSet",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"spec": spec}},
}

se(opts) := {"seLinuxOptions": opts}

test_allowed_types_pass if {
	count(policy.deny) == 0 with input as pod({
		"securityContext": se({"type": "container_t", "level": "s0:c1,c2"}),
		"containers": [
			{"name": "a", "securityContext": se({"type": "container_init_t"})},
			{"name": "b", "securityContext": se({"type": "container_kvm_t"})},
			{"name": "c", "securityContext": se({"type": "container_engine_t"})},
			{"name": "d", "securityContext": se({"type": "", "user": "", "role": null})},
			{"name": "e", "securityContext": se({"level": "s0"})},
			{"name": "f", "securityContext": se(null)},
			{"name": "g", "securityContext": se({"type": null})},
		],
	})
}

test_container_engine_t_needs_1_31 if {
	deny := policy.deny with input as pod({"containers": [{"name": "c", "securityContext": se({"type": "container_engine_t"})}]})
		with data.tollgate.options as {"k8s_version": "1.30"}
	deny == {{
		"msg": "Pod shop/web: container \"c\" must not set securityContext.seLinuxOptions.type to \"container_engine_t\"",
		"path": ["spec", "containers", 0, "securityContext", "seLinuxOptions", "type"],
	}}
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "c", "securityContext": se({"type": "container_engine_t"})}]})
		with data.tollgate.options as {"k8s_version": "1.31"}
}

test_pod_level_type_user_role_fail if {
	deny := policy.deny with input as pod({
		"securityContext": se({"type": "spc_t", "user": "system_u", "role": "system_r"}),
		"containers": [{"name": "web"}],
	})
	count(deny) == 3
	some t in deny
	t.path == ["spec", "securityContext", "seLinuxOptions", "type"]
	t.msg == "Pod shop/web: the pod must not set securityContext.seLinuxOptions.type to \"spc_t\""
	some u in deny
	u.path == ["spec", "securityContext", "seLinuxOptions", "user"]
	u.msg == "Pod shop/web: the pod must not set securityContext.seLinuxOptions.user"
	some r in deny
	r.path == ["spec", "securityContext", "seLinuxOptions", "role"]
}

test_init_and_ephemeral_fail if {
	deny := policy.deny with input as replicaset({
		"containers": [{"name": "web"}],
		"initContainers": [{"name": "init", "securityContext": se({"user": "unconfined_u"})}],
		"ephemeralContainers": [{"name": "dbg", "securityContext": se({"type": "unconfined_t"})}],
	})
	count(deny) == 2
	some r in deny
	r.path == ["spec", "template", "spec", "initContainers", 0, "securityContext", "seLinuxOptions", "user"]
	r.msg == "ReplicaSet shop/web: init container \"init\" must not set securityContext.seLinuxOptions.user"
	some e in deny
	e.path == ["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "seLinuxOptions", "type"]
}
