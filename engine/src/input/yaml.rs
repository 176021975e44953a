//! YAML in one pass of parser events, building each document's value and its source map
//! together, with alias expansion, nesting and document count bounded by [`Limits`].

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::location::{LineIndex, Position, SourceMap};
use super::{Document, ParseError};
use crate::limits::{LimitExceeded, Limits};

/// Parses every non-empty document of a YAML stream.
pub fn parse(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    // The scanner reads NUL as the end of the input, which would silently drop the rest.
    if let Some(offset) = text.find('\0') {
        return Err(ParseError::at(
            LineIndex::new(text).position(text, offset),
            "invalid YAML: NUL bytes are not allowed".into(),
        ));
    }
    let lines = ScannerLines::new(text);
    let mut builder = Builder::new(limits);
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| scan_error(lines.position(e.marker()), e.info(), limits))?;
        if matches!(event, Event::StreamEnd) {
            break;
        }
        builder.on_event(event, lines.position(&mark))?;
    }
    Ok(builder.documents)
}

/// The scanner's lines in the text's own. YAML also breaks a line at a lone CR, where
/// every other parser, [`super::InputFile::source_line`] and editors that follow LF see
/// one line going on; and at the end of input the scanner is on a line past the last one
/// (an empty value there, as in `a:`, would point outside the file).
struct ScannerLines {
    /// For each scanner line, its text line and the characters before it on that line;
    /// `None` when they are the same lines (no lone CR, nearly every file).
    starts: Option<Vec<(usize, usize)>>,
    /// The text's number of lines and the characters on its last one.
    last_line: (usize, usize),
}

impl ScannerLines {
    fn new(text: &str) -> Self {
        let last_line = (
            text.bytes().filter(|&b| b == b'\n').count() + 1,
            text.rsplit('\n')
                .next()
                .map_or(0, |line| line.chars().count()),
        );
        let lone_cr = text
            .as_bytes()
            .windows(2)
            .any(|pair| pair[0] == b'\r' && pair[1] != b'\n')
            || text.ends_with('\r');
        if !lone_cr {
            return Self {
                starts: None,
                last_line,
            };
        }
        let mut starts = vec![(1, 0)];
        let (mut line, mut column) = (1, 0);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            column += 1;
            match c {
                '\n' => {
                    line += 1;
                    column = 0;
                    starts.push((line, 0));
                }
                '\r' if chars.peek() != Some(&'\n') => starts.push((line, column)),
                _ => {}
            }
        }
        Self {
            starts: Some(starts),
            last_line,
        }
    }

    fn position(&self, mark: &Marker) -> Position {
        let (line, column) = match &self.starts {
            None => (mark.line(), mark.col() + 1),
            Some(starts) => match starts.get(mark.line().saturating_sub(1)) {
                Some(&(line, before)) => (line, before + mark.col() + 1),
                None => (usize::MAX, 1),
            },
        };
        let (lines, width) = self.last_line;
        if line > lines {
            return Position::new(lines, width + 1);
        }
        Position::new(line, column)
    }
}

/// The deepest flow nesting the scanner supports (its level counter is a `u8`).
const SCANNER_FLOW_DEPTH: usize = 255;

fn scan_error(at: Position, info: &str, limits: &Limits) -> ParseError {
    // The scanner reads a whole flow collection ahead, so its own nesting cap is met
    // before the builder sees the level that crosses `max_depth`.
    if info == "recursion limit exceeded" {
        if limits.depth() < SCANNER_FLOW_DEPTH {
            return ParseError::limit(at, LimitExceeded::depth(limits.depth()));
        }
        return ParseError::at(
            at,
            format!(
                "invalid YAML: flow collections nested more than {SCANNER_FLOW_DEPTH} deep are not supported"
            ),
        );
    }
    ParseError::at(at, format!("invalid YAML: {info}"))
}

struct Node {
    value: Value,
    map: SourceMap,
    /// Values inside, this one included, as alias expansion would copy them.
    size: usize,
    /// Levels of arrays and objects inside, this one included; 0 for a scalar.
    height: usize,
    /// A plain `<<` (or `!!merge`) scalar: a merge key when used as a mapping key.
    merge_key: bool,
}

