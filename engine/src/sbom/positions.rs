//! Positions of every value of a JSON text in one pass over its bytes, shaped like the
//! value serde_json reads from it (object entries point at their key, a repeated key
//! keeps its first place, as `preserve_order` maps do). Large SBOMs need this: the
//! engine's YAML-based source map costs seconds on a 5 MB file, this costs milliseconds.

use std::collections::HashMap;

use crate::input::{Position, SourceMap};

enum Frame {
    Object {
        map: SourceMap,
        keys: HashMap<String, usize>,
        /// The key just read and where it is, waiting for its value.
        key: Option<(String, Position)>,
    },
    Array(SourceMap),
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
    column: usize,
}

impl Cursor<'_> {
    fn position(&self) -> Position {
        Position::new(self.line, self.column)
    }

    fn advance(&mut self) {
        if let Some(&b) = self.bytes.get(self.at) {
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.advance();
        }
    }

    /// Reads a string whose opening quote is at the cursor; its text, unescaped only
    /// when it has escapes.
    fn string(&mut self, text: &str) -> Option<String> {
        let start = self.at;
        self.advance();
        let mut escaped = false;
        loop {
            let b = self.peek()?;
            self.advance();
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => break,
                _ => {}
            }
        }
        let raw = text.get(start..self.at)?;
        if raw.contains('\\') {
            serde_json::from_str(raw).ok()
        } else {
            Some(raw[1..raw.len() - 1].to_string())
        }
    }

    fn scalar(&mut self) {
        while !matches!(
            self.peek(),
            None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
        ) {
            self.advance();
        }
    }
}

/// The source map of a JSON document, or `None` when the text is not the JSON serde_json
/// accepted (which cannot happen for a text it parsed).
pub fn source_map(text: &str) -> Option<SourceMap> {
    let mut cursor = Cursor {
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
        column: 1,
    };
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        cursor.skip_space();
        // Inside an object, read the key first (or the end of the object).
        if let Some(Frame::Object { key, .. }) = stack.last_mut()
            && key.is_none()
        {
            match cursor.peek()? {
                b'}' => {
                    cursor.advance();
                    let Some(Frame::Object { map, .. }) = stack.pop() else {
                        return None;
                    };
                    if let Some(done) = finish(&mut stack, map) {
                        return Some(done);
                    }
                    continue;
                }
                b',' => {
                    cursor.advance();
                    continue;
                }
                b'"' => {
                    let at = cursor.position();
                    let name = cursor.string(text)?;
                    cursor.skip_space();
                    if cursor.peek()? != b':' {
                        return None;
                    }
                    cursor.advance();
                    *key = Some((name, at));
                    continue;
                }
                _ => return None,
            }
        }
        let at = cursor.position();
        match cursor.peek()? {
            b',' => {
                cursor.advance();
                continue;
            }
            b']' => {
                cursor.advance();
                let Some(Frame::Array(map)) = stack.pop() else {
                    return None;
                };
                if let Some(done) = finish(&mut stack, map) {
                    return Some(done);
                }
                continue;
            }
            b'{' => {
                cursor.advance();
                stack.push(Frame::Object {
                    map: SourceMap::leaf(at),
                    keys: HashMap::new(),
                    key: None,
                });
                continue;
            }
            b'[' => {
                cursor.advance();
                stack.push(Frame::Array(SourceMap::leaf(at)));
                continue;
            }
            b'"' => {
                cursor.string(text)?;
            }
            _ => cursor.scalar(),
        }
        if let Some(done) = finish(&mut stack, SourceMap::leaf(at)) {
            return Some(done);
        }
    }
}

/// Adds a completed value to its parent; the root when there is no parent.
fn finish(stack: &mut [Frame], value: SourceMap) -> Option<SourceMap> {
    match stack.last_mut() {
        None => Some(value),
        Some(Frame::Array(map)) => {
            map.children.push(value);
            None
        }
        Some(Frame::Object { map, keys, key }) => {
            let (name, at) = key.take()?;
            let entry = SourceMap {
                position: at,
                children: value.children,
            };
            match keys.get(&name) {
                Some(&index) => map.children[index].children = entry.children,
                None => {
                    keys.insert(name, map.children.len());
                    map.children.push(entry);
                }
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{self, Format, PathSegment};
    use crate::limits::Limits;

    /// Entries and leaves sit where the engine's (YAML-based) source map puts them;
    /// objects and arrays at their opening bracket.
    #[test]
    fn positions_of_entries_items_and_brackets() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\\\"y\"}, [true, null]],\n  \"\u{e9}\": {\"c\": -1.5e3},\n\t\"d\": \"\"\n}\n";
        let map = source_map(text).expect("valid JSON");
        let file = input::parse(
            "t",
            text.as_bytes().to_vec(),
            Format::Yaml,
            &Limits::default(),
        )
        .expect("valid YAML");
        let value = &file.documents[0].value;
        let yaml = file.documents[0].source_map.clone().expect("a map");
        let key = |k: &str| PathSegment::Key(k.into());
        let paths: Vec<Vec<PathSegment>> = vec![
            vec![key("a")],
            vec![key("a"), PathSegment::Index(0)],
            vec![key("a"), PathSegment::Index(1), key("b")],
            vec![key("a"), PathSegment::Index(2), PathSegment::Index(1)],
            vec![key("\u{e9}"), key("c")],
            vec![key("d")],
        ];
        for path in &paths {
            assert_eq!(
                map.locate(value, path),
                yaml.locate(value, path),
                "{path:?}"
            );
        }
        assert_eq!(map.locate(value, &paths[2]), Position::new(2, 13));
        assert_eq!(
            map.locate(value, &[key("a"), PathSegment::Index(1)]),
            Position::new(2, 12)
        );
        assert_eq!(map.position, Position::new(1, 1));
    }

    #[test]
    fn repeated_keys_keep_their_first_place_and_malformed_text_gives_none() {
        let map = source_map("{\"a\": 1, \"b\": 2, \"a\": [3]}").expect("valid");
        assert_eq!(map.children.len(), 2);
        assert_eq!(map.children[0].position, Position::new(1, 2));
        assert!(source_map("{\"a\" 1}").is_none());
        assert!(source_map("[1, 2").is_none());
        assert!(source_map("").is_none());
    }
}
