//! A whole `tollgate test` run: inputs parsed and checked in parallel (each file dropped
//! once checked), then the checks that need several documents at once: `--combine`,
//! Terraform modules, sets of Kubernetes objects, and Gatekeeper constraints (which see
//! every object of the run as `data.inventory`).

use rayon::prelude::*;

use crate::check::{self, COMBINED, CombinedSubject};
use crate::gatekeeper::{self, Library};
use crate::input::{self, Format, InputFile, InputKind};
use crate::limits::Limits;
use crate::policy::{Namespace, PolicySet};
use crate::report::{CheckResult, FileError, Report};
use crate::terraform;

/// The results of one input (or why it could not be checked).
type Checked = Result<Vec<CheckResult>, FileError>;

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
    let check_each = |indices: &[usize]| -> Vec<(usize, Checked, Option<InputFile>)> {
        indices
            .par_iter()
            .map(|&index| match load(&targets[index]) {
                Ok(file) => {
                    let results = check::check_file(policies, namespaces, &file);
                    (index, results, keep(&file).then_some(file))
                }
                Err(error) => (index, Err(error), None),
            })
            .collect()
    };
    let (module_targets, other_targets): (Vec<usize>, Vec<usize>) =
        (0..targets.len()).partition(|&i| {
            !modules.is_empty()
                && targets[i].format == Format::Hcl2
                && targets[i].path.ends_with(".tf")
        });
    // A Terraform module, and the set of Kubernetes objects, is one evaluation on one
    // thread: each starts once its own files are read, beside the checks of the others.
    let ((module_checked, module_results), (mut checked, kept, other_results)) = rayon::join(
        || {
            let checked = check_each(&module_targets);
            let files = checked.iter().filter_map(|(_, _, file)| file.as_ref());
            let results: Vec<Checked> = terraform::modules(files)
                .iter()
                .map(|module| {
                    check::check_input(policies, &modules, &module.input, module, &module.dir)
                })
                .collect();
            (checked, results)
        },
        || {
            let mut checked = check_each(&other_targets);
            let kept: Vec<InputFile> = checked
                .iter_mut()
                .filter_map(|(_, _, f)| f.take())
                .collect();
            let mut results: Vec<Checked> = Vec::new();
            if !modules.is_empty() {
                for file in kept.iter().filter(|f| is_plan(f)) {
                    for plan in terraform::Plan::all_in(file) {
                        results.push(check::check_input(
                            policies,
                            &modules,
                            &plan.input,
                            &plan,
                            &file.path,
                        ));
                    }
                }
            }
            if !sets.is_empty() {
                let subject = CombinedSubject::new(&kept, |file, index| {
                    InputKind::of(file.format, &file.documents[index].value)
                        == Some(InputKind::Kubernetes)
                });
                if !subject.is_empty() {
                    let input = subject.input();
                    results.push(check::check_input(
                        policies, &sets, &input, &subject, COMBINED,
                    ));
                }
            }
            (checked, kept, results)
        },
    );
    checked.extend(module_checked);
    checked.sort_by_key(|(index, _, _)| *index);
    for (_, results, _) in checked {
        collect(&mut report, results);
    }
    for results in module_results.into_iter().chain(other_results) {
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
