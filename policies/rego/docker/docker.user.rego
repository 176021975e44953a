# METADATA
# title: Container runs as root
# description: >-
#   The final stage must switch to a non-root user: its last USER (or, when the final stage
#   is built FROM an earlier stage and sets no USER itself, that stage's last USER) must not
#   be root or 0 (root, 0, root:root, 0:0, root:staff all are; 1000:0 is not, the group
#   does not matter). A final stage without any USER runs as the base image's user, which
#   tollgate cannot see and which is root for most images, so it is reported. Builder
#   stages may run as root. USER values with variables are expanded from ARG defaults and
#   ENV values of the stages involved; a value that cannot be expanded is not reported.
# custom:
#   id: docker.user
#   severity: deny
#   input: dockerfile
#   remediation: Add a USER instruction with a non-root user (e.g. USER 10001 or USER app) to the final stage.
#   reference: https://docs.docker.com/build/building/best-practices/#user
#   example_pass: |
#     FROM golang:1.22 AS build
#     RUN go build -o /app .
#
#     FROM gcr.io/distroless/static:nonroot
#     COPY --from=build /app /app
#     USER 65532:65532
#     ENTRYPOINT ["/app"]
#   example_fail: |
#     FROM ubuntu:24.04
#     RUN apt-get update && apt-get install -y curl
#     USER root
#     CMD ["bash"]
package tollgate.docker.user

import rego.v1

import data.tollgate.lib.docker

root_users := {"root", "0"}

# The variables visible to USER: global ARG defaults and the final chain's ARG/ENV values.
vars := docker.variables(docker.final_chain | {-1})

user_of(value) := trim_space(split(docker.expand(value, vars), ":")[0])

deny contains result if {
	docker.stage_count > 0
	not docker.last_in_chain("user")
	from := input[docker.final_from]
	result := {
		"msg": sprintf("the final stage (FROM %s) sets no USER, so it runs as root", [docker.image_of(from)]),
		"path": [docker.final_from],
	}
}

deny contains result if {
	u := docker.last_in_chain("user")
	value := u.instruction.Value[0]
	user_of(value) in root_users
	result := {
		"msg": sprintf("USER %s is the last USER of the final stage, so it runs as root", [value]),
		"path": [u.index, "Value", 0],
	}
}
