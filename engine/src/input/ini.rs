//! INI as `{section: {key: value}}` like conftest: keys before any section are dropped,
//! values that read as numbers or booleans become them.

use serde_json::{Map, Number, Value};

use super::{Document, ParseError};

pub fn parse(text: &str) -> Result<Vec<Document>, ParseError> {
    let ini = ini::Ini::load_from_str(text).map_err(|e| {
        ParseError::at(
            super::location::Position::new(e.line, e.col),
            format!("invalid INI: {}", e.msg),
        )
    })?;
    let mut root = Map::new();
    for (section, properties) in ini.iter() {
        let Some(section) = section else { continue };
        let entry = root
            .entry(section.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(object) = entry {
            for (key, value) in properties.iter() {
                object.insert(key.to_string(), typed(value));
            }
        }
    }
    Ok(vec![Document::without_locations(Value::Object(root))])
}

fn typed(value: &str) -> Value {
    if let Ok(f) = value.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    match value {
        "t" | "T" | "TRUE" | "true" | "True" => Value::Bool(true),
        "f" | "F" | "FALSE" | "false" | "False" => Value::Bool(false),
        _ => Value::String(value.to_string()),
    }
}
