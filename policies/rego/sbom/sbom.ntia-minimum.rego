# METADATA
# title: NTIA minimum elements
# description: >-
#   The SBOM must carry the NTIA minimum elements (The Minimum Elements For a Software
#   Bill of Materials, NTIA 2021): for the document, the author of the SBOM data (an SPDX
#   creator or CycloneDX metadata author or tool) and a timestamp; for every package,
#   its supplier (SPDX supplier other than NOASSERTION; CycloneDX supplier, publisher or
#   manufacturer), name, version, a unique identifier (a package URL or CPE; for SPDX
#   also its SPDXID) and a dependency relationship (the package is described by the
#   document or appears in a relationship: SPDX relationships, CycloneDX dependencies or
#   nesting). One finding names every element a package lacks.
# custom:
#   id: sbom.ntia-minimum
#   severity: deny
#   input: sbom
#   remediation: Configure the SBOM generator to record suppliers, versions, package URLs, dependencies, authors and a timestamp.
#   reference: https://www.ntia.gov/report/2021/minimum-elements-software-bill-materials-sbom
#   example_pass: |
#     {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
#      "metadata": {"timestamp": "2024-05-01T10:00:00Z", "authors": [{"name": "Build Team"}],
#        "component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1.0.0",
#          "supplier": {"name": "Acme"}, "purl": "pkg:generic/acme/app@1.0.0"}},
#      "components": [{"type": "library", "bom-ref": "lib", "name": "lib", "version": "2.1.0",
#        "supplier": {"name": "Lib Org"}, "purl": "pkg:npm/lib@2.1.0"}],
#      "dependencies": [{"ref": "app", "dependsOn": ["lib"]}]}
#   example_fail: |
#     {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
#      "components": [{"type": "library", "name": "lib"}]}
package tollgate.sbom.ntia_minimum

import rego.v1

import data.tollgate.lib.sbom

# Every id that takes part in a relationship or that the document describes.
related := {r.from | some r in input.relationships} | {r.to | some r in input.relationships} | {d | some d in input.describes}

deny contains result if {
	sbom.normalized
	count(input.authors) + count(input.tools) == 0
	result := {"msg": "the SBOM names no author of its data (SPDX creators, CycloneDX metadata.authors or tools)", "path": ["authors"]}
}

deny contains result if {
	sbom.normalized
	not sbom.present(input.created)
	result := {"msg": "the SBOM has no timestamp (SPDX creationInfo.created, CycloneDX metadata.timestamp)", "path": ["created"]}
}

deny contains result if {
	sbom.normalized
	some i in candidates
	pkg := input.packages[i]
	not complete(i, pkg)
	missing := [element | some element in elements; not has(i, pkg, element)]
	count(missing) > 0
	result := {
		"msg": sprintf("%s lacks NTIA minimum elements: %s", [sbom.label(pkg), concat(", ", missing)]),
		"path": ["packages", i],
	}
}

# The positions of the packages that may lack an element: those the index lists as
# missing a supplier, name, version or identifier, or in no relationship; every package
# when the input has no index.
candidates contains i if {
	is_object(input.index)
	some field in ["supplier", "name", "version", "identifier"]
	some i in input.index.missing[field]
}

candidates contains i if {
	is_object(input.index)
	some i in input.index.unrelated
}

candidates contains i if {
	not is_object(input.index)
	some i, _ in input.packages
}

# Every element at once: the cheap test most packages pass.
complete(i, pkg) if {
	is_string(pkg.supplier)
	is_string(pkg.name)
	is_string(pkg.version)
	identified(pkg)
	in_relationship(i, pkg)
}

# Whether the package at position i is in a relationship or described: not listed as
# unrelated by the index, or (without an index) its id is among the related ones.
in_relationship(i, _) if {
	is_object(input.index)
	not i in unrelated
}

in_relationship(_, pkg) if {
	not is_object(input.index)
	pkg.id in related
}

unrelated := {i | some i in input.index.unrelated}

identified(pkg) if is_string(pkg.purl)

identified(pkg) if count(pkg.cpes) > 0

identified(pkg) if {
	input.format == "spdx"
	is_string(pkg.id)
}

elements := ["supplier", "name", "version", "unique identifier", "dependency relationship"]

has(_, pkg, "supplier") if sbom.present(pkg.supplier)

has(_, pkg, "name") if sbom.present(pkg.name)

has(_, pkg, "version") if sbom.present(pkg.version)

has(_, pkg, "unique identifier") if sbom.present(pkg.purl)

has(_, pkg, "unique identifier") if count(pkg.cpes) > 0

has(_, pkg, "unique identifier") if {
	input.format == "spdx"
	sbom.present(pkg.id)
}

has(i, pkg, "dependency relationship") if in_relationship(i, pkg)
