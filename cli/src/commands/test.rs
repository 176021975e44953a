//! `tollgate test`: parse inputs in parallel, evaluate them, render every output.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result};
use tollgate_engine::policy::{Namespace, PolicyOptions};
use tollgate_engine::report::{RenderOptions, Report};
use tollgate_engine::run;

use crate::args::TestArgs;
use crate::{inputs, output};

pub fn run(args: &TestArgs) -> Result<u8> {
    let outputs = output::parse_outputs(&args.output.report.output)?;
    for source in &args.update {
        let target = args
            .policy
            .policy
            .first()
            .map_or(Path::new("policy"), |p| p.as_path());
        update_policies(source, target)?;
    }
    let limits = args.input.limits(args.policy.eval_timeout);
    let loaded = super::load_policies(
        &args.policy,
        PolicyOptions {
            limits,
            ..PolicyOptions::default()
        },
        false,
    )?;
    let mut policies = loaded.policies;
    let only_gatekeeper = !loaded.gatekeeper.is_empty() && policies.namespaces.is_empty();
    let mut namespaces: Vec<Namespace> = policies
        .select(&args.namespace, args.all_namespaces)?
        .into_iter()
        .filter(|n| !super::is_bundled(n))
        // Without Rego policies, no empty `main` is reported beside the constraints.
        .filter(|_| !only_gatekeeper)
        .collect();
    if loaded.bundled {
        namespaces.extend(super::select_bundled(&mut policies, &args.selection)?);
    }
    policies.prepare_for(&namespaces)?;
    policies.compile_rules(super::is_bundled)?;
    let targets = inputs::targets(&args.paths, &args.input)?;
    let gatekeeper = (!loaded.gatekeeper.is_empty()).then_some(&loaded.gatekeeper);
    let report = run::check_targets_with(
        &policies,
        &namespaces,
        &targets,
        &limits,
        args.combine,
        gatekeeper,
    );
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
    if !(args.output.report.quiet && code == 0) {
        let options = RenderOptions {
            color: !args.output.report.no_color && std::io::stdout().is_terminal(),
            suppress_exceptions: args.suppress_exceptions,
            junit_hide_message: args.output.report.junit_hide_message,
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
