//! `tollgate test` over templates and constraints: every Kubernetes object of the run is
//! reviewed (as Gatekeeper's audit reviews a cluster) with all of them as
//! `data.inventory`; findings name the constraint (`Kind/name`) and the object.

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use super::constraint::enforcement_point;
use super::input::review_of_object;
use super::inventory::Inventory;
use super::{DocumentRole, EnforcementAction, Library, Outcome, Prepared, metadata_str, role_of};
use crate::input::{InputFile, InputKind};
use crate::report::{CheckResult, FileError, Finding, Location};

/// Whether a document is an object Gatekeeper would review (not a template or constraint).
pub fn is_reviewed(file: &InputFile, index: usize) -> bool {
    let value = &file.documents[index].value;
    InputKind::of(file.format, value) == Some(InputKind::Kubernetes)
        && role_of(value) == DocumentRole::Other
}

/// Reviews the objects of `files`; one result per file and matching constraint.
pub fn audit(library: &Library, files: &[InputFile]) -> (Vec<CheckResult>, Vec<FileError>) {
    let mut errors = Vec::new();
    let mut inventory = Inventory::default();
    for file in files {
        for index in (0..file.documents.len()).filter(|&i| is_reviewed(file, i)) {
            if let Err(message) = inventory.add(&file.documents[index].value) {
                errors.push(file_error(file, index, message));
            }
        }
    }
    let prepared = match library.prepare(inventory) {
        Ok(prepared) => prepared,
        Err(error) => {
            errors.push(FileError {
                file: error.file,
                position: None,
                message: error.message,
            });
            return (Vec::new(), errors);
        }
    };
    // Objects are reviewed in parallel (a run is often one big file), then gathered per file.
    let objects: Vec<(usize, usize)> = files
        .iter()
        .enumerate()
        .flat_map(|(f, file)| {
            (0..file.documents.len())
                .filter(move |&i| is_reviewed(file, i))
                .map(move |i| (f, i))
        })
        .collect();
    let mut reviewed: Vec<Vec<(usize, Reviewed)>> = files.iter().map(|_| Vec::new()).collect();
    let outcomes: Vec<Reviewed> = objects
        .par_iter()
        .map(|&(f, i)| {
            review_of_object(&files[f].documents[i].value)
                .and_then(|review| prepared.review(&review, enforcement_point::GATOR))
        })
        .collect();
    for (&(f, i), outcome) in objects.iter().zip(outcomes) {
        reviewed[f].push((i, outcome));
    }
    let per_file: Vec<(Vec<CheckResult>, Vec<FileError>)> = files
        .iter()
        .zip(reviewed)
        .map(|(file, reviewed)| gather(&prepared, file, reviewed))
        .collect();
    let mut results = Vec::new();
    for (file_results, file_errors) in per_file {
        results.extend(file_results);
        errors.extend(file_errors);
    }
    (results, errors)
}

/// The outcomes of reviewing one object.
type Reviewed<'a> = Result<Vec<Outcome<'a>>, String>;

/// One file's results: a result per constraint that matched one of its objects.
fn gather(
    prepared: &Prepared,
    file: &InputFile,
    reviewed: Vec<(usize, Reviewed)>,
) -> (Vec<CheckResult>, Vec<FileError>) {
    let mut results: Vec<Option<CheckResult>> = vec![None; prepared.constraints().len()];
    let mut errors = Vec::new();
    for (index, outcomes) in reviewed {
        let object = &file.documents[index].value;
        let outcomes = match outcomes {
            Ok(outcomes) => outcomes,
            Err(message) => {
                errors.push(file_error(file, index, message));
                continue;
            }
        };
        let location = Location {
            file: file.path.clone(),
            position: file.locate(index, &[]),
        };
        for outcome in outcomes {
            let Some(slot) = results.get_mut(outcome.index) else {
                continue;
            };
            let constraint = outcome.constraint;
            let result = slot.get_or_insert_with(|| CheckResult {
                file: file.path.clone(),
                namespace: constraint.label(),
                ..CheckResult::default()
            });
            if outcome.violations.is_empty() {
                result.successes += 1;
            }
            for violation in outcome.violations {
                let mut metadata = Map::new();
                metadata.insert("query".into(), Value::from(constraint.label()));
                metadata.insert(
                    "constraint".into(),
                    json!({"kind": constraint.kind, "name": constraint.name}),
                );
                metadata.insert(
                    "enforcementAction".into(),
                    Value::from(outcome.action.name()),
                );
                if !violation.details.is_null() {
                    metadata.insert("details".into(), violation.details);
                }
                let described = format!("{}: {}", describe(object), violation.msg);
                let finding = |message: String| Finding {
                    message,
                    metadata,
                    explicit_location: None,
                    location: location.clone(),
                };
                match outcome.action {
                    EnforcementAction::Deny => result.failures.push(finding(described)),
                    EnforcementAction::Warn => result.warnings.push(finding(described)),
                    EnforcementAction::Dryrun => result
                        .exceptions
                        .push(finding(format!("dryrun: {described}"))),
                }
            }
        }
    }
    (results.into_iter().flatten().collect(), errors)
}

/// `Kind namespace/name`, or `Kind name` for cluster-scoped objects.
fn describe(object: &Value) -> String {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = metadata_str(object, "name").unwrap_or("");
    match metadata_str(object, "namespace").filter(|n| !n.is_empty()) {
        Some(namespace) => format!("{kind} {namespace}/{name}"),
        None => format!("{kind} {name}"),
    }
}

fn file_error(file: &InputFile, index: usize, message: String) -> FileError {
    FileError {
        file: file.path.clone(),
        position: Some(file.locate(index, &[])),
        message,
    }
}
