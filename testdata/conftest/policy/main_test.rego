package main

import rego.v1

test_root_deployment_denied if {
	deny["Containers must not run as root in Deployment x"] with input as {
		"kind": "Deployment",
		"metadata": {"name": "x"},
		"spec": {"selector": {"matchLabels": {"app": "x"}}},
	}
}

test_service_warned if {
	count(warn) == 1 with input as {"kind": "Service", "metadata": {"name": "s"}, "spec": {"type": "LoadBalancer"}}
}

todo_test_statefulsets if {
	false
}
