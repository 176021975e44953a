//! Test Anything Protocol, laid out as conftest lays it out.

use super::{Report, file_indicator};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for result in &report.results {
        let total = result.total();
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
        let sections = [
            ("", "not ok", &result.failures),
            ("# warnings\n", "not ok", &result.warnings),
            ("# exceptions\n", "ok", &result.exceptions),
        ];
        for (heading, status, findings) in sections {
            if !findings.is_empty() {
                out.push_str(heading);
            }
            for finding in findings {
                line(
                    &mut out,
                    status,
                    &finding.location.to_string(),
                    &finding.message,
                );
            }
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
