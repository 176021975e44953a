# METADATA
# title: Service account token mounted without need
# description: >-
#   A pod should not get a Kubernetes API token unless it talks to the API. Every workload
#   kind's pod spec must set automountServiceAccountToken: false, unless it declares that it
#   needs the API: automountServiceAccountToken: true set explicitly together with a
#   dedicated serviceAccountName (anything but `default`), the account its RBAC is bound to.
#   An unset field warns (the token is mounted by default), and so does an explicit true
#   under the `default` service account.
# custom:
#   id: k8s.workload.service-account-token
#   severity: warn
#   input: kubernetes
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, CronJob]
#   remediation: Set automountServiceAccountToken to false in the pod spec, or to true with a dedicated serviceAccountName if the pod calls the API.
#   reference: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
#   example_pass: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       automountServiceAccountToken: false
#       containers:
#         - name: web
#           image: nginx:1.27.3
#   example_fail: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       containers:
#         - name: web
#           image: nginx:1.27.3
package tollgate.k8s.workload.service_account_token

import rego.v1

import data.tollgate.lib.kubernetes as k8s

# serviceAccount is the deprecated alias of serviceAccountName.
service_account := object.get(data.tollgate.lib.kubernetes.pod_spec, "serviceAccountName", object.get(data.tollgate.lib.kubernetes.pod_spec, "serviceAccount", "default"))

warn contains result if {
	data.tollgate.lib.kubernetes.is_workload
	not "automountServiceAccountToken" in object.keys(data.tollgate.lib.kubernetes.pod_spec)
	result := {
		"msg": sprintf("%s mounts a service account token by default; set automountServiceAccountToken: false", [data.tollgate.lib.kubernetes.name]),
		"path": data.tollgate.lib.kubernetes.pod_spec_path,
	}
}

warn contains result if {
	data.tollgate.lib.kubernetes.is_workload
	automount := data.tollgate.lib.kubernetes.pod_spec.automountServiceAccountToken
	automount != false
	service_account in {"default", ""}
	result := {
		"msg": sprintf("%s sets automountServiceAccountToken: %v under the default service account; use a dedicated serviceAccountName or set it to false", [data.tollgate.lib.kubernetes.name, automount]),
		"path": array.concat(data.tollgate.lib.kubernetes.pod_spec_path, ["automountServiceAccountToken"]),
	}
}
