package tollgate.k8s.workload.image_digest_test

import rego.v1

import data.tollgate.k8s.workload.image_digest as policy

digest := "sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"

pod(spec) := {"kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

test_digest_passes if {
	count(policy.warn) == 0 with input as pod({"containers": [{"name": "web", "image": concat("@", ["nginx", digest])}]})
}

test_tag_and_digest_with_registry_port_passes if {
	img := concat("@", ["registry.local:5000/web:1.2", digest])
	count(policy.warn) == 0 with input as pod({"containers": [{"name": "web", "image": img}]})
}

test_tag_only_warns if {
	policy.warn == {{
		"msg": "Pod shop/web: container \"web\" uses image \"nginx:1.27.3\" without an @sha256: digest",
		"path": ["spec", "containers", 0, "image"],
	}} with input as pod({"containers": [{"name": "web", "image": "nginx:1.27.3"}]})
}

test_truncated_digest_warns if {
	count(policy.warn) == 1 with input as pod({"containers": [{"name": "web", "image": "nginx@sha256:0d17b5"}]})
}

test_cronjob_init_container_warns if {
	policy.warn == {{
		"msg": "CronJob ops/backup: init container \"init\" uses image \"busybox:1.36\" without an @sha256: digest",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "image"],
	}} with input as {
		"kind": "CronJob",
		"metadata": {"name": "backup", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "init", "image": "busybox:1.36"}],
			"containers": [{"name": "backup", "image": concat("@", ["restic/restic", digest])}],
		}}}}},
	}
}
