//! TOML as a plain JSON object; dates and times become their RFC 3339 text.

use serde_json::{Map, Number, Value};

use super::location::Position;
use super::{Document, ParseError};
use crate::limits::{LimitExceeded, Limits};

pub fn parse(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let position = e.span().map_or(Position::new(1, 1), |span| {
            super::location::LineIndex::new(text).position(text, span.start)
        });
        ParseError::at(position, format!("invalid TOML: {}", e.message()))
    })?;
    let value = convert(toml::Value::Table(table), 0, limits)?;
    Ok(vec![Document::without_locations(value)])
}

fn convert(value: toml::Value, depth: usize, limits: &Limits) -> Result<Value, ParseError> {
    if depth > limits.depth() {
        return Err(ParseError::without_position(
            LimitExceeded::depth(limits.depth()).to_string(),
        ));
    }
    Ok(match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Number(i.into()),
        toml::Value::Float(f) => {
            Number::from_f64(f).map_or_else(|| Value::String(f.to_string()), Value::Number)
        }
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| convert(v, depth + 1, limits))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(table) => {
            let mut object = Map::with_capacity(table.len());
            for (key, value) in table {
                object.insert(key, convert(value, depth + 1, limits)?);
            }
            Value::Object(object)
        }
    })
}
