# METADATA
# title: Security group ingress open to the internet
# description: >-
#   No ingress from 0.0.0.0/0 or ::/0 except to port 80 or 443 alone (from_port = to_port =
#   80 or 443 with a protocol other than all). Checked in the inline ingress blocks of
#   aws_security_group (cidr_blocks, ipv6_cidr_blocks), aws_security_group_rule with
#   type = "ingress", and aws_vpc_security_group_ingress_rule (cidr_ipv4, cidr_ipv6).
#   Protocol "-1" (or "all") opens every port and is always reported; so are ICMP rules,
#   port ranges (80-443 included) and ports that are expressions which cannot be evaluated.
# custom:
#   id: tf.aws.sg.open-ingress
#   severity: deny
#   input: terraform
#   remediation: >-
#     Restrict the source to known CIDR ranges or security groups, or put the service behind
#     a load balancer that listens on 80/443 only.
#   reference: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
#   example_pass: |
#     resource "aws_security_group" "web" {
#       name = "web"
#       ingress {
#         from_port   = 443
#         to_port     = 443
#         protocol    = "tcp"
#         cidr_blocks = ["0.0.0.0/0"]
#       }
#     }
#   example_fail: |
#     resource "aws_security_group" "web" {
#       name = "web"
#       ingress {
#         from_port   = 22
#         to_port     = 22
#         protocol    = "tcp"
#         cidr_blocks = ["0.0.0.0/0"]
#       }
#     }
package tollgate.tf.aws.sg.open_ingress

import rego.v1

import data.tollgate.lib.terraform as tf

open_cidrs := {"0.0.0.0/0", "::/0"}

web_ports := {80, 443}

all_protocols := {"-1", "all", -1}

# Every ingress rule: {"address", "rule" (the block), "path" (of the block), "cidr_keys"}.
rules contains {"address": r.address, "rule": rule, "path": array.concat(r.path, ["ingress", j]), "protocol": "protocol", "cidr_keys": ["cidr_blocks", "ipv6_cidr_blocks"]} if {
	some r in tf.resources_of("aws_security_group")
	some j, rule in r.body.ingress
}

rules contains {"address": r.address, "rule": r.body, "path": r.path, "protocol": "protocol", "cidr_keys": ["cidr_blocks", "ipv6_cidr_blocks"]} if {
	some r in tf.resources_of("aws_security_group_rule")
	tf.resolve(r.body.type) == "ingress"
}

rules contains {"address": r.address, "rule": r.body, "path": r.path, "protocol": "ip_protocol", "cidr_keys": ["cidr_ipv4", "cidr_ipv6"]} if {
	some r in tf.resources_of("aws_vpc_security_group_ingress_rule")
}

# The open CIDRs of a rule, each with the path suffix of its value.
open_sources(rule, key) := {[[key], v] | v := tf.resolve(rule[key]); v in open_cidrs} | {[[key, k], v] |
	list := tf.resolve(rule[key])
	is_array(list)
	some k, v in list
	v in open_cidrs
}

port(rule, key) := to_number(tf.resolve(rule[key]))

only_web_port(x) if {
	not tf.resolve(x.rule[x.protocol]) in all_protocols
	from := port(x.rule, "from_port")
	from == port(x.rule, "to_port")
	from in web_ports
}

ports_text(x) := "all ports" if {
	tf.resolve(x.rule[x.protocol]) in all_protocols
} else := sprintf("port %v", [x.rule.from_port]) if {
	x.rule.from_port == x.rule.to_port
} else := sprintf("ports %v-%v", [object.get(x.rule, "from_port", "?"), object.get(x.rule, "to_port", "?")])

deny contains result if {
	some x in rules
	some key in x.cidr_keys
	some [suffix, cidr] in open_sources(x.rule, key)
	not only_web_port(x)
	result := {
		"msg": sprintf("%s allows ingress from %s to %s", [x.address, cidr, ports_text(x)]),
		"path": array.concat(x.path, suffix),
	}
}
