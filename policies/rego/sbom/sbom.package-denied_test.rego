package tollgate.sbom.package_denied_test

import rego.v1

import data.tollgate.lib.sbom
import data.tollgate.sbom.package_denied as policy

pkg(version, purl, purl_base) := {
	"id": "c1", "type": "library", "name": "log4j-core", "group": "org.apache.logging.log4j",
	"version": version, "supplier": null, "purl": purl, "purl_base": purl_base, "cpes": [],
	"hashes": {}, "licenses": {"declared": null, "concluded": null},
}

log4j(version) := pkg(version, sprintf("pkg:maven/org.apache.logging.log4j/log4j-core@%s?type=jar", [version]), "pkg:maven/org.apache.logging.log4j/log4j-core")

log4shell := {"purl": "pkg:maven/org.apache.logging.log4j/log4j-core", "versions": ">=2.0.0, <2.17.1", "reason": "Log4Shell (CVE-2021-44228)"}

hits(packages, list) := {r.path[1] | some r in policy.deny with input as {"format": "cyclonedx", "packages": packages} with data.tollgate.sbom.denied_packages as list}

test_empty_by_default if {
	res := policy.deny with input as {"format": "cyclonedx", "packages": [log4j("2.14.1")]}
	res == set()
}

test_version_range if {
	res := policy.deny with input as {"format": "cyclonedx", "packages": [log4j("2.14.1"), log4j("2.17.1"), log4j("1.2.17")]}
		with data.tollgate.sbom.denied_packages as [log4shell]
	res == {{
		"msg": `package "org.apache.logging.log4j/log4j-core" 2.14.1 (pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar) is denied by pkg:maven/org.apache.logging.log4j/log4j-core >=2.0.0, <2.17.1: Log4Shell (CVE-2021-44228)`,
		"path": ["packages", 0, "purl"],
	}}
}

test_patterns_globs_and_exact_versions if {
	npm := pkg("3.3.6", "pkg:npm/event-stream@3.3.6", "pkg:npm/event-stream")
	scoped := pkg("1.0.0", "pkg:npm/%40evil/thing@1.0.0", "pkg:npm/%40evil/thing")
	hits([npm, scoped], ["pkg:npm/event-stream@3.3.6"]) == {0}
	hits([npm], ["pkg:npm/event-stream@3.3.5"]) == set()
	hits([npm, scoped], ["pkg:npm/@evil/*"]) == {1}
	hits([npm, scoped], ["PKG:NPM/EVENT-STREAM"]) == {0}
	hits([npm], [{"purl": "pkg:npm/event-stream@3.3.6", "versions": ">=3"}]) == {0}
	hits([npm], [{"purl": "pkg:npm/event-*", "versions": "*"}]) == {0}
	res := policy.deny with input as {"format": "cyclonedx", "packages": [npm]} with data.tollgate.sbom.denied_packages as ["pkg:npm/event-stream"]
	[r.msg | some r in res] == [`package "org.apache.logging.log4j/log4j-core" 3.3.6 (pkg:npm/event-stream@3.3.6) is denied by pkg:npm/event-stream`]
}

test_version_from_purl_and_packages_without_version_or_purl if {
	no_version := pkg(null, "pkg:npm/left-pad@1.0.0", "pkg:npm/left-pad")
	hits([no_version], [{"purl": "pkg:npm/left-pad", "versions": "<1.1"}]) == {0}
	unversioned := pkg(null, "pkg:npm/left-pad", "pkg:npm/left-pad")
	hits([unversioned], [{"purl": "pkg:npm/left-pad", "versions": "<1.1"}]) == set()
	hits([unversioned], ["pkg:npm/left-pad"]) == {0}
	hits([pkg("1.0", null, null)], ["*"]) == set()
}

test_comparators if {
	every c in [">=2.0", "<=2.0.0", "=2", "==2.0.0", "!=2.1", ">1.9", "<2.0.1", "2.0.0", ">=1, <3,"] {
		sbom.in_range("2.0.0", c)
	}
	every c in [">2", "<2", "!=2.0.0", "=2.0.1", ">=2.0.1, <3"] {
		not sbom.in_range("2.0.0", c)
	}
	sbom.in_range("anything", "")
}

test_version_comparison if {
	sbom.compare_versions("1.2.3", "1.10.0") == -1
	sbom.compare_versions("v1.8.0", "1.8.0") == 0
	sbom.compare_versions("1.10", "1.9") == 1
	sbom.compare_versions("1.0", "1.0.0") == 0
	sbom.compare_versions("2.0", "10") == -1
	sbom.compare_versions("1.0-beta", "1.0-alpha") == 1
	sbom.compare_versions("2.14.1.Final", "2.14.1") == 1
}

test_purl_versions if {
	sbom.purl_version("pkg:npm/%40scope/name@1.2.3?arch=x#sub/path") == "1.2.3"
	not sbom.purl_version("pkg:npm/name")
	sbom.split_pattern("pkg:npm/@evil/thing@1.0") == ["pkg:npm/@evil/thing", "1.0"]
	sbom.split_pattern("no-slash@1") == ["no-slash@1", ""]
}

test_purl_bases_come_from_the_index if {
	inp := {"format": "cyclonedx", "packages": [log4j("2.14.1"), log4j("2.14.1")], "index": {"purl_bases": {"pkg:maven/org.apache.logging.log4j/log4j-core": [1]}}}
	{r.path[1] | some r in policy.deny with input as inp with data.tollgate.sbom.denied_packages as [log4shell]} == {1}
	{r.path[1] | some r in policy.deny with input as inp with data.tollgate.sbom.denied_packages as ["pkg:maven/org.apache.logging.log4j/log4j-*"]} == {1}
}

test_each_version_is_compared_once_for_many_packages if {
	packages := [log4j(v) | some v in ["2.14.1", "2.14.1", "2.17.1", "2.0", "2.0.0-rc1"]]
	hits(packages, [log4shell]) == {0, 1, 3}
}

glob_entry(pattern) := {"purl": pattern, "prefix": prefix, "prefix_only": policy.prefix_only(pattern, prefix)} if {
	prefix := substring(pattern, 0, indexof(pattern, "*"))
}

test_plain_prefix_patterns_match_as_glob_match_does if {
	cases := [
		["pkg:npm/@evil/*", "pkg:npm/@evil/thing"],
		["pkg:npm/@evil/*", "pkg:npm/@evil/thing.js"],
		["pkg:maven/org.example/*", "pkg:maven/org.example/lib"],
		["pkg:maven/org.*", "pkg:maven/org.example/lib"],
		["pkg:npm/a*", "pkg:npm/abc/def"],
		["pkg:npm/{a,b}*", "pkg:npm/a"],
		["pkg:npm/a*", "pkg:npm/b"],
	]
	fast := {c | some c in cases; policy.glob_matches(glob_entry(c[0]), c[1])}
	slow := {c | some c in cases; sbom.purl_matches(c[0], c[1])}
	fast == slow
	count(fast) == 5
	not policy.prefix_only("pkg:npm/{a,b}*", "pkg:npm/{a,b}")
}
