# METADATA
# title: Object in the default namespace
# description: >-
#   Namespaced objects should live in a dedicated namespace, not in `default` and not
#   without metadata.namespace (which lands in whatever namespace the applying context
#   uses, usually `default`). Cluster-scoped kinds are exempt: the built-in ones (Namespace,
#   Node, PersistentVolume, StorageClass, ClusterRole, ClusterRoleBinding,
#   CustomResourceDefinition, PriorityClass, RuntimeClass, IngressClass, webhook and
#   admission policy configurations, APIService, CSIDriver, ...) and any kind whose name
#   starts with `Cluster` (ClusterIssuer, ClusterPolicy, ClusterSecretStore, ...).
# custom:
#   id: k8s.workload.default-namespace
#   severity: warn
#   input: kubernetes
#   remediation: Set metadata.namespace to a dedicated namespace (or let kustomize/helm set it consistently).
#   reference: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
#   example_pass: |
#     apiVersion: v1
#     kind: ConfigMap
#     metadata:
#       name: settings
#       namespace: shop
#     data:
#       mode: production
#   example_fail: |
#     apiVersion: v1
#     kind: ConfigMap
#     metadata:
#       name: settings
#     data:
#       mode: production
package tollgate.k8s.workload.default_namespace

import rego.v1

import data.tollgate.lib.kubernetes as k8s

cluster_scoped_kinds := {
	"APIService",
	"CertificateSigningRequest",
	"ClusterTrustBundle",
	"ComponentStatus",
	"CSIDriver",
	"CSINode",
	"CustomResourceDefinition",
	"DeviceClass",
	"FlowSchema",
	"IngressClass",
	"IPAddress",
	"List",
	"MutatingAdmissionPolicy",
	"MutatingAdmissionPolicyBinding",
	"MutatingWebhookConfiguration",
	"Namespace",
	"Node",
	"PersistentVolume",
	"PodSecurityPolicy",
	"PriorityClass",
	"PriorityLevelConfiguration",
	"ResourceSlice",
	"RuntimeClass",
	"SelfSubjectAccessReview",
	"SelfSubjectReview",
	"SelfSubjectRulesReview",
	"ServiceCIDR",
	"StorageClass",
	"StorageVersion",
	"StorageVersionMigration",
	"SubjectAccessReview",
	"TokenReview",
	"ValidatingAdmissionPolicy",
	"ValidatingAdmissionPolicyBinding",
	"ValidatingWebhookConfiguration",
	"VolumeAttachment",
	"VolumeAttributesClass",
}

namespaced if {
	is_string(input.kind)
	not input.kind in cluster_scoped_kinds
	not startswith(input.kind, "Cluster")
}

warn contains result if {
	namespaced
	not has_namespace
	result := {
		"msg": sprintf("%s has no metadata.namespace; it lands in the applying context's namespace, usually default", [k8s.name_of(input)]),
		"path": k8s.existing_path(input, ["metadata", "namespace"]),
	}
}

warn contains result if {
	namespaced
	input.metadata.namespace == "default"
	result := {
		"msg": sprintf("%s is in the default namespace", [k8s.name_of(input)]),
		"path": ["metadata", "namespace"],
	}
}

has_namespace if {
	is_string(input.metadata.namespace)
	input.metadata.namespace != ""
}
