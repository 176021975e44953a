//! What the fuzz targets assert beyond "no panic": a parsed value and its source
//! positions agree with the text they came from, every error points inside the file,
//! values survive a round trip, and the reading of rule results of any shape gives
//! findings that point inside their input and render in every output format.
//!
//! A new target is one small file in `fuzz_targets/` calling one of these checks, a
//! `[[bin]]` entry in Cargo.toml and a seed folder (FUZZING.md, "Adding a target").

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Value, json};
use tollgate_engine::check;
use tollgate_engine::input::{self, Format, InputFile, ParseError, PathSegment, Position};
use tollgate_engine::limits::Limits;
use tollgate_engine::policy::{Namespace, PolicyFile, PolicyOptions, PolicySet};
use tollgate_engine::report::{self, CheckResult, Finding, OutputFormat, RenderOptions, Report};

/// The path every fuzz input is parsed under; findings and errors must name it.
pub const INPUT_PATH: &str = "fuzz-input";

/// Paths looked up per document with [`InputFile::locate`]; JSON rebuilds its positions
/// on every lookup, so it gets fewer.
const MAX_LOOKUPS: usize = 256;
const MAX_JSON_LOOKUPS: usize = 16;

/// The default limits with fewer values after alias expansion: the check is the same at
/// any bound, and an alias bomb at the default of 1,000,000 would spend ~100 ms of every
/// run on its variants.
pub fn limits() -> Limits {
    Limits {
        max_nodes: 100_000,
        ..Limits::default()
    }
}

/// How completely a parser maps positions: `Exact` parsers give every value inside an
/// array or object its own position, `Partial` ones may stop at an instruction (the
/// Dockerfile parser places a whole instruction at its line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Exact,
    Partial,
}

/// The text a parser saw, as lines of characters, to bound positions.
pub struct Lines {
    widths: Vec<usize>,
}

impl Lines {
    /// Lines as positions count them: split at `\n` only (a `\r` is a character of its
    /// line), after the byte-order mark the parsers drop. Invalid UTF-8 is read lossily,
    /// which keeps the lines before the first bad byte intact.
    pub fn new(bytes: &[u8]) -> Self {
        let text: Cow<str> = String::from_utf8_lossy(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        Self {
            widths: text.split('\n').map(|line| line.chars().count()).collect(),
        }
    }

    /// Panics unless `position` is inside the text: an existing line, and a column at
    /// most one past that line's last character (where an empty value ends a line).
    pub fn assert_contains(&self, position: Position, what: &dyn std::fmt::Display) {
        let line = position.line as usize;
        assert!(
            (1..=self.widths.len()).contains(&line),
            "{what}: line {} is outside the {} lines of the input",
            position.line,
            self.widths.len()
        );
        let width = self.widths[line - 1];
        assert!(
            (1..=width + 1).contains(&(position.column as usize)),
            "{what}: column {} is outside line {} ({width} characters)",
            position.column,
            position.line
        );
    }
}

/// Parses `data` as `format` and checks every invariant of the result, which it returns.
pub fn check_parser(format: Format, data: &[u8], shape: Shape) -> Result<InputFile, ParseError> {
    let limits = limits();
    let lines = Lines::new(data);
    let parsed = input::parse(INPUT_PATH, data.to_vec(), format, &limits);
    match &parsed {
        Err(error) => check_error(error, &lines),
        Ok(file) => {
            assert!(
                std::str::from_utf8(data).is_ok(),
                "{format}: input that is not UTF-8 was accepted"
            );
            check_locations(file, &lines, shape);
            check_reparse(file, &limits);
        }
    }
    parsed
}

/// An error says what is wrong and, when it gives a position, one inside the file.
pub fn check_error(error: &ParseError, lines: &Lines) {
    assert!(
        !error.message.trim().is_empty(),
        "an error without a message"
    );
    if let Some(position) = error.position {
        lines.assert_contains(position, &format_args!("error {:?}", error.message));
    }
}

/// Every document's source map mirrors its value and lies inside the text, and
/// [`InputFile::locate`] agrees with it.
fn check_locations(file: &InputFile, lines: &Lines, shape: Shape) {
    let budget = if file.format == Format::Json {
        MAX_JSON_LOOKUPS
    } else {
        MAX_LOOKUPS
    };
    for (index, document) in file.documents.iter().enumerate() {
        let mut lookups = 0;
        match &document.source_map {
            Some(map) => {
                let mut pending = vec![(&document.value, map, Vec::new())];
                while let Some((value, map, path)) = pending.pop() {
                    let what = format_args!("document {index} at {path:?}");
                    lines.assert_contains(map.position, &what);
                    if lookups < budget {
                        lookups += 1;
                        assert_eq!(file.locate(index, &path), map.position, "{what}");
                    }
                    let children = children(value);
                    let mapped = map.children.len();
                    let exact = mapped == children.len();
                    assert!(
                        exact || (shape == Shape::Partial && mapped == 0),
                        "{what}: {} values but {mapped} positions",
                        children.len()
                    );
                    if exact {
                        for ((segment, child), child_map) in children.into_iter().zip(&map.children)
                        {
                            let mut child_path = path.clone();
                            child_path.push(segment);
                            pending.push((child, child_map, child_path));
                        }
                    }
                }
            }
            None => {
                let mut pending = vec![(&document.value, Vec::new())];
                while let Some((value, path)) = pending.pop() {
                    if lookups >= budget {
                        break;
                    }
                    lookups += 1;
                    let position = file.locate(index, &path);
                    lines.assert_contains(position, &format_args!("document {index} at {path:?}"));
                    for (segment, child) in children(value) {
                        let mut child_path = path.clone();
                        child_path.push(segment);
                        pending.push((child, child_path));
                    }
                }
            }
        }
        // A path that leads nowhere points at its deepest existing ancestor.
        let missing = [PathSegment::Key("\u{0}no such key".into())];
        lines.assert_contains(file.locate(index, &missing), &"a missing path");
    }
    lines.assert_contains(
        file.locate(file.documents.len(), &[]),
        &"a missing document",
    );
}

fn children(value: &Value) -> Vec<(PathSegment, &Value)> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (PathSegment::Index(i), v))
            .collect(),
        Value::Object(object) => object
            .iter()
            .map(|(k, v)| (PathSegment::Key(k.clone()), v))
            .collect(),
        _ => Vec::new(),
    }
}

