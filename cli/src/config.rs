//! conftest.toml: keys are flag names; a flag given on the command line wins.

use std::path::Path;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use crate::args::Cli;

const DEFAULT_CONFIG: &str = "conftest.toml";

/// Parses the command line, filling flags the user did not give from the config file.
pub fn parse_with_config() -> Result<Cli, clap::Error> {
    let argv: Vec<String> = std::env::args().collect();
    let matches = Cli::command().try_get_matches_from(&argv)?;
    let Some((name, sub)) = matches.subcommand() else {
        return Cli::from_arg_matches(&matches);
    };
    // `webhook` has its own YAML configuration, never conftest.toml.
    if name == "parse" || name == "webhook" {
        return Cli::from_arg_matches(&matches);
    }
    let explicit = sub
        .try_get_one::<std::path::PathBuf>("config")
        .ok()
        .flatten()
        .cloned();
    let path = explicit
        .clone()
        .unwrap_or_else(|| Path::new(DEFAULT_CONFIG).to_path_buf());
    if explicit.is_none() && !path.exists() {
        return Cli::from_arg_matches(&matches);
    }
    let extra = config_args(&path, name, sub)
        .map_err(|message| Cli::command().error(clap::error::ErrorKind::InvalidValue, message))?;
    if extra.is_empty() {
        return Cli::from_arg_matches(&matches);
    }
    // Config values go right after the subcommand, so positional arguments keep their place.
    let position = argv
        .iter()
        .position(|a| a == name)
        .map_or(argv.len(), |i| i + 1);
    let mut merged = argv[..position].to_vec();
    merged.extend(extra);
    merged.extend_from_slice(&argv[position..]);
    let matches = Cli::command().try_get_matches_from(&merged)?;
    Cli::from_arg_matches(&matches)
}

fn config_args(path: &Path, name: &str, sub: &ArgMatches) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("invalid config file {}: {e}", path.display()))?;
    let mut args = Vec::new();
    for (key, value) in table {
        let id = key.replace('-', "_");
        let command = Cli::command();
        let known = command
            .find_subcommand(name)
            .is_some_and(|c| c.get_arguments().any(|a| a.get_id().as_str() == id));
        if !known {
            return Err(format!(
                "{}: unknown key {key:?} (keys are the flag names, e.g. policy, namespace, output)",
                path.display()
            ));
        }
        if sub.value_source(&id) == Some(ValueSource::CommandLine) {
            continue;
        }
        let flag = format!("--{key}");
        match value {
            toml::Value::Boolean(true) => args.push(flag),
            toml::Value::Boolean(false) => {}
            toml::Value::Array(items) => {
                for item in items {
                    args.push(flag.clone());
                    args.push(scalar(&key, item)?);
                }
            }
            other => {
                args.push(flag);
                args.push(scalar(&key, other)?);
            }
        }
    }
    Ok(args)
}

fn scalar(key: &str, value: toml::Value) -> Result<String, String> {
    match value {
        toml::Value::String(s) => Ok(s),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Float(f) => Ok(f.to_string()),
        other => Err(format!("config key {key:?}: unsupported value {other}")),
    }
}