impl Node {
    fn scalar(value: Value, at: Position, merge_key: bool) -> Self {
        Self {
            value,
            map: SourceMap::leaf(at),
            size: 1,
            height: 0,
            merge_key,
        }
    }

    fn copy(&self) -> Self {
        Self {
            value: self.value.clone(),
            map: self.map.clone(),
            size: self.size,
            height: self.height,
            merge_key: false,
        }
    }
}

enum Frame {
    Sequence {
        anchor: usize,
        start: Position,
        items: Vec<Node>,
    },
    Mapping {
        anchor: usize,
        start: Position,
        entries: Vec<(String, Node)>,
        index: HashMap<String, Entry>,
        /// The pending key, its position, and whether it is a merge key.
        key: Option<(String, Position, bool)>,
    },
}

/// Whether a key was written in this mapping or merged in with `<<`, which it may override.
#[derive(Clone, Copy)]
struct Entry {
    slot: usize,
    merged: bool,
    line: u32,
}

struct Builder<'a> {
    limits: &'a Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    documents: Vec<Document>,
}

impl<'a> Builder<'a> {
    fn new(limits: &'a Limits) -> Self {
        Self {
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            documents: Vec::new(),
        }
    }

    fn count(&mut self, nodes: usize, at: Position) -> Result<(), ParseError> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > self.limits.max_nodes {
            return Err(ParseError::limit(
                at,
                LimitExceeded::nodes(self.limits.max_nodes),
            ));
        }
        Ok(())
    }

    fn on_event(&mut self, event: Event, at: Position) -> Result<(), ParseError> {
        match event {
            Event::DocumentStart => self.anchors.clear(),
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, at)?;
                let merge_key = is_merge_key(&text, style, tag.as_ref());
                let value = resolve_scalar(text, style, tag.as_ref(), at)?;
                self.complete(anchor, Node::scalar(value, at, merge_key))?;
            }
            Event::Alias(anchor) => {
                let Some((size, height)) = self.anchors.get(&anchor).map(|n| (n.size, n.height))
                else {
                    return Err(ParseError::at(at, "alias to an unknown anchor".into()));
                };
                // An alias copies a whole subtree, which must fit where it is used.
                if self.stack.len().saturating_add(height) > self.limits.depth() {
                    return Err(ParseError::limit(
                        at,
                        LimitExceeded::depth(self.limits.depth()),
                    ));
                }
                self.count(size, at)?;
                let node = self.anchors[&anchor].copy();
                self.complete(0, node)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.open(at)?;
                self.stack.push(Frame::Sequence {
                    anchor,
                    start: at,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, _) => {
                self.open(at)?;
                self.stack.push(Frame::Mapping {
                    anchor,
                    start: at,
                    entries: Vec::new(),
                    index: HashMap::new(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, node) = match self.stack.pop() {
                    Some(Frame::Sequence {
                        anchor,
                        start,
                        items,
                    }) => {
                        let size = 1 + items.iter().map(|n| n.size).sum::<usize>();
                        let height = 1 + items.iter().map(|n| n.height).max().unwrap_or(0);
                        let (values, maps) = items.into_iter().map(|n| (n.value, n.map)).unzip();
                        let node = Node {
                            value: Value::Array(values),
                            map: SourceMap {
                                position: start,
                                children: maps,
                            },
                            size,
                            height,
                            merge_key: false,
                        };
                        (anchor, node)
                    }
                    Some(Frame::Mapping {
                        anchor,
                        start,
                        entries,
                        ..
                    }) => {
                        let size = 1 + entries.iter().map(|(_, n)| n.size).sum::<usize>();
                        let height = 1 + entries.iter().map(|(_, n)| n.height).max().unwrap_or(0);
                        let mut object = Map::with_capacity(entries.len());
                        let mut maps = Vec::with_capacity(entries.len());
                        for (key, node) in entries {
                            object.insert(key, node.value);
                            maps.push(node.map);
                        }
                        // A block mapping's start mark is at its first `:`; its first
                        // key is where a reader sees it begin.
                        let position = maps.first().map_or(start, |m: &SourceMap| m.position);
                        let node = Node {
                            value: Value::Object(object),
                            map: SourceMap {
                                position,
                                children: maps,
                            },
                            size,
                            height,
                            merge_key: false,
                        };
                        (anchor, node)
                    }
                    None => return Err(ParseError::at(at, "unbalanced YAML structure".into())),
                };
                self.complete(anchor, node)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn open(&mut self, at: Position) -> Result<(), ParseError> {
        self.count(1, at)?;
        if self.stack.len() >= self.limits.depth() {
            return Err(ParseError::limit(
                at,
                LimitExceeded::depth(self.limits.depth()),
            ));
        }
        if let Some(Frame::Mapping { key: None, .. }) = self.stack.last() {
            return Err(ParseError::at(
                at,
                "a mapping or sequence used as a mapping key is not supported".into(),
            ));
        }
        Ok(())
    }

    fn complete(&mut self, anchor: usize, node: Node) -> Result<(), ParseError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.copy());
        }
        match self.stack.last_mut() {
            None => {
                if !node.value.is_null() {
                    if self.documents.len() >= self.limits.max_documents {
                        return Err(ParseError::limit(
                            node.map.position,
                            LimitExceeded::documents(self.limits.max_documents),
                        ));
                    }
                    self.documents.push(Document {
                        value: node.value,
                        source_map: Some(node.map),
                    });
                }
            }
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping {
                entries,
                index,
                key,
                ..
            }) => match key.take() {
                None => {
                    *key = Some((scalar_key(node.value), node.map.position, node.merge_key));
                }
                Some((_, at, true)) => merge(entries, index, node, at)?,
                Some((name, at, false)) => {
                    let node = Node {
                        map: SourceMap {
                            position: at,
                            children: node.map.children,
                        },
                        ..node
                    };
                    match index.get(&name).copied() {
                        Some(Entry {
                            slot, merged: true, ..
                        }) => {
                            entries[slot].1 = node;
                            index.insert(
                                name,
                                Entry {
                                    slot,
                                    merged: false,
                                    line: at.line,
                                },
                            );
                        }
                        Some(Entry { line, .. }) => {
                            return Err(ParseError::at(
                                at,
                                format!("duplicate key {name:?} (first defined on line {line})"),
                            ));
                        }
                        None => {
                            index.insert(
                                name.clone(),
                                Entry {
                                    slot: entries.len(),
                                    merged: false,
                                    line: at.line,
                                },
                            );
                            entries.push((name, node));
                        }
                    }
                }
            },
        }
        Ok(())
    }
}

