# A policy written for conftest, in the Rego v0 syntax its users still have.
package main

deny[msg] {
  input.kind == "Deployment"
  not input.spec.template.spec.securityContext.runAsNonRoot
  msg := sprintf("Containers must not run as root in Deployment %s", [input.metadata.name])
}

deny[msg] {
  input.kind == "Deployment"
  not input.spec.selector.matchLabels.app
  msg := "Containers must provide app label for pod selectors"
}

violation_image_tag[{"msg": msg, "details": {"image": image}}] {
  input.kind == "Deployment"
  image := input.spec.template.spec.containers[_].image
  endswith(image, ":latest")
  msg := sprintf("image %s uses latest", [image])
}

warn[msg] {
  input.kind == "Service"
  input.spec.type == "LoadBalancer"
  msg := sprintf("Service %s is a LoadBalancer", [input.metadata.name])
}

exception[rules] {
  input.metadata.name == "legacy"
  rules := ["image_tag"]
}
