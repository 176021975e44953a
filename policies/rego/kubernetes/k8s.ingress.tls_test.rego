package tollgate.k8s.ingress.tls_test

import rego.v1

import data.tollgate.k8s.ingress.tls as policy

ingress(spec) := {"kind": "Ingress", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

rules := [{"host": "shop.example.com"}]

test_tls_passes if {
	count(policy.warn) == 0 with input as ingress({"tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}], "rules": rules})
}

test_missing_tls_warns_at_spec if {
	policy.warn == {{
		"msg": "Ingress shop/web has no tls section; it serves plain HTTP",
		"path": ["spec"],
	}} with input as ingress({"rules": rules})
}

test_empty_tls_warns_at_tls if {
	policy.warn == {{
		"msg": "Ingress shop/web has no tls section; it serves plain HTTP",
		"path": ["spec", "tls"],
	}} with input as ingress({"tls": [], "rules": rules})
}

test_no_spec_warns_at_object if {
	policy.warn == {{
		"msg": "Ingress web has no tls section; it serves plain HTTP",
		"path": [],
	}} with input as {"kind": "Ingress", "metadata": {"name": "web"}}
}

test_other_kinds_ignored if {
	count(policy.warn) == 0 with input as {"kind": "Service", "metadata": {"name": "web"}, "spec": {}}
}
