package tollgate.sbom.license_unknown_test

import rego.v1

import data.tollgate.sbom.license_unknown as policy

pkg(declared, concluded) := {
	"id": "c1", "type": "library", "name": "lib", "group": "org.example", "version": "2.0",
	"supplier": null, "purl": "pkg:maven/org.example/lib@2.0", "purl_base": "pkg:maven/org.example/lib",
	"cpes": [], "hashes": {}, "licenses": {"declared": declared, "concluded": concluded},
}

l(kind) := {"expression": kind, "kind": kind, "choices": []}

warnings(p) := {r.msg | some r in policy.warn with input as {"format": "cyclonedx", "packages": [p]}}

test_known_licenses_pass if {
	mit := {"expression": "MIT", "kind": "expression", "choices": [[{"license": "MIT"}]]}
	warnings(pkg(mit, null)) == set()
	warnings(pkg(l("NOASSERTION"), mit)) == set()
	warnings(pkg(l("NONE"), null)) == set()
	named := {"expression": "Apache License 2.0", "kind": "name", "choices": [[{"license": "Apache License 2.0"}]]}
	warnings(pkg(null, named)) == set()
}

test_missing_and_noassertion_warn if {
	res := policy.warn with input as {"format": "cyclonedx", "packages": [pkg(null, l("NOASSERTION"))]}
	res == {{
		"msg": `package "org.example/lib" 2.0 (pkg:maven/org.example/lib@2.0) has no known license (declared: missing, concluded: NOASSERTION)`,
		"path": ["packages", 0, "licenses"],
	}}
}

test_invalid_expressions_count_as_unknown if {
	bad := {"expression": "MIT OR", "kind": "invalid", "choices": []}
	warnings(pkg(bad, null)) == {`package "org.example/lib" 2.0 (pkg:maven/org.example/lib@2.0) has no known license (declared: invalid "MIT OR", concluded: missing)`}
}

test_license_groups_come_from_the_index if {
	unknown := pkg(null, l("NOASSERTION"))
	inp := {"format": "cyclonedx", "packages": [unknown, unknown], "index": {"licenses": [{"licenses": unknown.licenses, "packages": [1]}]}}
	{r.path | some r in policy.warn with input as inp} == {["packages", 1, "licenses"]}
}