/// The documents written as JSON read back as the same values, through the JSON parser
/// and through the YAML one (JSON is YAML 1.2).
fn check_reparse(file: &InputFile, limits: &Limits) {
    let values: Vec<Value> = file.documents.iter().map(|d| d.value.clone()).collect();
    let wrapped = json!({ "documents": values });
    let text = serde_json::to_string(&wrapped).expect("parsed values serialize");
    let roomy = Limits {
        max_depth: limits.max_depth + 2,
        max_nodes: usize::MAX,
        max_file_bytes: u64::MAX,
        ..*limits
    };
    for format in [Format::Json, Format::Yaml] {
        let reparsed = input::parse("reparse", text.clone().into_bytes(), format, &roomy)
            .unwrap_or_else(|e| {
                panic!("{format} rejects the JSON of parsed values: {e:?}\n{text}")
            });
        assert_eq!(reparsed.documents.len(), 1, "{format}: {text}");
        assert_eq!(
            reparsed.documents[0].value, wrapped,
            "{format} reads the JSON of parsed values differently"
        );
    }
}

/// serde_json, without its recursion limit (tollgate bounds depth itself), as the
/// reference for what is and is not JSON.
pub fn reference_json(data: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(data).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    let value = Value::deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(value)
}

/// The values tollgate evaluates for a JSON text: a top-level array item by item.
pub fn as_documents(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        other => vec![other],
    }
}

/// Policies compiled once per fuzzing process, checked against each input.
pub struct Rules {
    policies: PolicySet,
    namespaces: Vec<Namespace>,
    definitions: usize,
}

impl Rules {
    /// Compiles `source` (package `main`); the fuzz policies are fixed, so a failure to
    /// compile is a bug in the target.
    pub fn new(source: &str) -> Self {
        let options = PolicyOptions {
            limits: limits(),
            ..PolicyOptions::default()
        };
        let file = PolicyFile {
            path: "fuzz.rego".into(),
            source: source.into(),
        };
        let mut policies =
            PolicySet::from_sources(vec![file], &options).expect("the fuzz policy compiles");
        policies.prepare().expect("the fuzz policy evaluates");
        let namespaces = policies
            .select(&["main".to_string()], false)
            .expect("namespace main");
        let definitions = namespaces
            .iter()
            .flat_map(|n| &n.rules)
            .map(|r| r.definitions)
            .sum();
        Self {
            policies,
            namespaces,
            definitions,
        }
    }

    /// Checks a parsed input (its text is `data`) against the rules: findings point
    /// inside the input, every rule is counted, and the report renders in every format.
    pub fn check(&self, file: &InputFile, data: &[u8]) {
        let lines = Lines::new(data);
        let report = match check::check_file(&self.policies, &self.namespaces, file) {
            Ok(results) => {
                for result in &results {
                    check_result(result, &lines);
                }
                let counted: usize = results.iter().map(CheckResult::total).sum();
                assert!(
                    counted >= self.definitions * file.documents.len(),
                    "{counted} results for {} rule definitions over {} documents",
                    self.definitions,
                    file.documents.len()
                );
                Report {
                    results,
                    ..Report::default()
                }
            }
            Err(error) => {
                assert_eq!(error.file, INPUT_PATH);
                assert!(!error.message.trim().is_empty());
                Report {
                    errors: vec![error],
                    ..Report::default()
                }
            }
        };
        check_rendering(&report);
    }
}

fn check_result(result: &CheckResult, lines: &Lines) {
    assert_eq!(result.file, INPUT_PATH);
    assert_eq!(result.namespace, "main");
    let findings = result
        .failures
        .iter()
        .chain(&result.warnings)
        .chain(&result.exceptions);
    for finding in findings {
        check_finding(finding, lines);
    }
}

fn check_finding(finding: &Finding, lines: &Lines) {
    let query = finding.metadata.get("query").and_then(Value::as_str);
    assert!(
        query.is_some_and(|q| q.starts_with("data.main.")),
        "a finding without its query: {finding:?}"
    );
    match &finding.explicit_location {
        // `_loc` is the policy's word; it is shown as given.
        Some((file, _)) if !file.is_empty() => {}
        _ => assert_eq!(finding.location.file, INPUT_PATH),
    }
    if finding.explicit_location.is_none() {
        lines.assert_contains(
            finding.location.position,
            &format_args!("finding {:?}", finding.message),
        );
    }
}

/// Every format renders; the machine-readable ones parse back.
fn check_rendering(report: &Report) {
    let options = RenderOptions::default();
    for name in OutputFormat::NAMES {
        let format = OutputFormat::from_name(name).expect("a listed format");
        let text = report::render(report, format, &options);
        match format {
            OutputFormat::Json | OutputFormat::Sarif => {
                serde_json::from_str::<Value>(&text)
                    .unwrap_or_else(|e| panic!("{name} output is not JSON: {e}\n{text}"));
            }
            OutputFormat::Junit => check_xml(&text),
            _ => {}
        }
    }
}

fn check_xml(text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("junit output is not XML: {e}\n{text}"),
        }
    }
}
