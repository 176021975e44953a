//! CycloneDX 1.2 to 1.6 JSON: a lenient serde model of the fields tollgate uses (unknown
//! fields are ignored, wrong types are errors with their path), its validation, and its
//! normalised form. Nested components are flattened into `packages`, each nesting
//! becoming a `CONTAINS` relationship; `dependencies` become `DEPENDS_ON` ones.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

use super::diagnostics::{Code, Diagnostics, Path};
use super::license::{self, Choice, Licensing};
use super::{
    Described, Family, Normalized, Origins, PARALLEL_CHUNK, checksum, list, object, purl_base,
    text, valid_timestamp,
};
use crate::input::PathSegment;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bom {
    bom_format: Option<String>,
    spec_version: Option<String>,
    serial_number: Option<String>,
    metadata: Option<Metadata>,
    #[serde(default, deserialize_with = "list")]
    components: Vec<Component>,
    #[serde(default, deserialize_with = "list")]
    services: Vec<Service>,
    #[serde(default, deserialize_with = "list")]
    dependencies: Vec<Dependency>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    timestamp: Option<String>,
    tools: Option<Tools>,
    #[serde(default, deserialize_with = "list")]
    authors: Vec<Contact>,
    component: Option<Component>,
}

/// 1.2-1.4 list tools; 1.5 and later describe them as components and services.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Tools {
    Legacy(Vec<Tool>),
    Described {
        #[serde(default, deserialize_with = "list")]
        components: Vec<Component>,
        #[serde(default, deserialize_with = "list")]
        services: Vec<Service>,
    },
}

