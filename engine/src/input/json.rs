//! JSON through serde_json for speed, refusing repeated keys as YAML does; positions are
//! rebuilt from the YAML event parser (JSON is YAML 1.2) only when a finding needs one.
//! A large file's long arrays (an SBOM's packages, a plan's resource changes) are parsed
//! on every core ([`split`]).

mod split;

use serde::Deserialize;

use super::location::{Position, SourceMap};
use super::unique_keys::UniqueKeys;
use super::{Document, ParseError, yaml};
use crate::limits::{LimitExceeded, Limits};

/// From this size a file's layout is recorded for the split parse; from any size under
/// the fuzzer, whose JSON target then compares the split parse with serde_json too.
const SPLIT_FROM_BYTES: usize = if cfg!(fuzzing) { 0 } else { 1024 * 1024 };

pub fn parse(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    parse_splitting_from(text, limits, SPLIT_FROM_BYTES)
}

fn parse_splitting_from(
    text: &str,
    limits: &Limits,
    split_from_bytes: usize,
) -> Result<Vec<Document>, ParseError> {
    let layout = scan(text, limits, text.len() >= split_from_bytes)?;
    // Any failure of the split parse is left to the whole-file parse, whose error names
    // the position.
    if let Some(value) = split::parse(text, &layout) {
        return Ok(vec![Document::without_locations(value)]);
    }
    let invalid = |e: serde_json::Error| {
        ParseError::at(
            error_position(text, e.line(), e.column()),
            format!("invalid JSON: {}", strip_position(&e.to_string())),
        )
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    // `scan` bounded the nesting by `--max-depth` (at most the ceiling that keeps
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

/// Rejects nesting deeper than `max_depth` with a clear message before anything recurses;
/// with `record`, also notes where the elements of the root object's arrays are.
fn scan(text: &str, limits: &Limits, record: bool) -> Result<split::Layout, ParseError> {
    let mut layout = split::Layout::default();
    let bytes = text.as_bytes();
    let root_is_object = record && text.trim_start().starts_with('{');
    let mut depth = 0usize;
    let mut in_member_array = false;
    let mut i = 0;
    while let Some(skip) = bytes[i..].iter().position(|&b| STRUCTURAL[usize::from(b)]) {
        i += skip;
        match bytes[i] {
            b'"' => {
                i = string_end(bytes, i + 1);
                continue;
            }
            b @ (b'{' | b'[') => {
                depth += 1;
                if depth > limits.depth() {
                    return Err(ParseError::limit(
                        position_of(text, i),
                        LimitExceeded::depth(limits.depth()),
                    ));
                }
                if root_is_object && depth == 2 && b == b'[' {
                    in_member_array = true;
                    layout.open_array(i + 1);
                }
            }
            b',' if in_member_array && depth == 2 => layout.next_element(i),
            b'}' | b']' => {
                if in_member_array && depth == 2 {
                    in_member_array = false;
                    layout.close_array(bytes, i);
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        i += 1;
    }
    Ok(layout)
}

/// The bytes [`scan`] acts on outside strings.
const STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 6 {
        table[b"\"{[]},"[i] as usize] = true;
        i += 1;
    }
    table
};

/// Where the string whose contents start at `start` ends: past its closing quote.
fn string_end(bytes: &[u8], mut start: usize) -> usize {
    while let Some(offset) = memchr::memchr2(b'"', b'\\', &bytes[start..]) {
        let at = start + offset;
        if bytes[at] == b'"' {
            return at + 1;
        }
        start = (at + 2).min(bytes.len());
    }
    bytes.len()
}

/// The line and column (in characters) of byte `offset`.
fn position_of(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    Position::new(
        before.bytes().filter(|&b| b == b'\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
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
