//! SPDX tag-value, read into the SPDX JSON shape with a source map, so that one model,
//! one validator and one normaliser serve both and every element keeps its line.
//!
//! Each `Tag: value` line lands where SPDX JSON keeps that field: document fields at the
//! root (`Creator` in `creationInfo.creators`), `PackageName`, `FileName`,
//! `SnippetSPDXID` and `LicenseID` start a new element of `packages`, `files`,
//! `snippets` and `hasExtractedLicensingInfos`, and the field tags that follow fill it.
//! `Relationship` and `Annotator` lines go to `relationships` and `annotations` wherever
//! they appear. `<text>...</text>` values may span lines.

use serde_json::{Map, Value, json};

use super::diagnostics::{Code, Diagnostic};
use crate::input::{ParseError, Position, SourceMap};

/// What the text of one tag becomes.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    /// Repeatable: appended to a list.
    List,
    /// Comma-separated and repeatable (`LicenseCrossReference`).
    CommaList,
    Bool,
    /// `ALGORITHM: hex`, appended to `checksums`.
    Checksum,
    /// `CATEGORY TYPE LOCATOR`, appended to `externalRefs`.
    ExternalRef,
    /// `hex (excludes: files)`.
    VerificationCode,
    /// `start:end`, appended to `ranges` with this pointer key.
    Range(&'static str),
}

/// Tags of the elements that start sections: `(tag, list of the element, key, kind)`.
const FIELDS: &[(&str, &str, &str, Kind)] = &[
    ("PackageVersion", "packages", "versionInfo", Kind::Text),
    ("PackageFileName", "packages", "packageFileName", Kind::Text),
    ("PackageSupplier", "packages", "supplier", Kind::Text),
    ("PackageOriginator", "packages", "originator", Kind::Text),
    (
        "PackageDownloadLocation",
        "packages",
        "downloadLocation",
        Kind::Text,
    ),
    ("FilesAnalyzed", "packages", "filesAnalyzed", Kind::Bool),
    (
        "PackageVerificationCode",
        "packages",
        "packageVerificationCode",
        Kind::VerificationCode,
    ),
    ("PackageChecksum", "packages", "checksums", Kind::Checksum),
    ("PackageHomePage", "packages", "homepage", Kind::Text),
    ("PackageSourceInfo", "packages", "sourceInfo", Kind::Text),
    (
        "PackageLicenseConcluded",
        "packages",
        "licenseConcluded",
        Kind::Text,
    ),
    (
        "PackageLicenseInfoFromFiles",
        "packages",
        "licenseInfoFromFiles",
        Kind::List,
    ),
    (
        "PackageLicenseDeclared",
        "packages",
        "licenseDeclared",
        Kind::Text,
    ),
    (
        "PackageLicenseComments",
        "packages",
        "licenseComments",
        Kind::Text,
    ),
    (
        "PackageCopyrightText",
        "packages",
        "copyrightText",
        Kind::Text,
    ),
    ("PackageSummary", "packages", "summary", Kind::Text),
    ("PackageDescription", "packages", "description", Kind::Text),
    ("PackageComment", "packages", "comment", Kind::Text),
    ("ExternalRef", "packages", "externalRefs", Kind::ExternalRef),
    (
        "PackageAttributionText",
        "packages",
        "attributionTexts",
        Kind::List,
    ),
    (
        "PrimaryPackagePurpose",
        "packages",
        "primaryPackagePurpose",
        Kind::Text,
    ),
    ("ReleaseDate", "packages", "releaseDate", Kind::Text),
    ("BuiltDate", "packages", "builtDate", Kind::Text),
    ("ValidUntilDate", "packages", "validUntilDate", Kind::Text),
    ("FileType", "files", "fileTypes", Kind::List),
    ("FileChecksum", "files", "checksums", Kind::Checksum),
    ("LicenseConcluded", "files", "licenseConcluded", Kind::Text),
    (
        "LicenseInfoInFile",
        "files",
        "licenseInfoInFiles",
        Kind::List,
    ),
    ("LicenseComments", "files", "licenseComments", Kind::Text),
    ("FileCopyrightText", "files", "copyrightText", Kind::Text),
    ("FileComment", "files", "comment", Kind::Text),
    ("FileNotice", "files", "noticeText", Kind::Text),
    ("FileContributor", "files", "fileContributors", Kind::List),
    (
        "FileAttributionText",
        "files",
        "attributionTexts",
        Kind::List,
    ),
    (
        "SnippetFromFileSPDXID",
        "snippets",
        "snippetFromFile",
        Kind::Text,
    ),
    (
        "SnippetByteRange",
        "snippets",
        "ranges",
        Kind::Range("offset"),
    ),
    (
        "SnippetLineRange",
        "snippets",
        "ranges",
        Kind::Range("lineNumber"),
    ),
    (
        "SnippetLicenseConcluded",
        "snippets",
        "licenseConcluded",
        Kind::Text,
    ),
    (
        "LicenseInfoInSnippet",
        "snippets",
        "licenseInfoInSnippets",
        Kind::List,
    ),
    (
        "SnippetLicenseComments",
        "snippets",
        "licenseComments",
        Kind::Text,
    ),
    (
        "SnippetCopyrightText",
        "snippets",
        "copyrightText",
        Kind::Text,
    ),
    ("SnippetComment", "snippets", "comment", Kind::Text),
    ("SnippetName", "snippets", "name", Kind::Text),
    (
        "SnippetAttributionText",
        "snippets",
        "attributionTexts",
        Kind::List,
    ),
    (
        "ExtractedText",
        "hasExtractedLicensingInfos",
        "extractedText",
        Kind::Text,
    ),
    (
        "LicenseName",
        "hasExtractedLicensingInfos",
        "name",
        Kind::Text,
    ),
    (
        "LicenseCrossReference",
        "hasExtractedLicensingInfos",
        "seeAlsos",
        Kind::CommaList,
    ),
    (
        "LicenseComment",
        "hasExtractedLicensingInfos",
        "comment",
        Kind::Text,
    ),
];

