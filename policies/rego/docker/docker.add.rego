# METADATA
# title: ADD where COPY would do
# description: >-
#   ADD fetches URLs and unpacks local tar archives; for plain local files and directories
#   it does what COPY does, with surprises, so COPY should be used. Each source of an ADD
#   (every value but the last, the destination) is reported unless it is a URL (http://,
#   https://, ftp://), a git repository (git@..., ...git), a local tar archive ADD unpacks
#   (.tar, .tar.gz, .tgz, .tar.bz2, .tbz, .tbz2, .tar.xz, .txz, .tar.zst, .tzst) or a
#   variable whose value is not known ($SRC).
# custom:
#   id: docker.add
#   severity: warn
#   input: dockerfile
#   remediation: Use COPY for local files and directories; keep ADD for URLs and tar archives that should be unpacked.
#   reference: https://docs.docker.com/build/building/best-practices/#add-or-copy
#   example_pass: |
#     FROM alpine:3.20
#     ADD rootfs.tar.gz /
#     COPY app.py /app/
#   example_fail: |
#     FROM alpine:3.20
#     ADD app.py /app/
package tollgate.docker.add

import rego.v1

legitimate(src) if regex.match(`(?i)^(https?|ftp)://`, src)

legitimate(src) if regex.match(`^git@`, src)

legitimate(src) if regex.match(`(?i)\.git(#.*)?$`, src)

legitimate(src) if regex.match(`(?i)\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst)$`, src)

legitimate(src) if startswith(src, "$")

warn contains result if {
	some i, x in input
	x.Cmd == "add"
	some k in numbers.range(0, count(x.Value) - 2)
	k < count(x.Value) - 1
	src := x.Value[k]
	not legitimate(src)
	result := {
		"msg": sprintf("ADD %s copies a local file: use COPY", [src]),
		"path": [i, "Value", k],
	}
}
