# METADATA
# title: EC2 instance without IMDSv2
# description: >-
#   Every aws_instance must require IMDSv2 session tokens: metadata_options
#   { http_tokens = "required" }. An instance whose metadata endpoint is disabled
#   (http_endpoint = "disabled") passes, and so does one launched from an
#   aws_launch_template of the module (launch_template { id or name referring to it })
#   that requires tokens, unless the instance overrides http_tokens itself.
# custom:
#   id: tf.aws.ec2.imdsv2
#   severity: deny
#   input: terraform
#   remediation: Add metadata_options { http_tokens = "required" } to the instance.
#   reference: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
#   example_pass: |
#     resource "aws_instance" "web" {
#       ami           = "ami-0123456789abcdef0"
#       instance_type = "t3.micro"
#       metadata_options {
#         http_tokens = "required"
#       }
#     }
#   example_fail: |
#     resource "aws_instance" "web" {
#       ami           = "ami-0123456789abcdef0"
#       instance_type = "t3.micro"
#     }
package tollgate.tf.aws.ec2.imdsv2

import rego.v1

import data.tollgate.lib.terraform as tf

secure_options(body) if {
	some m in body.metadata_options
	tf.resolve(m.http_tokens) == "required"
}

secure_options(body) if {
	some m in body.metadata_options
	tf.resolve(m.http_endpoint) == "disabled"
}

sets_tokens(body) if {
	some m in body.metadata_options
	_ = m.http_tokens
}

from_secure_template(r) if {
	not sets_tokens(r.body)
	some lt in r.body.launch_template
	some ref in [object.get(lt, "id", null), object.get(lt, "name", null)]
	some t in tf.resources_of("aws_launch_template")
	tf.references(ref, "aws_launch_template", t.name)
	secure_options(t.body)
}

deny contains result if {
	some r in tf.resources_of("aws_instance")
	not secure_options(r.body)
	not from_secure_template(r)
	result := {
		"msg": sprintf("%s does not require IMDSv2 (metadata_options { http_tokens = \"required\" })", [r.address]),
		"path": field_path(r),
	}
}

field_path(r) := array.concat(r.path, ["metadata_options", 0, "http_tokens"]) if {
	_ = r.body.metadata_options[0].http_tokens
} else := array.concat(r.path, ["metadata_options", 0]) if {
	_ = r.body.metadata_options[0]
} else := r.path
