//! Validation findings with stable codes (`SBOM001`...), so CI logs, SARIF rules and
//! suppressions can name them; each points at the element it is about.

use serde_json::{Value, json};

use crate::input::{PathSegment, Position};

/// What is wrong. The code of a variant never changes meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A field the specification requires is absent or empty.
    MissingField,
    /// An SPDXID or bom-ref reference names no element of the document.
    DanglingReference,
    /// Two elements share one SPDXID, bom-ref or licence id.
    DuplicateId,
    /// A checksum with an unknown algorithm, or a digest of the wrong length or not hex.
    BadChecksum,
    /// A licence field that is not a valid SPDX licence expression.
    BadLicense,
    /// A `LicenseRef-` used but not defined in the document.
    UndefinedLicenseRef,
    /// A package URL that does not parse.
    BadPurl,
    /// A field with a value the specification does not allow.
    InvalidValue,
    /// A tag-value line whose tag SPDX does not define.
    UnknownTag,
}

impl Code {
    pub const ALL: [Code; 9] = [
        Code::MissingField,
        Code::DanglingReference,
        Code::DuplicateId,
        Code::BadChecksum,
        Code::BadLicense,
        Code::UndefinedLicenseRef,
        Code::BadPurl,
        Code::InvalidValue,
        Code::UnknownTag,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Code::MissingField => "SBOM001",
            Code::DanglingReference => "SBOM002",
            Code::DuplicateId => "SBOM003",
            Code::BadChecksum => "SBOM004",
            Code::BadLicense => "SBOM005",
            Code::UndefinedLicenseRef => "SBOM006",
            Code::BadPurl => "SBOM007",
            Code::InvalidValue => "SBOM008",
            Code::UnknownTag => "SBOM009",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Code::MissingField => "Required SBOM field missing",
            Code::DanglingReference => "Reference to an element that does not exist",
            Code::DuplicateId => "Duplicate element identifier",
            Code::BadChecksum => "Malformed checksum",
            Code::BadLicense => "Invalid SPDX license expression",
            Code::UndefinedLicenseRef => "LicenseRef used but not defined",
            Code::BadPurl => "Malformed package URL",
            Code::InvalidValue => "Value not allowed by the specification",
            Code::UnknownTag => "Unknown SPDX tag",
        }
    }

    /// Errors fail a run; warnings (an unknown tag, which readers skip) do not.
    pub fn is_error(self) -> bool {
        self != Code::UnknownTag
    }

    pub fn remediation(self) -> &'static str {
        match self {
            Code::MissingField => "Add the field; SBOM generators fill it when configured to.",
            Code::DanglingReference => {
                "Point the reference at an element of the document, or declare the external document it lives in."
            }
            Code::DuplicateId => "Give every element its own identifier.",
            Code::BadChecksum => "Record the digest in hex with the algorithm's full length.",
            Code::BadLicense => {
                "Use an SPDX license expression (ids from spdx.org/licenses, AND/OR/WITH, LicenseRef-...)."
            }
            Code::UndefinedLicenseRef => {
                "Define the LicenseRef in hasExtractedLicensingInfos (LicenseID in tag-value)."
            }
            Code::BadPurl => "Write the package URL as pkg:type/namespace/name@version.",
            Code::InvalidValue => "Use a value the specification allows.",
            Code::UnknownTag => "Remove the line or use an SPDX tag.",
        }
    }
}

/// One validation finding: a code, a message naming the element, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    /// The element in the document as read (SPDX JSON shape for tag-value).
    pub path: Vec<PathSegment>,
    /// A position known directly (tag-value lines that became no value).
    pub position: Option<Position>,
}

impl Diagnostic {
    pub fn new(code: Code, path: Vec<PathSegment>, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            path,
            position: None,
        }
    }

    pub fn at(code: Code, position: Position, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            path: Vec::new(),
            position: Some(position),
        }
    }
}

/// A source path as JSON, as findings carry `path`.
pub fn path_value(path: &[PathSegment]) -> Value {
    Value::Array(
        path.iter()
            .map(|segment| match segment {
                PathSegment::Key(key) => json!(key),
                PathSegment::Index(index) => json!(index),
            })
            .collect(),
    )
}

/// Builds source paths without noise: `at(&["packages"]).index(3).key("name")`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<PathSegment>);

impl Path {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    pub fn key(&self, key: &str) -> Self {
        let mut path = self.0.clone();
        path.push(PathSegment::Key(key.to_string()));
        Self(path)
    }

    pub fn index(&self, index: usize) -> Self {
        let mut path = self.0.clone();
        path.push(PathSegment::Index(index));
        Self(path)
    }
}

/// Collects diagnostics while a model is walked.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, code: Code, path: &Path, message: impl Into<String>) {
        self.0.push(Diagnostic::new(code, path.0.clone(), message));
    }

    /// `SBOM001` when `value` is absent or blank. Where and what are worked out only
    /// then: a large SBOM checks hundreds of thousands of present fields.
    pub fn require(
        &mut self,
        value: Option<&str>,
        path: impl FnOnce() -> Path,
        what: impl FnOnce() -> String,
    ) {
        if value.is_none_or(|v| v.trim().is_empty()) {
            let message = format!("{} is missing", what());
            self.push(Code::MissingField, &path(), message);
        }
    }
}
