# METADATA
# title: Secret in a literal environment variable
# description: >-
#   An env var of any container (containers, initContainers, ephemeralContainers) of any
#   workload kind whose name looks secret must take its value from a Secret (valueFrom) rather
#   than a literal `value`, which ends up in Git, in `kubectl get -o yaml` and in every
#   replica's spec. Secret-looking names contain, case-insensitively, PASSWORD, PASSWD,
#   PASSPHRASE, SECRET, TOKEN, API_KEY/APIKEY, PRIVATE_KEY, ACCESS_KEY, CREDENTIAL(S),
#   AUTH_KEY, SIGNING_KEY or ENCRYPTION_KEY (with or without the underscore), or end in
#   _PASS ("tokens" and "tokenizer" are not secrets: MAX_TOKENS is a count). Exempt are
#   names that only point at a secret or configure one: those ending in _FILE, _PATH, _DIR,
#   _URL, _URI, _ENDPOINT, _HOST, _NAME, _REF, _KEY_ID, _ID, _TTL, _EXPIRY, _TIMEOUT,
#   _LENGTH, _SIZE, _LIMIT, _COUNT, _ENABLED, _TYPE or _HEADER. Empty values and values
#   that are only a `$(OTHER_VAR)` reference are not secrets.
# custom:
#   id: k8s.workload.secrets-in-env
#   severity: deny
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Move the value into a Secret and reference it with env[].valueFrom.secretKeyRef (or mount it as a file).
#   reference: https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: api
#       namespace: shop
#     spec:
#       containers:
#         - name: api
#           image: shop/api:2.1.0
#           env:
#             - name: DB_PASSWORD
#               valueFrom:
#                 secretKeyRef:
#                   name: db
#                   key: password
#   example_fail: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: api
#       namespace: shop
#     spec:
#       containers:
#         - name: api
#           image: shop/api:2.1.0
#           env:
#             - name: DB_PASSWORD
#               value: hunter2
package tollgate.k8s.workload.secrets_in_env

import rego.v1

import data.tollgate.lib.kubernetes as k8s

secret_name_pattern := `(?i)(pass_?word|passwd|passphrase|secret|token|api_?key|private_?key|access_?key|credential|auth_?key|signing_?key|encryption_?key|(^|_)pass$)`

# Words that contain a keyword without being secret.
benign_word_pattern := `(?i)(tokens|tokeniz[a-z]*)`

not_secret_suffix_pattern := `(?i)(_file|_path|_dir|_url|_uri|_endpoint|_host|_name|_ref|_key_id|_id|_ttl|_expiry|_timeout|_length|_size|_limit|_count|_enabled|_type|_header)$`

deny contains result if {
	some c in data.tollgate.lib.kubernetes.containers
	some i, env in c.container.env
	is_string(env.name)
	regex.match(secret_name_pattern, regex.replace(env.name, benign_word_pattern, ""))
	not regex.match(not_secret_suffix_pattern, env.name)
	value := env.value
	literal(value)
	result := {
		"msg": sprintf("%s: %s sets env %s to a literal value; take it from a Secret", [data.tollgate.lib.kubernetes.name, k8s.container_desc(c), env.name]),
		"path": array.concat(c.path, ["env", i, "value"]),
	}
}

# Anything but "" and a lone $(VAR) reference to another env var.
literal(value) if {
	not is_string(value)
}

literal(value) if {
	is_string(value)
	value != ""
	not regex.match(`^\$\([A-Za-z_][A-Za-z0-9_.-]*\)$`, value)
}
