# METADATA
# title: Denied license
# description: >-
#   A package's concluded or declared license must not require a denied license. License
#   expressions are read as SPDX expressions: tollgate gives every package the choices
#   its license offers (the minimal sets of licenses, any one of which satisfies it), and
#   a license field is denied only when every choice holds a denied license. So
#   `MIT OR GPL-3.0-only` passes when GPL-3.0-only is denied (MIT can be chosen), and
#   `GPL-3.0-only AND MIT` fails. Deny-list entries match license ids case-insensitively,
#   with or without a `+` and whatever WITH exception follows; an entry with WITH (such
#   as `GPL-2.0-only WITH Classpath-exception-2.0`) matches only that combination.
#   Deprecated GNU ids are read as their -only/-or-later forms (GPL-2.0 is GPL-2.0-only).
#   The deny list is data.tollgate.sbom.denied_licenses (default AGPL-3.0-only,
#   AGPL-3.0-or-later, SSPL-1.0).
# custom:
#   id: sbom.license-denied
#   severity: deny
#   input: sbom
#   remediation: Replace the package, pick a license the expression offers that is allowed, or get a legal exception.
#   reference: https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/
#   example_pass: |
#     {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
#      "components": [{"type": "library", "name": "dual", "version": "1.0",
#        "licenses": [{"expression": "MIT OR AGPL-3.0-only"}]}]}
#   example_fail: |
#     {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
#      "components": [{"type": "library", "name": "server", "version": "1.0",
#        "licenses": [{"expression": "AGPL-3.0-only AND MIT"}]}]}
package tollgate.sbom.license_denied

import rego.v1

import data.tollgate.lib.sbom

denied_licenses := data.tollgate.sbom.denied_licenses if {
	data.tollgate.sbom.denied_licenses
} else := ["AGPL-3.0-only", "AGPL-3.0-or-later", "SSPL-1.0"]

denied := {lower(trim_space(l)) | some l in denied_licenses}

# Each distinct license field of the document once: SBOMs repeat a few licenses across
# thousands of packages (sbom.license_groups groups the packages by their licenses).
fields := {license |
	some group in sbom.license_groups
	some license in [group.licenses.concluded, group.licenses.declared]
	count(license.choices) > 0
}

# The denied licenses of each field (by expression) for which every choice is denied.
denied_fields := {license.expression: hits |
	some license in fields
	every choice in license.choices {
		some term in choice
		term_denied(term)
	}
	hits := {name(term) | some choice in license.choices; some term in choice; term_denied(term)}
}

deny contains result if {
	sbom.normalized
	count(denied) > 0
	count(denied_fields) > 0
	some group in sbom.license_groups
	some field in ["concluded", "declared"]
	license := group.licenses[field]
	hits := denied_fields[license.expression]
	some i in group.packages
	pkg := input.packages[i]
	result := {
		"msg": sprintf("%s: %s license %q requires denied %s", [sbom.label(pkg), field, license.expression, concat(", ", sort(hits))]),
		"path": ["packages", i, "licenses", field],
	}
}

name(term) := sprintf("%s WITH %s", [term.license, term.exception]) if term.exception

else := term.license

term_denied(term) if lower(term.license) in denied

term_denied(term) if {
	endswith(term.license, "+")
	lower(trim_suffix(term.license, "+")) in denied
}

term_denied(term) if {
	term.exception
	lower(name(term)) in denied
}
