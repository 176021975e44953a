package tollgate.k8s.pss.restricted.volume_types_test

import rego.v1

import data.tollgate.k8s.pss.restricted.volume_types as policy

pod(volumes) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"containers": [{"name": "web"}], "volumes": volumes},
}

test_allowed_types_pass if {
	count(policy.deny) == 0 with input as pod([
		{"name": "a", "configMap": {"name": "cfg"}},
		{"name": "b", "csi": {"driver": "x"}},
		{"name": "c", "downwardAPI": {"items": []}},
		{"name": "d", "emptyDir": {}},
		{"name": "e", "ephemeral": {"volumeClaimTemplate": {}}},
		{"name": "f", "image": {"reference": "registry.example.com/data:1"}},
		{"name": "g", "persistentVolumeClaim": {"claimName": "data"}},
		{"name": "h", "projected": {"sources": []}},
		{"name": "i", "secret": {"secretName": "s"}},
	])
}

test_volume_without_source_passes if {
	# The API server defaults a volume with no source to emptyDir.
	count(policy.deny) == 0 with input as pod([{"name": "scratch"}])
}

test_host_path_fails if {
	policy.deny == {{
		"msg": "Pod shop/web: volume \"root\" must not use the hostPath volume type",
		"path": ["spec", "volumes", 1, "hostPath"],
	}} with input as pod([{"name": "ok", "emptyDir": {}}, {"name": "root", "hostPath": {"path": "/"}}])
}

test_other_types_fail if {
	deny := policy.deny with input as pod([
		{"name": "n", "nfs": {"server": "x", "path": "/"}},
		{"name": "g", "gitRepo": {"repository": "https://example.com/r.git"}},
		{"name": "nil", "hostPath": null, "awsElasticBlockStore": {"volumeID": "vol-1"}},
	])
	count(deny) == 3
	some r in deny
	r.path == ["spec", "volumes", 2, "awsElasticBlockStore"]
}

test_cronjob_path if {
	deny := policy.deny with input as {
		"kind": "CronJob",
		"metadata": {"name": "nightly", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"containers": [{"name": "c"}],
			"volumes": [{"name": "share", "cephfs": {"monitors": ["m"]}}],
		}}}}},
	}
	deny == {{
		"msg": "CronJob ops/nightly: volume \"share\" must not use the cephfs volume type",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "volumes", 0, "cephfs"],
	}}
}
