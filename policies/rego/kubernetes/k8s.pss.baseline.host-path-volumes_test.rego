package tollgate.k8s.pss.baseline.host_path_volumes_test

import rego.v1

import data.tollgate.k8s.pss.baseline.host_path_volumes as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

test_other_volumes_pass if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "web"}], "volumes": [
		{"name": "cache", "emptyDir": {}},
		{"name": "cfg", "configMap": {"name": "cfg"}},
		{"name": "odd", "hostPath": null, "emptyDir": {}},
	]})
}

test_no_volumes_pass if {
	count(policy.deny) == 0 with input as pod({"containers": [{"name": "web"}]})
}

test_host_path_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: volume \"sock\" must not use hostPath",
		"path": ["spec", "volumes", 1, "hostPath"],
	}} with input as pod({"containers": [{"name": "web"}], "volumes": [
		{"name": "cache", "emptyDir": {}},
		{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}},
	]})
}

test_cronjob_path if {
	deny := policy.deny with input as {
		"kind": "CronJob",
		"metadata": {"name": "backup", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"containers": [{"name": "c"}],
			"volumes": [{"name": "root", "hostPath": {"path": "/"}}],
		}}}}},
	}
	some r in deny
	r.path == ["spec", "jobTemplate", "spec", "template", "spec", "volumes", 0, "hostPath"]
	r.msg == "CronJob ops/backup: volume \"root\" must not use hostPath"
}
