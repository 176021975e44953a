package tollgate.k8s.workload.default_namespace_test

import rego.v1

import data.tollgate.k8s.workload.default_namespace as policy

test_dedicated_namespace_passes if {
	count(policy.warn) == 0 with input as {"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}}
}

test_missing_namespace_warns_at_metadata if {
	policy.warn == {{
		"msg": "ConfigMap settings has no metadata.namespace; it lands in the applying context's namespace, usually default",
		"path": ["metadata"],
	}} with input as {"kind": "ConfigMap", "metadata": {"name": "settings"}}
}

test_empty_namespace_warns_at_field if {
	policy.warn == {{
		"msg": "Service web has no metadata.namespace; it lands in the applying context's namespace, usually default",
		"path": ["metadata", "namespace"],
	}} with input as {"kind": "Service", "metadata": {"name": "web", "namespace": ""}}
}

test_default_namespace_warns_at_field if {
	policy.warn == {{
		"msg": "Role default/reader is in the default namespace",
		"path": ["metadata", "namespace"],
	}} with input as {"kind": "Role", "metadata": {"name": "reader", "namespace": "default"}}
}

test_custom_resource_is_namespaced if {
	count(policy.warn) == 1 with input as {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "tls"}}
}

test_cluster_scoped_kinds_exempt if {
	count(policy.warn) == 0 with input as {"kind": "Namespace", "metadata": {"name": "shop"}}
	count(policy.warn) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "reader"}}
	count(policy.warn) == 0 with input as {"kind": "ClusterRoleBinding", "metadata": {"name": "reader"}}
	count(policy.warn) == 0 with input as {"kind": "CustomResourceDefinition", "metadata": {"name": "widgets.example.com"}}
	count(policy.warn) == 0 with input as {"kind": "PersistentVolume", "metadata": {"name": "pv1"}}
	count(policy.warn) == 0 with input as {"kind": "StorageClass", "metadata": {"name": "fast"}}
	count(policy.warn) == 0 with input as {"kind": "ClusterIssuer", "metadata": {"name": "letsencrypt"}}
}
