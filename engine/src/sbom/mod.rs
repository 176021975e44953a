//! Software bills of materials: SPDX 2.2/2.3 (JSON, YAML, tag-value) and CycloneDX
//! 1.2-1.6 (JSON) are read, validated with stable codes ([`Code`]), bound to the artifact
//! they describe, and turned into one normalised shape that policies evaluate.
//!
//! # Why a model of our own
//! Measured on the 24 files of `../shared/testdata/sbom` before writing any code:
//! - `spdx-rs` 0.5 read the 16 SPDX JSON and tag-value files but not YAML, keeps no
//!   positions (so errors cannot name a line), refuses any field it does not know
//!   (`deny_unknown_fields`: a newer or vendor field fails the whole document), and is
//!   no longer maintained.
//! - `cyclonedx-bom` 0.8 read 2 of the 7 CycloneDX files: it supports spec 1.3 to 1.5
//!   only, and the examples are 1.2 to 1.6.
//!
//! So the engine's JSON and YAML parsers read the file (with their limits and source
//! maps, [`crate::input`]), [`tagvalue`] reads tag-value into the SPDX JSON shape with a
//! source map of its own, and small serde models ([`spdx`], [`cyclonedx`]) read that
//! value leniently: fields tollgate does not use are ignored, a wrong type is an error
//! naming the element and line. License expressions are parsed by the `spdx` crate
//! ([`license`]), package URLs by `packageurl`.
//!
//! # The normalised shape
//! Policies (`# METADATA custom: input: sbom`) see the same shape whichever format came
//! in:
//!
//! ```json
//! {
//!   "format": "spdx",                       // or "cyclonedx"
//!   "spec_version": "2.3",                  // "1.6" for CycloneDX
//!   "name": "SPDX-Tools-v2.0",              // CycloneDX: metadata.component.name
//!   "identifier": "http://spdx.org/...",    // documentNamespace / serialNumber
//!   "created": "2010-01-29T18:30:22Z",      // creationInfo.created / metadata.timestamp
//!   "authors": ["Jane Doe ()"],             // Person/Organization creators / metadata.authors
//!   "tools": ["LicenseFind-1.0"],           // Tool creators / metadata.tools
//!   "describes": ["SPDXRef-Package"],       // documentDescribes + DESCRIBES / metadata.component
//!   "packages": [{
//!     "id": "SPDXRef-Package",              // SPDXID / bom-ref (tollgate:<path> when absent)
//!     "type": "source",                     // primaryPackagePurpose (lower case) / type
//!     "name": "glibc", "group": null, "version": "2.11.1",
//!     "supplier": "Jane Doe (jane.doe@example.com)",   // without "Person: "; null if NOASSERTION
//!     "purl": "pkg:maven/org.apache.jena/apache-jena@3.12.0",
//!     "purl_base": "pkg:maven/org.apache.jena/apache-jena",  // no version, qualifiers, subpath
//!     "cpes": ["cpe:2.3:a:..."],
//!     "hashes": {"sha256": "11b6...", "sha1": "85ed..."},  // valid checksums, lower case
//!     "licenses": {
//!       "declared": {"expression": "(LGPL-2.0-only AND LicenseRef-3)", "kind": "expression",
//!                    "choices": [[{"license": "LGPL-2.0-only"}, {"license": "LicenseRef-3"}]]},
//!       "concluded": null                   // absent in the document
//!     }
//!   }],
//!   "relationships": [{"from": "SPDXRef-Package", "type": "DYNAMIC_LINK", "to": "SPDXRef-Saxon"}],
//!   "index": {                              // positions in packages, for fast lookups
//!     "purl_bases": {"pkg:maven/org.apache.jena/apache-jena": [2]},  // lower case, %40 as @
//!     "licenses": [{"licenses": {"declared": ..., "concluded": ...}, "packages": [0]}],
//!     "missing": {"supplier": [], "name": [], "version": [], "identifier": [1]},
//!     "unrelated": []                       // in no relationship, not described
//!   }
//! }
//! ```
//!
//! - Text fields that are absent, blank or (SPDX) `NOASSERTION` are `null`.
//! - A licence's `kind` is `expression`, `name` (CycloneDX free-text `license.name`),
//!   `NOASSERTION`, `NONE` or `invalid`. `choices` are the minimal sets of licences any one
//!   of which satisfies it ([`license`]): `MIT OR GPL-3.0-only` is `[[MIT], [GPL-3.0-only]]`.
//!   A term is `{license, exception?}`; deprecated GNU ids become `-only`/`-or-later`.
//!   CycloneDX entries acknowledged `concluded` (1.6) are `concluded`, the others
//!   `declared`; several entries apply together (AND).
//! - Relationships: SPDX's as written (and `documentDescribes` as `DESCRIBES`); CycloneDX
//!   `dependencies` as `DEPENDS_ON` (and `PROVIDES`), nesting as parent `CONTAINS` child.
//! - `index` ([`index`]) lets policies visit only the packages a rule is about: packages
//!   by package URL base, grouped by identical licenses, lacking a field, or in no
//!   relationship.
//! - Findings' `path`s point into this shape; [`Normalized::source_path`] maps them back
//!   to the element of the original document, so reports give its line.

