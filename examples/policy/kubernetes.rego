# Kubernetes rules in Rego v1 syntax, reporting the exact field with `path`.
package main

import rego.v1

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet"}

containers contains [i, c] if {
	workload_kinds[input.kind]
	some i, c in input.spec.template.spec.containers
}

deny contains result if {
	some [i, c] in containers
	c.securityContext.privileged == true
	result := {
		"msg": sprintf("%s %s: container %q must not be privileged", [input.kind, input.metadata.name, c.name]),
		"path": ["spec", "template", "spec", "containers", i, "securityContext", "privileged"],
	}
}

deny_run_as_root contains result if {
	workload_kinds[input.kind]
	not input.spec.template.spec.securityContext.runAsNonRoot
	result := {
		"msg": sprintf("%s %s: containers must not run as root", [input.kind, input.metadata.name]),
		"path": ["spec", "template", "spec"],
	}
}

violation_missing_limits contains result if {
	some [i, c] in containers
	not c.resources.limits.memory
	result := {
		"msg": sprintf("%s %s: container %q has no memory limit", [input.kind, input.metadata.name, c.name]),
		"path": ["spec", "template", "spec", "containers", i],
	}
}

warn_latest contains result if {
	some [i, c] in containers
	endswith(c.image, ":latest")
	result := {
		"msg": sprintf("%s %s: image %q uses the latest tag", [input.kind, input.metadata.name, c.image]),
		"path": ["spec", "template", "spec", "containers", i, "image"],
	}
}

warn contains msg if {
	input.kind == "Service"
	input.spec.type == "NodePort"
	msg := sprintf("Service %s is exposed on every node (NodePort)", [input.metadata.name])
}

# Teams may run their own images as root; data/exemptions.yaml names them.
exception contains rules if {
	input.metadata.name in data.exemptions.run_as_root
	rules := ["run_as_root"]
}
