//! SPDX 2.2 and 2.3 (JSON, YAML, and tag-value read into the JSON shape): a lenient
//! serde model of the fields tollgate uses (unknown fields are ignored, wrong types are
//! errors with their path), its validation, and its normalised form.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::diagnostics::{Code, Diagnostics, Path};
use super::license::{self, Licensing};
use super::{
    Described, Family, Normalized, Origins, PARALLEL_CHUNK, checksum, list, object, purl_base,
    strip_entity_prefix, text, valid_timestamp,
};
use crate::input::PathSegment;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    spdx_version: Option<String>,
    data_license: Option<String>,
    name: Option<String>,
    document_namespace: Option<String>,
    creation_info: Option<CreationInfo>,
    #[serde(default, deserialize_with = "list")]
    document_describes: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    packages: Vec<Package>,
    #[serde(default, deserialize_with = "list")]
    files: Vec<File>,
    #[serde(default, deserialize_with = "list")]
    snippets: Vec<Snippet>,
    #[serde(default, deserialize_with = "list")]
    relationships: Vec<Relationship>,
    #[serde(default, deserialize_with = "list")]
    external_document_refs: Vec<ExternalDocumentRef>,
    #[serde(default, deserialize_with = "list")]
    has_extracted_licensing_infos: Vec<ExtractedLicense>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    created: Option<String>,
    #[serde(default, deserialize_with = "list")]
    creators: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    name: Option<String>,
    version_info: Option<String>,
    supplier: Option<String>,
    download_location: Option<String>,
    primary_package_purpose: Option<String>,
    copyright_text: Option<String>,
    license_concluded: Option<String>,
    license_declared: Option<String>,
    #[serde(default, deserialize_with = "list")]
    license_info_from_files: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    checksums: Vec<Checksum>,
    #[serde(default, deserialize_with = "list")]
    external_refs: Vec<ExternalRef>,
    #[serde(default, deserialize_with = "list")]
    has_files: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct File {
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    file_name: Option<String>,
    license_concluded: Option<String>,
    #[serde(default, deserialize_with = "list")]
    license_info_in_files: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    checksums: Vec<Checksum>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snippet {
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    snippet_from_file: Option<String>,
    license_concluded: Option<String>,
    #[serde(default, deserialize_with = "list")]
    license_info_in_snippets: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: Option<String>,
    checksum_value: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: Option<String>,
    reference_type: Option<String>,
    reference_locator: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: Option<String>,
    relationship_type: Option<String>,
    related_spdx_element: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalDocumentRef {
    external_document_id: Option<String>,
    spdx_document: Option<String>,
    checksum: Option<Checksum>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicense {
    license_id: Option<String>,
    extracted_text: Option<String>,
}

/// The relationship types of SPDX 2.3 (2.2's are a subset).
const RELATIONSHIP_TYPES: &[&str] = &[
    "DESCRIBES",
    "DESCRIBED_BY",
    "CONTAINS",
    "CONTAINED_BY",
    "DEPENDS_ON",
    "DEPENDENCY_OF",
    "DEPENDENCY_MANIFEST_OF",
    "BUILD_DEPENDENCY_OF",
    "DEV_DEPENDENCY_OF",
    "OPTIONAL_DEPENDENCY_OF",
    "PROVIDED_DEPENDENCY_OF",
    "TEST_DEPENDENCY_OF",
    "RUNTIME_DEPENDENCY_OF",
    "EXAMPLE_OF",
    "GENERATES",
    "GENERATED_FROM",
    "ANCESTOR_OF",
    "DESCENDANT_OF",
    "VARIANT_OF",
    "DISTRIBUTION_ARTIFACT",
    "PATCH_FOR",
    "PATCH_APPLIED",
    "COPY_OF",
    "FILE_ADDED",
    "FILE_DELETED",
    "FILE_MODIFIED",
    "EXPANDED_FROM_ARCHIVE",
    "DYNAMIC_LINK",
    "STATIC_LINK",
    "DATA_FILE_OF",
    "TEST_CASE_OF",
    "BUILD_TOOL_OF",
    "DEV_TOOL_OF",
    "TEST_OF",
    "TEST_TOOL_OF",
    "DOCUMENTATION_OF",
    "OPTIONAL_COMPONENT_OF",
    "METAFILE_OF",
    "PACKAGE_OF",
    "AMENDS",
    "PREREQUISITE_FOR",
    "HAS_PREREQUISITE",
    "REQUIREMENT_DESCRIPTION_FOR",
    "SPECIFICATION_FOR",
    "OTHER",
];

/// An element identifier: `SPDXRef-` and letters, digits, `.` and `-`.
fn valid_spdx_id(id: &str) -> bool {
    id.strip_prefix("SPDXRef-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    })
}

/// `NOASSERTION` (and blank) mean "not given".
fn asserted(value: Option<&str>) -> Option<&str> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("NOASSERTION"))
}

/// What the document declares, which references are checked against.
#[derive(Default)]
struct Known<'a> {
    /// Element SPDXIDs.
    ids: HashSet<&'a str>,
    external_documents: HashSet<&'a str>,
    license_refs: HashSet<&'a str>,
}

/// Checks elements against what the document declares; one per task when packages are
/// normalised on several cores.
struct Validator<'a, 'k> {
    out: Diagnostics,
    version: &'a str,
    known: &'k Known<'a>,
    licenses: license::Cache,
}

impl<'a, 'k> Validator<'a, 'k> {
    fn new(version: &'a str, known: &'k Known<'a>) -> Self {
        Self {
            out: Diagnostics::default(),
            version,
            known,
            licenses: license::Cache::default(),
        }
    }

    fn license(&mut self, value: Option<&str>, path: &Path, what: &str) -> Option<Licensing> {
        let text = value?;
        let licensing = self.licenses.read(text);
        match &licensing {
            Licensing::Invalid(reason) => self.out.push(
                Code::BadLicense,
                path,
                format!("{what} {text:?} is not a valid SPDX license expression: {reason}"),
            ),
            other => self.license_refs_defined(other, path, what),
        }
        Some(licensing)
    }

    fn license_refs_defined(&mut self, licensing: &Licensing, path: &Path, what: &str) {
        let mut reported = HashSet::new();
        for term in licensing.choices().iter().flatten() {
            let name = term.license.as_str();
            if name.starts_with("LicenseRef-")
                && !self.known.license_refs.contains(name)
                && reported.insert(name.to_string())
            {
                self.out.push(
                    Code::UndefinedLicenseRef,
                    path,
                    format!("{what} uses {name}, which hasExtractedLicensingInfos does not define"),
                );
            }
        }
    }

    fn checksums(
        &mut self,
        checksums: &[Checksum],
        path: &Path,
        owner: &str,
    ) -> Map<String, Value> {
        checksum_values(&mut self.out, checksums, path, owner)
    }

    /// Whether `reference` names an element here or in a declared external document.
    fn resolves(&self, reference: &str) -> bool {
        if self.known.ids.contains(reference) {
            return true;
        }
        match reference.split_once(':') {
            Some((document, element)) if document.starts_with("DocumentRef-") => {
                self.known.external_documents.contains(document) && valid_spdx_id(element)
            }
            _ => false,
        }
    }

    /// A dangling reference is reported; where and what are worked out only then.
    fn reference(
        &mut self,
        reference: &str,
        path: impl FnOnce() -> Path,
        what: impl FnOnce() -> String,
    ) {
        if self.resolves(reference) {
            return;
        }
        let (path, what) = (path(), what());
        let why = match reference.split_once(':') {
            Some((document, _)) if document.starts_with("DocumentRef-") => {
                format!("external document {document} is not declared in externalDocumentRefs")
            }
            _ => "no element of the document has this SPDXID".to_string(),
        };
        self.out.push(
            Code::DanglingReference,
            &path,
            format!("{what} refers to {reference:?}: {why}"),
        );
    }
}

/// The valid checksums of an element by algorithm; the others are reported.
fn checksum_values(
    out: &mut Diagnostics,
    checksums: &[Checksum],
    path: &Path,
    owner: &str,
) -> Map<String, Value> {
    let entries = checksums.iter().enumerate().map(|(index, checksum)| {
        (
            path.index(index),
            checksum.algorithm.as_deref().filter(|a| !a.is_empty()),
            checksum.checksum_value.as_deref(),
        )
    });
    checksum::collect(Family::Spdx, entries, owner, out)
}

/// A package's name for messages: `package "glibc" (SPDXRef-Package)`.
fn label(package: &Package, index: usize) -> String {
    match (&package.name, &package.spdx_id) {
        (Some(name), Some(id)) => format!("package {name:?} ({id})"),
        (Some(name), None) => format!("package {name:?}"),
        (None, Some(id)) => format!("package {id}"),
        (None, None) => format!("packages[{index}]"),
    }
}

/// Validates and normalises a parsed SPDX document.
pub fn normalize(document: &Document) -> Normalized {
    let version = document
        .spdx_version
        .as_deref()
        .map(|v| v.trim_start_matches("SPDX-"))
        .unwrap_or_default();
    let root = Path::root();
    let mut out = Diagnostics::default();
    let mut known = Known::default();
    validate_document(document, &mut out, &root);

    for (index, reference) in document.external_document_refs.iter().enumerate() {
        let at = root.key("externalDocumentRefs").index(index);
        out.require(
            reference.external_document_id.as_deref(),
            || at.key("externalDocumentId"),
            || "externalDocumentId of an external document reference".into(),
        );
        out.require(
            reference.spdx_document.as_deref(),
            || at.key("spdxDocument"),
            || "spdxDocument of an external document reference".into(),
        );
        match &reference.checksum {
            Some(checksum) => {
                let owner = "external document reference";
                checksum_values(&mut out, std::slice::from_ref(checksum), &at, owner);
            }
            None => out.push(
                Code::MissingField,
                &at,
                "checksum of an external document reference is missing",
            ),
        }
        if let Some(id) = reference.external_document_id.as_deref() {
            if !id.starts_with("DocumentRef-") {
                out.push(
                    Code::InvalidValue,
                    &at.key("externalDocumentId"),
                    format!("externalDocumentId {id:?} must start with DocumentRef-"),
                );
            }
            if !known.external_documents.insert(id) {
                out.push(
                    Code::DuplicateId,
                    &at.key("externalDocumentId"),
                    format!("external document {id} is declared twice"),
                );
            }
        }
    }
    for (index, extracted) in document.has_extracted_licensing_infos.iter().enumerate() {
        let at = root.key("hasExtractedLicensingInfos").index(index);
        out.require(
            extracted.license_id.as_deref(),
            || at.key("licenseId"),
            || "licenseId of an extracted license".into(),
        );
        out.require(
            extracted.extracted_text.as_deref(),
            || at.key("extractedText"),
            || "extractedText of an extracted license".into(),
        );
        if let Some(id) = extracted.license_id.as_deref() {
            if !id.starts_with("LicenseRef-") {
                out.push(
                    Code::InvalidValue,
                    &at.key("licenseId"),
                    format!("licenseId {id:?} must start with LicenseRef-"),
                );
            }
            if !known.license_refs.insert(id) {
                out.push(
                    Code::DuplicateId,
                    &at.key("licenseId"),
                    format!("{id} is defined twice"),
                );
            }
        }
    }
    collect_ids(document, &mut out, &mut known, &root);

    // Packages are independent: large documents normalise them on every core, each task
    // with its own licence cache, and their diagnostics are kept in document order.
    let normalized: Vec<(Value, Diagnostics, Vec<PathSegment>)> = document
        .packages
        .par_iter()
        .enumerate()
        .with_min_len(PARALLEL_CHUNK)
        .map_init(
            || Validator::new(version, &known),
            |v, (index, package)| {
                let at = root.key("packages").index(index);
                let value = package_value(package, index, &at, v);
                (value, std::mem::take(&mut v.out), at.0)
            },
        )
        .collect();
    let mut v = Validator::new(version, &known);
    v.out = out;
    let mut packages = Vec::with_capacity(normalized.len());
    let mut package_origins = Vec::with_capacity(normalized.len());
    for (package, found, origin) in normalized {
        packages.push(package);
        v.out.0.extend(found.0);
        package_origins.push(origin);
    }
    for (index, file) in document.files.iter().enumerate() {
        let at = root.key("files").index(index);
        let owner = match &file.file_name {
            Some(name) => format!("file {name:?}"),
            None => format!("files[{index}]"),
        };
        v.out.require(
            file.spdx_id.as_deref(),
            || at.key("SPDXID"),
            || format!("SPDXID of {owner}"),
        );
        v.out.require(
            file.file_name.as_deref(),
            || at.key("fileName"),
            || format!("fileName of files[{index}]"),
        );
        v.checksums(&file.checksums, &at.key("checksums"), &owner);
        v.license(
            file.license_concluded.as_deref(),
            &at.key("licenseConcluded"),
            &format!("licenseConcluded of {owner}"),
        );
        for (i, info) in file.license_info_in_files.iter().enumerate() {
            v.license(
                Some(info),
                &at.key("licenseInfoInFiles").index(i),
                &format!("licenseInfoInFiles of {owner}"),
            );
        }
    }
    for (index, snippet) in document.snippets.iter().enumerate() {
        let at = root.key("snippets").index(index);
        let owner = format!("snippets[{index}]");
        v.out.require(
            snippet.spdx_id.as_deref(),
            || at.key("SPDXID"),
            || format!("SPDXID of {owner}"),
        );
        match snippet.snippet_from_file.as_deref() {
            Some(file) => v.reference(
                file,
                || at.key("snippetFromFile"),
                || format!("snippetFromFile of {owner}"),
            ),
            None => v.out.push(
                Code::MissingField,
                &at,
                format!("snippetFromFile of {owner} is missing"),
            ),
        }
        v.license(
            snippet.license_concluded.as_deref(),
            &at.key("licenseConcluded"),
            &format!("licenseConcluded of {owner}"),
        );
        for (i, info) in snippet.license_info_in_snippets.iter().enumerate() {
            v.license(
                Some(info),
                &at.key("licenseInfoInSnippets").index(i),
                &format!("licenseInfoInSnippets of {owner}"),
            );
        }
    }

    let document_id = document.spdx_id.as_deref().unwrap_or("SPDXRef-DOCUMENT");
    let mut describes: Vec<String> = Vec::new();
    let mut describes_origins = Vec::new();
    let mut relationships = Vec::new();
    let mut relationship_origins = Vec::new();
    for (index, described) in document.document_describes.iter().enumerate() {
        let at = root.key("documentDescribes").index(index);
        v.reference(described, || at.clone(), || "documentDescribes".into());
        if !describes.contains(described) {
            describes.push(described.clone());
            describes_origins.push(at.0.clone());
        }
        relationships.push(json!({"from": document_id, "type": "DESCRIBES", "to": described}));
        relationship_origins.push(at.0);
    }
    for (index, relationship) in document.relationships.iter().enumerate() {
        let at = root.key("relationships").index(index);
        let from = relationship.spdx_element_id.as_deref();
        let kind = relationship.relationship_type.as_deref();
        let to = relationship.related_spdx_element.as_deref();
        v.out.require(
            from,
            || at.key("spdxElementId"),
            || format!("spdxElementId of relationships[{index}]"),
        );
        v.out.require(
            kind,
            || at.key("relationshipType"),
            || format!("relationshipType of relationships[{index}]"),
        );
        v.out.require(
            to,
            || at.key("relatedSpdxElement"),
            || format!("relatedSpdxElement of relationships[{index}]"),
        );
        if let Some(kind) = kind.filter(|k| !RELATIONSHIP_TYPES.contains(k)) {
            v.out.push(
                Code::InvalidValue,
                &at.key("relationshipType"),
                format!("relationshipType {kind:?} is not an SPDX relationship type"),
            );
        }
        if let Some(from) = from {
            v.reference(
                from,
                || at.key("spdxElementId"),
                || format!("relationships[{index}]"),
            );
        }
        if let Some(to) = to.filter(|t| *t != "NONE" && *t != "NOASSERTION") {
            v.reference(
                to,
                || at.key("relatedSpdxElement"),
                || format!("relationships[{index}]"),
            );
        }
        let (Some(from), Some(kind), Some(to)) = (from, kind, to) else {
            continue;
        };
        let described = match kind {
            "DESCRIBES" if from == document_id => Some(to),
            "DESCRIBED_BY" if to == document_id => Some(from),
            _ => None,
        };
        if let Some(described) = described.filter(|d| !describes.iter().any(|x| x == d)) {
            describes.push(described.to_string());
            describes_origins.push(at.0.clone());
        }
        relationships.push(json!({"from": from, "type": kind, "to": to}));
        relationship_origins.push(at.0);
    }

    let described = described_elements(document, &describes, &describes_origins);
    let creators = document
        .creation_info
        .as_ref()
        .map(|c| c.creators.as_slice())
        .unwrap_or_default();
    let (tools, authors): (Vec<&String>, Vec<&String>) = creators
        .iter()
        .partition(|c| c.trim_start().starts_with("Tool:"));
    let value = object(vec![
        ("format", json!("spdx")),
        ("spec_version", json!(version)),
        ("name", text(document.name.as_deref())),
        ("identifier", text(document.document_namespace.as_deref())),
        (
            "created",
            text(
                document
                    .creation_info
                    .as_ref()
                    .and_then(|c| c.created.as_deref()),
            ),
        ),
        (
            "authors",
            authors
                .iter()
                .map(|a| json!(strip_entity_prefix(a)))
                .collect(),
        ),
        (
            "tools",
            tools
                .iter()
                .map(|t| json!(t.trim_start().trim_start_matches("Tool:").trim()))
                .collect(),
        ),
        ("describes", describes.iter().map(|d| json!(d)).collect()),
        ("packages", Value::Array(packages)),
        ("relationships", Value::Array(relationships)),
    ]);
    Normalized {
        value,
        family: Family::Spdx,
        diagnostics: v.out.0,
        described,
        origins: Origins {
            packages: package_origins,
            relationships: relationship_origins,
            describes: describes_origins,
        },
    }
}

fn validate_document(document: &Document, out: &mut Diagnostics, root: &Path) {
    match document.spdx_version.as_deref() {
        None => out.push(
            Code::MissingField,
            &root.key("spdxVersion"),
            "spdxVersion is missing",
        ),
        Some("SPDX-2.2" | "SPDX-2.3") => {}
        Some(other) => out.push(
            Code::InvalidValue,
            &root.key("spdxVersion"),
            format!("spdxVersion {other:?} is not supported (expected SPDX-2.2 or SPDX-2.3)"),
        ),
    }
    match document.data_license.as_deref() {
        None => out.push(
            Code::MissingField,
            &root.key("dataLicense"),
            "dataLicense is missing",
        ),
        Some("CC0-1.0") => {}
        Some(other) => out.push(
            Code::InvalidValue,
            &root.key("dataLicense"),
            format!("dataLicense must be CC0-1.0, not {other:?}"),
        ),
    }
    match document.spdx_id.as_deref() {
        None => out.push(
            Code::MissingField,
            &root.key("SPDXID"),
            "SPDXID of the document is missing",
        ),
        Some("SPDXRef-DOCUMENT") => {}
        Some(other) => out.push(
            Code::InvalidValue,
            &root.key("SPDXID"),
            format!("the document's SPDXID must be SPDXRef-DOCUMENT, not {other:?}"),
        ),
    }
    out.require(
        document.name.as_deref(),
        || root.key("name"),
        || "name of the document".into(),
    );
    out.require(
        document.document_namespace.as_deref(),
        || root.key("documentNamespace"),
        || "documentNamespace".into(),
    );
    let Some(creation) = &document.creation_info else {
        out.push(
            Code::MissingField,
            &root.key("creationInfo"),
            "creationInfo is missing",
        );
        return;
    };
    let at = root.key("creationInfo");
    match creation.created.as_deref() {
        None => out.push(
            Code::MissingField,
            &at.key("created"),
            "creationInfo.created is missing",
        ),
        Some(created) if !valid_timestamp(created) => out.push(
            Code::InvalidValue,
            &at.key("created"),
            format!("created {created:?} is not a timestamp like 2024-01-31T12:00:00Z"),
        ),
        Some(_) => {}
    }
    if creation.creators.is_empty() {
        out.push(
            Code::MissingField,
            &at.key("creators"),
            "creationInfo.creators is missing or empty",
        );
    }
    for (index, creator) in creation.creators.iter().enumerate() {
        let kind = creator.split_once(':').map(|(k, _)| k.trim());
        if !matches!(kind, Some("Person" | "Organization" | "Tool")) {
            out.push(
                Code::InvalidValue,
                &at.key("creators").index(index),
                format!("creator {creator:?} must start with Person:, Organization: or Tool:"),
            );
        }
    }
}

/// Every element's SPDXID, checked for form and uniqueness.
fn collect_ids<'a>(
    document: &'a Document,
    out: &mut Diagnostics,
    known: &mut Known<'a>,
    root: &Path,
) {
    // (SPDXID, list, position): the document itself has no list.
    let elements = document
        .spdx_id
        .as_deref()
        .map(|id| (id, None))
        .into_iter()
        .chain(ids_of(&document.packages, "packages", |p| {
            p.spdx_id.as_deref()
        }))
        .chain(ids_of(&document.files, "files", |f| f.spdx_id.as_deref()))
        .chain(ids_of(&document.snippets, "snippets", |s| {
            s.spdx_id.as_deref()
        }));
    // Where and whose an SPDXID is, worked out only for a message.
    let path = |at: Option<(&str, usize)>| match at {
        Some((list, index)) => root.key(list).index(index).key("SPDXID"),
        None => root.key("SPDXID"),
    };
    let owner = |at: Option<(&str, usize)>| match at {
        Some((list, index)) => format!("{list}[{index}]"),
        None => "the document".to_string(),
    };
    let mut owners: HashMap<&str, Option<(&str, usize)>> = HashMap::new();
    for (id, at) in elements {
        if !valid_spdx_id(id) {
            out.push(
                Code::InvalidValue,
                &path(at),
                format!(
                    "SPDXID {id:?} of {} must be SPDXRef- followed by letters, digits, '.' or '-'",
                    owner(at)
                ),
            );
        }
        if let Some(&first) = owners.get(id) {
            out.push(
                Code::DuplicateId,
                &path(at),
                format!(
                    "SPDXID {id:?} of {} is already used by {}",
                    owner(at),
                    owner(first)
                ),
            );
            continue;
        }
        owners.insert(id, at);
        known.ids.insert(id);
    }
}

