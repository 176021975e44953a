package tollgate.docker.add_test

import rego.v1

import data.tollgate.docker.add as policy

ins(cmd, value) := {"Cmd": cmd, "SubCmd": "", "JSON": false, "Flags": [], "Value": value, "Stage": 0}

paths(inp) := {r.path | some r in policy.warn with input as inp}

test_legitimate_uses if {
	inp := [
		ins("from", ["alpine:3.20"]),
		ins("add", ["https://example.com/tool", "/usr/local/bin/tool"]),
		object.union(ins("add", ["https://github.com/moby/buildkit.git#v0.14.1", "/src"]), {"Flags": ["--keep-git-dir=true"]}),
		ins("add", ["git@github.com:moby/buildkit.git", "/src"]),
		ins("add", ["rootfs.tar.gz", "vendor.tgz", "data.TAR.XZ", "x.tar", "y.tar.bz2", "/"]),
		ins("add", ["$SRC", "/src"]),
		ins("copy", ["app.py", "/app/"]),
	]
	paths(inp) == set()
}

test_local_file if {
	res := policy.warn with input as [ins("from", ["alpine:3.20"]), ins("add", ["app.py", "/app/"])]
	res == {{"msg": "ADD app.py copies a local file: use COPY", "path": [1, "Value", 0]}}
}

test_mixed_sources_and_json_form if {
	inp := [
		ins("from", ["alpine:3.20"]),
		object.union(ins("add", ["a.zip", "rootfs.tar", "conf/", "/dst/"]), {"JSON": true, "Flags": ["--chown=1:1"]}),
	]
	paths(inp) == {[1, "Value", 0], [1, "Value", 2]}
}

test_malformed_add if {
	paths([ins("from", ["alpine:3.20"]), ins("add", ["only-one"])]) == set()
}
