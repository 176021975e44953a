package tollgate.k8s.set.service_selector_test

import rego.v1

import data.tollgate.k8s.set.service_selector as policy

deployment(ns, labels) := {
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": ns},
	"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": []}}},
}

service(ns, selector) := {"kind": "Service", "metadata": {"name": "web", "namespace": ns}, "spec": {"selector": selector}}

docs(objects) := [{"path": sprintf("file%d.yaml", [i]), "contents": o} | some i, o in objects]

test_matching_selector_passes if {
	count(policy.deny) == 0 with input as docs([
		deployment("shop", {"app": "web", "tier": "frontend"}),
		service("shop", {"app": "web"}),
	])
}

test_wrong_label_fails_at_selector if {
	policy.deny == {{
		"msg": "Service shop/web: selector app=frontend matches no pod template in namespace shop",
		"path": [1, "contents", "spec", "selector"],
	}} with input as docs([
		deployment("shop", {"app": "web"}),
		service("shop", {"app": "frontend"}),
	])
}

test_selector_must_be_subset if {
	policy.deny == {{
		"msg": "Service shop/web: selector app=web, version=v2 matches no pod template in namespace shop",
		"path": [0, "contents", "spec", "selector"],
	}} with input as docs([
		service("shop", {"app": "web", "version": "v2"}),
		deployment("shop", {"app": "web", "version": "v1"}),
	])
}

test_other_namespace_does_not_count if {
	policy.deny == {{
		"msg": "Service web: selector app=web matches no pod template in namespace default",
		"path": [2, "contents", "spec", "selector"],
	}} with input as docs([
		deployment("shop", {"app": "web"}),
		service("shop", {"app": "web"}),
		{"kind": "Service", "metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}}},
	])
}

test_missing_namespace_is_default if {
	count(policy.deny) == 0 with input as docs([
		{"kind": "Service", "metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}}},
		deployment("default", {"app": "web"}),
	])
}

test_pod_and_cronjob_templates_count if {
	count(policy.deny) == 0 with input as docs([
		{"kind": "Pod", "metadata": {"name": "p", "namespace": "ops", "labels": {"app": "p"}}, "spec": {}},
		{"kind": "CronJob", "metadata": {"name": "c", "namespace": "ops"}, "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "c"}}}}}}},
		service("ops", {"app": "p"}),
		service("ops", {"app": "c"}),
	])
}

test_exempt_services if {
	count(policy.deny) == 0 with input as docs([
		deployment("shop", {"app": "web"}),
		{"kind": "Service", "metadata": {"name": "manual", "namespace": "shop"}, "spec": {"ports": [{"port": 80}]}},
		{"kind": "Service", "metadata": {"name": "ext", "namespace": "shop"}, "spec": {"type": "ExternalName", "externalName": "db.example.com", "selector": {"app": "db"}}},
		{"kind": "Service", "metadata": {"name": "empty", "namespace": "shop"}, "spec": {"selector": {}}},
		{"path": "empty.yaml", "contents": null},
	])
}

test_no_workloads_in_run_skipped if {
	count(policy.deny) == 0 with input as docs([service("shop", {"app": "frontend"})])
}