/// The SPDXIDs of the elements of one list, with where each is.
fn ids_of<'a, T>(
    elements: &'a [T],
    list: &'static str,
    id: impl Fn(&'a T) -> Option<&'a str>,
) -> impl Iterator<Item = (&'a str, Option<(&'static str, usize)>)> {
    elements
        .iter()
        .enumerate()
        .filter_map(move |(index, element)| Some((id(element)?, Some((list, index)))))
}

fn package_value(package: &Package, index: usize, at: &Path, v: &mut Validator<'_, '_>) -> Value {
    let owner = label(package, index);
    v.out.require(
        package.spdx_id.as_deref(),
        || at.key("SPDXID"),
        || format!("SPDXID of {owner}"),
    );
    v.out.require(
        package.name.as_deref(),
        || at.key("name"),
        || format!("name of {owner}"),
    );
    v.out.require(
        package.download_location.as_deref(),
        || at.key("downloadLocation"),
        || format!("downloadLocation of {owner}"),
    );
    if v.version == "2.2" {
        v.out.require(
            package.license_concluded.as_deref(),
            || at.key("licenseConcluded"),
            || format!("licenseConcluded of {owner} (required by SPDX 2.2)"),
        );
        v.out.require(
            package.license_declared.as_deref(),
            || at.key("licenseDeclared"),
            || format!("licenseDeclared of {owner} (required by SPDX 2.2)"),
        );
        v.out.require(
            package.copyright_text.as_deref(),
            || at.key("copyrightText"),
            || format!("copyrightText of {owner} (required by SPDX 2.2)"),
        );
    }
    let hashes = v.checksums(&package.checksums, &at.key("checksums"), &owner);
    let mut purl = None;
    let mut cpes = Vec::new();
    for (i, reference) in package.external_refs.iter().enumerate() {
        let r = at.key("externalRefs").index(i);
        v.out.require(
            reference.reference_category.as_deref(),
            || r.key("referenceCategory"),
            || format!("referenceCategory of an external reference of {owner}"),
        );
        v.out.require(
            reference.reference_type.as_deref(),
            || r.key("referenceType"),
            || format!("referenceType of an external reference of {owner}"),
        );
        v.out.require(
            reference.reference_locator.as_deref(),
            || r.key("referenceLocator"),
            || format!("referenceLocator of an external reference of {owner}"),
        );
        let Some(locator) = reference.reference_locator.as_deref() else {
            continue;
        };
        match reference.reference_type.as_deref() {
            Some("purl") => match purl_base(locator) {
                Ok(_) => {
                    purl.get_or_insert(locator);
                }
                Err(reason) => v.out.push(
                    Code::BadPurl,
                    &r.key("referenceLocator"),
                    format!("package URL {locator:?} of {owner} is malformed: {reason}"),
                ),
            },
            Some("cpe23Type") => {
                if !locator.starts_with("cpe:2.3:") || locator.split(':').count() != 13 {
                    v.out.push(Code::InvalidValue, &r.key("referenceLocator"), format!("cpe23Type {locator:?} of {owner} is not a CPE 2.3 name (cpe:2.3: and 11 fields)"));
                }
                cpes.push(locator);
            }
            Some("cpe22Type") => {
                if !locator.starts_with("cpe:/") {
                    v.out.push(
                        Code::InvalidValue,
                        &r.key("referenceLocator"),
                        format!("cpe22Type {locator:?} of {owner} is not a CPE 2.2 URI (cpe:/...)"),
                    );
                }
                cpes.push(locator);
            }
            _ => {}
        }
    }
    for (i, reference) in package.has_files.iter().enumerate() {
        v.reference(
            reference,
            || at.key("hasFiles").index(i),
            || format!("hasFiles of {owner}"),
        );
    }
    let declared = v.license(
        package.license_declared.as_deref(),
        &at.key("licenseDeclared"),
        &format!("licenseDeclared of {owner}"),
    );
    let concluded = v.license(
        package.license_concluded.as_deref(),
        &at.key("licenseConcluded"),
        &format!("licenseConcluded of {owner}"),
    );
    for (i, info) in package.license_info_from_files.iter().enumerate() {
        v.license(
            Some(info),
            &at.key("licenseInfoFromFiles").index(i),
            &format!("licenseInfoFromFiles of {owner}"),
        );
    }
    let licensing = |parsed: Option<Licensing>, text: Option<&String>| match (parsed, text) {
        (Some(parsed), Some(text)) => parsed.to_value(text),
        _ => Value::Null,
    };
    let purl_base = purl.and_then(|p| purl_base(p).ok());
    object(vec![
        ("id", text(package.spdx_id.as_deref())),
        (
            "type",
            text(
                package
                    .primary_package_purpose
                    .as_deref()
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
            ),
        ),
        ("name", text(package.name.as_deref())),
        ("group", Value::Null),
        ("version", text(asserted(package.version_info.as_deref()))),
        (
            "supplier",
            text(asserted(package.supplier.as_deref()).map(strip_entity_prefix)),
        ),
        ("purl", text(purl)),
        ("purl_base", text(purl_base.as_deref())),
        ("cpes", cpes.into_iter().map(|c| json!(c)).collect()),
        ("hashes", Value::Object(hashes)),
        (
            "licenses",
            object(vec![
                (
                    "declared",
                    licensing(declared, package.license_declared.as_ref()),
                ),
                (
                    "concluded",
                    licensing(concluded, package.license_concluded.as_ref()),
                ),
            ]),
        ),
    ])
}

