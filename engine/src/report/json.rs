//! conftest's JSON: one object per file and namespace, findings as `{msg, loc, metadata}`,
//! with tollgate's precise `location` added beside them.

use serde_json::{Map, Value, json};

use super::{Finding, Report};

pub fn render(report: &Report) -> String {
    let results: Vec<Value> = report
        .results
        .iter()
        .map(|result| {
            let mut object = Map::new();
            let filename = if result.file == "-" { "" } else { &result.file };
            object.insert("filename".into(), json!(filename));
            object.insert("namespace".into(), json!(result.namespace));
            object.insert("successes".into(), json!(result.successes));
            for (key, findings) in [
                ("warnings", &result.warnings),
                ("failures", &result.failures),
                ("exceptions", &result.exceptions),
            ] {
                if !findings.is_empty() {
                    object.insert(key.into(), findings.iter().map(finding).collect());
                }
            }
            Value::Object(object)
        })
        .collect();
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(&results, &mut serializer).expect("JSON values always serialize");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

fn finding(finding: &Finding) -> Value {
    let mut object = Map::new();
    object.insert("msg".into(), json!(finding.message));
    if let Some((file, line)) = &finding.explicit_location {
        object.insert("loc".into(), json!({"file": file, "line": line}));
    }
    if !finding.metadata.is_empty() {
        let mut metadata: Vec<(&String, &Value)> = finding.metadata.iter().collect();
        metadata.sort_by(|a, b| a.0.cmp(b.0));
        let metadata: Map<String, Value> = metadata
            .into_iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        object.insert("metadata".into(), Value::Object(metadata));
    }
    object.insert(
        "location".into(),
        json!({
            "file": finding.location.file,
            "line": finding.location.position.line,
            "column": finding.location.position.column,
        }),
    );
    Value::Object(object)
}
