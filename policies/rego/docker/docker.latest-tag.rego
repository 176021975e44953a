# METADATA
# title: Base image without a pinned tag
# description: >-
#   Every FROM of an external image must name a tag other than latest, or a digest
#   (image@sha256:...). FROM scratch and FROM an earlier stage's name (FROM build, after
#   FROM ... AS build; case-insensitive) are fine. Flags such as --platform are ignored. An
#   image written with build arguments (FROM ${BASE}, FROM node:${NODE_VERSION}) is checked
#   after expanding them with the defaults of the ARGs before the first FROM (and
#   ${VAR:-default}); when one has no default the image is whatever the build passes in,
#   which cannot be shown to be pinned, so it is reported.
# custom:
#   id: docker.latest-tag
#   severity: deny
#   input: dockerfile
#   remediation: Pin the base image to a version tag (FROM node:22.11-alpine) or, better, a digest (FROM node@sha256:...).
#   reference: https://docs.docker.com/build/building/best-practices/#pin-base-image-versions
#   example_pass: |
#     FROM node:22.11-alpine AS build
#     RUN npm ci && npm run build
#
#     FROM nginx:1.27-alpine
#     COPY --from=build /app/dist /usr/share/nginx/html
#   example_fail: |
#     FROM node
#     RUN npm ci && npm run build
package tollgate.docker.latest_tag

import rego.v1

import data.tollgate.lib.docker

froms contains {"index": i, "stage": k, "image": docker.image_of(input[i])} if {
	some k, i in docker.from_indexes
}

fine(_, image) if lower(image) == "scratch"

fine(f, image) if lower(image) in docker.earlier_stage_names(f.stage)

fine(_, image) if contains(image, "@")

tag(image) := t if {
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
}

deny contains result if {
	some f in froms
	image := docker.expand(f.image, docker.global_variables)
	not fine(f, image)
	problem := problem_of(image)
	result := {
		"msg": sprintf("FROM %s%s %s", [f.image, resolved_text(f.image, image), problem]),
		"path": [f.index, "Value", 0],
	}
}

deny contains result if {
	some f in froms
	not docker.expand(f.image, docker.global_variables)
	result := {
		"msg": sprintf("FROM %s takes its image from a build argument without a default, so it cannot be shown to be pinned", [f.image]),
		"path": [f.index, "Value", 0],
	}
}

problem_of(image) := "has no tag, so it pulls latest" if {
	not tag(image)
} else := "uses the latest tag" if {
	tag(image) == "latest"
}

resolved_text(raw, image) := "" if {
	raw == image
} else := sprintf(" (%s)", [image])
