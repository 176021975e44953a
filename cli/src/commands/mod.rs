pub mod parse;
pub mod test;
pub mod verify;

use anyhow::{Context, Result};
use tollgate_engine::policy::{PolicyOptions, PolicySet, RegoVersion};
use tollgate_engine::static_checks;

use crate::args::PolicyArgs;

/// Loads policies and data as the flags say, prepared for evaluation.
pub fn load_policies(args: &PolicyArgs, options: PolicyOptions) -> Result<PolicySet> {
    let options = PolicyOptions {
        rego_version: RegoVersion::from_name(&args.rego_version)?,
        strict_builtin_errors: args.show_builtin_errors,
        ..options
    };
    let mut policies = PolicySet::load(&args.policy, &options)?;
    if args.strict {
        static_checks::check_strict(&policies.files)?;
    }
    if let Some(path) = &args.capabilities {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read capabilities file {}", path.display()))?;
        let capabilities: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{}: invalid JSON", path.display()))?;
        static_checks::check_capabilities(
            &policies.files,
            &path.display().to_string(),
            &capabilities,
        )?;
    }
    let mut data = args.data.clone();
    if data.is_empty() {
        // Like conftest, a `data` directory inside a policy directory is loaded by default.
        data.extend(
            args.policy
                .iter()
                .map(|p| p.join("data"))
                .filter(|p| p.is_dir()),
        );
    }
    policies.add_data(&data, &options.limits)?;
    policies.prepare()?;
    Ok(policies)
}
