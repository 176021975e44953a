//! `tollgate test`: parse inputs in parallel, evaluate them, render every output.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;
use tollgate_engine::check;
use tollgate_engine::input::{self, InputFile};
use tollgate_engine::policy::PolicyOptions;
use tollgate_engine::report::{FileError, RenderOptions, Report};

use crate::args::TestArgs;
use crate::{inputs, output};

pub fn run(args: &TestArgs) -> Result<u8> {
    let outputs = output::parse_outputs(&args.output.output)?;
    for source in &args.update {
        update_policies(source, &args.policy.policy[0])?;
    }
    let limits = args.input.limits(args.policy.eval_timeout);
    let policies = super::load_policies(
        &args.policy,
        PolicyOptions {
            limits,
            ..PolicyOptions::default()
        },
    )?;
    let namespaces = policies.select(&args.namespace, args.all_namespaces)?;
    let targets = inputs::targets(&args.paths, &args.input)?;

    let load = |target: &inputs::Target| {
        input::load(&target.path, target.format, &limits).map_err(|e| FileError {
            file: e.path,
            position: e.error.position,
            message: e.error.message,
        })
    };
    let mut report = Report::default();
    if args.combine {
        let parsed: Vec<Result<InputFile, FileError>> = targets.par_iter().map(load).collect();
        let mut files = Vec::with_capacity(parsed.len());
        for result in parsed {
            match result {
                Ok(file) => files.push(file),
                Err(error) => report.errors.push(error),
            }
        }
        match check::check_combined(&policies, &namespaces, &files) {
            Ok(results) => report.results.extend(results),
            Err(error) => report.errors.push(error),
        }
    } else {
        // Each file is parsed, checked and dropped on one worker: memory stays at the
        // results, not the inputs.
        let checked: Vec<_> = targets
            .par_iter()
            .map(|target| check::check_file(&policies, &namespaces, &load(target)?))
            .collect();
        for result in checked {
            match result {
                Ok(results) => report.results.extend(results),
                Err(error) => report.errors.push(error),
            }
        }
    }
    if args.output.trace {
        trace(&report);
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
    if !(args.output.quiet && code == 0) {
        let options = RenderOptions {
            color: !args.output.no_color && std::io::stdout().is_terminal(),
            suppress_exceptions: args.suppress_exceptions,
            junit_hide_message: args.output.junit_hide_message,
            show_skipped: false,
            fail_on_warn: args.fail_on_warn,
        };
        output::write(&report, &outputs, &options)?;
    }
    Ok(u8::try_from(code).unwrap_or(1))
}

fn trace(report: &Report) {
    for result in &report.results {
        for (severity, finding) in result.findings() {
            let query = finding
                .metadata
                .get("query")
                .and_then(|q| q.as_str())
                .unwrap_or("");
            eprintln!(
                "TRAC file: {} | namespace: {} | query: {query} | {severity:?}: {}",
                finding.location, result.namespace, finding.message
            );
        }
        eprintln!(
            "TRAC file: {} | namespace: {} | successes: {}",
            result.file, result.namespace, result.successes
        );
    }
}

/// `--update` from a local path: copies its `.rego` files into the policy directory.
fn update_policies(source: &Path, policy_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(policy_dir)
        .with_context(|| format!("cannot create {}", policy_dir.display()))?;
    let mut files = Vec::new();
    tollgate_engine::policy::collect(
        source,
        &mut |p| p.extension().is_some_and(|e| e == "rego"),
        &mut files,
    )?;
    for file in files {
        let name = file.file_name().context("policy file without a name")?;
        std::fs::copy(&file, policy_dir.join(name)).with_context(|| {
            format!(
                "cannot copy {} into {}",
                file.display(),
                policy_dir.display()
            )
        })?;
    }
    Ok(())
}