pub mod binding;
pub mod check;
pub mod checksum;
pub mod cyclonedx;
pub mod diagnostics;
pub mod index;
pub mod license;
mod positions;
pub mod spdx;
pub mod tagvalue;

use std::sync::OnceLock;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::input::{self, Format, InputError, ParseError, PathSegment, Position, SourceMap};
use crate::limits::Limits;
pub use diagnostics::{Code, Diagnostic};

/// The two SBOM standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Spdx,
    CycloneDx,
}

/// How a file was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
    TagValue,
}

impl Syntax {
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Json => "JSON",
            Syntax::Yaml => "YAML",
            Syntax::TagValue => "tag-value",
        }
    }
}

/// A described element (what the SBOM is about) and its sha256, for binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub id: String,
    pub sha256: Option<String>,
    /// Where its checksums are (or would be) in the document.
    pub path: Vec<PathSegment>,
}

/// Where each normalised element came from in the document.
#[derive(Debug, Clone, Default, PartialEq)]
struct Origins {
    packages: Vec<Vec<PathSegment>>,
    relationships: Vec<Vec<PathSegment>>,
    describes: Vec<Vec<PathSegment>>,
}

/// Packages per task when a large SBOM is normalised on several cores: enough that a
/// task's cost is noise, few enough that a 10,000-package SBOM splits evenly.
const PARALLEL_CHUNK: usize = 512;

/// From this size (about 1,000 packages) a file's source map is built while it is
/// normalised rather than on first use.
const EAGER_POSITIONS_BYTES: usize = 512 * 1024;

/// A document in the normalised shape, with its validation findings.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    pub value: Value,
    pub family: Family,
    pub diagnostics: Vec<Diagnostic>,
    pub described: Vec<Described>,
    origins: Origins,
}

/// Why a document could not be read as an SBOM at all: not SPDX nor CycloneDX, or a field
/// of the wrong type; `path` leads to the offending element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizeError {
    pub path: Vec<PathSegment>,
    pub message: String,
}

/// Whether a parsed document is an SBOM: SPDX (`spdxVersion`) or CycloneDX
/// (`bomFormat`), as [`crate::input::InputKind::of`] tells them apart.
pub fn is_sbom(document: &Value) -> bool {
    document.get("spdxVersion").is_some() || document.get("bomFormat").is_some()
}

