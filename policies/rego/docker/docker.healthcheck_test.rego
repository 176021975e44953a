package tollgate.docker.healthcheck_test

import rego.v1

import data.tollgate.docker.healthcheck as policy

ins(cmd, value) := {"Cmd": cmd, "SubCmd": "", "JSON": false, "Flags": [], "Value": value, "Stage": 0}

paths(inp) := {r.path | some r in policy.warn with input as inp}

test_final_stage_has_healthcheck if {
	inp := [
		ins("from", ["golang:1.22", "AS", "build"]),
		ins("from", ["nginx:1.27"]),
		object.union(ins("healthcheck", ["CMD", "curl -f http://localhost/"]), {"Flags": ["--interval=5s"]}),
	]
	paths(inp) == set()
}

test_missing if {
	res := policy.warn with input as [ins("from", ["nginx:1.27"]), ins("copy", ["a", "/a"])]
	res == {{"msg": "the final stage (FROM nginx:1.27) has no HEALTHCHECK", "path": [0]}}
}

test_only_builder_has_one if {
	inp := [
		ins("from", ["golang:1.22", "AS", "build"]),
		ins("healthcheck", ["CMD", "true"]),
		ins("from", ["alpine:3.20"]),
	]
	paths(inp) == {[2]}
}

test_inherited_from_earlier_stage if {
	inp := [
		ins("from", ["nginx:1.27", "AS", "base"]),
		ins("healthcheck", ["CMD", "true"]),
		ins("from", ["base"]),
	]
	paths(inp) == set()
}

test_none if {
	inp := [ins("from", ["nginx:1.27"]), ins("healthcheck", ["CMD", "true"]), ins("healthcheck", ["NONE"])]
	res := policy.warn with input as inp
	res == {{"msg": "HEALTHCHECK NONE disables the health check of the final stage", "path": [2, "Value", 0]}}
}

test_none_then_cmd if {
	paths([ins("from", ["nginx:1.27"]), ins("healthcheck", ["none"]), ins("healthcheck", ["CMD", "true"])]) == set()
}

test_no_from if {
	paths([]) == set()
}
