//! `tollgate verify`: the policies' unit tests, with line coverage.

use std::io::IsTerminal;

use anyhow::{Result, bail};
use tollgate_engine::policy::PolicyOptions;
use tollgate_engine::report::{OutputFormat, RenderOptions};
use tollgate_engine::verify::{self, TestStatus};

use crate::args::VerifyArgs;
use crate::output;
use crate::output::outln;

pub fn run(args: &VerifyArgs) -> Result<u8> {
    let outputs = output::parse_outputs(&args.output.report.output)?;
    if let Some(kind) = &args.report {
        if !matches!(kind.as_str(), "full" | "fails" | "notes") {
            bail!("invalid --report {kind:?} (expected full, fails or notes)");
        }
        if outputs.iter().any(|o| o.format != OutputFormat::Stdout) {
            bail!("report flag is supported with stdout only");
        }
    }
    let mut policies = super::load_policies(
        &args.policy,
        PolicyOptions {
            coverage: args.coverage,
            limits: tollgate_engine::limits::Limits {
                eval_timeout: args.policy.eval_timeout,
                ..Default::default()
            },
            ..PolicyOptions::default()
        },
        true,
    )?
    .policies;
    policies.prepare()?;
    let outcomes = verify::run_tests(&mut policies);
    let report = verify::report(&outcomes);
    let mut code = report.exit_code(false);

    let coverage = if args.coverage {
        verify::coverage(&policies)
    } else {
        Vec::new()
    };
    let (covered, total) = coverage.iter().fold((0, 0), |(c, t), f| {
        (c + f.covered, t + f.covered + f.not_covered.len())
    });
    let percent = if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    };
    if let Some(threshold) = args.threshold
        && percent < threshold
    {
        eprintln!("Error: coverage {percent:.2}% is below the threshold of {threshold}%");
        code = code.max(1);
    }
    if args.output.report.quiet && code == 0 {
        return Ok(0);
    }
    if let Some(kind) = &args.report {
        for outcome in &outcomes {
            let (label, show) = match &outcome.status {
                TestStatus::Passed => ("PASS".to_string(), kind == "full"),
                TestStatus::Failed => ("FAIL".to_string(), true),
                TestStatus::Error(e) => (format!("ERROR: {e}"), true),
                TestStatus::Skipped => ("SKIPPED".to_string(), kind == "full"),
            };
            if show {
                outln!("{}: {} ({:?})", outcome.name, label, outcome.duration);
                for print in &outcome.prints {
                    outln!("  {print}");
                }
            }
        }
        outln!();
    }
    let options = RenderOptions {
        color: !args.output.report.no_color && std::io::stdout().is_terminal(),
        show_skipped: true,
        ..RenderOptions::default()
    };
    output::write(&report, &outputs, &options)?;
    if args.coverage {
        outln!("\nCoverage:");
        for file in &coverage {
            outln!(
                "  {}: {:.2}% ({} of {} lines){}",
                file.path,
                file.percent(),
                file.covered,
                file.covered + file.not_covered.len(),
                if file.not_covered.is_empty() {
                    String::new()
                } else {
                    format!(", not covered: {}", line_ranges(&file.not_covered))
                }
            );
        }
        outln!("  total: {percent:.2}% ({covered} of {total} lines)");
    }
    Ok(u8::try_from(code).unwrap_or(1))
}

/// `3-5, 9` from `[3, 4, 5, 9]`.
fn line_ranges(lines: &[u32]) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for &line in lines {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == line => *end = line,
            _ => ranges.push((line, line)),
        }
    }
    ranges
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
