# METADATA
# title: No HEALTHCHECK
# description: >-
#   The final stage should define a HEALTHCHECK so that Docker (and Swarm, Compose) can tell
#   a hung container from a healthy one. The HEALTHCHECK in effect is the last one of the
#   final stage or, when it has none and is built FROM an earlier stage, of that stage.
#   HEALTHCHECK NONE switches the check off and counts as none. A health check inherited
#   from the base image cannot be seen and is not counted.
# custom:
#   id: docker.healthcheck
#   severity: warn
#   input: dockerfile
#   remediation: Add HEALTHCHECK CMD ... (a command that exits 0 when the service is healthy) to the final stage.
#   reference: https://docs.docker.com/reference/dockerfile/#healthcheck
#   example_pass: |
#     FROM nginx:1.27-alpine
#     HEALTHCHECK --interval=30s CMD wget -qO- http://localhost/ || exit 1
#   example_fail: |
#     FROM nginx:1.27-alpine
#     COPY site /usr/share/nginx/html
package tollgate.docker.healthcheck

import rego.v1

import data.tollgate.lib.docker

warn contains result if {
	docker.stage_count > 0
	not docker.last_in_chain("healthcheck")
	result := {
		"msg": sprintf("the final stage (FROM %s) has no HEALTHCHECK", [docker.image_of(input[docker.final_from])]),
		"path": [docker.final_from],
	}
}

warn contains result if {
	h := docker.last_in_chain("healthcheck")
	upper(h.instruction.Value[0]) == "NONE"
	result := {
		"msg": "HEALTHCHECK NONE disables the health check of the final stage",
		"path": [h.index, "Value", 0],
	}
}
