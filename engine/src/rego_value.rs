//! JSON documents into regorus's values. Every input and most data pass through here;
//! going through serde (regorus's `Deserialize`) allocated every object key anew and
//! inserted entries one at a time (about a tenth of a 10,000-package SBOM's check).

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use regorus::Value as RegoValue;
use serde_json::Value;

/// Distinct keys remembered per conversion: enough for every field name of a real
/// document; keys beyond it (an object keyed by data, such as a package index) are
/// allocated as they come.
const KEY_CACHE_LIMIT: usize = 1_024;

/// Arrays at least this long convert on every core, a share of elements per task.
const PARALLEL_ELEMENTS: usize = 1_024;

/// The value of a JSON document; objects repeating the same field names share one
/// allocation per name.
pub(crate) fn from_json(value: &Value) -> RegoValue {
    Converter::default().convert(value)
}

/// [`from_json`], with the long arrays of a top-level object (an SBOM's packages and
/// relationships) converted on every core.
pub(crate) fn from_json_split(value: &Value) -> RegoValue {
    let Value::Object(fields) = value else {
        return from_json(value);
    };
    let mut converter = Converter::default();
    let converted: BTreeMap<RegoValue, RegoValue> = fields
        .iter()
        .map(|(key, field)| {
            let field = match field {
                Value::Array(items) if items.len() >= PARALLEL_ELEMENTS => RegoValue::from(
                    items
                        .par_iter()
                        .with_min_len(PARALLEL_ELEMENTS / 4)
                        .map_init(Converter::default, |converter, item| {
                            converter.convert(item)
                        })
                        .collect::<Vec<_>>(),
                ),
                other => converter.convert(other),
            };
            (converter.key(key), field)
        })
        .collect();
    RegoValue::from(converted)
}

#[derive(Default)]
struct Converter<'a> {
    keys: HashMap<&'a str, RegoValue>,
}

impl<'a> Converter<'a> {
    fn convert(&mut self, value: &'a Value) -> RegoValue {
        match value {
            Value::Null => RegoValue::Null,
            Value::Bool(b) => RegoValue::Bool(*b),
            // As serde_json hands numbers to a visitor: u64, then i64, then f64 (always
            // finite in a serde_json value).
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => RegoValue::from(u),
                (None, Some(i), _) => RegoValue::from(i),
                (None, None, Some(f)) => RegoValue::from(f),
                (None, None, None) => RegoValue::Undefined,
            },
            Value::String(s) => RegoValue::from(s.as_str()),
            Value::Array(items) => {
                RegoValue::from(items.iter().map(|i| self.convert(i)).collect::<Vec<_>>())
            }
            Value::Object(fields) => {
                // Collecting sorts the entries once and builds the map in bulk.
                let entries: BTreeMap<RegoValue, RegoValue> = fields
                    .iter()
                    .map(|(key, field)| (self.key(key), self.convert(field)))
                    .collect();
                RegoValue::from(entries)
            }
        }
    }

    fn key(&mut self, key: &'a str) -> RegoValue {
        if let Some(value) = self.keys.get(key) {
            return value.clone();
        }
        let value = RegoValue::from(key);
        if self.keys.len() < KEY_CACHE_LIMIT {
            self.keys.insert(key, value.clone());
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn through_serde(value: &Value) -> RegoValue {
        serde::Deserialize::deserialize(value).expect("converts")
    }

    #[test]
    fn gives_what_regorus_deserialization_gives() {
        let keyed_by_data: serde_json::Map<String, Value> = (0..KEY_CACHE_LIMIT + 10)
            .map(|i| (format!("pkg:npm/p{i}"), json!([i, i + 1])))
            .collect();
        let items: Vec<Value> = (0..PARALLEL_ELEMENTS * 2)
            .map(|i| json!({"name": format!("n{i}"), "index": i, "flag": i % 2 == 0}))
            .collect();
        let values = [
            json!(null),
            json!(true),
            json!(0),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(-1),
            json!(1.5),
            json!(1e300),
            json!(-0.0),
            json!(""),
            json!("café ✓"),
            json!([]),
            json!({}),
            json!({"b": 1, "a": [1, {"z": null, "y": [[]]}], "é": {"": "empty key"}}),
            json!({"index": keyed_by_data, "items": items, "n": 1}),
        ];
        for value in &values {
            assert_eq!(from_json(value), through_serde(value), "{value}");
            assert_eq!(from_json_split(value), through_serde(value), "{value}");
        }
    }

    #[test]
    fn repeated_field_names_share_one_allocation() {
        let value = json!([{"name": "a"}, {"name": "b"}]);
        let converted = from_json(&value);
        let key = |i: usize| -> *const u8 {
            let object = converted[i].as_object().expect("an object");
            let (key, _) = object.iter().next().expect("one field");
            key.as_string().expect("a string key").as_ptr()
        };
        assert_eq!(key(0), key(1));
    }
}
