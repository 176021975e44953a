//! HCL2 / Terraform in the shape conftest's hcl2 parser (hcl2json) gives policies: blocks
//! nest by type and labels and always end in an array of bodies; literals become JSON
//! values; any other expression becomes `"${source}"`, exactly as written.

use hcl::edit::Span;
use hcl::edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl::edit::parser::parse_body;
use hcl::edit::structure::{Block, BlockLabel, Body, Structure};
use hcl::edit::template::{Element, Template};
use serde_json::{Map, Number, Value};

use super::location::{LineIndex, Position, SourceMap};
use super::{Document, ParseError};
use crate::limits::{LimitExceeded, Limits};

pub fn parse(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    check_depth(text, limits)?;
    let body = parse_body(text).map_err(|e| {
        let location = e.location();
        // hcl-rs reads `1e400` as `1` followed by garbage; say what is really wrong.
        if let Some((number, start)) = infinite_number_at(text, location.line(), location.column())
        {
            return ParseError::at(
                start,
                format!(
                    "invalid HCL: the number {number} is out of range (not a finite 64-bit float)"
                ),
            );
        }
        ParseError::at(
            Position::new(location.line(), location.column()),
            format!("invalid HCL: {}", e.message()),
        )
    })?;
    let converter = Converter {
        text,
        lines: LineIndex::new(text),
    };
    let mut object = Object::default();
    converter.body(&body, &mut object)?;
    let (value, children) = object.finish();
    Ok(vec![Document {
        value,
        source_map: Some(SourceMap {
            position: Position::new(1, 1),
            children,
        }),
    }])
}

/// The numeric literal that 1-based `line_number` and `column` stop in, and where it
/// starts, when it overflows to infinity as a float.
fn infinite_number_at(text: &str, line_number: usize, column: usize) -> Option<(&str, Position)> {
    let line = text.lines().nth(line_number.checked_sub(1)?)?;
    let at = line
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map_or(line.len(), |(i, _)| i);
    let start = line[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let rest = &line[start..];
    let mut end = 0;
    for (i, c) in rest.char_indices() {
        let sign_of_exponent =
            matches!(c, '+' | '-') && i > 0 && matches!(rest.as_bytes()[i - 1], b'e' | b'E');
        if !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E') || sign_of_exponent) {
            break;
        }
        end = i + c.len_utf8();
    }
    let number = &rest[..end];
    let starts_with_digit = number.starts_with(|c: char| c.is_ascii_digit());
    let infinite = number.parse::<f64>().is_ok_and(f64::is_infinite);
    let column = line[..start].chars().count() + 1;
    (starts_with_digit && infinite).then_some((number, Position::new(line_number, column)))
}

/// An object under construction with the source map of each entry beside it.
#[derive(Default)]
struct Object {
    entries: Vec<(String, Slot)>,
}

enum Slot {
    Value(Value, SourceMap),
    Labels(Object, Position),
    Blocks(Vec<(Value, SourceMap)>, Position),
}

impl Object {
    fn slot(&mut self, key: &str) -> Option<&mut Slot> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, slot)| slot)
    }

    fn finish(self) -> (Value, Vec<SourceMap>) {
        let mut object = Map::with_capacity(self.entries.len());
        let mut maps = Vec::with_capacity(self.entries.len());
        for (key, slot) in self.entries {
            let (value, map) = match slot {
                Slot::Value(value, map) => (value, map),
                Slot::Labels(inner, position) => {
                    let (value, children) = inner.finish();
                    (value, SourceMap { position, children })
                }
                Slot::Blocks(bodies, position) => {
                    let (values, children) = bodies.into_iter().unzip();
                    (Value::Array(values), SourceMap { position, children })
                }
            };
            // Later duplicates of an attribute win, as in hcl2json.
            object.insert(key, value);
            maps.push(map);
        }
        (Value::Object(object), maps)
    }
}

struct Converter<'a> {
    text: &'a str,
    lines: LineIndex,
}

