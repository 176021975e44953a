# Terraform benchmark policies over conftest's HCL2 JSON shape (hcl2json), Rego v1 syntax.
#
#   resource "aws_s3_bucket" "b" { acl = "private" }
# is seen as
#   {"resource": {"aws_s3_bucket": {"b": [{"acl": "private"}]}}}
# (blocks always end in an array of bodies; non-literal expressions are strings
# such as "${aws_s3_bucket.b.id}" or "${jsonencode({...})}").
#
# 10 rule definitions, one body each:
#   deny_s3_public_acl           aws_s3_bucket acl public-read / public-read-write / authenticated-read
#   deny_s3_public_access_block  aws_s3_bucket_public_access_block with a block_*/ignore_*/restrict_* flag false
#   deny_sg_open_admin_port      aws_security_group ingress from 0.0.0.0/0 or ::/0 covering port 22 or 3389
#   deny_sg_all_traffic          aws_security_group ingress protocol "-1"/"all" from 0.0.0.0/0 or ::/0
#   deny_db_public               aws_db_instance publicly_accessible = true
#   deny_db_unencrypted          aws_db_instance without storage_encrypted = true
#   deny_instance_imdsv1         aws_instance without metadata_options { http_tokens = "required" }
#   deny_iam_wildcard_action     aws_iam_policy document (jsonencode or heredoc) allowing Action "*"
#   warn_variable_description    variable block without a description
#   violation_missing_tags       aws_instance / aws_s3_bucket / aws_db_instance / aws_security_group without tags
#
# Every rule yields {"msg": string, "path": [keys and indexes into the document]}.
# Every rule is guarded by is_terraform (an object with a top-level Terraform block key
# and no apiVersion/kind), so it is a no-op on Kubernetes and other inputs.
package main

import rego.v1

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

terraform_block_keys := ["resource", "variable", "data", "provider", "terraform", "module", "output", "locals"]

is_terraform if {
	is_object(input)
	not input.apiVersion
	not input.kind
	some key in terraform_block_keys
	input[key] != null
}

# Every body of resources of the given type, e.g.
# {"name": "logs", "body": {...}, "path": ["resource", "aws_s3_bucket", "logs", 0]}
tf_resources(type) := {r |
	is_terraform
	is_object(input.resource[type])
	some name, bodies in input.resource[type]
	is_array(bodies)
	some i, body in bodies
	is_object(body)
	r := {"name": name, "body": body, "path": ["resource", type, name, i]}
}

# The path to attribute/block `attr` of a resource when it is present, else to the body.
attribute_path(r, attr) := array.concat(r.path, [attr]) if has_key(r.body, attr)

attribute_path(r, attr) := r.path if not has_key(r.body, attr)

has_key(obj, key) if {
	_ = obj[key]
}

open_cidrs := {"0.0.0.0/0", "::/0"}

# The open CIDR entries of an ingress block, with their paths inside the block.
open_ingress_cidrs(rule) := {[field, k] |
	some field in ["cidr_blocks", "ipv6_cidr_blocks"]
	is_array(rule[field])
	some k, cidr in rule[field]
	cidr in open_cidrs
}

# Ingress blocks of every aws_security_group, with their paths.
sg_ingress contains {"sg": r.name, "rule": rule, "path": array.concat(r.path, ["ingress", j])} if {
	some r in tf_resources("aws_security_group")
	is_array(r.body.ingress)
	some j, rule in r.body.ingress
	is_object(rule)
}

admin_ports := [22, 3389]

public_acls := {"public-read", "public-read-write", "authenticated-read"}

public_access_flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

imdsv2_required(body) if {
	is_array(body.metadata_options)
	some options in body.metadata_options
	options.http_tokens == "required"
}

# Matches `Action = "*"`, `Action = ["*"]` (jsonencode) and `"Action": "*"` (JSON).
wildcard_action_pattern := `"?Action"?\s*[=:]\s*\[?\s*"\*"`

