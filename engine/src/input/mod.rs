//! Reading input files into JSON documents that policies evaluate, each with the source
//! positions of its fields.

mod dockerfile;
mod hcl;
mod ini;
mod json;
mod kind;
pub mod location;
mod toml;
mod unique_keys;
mod yaml;

use std::fmt;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::limits::{LimitExceeded, Limits};
pub use kind::{InputKind, is_terraform_plan};
pub use location::{PathSegment, Position, SourceMap};

/// The parsers tollgate understands, named as conftest names them for `--parser`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Yaml,
    Json,
    Hcl2,
    Dockerfile,
    Toml,
    Ini,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Yaml,
        Format::Json,
        Format::Hcl2,
        Format::Dockerfile,
        Format::Toml,
        Format::Ini,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Hcl2 => "hcl2",
            Format::Dockerfile => "dockerfile",
            Format::Toml => "toml",
            Format::Ini => "ini",
        }
    }

    /// A `--parser` name; `hcl`, `tf` and `yml` are accepted as aliases.
    pub fn from_name(name: &str) -> Result<Format, UnknownParser> {
        match name.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Ok(Format::Yaml),
            "json" => Ok(Format::Json),
            "hcl2" | "hcl" | "tf" | "tfvars" => Ok(Format::Hcl2),
            "dockerfile" => Ok(Format::Dockerfile),
            "toml" => Ok(Format::Toml),
            "ini" => Ok(Format::Ini),
            _ => Err(UnknownParser(name.to_string())),
        }
    }

    /// Detects the format from a file name as conftest does: Dockerfile patterns first,
    /// then the extension; a name without an extension is YAML.
    pub fn detect(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if name == "dockerfile"
            || name.starts_with("dockerfile.")
            || extension.as_deref() == Some("dockerfile")
        {
            return Some(Format::Dockerfile);
        }
        match extension.as_deref() {
            None => Some(Format::Yaml),
            Some(ext) => Format::from_name(ext).ok(),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown parser {0:?} (supported: yaml, json, hcl2, dockerfile, toml, ini)")]
pub struct UnknownParser(pub String);

/// One document of an input file: what a policy sees as `input`.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub value: Value,
    /// Positions of the document's fields; `None` where the parser gives none, and for
    /// JSON until a finding asks (see [`InputFile::locate`]).
    pub source_map: Option<SourceMap>,
}

impl Document {
    fn without_locations(value: Value) -> Self {
        Self {
            value,
            source_map: None,
        }
    }
}

/// A parsed input file.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The path as given by the user (`-` for standard input).
    pub path: String,
    pub format: Format,
    pub documents: Vec<Document>,
    text: String,
}

impl InputFile {
    /// The documents and the source text they were parsed from.
    pub fn into_parts(self) -> (Vec<Document>, String) {
        (self.documents, self.text)
    }

    /// Line `line` (1-based) of the source text.
    pub fn source_line(&self, line: u32) -> Option<&str> {
        self.text.lines().nth((line as usize).checked_sub(1)?)
    }

    /// The position of `path` inside document `index`; the document's first line when the
    /// path is empty or unknown.
    pub fn locate(&self, index: usize, path: &[PathSegment]) -> Position {
        let Some(document) = self.documents.get(index) else {
            return Position::new(1, 1);
        };
        match &document.source_map {
            Some(map) => map.locate(&document.value, path),
            None if self.format == Format::Json => json::source_map(&self.text, index)
                .map_or(Position::new(1, 1), |map| map.locate(&document.value, path)),
            None => Position::new(1, 1),
        }
    }
}

/// Why an input could not be read or parsed, with the position when the parser knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub position: Option<Position>,
    pub message: String,
}

impl ParseError {
    pub fn at(position: Position, message: String) -> Self {
        Self {
            position: Some(position),
            message,
        }
    }

    pub fn without_position(message: String) -> Self {
        Self {
            position: None,
            message,
        }
    }

    pub fn limit(position: Position, limit: LimitExceeded) -> Self {
        Self::at(position, limit.to_string())
    }
}

