# METADATA
# title: Hard-coded secret
# description: >-
#   An attribute whose name looks like a secret (password, passwd, secret, token,
#   private_key, api_key, access_key, with "_", "-" or nothing inside the last three;
#   case-insensitive, so map keys such as DB_PASSWORD in environment variables count too)
#   must not be set to a string literal in
#   a resource, data source, provider or module block (nested blocks and maps included),
#   a locals block, or the default of such a variable. Expressions ("${var.x}",
#   references, function calls) and empty strings are fine. Names that describe a secret
#   rather than hold it are not matched: those ending in _name, _arn, _id, _ids, _url,
#   _uri, _endpoint, _type, _path, _file, _length, _version, _policy, _prefix, _mode,
#   _enabled, _rotation or _hash (e.g. secret_name, token_url, password_length). In a
#   converted plan every value is literal, so values that came from variables are reported
#   too.
# custom:
#   id: tf.general.hardcoded-secret
#   severity: deny
#   input: terraform
#   remediation: >-
#     Pass the secret in through a sensitive variable, or read it from a secret store
#     (aws_secretsmanager_secret_version, Vault) or let the service manage it
#     (manage_master_user_password).
#   reference: https://developer.hashicorp.com/terraform/tutorials/configuration-language/sensitive-variables
#   example_pass: |
#     variable "db_password" {
#       type      = string
#       sensitive = true
#     }
#
#     resource "aws_db_instance" "db" {
#       engine            = "postgres"
#       instance_class    = "db.t3.micro"
#       username          = "app"
#       password          = var.db_password
#       storage_encrypted = true
#     }
#   example_fail: |
#     resource "aws_db_instance" "db" {
#       engine            = "postgres"
#       instance_class    = "db.t3.micro"
#       username          = "app"
#       password          = "hunter2"
#       storage_encrypted = true
#     }
package tollgate.tf.general.hardcoded_secret

import rego.v1

import data.tollgate.lib.terraform as tf

secret_name_pattern := `(?i)(password|passwd|secret|token|private[_-]?key|api[_-]?key|access[_-]?key)`

descriptive_suffix_pattern := `(?i)_(name|arn|id|ids|url|uri|endpoint|type|path|file|length|version|policy|prefix|mode|enabled|rotation|hash)$`

# Provider attributes whose names match but that hold settings, not secrets
# (aws_instance metadata_options.http_tokens is "required" or "optional").
setting_names := {"http_tokens"}

secret_name(name) if {
	is_string(name)
	regex.match(secret_name_pattern, name)
	not regex.match(descriptive_suffix_pattern, name)
	not lower(name) in setting_names
}

# Blocks walked, with how to name the owner of a path in messages.
walked_sections := {"resource", "data", "provider", "module"}

owner(p) := sprintf("%s.%s", [p[1], p[2]]) if p[0] == "resource"

owner(p) := sprintf("data.%s.%s", [p[1], p[2]]) if p[0] == "data"

owner(p) := sprintf("%s.%s", [p[0], p[1]]) if p[0] in {"provider", "module"}

findings contains {"path": path, "owner": owner(path), "name": key} if {
	some section in walked_sections
	walk(input[section], [p, v])
	tf.is_literal_string(v)
	count(p) > 0
	key := p[count(p) - 1]
	secret_name(key)
	path := array.concat([section], p)
}

findings contains {"path": ["locals", i, key], "owner": sprintf("local.%s", [key]), "name": key} if {
	some i, blk in input.locals
	some key, v in blk
	tf.is_literal_string(v)
	secret_name(key)
}

findings contains {"path": ["variable", name, i, "default"], "owner": sprintf("var.%s", [name]), "name": "default"} if {
	some name, blocks in input.variable
	secret_name(name)
	some i, blk in blocks
	tf.is_literal_string(blk["default"])
}

deny contains result if {
	some f in findings
	result := {
		"msg": sprintf("%s sets %s to a hard-coded string", [f.owner, f.name]),
		"path": f.path,
	}
}