/// The described packages and files with their sha256, for binding to an artifact.
fn described_elements(
    document: &Document,
    describes: &[String],
    origins: &[Vec<PathSegment>],
) -> Vec<Described> {
    let sha256 = |checksums: &[Checksum]| {
        checksums
            .iter()
            .find(|c| c.algorithm.as_deref() == Some("SHA256"))
            .and_then(|c| c.checksum_value.as_deref())
            .map(str::to_ascii_lowercase)
    };
    describes
        .iter()
        .zip(origins)
        .map(|(id, origin)| {
            let package = document
                .packages
                .iter()
                .position(|p| p.spdx_id.as_deref() == Some(id));
            let file = document
                .files
                .iter()
                .position(|f| f.spdx_id.as_deref() == Some(id));
            let (sha256, path) = match (package, file) {
                (Some(i), _) => (
                    sha256(&document.packages[i].checksums),
                    Path::root().key("packages").index(i).key("checksums").0,
                ),
                (None, Some(i)) => (
                    sha256(&document.files[i].checksums),
                    Path::root().key("files").index(i).key("checksums").0,
                ),
                (None, None) => (None, origin.clone()),
            };
            Described {
                id: id.clone(),
                sha256,
                path,
            }
        })
        .collect()
}

/// Where a field of a normalised package is in an SPDX package.
pub fn package_field(source: &Value, rest: &[PathSegment]) -> Vec<PathSegment> {
    let key = |k: &str| vec![PathSegment::Key(k.to_string())];
    let Some(PathSegment::Key(field)) = rest.first() else {
        return Vec::new();
    };
    let reference_index = |wanted: &dyn Fn(&str) -> bool, nth: usize| {
        source
            .get("externalRefs")
            .and_then(Value::as_array)
            .and_then(|refs| {
                refs.iter()
                    .enumerate()
                    .filter(|(_, r)| {
                        r.get("referenceType")
                            .and_then(Value::as_str)
                            .is_some_and(wanted)
                    })
                    .nth(nth)
                    .map(|(i, _)| {
                        vec![
                            PathSegment::Key("externalRefs".into()),
                            PathSegment::Index(i),
                        ]
                    })
            })
            .unwrap_or_else(|| key("externalRefs"))
    };
    match field.as_str() {
        "id" => key("SPDXID"),
        "type" => key("primaryPackagePurpose"),
        "name" => key("name"),
        "version" => key("versionInfo"),
        "supplier" => key("supplier"),
        "hashes" => key("checksums"),
        "purl" | "purl_base" => reference_index(&|t| t == "purl", 0),
        "cpes" => {
            let nth = match rest.get(1) {
                Some(PathSegment::Index(i)) => *i,
                _ => 0,
            };
            reference_index(&|t| t == "cpe23Type" || t == "cpe22Type", nth)
        }
        "licenses" => match rest.get(1) {
            Some(PathSegment::Key(k)) if k == "declared" => key("licenseDeclared"),
            Some(PathSegment::Key(k)) if k == "concluded" => key("licenseConcluded"),
            _ => source
                .get("licenseDeclared")
                .map_or_else(|| key("licenseConcluded"), |_| key("licenseDeclared")),
        },
        _ => Vec::new(),
    }
}

/// Where a document-level field of the normalised shape is in an SPDX document.
pub fn document_field(field: &str) -> Vec<PathSegment> {
    let keys: &[&str] = match field {
        "spec_version" => &["spdxVersion"],
        "name" => &["name"],
        "identifier" => &["documentNamespace"],
        "created" => &["creationInfo", "created"],
        "authors" | "tools" => &["creationInfo", "creators"],
        "describes" => &["documentDescribes"],
        _ => &[],
    };
    keys.iter()
        .map(|k| PathSegment::Key(k.to_string()))
        .collect()
}