/// Applies a YAML merge key: entries of the merged mapping(s) fill keys not yet present.
fn merge(
    entries: &mut Vec<(String, Node)>,
    index: &mut HashMap<String, Entry>,
    node: Node,
    at: Position,
) -> Result<(), ParseError> {
    let sources: Vec<(Value, SourceMap)> = match node.value {
        Value::Object(_) => vec![(node.value, node.map)],
        Value::Array(items) if items.iter().all(Value::is_object) => {
            items.into_iter().zip(node.map.children).collect()
        }
        _ => {
            return Err(ParseError::at(
                at,
                "the merge key << needs a mapping or a list of mappings".into(),
            ));
        }
    };
    for (value, map) in sources {
        let Value::Object(object) = value else {
            continue;
        };
        for ((key, value), map) in object.into_iter().zip(map.children) {
            if index.contains_key(&key) {
                continue;
            }
            index.insert(
                key.clone(),
                Entry {
                    slot: entries.len(),
                    merged: true,
                    line: at.line,
                },
            );
            let (size, height) = measure(&value);
            entries.push((
                key,
                Node {
                    value,
                    map,
                    size,
                    height,
                    merge_key: false,
                },
            ));
        }
    }
    Ok(())
}

/// The number of values in `value` and its levels of nesting, as [`Node`] counts them, so
/// merged entries weigh what they copy when their mapping is aliased again.
fn measure(value: &Value) -> (usize, usize) {
    let mut size = 0;
    let mut height = 0;
    let mut pending = vec![(value, 0usize)];
    while let Some((value, depth)) = pending.pop() {
        size += 1;
        match value {
            Value::Array(items) => {
                height = height.max(depth + 1);
                pending.extend(items.iter().map(|v| (v, depth + 1)));
            }
            Value::Object(object) => {
                height = height.max(depth + 1);
                pending.extend(object.values().map(|v| (v, depth + 1)));
            }
            _ => {}
        }
    }
    (size, height)
}

