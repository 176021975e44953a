package tollgate.k8s.workload.service_account_token_test

import rego.v1

import data.tollgate.k8s.workload.service_account_token as policy

deployment(pod_spec) := {
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"spec": pod_spec}},
}

test_false_passes if {
	count(policy.warn) == 0 with input as deployment({"automountServiceAccountToken": false, "containers": []})
}

test_explicit_true_with_dedicated_account_passes if {
	count(policy.warn) == 0 with input as deployment({"automountServiceAccountToken": true, "serviceAccountName": "operator"})
	count(policy.warn) == 0 with input as deployment({"automountServiceAccountToken": true, "serviceAccount": "operator"})
}

test_unset_warns_at_pod_spec if {
	policy.warn == {{
		"msg": "Deployment shop/web mounts a service account token by default; set automountServiceAccountToken: false",
		"path": ["spec", "template", "spec"],
	}} with input as deployment({"containers": []})
}

test_unset_with_dedicated_account_warns if {
	count(policy.warn) == 1 with input as deployment({"serviceAccountName": "operator"})
}

test_true_under_default_account_warns_at_field if {
	policy.warn == {{
		"msg": "Deployment shop/web sets automountServiceAccountToken: true under the default service account; use a dedicated serviceAccountName or set it to false",
		"path": ["spec", "template", "spec", "automountServiceAccountToken"],
	}} with input as deployment({"automountServiceAccountToken": true})
}

test_true_with_explicit_default_account_warns if {
	count(policy.warn) == 1 with input as deployment({"automountServiceAccountToken": true, "serviceAccountName": "default"})
}

test_cronjob_path if {
	policy.warn == {{
		"msg": "CronJob ops/backup mounts a service account token by default; set automountServiceAccountToken: false",
		"path": ["spec", "jobTemplate", "spec", "template", "spec"],
	}} with input as {
		"kind": "CronJob",
		"metadata": {"name": "backup", "namespace": "ops"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}},
	}
}

test_pod_path if {
	policy.warn == {{
		"msg": "Pod p sets automountServiceAccountToken: true under the default service account; use a dedicated serviceAccountName or set it to false",
		"path": ["spec", "automountServiceAccountToken"],
	}} with input as {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"automountServiceAccountToken": true}}
}

test_non_workload_ignored if {
	count(policy.warn) == 0 with input as {"kind": "ServiceAccount", "metadata": {"name": "operator"}}
}