taggable_types := ["aws_instance", "aws_s3_bucket", "aws_db_instance", "aws_security_group"]

# ---------------------------------------------------------------------------
# deny
# ---------------------------------------------------------------------------

deny_s3_public_acl contains result if {
	some r in tf_resources("aws_s3_bucket")
	r.body.acl in public_acls
	result := {
		"msg": sprintf("aws_s3_bucket.%s: ACL %s makes the bucket public", [r.name, r.body.acl]),
		"path": array.concat(r.path, ["acl"]),
	}
}

deny_s3_public_access_block contains result if {
	some r in tf_resources("aws_s3_bucket_public_access_block")
	some flag in public_access_flags
	r.body[flag] == false
	result := {
		"msg": sprintf("aws_s3_bucket_public_access_block.%s: %s must be true", [r.name, flag]),
		"path": array.concat(r.path, [flag]),
	}
}

deny_sg_open_admin_port contains result if {
	some ingress in sg_ingress
	rule := ingress.rule
	is_number(rule.from_port)
	is_number(rule.to_port)
	some port in admin_ports
	rule.from_port <= port
	port <= rule.to_port
	some cidr_path in open_ingress_cidrs(rule)
	result := {
		"msg": sprintf("aws_security_group.%s: port %v is open to %s", [ingress.sg, port, rule[cidr_path[0]][cidr_path[1]]]),
		"path": array.concat(ingress.path, cidr_path),
	}
}

deny_sg_all_traffic contains result if {
	some ingress in sg_ingress
	rule := ingress.rule
	rule.protocol in {"-1", "all"}
	some cidr_path in open_ingress_cidrs(rule)
	result := {
		"msg": sprintf("aws_security_group.%s: all traffic is allowed from %s", [ingress.sg, rule[cidr_path[0]][cidr_path[1]]]),
		"path": array.concat(ingress.path, ["protocol"]),
	}
}

deny_db_public contains result if {
	some r in tf_resources("aws_db_instance")
	r.body.publicly_accessible == true
	result := {
		"msg": sprintf("aws_db_instance.%s: database is publicly accessible", [r.name]),
		"path": array.concat(r.path, ["publicly_accessible"]),
	}
}

# The path points at storage_encrypted when it is set (to false), else at the resource body.
deny_db_unencrypted contains result if {
	some r in tf_resources("aws_db_instance")
	not r.body.storage_encrypted == true
	result := {
		"msg": sprintf("aws_db_instance.%s: storage_encrypted must be true", [r.name]),
		"path": attribute_path(r, "storage_encrypted"),
	}
}

deny_instance_imdsv1 contains result if {
	some r in tf_resources("aws_instance")
	not imdsv2_required(r.body)
	result := {
		"msg": sprintf("aws_instance.%s: IMDSv1 allowed; set metadata_options { http_tokens = \"required\" }", [r.name]),
		"path": attribute_path(r, "metadata_options"),
	}
}

deny_iam_wildcard_action contains result if {
	some r in tf_resources("aws_iam_policy")
	policy := r.body.policy
	is_string(policy)
	regex.match(wildcard_action_pattern, policy)
	result := {
		"msg": sprintf("aws_iam_policy.%s: policy allows every action (Action \"*\")", [r.name]),
		"path": array.concat(r.path, ["policy"]),
	}
}

# ---------------------------------------------------------------------------
# warn
# ---------------------------------------------------------------------------

warn_variable_description contains result if {
	is_terraform
	is_object(input.variable)
	some name, bodies in input.variable
	is_array(bodies)
	some i, body in bodies
	is_object(body)
	not body.description
	result := {
		"msg": sprintf("variable %s has no description", [name]),
		"path": ["variable", name, i],
	}
}

# ---------------------------------------------------------------------------
# violation
# ---------------------------------------------------------------------------

violation_missing_tags contains result if {
	some type in taggable_types
	some r in tf_resources(type)
	not r.body.tags
	result := {
		"msg": sprintf("%s.%s: resource has no tags", [type, r.name]),
		"path": r.path,
	}
}
