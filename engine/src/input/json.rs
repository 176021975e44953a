//! JSON through serde_json for speed, refusing repeated keys as YAML does; positions are
//! rebuilt from the YAML event parser (JSON is YAML 1.2) only when a finding needs one.

use serde::Deserialize;

use super::location::{Position, SourceMap};
use super::unique_keys::UniqueKeys;
use super::{Document, ParseError, yaml};
use crate::limits::{LimitExceeded, Limits};

pub fn parse(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    check_depth(text, limits)?;
    let invalid = |e: serde_json::Error| {
        ParseError::at(
            error_position(text, e.line(), e.column()),
            format!("invalid JSON: {}", strip_position(&e.to_string())),
        )
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    // `check_depth` bounded the nesting by `--max-depth` (at most the ceiling that keeps
    // recursion within a thread's stack), so serde_json's own cap of 128 is not needed.
    deserializer.disable_recursion_limit();
    let UniqueKeys(value) = UniqueKeys::deserialize(&mut deserializer).map_err(invalid)?;
    deserializer.end().map_err(invalid)?;
    Ok(vec![Document::without_locations(value)])
}

/// The source map of one document; `index` counts the elements of a top-level array,
/// which conftest evaluates one by one.
pub fn source_map(text: &str, index: usize) -> Option<SourceMap> {
    // The text already passed the caller's limits when it was parsed.
    let unbounded = Limits {
        max_depth: usize::MAX,
        max_nodes: usize::MAX,
        max_documents: usize::MAX,
        ..Limits::default()
    };
    let documents = yaml::parse(text, &unbounded).ok()?;
    let root = documents.into_iter().next()?;
    let map = root.source_map?;
    if root.value.is_array() {
        map.children.into_iter().nth(index)
    } else {
        (index == 0).then_some(map)
    }
}

/// Rejects nesting deeper than `max_depth` with a clear message before anything recurses.
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
                if depth > limits.depth() {
                    return Err(ParseError::limit(
                        Position::new(line, text[line_start..i].chars().count() + 1),
                        LimitExceeded::depth(limits.depth()),
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

/// serde_json counts columns in bytes, up to and including the byte it stopped at;
/// positions count characters.
fn error_position(text: &str, line: usize, byte_column: usize) -> Position {
    let line_text = text
        .split('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or_default();
    let mut end = byte_column.min(line_text.len());
    while !line_text.is_char_boundary(end) {
        end += 1;
    }
    Position::new(line, line_text[..end].chars().count())
}

fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}