#[derive(Debug, Deserialize)]
struct Tool {
    vendor: Option<String>,
    name: Option<String>,
    version: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Contact {
    name: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Entity {
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Component {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    name: Option<String>,
    version: Option<String>,
    group: Option<String>,
    supplier: Option<Entity>,
    manufacturer: Option<Entity>,
    publisher: Option<String>,
    purl: Option<String>,
    cpe: Option<String>,
    #[serde(default, deserialize_with = "list")]
    hashes: Vec<Hash>,
    #[serde(default, deserialize_with = "list")]
    licenses: Vec<LicenseChoice>,
    #[serde(default, deserialize_with = "list")]
    components: Vec<Component>,
}

#[derive(Debug, Deserialize)]
struct Service {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    name: Option<String>,
    version: Option<String>,
    #[serde(default, deserialize_with = "list")]
    services: Vec<Service>,
}

#[derive(Debug, Deserialize)]
struct Hash {
    alg: Option<String>,
    content: Option<String>,
}

#[derive(Debug, Deserialize)]
struct LicenseChoice {
    license: Option<License>,
    expression: Option<String>,
    acknowledgement: Option<String>,
}

#[derive(Debug, Deserialize)]
struct License {
    id: Option<String>,
    name: Option<String>,
    acknowledgement: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: Option<String>,
    #[serde(default, deserialize_with = "list")]
    depends_on: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    provides: Vec<String>,
}

const SPEC_VERSIONS: &[&str] = &["1.2", "1.3", "1.4", "1.5", "1.6"];

/// A component flattened out of the tree, with where it is and who contains it.
struct Flat<'a> {
    component: &'a Component,
    path: Path,
    id: String,
    parent: Option<String>,
}

/// Components in document order, each before the components nested in it.
fn flatten<'a>(
    components: &'a [Component],
    at: &Path,
    parent: Option<&str>,
    out: &mut Vec<Flat<'a>>,
) {
    for (index, component) in components.iter().enumerate() {
        let path = at.index(index);
        let id = component
            .bom_ref
            .clone()
            .unwrap_or_else(|| synthetic_id(&path));
        out.push(Flat {
            component,
            path: path.clone(),
            id: id.clone(),
            parent: parent.map(str::to_string),
        });
        flatten(
            &component.components,
            &path.key("components"),
            Some(&id),
            out,
        );
    }
}

/// The id of a component without a bom-ref: where it is (`tollgate:components/3`).
fn synthetic_id(path: &Path) -> String {
    let parts: Vec<String> = path
        .0
        .iter()
        .map(|s| match s {
            PathSegment::Key(k) => k.clone(),
            PathSegment::Index(i) => i.to_string(),
        })
        .collect();
    format!("tollgate:{}", parts.join("/"))
}

fn label(component: &Component, id: &str) -> String {
    match (&component.name, &component.version) {
        (Some(name), Some(version)) => format!("component {name:?} {version}"),
        (Some(name), None) => format!("component {name:?}"),
        _ => format!("component {id}"),
    }
}

/// Validates and normalises a parsed CycloneDX BOM.
pub fn normalize(bom: &Bom) -> Normalized {
    let mut out = Diagnostics::default();
    let root = Path::root();
    match bom.bom_format.as_deref() {
        None => out.push(
            Code::MissingField,
            &root.key("bomFormat"),
            "bomFormat is missing",
        ),
        Some("CycloneDX") => {}
        Some(other) => out.push(
            Code::InvalidValue,
            &root.key("bomFormat"),
            format!("bomFormat must be CycloneDX, not {other:?}"),
        ),
    }
    let version = bom.spec_version.as_deref().unwrap_or_default();
    match bom.spec_version.as_deref() {
        None => out.push(
            Code::MissingField,
            &root.key("specVersion"),
            "specVersion is missing",
        ),
        Some(v) if SPEC_VERSIONS.contains(&v) => {}
        Some(other) => out.push(
            Code::InvalidValue,
            &root.key("specVersion"),
            format!("specVersion {other:?} is not supported (expected 1.2 to 1.6)"),
        ),
    }
    if let Some(serial) = bom.serial_number.as_deref()
        && !valid_serial(serial)
    {
        out.push(
            Code::InvalidValue,
            &root.key("serialNumber"),
            format!("serialNumber {serial:?} is not urn:uuid:<RFC 4122 UUID>"),
        );
    }
    let metadata = bom.metadata.as_ref();
    if let Some(timestamp) = metadata.and_then(|m| m.timestamp.as_deref())
        && !valid_timestamp(timestamp)
    {
        out.push(
            Code::InvalidValue,
            &root.key("metadata").key("timestamp"),
            format!("timestamp {timestamp:?} is not a date-time like 2024-01-31T12:00:00Z"),
        );
    }

    let mut flat = Vec::new();
    if let Some(component) = metadata.and_then(|m| m.component.as_ref()) {
        let path = root.key("metadata").key("component");
        let id = component
            .bom_ref
            .clone()
            .unwrap_or_else(|| synthetic_id(&path));
        flat.push(Flat {
            component,
            path: path.clone(),
            id: id.clone(),
            parent: None,
        });
        flatten(
            &component.components,
            &path.key("components"),
            Some(&id),
            &mut flat,
        );
    }
    let has_subject = !flat.is_empty();
    flatten(&bom.components, &root.key("components"), None, &mut flat);

    // Every bom-ref, checked for uniqueness (services take part: dependencies may name them).
    let mut refs: HashMap<&str, String> = HashMap::new();
    let mut services = Vec::new();
    collect_services(&bom.services, &root.key("services"), &mut services);
    let owned_refs = flat
        .iter()
        .filter_map(|f| {
            Some((
                f.component.bom_ref.as_deref()?,
                f.path.key("bom-ref"),
                label(f.component, &f.id),
            ))
        })
        .chain(services.iter().filter_map(|(service, path)| {
            Some((
                service.bom_ref.as_deref()?,
                path.key("bom-ref"),
                format!("service {:?}", service.name.as_deref().unwrap_or("?")),
            ))
        }));
    for (reference, path, owner) in owned_refs {
        if let Some(first) = refs.get(reference) {
            out.push(
                Code::DuplicateId,
                &path,
                format!("bom-ref {reference:?} of {owner} is already used by {first}"),
            );
            continue;
        }
        refs.insert(reference, owner);
    }

    // Components are independent: large BOMs normalise them on every core, each task with
    // its own licence cache, and their diagnostics are kept in document order.
    let normalized: Vec<(Value, Diagnostics)> = flat
        .par_iter()
        .with_min_len(PARALLEL_CHUNK)
        .map_init(license::Cache::default, |licenses, item| {
            let mut found = Diagnostics::default();
            (component_value(item, &mut found, licenses), found)
        })
        .collect();
    let mut packages = Vec::with_capacity(flat.len());
    for (package, found) in normalized {
        packages.push(package);
        out.0.extend(found.0);
    }
    let mut package_origins = Vec::with_capacity(flat.len());
    let mut relationships = Vec::new();
    let mut relationship_origins = Vec::new();
    for item in &flat {
        package_origins.push(item.path.0.clone());
        if let Some(parent) = &item.parent {
            relationships.push(json!({"from": parent, "type": "CONTAINS", "to": item.id}));
            relationship_origins.push(item.path.0.clone());
        }
    }

    let mut seen_dependencies: HashMap<&str, usize> = HashMap::new();
    for (index, dependency) in bom.dependencies.iter().enumerate() {
        let at = root.key("dependencies").index(index);
        let Some(reference) = dependency.reference.as_deref() else {
            out.push(
                Code::MissingField,
                &at,
                format!("ref of dependencies[{index}] is missing"),
            );
            continue;
        };
        if !refs.contains_key(reference) {
            out.push(Code::DanglingReference, &at.key("ref"), format!("dependencies[{index}] refers to {reference:?}, which no component or service has as bom-ref"));
        }
        if let Some(first) = seen_dependencies.insert(reference, index) {
            out.push(Code::DuplicateId, &at.key("ref"), format!("dependencies of {reference:?} are listed twice (first in dependencies[{first}])"));
        }
        for (kind, key, targets) in [
            ("DEPENDS_ON", "dependsOn", &dependency.depends_on),
            ("PROVIDES", "provides", &dependency.provides),
        ] {
            for (j, target) in targets.iter().enumerate() {
                let path = at.key(key).index(j);
                if !refs.contains_key(target.as_str()) {
                    out.push(Code::DanglingReference, &path, format!("{key} of {reference:?} refers to {target:?}, which no component or service has as bom-ref"));
                }
                relationships.push(json!({"from": reference, "type": kind, "to": target}));
                relationship_origins.push(path.0);
            }
        }
    }

    let subject = flat.first().filter(|_| has_subject);
    let described = subject
        .map(|s| Described {
            id: s.id.clone(),
            sha256: s
                .component
                .hashes
                .iter()
                .find(|h| h.alg.as_deref() == Some("SHA-256"))
                .and_then(|h| h.content.as_deref())
                .map(str::to_ascii_lowercase),
            path: s.path.key("hashes").0,
        })
        .into_iter()
        .collect();
    let authors: Vec<&str> = metadata
        .map(|m| m.authors.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a.name.as_deref().or(a.email.as_deref()))
        .collect();
    let tools: Vec<String> = match metadata.and_then(|m| m.tools.as_ref()) {
        Some(Tools::Legacy(tools)) => tools
            .iter()
            .map(|t| join_words(&[t.vendor.as_deref(), t.name.as_deref(), t.version.as_deref()]))
            .collect(),
        Some(Tools::Described {
            components,
            services,
        }) => components
            .iter()
            .map(|c| join_words(&[c.group.as_deref(), c.name.as_deref(), c.version.as_deref()]))
            .chain(
                services
                    .iter()
                    .map(|s| join_words(&[s.name.as_deref(), s.version.as_deref()])),
            )
            .collect(),
        None => Vec::new(),
    };
    let value = object(vec![
        ("format", json!("cyclonedx")),
        ("spec_version", json!(version)),
        (
            "name",
            text(subject.and_then(|s| s.component.name.as_deref())),
        ),
        ("identifier", text(bom.serial_number.as_deref())),
        (
            "created",
            text(metadata.and_then(|m| m.timestamp.as_deref())),
        ),
        ("authors", authors.into_iter().map(|a| json!(a)).collect()),
        (
            "tools",
            tools
                .into_iter()
                .filter(|t| !t.is_empty())
                .map(Value::String)
                .collect(),
        ),
        (
            "describes",
            subject
                .map(|s| vec![json!(s.id)])
                .unwrap_or_default()
                .into(),
        ),
        ("packages", Value::Array(packages)),
        ("relationships", Value::Array(relationships)),
    ]);
    Normalized {
        value,
        family: Family::CycloneDx,
        diagnostics: out.0,
        described,
        origins: Origins {
            packages: package_origins,
            relationships: relationship_origins,
            describes: subject.map(|s| vec![s.path.0.clone()]).unwrap_or_default(),
        },
    }
}

fn collect_services<'a>(services: &'a [Service], at: &Path, out: &mut Vec<(&'a Service, Path)>) {
    for (index, service) in services.iter().enumerate() {
        let path = at.index(index);
        collect_services(&service.services, &path.key("services"), out);
        out.push((service, path));
    }
}

fn join_words(words: &[Option<&str>]) -> String {
    words
        .iter()
        .flatten()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `urn:uuid:` and a UUID in its 8-4-4-4-12 hex form.
fn valid_serial(serial: &str) -> bool {
    let Some(uuid) = serial.strip_prefix("urn:uuid:") else {
        return false;
    };
    let groups: Vec<&str> = uuid.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn component_value(item: &Flat<'_>, out: &mut Diagnostics, licenses: &mut license::Cache) -> Value {
    let component = item.component;
    let at = &item.path;
    let owner = label(component, &item.id);
    out.require(
        component.kind.as_deref(),
        || at.key("type"),
        || format!("type of {owner}"),
    );
    out.require(
        component.name.as_deref(),
        || at.key("name"),
        || format!("name of {owner}"),
    );
    let entries = component.hashes.iter().enumerate().map(|(index, hash)| {
        (
            at.key("hashes").index(index),
            hash.alg.as_deref(),
            hash.content.as_deref(),
        )
    });
    let hashes = checksum::collect(Family::CycloneDx, entries, &owner, out);
    let purl = component.purl.as_deref();
    let purl_base = purl.and_then(|p| match purl_base(p) {
        Ok(base) => Some(base),
        Err(reason) => {
            out.push(
                Code::BadPurl,
                &at.key("purl"),
                format!("package URL {p:?} of {owner} is malformed: {reason}"),
            );
            None
        }
    });
    let mut declared = Vec::new();
    let mut concluded = Vec::new();
    for (index, choice) in component.licenses.iter().enumerate() {
        let path = at.key("licenses").index(index);
        let acknowledgement = choice.acknowledgement.as_deref().or(choice
            .license
            .as_ref()
            .and_then(|l| l.acknowledgement.as_deref()));
        let target = if acknowledgement == Some("concluded") {
            &mut concluded
        } else {
            &mut declared
        };
        match (&choice.license, &choice.expression) {
            (_, Some(expression)) => {
                let licensing = licenses.read(expression);
                if let Licensing::Invalid(reason) = &licensing {
                    out.push(Code::BadLicense, &path.key("expression"), format!("license expression {expression:?} of {owner} is not a valid SPDX expression: {reason}"));
                }
                target.push((expression.clone(), licensing, false));
            }
            (Some(License { id: Some(id), .. }), None) => {
                let licensing = licenses.id(id);
                if let Licensing::Invalid(reason) = &licensing {
                    out.push(Code::BadLicense, &path.key("license").key("id"), format!("license id {id:?} of {owner} is not an SPDX license identifier: {reason}"));
                }
                target.push((id.clone(), licensing, false));
            }
            (
                Some(License {
                    name: Some(name), ..
                }),
                None,
            ) => {
                let term = license::Term {
                    license: name.clone(),
                    exception: None,
                };
                target.push((name.clone(), Licensing::Name(vec![vec![term]]), true));
            }
            (Some(_), None) => out.push(
                Code::MissingField,
                &path.key("license"),
                format!("license of {owner} needs an id or a name"),
            ),
            (None, None) => out.push(
                Code::MissingField,
                &path,
                format!("license entry of {owner} needs license or expression"),
            ),
        }
    }
    let supplier = component
        .supplier
        .as_ref()
        .and_then(|s| s.name.clone())
        .or_else(|| component.publisher.clone())
        .or_else(|| component.manufacturer.as_ref().and_then(|m| m.name.clone()));
    object(vec![
        ("id", json!(item.id)),
        ("type", text(component.kind.as_deref())),
        ("name", text(component.name.as_deref())),
        ("group", text(component.group.as_deref())),
        ("version", text(component.version.as_deref())),
        ("supplier", text(supplier.as_deref())),
        ("purl", text(purl)),
        ("purl_base", text(purl_base.as_deref())),
        ("cpes", component.cpe.iter().map(|c| json!(c)).collect()),
        ("hashes", Value::Object(hashes)),
        (
            "licenses",
            object(vec![
                ("declared", combine(declared)),
                ("concluded", combine(concluded)),
            ]),
        ),
    ])
}

/// Several licence entries of one kind apply together: their choices are ANDed.
fn combine(parts: Vec<(String, Licensing, bool)>) -> Value {
    if parts.is_empty() {
        return Value::Null;
    }
    let expression = if parts.len() == 1 {
        parts[0].0.clone()
    } else {
        parts
            .iter()
            .map(|(text, _, _)| {
                if text.contains(' ') {
                    format!("({text})")
                } else {
                    text.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    if parts.len() == 1 {
        let (_, licensing, _) = &parts[0];
        return licensing.to_value(&expression);
    }
    let named = parts.iter().any(|(_, _, named)| *named);
    let mut choice_sets: Vec<Vec<Choice>> = Vec::with_capacity(parts.len());
    for (_, licensing, _) in &parts {
        match licensing {
            Licensing::Expression(choices) | Licensing::Name(choices) => {
                choice_sets.push(choices.clone())
            }
            Licensing::Invalid(reason) => {
                return Licensing::Invalid(reason.clone()).to_value(&expression);
            }
            // NOASSERTION or NONE beside real licences adds nothing to choose from.
            Licensing::NoAssertion | Licensing::None => {}
        }
    }
    let combined = match license::all_of(&choice_sets) {
        Ok(choices) if named => Licensing::Name(choices),
        Ok(choices) => Licensing::Expression(choices),
        Err(reason) => Licensing::Invalid(reason),
    };
    combined.to_value(&expression)
}

/// Where a field of a normalised package is in a CycloneDX component.
pub fn package_field(source: &Value, rest: &[PathSegment]) -> Vec<PathSegment> {
    let key = |k: &str| vec![PathSegment::Key(k.to_string())];
    let Some(PathSegment::Key(field)) = rest.first() else {
        return Vec::new();
    };
    match field.as_str() {
        "id" => key("bom-ref"),
        "supplier" => ["supplier", "publisher", "manufacturer"]
            .into_iter()
            .find(|k| source.get(k).is_some())
            .map(key)
            .unwrap_or_default(),
        "purl" | "purl_base" => key("purl"),
        "cpes" => key("cpe"),
        "type" | "name" | "group" | "version" | "hashes" | "licenses" => key(field),
        _ => Vec::new(),
    }
}

/// Where a document-level field of the normalised shape is in a CycloneDX BOM.
pub fn document_field(field: &str) -> Vec<PathSegment> {
    let keys: &[&str] = match field {
        "spec_version" => &["specVersion"],
        "identifier" => &["serialNumber"],
        "name" => &["metadata", "component", "name"],
        "created" => &["metadata", "timestamp"],
        "authors" => &["metadata", "authors"],
        "tools" => &["metadata", "tools"],
        "describes" => &["metadata", "component"],
        _ => &[],
    };
    keys.iter()
        .map(|k| PathSegment::Key(k.to_string()))
        .collect()
}
