//! `tollgate webhook serve` and `tollgate webhook manifests`: the admission webhook of the
//! `tollgate-webhook` crate, with policies loaded exactly as `tollgate test` loads them.

use std::io::Write;
use std::sync::Arc;

use anyhow::{Context, Result};
use tollgate_engine::limits::Limits;
use tollgate_engine::policy::{Namespace, PolicyOptions};
use tollgate_webhook::config::PoliciesConfig;
use tollgate_webhook::manifests::{self, DeployedConfig, ManifestOptions};
use tollgate_webhook::policies::LoadedPolicies;

use crate::args::{BundledArgs, PolicyArgs, WebhookArgs, WebhookCommand, WebhookManifestsArgs};

pub fn run(args: &WebhookArgs) -> Result<u8> {
    match &args.command {
        WebhookCommand::Serve { config } => serve(config),
        WebhookCommand::Manifests(args) => print_manifests(args),
    }
}

fn serve(config: &std::path::Path) -> Result<u8> {
    tollgate_webhook::audit::init_logging();
    tollgate_webhook::server::keep_pages_small();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("tollgate-webhook")
        .build()
        .context("cannot start the async runtime")?;
    let options = tollgate_webhook::ServeOptions {
        config_path: config.to_path_buf(),
        loader: Arc::new(load),
    };
    runtime.block_on(tollgate_webhook::serve(options))?;
    Ok(0)
}

/// The webhook's policies through the same loading and selection as `tollgate test`.
fn load(config: &PoliciesConfig, limits: Limits) -> Result<LoadedPolicies, String> {
    let policy_args = PolicyArgs {
        policy: config.paths.clone(),
        bundled: config.bundled,
        data: config.data.clone(),
        rego_version: config.rego_version.clone(),
        show_builtin_errors: false,
        strict: false,
        capabilities: None,
        eval_timeout: limits.eval_timeout,
    };
    let bundled_args = BundledArgs {
        pss: config.pss.name().to_string(),
        k8s_version: config.k8s_version.clone(),
        skip: config.skip.clone(),
        only: config.only.clone(),
    };
    let loaded = super::load_policies(
        &policy_args,
        PolicyOptions {
            limits,
            ..PolicyOptions::default()
        },
        false,
    )
    .map_err(|e| format!("{e:#}"))?;
    let mut policies = loaded.policies;
    let mut namespaces: Vec<Namespace> = if config.paths.is_empty() {
        Vec::new()
    } else {
        policies
            .select(&config.namespaces, false)
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|n| !super::is_bundled(n))
            .collect()
    };
    if loaded.bundled {
        namespaces.extend(
            super::select_bundled(&mut policies, &bundled_args).map_err(|e| format!("{e:#}"))?,
        );
    }
    Ok(LoadedPolicies {
        policies,
        namespaces,
        gatekeeper: loaded.gatekeeper,
        compiled: super::is_bundled,
    })
}

fn print_manifests(args: &WebhookManifestsArgs) -> Result<u8> {
    let options = ManifestOptions {
        namespace: args.namespace.clone(),
        image: args.image.clone(),
        replicas: args.replicas,
        failure_policy: args.failure_policy.clone(),
        timeout_seconds: args.timeout_seconds,
        url: args.url.clone(),
        ca_pem: ManifestOptions::read_ca(&args.cert, args.ca.as_deref())
            .map_err(anyhow::Error::msg)?,
        config: args
            .config
            .as_deref()
            .map(DeployedConfig::load)
            .transpose()
            .map_err(anyhow::Error::msg)?,
    };
    let text = manifests::render(&options).map_err(anyhow::Error::msg)?;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A reader that stops early (`| head`) is not an error of ours.
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(error).context("cannot write the manifests")
        }
        _ => Ok(0),
    }
}