/// Tags that start a new element: `(tag, list, key)`.
const STARTS: &[(&str, &str, &str)] = &[
    ("PackageName", "packages", "name"),
    ("FileName", "files", "fileName"),
    ("SnippetSPDXID", "snippets", "SPDXID"),
    ("LicenseID", "hasExtractedLicensingInfos", "licenseId"),
];

/// Document-level tags: `(tag, key)`; creation information nests in `creationInfo`.
const DOCUMENT: &[(&str, &str)] = &[
    ("SPDXVersion", "spdxVersion"),
    ("DataLicense", "dataLicense"),
    ("DocumentNamespace", "documentNamespace"),
    ("DocumentName", "name"),
    ("DocumentComment", "comment"),
];

const CREATION: &[(&str, &str, Kind)] = &[
    ("Creator", "creators", Kind::List),
    ("Created", "created", Kind::Text),
    ("CreatorComment", "comment", Kind::Text),
    ("LicenseListVersion", "licenseListVersion", Kind::Text),
];

const ANNOTATION: &[(&str, &str)] = &[
    ("AnnotationDate", "annotationDate"),
    ("AnnotationType", "annotationType"),
    ("AnnotationComment", "comment"),
    ("SPDXREF", "spdxElementId"),
];

/// Tags of SPDX 1.x and 2.0 that 2.x readers skip.
const DEPRECATED: &[&str] = &[
    "Reviewer",
    "ReviewDate",
    "ReviewComment",
    "FileDependency",
    "ArtifactOfProjectName",
    "ArtifactOfProjectHomePage",
    "ArtifactOfProjectURI",
];

/// A value under construction with the line it came from.
#[derive(Debug)]
enum Node {
    Scalar(Value, Position),
    Object(Object),
    Array(Vec<Node>, Position),
}

#[derive(Debug)]
struct Object {
    position: Position,
    entries: Vec<(String, Node)>,
}

