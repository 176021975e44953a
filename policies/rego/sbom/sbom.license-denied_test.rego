package tollgate.sbom.license_denied_test

import rego.v1

import data.tollgate.sbom.license_denied as policy

# A license field as tollgate normalises it: choices are lists of terms.
lic(expression, choices) := {"expression": expression, "kind": "expression", "choices": [[term(t) | some t in c] | some c in choices]}

term(t) := {"license": split(t, " WITH ")[0], "exception": split(t, " WITH ")[1]} if contains(t, " WITH ")

else := {"license": t}

pkg(declared, concluded) := {
	"id": "SPDXRef-a", "type": null, "name": "a", "group": null, "version": "1.0",
	"supplier": null, "purl": null, "purl_base": null, "cpes": [], "hashes": {},
	"licenses": {"declared": declared, "concluded": concluded},
}

doc(packages) := {"format": "spdx", "packages": packages, "relationships": [], "describes": []}

paths(packages) := {r.path | some r in policy.deny with input as doc(packages)}

test_or_with_an_allowed_choice_passes if {
	paths([pkg(lic("MIT OR AGPL-3.0-only", [["AGPL-3.0-only"], ["MIT"]]), null)]) == set()
}

test_and_with_a_denied_license_fails if {
	p := pkg(null, lic("AGPL-3.0-only AND MIT", [["AGPL-3.0-only", "MIT"]]))
	res := policy.deny with input as doc([p])
	res == {{
		"msg": `package "a" 1.0 (SPDXRef-a): concluded license "AGPL-3.0-only AND MIT" requires denied AGPL-3.0-only`,
		"path": ["packages", 0, "licenses", "concluded"],
	}}
}

test_every_choice_denied_fails_and_names_each if {
	l := lic("AGPL-3.0-only OR SSPL-1.0", [["AGPL-3.0-only"], ["SSPL-1.0"]])
	res := policy.deny with input as doc([pkg(l, l)])
	{r.path | some r in res} == {["packages", 0, "licenses", "declared"], ["packages", 0, "licenses", "concluded"]}
	every r in res {
		endswith(r.msg, "requires denied AGPL-3.0-only, SSPL-1.0")
	}
}

test_configured_deny_list_is_case_insensitive if {
	gpl := pkg(lic("gpl-3.0-only", [["GPL-3.0-only"]]), null)
	paths([gpl]) == set()
	p := paths([gpl]) with data.tollgate.sbom.denied_licenses as ["GPL-3.0-ONLY"]
	p == {["packages", 0, "licenses", "declared"]}
	q := paths([pkg(lic("AGPL-3.0-only", [["AGPL-3.0-only"]]), null)]) with data.tollgate.sbom.denied_licenses as []
	q == set()
}

test_or_later_plus_and_exceptions if {
	plus := pkg(lic("Apache-2.0+", [["Apache-2.0+"]]), null)
	a := paths([plus]) with data.tollgate.sbom.denied_licenses as ["Apache-2.0"]
	a == {["packages", 0, "licenses", "declared"]}
	cp := pkg(lic("GPL-2.0-only WITH Classpath-exception-2.0", [["GPL-2.0-only WITH Classpath-exception-2.0"]]), null)
	b := paths([cp]) with data.tollgate.sbom.denied_licenses as ["GPL-2.0-only"]
	b == {["packages", 0, "licenses", "declared"]}
	c := paths([cp]) with data.tollgate.sbom.denied_licenses as ["GPL-2.0-only WITH Classpath-exception-2.0"]
	c == {["packages", 0, "licenses", "declared"]}
	plain := pkg(lic("GPL-2.0-only", [["GPL-2.0-only"]]), null)
	d := paths([plain]) with data.tollgate.sbom.denied_licenses as ["GPL-2.0-only WITH Classpath-exception-2.0"]
	d == set()
	res := policy.deny with input as doc([cp]) with data.tollgate.sbom.denied_licenses as ["GPL-2.0-only"]
	[r.msg | some r in res] == [`package "a" 1.0 (SPDXRef-a): declared license "GPL-2.0-only WITH Classpath-exception-2.0" requires denied GPL-2.0-only WITH Classpath-exception-2.0`]
}

test_missing_noassertion_and_invalid_are_not_denied if {
	noassertion := {"expression": "NOASSERTION", "kind": "NOASSERTION", "choices": []}
	invalid := {"expression": "AGPL-3.0-only AND", "kind": "invalid", "choices": []}
	paths([pkg(noassertion, invalid)]) == set()
}
