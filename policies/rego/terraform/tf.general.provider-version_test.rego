package tollgate.tf.general.provider_version_test

import rego.v1

import data.tollgate.tf.general.provider_version as policy

paths(inp) := {r.path | some r in policy.warn with input as inp}

test_object_and_string_forms_with_versions if {
	inp := {
		"terraform": [{"required_providers": [{
			"aws": {"source": "hashicorp/aws", "version": "~> 5.0"},
			"random": "~> 3.0",
			"tls": {"source": "hashicorp/tls", "version": "${var.v}"},
		}]}],
		"provider": {"aws": [{"region": "eu-west-1"}, {"alias": "us", "region": "us-east-1"}]},
	}
	paths(inp) == set()
}

test_object_without_version if {
	inp := {"terraform": [{"required_providers": [{"aws": {"source": "hashicorp/aws", "version": "~> 5.0"}, "google": {"source": "hashicorp/google"}}]}]}
	res := policy.warn with input as inp
	res == {{"msg": "required provider \"google\" has no version constraint", "path": ["terraform", 0, "required_providers", 0, "google"]}}
}

test_empty_version_in_second_block if {
	inp := {"terraform": [
		{"required_version": ">= 1.5"},
		{"required_providers": [{"aws": {"source": "hashicorp/aws", "version": ""}, "null": ""}]},
	]}
	res := policy.warn with input as inp
	res == {
		{"msg": "required provider \"aws\" has no version constraint", "path": ["terraform", 1, "required_providers", 0, "aws"]},
		{"msg": "required provider \"null\" has an empty version constraint", "path": ["terraform", 1, "required_providers", 0, "null"]},
	}
}

test_provider_not_declared if {
	inp := {"provider": {"aws": [{"region": "eu-west-1"}]}}
	res := policy.warn with input as inp
	res == {{"msg": "provider \"aws\" is not in required_providers and has no version constraint", "path": ["provider", "aws", 0]}}
}

test_provider_with_legacy_version_argument if {
	paths({"provider": {"aws": [{"region": "eu-west-1", "version": "~> 2.0"}]}}) == set()
}

test_declared_in_another_file_block if {
	inp := {
		"terraform": [{"required_version": ">= 1.5"}, {"required_providers": [{"aws": {"source": "hashicorp/aws", "version": "~> 5.0"}}]}],
		"provider": {"aws": [{"region": "eu-west-1"}]},
	}
	paths(inp) == set()
}
