//! `tollgate sbom check|normalize`: SBOMs validated, bound to the artifact they describe,
//! and checked by the bundled SBOM policies and the user's own, reported like `test`.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde_json::{Map, Value};
use tollgate_engine::input::{InputError, InputKind};
use tollgate_engine::limits::Limits;
use tollgate_engine::policy::{Namespace, PolicyOptions, PolicySet};
use tollgate_engine::report::{CheckResult, FileError, RenderOptions, Report};
use tollgate_engine::sbom::{self, Sbom, binding, check};

use crate::args::{BundledArgs, SbomArgs, SbomCheckArgs, SbomCommand, SbomNormalizeArgs};
use crate::output;
use crate::output::outln;

pub fn run(args: &SbomArgs) -> Result<u8> {
    match &args.command {
        SbomCommand::Check(args) => run_check(args),
        SbomCommand::Normalize(args) => run_normalize(args),
    }
}

/// A file to check, and whether the user named it (a file found in a directory that
/// turns out not to be an SBOM is skipped rather than reported).
struct Target {
    path: String,
    named: bool,
}

fn run_check(args: &SbomCheckArgs) -> Result<u8> {
    let outputs = output::parse_outputs(&args.report.output)?;
    let digest = match (&args.subject, &args.subject_digest) {
        (Some(path), _) => Some(
            binding::file_digest(path)
                .with_context(|| format!("{}: cannot read the subject", path.display()))?,
        ),
        (None, Some(text)) => Some(binding::parse_digest(text).map_err(anyhow::Error::msg)?),
        (None, None) => None,
    };
    let limits = args.limits.limits(args.policy.eval_timeout);
    // The first file is read while the policies load: for one large SBOM, its parse
    // takes as long as loading and compiling the policies.
    let (loaded, listed) = rayon::join(
        || load(args, limits),
        || {
            targets(&args.paths).map(|targets| {
                let first = targets.first().map(|target| read(target, &limits));
                (targets, Mutex::new(first))
            })
        },
    );
    let (policies, namespaces, validation_skip) = loaded?;
    let (targets, first) = listed?;
    let checked: Vec<(Vec<CheckResult>, Vec<FileError>)> = targets
        .par_iter()
        .enumerate()
        .map(|(index, target)| {
            let read_ahead = if index == 0 {
                first.lock().ok().and_then(|mut first| first.take())
            } else {
                None
            };
            let sbom = read_ahead.unwrap_or_else(|| read(target, &limits));
            check_one(
                &policies,
                &namespaces,
                sbom,
                digest.as_deref(),
                &validation_skip,
            )
        })
        .collect();
    let mut report = Report::default();
    for (results, errors) in checked {
        report.results.extend(results);
        report.errors.extend(errors);
    }
    for error in &report.errors {
        eprintln!("Error: {error}");
    }
    let code = report.exit_code(args.fail_on_warn);
    let code = if args.no_fail && report.errors.is_empty() {
        0
    } else {
        code
    };
    if !(args.report.quiet && code == 0) {
        let options = RenderOptions {
            color: !args.report.no_color && std::io::stdout().is_terminal(),
            suppress_exceptions: args.suppress_exceptions,
            junit_hide_message: args.report.junit_hide_message,
            show_skipped: false,
            fail_on_warn: args.fail_on_warn,
        };
        output::write(&report, &outputs, &options)?;
    }
    Ok(u8::try_from(code).unwrap_or(1))
}