impl Object {
    fn new(position: Position) -> Self {
        Self {
            position,
            entries: Vec::new(),
        }
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, node)| node)
    }

    /// Sets a single-valued field; a repeat is reported with the line of the first.
    fn set(&mut self, key: &str, node: Node) -> Result<(), Position> {
        if let Some(existing) = self.get_mut(key) {
            return Err(existing.position());
        }
        self.entries.push((key.to_string(), node));
        Ok(())
    }

    /// Appends to a list field, creating it at `at`.
    fn push(&mut self, key: &str, node: Node, at: Position) -> usize {
        if self.get_mut(key).is_none() {
            self.entries
                .push((key.to_string(), Node::Array(Vec::new(), at)));
        }
        match self.get_mut(key) {
            Some(Node::Array(items, _)) => {
                items.push(node);
                items.len() - 1
            }
            // A list key only ever holds an array: `set` is never used for it.
            _ => 0,
        }
    }

    /// The nested object under `key`, created at `at` when absent.
    fn object(&mut self, key: &str, at: Position) -> &mut Object {
        let index = match self.entries.iter().position(|(k, _)| k == key) {
            Some(index) => index,
            None => {
                self.entries
                    .push((key.to_string(), Node::Object(Object::new(at))));
                self.entries.len() - 1
            }
        };
        let slot = &mut self.entries[index].1;
        if !matches!(slot, Node::Object(_)) {
            *slot = Node::Object(Object::new(at));
        }
        match slot {
            Node::Object(object) => object,
            _ => unreachable!("the slot was just made an object"),
        }
    }

    fn item(&mut self, list: &str, index: usize) -> Option<&mut Object> {
        match self.get_mut(list) {
            Some(Node::Array(items, _)) => match items.get_mut(index) {
                Some(Node::Object(object)) => Some(object),
                _ => None,
            },
            _ => None,
        }
    }
}

impl Node {
    fn text(text: &str, at: Position) -> Self {
        Node::Scalar(Value::String(text.to_string()), at)
    }

    fn position(&self) -> Position {
        match self {
            Node::Scalar(_, at) | Node::Array(_, at) => *at,
            Node::Object(object) => object.position,
        }
    }

    fn object(at: Position, fields: Vec<(&str, Node)>) -> Self {
        Node::Object(Object {
            position: at,
            entries: fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        })
    }

    fn finish(self) -> (Value, SourceMap) {
        match self {
            Node::Scalar(value, at) => (value, SourceMap::leaf(at)),
            Node::Array(items, at) => {
                let (values, maps): (Vec<Value>, Vec<SourceMap>) =
                    items.into_iter().map(Node::finish).unzip();
                (
                    Value::Array(values),
                    SourceMap {
                        position: at,
                        children: maps,
                    },
                )
            }
            Node::Object(object) => {
                let mut map = Map::new();
                let mut children = Vec::with_capacity(object.entries.len());
                for (key, node) in object.entries {
                    let (value, child) = node.finish();
                    map.insert(key, value);
                    children.push(child);
                }
                (
                    Value::Object(map),
                    SourceMap {
                        position: object.position,
                        children,
                    },
                )
            }
        }
    }
}

/// The element that field tags currently fill.
#[derive(Debug, Clone, Copy)]
enum Current {
    Document,
    Element(&'static str, usize),
}

struct Reader {
    root: Object,
    current: Current,
    annotation: Option<usize>,
    relationship: Option<usize>,
    external_ref: Option<(usize, usize)>,
    diagnostics: Vec<Diagnostic>,
}

/// A tag-value document in the SPDX JSON shape, its source map, and the warnings met
/// on the way (unknown tags, repeated fields).
pub fn parse(text: &str) -> Result<(Value, SourceMap, Vec<Diagnostic>), ParseError> {
    let mut reader = Reader {
        root: Object::new(Position::new(1, 1)),
        current: Current::Document,
        annotation: None,
        relationship: None,
        external_ref: None,
        diagnostics: Vec::new(),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let at = Position::new(index + 1, 1);
        index += 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((tag, rest)) = line.split_once(':') else {
            return Err(ParseError::at(
                at,
                format!("invalid SPDX tag-value: expected `Tag: value`, found {trimmed:?}"),
            ));
        };
        let tag = tag.trim();
        if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ParseError::at(
                at,
                format!("invalid SPDX tag-value: {tag:?} is not a tag"),
            ));
        }
        let rest = rest.trim();
        let value = match rest.strip_prefix("<text>") {
            Some(after) => match after.find("</text>") {
                Some(end) => after[..end].to_string(),
                None => {
                    let mut parts = vec![after];
                    loop {
                        let Some(next) = lines.get(index) else {
                            return Err(ParseError::at(
                                at,
                                format!(
                                    "invalid SPDX tag-value: <text> of {tag} is never closed by </text>"
                                ),
                            ));
                        };
                        index += 1;
                        if let Some(end) = next.find("</text>") {
                            parts.push(&next[..end]);
                            break;
                        }
                        parts.push(next);
                    }
                    parts.join("\n")
                }
            },
            None => rest.to_string(),
        };
        reader.apply(tag, &value, at)?;
    }
    let (value, map) = Node::Object(reader.root).finish();
    Ok((value, map, reader.diagnostics))
}

