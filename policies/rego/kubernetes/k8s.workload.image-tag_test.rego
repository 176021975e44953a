package tollgate.k8s.workload.image_tag_test

import rego.v1

import data.tollgate.k8s.workload.image_tag as policy

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

test_tagged_image_passes if {
	count(policy.deny) == 0 with input as deployment([{"name": "web", "image": "nginx:1.27.3"}])
}

test_registry_port_and_tag_passes if {
	count(policy.deny) == 0 with input as deployment([{"name": "web", "image": "registry.example.com:5000/shop/web:1.4.2"}])
}

test_digest_passes if {
	img := "nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"
	count(policy.deny) == 0 with input as deployment([{"name": "web", "image": img}])
}

test_latest_with_digest_passes if {
	img := "nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"
	count(policy.deny) == 0 with input as deployment([{"name": "web", "image": img}])
}

test_no_tag_fails if {
	policy.deny == {{
		"msg": "Deployment shop/web: container \"web\" uses image \"nginx\" without a tag (defaults to latest)",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
	}} with input as deployment([{"name": "web", "image": "nginx"}])
}

test_registry_port_without_tag_fails if {
	policy.deny == {{
		"msg": "Deployment shop/web: container \"web\" uses image \"localhost:5000/web\" without a tag (defaults to latest)",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
	}} with input as deployment([{"name": "web", "image": "localhost:5000/web"}])
}

test_latest_fails if {
	policy.deny == {{
		"msg": "Deployment shop/web: container \"side\" uses image \"ghcr.io/org/side:latest\" with the mutable tag latest",
		"path": ["spec", "template", "spec", "containers", 1, "image"],
	}} with input as deployment([
		{"name": "web", "image": "nginx:1.27"},
		{"name": "side", "image": "ghcr.io/org/side:latest"},
	])
}

test_empty_tag_fails if {
	count(policy.deny) == 1 with input as deployment([{"name": "web", "image": "nginx:"}])
}

test_cronjob_init_container_fails if {
	policy.deny == {{
		"msg": "CronJob ops/backup: init container \"init\" uses image \"busybox\" without a tag (defaults to latest)",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "image"],
	}} with input as {
		"kind": "CronJob",
		"metadata": {"name": "backup", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "init", "image": "busybox"}],
			"containers": [{"name": "backup", "image": "restic/restic:0.17.3"}],
		}}}}},
	}
}

test_pod_ephemeral_container_fails if {
	policy.deny == {{
		"msg": "Pod dbg: ephemeral container \"debugger\" uses image \"busybox:latest\" with the mutable tag latest",
		"path": ["spec", "ephemeralContainers", 0, "image"],
	}} with input as {
		"kind": "Pod",
		"metadata": {"name": "dbg"},
		"spec": {
			"containers": [{"name": "app", "image": "app:1"}],
			"ephemeralContainers": [{"name": "debugger", "image": "busybox:latest"}],
		},
	}
}

test_non_workload_ignored if {
	count(policy.deny) == 0 with input as {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"image": "nginx"}}
}