/// Reads a parsed JSON or YAML document (an SPDX JSON-shaped value from tag-value too)
/// into the normalised shape, with its validation findings.
///
/// This is what `tollgate test` calls for a document whose kind is
/// [`crate::input::InputKind::Sbom`] (it has `spdxVersion` or `bomFormat`); evaluate
/// `value`, and place findings with [`check::InputFileSubject`].
pub fn normalize(document: &Value) -> Result<Normalized, NormalizeError> {
    let mut normalized = if document.get("spdxVersion").is_some() {
        let model: spdx::Document = typed(document)?;
        spdx::normalize(&model)
    } else if document.get("bomFormat").is_some() {
        let model: cyclonedx::Bom = typed(document)?;
        cyclonedx::normalize(&model)
    } else {
        return Err(NormalizeError {
            path: Vec::new(),
            message: "not an SBOM: no spdxVersion (SPDX) or bomFormat (CycloneDX) at the top level"
                .into(),
        });
    };
    let index = index::build(&normalized.value);
    if let Value::Object(fields) = &mut normalized.value {
        fields.insert("index".into(), index);
    }
    Ok(normalized)
}

/// The typed model of a document. Tracking the path costs a fifth of the read of a
/// large SBOM, so it is only done again, for the message, when the plain read fails.
fn typed<'de, T: Deserialize<'de>>(document: &'de Value) -> Result<T, NormalizeError> {
    if let Ok(model) = T::deserialize(document) {
        return Ok(model);
    }
    serde_path_to_error::deserialize(document).map_err(|error| {
        let path = error
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(PathSegment::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(PathSegment::Key(key.clone())),
                _ => None,
            })
            .collect();
        let inner = error.into_inner().to_string();
        let shown = error_path(&inner);
        NormalizeError {
            message: format!("invalid SBOM: {shown}"),
            path,
        }
    })
}

fn error_path(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

impl Normalized {
    /// How many packages the document lists.
    pub fn package_count(&self) -> usize {
        self.origins.packages.len()
    }

    /// The path in the original document of the element a normalised `path` leads to
    /// (a package's field, a relationship, a document field).
    pub fn source_path(&self, source: &Value, path: &[PathSegment]) -> Vec<PathSegment> {
        let pick = |list: &[Vec<PathSegment>], index: usize| list.get(index).cloned();
        match path {
            [PathSegment::Key(key), PathSegment::Index(index), rest @ ..] if key == "packages" => {
                let Some(mut base) = pick(&self.origins.packages, *index) else {
                    return Vec::new();
                };
                let element = lookup(source, &base);
                let field = match self.family {
                    Family::Spdx => spdx::package_field(element, rest),
                    Family::CycloneDx => cyclonedx::package_field(element, rest),
                };
                base.extend(field);
                base
            }
            [PathSegment::Key(key), PathSegment::Index(index), ..] if key == "relationships" => {
                pick(&self.origins.relationships, *index).unwrap_or_default()
            }
            [PathSegment::Key(key), PathSegment::Index(index), ..] if key == "describes" => {
                pick(&self.origins.describes, *index).unwrap_or_default()
            }
            [PathSegment::Key(key), ..] => match self.family {
                Family::Spdx => spdx::document_field(key),
                Family::CycloneDx => cyclonedx::document_field(key),
            },
            _ => Vec::new(),
        }
    }
}

fn lookup<'a>(value: &'a Value, path: &[PathSegment]) -> &'a Value {
    path.iter()
        .try_fold(value, |value, segment| match segment {
            PathSegment::Key(key) => value.get(key),
            PathSegment::Index(index) => value.get(index),
        })
        .unwrap_or(&Value::Null)
}

/// An SBOM file as read: its document value and where each element is.
#[derive(Debug)]
pub struct SbomFile {
    /// The path as given (`-` for standard input).
    pub path: String,
    pub syntax: Syntax,
    /// The document; tag-value is read into the SPDX JSON shape.
    pub value: Value,
    text: String,
    source_map: OnceLock<Option<SourceMap>>,
    /// Findings of reading itself (tag-value: unknown and repeated tags).
    pub read_diagnostics: Vec<Diagnostic>,
}

