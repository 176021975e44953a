//! JSON through serde_json for speed; positions are rebuilt from the YAML event parser
//! (JSON is YAML 1.2) only when a finding needs one.

use serde_json::Value;

use super::location::{Position, SourceMap};
use super::{Document, ParseError, yaml};
use crate::limits::{LimitExceeded, Limits};

pub fn parse(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    check_depth(text, limits)?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ParseError::at(
            Position::new(e.line(), e.column()),
            format!("invalid JSON: {}", strip_position(&e.to_string())),
        )
    })?;
    Ok(vec![Document::without_locations(value)])
}

/// The source map of one document; `index` counts the elements of a top-level array,
/// which conftest evaluates one by one.
pub fn source_map(text: &str, index: usize) -> Option<SourceMap> {
    let documents = yaml::parse(text, &Limits::default()).ok()?;
    let root = documents.into_iter().next()?;
    let map = root.source_map?;
    if root.value.is_array() {
        map.children.into_iter().nth(index)
    } else {
        (index == 0).then_some(map)
    }
}

/// serde_json stops at 128 levels itself; this gives the same limit a clear message.
fn check_depth(text: &str, limits: &Limits) -> Result<(), ParseError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut line = 1;
    let mut line_start = 0;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(ParseError::limit(
                        Position::new(line, i - line_start + 1),
                        LimitExceeded::depth(limits.max_depth),
                    ));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
    }
    Ok(())
}

fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}
