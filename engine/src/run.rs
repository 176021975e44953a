//! A whole `tollgate test` run: inputs parsed and checked in parallel (each file dropped
//! once checked), then the checks that need several documents at once: `--combine`,
//! Terraform modules, sets of Kubernetes objects, and Gatekeeper constraints (which see
//! every object of the run as `data.inventory`).

use rayon::prelude::*;
use serde_json::Value;

use crate::check::{self, COMBINED, CombinedSubject};
use crate::gatekeeper::{self, Library};
use crate::input::{self, Format, InputFile, InputKind};
use crate::limits::Limits;
use crate::policy::{Namespace, PolicySet};
use crate::report::{CheckResult, FileError, Report};
use crate::terraform;

/// The results of one input (or why it could not be checked).
type Checked = Result<Vec<CheckResult>, FileError>;

/// A check that needs the documents of every file, run once all are read.
enum WholeRunCheck<'a> {
    Plan(terraform::Plan<'a>),
    /// One set policy (by its index among the set namespaces) over every Kubernetes
    /// object of the run (their combined input).
    SetPolicy(usize, &'a Value),
}

/// A file to check and the parser for it.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: String,
    pub format: Format,
}

/// Checks every target against the namespaces; results in target order.
pub fn check_targets(
    policies: &PolicySet,
    namespaces: &[Namespace],
    targets: &[Target],
    limits: &Limits,
    combine: bool,
) -> Report {
    check_targets_with(policies, namespaces, targets, limits, combine, None)
}

/// [`check_targets`], and the Kubernetes objects of all targets against Gatekeeper
/// constraints when a library of them is given.
pub fn check_targets_with(
    policies: &PolicySet,
    namespaces: &[Namespace],
    targets: &[Target],
    limits: &Limits,
    combine: bool,
    gatekeeper: Option<&Library>,
) -> Report {
    let load = |target: &Target| {
        input::load(&target.path, target.format, limits).map_err(|e| FileError {
            file: e.path,
            position: e.error.position,
            message: e.error.message,
        })
    };
    let mut report = Report::default();
    if combine {
        let mut files = Vec::with_capacity(targets.len());
        for result in targets.par_iter().map(load).collect::<Vec<_>>() {
            match result {
                Ok(file) => files.push(file),
                Err(error) => report.errors.push(error),
            }
        }
        collect(
            &mut report,
            check::check_combined(policies, namespaces, &files),
        );
        if let Some(library) = gatekeeper {
            audit(&mut report, library, &files);
        }
        return report;
    }
    let aggregate = |kind: InputKind| -> Vec<Namespace> {
        namespaces
            .iter()
            .filter(|n| n.input == Some(kind))
            .cloned()
            .collect()
    };
    let (modules, sets) = (
        aggregate(InputKind::Terraform),
        aggregate(InputKind::KubernetesSet),
    );
    let keep = |file: &InputFile| {
        let kinds = || {
            file.documents
                .iter()
                .map(|d| InputKind::of(file.format, &d.value))
        };
        (!modules.is_empty() && (is_terraform_source(file) || is_plan(file)))
            || ((!sets.is_empty() || gatekeeper.is_some())
                && kinds().any(|k| k == Some(InputKind::Kubernetes)))
    };
    let check_one = |target: &Target| match load(target) {
        Ok(file) => {
            let results = check::check_file(policies, namespaces, &file);
            (results, keep(&file).then_some(file))
        }
        Err(error) => (Err(error), None),
    };
    // Terraform modules are checked as soon as their files are read, beside the other
    // files rather than after them: one module is one long evaluation.
    let feeds_module = |target: &Target| {
        !modules.is_empty() && target.format == Format::Hcl2 && target.path.ends_with(".tf")
    };
    let (module_targets, other_targets): (Vec<_>, Vec<_>) = targets
        .iter()
        .enumerate()
        .partition(|(_, t)| feeds_module(t));
    let check_all = |targets: Vec<(usize, &Target)>| -> Vec<(usize, Checked, Option<InputFile>)> {
        targets
            .into_par_iter()
            .map(|(index, target)| {
                let (results, file) = check_one(target);
                (index, results, file)
            })
            .collect()
    };
    let ((mut checked, module_results), others) = rayon::join(
        || {
            let checked = check_all(module_targets);
            let module_list =
                terraform::modules(checked.iter().filter_map(|(_, _, file)| file.as_ref()));
            let results: Vec<Checked> = module_list
                .par_iter()
                .map(|module| {
                    check::check_input(policies, &modules, &module.input, module, &module.dir)
                })
                .collect();
            (checked, results)
        },
        || check_all(other_targets),
    );
    checked.extend(others);
    checked.sort_unstable_by_key(|(index, _, _)| *index);
    let mut kept = Vec::new();
    for (_, results, file) in checked {
        collect(&mut report, results);
        kept.extend(file);
    }
    for results in module_results {
        collect(&mut report, results);
    }
    // The checks that need every file, each on its own thread: plans, and each set policy
    // (one long evaluation each).
    let subject = CombinedSubject::new(&kept, |file, index| {
        InputKind::of(file.format, &file.documents[index].value) == Some(InputKind::Kubernetes)
    });
    let set_input = (!sets.is_empty() && !subject.is_empty()).then(|| subject.input());
    let mut jobs: Vec<WholeRunCheck> = Vec::new();
    if !modules.is_empty() {
        for file in kept.iter().filter(|f| is_plan(f)) {
            jobs.extend(
                terraform::Plan::all_in(file)
                    .into_iter()
                    .map(WholeRunCheck::Plan),
            );
        }
    }
    if let Some(input) = &set_input {
        jobs.extend((0..sets.len()).map(|i| WholeRunCheck::SetPolicy(i, input)));
    }
    let results: Vec<Checked> = jobs
        .par_iter()
        .map(|job| match job {
            WholeRunCheck::Plan(plan) => {
                check::check_input(policies, &modules, &plan.input, plan, plan.path())
            }
            WholeRunCheck::SetPolicy(i, input) => {
                check::check_input(policies, &sets[*i..=*i], input, &subject, COMBINED)
            }
        })
        .collect();
    for results in results {
        collect(&mut report, results);
    }
    if let Some(library) = gatekeeper {
        audit(&mut report, library, &kept);
    }
    report
}

fn audit(report: &mut Report, library: &Library, files: &[InputFile]) {
    let (results, errors) = gatekeeper::audit::audit(library, files);
    report.results.extend(results);
    report.errors.extend(errors);
}

fn is_terraform_source(file: &InputFile) -> bool {
    file.format == Format::Hcl2 && file.path.ends_with(".tf")
}

fn is_plan(file: &InputFile) -> bool {
    matches!(file.format, Format::Json | Format::Yaml)
        && file
            .documents
            .iter()
            .any(|d| input::is_terraform_plan(&d.value))
}

fn collect(report: &mut Report, results: Checked) {
    match results {
        Ok(results) => report.results.extend(results),
        Err(error) => report.errors.push(error),
    }
}