impl Converter<'_> {
    fn position(&self, span: Option<std::ops::Range<usize>>) -> Position {
        span.map_or(Position::new(1, 1), |s| {
            self.lines.position(self.text, s.start)
        })
    }

    fn source(&self, span: Option<std::ops::Range<usize>>) -> &str {
        span.and_then(|s| self.text.get(s)).unwrap_or_default()
    }

    fn body(&self, body: &Body, out: &mut Object) -> Result<(), ParseError> {
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let position = self.position(attribute.span());
                    let (value, mut map) = self.expression(&attribute.value);
                    map.position = position;
                    let key = attribute.key.as_str().to_string();
                    match out.slot(&key) {
                        Some(slot) => *slot = Slot::Value(value, map),
                        None => out.entries.push((key, Slot::Value(value, map))),
                    }
                }
                Structure::Block(block) => self.block(block, out)?,
            }
        }
        Ok(())
    }

    fn block(&self, block: &Block, mut out: &mut Object) -> Result<(), ParseError> {
        let position = self.position(block.span());
        let mut key = block.ident.as_str().to_string();
        let labels: Vec<&str> = block
            .labels
            .iter()
            .map(|label| match label {
                BlockLabel::Ident(ident) => ident.as_str(),
                BlockLabel::String(string) => string.as_str(),
            })
            .collect();
        for label in &labels {
            if out.slot(&key).is_none() {
                out.entries
                    .push((key.clone(), Slot::Labels(Object::default(), position)));
            }
            out = match out.slot(&key) {
                Some(Slot::Labels(inner, _)) => inner,
                _ => {
                    return Err(ParseError::at(
                        position,
                        format!(
                            "block {} {} conflicts with an attribute or block of the same name",
                            block.ident.as_str(),
                            labels.join(".")
                        ),
                    ));
                }
            };
            key = (*label).to_string();
        }
        let mut inner = Object::default();
        self.body(&block.body, &mut inner)?;
        let (value, children) = inner.finish();
        let body = (value, SourceMap { position, children });
        match out.slot(&key) {
            Some(Slot::Blocks(bodies, _)) => bodies.push(body),
            None => out.entries.push((key, Slot::Blocks(vec![body], position))),
            Some(_) => {
                return Err(ParseError::at(
                    position,
                    format!(
                        "cannot have multiple {:?} blocks: the name is already used",
                        block.ident.as_str()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn expression(&self, expr: &Expression) -> (Value, SourceMap) {
        let position = self.position(expr.span());
        let leaf = |value| (value, SourceMap::leaf(position));
        match expr {
            Expression::Null(_) => leaf(Value::Null),
            Expression::Bool(b) => leaf(Value::Bool(*b.value())),
            Expression::Number(n) => leaf(number(n.value())),
            Expression::String(s) => leaf(Value::String(s.value().clone())),
            Expression::Array(array) => {
                let (values, children) = array.iter().map(|e| self.expression(e)).unzip();
                (Value::Array(values), SourceMap { position, children })
            }
            Expression::Object(object) => {
                let mut map = Map::new();
                let mut children = Vec::new();
                for (key, value) in object.iter() {
                    // As hcl2json: a key expression converts like a value, then to text.
                    let key = match key {
                        ObjectKey::Ident(ident) => ident.as_str().to_string(),
                        ObjectKey::Expression(
                            e @ (Expression::Variable(_) | Expression::Traversal(_)),
                        ) => self.source(e.span()).trim().to_string(),
                        ObjectKey::Expression(e) => match self.expression(e).0 {
                            Value::String(s) => s,
                            other => other.to_string(),
                        },
                    };
                    let (value, child) = self.expression(value.expr());
                    if map.insert(key, value).is_none() {
                        children.push(child);
                    }
                }
                (Value::Object(map), SourceMap { position, children })
            }
            Expression::StringTemplate(template) => leaf(Value::String(self.template(template))),
            Expression::HeredocTemplate(heredoc) => {
                leaf(Value::String(self.template(&heredoc.template)))
            }
            // hcl2json evaluates an operator applied to a literal.
            Expression::UnaryOp(op) => match (op.operator.value(), &op.expr) {
                (UnaryOperator::Neg, Expression::Number(n)) => leaf(negate(n.value())),
                (UnaryOperator::Not, Expression::Bool(b)) => leaf(Value::Bool(!*b.value())),
                _ => leaf(self.wrapped(expr)),
            },
            _ => leaf(self.wrapped(expr)),
        }
    }

    fn wrapped(&self, expr: &Expression) -> Value {
        Value::String(format!("${{{}}}", self.source(expr.span()).trim()))
    }

    fn template(&self, template: &Template) -> String {
        let mut out = String::new();
        for element in template.iter() {
            match element {
                Element::Literal(literal) => out.push_str(literal.value()),
                Element::Interpolation(interpolation) => match &interpolation.expr {
                    Expression::String(s) => out.push_str(s.value()),
                    expr => out.push_str(&format!("${{{}}}", self.source(expr.span()).trim())),
                },
                Element::Directive(directive) => out.push_str(self.source(directive.span())),
            }
        }
        out
    }
}

fn number(n: &hcl::Number) -> Value {
    n.as_i64()
        .map(Number::from)
        .or_else(|| n.as_u64().map(Number::from))
        .or_else(|| n.as_f64().and_then(Number::from_f64))
        .map_or(Value::Null, Value::Number)
}

fn negate(n: &hcl::Number) -> Value {
    match n.as_i64() {
        Some(i) => Value::Number(Number::from(-i)),
        None => n
            .as_f64()
            .and_then(|f| Number::from_f64(-f))
            .map_or(Value::Null, Value::Number),
    }
}

/// The HCL parser recurses per nesting level; reject deep input before it can overflow
/// the stack. Brackets inside strings count too, which only errs on the safe side.
fn check_depth(text: &str, limits: &Limits) -> Result<(), ParseError> {
    let mut depth = 0usize;
    let mut line = 1;
    let mut column = 0;
    for c in text.chars() {
        column += 1;
        match c {
            '{' | '[' | '(' => {
                depth += 1;
                if depth > limits.depth() {
                    return Err(ParseError::limit(
                        Position::new(line, column),
                        LimitExceeded::depth(limits.depth()),
                    ));
                }
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            '\n' => {
                line += 1;
                column = 0;
            }
            _ => {}
        }
    }
    Ok(())
}
