# METADATA
# title: SBOM helpers for the bundled policies
# description: >-
#   Over tollgate's normalised SBOM shape (the same for SPDX and CycloneDX; see
#   `tollgate sbom normalize`): how to name a package in messages, whether a value is
#   given, and version comparison and ranges for deny lists.
package tollgate.lib.sbom

import rego.v1

# The input is tollgate's normalised SBOM shape, not a raw SPDX or CycloneDX document
# (which `tollgate test` may pass before it routes SBOMs through the normaliser).
normalized if input.format in {"spdx", "cyclonedx"}

# A non-blank string.
present(x) if {
	is_string(x)
	trim_space(x) != ""
}

# A package for messages: `package "org.example/lib" 1.2.3 (pkg:maven/...)`. Findings
# name thousands of packages, so the tests are written out rather than calling present.
label(pkg) := sprintf("package %q%s%s", [full_name(pkg), version_suffix(pkg), id_suffix(pkg)])

full_name(pkg) := concat("/", [pkg.group, pkg.name]) if {
	is_string(pkg.group)
	trim_space(pkg.group) != ""
	is_string(pkg.name)
	trim_space(pkg.name) != ""
} else := pkg.name if {
	is_string(pkg.name)
	trim_space(pkg.name) != ""
} else := pkg.id

version_suffix(pkg) := concat(" ", ["", pkg.version]) if {
	is_string(pkg.version)
	trim_space(pkg.version) != ""
} else := ""

id_suffix(pkg) := concat("", [" (", pkg.purl, ")"]) if {
	is_string(pkg.purl)
	trim_space(pkg.purl) != ""
} else := sprintf(" (%s)", [pkg.id])

# The version of a package: its version field, else the version of its package URL.
version_of(pkg) := pkg.version if present(pkg.version)

else := purl_version(pkg.purl) if present(pkg.purl)

# `pkg:npm/%40scope/name@1.2.3?arch=x#sub` has version 1.2.3.
purl_version(purl) := split(name_part, "@")[1] if {
	bare := split(split(purl, "#")[0], "?")[0]
	slashes := indexof_n(bare, "/")
	name_part := substring(bare, max(slashes) + 1, -1)
	contains(name_part, "@")
}

# Where packages are. tollgate's normaliser precomputes `input.index` so that rules visit
# the packages they are about instead of every package; without it (a hand-written input)
# the same is computed here from `packages`.

# Positions of the packages by canonical package URL base (see canonical_purl).
purl_index := input.index.purl_bases if {
	is_object(input.index.purl_bases)
} else := {key: [i | some i, other in input.packages; is_string(other.purl_base); canonical_purl(other.purl_base) == key] |
	some pkg in input.packages
	is_string(pkg.purl_base)
	key := canonical_purl(pkg.purl_base)
}

# The packages grouped by identical `licenses`: [{licenses, packages: [positions]}].
license_groups := input.index.licenses if {
	is_array(input.index.licenses)
} else := [{"licenses": licenses, "packages": [i | some i, pkg in input.packages; object.get(pkg, "licenses", null) == licenses]} |
	some licenses in {object.get(pkg, "licenses", null) | some pkg in input.packages}
]

# A package URL pattern and its version, when it names one (`pkg:npm/lodash@4.17.20`).
split_pattern(pattern) := [base, version] if {
	slashes := indexof_n(pattern, "/")
	count(slashes) > 0
	last := max(slashes)
	tail := substring(pattern, last + 1, -1)
	at := indexof(tail, "@")
	at >= 0
	base := concat("", [substring(pattern, 0, last + 1), substring(tail, 0, at)])
	version := substring(tail, at + 1, -1)
} else := [pattern, ""]

# Package URLs compare case-insensitively, with `%40` and `@` alike (npm scopes).
canonical_purl(purl) := replace(lower(purl), "%40", "@")

# Whether a package URL without version matches a pattern (`*` matches anything).
purl_matches(pattern, base) if glob.match(canonical_purl(pattern), [], canonical_purl(base))

# -1, 0 or 1. Semantic versions (an optional leading v) compare by semver; anything else
# by its dotted parts, numbers numerically (1.10 > 1.9), missing parts as 0, and words
# after numbers.
compare_versions(a, b) := semver.compare(sa, sb) if {
	sa := trim_prefix(a, "v")
	sb := trim_prefix(b, "v")
	semver.is_valid(sa)
	semver.is_valid(sb)
} else := compare_parts(parts(a), parts(b))

parts(v) := [part(x) | some x in regex.split(`[.\-+_]`, trim_prefix(lower(v), "v"))]

part(x) := to_number(x) if regex.match(`^[0-9]+$`, x)

else := x

# Parts compared with the shorter padded with zeros (1.0 == 1.0.0).
compare_parts(pa, pb) := order(padded(pa, n), padded(pb, n)) if {
	n := max([count(pa), count(pb)])
}

order(x, y) := 0 if {
	x == y
} else := -1 if {
	x < y
} else := 1

padded(p, n) := array.concat(p, [0 | some i in numbers.range(0, n - 1); i >= count(p)])

# Whether `version` is in `range`: comparators (>=, <=, >, <, =, ==, !=; none means =)
# separated by commas, all of which must hold; `*` or an empty range holds for all.
in_range(_, range) if trim_space(range) in {"", "*"}

in_range(version, range) if {
	not trim_space(range) in {"", "*"}
	every constraint in [trim_space(c) | some c in split(range, ","); trim_space(c) != ""] {
		satisfies(version, constraint)
	}
}

operators := [">=", "<=", "!=", "==", ">", "<", "="]

operator(constraint) := ops[0] if {
	ops := [o | some o in operators; startswith(constraint, o)]
	count(ops) > 0
} else := "="

satisfies(version, constraint) if {
	op := operator(constraint)
	wanted := trim_space(trim_prefix(constraint, op))
	holds(op, compare_versions(version, wanted))
}

holds(">=", c) if c >= 0

holds("<=", c) if c <= 0

holds(">", c) if c > 0

holds("<", c) if c < 0

holds("=", c) if c == 0

holds("==", c) if c == 0

holds("!=", c) if c != 0
