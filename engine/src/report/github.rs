//! GitHub Actions workflow commands: one annotation per finding, on its exact line.

use super::{Finding, Report, Severity};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for result in &report.results {
        let total = result.total();
        out.push_str(&format!(
            "::group::Testing {:?} against {total} policies in namespace {:?}\n",
            result.file, result.namespace
        ));
        for (severity, finding) in result.findings() {
            let command = match severity {
                Severity::Failure => "error",
                Severity::Warning => "warning",
                Severity::Exception => "notice",
            };
            out.push_str(&annotation(command, finding));
        }
        out.push_str(&format!(
            "::notice file={},line=1::Number of successful checks: {}\n",
            escape_property(&result.file),
            result.successes
        ));
        out.push_str("::endgroup::\n");
    }
    for error in &report.errors {
        let line = error.position.map_or(1, |p| p.line);
        out.push_str(&format!(
            "::error file={},line={line}::{}\n",
            escape_property(&error.file),
            escape_data(&error.message)
        ));
    }
    out.push_str(&format!("{}\n", report.totals()));
    out
}

fn annotation(command: &str, finding: &Finding) -> String {
    let title = finding
        .metadata
        .get("id")
        .and_then(|id| id.as_str())
        .map(|id| format!(",title={}", escape_property(id)))
        .unwrap_or_default();
    format!(
        "::{command} file={},line={},col={}{title}::{}\n",
        escape_property(&finding.location.file),
        finding.location.position.line,
        finding.location.position.column,
        escape_data(&finding.message)
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