impl Reader {
    fn apply(&mut self, tag: &str, value: &str, at: Position) -> Result<(), ParseError> {
        if let Some((_, key)) = DOCUMENT.iter().find(|(t, _)| *t == tag) {
            let result = self.root.set(key, Node::text(value, at));
            self.repeat(result, tag, at);
            return Ok(());
        }
        if let Some(&(_, key, kind)) = CREATION.iter().find(|(t, _, _)| *t == tag) {
            let creation = self.root.object("creationInfo", at);
            let result = add(creation, key, kind, value, at).map(|_| ());
            self.repeat(result, tag, at);
            return Ok(());
        }
        if let Some(&(_, list, key)) = STARTS.iter().find(|(t, _, _)| *t == tag) {
            let element = Node::object(at, vec![(key, Node::text(value, at))]);
            let index = self.root.push(list, element, at);
            self.current = Current::Element(list, index);
            return Ok(());
        }
        if let Some(&(_, list, key, kind)) = FIELDS.iter().find(|(t, _, _, _)| *t == tag) {
            return self.field(tag, list, key, kind, value, at);
        }
        match tag {
            "SPDXID" => {
                let result = match self.current {
                    Current::Document => self.root.set("SPDXID", Node::text(value, at)),
                    Current::Element(list, index) => match self.root.item(list, index) {
                        Some(element) => element.set("SPDXID", Node::text(value, at)),
                        None => Ok(()),
                    },
                };
                self.repeat(result, tag, at);
            }
            "ExternalDocumentRef" => {
                let mut parts = value.splitn(3, char::is_whitespace).map(str::trim);
                let mut fields = Vec::new();
                if let Some(id) = parts.next().filter(|p| !p.is_empty()) {
                    fields.push(("externalDocumentId", Node::text(id, at)));
                }
                if let Some(uri) = parts.next() {
                    fields.push(("spdxDocument", Node::text(uri, at)));
                }
                if let Some(checksum) = parts.next() {
                    fields.push(("checksum", checksum_node(checksum, at)));
                }
                self.root
                    .push("externalDocumentRefs", Node::object(at, fields), at);
            }
            "Relationship" => {
                let parts: Vec<&str> = value.split_whitespace().collect();
                let keys = ["spdxElementId", "relationshipType", "relatedSpdxElement"];
                let fields = keys
                    .iter()
                    .zip(&parts)
                    .map(|(k, v)| (*k, Node::text(v, at)))
                    .collect();
                if parts.len() > 3 {
                    self.diagnostics.push(Diagnostic::at(
                        Code::InvalidValue,
                        at,
                        format!("Relationship {value:?} has more than three parts (expected `SPDXRef-A TYPE SPDXRef-B`)"),
                    ));
                }
                let index = self
                    .root
                    .push("relationships", Node::object(at, fields), at);
                self.relationship = Some(index);
            }
            "RelationshipComment" => {
                let Some(index) = self.relationship else {
                    return Err(outside(tag, "a Relationship", at));
                };
                if let Some(relationship) = self.root.item("relationships", index) {
                    let result = relationship.set("comment", Node::text(value, at));
                    self.repeat(result, tag, at);
                }
            }
            "ExternalRefComment" => {
                let Some((package, index)) = self.external_ref else {
                    return Err(outside(tag, "an ExternalRef", at));
                };
                let reference = self.root.item("packages", package).and_then(|p| {
                    match p.get_mut("externalRefs") {
                        Some(Node::Array(items, _)) => match items.get_mut(index) {
                            Some(Node::Object(object)) => Some(object),
                            _ => None,
                        },
                        _ => None,
                    }
                });
                if let Some(reference) = reference {
                    let result = reference.set("comment", Node::text(value, at));
                    self.repeat(result, tag, at);
                }
            }
            "Annotator" => {
                let element = Node::object(at, vec![("annotator", Node::text(value, at))]);
                self.annotation = Some(self.root.push("annotations", element, at));
            }
            _ if ANNOTATION.iter().any(|(t, _)| *t == tag) => {
                let Some(index) = self.annotation else {
                    return Err(outside(tag, "an Annotator", at));
                };
                let key = ANNOTATION
                    .iter()
                    .find(|(t, _)| *t == tag)
                    .map_or(tag, |(_, k)| k);
                if let Some(annotation) = self.root.item("annotations", index) {
                    let result = annotation.set(key, Node::text(value, at));
                    self.repeat(result, tag, at);
                }
            }
            _ if DEPRECATED.contains(&tag) => {}
            _ => self.diagnostics.push(Diagnostic::at(
                Code::UnknownTag,
                at,
                format!("unknown SPDX tag {tag:?} (the line is ignored)"),
            )),
        }
        Ok(())
    }

