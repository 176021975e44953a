//! Test Anything Protocol, laid out as conftest lays it out.

use super::{Report, file_indicator};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for result in &report.results {
        let total = result.failures.len()
            + result.warnings.len()
            + result.exceptions.len()
            + result.successes;
        if total == 0 {
            continue;
        }
        out.push_str(&format!("1..{total}\n"));
        let mut counter = 0;
        let mut line = |out: &mut String, status: &str, file: &str, message: &str| {
            counter += 1;
            out.push_str(&format!(
                "{status} {counter} {} - {} - {message}\n",
                file_indicator(file),
                result.namespace
            ));
        };
        for finding in &result.failures {
            line(
                &mut out,
                "not ok",
                &finding.location.to_string(),
                &finding.message,
            );
        }
        if !result.warnings.is_empty() {
            out.push_str("# warnings\n");
        }
        for finding in &result.warnings {
            line(
                &mut out,
                "not ok",
                &finding.location.to_string(),
                &finding.message,
            );
        }
        if !result.exceptions.is_empty() {
            out.push_str("# exceptions\n");
        }
        for finding in &result.exceptions {
            line(
                &mut out,
                "ok",
                &finding.location.to_string(),
                &finding.message,
            );
        }
        if result.successes > 0 {
            out.push_str("# successes\n");
        }
        for _ in 0..result.successes {
            line(&mut out, "ok", &result.file, "SUCCESS");
        }
    }
    out
}
