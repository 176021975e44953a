# Dockerfile rules over conftest's instruction list.
package docker

import rego.v1

denied_images := {"openjdk", "ubuntu"}

deny contains msg if {
	some instruction in input
	instruction.Cmd == "from"
	image := split(instruction.Value[0], ":")[0]
	denied_images[image]
	msg := sprintf("base image %q is not allowed", [image])
}

deny_root contains msg if {
	input[0].Cmd
	users := [i | some i in input; i.Cmd == "user"]
	count(users) == 0
	msg := "the image must switch to a non-root USER"
}
