package tollgate.docker.user_test

import rego.v1

import data.tollgate.docker.user as policy

ins(cmd, value) := {"Cmd": cmd, "SubCmd": "", "JSON": false, "Flags": [], "Value": value, "Stage": 0}

paths(inp) := {r.path | some r in policy.deny with input as inp}

test_non_root_final_stage_with_root_builder if {
	inp := [
		ins("comment", ["syntax=docker/dockerfile:1"]),
		ins("from", ["golang:1.22", "AS", "build"]),
		ins("user", ["root"]),
		ins("run", ["go build -o /app ."]),
		ins("from", ["gcr.io/distroless/static:nonroot"]),
		ins("copy", ["/app", "/app"]),
		ins("user", ["65532:65532"]),
	]
	paths(inp) == set()
}

test_no_user if {
	res := policy.deny with input as [ins("from", ["ubuntu:24.04"]), ins("cmd", ["bash"])]
	res == {{"msg": "the final stage (FROM ubuntu:24.04) sets no USER, so it runs as root", "path": [0]}}
}

test_non_root_builder_does_not_count_for_the_final_stage if {
	inp := [
		ins("from", ["golang:1.22", "AS", "build"]),
		ins("user", ["1000"]),
		ins("from", ["alpine:3.20"]),
		ins("copy", ["/app", "/app"]),
	]
	paths(inp) == {[2]}
}

test_last_user_wins if {
	inp := [ins("from", ["alpine:3.20"]), ins("user", ["app"]), ins("run", ["x"]), ins("user", ["root"])]
	res := policy.deny with input as inp
	res == {{"msg": "USER root is the last USER of the final stage, so it runs as root", "path": [3, "Value", 0]}}
	paths([ins("from", ["alpine:3.20"]), ins("user", ["root"]), ins("run", ["x"]), ins("user", ["app"])]) == set()
}

test_root_spellings if {
	every u in ["root", "0", "root:root", "0:0", "root:staff", " 0 "] {
		paths([ins("from", ["alpine:3.20"]), ins("user", [u])]) == {[1, "Value", 0]}
	}
}

test_root_group_only_is_fine if {
	paths([ins("from", ["alpine:3.20"]), ins("user", ["1000:0"])]) == set()
}

test_user_inherited_from_earlier_stage if {
	inp := [
		ins("from", ["alpine:3.20", "AS", "base"]),
		ins("user", ["app"]),
		ins("from", ["base", "as", "final"]),
		ins("copy", ["a", "/a"]),
	]
	paths(inp) == set()
}

test_root_inherited_from_earlier_stage_through_two_stages if {
	inp := [
		ins("from", ["alpine:3.20", "AS", "base"]),
		ins("user", ["root"]),
		ins("from", ["base", "AS", "mid"]),
		ins("from", ["alpine:3.20", "AS", "unrelated"]),
		ins("user", ["app"]),
		ins("from", ["MID"]),
	]
	paths(inp) == {[1, "Value", 0]}
}

test_user_from_variables if {
	inp := [
		ins("arg", ["UID=0"]),
		ins("from", ["alpine:3.20"]),
		ins("user", ["${UID}"]),
	]
	paths(inp) == {[2, "Value", 0]}
	paths([ins("from", ["alpine:3.20"]), ins("env", ["APP_USER", "\"app\""]), ins("user", ["$APP_USER"])]) == set()
	paths([ins("from", ["alpine:3.20"]), ins("user", ["${U:-root}"])]) == {[1, "Value", 0]}
}

test_unresolvable_user_is_not_reported if {
	paths([ins("from", ["alpine:3.20"]), ins("arg", ["UID"]), ins("user", ["${UID}"])]) == set()
}

test_no_from_at_all if {
	paths([ins("comment", ["nothing"])]) == set()
}
