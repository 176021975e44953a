//! The parse of a large JSON file on every core: the elements of the root object's long
//! arrays are parsed as documents of their own, side by side, while one task reads the
//! rest of the file, skipping those arrays; the arrays are then put in their places.
//!
//! It gives the value the whole-file parse gives, or nothing: on any failure the caller
//! parses the whole file again, for an error that names the position.

use std::fmt;
use std::ops::Range;

use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value};

use crate::input::unique_keys::{UniqueKeys, UniqueKeysVisitor};

/// From this many elements an array is parsed apart from the rest of the file (two
/// under the fuzzer, whose inputs are small).
const LONG_ARRAY: usize = if cfg!(fuzzing) { 2 } else { 256 };

/// Elements per task: enough that a task's cost is noise.
const ELEMENTS_PER_TASK: usize = 64;

/// Where the elements of each array directly under the root object are, in document
/// order, as the depth scan found them.
#[derive(Debug, Default)]
pub struct Layout {
    arrays: Vec<Vec<Range<usize>>>,
    element_start: usize,
}

impl Layout {
    pub fn open_array(&mut self, start: usize) {
        self.arrays.push(Vec::new());
        self.element_start = start;
    }

    pub fn next_element(&mut self, comma: usize) {
        if let Some(elements) = self.arrays.last_mut() {
            elements.push(self.element_start..comma);
        }
        self.element_start = comma + 1;
    }

    pub fn close_array(&mut self, text: &[u8], end: usize) {
        let last = self.element_start..end;
        let blank = text[last.clone()].iter().all(u8::is_ascii_whitespace);
        if let Some(elements) = self.arrays.last_mut()
            && !(blank && elements.is_empty())
        {
            elements.push(last);
        }
    }

    fn is_long(&self, ordinal: usize) -> bool {
        self.arrays
            .get(ordinal)
            .is_some_and(|a| a.len() >= LONG_ARRAY)
    }
}

/// The file's value, when it has a long array and every part parses.
pub fn parse(text: &str, layout: &Layout) -> Option<Value> {
    if !(0..layout.arrays.len()).any(|ordinal| layout.is_long(ordinal)) {
        return None;
    }
    let (root, arrays) = rayon::join(
        || parse_root(text, layout),
        || {
            layout
                .arrays
                .iter()
                .enumerate()
                .filter(|(ordinal, _)| layout.is_long(*ordinal))
                .map(|(_, elements)| parse_elements(text, elements))
                .collect::<Option<Vec<_>>>()
        },
    );
    let (mut root, holes) = root?;
    for (key, array) in holes.into_iter().zip(arrays?) {
        root.insert(key, Value::Array(array));
    }
    Some(Value::Object(root))
}

fn parse_elements(text: &str, elements: &[Range<usize>]) -> Option<Vec<Value>> {
    elements
        .par_iter()
        .with_min_len(ELEMENTS_PER_TASK)
        .map(|range| {
            parse_whole(&text[range.clone()], |deserializer| {
                UniqueKeys::deserialize(deserializer)
            })
            .map(|UniqueKeys(value)| value)
        })
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

/// The root object with its long arrays left out, and the keys they belong to, in
/// document order.
fn parse_root(text: &str, layout: &Layout) -> Option<(Map<String, Value>, Vec<String>)> {
    parse_whole(text, |deserializer| {
        deserializer.deserialize_map(RootVisitor { layout })
    })
    .ok()
}

/// Parses all of `text` with `parse`: nesting was bounded by the depth scan, and nothing
/// but whitespace may follow.
fn parse_whole<'de, T>(
    text: &'de str,
    parse: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    ) -> Result<T, serde_json::Error>,
) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    let value = parse(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

struct RootVisitor<'a> {
    layout: &'a Layout,
}

impl<'de> Visitor<'de> for RootVisitor<'_> {
    type Value = (Map<String, Value>, Vec<String>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = Map::new();
        let mut holes = Vec::new();
        let mut ordinal = 0;
        while let Some(key) = map.next_key::<String>()? {
            let Entry::Vacant(entry) = object.entry(key) else {
                return Err(A::Error::custom("duplicate key"));
            };
            let member = map.next_value_seed(Member {
                layout: self.layout,
                ordinal: &mut ordinal,
            })?;
            match member {
                Some(value) => {
                    entry.insert(value);
                }
                None => {
                    holes.push(entry.key().clone());
                    entry.insert(Value::Null);
                }
            }
        }
        Ok((object, holes))
    }
}

/// A value of the root object: `None` for a long array, skipped.
struct Member<'a> {
    layout: &'a Layout,
    ordinal: &'a mut usize,
}

