pub mod blob;
pub mod gator;
pub mod image;
pub mod parse;
pub mod policies;
pub mod sbom;
pub mod sign;
pub mod test;
pub mod verify;
pub mod webhook;

use std::path::PathBuf;

use anyhow::{Context, Result};
use serde_json::json;
use tollgate_engine::gatekeeper::Library;
use tollgate_engine::policy::{
    self, Namespace, PolicyError, PolicyFile, PolicyOptions, PolicySet, RegoVersion,
};
use tollgate_engine::static_checks;

use crate::args::{BundledArgs, PolicyArgs};

/// Policies as loaded for a run, and whether the bundled ones are among them.
pub struct Loaded {
    pub policies: PolicySet,
    pub bundled: bool,
    /// Gatekeeper ConstraintTemplates and Constraints found among the policy paths.
    pub gatekeeper: Library,
}

/// Loads the user's policies (`--policy`, else `policy/` when it exists) and the bundled
/// ones (with `--bundled`, or when there are no user policies), prepared for evaluation.
pub fn load_policies(
    args: &PolicyArgs,
    options: PolicyOptions,
    with_tests: bool,
) -> Result<Loaded> {
    let options = PolicyOptions {
        rego_version: RegoVersion::from_name(&args.rego_version)?,
        strict_builtin_errors: args.show_builtin_errors,
        ..options
    };
    let user_paths: Vec<PathBuf> = if args.policy.is_empty() {
        Some(PathBuf::from("policy"))
            .filter(|p| p.is_dir())
            .into_iter()
            .collect()
    } else {
        args.policy.clone()
    };
    let bundled = args.bundled || user_paths.is_empty();
    let gatekeeper = Library::load(&user_paths, &options.limits)?;
    // A YAML file given as a policy is a Gatekeeper source, not Rego.
    let rego_paths: Vec<PathBuf> = user_paths
        .iter()
        .filter(|p| !(p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml")))
        .cloned()
        .collect();
    let mut files = match policy::read_files(&rego_paths) {
        _ if user_paths.is_empty() => Vec::new(),
        // Templates and constraints alone are policies enough.
        Err(PolicyError::NoPolicies(_)) if !gatekeeper.is_empty() => Vec::new(),
        result => result?,
    };
    if args.strict {
        static_checks::check_strict(&files)?;
    }
    if let Some(path) = &args.capabilities {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read capabilities file {}", path.display()))?;
        let capabilities: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{}: invalid JSON", path.display()))?;
        static_checks::check_capabilities(&files, &path.display().to_string(), &capabilities)?;
    }
    if bundled {
        files.extend(bundled_files(with_tests));
    }
    let mut policies = PolicySet::from_sources(files, &options)?;
    let mut data = args.data.clone();
    if data.is_empty() {
        // Like conftest, a `data` directory inside a policy directory is loaded by default.
        data.extend(
            user_paths
                .iter()
                .map(|p| p.join("data"))
                .filter(|p| p.is_dir()),
        );
    }
    policies.add_data(&data, &options.limits)?;
    Ok(Loaded {
        policies,
        bundled,
        gatekeeper,
    })
}

fn bundled_files(with_tests: bool) -> Vec<PolicyFile> {
    let tests: &[(&str, &str)] = if with_tests {
        tollgate_policies::TESTS
    } else {
        &[]
    };
    tollgate_policies::POLICIES
        .iter()
        .chain(tests)
        .map(|(path, source)| PolicyFile {
            path: format!("{}{path}", tollgate_policies::SOURCE_PREFIX),
            source: (*source).to_string(),
        })
        .collect()
}

/// A namespace of the bundled catalogue: an annotated package of a bundled file.
pub fn is_bundled(namespace: &Namespace) -> bool {
    namespace
        .annotations
        .as_ref()
        .and_then(|a| a.id())
        .is_some()
        && namespace
            .files
            .iter()
            .any(|f| f.starts_with(tollgate_policies::SOURCE_PREFIX))
}

/// Applies `--pss`, `--only`, `--skip` and `--k8s-version` to the bundled policies and
/// returns the bundled namespaces to run.
pub fn select_bundled(policies: &mut PolicySet, args: &BundledArgs) -> Result<Vec<Namespace>> {
    let known: Vec<&str> = policies
        .namespaces
        .iter()
        .filter(|n| is_bundled(n))
        .filter_map(|n| n.annotations.as_ref()?.id())
        .collect();
    for id in args.only.iter().chain(&args.skip) {
        if !known.contains(&id.as_str()) {
            anyhow::bail!(
                "unknown policy id {id:?} in --only/--skip (see `tollgate policies list`)"
            );
        }
    }
    if let Some(version) = &args.k8s_version {
        let valid = version
            .trim_start_matches('v')
            .split_once('.')
            .is_some_and(|(major, minor)| major == "1" && minor.parse::<u32>().is_ok());
        if !valid {
            anyhow::bail!("invalid --k8s-version {version:?} (expected 1.NN, e.g. 1.30)");
        }
        policies
            .add_data_value(json!({"tollgate": {"options": {"k8s_version": version}}}))
            .map_err(anyhow::Error::msg)?;
    }
    policies.skip = args.skip.iter().cloned().collect();
    Ok(policies
        .namespaces
        .iter()
        .filter(|n| is_bundled(n))
        .filter(|n| {
            let id = n
                .annotations
                .as_ref()
                .and_then(|a| a.id())
                .unwrap_or_default();
            let level_ok = args.pss == "restricted" || !id.starts_with("k8s.pss.restricted.");
            level_ok && (args.only.is_empty() || args.only.iter().any(|o| o == id))
        })
        .cloned()
        .collect())
}
