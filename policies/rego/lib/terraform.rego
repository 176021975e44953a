# METADATA
# title: Terraform helpers for the bundled policies
# description: >-
#   Every resource block with its address and path, cross-resource references
#   (`bucket = aws_s3_bucket.data.id` arrives as "${aws_s3_bucket.data.id}" in the HCL2
#   shape, and as the real bucket name in a converted plan), literal-versus-expression
#   tests, one-level resolution of `var.x` (to the variable's default) and `local.x`, and the
#   statements of IAM policy documents in every form the policies understand.
package tollgate.lib.terraform

import rego.v1

# Every resource block: {"type", "name", "index", "body", "path", "address"}.
resources contains r if {
	some blocks in resources_by_type
	some r in blocks
}

# The resource blocks by type, built once per module (policies ask for a type many times).
resources_by_type[type] contains r if {
	some type, named in input.resource
	some name, blocks in named
	some i, body in blocks
	r := {
		"type": type,
		"name": name,
		"index": i,
		"body": body,
		"path": ["resource", type, name, i],
		"address": sprintf("%s.%s", [type, name]),
	}
}

# The resource blocks of one type.
resources_of(type) := object.get(resources_by_type, type, set())

# The data source blocks of one type, shaped like resources (address "data.TYPE.NAME").
data_sources_of(type) := {r |
	some name, blocks in object.get(input, ["data", type], {})
	some i, body in blocks
	r := {
		"type": type,
		"name": name,
		"index": i,
		"body": body,
		"path": ["data", type, name, i],
		"address": sprintf("data.%s.%s", [type, name]),
	}
}

# A string that holds an expression or template rather than a plain literal.
is_expression(v) if {
	is_string(v)
	contains(v, "${")
}

is_expression(v) if {
	is_string(v)
	contains(v, "%{")
}

# A non-empty string literal.
is_literal_string(v) if {
	is_string(v)
	trim_space(v) != ""
	not is_expression(v)
}

# The value an attribute stands for: "${var.x}" resolves to the default of variable x,
# "${local.x}" to the value of local x (one level only); anything else is itself.
resolve(v) := d if {
	is_string(v)
	m := regex.find_all_string_submatch_n(`^\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)\}$`, v, 1)
	some blk in input.variable[m[0][1]]
	d := blk["default"]
} else := d if {
	is_string(v)
	m := regex.find_all_string_submatch_n(`^\$\{local\.([A-Za-z_][A-Za-z0-9_-]*)\}$`, v, 1)
	some blk in input.locals
	d := blk[m[0][1]]
} else := v

# true, or the string "true" (HCL converts it), after resolution.
is_true(v) if resolve(v) == true

is_true(v) if resolve(v) == "true"

is_false(v) if resolve(v) == false

is_false(v) if resolve(v) == "false"

# Whether the expression in v names the resource TYPE.NAME (any attribute of it, with or
# without a count/for_each index): "${aws_s3_bucket.data.id}", "${aws_s3_bucket.data[0].arn}".
references(v, type, name) if {
	is_expression(v)
	regex.match(sprintf(`(^|[^A-Za-z0-9_.-])%s\.%s($|[^A-Za-z0-9_-])`, [type, name]), v)
}

# Whether v points at the bucket resource b: a reference to it, or (plans, literal names)
# its bucket name, id or ARN.
refers_to_bucket(v, b) if references(v, "aws_s3_bucket", b.name)

refers_to_bucket(v, b) if {
	is_literal_string(v)
	some key in ["bucket", "id", "arn"]
	v == b.body[key]
}

# The resources of TYPE whose `bucket` attribute points at bucket b. Candidates come from
# an index by the bucket names and literals their `bucket` attributes hold (built once per
# module, instead of testing every pair of bucket and resource); a bucket whose name is not
# a plain identifier is compared with every resource of the type.
bucket_companions(type, b) := {r |
	some key in bucket_keys(b)
	some r in bucket_index[type][key]
	refers_to_bucket(r.body.bucket, b)
} if {
	regex.match(`^[A-Za-z0-9_-]+$`, b.name)
} else := {r | some r in resources_of(type); refers_to_bucket(r.body.bucket, b)}

# Resources by type and key, for each key their `bucket` attribute may match: every name in
# an aws_s3_bucket reference it holds, or the literal string itself.
bucket_index[r.type][key] contains r if {
	some r in resources
	some key in bucket_attribute_keys(r.body.bucket)
}

bucket_attribute_keys(v) := {m[1] |
	some m in regex.find_all_string_submatch_n(`(?:^|[^A-Za-z0-9_.-])aws_s3_bucket\.([A-Za-z0-9_-]+)`, v, -1)
} if is_expression(v)

bucket_attribute_keys(v) := {v} if is_literal_string(v)

