//! Finding input files: explicit files, directories walked in sorted order (skipping
//! hidden entries such as `.git`), and standard input.

use std::path::Path;

use anyhow::{Context, Result, bail};
use tollgate_engine::input::Format;
pub use tollgate_engine::run::Target;

use crate::args::InputArgs;

pub fn targets(paths: &[String], args: &InputArgs) -> Result<Vec<Target>> {
    let forced = args.parser.as_deref().map(Format::from_name).transpose()?;
    let ignore = args
        .ignore
        .as_deref()
        .map(regex::Regex::new)
        .transpose()
        .context("invalid --ignore pattern")?;
    let mut targets = Vec::new();
    for path in paths {
        if path == "-" {
            targets.push(Target {
                path: path.clone(),
                format: forced.unwrap_or(Format::Yaml),
            });
            continue;
        }
        let metadata =
            std::fs::metadata(path).with_context(|| format!("{path}: cannot read input"))?;
        if metadata.is_file() {
            let Some(format) = forced.or_else(|| Format::detect(Path::new(path))) else {
                bail!(
                    "{path}: unknown file type (use --parser; supported: yaml, json, hcl2, dockerfile, toml, ini)"
                );
            };
            targets.push(Target {
                path: path.clone(),
                format,
            });
            continue;
        }
        let walker = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = entry.with_context(|| format!("{path}: cannot walk directory"))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let display = entry.path().display().to_string();
            if ignore.as_ref().is_some_and(|re| re.is_match(&display)) {
                continue;
            }
            // In a directory, a name without an extension is a Dockerfile or not an input.
            let detected = forced.or_else(|| match Format::detect(entry.path()) {
                Some(Format::Yaml) if entry.path().extension().is_none() => None,
                other => other,
            });
            if let Some(format) = detected {
                targets.push(Target {
                    path: display,
                    format,
                });
            }
        }
    }
    Ok(targets)
}
