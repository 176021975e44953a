//! Config files: conftest.toml, or tollgate's `.tollgate.yaml` (e.g. `pss`, `k8s-version`,
//! `skip`, `only`). Keys are flag names; a flag given on the command line wins.

use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use serde_json::Value;
use tollgate_engine::input::{self, Format, PathSegment};
use tollgate_engine::limits::Limits;

use crate::args::Cli;

/// Looked for in the working directory, in this order, when `--config` is not given.
const DEFAULT_CONFIGS: [&str; 3] = ["conftest.toml", ".tollgate.yaml", ".tollgate.yml"];

/// Parses the command line, filling flags the user did not give from the config file.
pub fn parse_with_config() -> Result<Cli, clap::Error> {
    let argv: Vec<String> = std::env::args().collect();
    let matches = Cli::command().try_get_matches_from(&argv)?;
    let Some((name, sub)) = matches.subcommand() else {
        return Cli::from_arg_matches(&matches);
    };
    // conftest.toml holds policy flags; `parse`, `sbom` (which has subcommands of its own)
    // the supply-chain commands and `webhook` (its own YAML configuration) take none.
    if matches!(
        name,
        "parse" | "blob" | "sbom" | "image" | "sign" | "attest" | "generate-key-pair" | "webhook"
    ) {
        return Cli::from_arg_matches(&matches);
    }
    let explicit = sub
        .try_get_one::<std::path::PathBuf>("config")
        .ok()
        .flatten()
        .cloned();
    let Some(path) = explicit.or_else(|| {
        DEFAULT_CONFIGS
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
    }) else {
        return Cli::from_arg_matches(&matches);
    };
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
    let entries = read_entries(path)?;
    let mut args = Vec::new();
    for (key, value, line) in entries {
        let at = match line {
            Some(line) => format!("{}:{line}", path.display()),
            None => path.display().to_string(),
        };
        let id = key.replace('-', "_");
        let command = Cli::command();
        let known = command
            .find_subcommand(name)
            .is_some_and(|c| c.get_arguments().any(|a| a.get_id().as_str() == id));
        if !known {
            return Err(format!(
                "{at}: unknown key {key:?} for `tollgate {name}` (keys are the flag names, e.g. policy, output, pss, skip)"
            ));
        }
        if sub.value_source(&id) == Some(ValueSource::CommandLine) {
            continue;
        }
        let flag = format!("--{key}");
        match value {
            Value::Bool(true) => args.push(flag),
            Value::Bool(false) | Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    args.push(flag.clone());
                    args.push(scalar(&at, &key, item)?);
                }
            }
            other => {
                args.push(flag);
                args.push(scalar(&at, &key, other)?);
            }
        }
    }
    Ok(args)
}

/// The top-level keys of a config file with their values and, for YAML, their lines.
fn read_entries(path: &Path) -> Result<Vec<(String, Value, Option<u32>)>, String> {
    let display = path.display().to_string();
    let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if !is_yaml {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config file {display}: {e}"))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e| format!("invalid config file {display}: {e}"))?;
        let value = serde_json::to_value(table)
            .map_err(|e| format!("invalid config file {display}: {e}"))?;
        let Value::Object(object) = value else {
            return Ok(Vec::new());
        };
        return Ok(object.into_iter().map(|(k, v)| (k, v, None)).collect());
    }
    let file = input::load(&display, Format::Yaml, &Limits::default())
        .map_err(|e| format!("invalid config file {e}"))?;
    match file.documents.as_slice() {
        [] => Ok(Vec::new()),
        [document] => match &document.value {
            Value::Object(object) => Ok(object
                .iter()
                .map(|(key, value)| {
                    let line = file.locate(0, &[PathSegment::Key(key.clone())]).line;
                    (key.clone(), value.clone(), Some(line))
                })
                .collect()),
            Value::Null => Ok(Vec::new()),
            _ => Err(format!(
                "{display}: the config must be a mapping of flag names to values"
            )),
        },
        _ => Err(format!(
            "{display}: the config must be a single YAML document"
        )),
    }
}

fn scalar(at: &str, key: &str, value: Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(n) if n.is_f64() => Err(format!(
            "{at}: key {key:?}: {n} is read as a number; quote it (e.g. \"1.30\"), as YAML and TOML read 1.30 as 1.3"
        )),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!(
            "{at}: key {key:?}: expected a string, number or list of them, found {other}"
        )),
    }
}
