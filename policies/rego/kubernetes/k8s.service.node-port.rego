# METADATA
# title: Service of type NodePort
# description: >-
#   A Service of type NodePort opens its port on every node of the cluster, bypassing
#   ingress controllers and load balancers and any policy they enforce. Prefer ClusterIP
#   behind an Ingress or Gateway, or a LoadBalancer.
# custom:
#   id: k8s.service.node-port
#   severity: warn
#   input: kubernetes
#   kinds: [Service]
#   remediation: Use type ClusterIP (behind an Ingress or Gateway) or LoadBalancer instead of NodePort.
#   reference: https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
#   example_pass: |
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
#           targetPort: 8080
#   example_fail: |
#     apiVersion: v1
#     kind: Service
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       type: NodePort
#       selector:
#         app: web
#       ports:
#         - port: 80
#           targetPort: 8080
#           nodePort: 30080
package tollgate.k8s.service.node_port

import rego.v1

import data.tollgate.lib.kubernetes as k8s

warn contains result if {
	input.kind == "Service"
	input.spec.type == "NodePort"
	result := {
		"msg": sprintf("%s is of type NodePort, exposed on every node", [data.tollgate.lib.kubernetes.name]),
		"path": ["spec", "type"],
	}
}
