package tollgate.sbom.ntia_minimum_test

import rego.v1

import data.tollgate.sbom.ntia_minimum as policy

complete := {
	"id": "pkg-a", "type": "library", "name": "a", "group": null, "version": "1.0.0",
	"supplier": "Acme", "purl": "pkg:npm/a@1.0.0", "purl_base": "pkg:npm/a", "cpes": [],
	"hashes": {}, "licenses": {"declared": null, "concluded": null},
}

doc(format, packages, relationships) := {
	"format": format, "spec_version": "1.5", "name": "app", "identifier": null,
	"created": "2024-05-01T10:00:00Z", "authors": ["Build Team"], "tools": [],
	"describes": ["pkg-a"], "packages": packages, "relationships": relationships,
}

messages(inp) := {r.msg | some r in policy.deny with input as inp}

paths(inp) := {r.path | some r in policy.deny with input as inp}

test_complete_sbom_passes if {
	b := object.union(complete, {"id": "pkg-b", "name": "b", "purl": "pkg:npm/b@2.0.0"})
	inp := doc("cyclonedx", [complete, b], [{"from": "pkg-a", "type": "DEPENDS_ON", "to": "pkg-b"}])
	paths(inp) == set()
}

test_document_author_and_timestamp if {
	no_author := object.union(doc("spdx", [complete], []), {"authors": []})
	paths(no_author) == {["authors"]}
	with_tool := object.union(no_author, {"tools": ["syft 1.0"]})
	paths(with_tool) == set()
	paths(object.union(doc("spdx", [complete], []), {"created": null})) == {["created"]}
	paths(object.union(doc("spdx", [complete], []), {"created": "  "})) == {["created"]}
}

test_every_missing_element_is_named_in_one_finding if {
	bare := {
		"id": "tollgate:components/0", "type": "library", "name": "lib", "group": null,
		"version": null, "supplier": null, "purl": null, "purl_base": null, "cpes": [],
		"hashes": {}, "licenses": {"declared": null, "concluded": null},
	}
	messages(doc("cyclonedx", [complete, bare], [])) == {`package "lib" (tollgate:components/0) lacks NTIA minimum elements: supplier, version, unique identifier, dependency relationship`}
	paths(doc("cyclonedx", [complete, bare], [])) == {["packages", 1]}
}

test_missing_name_is_reported_by_id if {
	nameless := object.union(complete, {"name": null})
	messages(doc("cyclonedx", [nameless], [])) == {`package "pkg-a" 1.0.0 (pkg:npm/a@1.0.0) lacks NTIA minimum elements: name`}
}

test_unique_identifier_from_cpe_or_spdxid if {
	cpe_only := object.union(complete, {"purl": null, "cpes": ["cpe:2.3:a:acme:a:1.0.0:*:*:*:*:*:*:*"]})
	paths(doc("cyclonedx", [cpe_only], [])) == set()
	id_only := object.union(complete, {"purl": null})
	paths(doc("spdx", [id_only], [])) == set()
	paths(doc("cyclonedx", [id_only], [])) == {["packages", 0]}
}

test_dependency_relationship_either_side if {
	b := object.union(complete, {"id": "pkg-b", "name": "b"})
	c := object.union(complete, {"id": "pkg-c", "name": "c"})
	inp := doc("spdx", [complete, b, c], [{"from": "pkg-b", "type": "DEPENDENCY_OF", "to": "pkg-a"}])
	paths(inp) == {["packages", 2]}
}

test_raw_documents_are_not_judged if {
	paths({"spdxVersion": "SPDX-2.3", "packages": [{"name": "a"}]}) == set()
}

no_missing := {"supplier": [], "name": [], "version": [], "identifier": []}

test_the_index_names_the_packages_visited if {
	bare := object.union(complete, {"id": "pkg-b", "supplier": null})
	inp := object.union(
		doc("cyclonedx", [complete, bare], [{"from": "pkg-a", "type": "DEPENDS_ON", "to": "pkg-b"}]),
		{"index": {"missing": object.union(no_missing, {"supplier": [1]}), "unrelated": []}},
	)
	paths(inp) == {["packages", 1]}
	unrelated := object.union(inp, {"index": {"missing": no_missing, "unrelated": [1]}})
	paths(unrelated) == {["packages", 1]}
	not_listed := object.union(inp, {"index": {"missing": no_missing, "unrelated": []}})
	paths(not_listed) == set()
}
