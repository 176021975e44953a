# METADATA
# title: Unknown license
# description: >-
#   Every package should state a license: a declared or concluded license that is an
#   SPDX expression, a license name, or NONE. A package whose licenses are all missing,
#   NOASSERTION or invalid cannot be checked against the license deny list.
# custom:
#   id: sbom.license-unknown
#   severity: warn
#   input: sbom
#   remediation: Record the package's license (SPDX licenseDeclared/licenseConcluded, CycloneDX licenses).
#   reference: https://spdx.github.io/spdx-spec/v2.3/package-information/#715-declared-license-field
#   example_pass: |
#     {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
#      "components": [{"type": "library", "name": "lib", "version": "1.0",
#        "licenses": [{"license": {"id": "Apache-2.0"}}]}]}
#   example_fail: |
#     {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
#      "components": [{"type": "library", "name": "lib", "version": "1.0"}]}
package tollgate.sbom.license_unknown

import rego.v1

import data.tollgate.lib.sbom

known_kinds := {"expression", "name", "NONE"}

# Judged once per group of packages with identical licenses (sbom.license_groups).
warn contains result if {
	sbom.normalized
	some group in sbom.license_groups
	not group.licenses.declared.kind in known_kinds
	not group.licenses.concluded.kind in known_kinds
	some i in group.packages
	pkg := input.packages[i]
	result := {
		"msg": sprintf("%s has no known license (declared: %s, concluded: %s)", [sbom.label(pkg), state(pkg.licenses.declared), state(pkg.licenses.concluded)]),
		"path": ["packages", i, "licenses"],
	}
}

state(license) := "missing" if license == null

else := sprintf("invalid %q", [license.expression]) if license.kind == "invalid"

else := license.kind
