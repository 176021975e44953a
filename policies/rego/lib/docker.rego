# METADATA
# title: Dockerfile helpers for the bundled policies
# description: >-
#   Over conftest's Dockerfile shape (an array of {Cmd, SubCmd, JSON, Flags, Value, Stage},
#   Cmd lowercase, comments as Cmd "comment"): where each stage starts, stage names, the
#   chain of stages the final stage is built FROM (FROM an earlier stage inherits its USER
#   and HEALTHCHECK), build-argument defaults and ${VAR} expansion, and unquoting.
package tollgate.lib.docker

import rego.v1

# The indexes of the FROM instructions, in order; stage k starts at from_indexes[k].
from_indexes := [i | some i, x in input; x.Cmd == "from"]

stage_count := count(from_indexes)

final_stage := stage_count - 1

final_from := from_indexes[final_stage]

# The stage an instruction belongs to (-1 before the first FROM: global ARGs).
stage_of(i) := count([j | some j in from_indexes; j <= i]) - 1

# The image (first value that is not a flag) and the stage name (FROM image AS name) of a FROM.
image_of(x) := [v | some v in x.Value; not startswith(v, "--")][0]

stage_name(k) := lower(x.Value[2]) if {
	x := input[from_indexes[k]]
	count(x.Value) >= 3
	lower(x.Value[1]) == "as"
}

# The names of the stages before stage k.
earlier_stage_names(k) := {stage_name(j) | some j in numbers.range(0, k - 1); j >= 0; j < k}

# Stage k is built FROM stage j (an earlier stage's name).
parent(k) := j if {
	some j in numbers.range(0, k - 1)
	j >= 0
	j < k
	lower(image_of(input[from_indexes[k]])) == stage_name(j)
}

stage_graph := {k: [j | j := parent(k)] | some k in numbers.range(0, stage_count - 1)}

# The final stage and every stage it is (transitively) built FROM.
final_chain := graph.reachable(stage_graph, {final_stage}) if stage_count > 0

# Instructions of the final chain whose Cmd is cmd, as {"index", "instruction"}; the one with
# the highest index is the one in effect in the final image.
chain_instructions(cmd) := [{"index": i, "instruction": x} |
	some i, x in input
	x.Cmd == cmd
	stage_of(i) in final_chain
]

last_in_chain(cmd) := l if {
	xs := chain_instructions(cmd)
	count(xs) > 0
	l := xs[count(xs) - 1]
}

# "a", 'a' -> a
unquote(s) := substring(s, 1, count(s) - 2) if {
	count(s) >= 2
	some q in ["\"", "'"]
	startswith(s, q)
	endswith(s, q)
} else := s

# ARG NAME=value -> ["NAME", "value"] (unquoted); ARG NAME has no default.
arg_pair(kv) := [substring(kv, 0, n), unquote(substring(kv, n + 1, -1))] if {
	n := indexof(kv, "=")
	n > 0
}

# Variable definitions: {"order", "name", "value", "stage"} for ARG defaults and ENV values.
definitions contains {"order": i * 1000 + k, "name": p[0], "value": p[1], "stage": stage_of(i)} if {
	some i, x in input
	x.Cmd == "arg"
	some k, kv in x.Value
	p := arg_pair(kv)
}

definitions contains {"order": (i * 1000) + k, "name": x.Value[k], "value": unquote(x.Value[k + 1]), "stage": stage_of(i)} if {
	some i, x in input
	x.Cmd == "env"
	some k in numbers.range(0, count(x.Value) - 2)
	k % 2 == 0
}

# The value of every variable defined in the given stages (-1: global ARGs); the last wins.
variables(stages) := {d.name: d.value |
	some d in definitions
	d.stage in stages
	not overridden(d, stages)
}

overridden(d, stages) if {
	some e in definitions
	e.stage in stages
	e.name == d.name
	e.order > d.order
}

global_variables := variables({-1})

# ${NAME}, ${NAME:-default}, ${NAME-default}, $NAME, or literal text.
token_pattern := `\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)|[^$]+|\$`

token_value(m, _) := m[0] if {
	m[1] == ""
	m[4] == ""
}

token_value(m, vars) := vars[m[1]] if {
	m[1] != ""
	vars[m[1]] != ""
}

token_value(m, vars) := m[3] if {
	m[1] != ""
	not non_empty(vars, m[1])
	m[2] != ""
}

token_value(m, vars) := vars[m[4]] if m[4] != ""

non_empty(vars, name) if vars[name] != ""

# s with its variables expanded; undefined when one has no value.
expand(s, vars) := concat("", values) if {
	tokens := regex.find_all_string_submatch_n(token_pattern, s, -1)
	values := [v | some m in tokens; v := token_value(m, vars)]
	count(values) == count(tokens)
}
