# METADATA
# title: Denied package
# description: >-
#   No package may match the deny list data.tollgate.sbom.denied_packages (empty by
#   default). Each entry is a package URL pattern, or an object {purl, versions, reason}.
#   The pattern is matched against the package URL without version, qualifiers and
#   subpath, case-insensitively, `*` matching anything (`pkg:npm/@evil/*`); a pattern with
#   `@version` matches that version only. `versions` is a range of comparators separated
#   by commas, all of which must hold (`>=2.0.0, <2.17.1`; >=, <=, >, <, =, !=); semantic
#   versions compare by semver, others part by part (1.10 after 1.9). The package version
#   is its version field, else its package URL's version; a package without a version
#   matches only entries without a range. Example data:
#   {"tollgate": {"sbom": {"denied_packages": ["pkg:npm/event-stream@3.3.6",
#   {"purl": "pkg:maven/org.apache.logging.log4j/log4j-core", "versions": ">=2.0.0, <2.17.1",
#   "reason": "Log4Shell (CVE-2021-44228)"}]}}}
# custom:
#   id: sbom.package-denied
#   severity: deny
#   input: sbom
#   remediation: Upgrade or remove the package (see the reason of the deny-list entry).
#   reference: https://github.com/package-url/purl-spec
#   example_pass: |
#     {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
#      "components": [{"type": "library", "name": "log4j-core", "version": "2.17.1",
#        "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1"}]}
#   example_fail: |
#     {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
#      "components": [{"type": "library", "name": "log4j-core", "version": "2.14.1",
#        "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]}
package tollgate.sbom.package_denied

import rego.v1

import data.tollgate.lib.sbom

denied_packages := data.tollgate.sbom.denied_packages if {
	data.tollgate.sbom.denied_packages
} else := []

# Every entry as {purl, versions, reason}.
entries := [entry(e) | some e in denied_packages]

entry(e) := {"purl": pattern, "versions": exact_range(version), "reason": ""} if {
	is_string(e)
	[pattern, version] := sbom.split_pattern(e)
}

entry(e) := {
	"purl": pattern,
	"versions": concat(", ", [v | some v in [exact_range(version), object.get(e, "versions", "")]; v != ""]),
	"reason": object.get(e, "reason", ""),
} if {
	is_object(e)
	[pattern, version] := sbom.split_pattern(e.purl)
}

# `@1.2.3` in a pattern is the range `=1.2.3`.
exact_range("") := ""

exact_range(version) := sprintf("=%s", [version]) if version != ""

# Entries by their exact pattern, and those with wildcards.
exact_entries := {key: matching |
	some key in {sbom.canonical_purl(e.purl) | some e in entries; not wildcard(e.purl)}
	matching := [e | some e in entries; sbom.canonical_purl(e.purl) == key]
}

# Patterns with wildcards and the text before their first wildcard, a cheap first test.
globs := [object.union(e, {"prefix": prefix, "prefix_only": prefix_only(pattern, prefix)}) |
	some e in entries
	wildcard(e.purl)
	pattern := sbom.canonical_purl(e.purl)
	first := min([i | some c in ["*", "?", "["]; i := indexof(pattern, c); i >= 0])
	prefix := substring(pattern, 0, first)
]

wildcard(pattern) if regex.match(`[*?\[]`, pattern)

# Whether a pattern is plain text and one final `*`, which glob.match (with its default
# delimiter `.`) matches exactly where the text is followed by anything without a `.`:
# tested so, without compiling a glob for each package URL.
prefix_only(pattern, prefix) if {
	pattern == concat("", [prefix, "*"])
	not regex.match(`[{}\[\]\\\x00]`, prefix)
} else := false

glob_matches(e, key) if {
	e.prefix_only
	startswith(key, e.prefix)
	not contains(trim_prefix(key, e.prefix), ".")
	not contains(key, "\u0000")
}

glob_matches(e, key) if {
	not e.prefix_only
	sbom.purl_matches(e.purl, key)
}

# [position, entry] of each package whose package URL base an entry names, before
# versions: exact patterns are looked up in sbom.purl_index, wildcard patterns are matched
# against each distinct base once.
matches contains [i, e] if {
	some key, matching in exact_entries
	some i in sbom.purl_index[key]
	some e in matching
}

matches contains [i, e] if {
	some e in globs
	some key, positions in sbom.purl_index
	startswith(key, e.prefix)
	glob_matches(e, key)
	some i in positions
}

# The version of each matched package (sbom.version_of), worked out once.
versions[i] := sbom.version_of(input.packages[i]) if some [i, _] in matches

# [range, version] for each range of the entries and each version of their matching
# packages that it holds for: every distinct version is compared once, not once per
# package.
holding contains [range, version] if {
	some range in {e.versions | some [_, e] in matches; e.versions != ""}
	some version in {versions[i] | some [i, e] in matches; e.versions == range}
	sbom.in_range(version, range)
}

deny contains finding(i, pkg, e) if {
	sbom.normalized
	some [i, e] in matches
	version_matches(i, e.versions)
	pkg := input.packages[i]
}

finding(i, pkg, e) := {
	"msg": sprintf("%s is denied by %s%s%s", [sbom.label(pkg), e.purl, range_text(e.versions), reason_text(e.reason)]),
	"path": ["packages", i, "purl"],
}

version_matches(_, "") := true

version_matches(i, range) if {
	range != ""
	[range, versions[i]] in holding
}

range_text("") := ""

range_text(range) := sprintf(" %s", [range]) if range != ""

reason_text("") := ""

reason_text(reason) := sprintf(": %s", [reason]) if reason != ""
