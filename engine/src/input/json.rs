//! JSON through serde_json for speed, refusing repeated keys as YAML does; positions are
//! rebuilt from the YAML event parser (JSON is YAML 1.2) only when a finding needs one.

use super::location::{Position, SourceMap};
use super::unique_keys::UniqueKeys;
use super::{Document, ParseError, yaml};
use crate::limits::{LimitExceeded, Limits};

/// The deepest nesting serde_json parses; it refuses the 128th level itself.
const SERDE_JSON_DEPTH: usize = 127;

pub fn parse(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    if check_depth(text, limits)? > SERDE_JSON_DEPTH {
        return parse_deep(text, limits);
    }
    let UniqueKeys(value) = serde_json::from_str(text).map_err(|e| {
        ParseError::at(
            error_position(text, e.line(), e.column()),
            format!("invalid JSON: {}", strip_position(&e.to_string())),
        )
    })?;
    Ok(vec![Document::without_locations(value)])
}

/// Input nested deeper than serde_json allows, but within `--max-depth`, goes through the
/// YAML event parser (JSON is YAML 1.2), which does not recurse and gives positions too.
fn parse_deep(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    let limits = Limits {
        // Without aliases the values are bounded by the file size.
        max_nodes: usize::MAX,
        ..*limits
    };
    let documents = yaml::parse(text, &limits).map_err(|e| ParseError {
        message: e.message.replace("invalid YAML", "invalid JSON"),
        ..e
    })?;
    if documents.len() != 1 {
        return Err(ParseError::without_position(
            "invalid JSON: expected exactly one value".into(),
        ));
    }
    Ok(documents)
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

/// Rejects nesting deeper than `max_depth` with a clear message before anything recurses;
/// returns the deepest nesting found.
fn check_depth(text: &str, limits: &Limits) -> Result<usize, ParseError> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
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
                deepest = deepest.max(depth);
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
    Ok(deepest)
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
