//! The `index` of the normalised shape: where the packages are that a rule looks for, so
//! that a policy visits the few packages it is about rather than every one of 10,000
//! (Rego interpretation costs microseconds per package and statement). It only groups
//! and lists positions in `packages`; the policies still judge every package they visit,
//! and compute the same index themselves from `packages` when an input has none (their
//! unit tests).

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::PARALLEL_CHUNK;

/// The index of a normalised document (`packages`, `relationships` and `describes`
/// already built):
///
/// - `purl_bases`: package URL base, lower case and with `%40` read as `@` (as deny
///   lists compare them) → positions of the packages;
/// - `licenses`: `[{licenses, packages}]`, the packages grouped by their identical
///   `licenses` value (an SBOM repeats a few licenses over thousands of packages);
/// - `missing`: positions of the packages without `supplier`, `name`, `version`, and
///   without an `identifier` (neither a package URL nor a CPE);
/// - `unrelated`: positions of the packages whose id is in no relationship and not
///   described by the document.
pub fn build(document: &Value) -> Value {
    let packages = list(document, "packages");
    // What each package is looked up by is worked out on every core; the groups are then
    // assembled in document order.
    let (related, facts) = rayon::join(
        || related_ids(document),
        || {
            packages
                .par_iter()
                .with_min_len(PARALLEL_CHUNK)
                .map(Facts::of)
                .collect::<Vec<_>>()
        },
    );
    let mut purl_bases = Map::new();
    let mut license_groups: Vec<(&Value, Vec<usize>)> = Vec::new();
    let mut license_slots: HashMap<LicenseKey<'_>, Vec<usize>> = HashMap::new();
    let mut missing: [(&str, Vec<usize>); 4] = MISSING_FIELDS.map(|field| (field, Vec::new()));
    let mut unrelated = Vec::new();
    for (position, facts) in facts.into_iter().enumerate() {
        if let Some(base) = facts.purl_base
            && let Value::Array(positions) = purl_bases
                .entry(base)
                .or_insert_with(|| Value::Array(Vec::new()))
        {
            positions.push(position.into());
        }
        let slots = license_slots.entry(facts.license_key).or_default();
        match slots
            .iter()
            .find(|&&slot| license_groups[slot].0 == facts.licenses)
        {
            Some(&slot) => license_groups[slot].1.push(position),
            None => {
                slots.push(license_groups.len());
                license_groups.push((facts.licenses, vec![position]));
            }
        }
        for ((_, positions), lacking) in missing.iter_mut().zip(facts.missing) {
            if lacking {
                positions.push(position);
            }
        }
        if !facts.id.is_some_and(|id| related.contains(id)) {
            unrelated.push(position);
        }
    }
    let positions = |list: Vec<usize>| Value::Array(list.into_iter().map(Value::from).collect());
    let mut index = Map::new();
    index.insert("purl_bases".into(), Value::Object(purl_bases));
    index.insert(
        "licenses".into(),
        Value::Array(
            license_groups
                .into_iter()
                .map(|(licenses, list)| {
                    let mut group = Map::new();
                    group.insert("licenses".into(), licenses.clone());
                    group.insert("packages".into(), positions(list));
                    Value::Object(group)
                })
                .collect(),
        ),
    );
    index.insert(
        "missing".into(),
        Value::Object(
            missing
                .into_iter()
                .map(|(field, list)| (field.to_string(), positions(list)))
                .collect(),
        ),
    );
    index.insert("unrelated".into(), positions(unrelated));
    Value::Object(index)
}

/// The fields `missing` lists packages without, `identifier` being a package URL or a CPE.
const MISSING_FIELDS: [&str; 4] = ["supplier", "name", "version", "identifier"];

/// What the index reads of one package.
struct Facts<'a> {
    purl_base: Option<String>,
    licenses: &'a Value,
    license_key: LicenseKey<'a>,
    /// Whether each of [`MISSING_FIELDS`] is missing.
    missing: [bool; 4],
    id: Option<&'a str>,
}

