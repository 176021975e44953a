# Rules for TOML, INI and JSON application configuration.
package config

import rego.v1

deny contains msg if {
	input.server.debug == true
	msg := "debug mode must be off in production configuration"
}

warn contains msg if {
	input.database.port == 5432
	msg := "the database listens on the default port"
}