/// `<<` is a merge key only when plain (not quoted) or explicitly tagged `!!merge`.
fn is_merge_key(text: &str, style: TScalarStyle, tag: Option<&Tag>) -> bool {
    match tag {
        Some(tag) => {
            (tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!") && tag.suffix == "merge"
        }
        None => style == TScalarStyle::Plain && text == "<<",
    }
}

fn scalar_key(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// Resolves a scalar by the YAML 1.2 core schema, honouring the standard `!!` tags.
fn resolve_scalar(
    text: String,
    style: TScalarStyle,
    tag: Option<&Tag>,
    at: Position,
) -> Result<Value, ParseError> {
    let core_tag = tag
        .filter(|t| t.handle == "tag:yaml.org,2002:" || t.handle == "!!")
        .map(|t| t.suffix.as_str());
    match core_tag {
        Some("str") => return Ok(Value::String(text)),
        Some("null") => return Ok(Value::Null),
        Some(kind @ ("int" | "float" | "bool")) => {
            return plain_scalar(&text, at)?
                .filter(|v| match kind {
                    "bool" => v.is_boolean(),
                    _ => v.is_number(),
                })
                .ok_or_else(|| ParseError::at(at, format!("{text:?} is not a valid !!{kind}")));
        }
        _ => {}
    }
    if style != TScalarStyle::Plain || tag.is_some() {
        return Ok(Value::String(text));
    }
    Ok(plain_scalar(&text, at)?.unwrap_or(Value::String(text)))
}

fn plain_scalar(text: &str, at: Position) -> Result<Option<Value>, ParseError> {
    Ok(Some(match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err(ParseError::at(
                at,
                format!("{text} cannot be represented in JSON"),
            ));
        }
        _ => return number(text, at),
    }))
}

fn number(text: &str, at: Position) -> Result<Option<Value>, ParseError> {
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1i128, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let radix = [("0x", 16), ("0o", 8)]
        .into_iter()
        .find_map(|(prefix, radix)| digits.strip_prefix(prefix).map(|d| (d, radix)));
    if let Some((digits, radix)) = radix {
        if text.starts_with(['-', '+']) || digits.is_empty() {
            return Ok(None);
        }
        return Ok(i128::from_str_radix(digits, radix).ok().and_then(integer));
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return float(text, at);
    }
    match digits.parse::<i128>().ok().and_then(|n| integer(sign * n)) {
        Some(value) => Ok(Some(value)),
        None => float(text, at),
    }
}

fn integer(n: i128) -> Option<Value> {
    i64::try_from(n)
        .map(Number::from)
        .or_else(|_| u64::try_from(n).map(Number::from))
        .ok()
        .map(Value::Number)
}

fn float(text: &str, at: Position) -> Result<Option<Value>, ParseError> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa_ok = !mantissa.is_empty()
        && mantissa != "."
        && mantissa.bytes().filter(|&b| b == b'.').count() <= 1
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    if !(mantissa_ok && exponent_ok) {
        return Ok(None);
    }
    let parsed: f64 = text
        .parse()
        .map_err(|_| ParseError::at(at, format!("invalid number {text}")))?;
    Number::from_f64(parsed)
        .filter(|_| parsed.is_finite())
        .map(|n| Some(Value::Number(n)))
        .ok_or_else(|| ParseError::at(at, format!("number {text} is beyond the range of f64")))
}
