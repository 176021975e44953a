# METADATA
# title: Ingress without TLS
# description: >-
#   An Ingress should terminate TLS (spec.tls with at least one entry), so traffic from
#   clients is encrypted and authenticated. An Ingress without spec.tls, or with an empty
#   list, serves plain HTTP.
# custom:
#   id: k8s.ingress.tls
#   severity: warn
#   input: kubernetes
#   kinds: [Ingress]
#   remediation: Add spec.tls with the hosts and the Secret holding their certificate (e.g. issued by cert-manager).
#   reference: https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
#   example_pass: |
#     apiVersion: networking.k8s.io/v1
#     kind: Ingress
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       tls:
#         - hosts: ["shop.example.com"]
#           secretName: shop-tls
#       rules:
#         - host: shop.example.com
#           http:
#             paths:
#               - path: /
#                 pathType: Prefix
#                 backend:
#                   service:
#                     name: web
#                     port:
#                       number: 80
#   example_fail: |
#     apiVersion: networking.k8s.io/v1
#     kind: Ingress
#     metadata:
#       name: web
#       namespace: shop
#     spec:
#       rules:
#         - host: shop.example.com
#           http:
#             paths:
#               - path: /
#                 pathType: Prefix
#                 backend:
#                   service:
#                     name: web
#                     port:
#                       number: 80
package tollgate.k8s.ingress.tls

import rego.v1

import data.tollgate.lib.kubernetes as k8s

warn contains result if {
	input.kind == "Ingress"
	not count(object.get(input, ["spec", "tls"], [])) > 0
	result := {
		"msg": sprintf("%s has no tls section; it serves plain HTTP", [data.tollgate.lib.kubernetes.name]),
		"path": k8s.existing_path(input, ["spec", "tls"]),
	}
}
