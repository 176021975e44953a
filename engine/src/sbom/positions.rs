//! Positions of every value of a JSON text in one pass over its bytes, shaped like the
//! value serde_json reads from it (object entries point at their key, a repeated key
//! keeps its first place, as `preserve_order` maps do). Large SBOMs need this: the
//! engine's YAML-based source map costs seconds on a 5 MB file, this costs milliseconds.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::input::{Position, SourceMap};

/// Objects with more keys than this look repeated keys up in a hash map; smaller ones
/// (nearly all of an SBOM's) scan their few keys, which allocates nothing.
const SCANNED_KEYS: usize = 16;

/// The keys an object has read so far, for repeated keys.
#[derive(Default)]
struct Keys<'a> {
    names: Vec<Cow<'a, str>>,
    large: Option<HashMap<Cow<'a, str>, usize>>,
}

impl<'a> Keys<'a> {
    fn index_of(&self, name: &str) -> Option<usize> {
        match &self.large {
            Some(map) => map.get(name).copied(),
            None => self.names.iter().position(|n| n == name),
        }
    }

    fn push(&mut self, name: Cow<'a, str>) {
        let index = self.names.len();
        if let Some(map) = &mut self.large {
            map.insert(name.clone(), index);
        }
        self.names.push(name);
        if self.large.is_none() && self.names.len() > SCANNED_KEYS {
            let map = self
                .names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), i))
                .collect();
            self.large = Some(map);
        }
    }
}

enum Frame<'a> {
    Object {
        map: SourceMap,
        keys: Keys<'a>,
        /// The key just read and where it is, waiting for its value.
        key: Option<(Cow<'a, str>, Position)>,
    },
    Array(SourceMap),
}

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    line: usize,
    column: usize,
}

impl<'a> Cursor<'a> {
    fn position(&self) -> Position {
        Position::new(self.line, self.column)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Moves past one byte that is not a line break nor inside a multi-byte character.
    fn step(&mut self) {
        self.at += 1;
        self.column += 1;
    }

    fn skip_space(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    self.column = 1;
                }
                b' ' | b'\t' | b'\r' => self.step(),
                _ => break,
            }
        }
    }

    /// Reads a string whose opening quote is at the cursor; its text, unescaped only
    /// when it has escapes. JSON strings hold no raw line breaks, so only the column
    /// moves: by one per character.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.at;
        let mut i = start + 1;
        let mut escaped = false;
        let mut characters = 1;
        loop {
            let b = *self.bytes.get(i)?;
            i += 1;
            if b & 0xC0 != 0x80 {
                characters += 1;
            }
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => break,
                _ => {}
            }
        }
        self.at = i;
        self.column += characters;
        let raw = self.text.get(start..i)?;
        if raw.contains('\\') {
            serde_json::from_str(raw).ok().map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(&raw[1..raw.len() - 1]))
        }
    }

    /// Skips a number, `true`, `false` or `null` (ASCII, on one line).
    fn scalar(&mut self) {
        while !matches!(
            self.peek(),
            None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
        ) {
            self.step();
        }
    }
}

/// The source map of a JSON document, or `None` when the text is not the JSON serde_json
/// accepted (which cannot happen for a text it parsed).
pub fn source_map(text: &str) -> Option<SourceMap> {
    let mut cursor = Cursor {
        text,
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
        column: 1,
    };
    let mut stack: Vec<Frame<'_>> = Vec::new();
    loop {
        cursor.skip_space();
        // Inside an object, read the key first (or the end of the object).
        if let Some(Frame::Object { key, .. }) = stack.last_mut()
            && key.is_none()
        {
            match cursor.peek()? {
                b'}' => {
                    cursor.step();
                    let Some(Frame::Object { map, .. }) = stack.pop() else {
                        return None;
                    };
                    if let Some(done) = finish(&mut stack, map) {
                        return Some(done);
                    }
                    continue;
                }
                b',' => {
                    cursor.step();
                    continue;
                }
                b'"' => {
                    let at = cursor.position();
                    let name = cursor.string()?;
                    cursor.skip_space();
                    if cursor.peek()? != b':' {
                        return None;
                    }
                    cursor.step();
                    *key = Some((name, at));
                    continue;
                }
                _ => return None,
            }
        }
        let at = cursor.position();
        match cursor.peek()? {
            b',' => {
                cursor.step();
                continue;
            }
            b']' => {
                cursor.step();
                let Some(Frame::Array(map)) = stack.pop() else {
                    return None;
                };
                if let Some(done) = finish(&mut stack, map) {
                    return Some(done);
                }
                continue;
            }
            b'{' => {
                cursor.step();
                stack.push(Frame::Object {
                    map: SourceMap::leaf(at),
                    keys: Keys::default(),
                    key: None,
                });
                continue;
            }
            b'[' => {
                cursor.step();
                stack.push(Frame::Array(SourceMap::leaf(at)));
                continue;
            }
            b'"' => {
                cursor.string()?;
            }
            _ => cursor.scalar(),
        }
        if let Some(done) = finish(&mut stack, SourceMap::leaf(at)) {
            return Some(done);
        }
    }
}

/// Adds a completed value to its parent; the root when there is no parent.
fn finish(stack: &mut [Frame<'_>], value: SourceMap) -> Option<SourceMap> {
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
            match keys.index_of(&name) {
                Some(index) => map.children[index].children = entry.children,
                None => {
                    keys.push(name);
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
        // Objects of many keys look them up in a map; escaped keys are unescaped.
        let keys: Vec<String> = (0..20).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!(
            "{{{}, \"k\\u0033\": [1, 2], \"\u{e9}t\u{e9}\": true}}",
            keys.join(", ")
        );
        let map = source_map(&text).expect("valid");
        assert_eq!(map.children.len(), 21);
        assert_eq!(map.children[3].position, Position::new(1, 29));
        assert_eq!(map.children[3].children.len(), 2);
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid");
        let last = map.locate(&value, &[PathSegment::Key("\u{e9}t\u{e9}".into())]);
        assert_eq!(last, Position::new(1, text.chars().count() - 11));
        assert!(source_map("{\"a\" 1}").is_none());
        assert!(source_map("[1, 2").is_none());
        assert!(source_map("").is_none());
    }
}
