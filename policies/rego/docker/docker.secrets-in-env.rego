# METADATA
# title: Secret in ENV or ARG
# description: >-
#   ENV values and ARG defaults are stored in the image (its config and history), so a
#   variable whose name looks like a secret (PASSWORD, PASSWD, SECRET, TOKEN, API_KEY,
#   PRIVATE_KEY, ACCESS_KEY; case-insensitive, "_", "-" or nothing inside the last three)
#   must not be given a literal value. An ARG without a default, an empty value, and a
#   value that only refers to another variable ($TOKEN, ${TOKEN}) are fine; so are names
#   that hold where a secret is rather than the secret (ending in _FILE, _PATH, _DIR, _URL,
#   _URI, _NAME, _ID, _LENGTH, _ENABLED, e.g. POSTGRES_PASSWORD_FILE). The path is the
#   value of an ENV pair ([i, "Value", n]) or the NAME=value element of an ARG.
# custom:
#   id: docker.secrets-in-env
#   severity: deny
#   input: dockerfile
#   remediation: >-
#     Pass secrets at run time (environment, mounted files) or, for the build, with
#     RUN --mount=type=secret; never bake them into ENV or ARG.
#   reference: https://docs.docker.com/build/building/secrets/
#   example_pass: |
#     FROM python:3.12-slim
#     ENV DB_PASSWORD_FILE=/run/secrets/db_password
#     RUN --mount=type=secret,id=pip_token pip install -r requirements.txt
#   example_fail: |
#     FROM python:3.12-slim
#     ENV DB_PASSWORD=hunter2
package tollgate.docker.secrets_in_env

import rego.v1

import data.tollgate.lib.docker

secret_name_pattern := `(?i)(passw(or)?d|secret|token|api[_-]?key|private[_-]?key|access[_-]?key)`

descriptive_suffix_pattern := `(?i)_(file|path|dir|url|uri|name|id|length|enabled)$`

secret_name(name) if {
	regex.match(secret_name_pattern, name)
	not regex.match(descriptive_suffix_pattern, name)
}

literal(value) if {
	v := docker.unquote(value)
	trim_space(v) != ""
	not regex.match(`^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$`, v)
}

deny contains result if {
	some i, x in input
	x.Cmd == "env"
	some k in numbers.range(0, count(x.Value) - 2)
	k % 2 == 0
	k < count(x.Value) - 1
	name := x.Value[k]
	secret_name(name)
	literal(x.Value[k + 1])
	result := {
		"msg": sprintf("ENV %s has a literal value", [name]),
		"path": [i, "Value", k + 1],
	}
}

deny contains result if {
	some i, x in input
	x.Cmd == "arg"
	some k, kv in x.Value
	[name, value] := docker.arg_pair(kv)
	secret_name(name)
	literal(value)
	result := {
		"msg": sprintf("ARG %s has a literal default value", [name]),
		"path": [i, "Value", k],
	}
}
