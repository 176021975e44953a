# Kubernetes benchmark policies (conftest style, Rego v1 syntax).
#
# 20 rule definitions, one body each:
#   deny_privileged              container securityContext.privileged: true
#   deny_latest_tag              image tagged :latest
#   deny_untagged_image          image with neither tag nor digest
#   deny_missing_cpu_limit       container without resources.limits.cpu
#   deny_missing_memory_limit    container without resources.limits.memory
#   deny_host_network            pod spec hostNetwork: true
#   deny_host_namespaces         pod spec hostPID / hostIPC: true
#   deny_run_as_root             runAsUser: 0 (pod or container securityContext)
#   deny_privilege_escalation    allowPrivilegeEscalation: true
#   deny_dangerous_capabilities  capabilities.add has ALL/SYS_ADMIN/NET_ADMIN/SYS_PTRACE
#   deny_host_path               hostPath volume
#   deny_service_nodeport        Service of type NodePort
#   deny_ingress_no_tls          Ingress without spec.tls
#   deny_configmap_secrets       ConfigMap key that looks like a credential
#   warn_missing_requests        container without resources.requests
#   warn_run_as_non_root         container not forced to runAsNonRoot (pod or container)
#   warn_readonly_root_fs        container without readOnlyRootFilesystem: true
#   warn_missing_probes          Deployment/StatefulSet/DaemonSet container without liveness/readiness probe
#   warn_missing_labels          object without app.kubernetes.io/name or app label
#   violation_single_replica     Deployment/StatefulSet with fewer than 2 replicas
#
# Every rule yields {"msg": string, "path": [keys and indexes into the document]}.
# Every rule is guarded by is_k8s (a document with string apiVersion and kind), so it
# is a no-op on Terraform and other inputs. Helpers are not named deny*/warn*/violation*.
package main

import rego.v1

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

is_k8s if {
	is_object(input)
	is_string(input.apiVersion)
	is_string(input.kind)
}

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

default k8s_name := "unnamed"

k8s_name := input.metadata.name if is_string(input.metadata.name)

k8s_ref := sprintf("%s/%s", [input.kind, k8s_name]) if is_k8s

# Where the pod spec lives, per kind (kinds are exclusive, so no conflicts).
pod_spec_path := ["spec"] if {
	is_k8s
	input.kind == "Pod"
}

pod_spec_path := ["spec", "template", "spec"] if {
	is_k8s
	input.kind in workload_kinds
}

pod_spec_path := ["spec", "jobTemplate", "spec", "template", "spec"] if {
	is_k8s
	input.kind == "CronJob"
}

pod_spec := input.spec if {
	is_k8s
	input.kind == "Pod"
}

pod_spec := input.spec.template.spec if {
	is_k8s
	input.kind in workload_kinds
}

pod_spec := input.spec.jobTemplate.spec.template.spec if {
	is_k8s
	input.kind == "CronJob"
}

# Every container with its path, e.g.
# {"field": "containers", "container": {...}, "path": ["spec", "template", "spec", "containers", 0]}
containers contains {"field": field, "container": c, "path": array.concat(pod_spec_path, [field, i])} if {
	is_object(pod_spec)
	some field in ["initContainers", "containers"]
	is_array(pod_spec[field])
	some i, c in pod_spec[field]
	is_object(c)
}

# Only the long-running (non-init) containers.
main_containers contains e if {
	some e in containers
	e.field == "containers"
}

container_name(e) := object.get(e.container, "name", "unnamed")

# The pod-level securityContext and each container's, with their paths.
security_contexts contains {"ctx": pod_spec.securityContext, "path": array.concat(pod_spec_path, ["securityContext"]), "what": "pod"} if {
	is_object(pod_spec)
	is_object(pod_spec.securityContext)
}

security_contexts contains {"ctx": sc, "path": array.concat(e.path, ["securityContext"]), "what": sprintf("container %s", [container_name(e)])} if {
	some e in containers
	sc := e.container.securityContext
	is_object(sc)
}

image_of(e) := e.container.image if is_string(e.container.image)