/// A parse error tied to the file it came from, as users see it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    pub path: String,
    pub error: ParseError,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.error.position {
            Some(p) => write!(
                f,
                "{}:{}:{}: {}",
                self.path, p.line, p.column, self.error.message
            ),
            None => write!(f, "{}: {}", self.path, self.error.message),
        }
    }
}

/// Reads and parses a file, or standard input when `path` is `-`.
pub fn load(path: &str, format: Format, limits: &Limits) -> Result<InputFile, InputError> {
    let fail = |error: ParseError| InputError {
        path: path.to_string(),
        error,
    };
    let bytes = read_bounded(path, limits.max_file_bytes).map_err(fail)?;
    parse(path, bytes, format, limits).map_err(fail)
}

/// Parses bytes already in memory.
pub fn parse(
    path: &str,
    bytes: Vec<u8>,
    format: Format,
    limits: &Limits,
) -> Result<InputFile, ParseError> {
    parse_decoded(path, decode(bytes)?, format, limits)
}

/// Parses text already decoded.
pub fn parse_decoded(
    path: &str,
    text: String,
    format: Format,
    limits: &Limits,
) -> Result<InputFile, ParseError> {
    let mut documents = parse_text(&text, format, limits).map_err(|error| ParseError {
        position: error.position.map(|p| location::inside(&text, p)),
        ..error
    })?;
    if matches!(format, Format::Yaml | Format::Json) {
        documents = split_top_level_arrays(documents);
    }
    Ok(InputFile {
        path: path.to_string(),
        format,
        documents,
        text,
    })
}

fn parse_text(text: &str, format: Format, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    match format {
        Format::Yaml => yaml::parse(text, limits),
        Format::Json => json::parse(text, limits),
        Format::Hcl2 => hcl::parse(text, limits),
        Format::Dockerfile => dockerfile::parse(text),
        Format::Toml => toml::parse(text, limits),
        Format::Ini => ini::parse(text),
    }
}

/// conftest evaluates each element of a top-level array as its own input, so a JSON list
/// or a YAML list is checked item by item; keep the counts identical.
fn split_top_level_arrays(documents: Vec<Document>) -> Vec<Document> {
    if documents.len() != 1 || !documents[0].value.is_array() {
        return documents;
    }
    let Some(document) = documents.into_iter().next() else {
        return Vec::new();
    };
    let Value::Array(items) = document.value else {
        unreachable!("checked above")
    };
    let maps = document
        .source_map
        .map(|m| m.children.into_iter().map(Some).collect())
        .unwrap_or_else(|| vec![None; items.len()]);
    items
        .into_iter()
        .zip(maps)
        .map(|(value, source_map)| Document { value, source_map })
        .collect()
}

pub(crate) fn read_bounded(path: &str, max_bytes: u64) -> Result<Vec<u8>, ParseError> {
    let io_error = |e: std::io::Error| ParseError::without_position(format!("cannot read: {e}"));
    let mut reader: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(path).map_err(io_error)?;
        let size = file.metadata().map_err(io_error)?.len();
        if size > max_bytes {
            return Err(ParseError::without_position(
                LimitExceeded::file_size(size, max_bytes).to_string(),
            ));
        }
        Box::new(file)
    };
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ParseError::without_position(
            LimitExceeded::file_size(bytes.len() as u64, max_bytes).to_string(),
        ));
    }
    Ok(bytes)
}

/// Input must be UTF-8 (a leading byte-order mark is dropped); the error names where the
/// first invalid byte is.
pub(crate) fn decode(bytes: Vec<u8>) -> Result<String, ParseError> {
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = &e.as_bytes()[..valid];
        let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
        // The prefix is valid UTF-8; columns count its characters, not its bytes.
        let line_start = prefix
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&prefix[line_start..])
            .chars()
            .count()
            + 1;
        ParseError::at(
            Position::new(line, column),
            "invalid UTF-8: the file is not text".into(),
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}
