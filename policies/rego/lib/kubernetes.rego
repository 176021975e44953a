# METADATA
# title: Kubernetes helpers for the bundled policies
# description: >-
#   Where the pod spec of every workload kind lives, every container with its path
#   (containers, initContainers, ephemeralContainers), how to name an object in a message,
#   and the selected Kubernetes version for the version-gated Pod Security checks.
package tollgate.lib.kubernetes

import rego.v1

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