dangerous_capabilities := {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE"}

credential_words := ["password", "passwd", "secret", "token", "apikey", "api_key", "private_key"]

labeled_kinds := workload_kinds | {"Pod", "CronJob", "Service", "Ingress"}

# ---------------------------------------------------------------------------
# deny
# ---------------------------------------------------------------------------

deny_privileged contains result if {
	some e in containers
	e.container.securityContext.privileged == true
	result := {
		"msg": sprintf("%s: container %s runs privileged", [k8s_ref, container_name(e)]),
		"path": array.concat(e.path, ["securityContext", "privileged"]),
	}
}

deny_latest_tag contains result if {
	some e in containers
	image := image_of(e)
	endswith(image, ":latest")
	result := {
		"msg": sprintf("%s: container %s uses the :latest tag (%s)", [k8s_ref, container_name(e), image]),
		"path": array.concat(e.path, ["image"]),
	}
}

deny_untagged_image contains result if {
	some e in containers
	image := image_of(e)
	not contains(image, "@")
	parts := split(image, "/")
	not contains(parts[count(parts) - 1], ":")
	result := {
		"msg": sprintf("%s: container %s image %s has no tag or digest", [k8s_ref, container_name(e), image]),
		"path": array.concat(e.path, ["image"]),
	}
}

deny_missing_cpu_limit contains result if {
	some e in containers
	not e.container.resources.limits.cpu
	result := {
		"msg": sprintf("%s: container %s has no CPU limit", [k8s_ref, container_name(e)]),
		"path": e.path,
	}
}

deny_missing_memory_limit contains result if {
	some e in containers
	not e.container.resources.limits.memory
	result := {
		"msg": sprintf("%s: container %s has no memory limit", [k8s_ref, container_name(e)]),
		"path": e.path,
	}
}

deny_host_network contains result if {
	is_object(pod_spec)
	pod_spec.hostNetwork == true
	result := {
		"msg": sprintf("%s: pod uses the host network", [k8s_ref]),
		"path": array.concat(pod_spec_path, ["hostNetwork"]),
	}
}

deny_host_namespaces contains result if {
	is_object(pod_spec)
	some field in ["hostPID", "hostIPC"]
	pod_spec[field] == true
	result := {
		"msg": sprintf("%s: pod shares the host's %s namespace", [k8s_ref, field]),
		"path": array.concat(pod_spec_path, [field]),
	}
}

deny_run_as_root contains result if {
	some s in security_contexts
	s.ctx.runAsUser == 0
	result := {
		"msg": sprintf("%s: %s runs as root (runAsUser: 0)", [k8s_ref, s.what]),
		"path": array.concat(s.path, ["runAsUser"]),
	}
}

deny_privilege_escalation contains result if {
	some e in containers
	e.container.securityContext.allowPrivilegeEscalation == true
	result := {
		"msg": sprintf("%s: container %s allows privilege escalation", [k8s_ref, container_name(e)]),
		"path": array.concat(e.path, ["securityContext", "allowPrivilegeEscalation"]),
	}
}

deny_dangerous_capabilities contains result if {
	some e in containers
	some j, cap in e.container.securityContext.capabilities.add
	is_string(cap)
	upper(cap) in dangerous_capabilities
	result := {
		"msg": sprintf("%s: container %s adds capability %s", [k8s_ref, container_name(e), cap]),
		"path": array.concat(e.path, ["securityContext", "capabilities", "add", j]),
	}
}

deny_host_path contains result if {
	is_object(pod_spec)
	some i, volume in pod_spec.volumes
	is_object(volume.hostPath)
	result := {
		"msg": sprintf("%s: volume %s mounts host path %v", [k8s_ref, object.get(volume, "name", "unnamed"), object.get(volume.hostPath, "path", "?")]),
		"path": array.concat(pod_spec_path, ["volumes", i, "hostPath"]),
	}
}

deny_service_nodeport contains result if {
	is_k8s
	input.kind == "Service"
	input.spec.type == "NodePort"
	result := {
		"msg": sprintf("%s: NodePort services expose every node; use ClusterIP behind an Ingress", [k8s_ref]),
		"path": ["spec", "type"],
	}
}

deny_ingress_no_tls contains result if {
	is_k8s
	input.kind == "Ingress"
	is_object(input.spec)
	not input.spec.tls
	result := {
		"msg": sprintf("%s: Ingress serves plain HTTP (no spec.tls)", [k8s_ref]),
		"path": ["spec"],
	}
}

deny_configmap_secrets contains result if {
	is_k8s
	input.kind == "ConfigMap"
	is_object(input.data)
	some key, _ in input.data
	lowered := lower(key)
	some word in credential_words
	contains(lowered, word)
	result := {
		"msg": sprintf("%s: key %s looks like a credential; use a Secret", [k8s_ref, key]),
		"path": ["data", key],
	}
}

# ---------------------------------------------------------------------------
# warn
# ---------------------------------------------------------------------------

warn_missing_requests contains result if {
	some e in containers
	not e.container.resources.requests
	result := {
		"msg": sprintf("%s: container %s has no resource requests", [k8s_ref, container_name(e)]),
		"path": e.path,
	}
}

warn_run_as_non_root contains result if {
	some e in main_containers
	not e.container.securityContext.runAsNonRoot == true
	not pod_spec.securityContext.runAsNonRoot == true
	result := {
		"msg": sprintf("%s: container %s is not required to run as non-root", [k8s_ref, container_name(e)]),
		"path": e.path,
	}
}

warn_readonly_root_fs contains result if {
	some e in main_containers
	not e.container.securityContext.readOnlyRootFilesystem == true
	result := {
		"msg": sprintf("%s: container %s has a writable root filesystem", [k8s_ref, container_name(e)]),
		"path": e.path,
	}
}

warn_missing_probes contains result if {
	is_k8s
	input.kind in {"Deployment", "StatefulSet", "DaemonSet"}
	some e in main_containers
	some probe in ["livenessProbe", "readinessProbe"]
	not e.container[probe]
	result := {
		"msg": sprintf("%s: container %s has no %s", [k8s_ref, container_name(e), probe]),
		"path": e.path,
	}
}

warn_missing_labels contains result if {
	is_k8s
	input.kind in labeled_kinds
	not input.metadata.labels["app.kubernetes.io/name"]
	not input.metadata.labels.app
	result := {
		"msg": sprintf("%s: missing the app.kubernetes.io/name (or app) label", [k8s_ref]),
		"path": ["metadata"],
	}
}

# ---------------------------------------------------------------------------
# violation
# ---------------------------------------------------------------------------

violation_single_replica contains result if {
	is_k8s
	input.kind in {"Deployment", "StatefulSet"}
	replicas := input.spec.replicas
	is_number(replicas)
	replicas < 2
	result := {
		"msg": sprintf("%s: %v replica(s) gives no availability during rollouts or node loss", [k8s_ref, replicas]),
		"path": ["spec", "replicas"],
	}
}
