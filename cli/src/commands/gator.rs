//! `tollgate gator verify`: gator's test suites, with its pass/fail semantics, output
//! layout and exit codes (0 when every suite passes, 1 otherwise).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use tollgate_engine::gatekeeper::suite::{self, SuiteResult};
use tollgate_engine::limits::Limits;

use crate::args::{GatorArgs, GatorCommand, GatorVerifyArgs};
use crate::output::outln;

pub fn run(args: &GatorArgs) -> Result<u8> {
    match &args.command {
        GatorCommand::Verify(args) => verify(args),
    }
}

fn verify(args: &GatorVerifyArgs) -> Result<u8> {
    let limits = Limits {
        eval_timeout: args.eval_timeout,
        ..Limits::default()
    };
    let filter = suite::Filter::new(&args.run).map_err(anyhow::Error::msg)?;
    let mut failed = false;
    let mut found = 0;
    for path in &args.paths {
        let trimmed = path.strip_suffix("/...").unwrap_or(path);
        let trimmed = if trimmed.is_empty() { "." } else { trimmed };
        let suites = suite::find_suites(Path::new(trimmed), &limits)
            .map_err(|e| anyhow::anyhow!("cannot read suites: {e}"))?;
        for path in suites {
            found += 1;
            let start = Instant::now();
            let result = suite::run_suite(&path, &limits, &filter);
            print_suite(&result, start.elapsed(), args.verbose);
            failed |= result.is_failure();
        }
    }
    if found == 0 {
        anyhow::bail!(
            "no suites (kind Suite, apiVersion test.gatekeeper.sh/v1alpha1) found in {}",
            args.paths.join(" ")
        );
    }
    outln!("{}", if failed { "FAIL" } else { "PASS" });
    Ok(u8::from(failed))
}

fn print_suite(result: &SuiteResult, elapsed: Duration, verbose: bool) {
    for test in &result.tests {
        if verbose {
            let verb = if test.skipped { "SKIP" } else { "RUN " };
            outln!("=== {verb}  {}", test.name);
        }
        if test.skipped {
            continue;
        }
        for case in &test.cases {
            if case.skipped {
                if verbose {
                    outln!("    === SKIP  {}", case.name);
                }
                continue;
            }
            if verbose {
                outln!("    === RUN   {}", case.name);
            }
            match &case.error {
                Some(error) => outln!("    --- FAIL: {}\n        {error}", case.name),
                None if verbose => outln!("    --- PASS: {}", case.name),
                None => {}
            }
        }
        if test.is_failure() {
            outln!("--- FAIL: {}", test.name);
            if let Some(error) = &test.error {
                outln!("  {error}");
            }
        } else if verbose {
            outln!("--- PASS: {}", test.name);
        }
    }
    let seconds = elapsed.as_secs_f64();
    if result.is_failure() {
        outln!("FAIL\t{}\t{seconds:.3}s", result.path);
        if let Some(error) = &result.error {
            outln!("  {error}");
        }
    } else if result.skipped {
        outln!("skip\t{}", result.path);
    } else {
        outln!("ok\t{}\t{seconds:.3}s", result.path);
    }
}
