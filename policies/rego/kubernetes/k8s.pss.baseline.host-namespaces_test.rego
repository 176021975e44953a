package tollgate.k8s.pss.baseline.host_namespaces_test

import rego.v1

import data.tollgate.k8s.pss.baseline.host_namespaces as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

workload(kind, spec) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"spec": spec}},
}

test_unset_passes if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "web"}]})
}

test_false_passes if {
	count(policy.deny) == 0 with input as pod({"hostNetwork": false, "hostPID": false, "hostIPC": false, "containers": [{"name": "web"}]})
}

test_host_network_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: the pod must not set hostNetwork=true",
		"path": ["spec", "hostNetwork"],
	}} with input as pod({"hostNetwork": true, "containers": [{"name": "web"}]})
}

test_all_three_in_daemonset_fail if {
	deny := policy.deny with input as workload("DaemonSet", {"hostNetwork": true, "hostPID": true, "hostIPC": true, "containers": [{"name": "web"}]})
	count(deny) == 3
	some r in deny
	r.path == ["spec", "template", "spec", "hostPID"]
	r.msg == "DaemonSet shop/web: the pod must not set hostPID=true"
	some s in deny
	s.path == ["spec", "template", "spec", "hostIPC"]
}

test_every_template_kind if {
	every kind in ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"] {
		count(policy.deny) == 1 with input as workload(kind, {"hostIPC": true, "containers": [{"name": "web"}]})
	}
}

test_cronjob_fails if {
	deny := policy.deny with input as {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostNetwork": true, "containers": [{"name": "c"}]}}}}},
	}
	deny == {{"msg": "CronJob nightly: the pod must not set hostNetwork=true", "path": ["spec", "jobTemplate", "spec", "template", "spec", "hostNetwork"]}}
}