    fn field(
        &mut self,
        tag: &str,
        list: &'static str,
        key: &str,
        kind: Kind,
        value: &str,
        at: Position,
    ) -> Result<(), ParseError> {
        let Current::Element(current, index) = self.current else {
            return Err(outside(tag, starter(list), at));
        };
        if current != list {
            return Err(outside(tag, starter(list), at));
        }
        let Some(element) = self.root.item(list, index) else {
            return Err(outside(tag, starter(list), at));
        };
        let result = add(element, key, kind, value, at);
        if let (Kind::ExternalRef, Ok(position)) = (kind, &result) {
            self.external_ref = Some((index, *position));
        }
        self.repeat(result.map(|_| ()), tag, at);
        Ok(())
    }

    fn repeat(&mut self, result: Result<(), Position>, tag: &str, at: Position) {
        if let Err(first) = result {
            self.diagnostics.push(Diagnostic::at(
                Code::InvalidValue,
                at,
                format!(
                    "{tag} given twice for one element (first on line {}); the first is kept",
                    first.line
                ),
            ));
        }
    }
}

/// Adds one tag's value to `element`; for lists, the index it got.
fn add(
    element: &mut Object,
    key: &str,
    kind: Kind,
    value: &str,
    at: Position,
) -> Result<usize, Position> {
    let node = match kind {
        Kind::Text => return element.set(key, Node::text(value, at)).map(|_| 0),
        Kind::Bool => {
            let node = match value.to_ascii_lowercase().as_str() {
                "true" => Node::Scalar(Value::Bool(true), at),
                "false" => Node::Scalar(Value::Bool(false), at),
                _ => Node::text(value, at),
            };
            return element.set(key, node).map(|_| 0);
        }
        Kind::VerificationCode => {
            let (code, excluded) = match value.split_once('(') {
                Some((code, rest)) => {
                    let files = rest.trim_end().trim_end_matches(')');
                    let files = files.trim().strip_prefix("excludes:").unwrap_or(files);
                    (code.trim(), Some(files.trim()))
                }
                None => (value.trim(), None),
            };
            let mut fields = vec![("packageVerificationCodeValue", Node::text(code, at))];
            if let Some(files) = excluded {
                fields.push((
                    "packageVerificationCodeExcludedFiles",
                    Node::Array(vec![Node::text(files, at)], at),
                ));
            }
            return element.set(key, Node::object(at, fields)).map(|_| 0);
        }
        Kind::List => Node::text(value, at),
        Kind::CommaList => {
            let mut index = 0;
            for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                index = element.push(key, Node::text(item, at), at);
            }
            return Ok(index);
        }
        Kind::Checksum => checksum_node(value, at),
        Kind::ExternalRef => {
            let mut parts = value.splitn(3, char::is_whitespace).map(str::trim);
            let keys = ["referenceCategory", "referenceType", "referenceLocator"];
            let fields = keys
                .iter()
                .zip(parts.by_ref())
                .map(|(k, v)| (*k, Node::text(v, at)))
                .collect();
            Node::object(at, fields)
        }
        Kind::Range(pointer) => {
            let (start, end) = value.split_once(':').unwrap_or((value, ""));
            let bound = |text: &str| match text.trim().parse::<u64>() {
                Ok(n) => Node::Scalar(json!(n), at),
                Err(_) => Node::text(text.trim(), at),
            };
            Node::object(
                at,
                vec![
                    (
                        "startPointer",
                        Node::object(at, vec![(pointer, bound(start))]),
                    ),
                    ("endPointer", Node::object(at, vec![(pointer, bound(end))])),
                ],
            )
        }
    };
    Ok(element.push(key, node, at))
}