impl SbomFile {
    fn positions(&self) -> &Option<SourceMap> {
        self.source_map
            .get_or_init(|| positions::source_map(&self.text))
    }

    /// The position of the element at `path` (of the document as read); for JSON the
    /// source map is built on first use, as most checks need none.
    pub fn locate(&self, path: &[PathSegment]) -> Position {
        let map = self.positions();
        map.as_ref()
            .map_or(Position::new(1, 1), |map| map.locate(&self.value, path))
    }
}

/// Reads an SBOM file (or standard input for `-`) within the size limit, and parses it.
pub fn load(path: &str, limits: &Limits) -> Result<SbomFile, InputError> {
    let bytes = input::read_bounded(path, limits.max_file_bytes).map_err(|error| InputError {
        path: path.to_string(),
        error,
    })?;
    parse(path, bytes, limits)
}

/// Parses an SBOM, telling JSON, YAML and tag-value apart by content.
pub fn parse(path: &str, bytes: Vec<u8>, limits: &Limits) -> Result<SbomFile, InputError> {
    let fail = |error: ParseError| InputError {
        path: path.to_string(),
        error,
    };
    let text = input::decode(bytes).map_err(fail)?;
    let syntax = sniff(&text).map_err(fail)?;
    let (value, source_map, read_diagnostics, text) = match syntax {
        Syntax::TagValue => {
            let (value, map, diagnostics) = tagvalue::parse(&text).map_err(fail)?;
            (value, Some(map), diagnostics, text)
        }
        Syntax::Json | Syntax::Yaml => {
            let format = if syntax == Syntax::Json {
                Format::Json
            } else {
                Format::Yaml
            };
            let (documents, text) = input::parse_decoded(path, text, format, limits)
                .map_err(fail)?
                .into_parts();
            let mut documents = documents.into_iter();
            let (Some(document), None) = (documents.next(), documents.next()) else {
                return Err(fail(ParseError::without_position(format!(
                    "an SBOM file holds exactly one {} document",
                    syntax.name()
                ))));
            };
            if !document.value.is_object() {
                return Err(fail(ParseError::at(
                    Position::new(1, 1),
                    "not an SBOM: the document is not an object".into(),
                )));
            }
            (document.value, document.source_map, Vec::new(), text)
        }
    };
    let cell = OnceLock::new();
    if syntax != Syntax::Json {
        let _ = cell.set(source_map);
    }
    Ok(SbomFile {
        path: path.to_string(),
        syntax,
        value,
        text,
        source_map: cell,
        read_diagnostics,
    })
}

/// JSON starts with `{`; tag-value has an `SPDXVersion:` line; anything else is YAML.
fn sniff(text: &str) -> Result<Syntax, ParseError> {
    match text.trim_start().chars().next() {
        Some('{') | Some('[') => Ok(Syntax::Json),
        Some('<') => Err(ParseError::at(
            Position::new(1, 1),
            "XML SBOMs are not supported: use CycloneDX JSON (cyclonedx convert --output-format json)"
                .into(),
        )),
        None => Err(ParseError::without_position("the file is empty".into())),
        Some(_) => {
            let tag_value = text
                .lines()
                .any(|line| line.trim_start().starts_with("SPDXVersion:"));
            Ok(if tag_value { Syntax::TagValue } else { Syntax::Yaml })
        }
    }
}

/// An SBOM file read, validated and normalised.
#[derive(Debug)]
pub struct Sbom {
    pub file: SbomFile,
    pub normalized: Normalized,
}

impl Sbom {
    /// Every validation finding: those of reading, then those of the model.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.file
            .read_diagnostics
            .iter()
            .chain(&self.normalized.diagnostics)
    }
}

