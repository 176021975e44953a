//! Checking an SBOM: its validation findings as a result of their own (one test per
//! code), then the policies over the normalised shape, with every finding placed on the
//! line of the original element.

use std::collections::{BTreeSet, HashSet};

use serde_json::{Map, json};

use super::diagnostics::{Code, path_value};
use super::{Normalized, Sbom};
use crate::check::{Subject, check_input, check_input_each};
use crate::input::{InputFile, PathSegment};
use crate::policy::{Namespace, PolicySet};
use crate::report::{CheckResult, FileError, Finding, Location};

/// From this many packages an SBOM's policies run side by side, one task each.
const PARALLEL_PACKAGES: usize = 1_000;

/// The namespace validation findings are reported under.
pub const VALIDATION_NAMESPACE: &str = "tollgate.sbom.validation";

/// Places policy findings of an SBOM file on the original element's line.
pub struct SbomSubject<'a> {
    pub sbom: &'a Sbom,
}

impl Subject for SbomSubject<'_> {
    fn locate(&self, path: &[PathSegment]) -> Location {
        let source = self
            .sbom
            .normalized
            .source_path(&self.sbom.file.value, path);
        Location {
            file: self.sbom.file.path.clone(),
            position: self.sbom.file.locate(&source),
        }
    }

    fn ignored(&self, _path: &[PathSegment], _id: &str) -> Option<String> {
        None
    }
}

/// Places findings over a normalised document of a file `tollgate test` parsed (JSON or
/// YAML with `spdxVersion` / `bomFormat`) on the original element's line.
pub struct InputFileSubject<'a> {
    pub file: &'a InputFile,
    pub index: usize,
    pub normalized: &'a Normalized,
}

impl Subject for InputFileSubject<'_> {
    fn locate(&self, path: &[PathSegment]) -> Location {
        let source = self
            .file
            .documents
            .get(self.index)
            .map(|d| self.normalized.source_path(&d.value, path))
            .unwrap_or_default();
        Location {
            file: self.file.path.clone(),
            position: self.file.locate(self.index, &source),
        }
    }

    fn ignored(&self, _path: &[PathSegment], _id: &str) -> Option<String> {
        None
    }
}

/// The validation findings of an SBOM as one result: errors are failures, warnings are
/// warnings, codes in `skip` are exceptions; every code without a finding is a success.
pub fn validation_result(sbom: &Sbom, skip: &BTreeSet<String>) -> CheckResult {
    let mut result = CheckResult {
        file: sbom.file.path.clone(),
        namespace: VALIDATION_NAMESPACE.into(),
        ..CheckResult::default()
    };
    let mut fired = HashSet::new();
    for diagnostic in sbom.diagnostics() {
        let code = diagnostic.code;
        fired.insert(code);
        let position = diagnostic
            .position
            .unwrap_or_else(|| sbom.file.locate(&diagnostic.path));
        let mut metadata = Map::new();
        metadata.insert("id".into(), json!(code.id()));
        metadata.insert("title".into(), json!(code.title()));
        metadata.insert(
            "severity".into(),
            json!(if code.is_error() { "deny" } else { "warn" }),
        );
        metadata.insert("remediation".into(), json!(code.remediation()));
        if diagnostic.position.is_none() {
            metadata.insert("path".into(), path_value(&diagnostic.path));
        }
        let finding = Finding {
            message: diagnostic.message.clone(),
            metadata,
            explicit_location: None,
            location: Location {
                file: sbom.file.path.clone(),
                position,
            },
        };
        if skip.contains(code.id()) {
            let mut exception = finding;
            exception.message = format!("{} (skipped: {})", exception.message, code.id());
            result.exceptions.push(exception);
        } else if code.is_error() {
            result.failures.push(finding);
        } else {
            result.warnings.push(finding);
        }
    }
    result.successes = Code::ALL.iter().filter(|c| !fired.contains(c)).count();
    result
}

/// Validation, then every namespace over the normalised shape (data such as
/// `tollgate.sbom.denied_licenses` comes from the policy set).
pub fn check_sbom(
    policies: &PolicySet,
    namespaces: &[Namespace],
    sbom: &Sbom,
    skip: &BTreeSet<String>,
) -> Result<Vec<CheckResult>, FileError> {
    let mut results = vec![validation_result(sbom, skip)];
    if namespaces.is_empty() {
        return Ok(results);
    }
    let subject = SbomSubject { sbom };
    let input = &sbom.normalized.value;
    let label = &sbom.file.path;
    let policy_results = if sbom.normalized.package_count() < PARALLEL_PACKAGES {
        check_input(policies, namespaces, input, &subject, label)?
    } else {
        check_input_each(policies, namespaces, input, &subject, label)?
    };
    results.extend(policy_results);
    Ok(results)
}

/// [`check_sbom`] for a caller done with the SBOM once it has the results: a large
/// SBOM's documents (the source, the normalised shape, their source maps: a few hundred
/// MiB for 10,000 packages) are freed on the thread pool, after the results are
/// returned rather than before.
pub fn check_sbom_and_free(
    policies: &PolicySet,
    namespaces: &[Namespace],
    sbom: Sbom,
    skip: &BTreeSet<String>,
) -> Result<Vec<CheckResult>, FileError> {
    let results = check_sbom(policies, namespaces, &sbom, skip);
    if sbom.normalized.package_count() >= PARALLEL_PACKAGES {
        rayon::spawn(move || drop(sbom));
    }
    results
}

/// A validation code named in `--skip` (`SBOM001`...).
pub fn is_validation_code(id: &str) -> bool {
    Code::ALL.iter().any(|c| c.id() == id)
}