/// The policy set, the namespaces to run over SBOMs (the user's, and the bundled SBOM
/// policies when they run), and the validation codes `--skip` names.
fn load(
    args: &SbomCheckArgs,
    limits: Limits,
) -> Result<(PolicySet, Vec<Namespace>, BTreeSet<String>)> {
    let (validation_skip, policy_skip): (Vec<String>, Vec<String>) = args
        .skip
        .iter()
        .cloned()
        .partition(|id| check::is_validation_code(id));
    let loaded = super::load_policies(
        &args.policy,
        PolicyOptions {
            limits,
            ..PolicyOptions::default()
        },
        false,
    )?;
    let mut policies = loaded.policies;
    let applies = |n: &Namespace| n.input.is_none() || n.input == Some(InputKind::Sbom);
    let mut namespaces: Vec<Namespace> = policies
        .select(&args.namespace, args.all_namespaces)?
        .into_iter()
        .filter(|n| !super::is_bundled(n) && !n.rules.is_empty() && applies(n))
        .collect();
    if loaded.bundled {
        let selection = BundledArgs {
            pss: "restricted".into(),
            k8s_version: None,
            skip: policy_skip,
            only: args.only.clone(),
        };
        namespaces.extend(
            super::select_bundled(&mut policies, &selection)?
                .into_iter()
                .filter(|n| n.input == Some(InputKind::Sbom)),
        );
    } else if !policy_skip.is_empty() || !args.only.is_empty() {
        bail!("--skip and --only name bundled policies; add --bundled to run them");
    }
    policies.prepare_for(&namespaces)?;
    policies.compile_rules(super::is_bundled)?;
    Ok((policies, namespaces, validation_skip.into_iter().collect()))
}

/// A target read and analysed; `None` for a file found in a directory that is no SBOM.
fn read(target: &Target, limits: &Limits) -> Result<Option<Sbom>, FileError> {
    let file = sbom::load(&target.path, limits).map_err(file_error)?;
    if !target.named && !sbom::is_sbom(&file.value) {
        return Ok(None);
    }
    sbom::analyze(file).map(Some).map_err(file_error)
}

fn check_one(
    policies: &PolicySet,
    namespaces: &[Namespace],
    sbom: Result<Option<Sbom>, FileError>,
    digest: Option<&str>,
    validation_skip: &BTreeSet<String>,
) -> (Vec<CheckResult>, Vec<FileError>) {
    let analyzed = match sbom {
        Ok(Some(analyzed)) => analyzed,
        Ok(None) => return (Vec::new(), Vec::new()),
        Err(error) => return (Vec::new(), vec![error]),
    };
    let mut errors = Vec::new();
    if let Some(digest) = digest
        && let Err(error) = binding::verify(&analyzed, digest)
    {
        errors.push(error);
    }
    match check::check_sbom_and_free(policies, namespaces, analyzed, validation_skip) {
        Ok(results) => (results, errors),
        Err(error) => {
            errors.push(error);
            (Vec::new(), errors)
        }
    }
}

fn file_error(error: InputError) -> FileError {
    FileError {
        file: error.path,
        position: error.error.position,
        message: error.error.message,
    }
}

/// Files as named; directories walked in sorted order (hidden entries skipped) for
/// `.json`, `.yaml`, `.yml` and `.spdx` files.
fn targets(paths: &[String]) -> Result<Vec<Target>> {
    let mut targets = Vec::new();
    for path in paths {
        if path == "-" || !std::path::Path::new(path).is_dir() {
            targets.push(Target {
                path: path.clone(),
                named: true,
            });
            continue;
        }
        let walker = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = entry.with_context(|| format!("{path}: cannot walk directory"))?;
            let extension = entry
                .path()
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            let wanted = matches!(extension.as_deref(), Some("json" | "yaml" | "yml" | "spdx"));
            if entry.file_type().is_file() && wanted {
                targets.push(Target {
                    path: entry.path().display().to_string(),
                    named: false,
                });
            }
        }
    }
    Ok(targets)
}

fn run_normalize(args: &SbomNormalizeArgs) -> Result<u8> {
    let limits = args.limits.limits(Duration::from_secs(5));
    let mut documents = Vec::new();
    for path in &args.paths {
        let analyzed = sbom::load(path, &limits)
            .and_then(sbom::analyze)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        documents.push((path.clone(), analyzed.normalized.value));
    }
    let value = match documents.len() {
        1 => documents.remove(0).1,
        _ => Value::Object(documents.into_iter().collect::<Map<_, _>>()),
    };
    outln!("{}", serde_json::to_string_pretty(&value)?);
    Ok(0)
}
