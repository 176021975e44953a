pub mod parse;
pub mod test;
pub mod verify;

use anyhow::Result;
use tollgate_engine::policy::{PolicyOptions, PolicySet, RegoVersion};

use crate::args::PolicyArgs;

/// Loads policies and data as the flags say, prepared for evaluation.
pub fn load_policies(args: &PolicyArgs, options: PolicyOptions) -> Result<PolicySet> {
    let options = PolicyOptions {
        rego_version: RegoVersion::from_name(&args.rego_version)?,
        strict_builtin_errors: args.show_builtin_errors,
        ..options
    };
    let mut policies = PolicySet::load(&args.policy, &options)?;
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
