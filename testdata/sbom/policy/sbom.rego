# A user policy over the normalised SBOM shape: every package must record a sha256.
package main

import rego.v1

deny contains result if {
	input.format
	some i, pkg in input.packages
	not pkg.hashes.sha256
	result := {"msg": sprintf("package %s has no sha256 hash", [pkg.name]), "path": ["packages", i, "hashes"]}
}
