//! SARIF 2.1.0 for code-scanning services: one rule per policy id, findings with exact
//! regions, exceptions as suppressed notes, unreadable files as tool notifications.

use serde_json::{Value, json};

use super::{Finding, RenderOptions, Report, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(report: &Report, options: &RenderOptions) -> String {
    let mut rules: Vec<(String, Value)> = Vec::new();
    let mut results = Vec::new();
    for result in &report.results {
        for (severity, finding) in result.findings() {
            let rule_id = finding.rule_id();
            let rule_index = match rules.iter().position(|(id, _)| *id == rule_id) {
                Some(index) => index,
                None => {
                    rules.push((rule_id.clone(), rule(&rule_id, finding)));
                    rules.len() - 1
                }
            };
            results.push(sarif_result(
                &rule_id,
                rule_index,
                severity,
                finding,
                &result.namespace,
            ));
        }
    }
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|error| {
            let mut location =
                json!({"physicalLocation": {"artifactLocation": {"uri": uri(&error.file)}}});
            if let Some(p) = error.position {
                location["physicalLocation"]["region"] =
                    json!({"startLine": p.line, "startColumn": p.column});
            }
            json!({"level": "error", "message": {"text": error.message}, "locations": [location]})
        })
        .collect();
    let exit_code = report.exit_code(options.fail_on_warn);
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tollgate",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "exitCode": exit_code,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).expect("JSON values always serialize");
    text.push('\n');
    text
}

fn rule(id: &str, finding: &Finding) -> Value {
    let title = finding
        .metadata
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or(id);
    let mut rule = json!({"id": id, "shortDescription": {"text": title}});
    if let Some(Value::String(url)) = finding.metadata.get("reference") {
        rule["helpUri"] = json!(url);
    }
    if let Some(Value::String(remediation)) = finding.metadata.get("remediation") {
        rule["help"] = json!({"text": remediation});
    }
    rule
}

fn sarif_result(
    rule_id: &str,
    rule_index: usize,
    severity: Severity,
    finding: &Finding,
    namespace: &str,
) -> Value {
    let level = match severity {
        Severity::Failure => "error",
        Severity::Warning => "warning",
        Severity::Exception => "note",
    };
    let position = finding.location.position;
    let mut result = json!({
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri(&finding.location.file)},
            "region": {"startLine": position.line, "startColumn": position.column},
        }}],
        "properties": {"namespace": namespace},
    });
    if severity == Severity::Exception {
        result["suppressions"] = json!([{"kind": "external", "justification": finding.message}]);
    }
    result
}

/// SARIF wants URI references; relative paths stay relative with `/` separators.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.split('/')
        .map(|segment| {
            segment
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}
