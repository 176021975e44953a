# METADATA
# title: Kubernetes helpers for the bundled policies
# description: >-
#   Where the pod spec of every workload kind lives, every container with its path
#   (containers, initContainers, ephemeralContainers), how to name an object in a message,
#   and the selected Kubernetes version for the version-gated Pod Security checks.
package tollgate.lib.kubernetes

import rego.v1

# Policies call these functions through an import alias (k8s.container_desc(c)) but read
# its values by full path (data.tollgate.lib.kubernetes.containers): regorus's VM evaluates
# the whole package for every value read through an alias, which halved its speed.

# Kinds whose pod spec sits in a pod template at spec.template.spec.
template_kinds := {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"}

workload_kinds := template_kinds | {"Pod", "CronJob"}

is_workload if input.kind in workload_kinds

# The path of the pod spec inside the object, for every workload kind.
pod_spec_path := ["spec"] if input.kind == "Pod"

pod_spec_path := ["spec", "template", "spec"] if input.kind in template_kinds

pod_spec_path := ["spec", "jobTemplate", "spec", "template", "spec"] if input.kind == "CronJob"

pod_spec := object.get(input, pod_spec_path, {})

# The pod template's metadata (for annotations such as the AppArmor ones).
pod_metadata := input.metadata if input.kind == "Pod"

pod_metadata := object.get(input, array.concat(array.slice(pod_spec_path, 0, count(pod_spec_path) - 1), ["metadata"]), {}) if {
	input.kind != "Pod"
	is_workload
}

container_fields := ["containers", "initContainers", "ephemeralContainers"]

# Every container of the pod spec: {"container": c, "path": [..., field, i], "field": field}.
containers contains {"container": c, "path": array.concat(pod_spec_path, [field, i]), "field": field} if {
	is_workload
	some field in container_fields
	some i, c in pod_spec[field]
}

# "Deployment shop/web", for messages.
name := sprintf("%s %s/%s", [input.kind, input.metadata.namespace, input.metadata.name]) if {
	input.metadata.namespace
} else := sprintf("%s %s", [input.kind, object.get(input, ["metadata", "name"], "<unnamed>")])

is_windows if pod_spec.os.name == "windows"

# The minor version of Kubernetes selected with --k8s-version (default: the latest).
latest_minor := 37

minor := to_number(split(trim_prefix(data.tollgate.options.k8s_version, "v"), ".")[1]) if {
	data.tollgate.options.k8s_version
} else := latest_minor

# ---------------------------------------------------------------------------------------
# Helpers taking the object as an argument, for the kubernetes-set policies (input: an
# array of {"path": file, "contents": object}) and for paths to optional fields.

# "Deployment shop/web" for any object.
name_of(obj) := sprintf("%s %s/%s", [obj.kind, obj.metadata.namespace, obj.metadata.name]) if {
	obj.metadata.namespace != ""
} else := sprintf("%s %s", [object.get(obj, "kind", "<no kind>"), object.get(obj, ["metadata", "name"], "<unnamed>")])

# The namespace of an object, "default" when unset or empty.
namespace_of(obj) := ns if {
	ns := obj.metadata.namespace
	is_string(ns)
	ns != ""
} else := "default"

# The path of the pod template's metadata (where its labels are) for a workload kind.
pod_metadata_path_of(kind) := ["metadata"] if kind == "Pod"

pod_metadata_path_of(kind) := ["spec", "template", "metadata"] if kind in template_kinds

pod_metadata_path_of(kind) := ["spec", "jobTemplate", "spec", "template", "metadata"] if kind == "CronJob"

# Every workload document of a kubernetes-set input, with its pod template's labels:
# {"index": i, "object": obj, "namespace": ns, "labels": {...}}.
set_workloads contains {"index": i, "object": obj, "namespace": namespace_of(obj), "labels": labels} if {
	some i, doc in input
	obj := doc.contents
	is_object(obj)
	obj.kind in workload_kinds
	labels := object.get(obj, array.concat(pod_metadata_path_of(obj.kind), ["labels"]), {})
}

# The longest prefix of path that exists in obj: where a missing field would go.
existing_path(obj, path) := path if {
	not _missing(obj, path)
} else := longest if {
	prefixes := [p |
		some n in numbers.range(0, count(path) - 1)
		p := array.slice(path, 0, n)
		not _missing(obj, p)
	]
	longest := prefixes[count(prefixes) - 1]
}

_missing(obj, path) if object.get(obj, path, "__tollgate_missing__") == "__tollgate_missing__"

# Whether a label selector ({matchLabels, matchExpressions}) selects the given labels.
# An empty selector selects everything; callers handle null selectors themselves.
selector_matches(selector, labels) if {
	every k, v in object.get(selector, "matchLabels", {}) {
		labels[k] == v
	}
	every e in object.get(selector, "matchExpressions", []) {
		_expression_matches(e, labels)
	}
}

_expression_matches(e, labels) if {
	e.operator == "In"
	labels[e.key] in e.values
}

_expression_matches(e, labels) if {
	e.operator == "NotIn"
	not labels[e.key] in object.get(e, "values", [])
}

_expression_matches(e, labels) if {
	e.operator == "Exists"
	_ = labels[e.key]
}

_expression_matches(e, labels) if {
	e.operator == "DoesNotExist"
	not _has_key(labels, e.key)
}

_has_key(obj, key) if _ = obj[key]

# ---- Helpers for the Pod Security Standards policies (k8s.pss.*) ----
# (Paths to annotations: pod_metadata_path_of(input.kind); to missing fields: existing_path.)

# The pod-level securityContext (may be absent) and its path.
pod_security_context := object.get(pod_spec, "securityContext", {})

pod_security_context_path := array.concat(pod_spec_path, ["securityContext"])

# `container "app"`, `init container "setup"`, `ephemeral container "debug"`, for messages.
container_kinds := {
	"containers": "container",
	"initContainers": "init container",
	"ephemeralContainers": "ephemeral container",
}

container_desc(entry) := sprintf("%s \"%s\"", [container_kinds[entry.field], entry.container.name])

# spec.hostUsers: false puts the pod in a user namespace (PSA relaxes some checks for it from 1.35).
user_namespace_pod if pod_spec.hostUsers == false

# PSA (policy 1.25+) skips allowPrivilegeEscalation, restricted seccomp and restricted
# capabilities for pods with spec.os.name: windows.
pss_windows_exempt if {
	minor >= 25
	is_windows
}
