//! Source positions of every value, so findings can point at the exact line of a field.

use serde_json::Value;

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    pub fn new(line: usize, column: usize) -> Self {
        Self {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

/// One step into a document: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// Positions of a value and of everything inside it, shaped like the value itself.
///
/// Children follow the value's own order: array items by index, object entries in
/// insertion order (serde_json's `preserve_order`). An object entry points at its key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    pub position: Position,
    pub children: Vec<SourceMap>,
}

impl SourceMap {
    pub fn leaf(position: Position) -> Self {
        Self {
            position,
            children: Vec::new(),
        }
    }

    /// The position of the value at `path` inside `value`, or of its deepest existing
    /// ancestor when the path leads past the end of the document (a missing field is best
    /// reported where it should have been).
    pub fn locate(&self, value: &Value, path: &[PathSegment]) -> Position {
        let mut map = self;
        let mut value = value;
        for segment in path {
            let child = match (segment, value) {
                (PathSegment::Key(key), Value::Object(object)) => object
                    .iter()
                    .position(|(k, _)| k == key)
                    .map(|index| (index, &object[key])),
                (PathSegment::Index(index), Value::Array(items)) => {
                    items.get(*index).map(|item| (*index, item))
                }
                _ => None,
            };
            match child.and_then(|(index, item)| map.children.get(index).map(|m| (m, item))) {
                Some((child_map, child_value)) => {
                    map = child_map;
                    value = child_value;
                }
                None => break,
            }
        }
        map.position
    }
}

/// Converts byte offsets into line and column, for parsers that report offsets.
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { line_starts }
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let column = text
            .get(start..offset.min(text.len()))
            .map_or(1, |prefix| prefix.chars().count() + 1);
        Position::new(line, column)
    }
}

/// `position` moved inside `text`. Parsers report the end of the input as the line after
/// the last one, or as column 0; an error must point where an editor can go, so such a
/// position becomes the end of the last line, or column 1.
pub fn inside(text: &str, position: Position) -> Position {
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let line = (position.line as usize).clamp(1, lines);
    let width = text
        .split('\n')
        .nth(line - 1)
        .map_or(0, |l| l.chars().count());
    let column = if line < position.line as usize {
        width + 1
    } else {
        (position.column as usize).clamp(1, width + 1)
    };
    Position::new(line, column)
}