impl<'de> DeserializeSeed<'de> for Member<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Member<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let ordinal = *self.ordinal;
        *self.ordinal += 1;
        if !self.layout.is_long(ordinal) {
            return UniqueKeysVisitor.visit_seq(seq).map(Some);
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        UniqueKeysVisitor.visit_map(map).map(Some)
    }

    fn visit_bool<E: Error>(self, value: bool) -> Result<Self::Value, E> {
        UniqueKeysVisitor.visit_bool(value).map(Some)
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<Self::Value, E> {
        UniqueKeysVisitor.visit_i64(value).map(Some)
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Self::Value, E> {
        UniqueKeysVisitor.visit_u64(value).map(Some)
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<Self::Value, E> {
        UniqueKeysVisitor.visit_f64(value).map(Some)
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Self::Value, E> {
        UniqueKeysVisitor.visit_str(value).map(Some)
    }

    fn visit_string<E: Error>(self, value: String) -> Result<Self::Value, E> {
        UniqueKeysVisitor.visit_string(value).map(Some)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        UniqueKeysVisitor.visit_unit().map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_splitting_from, scan};
    use super::*;
    use crate::limits::Limits;

    /// An element of every JSON form, with the scan's delimiters inside strings.
    fn element(i: usize) -> String {
        match i % 6 {
            0 => format!(
                r#"{{"name": "p-{i}", "tags": ["a,b", "[c]", {{"d": [1, 2, {{}}]}}], "n": null}}"#
            ),
            1 => format!(r#" "quote \" and [ , ] {{ }} \\ é {i}" "#),
            2 => format!("\n  {}.5e-3", i),
            3 => "[[], [[]], {\"x\": \"]\"}]".to_string(),
            4 => "true".to_string(),
            _ => format!(r#"{{"k\"{i}": -{i}, "": [false]}}"#),
        }
    }

    fn document(long: usize) -> String {
        let array = |n: usize| (0..n).map(element).collect::<Vec<_>>().join(",");
        format!(
            "{{\"first\": [{}],\n \"short\": [{}], \"object\": {{\"inner\": [{}]}},\n \
             \"empty\": [ ], \"scalar\": \"[\", \"second\": [{}]  }}\n",
            array(long),
            array(3),
            array(long),
            array(long + 1),
        )
    }

    fn whole(text: &str) -> Result<Vec<crate::input::Document>, crate::input::ParseError> {
        parse_splitting_from(text, &Limits::default(), usize::MAX)
    }

    fn split(text: &str) -> Result<Vec<crate::input::Document>, crate::input::ParseError> {
        parse_splitting_from(text, &Limits::default(), 0)
    }

    #[test]
    fn split_parse_gives_the_whole_file_value_in_its_order() {
        let text = document(LONG_ARRAY + 50);
        let layout = scan(&text, &Limits::default(), true).expect("scans");
        let lengths: Vec<usize> = layout.arrays.iter().map(Vec::len).collect();
        assert_eq!(lengths, [LONG_ARRAY + 50, 3, 0, LONG_ARRAY + 51]);
        let value = parse(&text, &layout).expect("split parse succeeds");
        let expected = whole(&text).expect("parses").remove(0).value;
        assert_eq!(value.to_string(), expected.to_string());
        assert_eq!(split(&text).expect("parses")[0].value, expected);
    }

    #[test]
    fn files_without_a_long_array_are_left_to_the_whole_file_parse() {
        let short = document(LONG_ARRAY - 2);
        let layout = scan(&short, &Limits::default(), true).expect("scans");
        assert!(parse(&short, &layout).is_none());
        let root_array = format!(
            "[{}]",
            (0..LONG_ARRAY * 2)
                .map(element)
                .collect::<Vec<_>>()
                .join(",")
        );
        let layout = scan(&root_array, &Limits::default(), true).expect("scans");
        assert!(parse(&root_array, &layout).is_none());
        assert_eq!(
            split(&root_array).expect("parses")[0].value,
            whole(&root_array).expect("parses")[0].value
        );
    }

    #[test]
    fn a_broken_file_gets_the_whole_file_parse_error() {
        let text = document(LONG_ARRAY + 10);
        let in_element = text.replacen(r#""n": null"#, r#""n": null, "n": 1"#, 1);
        let broken = [
            in_element,
            text.replacen("\"tags\": [", "\"tags\" [", 1),
            text.replacen("\"first\": [", "\"first\": [1,", 1).replacen(
                "],\n \"short\"",
                ",],\n \"short\"",
                1,
            ),
            text.replacen("\"scalar\"", "\"first\"", 1),
            format!("{text} x"),
            text.replacen("true", "tru", 1),
        ];
        for text in &broken {
            let layout = scan(text, &Limits::default(), true).expect("scans");
            assert!(parse(text, &layout).is_none(), "{text}");
            let error = split(text).expect_err("fails");
            assert_eq!(error, whole(text).expect_err("fails"));
            assert!(error.position.is_some(), "{error:?}");
        }
    }
}
