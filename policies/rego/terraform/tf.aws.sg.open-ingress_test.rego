package tollgate.tf.aws.sg.open_ingress_test

import rego.v1

import data.tollgate.tf.aws.sg.open_ingress as policy

paths(inp) := {r.path | some r in policy.deny with input as inp}

ingress(from, to, proto, cidrs, v6) := {"from_port": from, "to_port": to, "protocol": proto, "cidr_blocks": cidrs, "ipv6_cidr_blocks": v6}

sg(rules) := {"resource": {"aws_security_group": {"web": [{"name": "web", "ingress": rules}]}}}

test_inline_https_and_http_open if {
	paths(sg([ingress(443, 443, "tcp", ["0.0.0.0/0"], ["::/0"]), ingress(80, 80, "tcp", ["0.0.0.0/0"], [])])) == set()
}

test_inline_ssh_from_private_range if {
	paths(sg([ingress(22, 22, "tcp", ["10.0.0.0/8"], [])])) == set()
}

test_inline_ssh_open if {
	res := policy.deny with input as sg([ingress(443, 443, "tcp", ["0.0.0.0/0"], []), ingress(22, 22, "tcp", ["10.0.0.0/8", "0.0.0.0/0"], [])])
	res == {{"msg": "aws_security_group.web allows ingress from 0.0.0.0/0 to port 22", "path": ["resource", "aws_security_group", "web", 0, "ingress", 1, "cidr_blocks", 1]}}
}

test_inline_ipv6_open if {
	paths(sg([ingress(3306, 3306, "tcp", [], ["::/0"])])) == {["resource", "aws_security_group", "web", 0, "ingress", 0, "ipv6_cidr_blocks", 0]}
}

test_inline_range_covering_443 if {
	res := policy.deny with input as sg([ingress(80, 443, "tcp", ["0.0.0.0/0"], [])])
	res == {{"msg": "aws_security_group.web allows ingress from 0.0.0.0/0 to ports 80-443", "path": ["resource", "aws_security_group", "web", 0, "ingress", 0, "cidr_blocks", 0]}}
}

test_inline_all_protocols_on_port_443 if {
	res := policy.deny with input as sg([ingress(443, 443, "-1", ["0.0.0.0/0"], [])])
	res == {{"msg": "aws_security_group.web allows ingress from 0.0.0.0/0 to all ports", "path": ["resource", "aws_security_group", "web", 0, "ingress", 0, "cidr_blocks", 0]}}
}

test_inline_cidrs_from_variable_default if {
	inp := object.union(sg([ingress(22, 22, "tcp", "${var.cidrs}", [])]), {"variable": {"cidrs": [{"default": ["0.0.0.0/0"]}]}})
	paths(inp) == {["resource", "aws_security_group", "web", 0, "ingress", 0, "cidr_blocks", 0]}
}

test_inline_port_expression_is_reported if {
	paths(sg([ingress("${var.port}", "${var.port}", "tcp", ["0.0.0.0/0"], [])])) == {["resource", "aws_security_group", "web", 0, "ingress", 0, "cidr_blocks", 0]}
}

test_inline_string_ports if {
	paths(sg([ingress("443", "443", "tcp", ["0.0.0.0/0"], [])])) == set()
}

rule(type, from, to, proto) := {"resource": {"aws_security_group_rule": {"r": [{
	"type": type, "from_port": from, "to_port": to, "protocol": proto,
	"cidr_blocks": ["0.0.0.0/0"], "security_group_id": "${aws_security_group.web.id}",
}]}}}

test_rule_ingress_ssh if {
	paths(rule("ingress", 22, 22, "tcp")) == {["resource", "aws_security_group_rule", "r", 0, "cidr_blocks", 0]}
}

test_rule_ingress_https if {
	paths(rule("ingress", 443, 443, "tcp")) == set()
}

test_rule_egress_is_ignored if {
	paths(rule("egress", 0, 0, "-1")) == set()
}

test_rule_ipv6 if {
	inp := {"resource": {"aws_security_group_rule": {"r": [{"type": "ingress", "from_port": 0, "to_port": 65535, "protocol": "tcp", "ipv6_cidr_blocks": ["::/0"]}]}}}
	paths(inp) == {["resource", "aws_security_group_rule", "r", 0, "ipv6_cidr_blocks", 0]}
}

vpc_rule(body) := {"resource": {"aws_vpc_security_group_ingress_rule": {"r": [object.union({"security_group_id": "${aws_security_group.web.id}"}, body)]}}}

test_vpc_rule_https if {
	paths(vpc_rule({"cidr_ipv4": "0.0.0.0/0", "from_port": 443, "to_port": 443, "ip_protocol": "tcp"})) == set()
}

test_vpc_rule_all_traffic_ipv4 if {
	res := policy.deny with input as vpc_rule({"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "-1"})
	res == {{"msg": "aws_vpc_security_group_ingress_rule.r allows ingress from 0.0.0.0/0 to all ports", "path": ["resource", "aws_vpc_security_group_ingress_rule", "r", 0, "cidr_ipv4"]}}
}

test_vpc_rule_ipv6_rdp if {
	paths(vpc_rule({"cidr_ipv6": "::/0", "from_port": 3389, "to_port": 3389, "ip_protocol": "tcp"})) == {["resource", "aws_vpc_security_group_ingress_rule", "r", 0, "cidr_ipv6"]}
}

test_vpc_rule_numeric_all_protocol_in_plan if {
	paths(vpc_rule({"cidr_ipv4": "0.0.0.0/0", "from_port": 443, "to_port": 443, "ip_protocol": -1})) == {["resource", "aws_vpc_security_group_ingress_rule", "r", 0, "cidr_ipv4"]}
}

test_vpc_rule_missing_ports if {
	res := policy.deny with input as vpc_rule({"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "icmp"})
	res == {{"msg": "aws_vpc_security_group_ingress_rule.r allows ingress from 0.0.0.0/0 to ports ?-?", "path": ["resource", "aws_vpc_security_group_ingress_rule", "r", 0, "cidr_ipv4"]}}
}

test_vpc_rule_from_security_group if {
	paths(vpc_rule({"referenced_security_group_id": "${aws_security_group.lb.id}", "from_port": 22, "to_port": 22, "ip_protocol": "tcp"})) == set()
}
