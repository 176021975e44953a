# A --combine policy: the input is every document as {path, contents}.
package combine

deny[msg] {
  some i
  svc := input[i].contents
  svc.kind == "Service"
  not selects_any(svc)
  msg := sprintf("Service %s selects no Deployment", [svc.metadata.name])
}

selects_any(svc) {
  d := input[_].contents
  d.kind == "Deployment"
  d.spec.selector.matchLabels.app == svc.spec.selector.app
}
