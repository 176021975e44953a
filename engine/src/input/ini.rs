//! INI as `{section: {key: value}}` like conftest: keys before any section are dropped,
//! values that read as numbers or booleans become them; a key repeated in a section (or
//! in a section given twice) is an error.

use serde_json::{Map, Number, Value};

use super::location::Position;
use super::{Document, ParseError};

pub fn parse(text: &str) -> Result<Vec<Document>, ParseError> {
    let ini = ini::Ini::load_from_str(text).map_err(|e| {
        ParseError::at(
            error_position(text, e.line, e.col),
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
                // A repeated key would silently replace the first: refuse it, as in YAML.
                if object.insert(key.to_string(), typed(value)).is_some() {
                    return Err(ParseError::without_position(format!(
                        "invalid INI: duplicate key {key:?} in section [{section}]"
                    )));
                }
            }
        }
    }
    Ok(vec![Document::without_locations(Value::Object(root))])
}

/// rust-ini reports one column past the character it stopped at, and a line break (or the
/// end after a final one) as column 1 of the next line; point at the character itself, or
/// at the end of the line that was cut short.
fn error_position(text: &str, line: usize, column: usize) -> Position {
    if column > 1 || line <= 1 {
        return Position::new(line, column.saturating_sub(1).max(1));
    }
    let previous = text.split('\n').nth(line - 2).unwrap_or_default();
    Position::new(
        line - 1,
        previous.trim_end_matches('\r').chars().count() + 1,
    )
}

/// Numbers first, then booleans, as conftest reads values (Go's `ParseFloat` and
/// `ParseBool`); whole numbers stay integers so they compare and print as written.
fn typed(value: &str) -> Value {
    if let Ok(i) = value.parse::<i64>() {
        return Value::Number(i.into());
    }
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