/// `SHA1: d6a7...` as `{algorithm, checksumValue}`; without a colon the whole text is the
/// value and the algorithm is empty, which validation reports.
fn checksum_node(text: &str, at: Position) -> Node {
    let (algorithm, value) = text.split_once(':').unwrap_or(("", text));
    Node::object(
        at,
        vec![
            ("algorithm", Node::text(algorithm.trim(), at)),
            ("checksumValue", Node::text(value.trim(), at)),
        ],
    )
}

fn starter(list: &str) -> &'static str {
    match list {
        "packages" => "a PackageName",
        "files" => "a FileName",
        "snippets" => "a SnippetSPDXID",
        _ => "a LicenseID",
    }
}

fn outside(tag: &str, starter: &str, at: Position) -> ParseError {
    ParseError::at(
        at,
        format!("invalid SPDX tag-value: {tag} must follow {starter} line"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Value, SourceMap, Vec<Diagnostic>) {
        parse(text).unwrap_or_else(|e| panic!("parses: {e:?}"))
    }

    #[test]
    fn document_package_and_relationship_land_in_the_json_shape() {
        let (value, map, diagnostics) = read(
            "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nCreator: Tool: x\nCreated: 2024-01-01T00:00:00Z\n\n\
             PackageName: a\nSPDXID: SPDXRef-a\nPackageChecksum: SHA256: ab\nExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1\n\
             ExternalRefComment: from npm\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(value["spdxVersion"], "SPDX-2.3");
        assert_eq!(value["creationInfo"]["creators"], json!(["Tool: x"]));
        assert_eq!(value["packages"][0]["SPDXID"], "SPDXRef-a");
        assert_eq!(
            value["packages"][0]["checksums"][0],
            json!({"algorithm": "SHA256", "checksumValue": "ab"})
        );
        assert_eq!(
            value["packages"][0]["externalRefs"][0],
            json!({"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                   "referenceLocator": "pkg:npm/a@1", "comment": "from npm"})
        );
        assert_eq!(value["relationships"][0]["relatedSpdxElement"], "SPDXRef-a");
        let position = |path: &[crate::input::PathSegment]| map.locate(&value, path).line;
        use crate::input::PathSegment::{Index, Key};
        assert_eq!(
            position(&[Key("packages".into()), Index(0), Key("SPDXID".into())]),
            7
        );
        assert_eq!(position(&[Key("relationships".into()), Index(0)]), 11);
    }

    #[test]
    fn multi_line_text_and_verification_codes() {
        let (value, _, _) = read(
            "PackageName: a\nPackageCopyrightText: <text>line one\nline two</text>\n\
             PackageVerificationCode: d6a7 (excludes: ./package.spdx)\nFilesAnalyzed: false\n",
        );
        assert_eq!(value["packages"][0]["copyrightText"], "line one\nline two");
        assert_eq!(
            value["packages"][0]["packageVerificationCode"],
            json!({"packageVerificationCodeValue": "d6a7",
                   "packageVerificationCodeExcludedFiles": ["./package.spdx"]})
        );
        assert_eq!(value["packages"][0]["filesAnalyzed"], false);
    }

    #[test]
    fn errors_name_the_line() {
        let error = parse("SPDXVersion: SPDX-2.3\nno colon here\n").expect_err("no colon");
        assert_eq!(error.position, Some(Position::new(2, 1)));
        let error = parse("PackageVersion: 1.0\n").expect_err("outside");
        assert!(
            error.message.contains("must follow a PackageName"),
            "{}",
            error.message
        );
        let error = parse("PackageName: a\nPackageComment: <text>open\n").expect_err("unclosed");
        assert!(error.message.contains("never closed"), "{}", error.message);
        let error = parse("FileName: f\nPackageVersion: 1\n").expect_err("wrong section");
        assert_eq!(error.position, Some(Position::new(2, 1)));
    }

    #[test]
    fn unknown_and_repeated_tags_are_diagnostics() {
        let (value, _, diagnostics) =
            read("PackageName: a\nPackageVersion: 1\nPackageVersion: 2\nFrobnicate: yes\n");
        assert_eq!(value["packages"][0]["versionInfo"], "1");
        let codes: Vec<(Code, u32)> = diagnostics
            .iter()
            .map(|d| (d.code, d.position.map_or(0, |p| p.line)))
            .collect();
        assert_eq!(codes, [(Code::InvalidValue, 3), (Code::UnknownTag, 4)]);
    }
}