# The keys under which the companions of bucket b are indexed: its name, bucket, id, arn.
bucket_keys(b) := {b.name} | {v | some key in ["bucket", "id", "arn"]; v := b.body[key]; is_string(v)}

# ---------------------------------------------------------------------------------------
# IAM policy documents.
#
# iam_wildcards contains {"address", "path", "field", "where"} for every Allow statement
# whose Action ("field": "Action") or Resource ("field": "Resource") is "*" (alone or in a
# list). Sources:
#   - the `policy` attribute of aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy,
#     aws_iam_group_policy and the inline_policy blocks of aws_iam_role: parsed with
#     json.unmarshal when it is valid JSON (heredocs, plans); otherwise (jsonencode({...})
#     source text, templates) scanned with regular expressions, see below;
#   - data "aws_iam_policy_document" statement blocks (effect defaults to Allow).
# ---------------------------------------------------------------------------------------

iam_policy_types := {"aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"}

# Every policy string with the resource address and the path of the attribute.
iam_policy_texts contains {"address": r.address, "path": array.concat(r.path, ["policy"]), "text": r.body.policy} if {
	some r in resources
	r.type in iam_policy_types
	is_string(r.body.policy)
}

iam_policy_texts contains {"address": r.address, "path": array.concat(r.path, ["inline_policy", j, "policy"]), "text": p.policy} if {
	some r in resources_of("aws_iam_role")
	some j, p in r.body.inline_policy
	is_string(p.policy)
}

as_array(x) := x if is_array(x)

as_array(x) := [x] if not is_array(x)

# JSON documents: the statements, with a label for messages.
json_statements contains {"src": src, "stmt": s, "where": label} if {
	some src in iam_policy_texts
	json.is_valid(src.text)
	doc := json.unmarshal(src.text)
	some i, s in as_array(doc.Statement)
	label := statement_label(s, i)
}

statement_label(s, i) := sprintf("statement %q", [s.Sid]) if {
	is_string(s.Sid)
	s.Sid != ""
} else := sprintf("statement %d", [i])

json_field_names := {"Action", "Resource"}

iam_wildcards contains {"address": x.src.address, "path": x.src.path, "field": field, "where": x.where} if {
	some x in json_statements
	x.stmt.Effect == "Allow"
	some field in json_field_names
	"*" in as_array(x.stmt[field])
}

# Policy text that is not JSON (the source of jsonencode({...}), or a template): Condition,
# Principal and NotPrincipal maps (two levels deep at most), "${...}" interpolations and
# "%{...}" template directives are blanked out, after which each innermost {...} is one
# statement (named by its Sid when it has one). A statement is flagged when it has
# `Action = "*"`, `"Action": "*"` or a list holding "*" (the same for Resource), unless its
# Effect is literally "Deny" (an Effect that is an expression cannot be evaluated and counts
# as Allow).
nested_map_pattern := `"?\b(Condition|Principal|NotPrincipal)"?\s*[=:]\s*\{(?:[^{}]|\{[^{}]*\})*\}`

wildcard_pattern(field) := sprintf(`"?\b%s"?\s*[=:]\s*("\*"|\[[^\]]*"\*"[^\]]*\])`, [field])

deny_pattern := `"?\bEffect"?\s*[=:]\s*"Deny"`

text_statements contains {"src": src, "text": t, "where": text_label(t, i)} if {
	some src in iam_policy_texts
	not json.is_valid(src.text)
	plain := regex.replace(src.text, `[$%]\{[^{}]*\}`, "X")
	flat := regex.replace(plain, nested_map_pattern, "${1} = null")
	some i, t in regex.find_n(`\{[^{}]*\}`, flat, -1)
}

text_label(t, i) := sprintf("statement %q", [m[0][1]]) if {
	m := regex.find_all_string_submatch_n(`"?\bSid"?\s*[=:]\s*"([^"]+)"`, t, 1)
	count(m) > 0
} else := sprintf("statement %d", [i])

iam_wildcards contains {"address": x.src.address, "path": x.src.path, "field": field, "where": x.where} if {
	some x in text_statements
	not regex.match(deny_pattern, x.text)
	some field in json_field_names
	regex.match(wildcard_pattern(field), x.text)
}

# data "aws_iam_policy_document": the path goes to the "*" element.
document_fields := {"Action": "actions", "Resource": "resources"}

iam_wildcards contains {"address": d.address, "path": array.concat(d.path, ["statement", j, key, k]), "field": field, "where": label} if {
	some d in data_sources_of("aws_iam_policy_document")
	some j, s in d.body.statement
	object.get(s, "effect", "Allow") == "Allow"
	some field, key in document_fields
	some k, v in s[key]
	v == "*"
	label := document_label(s, j)
}

document_label(s, j) := sprintf("statement %q", [s.sid]) if {
	is_string(s.sid)
	s.sid != ""
} else := sprintf("statement %d", [j])
