# METADATA
# title: Service selector matches no pod template
# description: >-
#   Over every Kubernetes document of the run: a Service with a non-empty spec.selector must
#   select the pod template labels of at least one workload (Pod, Deployment, ReplicaSet,
#   StatefulSet, DaemonSet, Job, CronJob, ReplicationController) in the same namespace (an
#   unset namespace is `default`); otherwise it has no endpoints and every request fails.
#   Services without a selector (manual EndpointSlices) and ExternalName Services are
#   exempt, and so is a run that contains no workload at all (the pods are defined
#   elsewhere, there is nothing to compare with).
# custom:
#   id: k8s.set.service-selector
#   severity: deny
#   input: kubernetes-set
#   remediation: Make the Service's selector equal to (a subset of) the pod template labels of the workload it fronts, in the same namespace.
#   reference: https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
#   example_pass: |
#     apiVersion: apps/v1
#     kind: Deployment
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       selector:
#         matchLabels:
#           app: web
#       template:
#         metadata:
#           labels:
#             app: web
#         spec:
#           containers:
#             - name: web
#               image: nginx:1.27.3
#     ---
#     apiVersion: v1
#     kind: Service
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       selector:
#         app: web
#       ports:
#         - port: 80
#   example_fail: |
#     apiVersion: apps/v1
#     kind: Deployment
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       selector:
#         matchLabels:
#           app: web
#       template:
#         metadata:
#           labels:
#             app: web
#         spec:
#           containers:
#             - name: web
#               image: nginx:1.27.3
#     ---
#     apiVersion: v1
#     kind: Service
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       selector:
#         app: frontend
#       ports:
#         - port: 80
package tollgate.k8s.set.service_selector

import rego.v1

import data.tollgate.lib.kubernetes as k8s

deny contains result if {
	count(data.tollgate.lib.kubernetes.set_workloads) > 0
	some i, doc in input
	svc := doc.contents
	is_object(svc)
	svc.kind == "Service"
	object.get(svc, ["spec", "type"], "ClusterIP") != "ExternalName"
	selector := svc.spec.selector
	is_object(selector)
	count(selector) > 0
	ns := k8s.namespace_of(svc)
	not selects_some(selector, ns)
	shown := concat(", ", sort([sprintf("%s=%v", [k, v]) | some k, v in selector]))
	result := {
		"msg": sprintf("%s: selector %s matches no pod template in namespace %s", [k8s.name_of(svc), shown, ns]),
		"path": [i, "contents", "spec", "selector"],
	}
}

selects_some(selector, ns) if {
	some labels in labels_by_namespace[ns]
	every k, v in selector {
		labels[k] == v
	}
}

# The pod template labels of the workloads, by namespace, gathered once per run.
labels_by_namespace[w.namespace] contains w.labels if some w in data.tollgate.lib.kubernetes.set_workloads
