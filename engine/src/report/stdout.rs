//! conftest's human format: WARN/FAIL/EXCP lines, then the summary, with the exact
//! `file:line:col` of each finding where conftest gives only the file.

use super::{Finding, RenderOptions, Report, Severity, file_indicator, policy_label};

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

pub fn render(report: &Report, options: &RenderOptions) -> String {
    let paint = |color: &str, text: &str| {
        if options.color {
            format!("{color}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for result in &report.results {
        for print in &result.prints {
            out.push_str(&format!("PRNT   {}: {print}\n", result.file));
        }
    }
    for result in &report.results {
        for (severity, finding) in result.findings() {
            let label = match severity {
                Severity::Warning => paint(YELLOW, "WARN"),
                Severity::Failure => paint(RED, "FAIL"),
                Severity::Exception if options.suppress_exceptions => continue,
                Severity::Exception => paint(CYAN, "EXCP"),
            };
            out.push_str(&format!(
                "{label} {} - {} - {}\n",
                indicator(finding),
                policy_label(result, finding),
                finding.message
            ));
        }
    }
    for skipped in &report.skipped {
        out.push_str(&format!(
            "SKIP {} - {} - {}\n",
            file_indicator(&skipped.file),
            skipped.namespace,
            skipped.failures.first().map_or("", |f| f.message.as_str())
        ));
    }
    let totals = report.totals();
    let summary = if options.show_skipped {
        format!("{totals}, {} skipped", totals.skipped)
    } else {
        totals.to_string()
    };
    let color = if totals.failures > 0 {
        RED
    } else if totals.warnings > 0 {
        YELLOW
    } else if totals.exceptions > 0 {
        CYAN
    } else {
        GREEN
    };
    out.push('\n');
    out.push_str(&paint(color, &summary));
    out.push('\n');
    out
}

/// `- file:line:col`, where conftest gives only the file.
fn indicator(finding: &Finding) -> String {
    format!("- {}", finding.location)
}