impl<'a> Facts<'a> {
    fn of(package: &'a Value) -> Self {
        let text = |field: &str| package.get(field).is_some_and(Value::is_string);
        let identified = text("purl")
            || package
                .get("cpes")
                .and_then(Value::as_array)
                .is_some_and(|cpes| !cpes.is_empty());
        let licenses = package.get("licenses").unwrap_or(&Value::Null);
        Self {
            purl_base: package
                .get("purl_base")
                .and_then(Value::as_str)
                .map(canonical_purl),
            licenses,
            license_key: license_key(licenses),
            missing: MISSING_FIELDS.map(|field| match field {
                "identifier" => !identified,
                other => !text(other),
            }),
            id: package.get("id").and_then(Value::as_str),
        }
    }
}

/// The expression and kind of both licenses: packages with equal keys nearly always have
/// equal licenses, which are then compared whole.
type LicenseKey<'a> = [Option<&'a str>; 4];

fn license_key(licenses: &Value) -> LicenseKey<'_> {
    let text = |field: &str, key: &str| licenses.get(field)?.get(key)?.as_str();
    [
        text("declared", "expression"),
        text("declared", "kind"),
        text("concluded", "expression"),
        text("concluded", "kind"),
    ]
}

/// `pkg:NPM/%40Scope/Name` and `pkg:npm/@scope/name` are one key (`canonical_purl` of
/// the Rego library).
fn canonical_purl(purl: &str) -> String {
    purl.to_lowercase().replace("%40", "@")
}

fn list<'a>(document: &'a Value, key: &str) -> &'a [Value] {
    document
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Every id on either side of a relationship or described by the document.
fn related_ids(document: &Value) -> HashSet<&str> {
    let ends = list(document, "relationships")
        .iter()
        .flat_map(|r| [r.get("from"), r.get("to")])
        .flatten();
    ends.chain(list(document, "describes"))
        .filter_map(Value::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn groups_positions_by_what_policies_look_up() {
        let mit = json!({"declared": {"expression": "MIT", "kind": "expression", "choices": [[{"license": "MIT"}]]}, "concluded": null});
        let none = json!({"declared": null, "concluded": null});
        let document = json!({
            "packages": [
                {"id": "a", "name": "a", "version": "1", "supplier": "S", "purl": "pkg:npm/%40s/a@1",
                 "purl_base": "pkg:npm/%40s/a", "cpes": [], "licenses": mit},
                {"id": "b", "name": null, "version": null, "supplier": null, "purl": null,
                 "purl_base": null, "cpes": ["cpe:2.3:a:x:b:1:*:*:*:*:*:*:*"], "licenses": none},
                {"id": "c", "name": "c", "version": "2", "supplier": null, "purl": "pkg:NPM/@S/A@2",
                 "purl_base": "pkg:NPM/@S/A", "cpes": [], "licenses": mit},
                {"id": "d", "name": "d", "version": "3", "supplier": "S", "purl": null,
                 "purl_base": null, "cpes": [], "licenses": none},
            ],
            "relationships": [{"from": "a", "type": "DEPENDS_ON", "to": "b"}],
            "describes": ["c"],
        });
        assert_eq!(
            build(&document),
            json!({
                "purl_bases": {"pkg:npm/@s/a": [0, 2]},
                "licenses": [{"licenses": mit, "packages": [0, 2]}, {"licenses": none, "packages": [1, 3]}],
                "missing": {"supplier": [1, 2], "name": [1], "version": [1], "identifier": [3]},
                "unrelated": [3],
            })
        );
        assert_eq!(
            build(&json!({"format": "spdx"})),
            json!({"purl_bases": {}, "licenses": [], "missing": {"supplier": [], "name": [], "version": [], "identifier": []}, "unrelated": []})
        );
    }
}
