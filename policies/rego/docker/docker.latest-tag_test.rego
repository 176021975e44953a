package tollgate.docker.latest_tag_test

import rego.v1

import data.tollgate.docker.latest_tag as policy

ins(cmd, value) := {"Cmd": cmd, "SubCmd": "", "JSON": false, "Flags": [], "Value": value, "Stage": 0}

from_platform(value) := object.union(ins("from", value), {"Flags": ["--platform=$BUILDPLATFORM"]})

paths(inp) := {r.path | some r in policy.deny with input as inp}

test_pinned_tags_digests_scratch_and_stage_names if {
	inp := [
		from_platform(["golang:1.22", "AS", "Build"]),
		ins("run", ["go build"]),
		ins("from", ["alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "AS", "certs"]),
		ins("from", ["registry.example.com:5000/team/app:1.2.3"]),
		ins("from", ["scratch"]),
		ins("copy", ["/app", "/app"]),
		ins("from", ["build"]),
		ins("from", ["node:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"]),
	]
	paths(inp) == set()
}

test_no_tag if {
	res := policy.deny with input as [ins("from", ["ubuntu"])]
	res == {{"msg": "FROM ubuntu has no tag, so it pulls latest", "path": [0, "Value", 0]}}
}

test_latest_in_builder_stage if {
	inp := [from_platform(["golang:latest", "AS", "build"]), ins("from", ["alpine:3.20"])]
	res := policy.deny with input as inp
	res == {{"msg": "FROM golang:latest uses the latest tag", "path": [0, "Value", 0]}}
}

test_registry_port_is_not_a_tag if {
	paths([ins("from", ["localhost:5000/app"])]) == {[0, "Value", 0]}
}

test_stage_name_used_before_it_is_defined if {
	inp := [ins("from", ["build"]), ins("from", ["golang:1.22", "AS", "build"])]
	paths(inp) == {[0, "Value", 0]}
}

test_arg_substitution if {
	inp := [
		ins("arg", ["BASE=\"node:22-alpine\"", "RUNTIME=nginx"]),
		ins("from", ["${BASE}", "AS", "build"]),
		ins("from", ["$RUNTIME"]),
	]
	res := policy.deny with input as inp
	res == {{"msg": "FROM $RUNTIME (nginx) has no tag, so it pulls latest", "path": [2, "Value", 0]}}
}

test_arg_in_tag_and_inline_default if {
	inp := [
		ins("arg", ["PY=3.12"]),
		ins("arg", ["DISTRO"]),
		ins("from", ["python:${PY}-slim"]),
		ins("from", ["debian:${DISTRO:-bookworm}"]),
	]
	paths(inp) == set()
}

test_arg_redefined_last_wins if {
	inp := [ins("arg", ["TAG=1.0"]), ins("arg", ["TAG=latest"]), ins("from", ["app:${TAG}"])]
	res := policy.deny with input as inp
	res == {{"msg": "FROM app:${TAG} (app:latest) uses the latest tag", "path": [2, "Value", 0]}}
}

test_arg_without_default if {
	inp := [ins("arg", ["BASE"]), ins("from", ["${BASE}"])]
	res := policy.deny with input as inp
	res == {{"msg": "FROM ${BASE} takes its image from a build argument without a default, so it cannot be shown to be pinned", "path": [1, "Value", 0]}}
}

test_arg_inside_stage_is_not_used_for_from if {
	inp := [ins("from", ["alpine:3.20"]), ins("arg", ["BASE=alpine:3.20"]), ins("from", ["$BASE"])]
	paths(inp) == {[2, "Value", 0]}
}