/// Validates and normalises a file; a document that is no SBOM, or has a field of the
/// wrong type, is an error with its line.
pub fn analyze(file: SbomFile) -> Result<Sbom, InputError> {
    // A large SBOM nearly always has findings to place: their source map is built on the
    // core that the sequential parts of normalising (the typed read, the index) leave idle.
    let normalized = if file.text.len() >= EAGER_POSITIONS_BYTES {
        rayon::join(|| file.positions(), || normalize(&file.value)).1
    } else {
        normalize(&file.value)
    };
    match normalized {
        Ok(normalized) => Ok(Sbom { file, normalized }),
        Err(error) => Err(InputError {
            path: file.path.clone(),
            error: ParseError::at(file.locate(&error.path), error.message),
        }),
    }
}

/// A JSON object of `fields`, moving the values (`json!` would copy them).
fn object(fields: Vec<(&str, Value)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(key, value)| (key.to_string(), value))
            .collect(),
    )
}

/// A text field of the normalised shape: absent and blank are both `null`.
fn text(value: Option<&str>) -> Value {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map_or(Value::Null, |v| Value::String(v.to_string()))
}

/// Lists that may be `null`: read as empty.
fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// A package URL without version, qualifiers and subpath (`pkg:npm/%40scope/name`), in
/// the canonical form `packageurl` writes, or why it does not parse.
pub fn purl_base(purl: &str) -> Result<String, String> {
    let parsed: packageurl::PackageUrl<'_> =
        purl.parse().map_err(|e: packageurl::Error| e.to_string())?;
    let mut base = packageurl::PackageUrl::new(parsed.ty().to_string(), parsed.name().to_string())
        .map_err(|e| e.to_string())?;
    if let Some(namespace) = parsed.namespace() {
        base.with_namespace(namespace.to_string())
            .map_err(|e| e.to_string())?;
    }
    Ok(base.to_string())
}

/// `Organization: Acme (a@b.c)` is `Acme (a@b.c)`.
fn strip_entity_prefix(entity: &str) -> &str {
    let trimmed = entity.trim();
    for prefix in ["Organization:", "Person:", "Tool:"] {
        if let Some(rest) = trimmed.strip_prefix(prefix) {
            return rest.trim();
        }
    }
    trimmed
}

/// `YYYY-MM-DDThh:mm:ss`, optional fraction, then `Z` or `±hh:mm` (RFC 3339).
fn valid_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let date_time = b.len() >= 19
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !date_time {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return false;
        }
        rest = &fraction[end..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        for ok in [
            "2010-01-29T18:30:22Z",
            "2020-08-03T01:28:52.765Z",
            "2021-05-16T17:10:53+02:00",
        ] {
            assert!(valid_timestamp(ok), "{ok}");
        }
        for bad in [
            "2010-01-29",
            "2010-01-29 18:30:22Z",
            "2010-01-29T18:30:22",
            "yesterday",
            "2010-01-29T18:30:22.Z",
        ] {
            assert!(!valid_timestamp(bad), "{bad}");
        }
    }

    #[test]
    fn purl_bases() {
        assert_eq!(
            purl_base("pkg:maven/org.apache.jena/apache-jena@3.12.0?type=jar#sub").as_deref(),
            Ok("pkg:maven/org.apache.jena/apache-jena")
        );
        assert_eq!(
            purl_base("pkg:npm/lodash@4.17.21").as_deref(),
            Ok("pkg:npm/lodash")
        );
        assert!(purl_base("not a purl").is_err());
        assert!(purl_base("pkg:npm").is_err());
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff("  {\"a\": 1}"), Ok(Syntax::Json));
        assert_eq!(sniff("# c\nSPDXVersion: SPDX-2.3\n"), Ok(Syntax::TagValue));
        assert_eq!(sniff("spdxVersion: SPDX-2.3\n"), Ok(Syntax::Yaml));
        assert!(sniff("<bom/>").is_err());
        assert!(sniff(" \n").is_err());
    }
}
