//! OPA-style `# METADATA` annotations of a package: the source of truth for a policy's
//! title, severity, remediation and which inputs it applies to.

use serde_json::{Map, Value};

use crate::input::{self, Format};
use crate::limits::Limits;

/// The package-scoped annotations of a policy file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    pub title: Option<String>,
    pub description: Option<String>,
    pub custom: Map<String, Value>,
}

impl Annotations {
    /// Reads the `# METADATA` block that directly precedes the `package` line, if any.
    pub fn parse(source: &str) -> Result<Option<Self>, String> {
        let mut block: Option<Vec<&str>> = None;
        for line in source.lines() {
            let trimmed = line.trim_start();
            match (&mut block, trimmed.strip_prefix('#')) {
                (_, Some(comment)) if comment.trim() == "METADATA" => block = Some(Vec::new()),
                (Some(lines), Some(comment)) => {
                    lines.push(comment.strip_prefix(' ').unwrap_or(comment));
                }
                (Some(lines), None) if trimmed.starts_with("package ") => {
                    return Self::from_yaml(&lines.join("\n")).map(Some);
                }
                (Some(_), None) if trimmed.is_empty() => {}
                (Some(_), None) => block = None,
                (None, _) => {}
            }
        }
        Ok(None)
    }

    fn from_yaml(text: &str) -> Result<Self, String> {
        let file = input::parse(
            "METADATA",
            text.as_bytes().to_vec(),
            Format::Yaml,
            &Limits::default(),
        )
        .map_err(|e| format!("invalid METADATA annotation: {}", e.message))?;
        let Some(Value::Object(mut fields)) = file.documents.into_iter().next().map(|d| d.value)
        else {
            return Err("a METADATA annotation must be a YAML mapping".into());
        };
        let text = |value: Option<Value>| value.and_then(|v| v.as_str().map(str::to_string));
        Ok(Self {
            title: text(fields.remove("title")),
            description: text(fields.remove("description")),
            custom: match fields.remove("custom") {
                Some(Value::Object(custom)) => custom,
                _ => Map::new(),
            },
        })
    }

    /// A custom string field, such as `id`, `severity`, `remediation` or `reference`.
    pub fn custom_str(&self, key: &str) -> Option<&str> {
        self.custom.get(key).and_then(Value::as_str)
    }

    pub fn id(&self) -> Option<&str> {
        self.custom_str("id")
    }

    /// The fields every finding of the policy carries: id, title, severity, remediation,
    /// reference (those the annotation gives).
    pub fn finding_metadata(&self) -> impl Iterator<Item = (&str, Value)> {
        let title = self
            .title
            .as_deref()
            .map(|t| ("title", Value::String(t.into())));
        let custom = ["id", "severity", "remediation", "reference"]
            .into_iter()
            .filter_map(|key| self.custom_str(key).map(|v| (key, Value::String(v.into()))));
        title.into_iter().chain(custom)
    }
}
