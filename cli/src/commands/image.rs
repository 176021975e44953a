//! `tollgate image verify` and `tollgate image verify-attestation`: cosign-compatible
//! verification of an image's signatures and attestations in its registry, and Rego
//! policies over verified predicates with the outputs and exit codes of `test`.

use std::future::Future;
use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tollgate_engine::check;
use tollgate_engine::cosign::CosignError;
use tollgate_engine::cosign::attestation::{
    VerifiedAttestations, predicate_type_uri, verify_attestations,
};
use tollgate_engine::cosign::keyless::{self, KeylessPolicy};
use tollgate_engine::cosign::keys::PublicKey;
use tollgate_engine::cosign::verify::{Signer, VerifiedImage, verify_image};
use tollgate_engine::input::{self, Format};
use tollgate_engine::limits::Limits;
use tollgate_engine::oci::{self, Credentials, Reference, Registry, RegistryOptions};
use tollgate_engine::policy::PolicyOptions;
use tollgate_engine::report::{FileError, RenderOptions, Report};

use crate::args::{
    ImageArgs, ImageCommand, ImageVerifyArgs, PolicyArgs, RegistryArgs, SignerArgs,
    VerifyAttestationArgs,
};
use crate::output;
use crate::output::outln;

pub fn run(args: &ImageArgs) -> Result<u8> {
    match &args.command {
        ImageCommand::Verify(args) => verify(args),
        ImageCommand::VerifyAttestation(args) => verify_attestation(args),
    }
}

fn verify(args: &ImageVerifyArgs) -> Result<u8> {
    let image = oci::parse_reference(&args.image)?;
    let signer = signer(&args.signer)?;
    let registry = registry(&args.registry, &image)?;
    let outcome = block_on(verify_image(&registry, &image, &signer, None))?;
    let json = args.output == "json";
    match outcome {
        Ok(verified) => {
            if json {
                outln!("{}", pretty(&verified_json(&verified)));
            } else {
                print_verified(&verified, &signer);
            }
            Ok(0)
        }
        Err(error) => fail(&image, &error, json),
    }
}

fn verify_attestation(args: &VerifyAttestationArgs) -> Result<u8> {
    let image = oci::parse_reference(&args.image)?;
    let signer = signer(&args.signer)?;
    let predicate_type = predicate_type_uri(&args.predicate_type).to_string();
    let outputs = if args.policy.is_empty() {
        if args.output.len() != 1 || !matches!(args.output[0].as_str(), "stdout" | "json") {
            bail!("without --policy, -o takes one of stdout or json");
        }
        None
    } else {
        Some(output::parse_outputs(&args.output)?)
    };
    let json = args.output.first().is_some_and(|o| o == "json");
    let registry = registry(&args.registry, &image)?;
    let outcome = block_on(verify_attestations(
        &registry,
        &image,
        &signer,
        &predicate_type,
        None,
    ))?;
    let verified = match outcome {
        Ok(verified) => verified,
        Err(error) => return fail(&image, &error, json && outputs.is_none()),
    };
    let Some(outputs) = outputs else {
        if json {
            outln!("{}", pretty(&attestations_json(&verified)));
        } else {
            print_attestations(&verified);
        }
        return Ok(0);
    };
    eprintln!(
        "Verified {} attestation(s) of {} for {} ({})",
        verified.attestations.len(),
        verified.predicate_type,
        verified.image,
        verified.digest
    );
    let report = evaluate_predicates(args, &verified)?;
    for error in &report.errors {
        eprintln!("Error: {error}");
    }
    let options = RenderOptions {
        color: std::io::stdout().is_terminal(),
        fail_on_warn: args.fail_on_warn,
        ..RenderOptions::default()
    };
    output::write(&report, &outputs, &options)?;
    Ok(u8::try_from(report.exit_code(args.fail_on_warn)).unwrap_or(1))
}

/// Runs the policies over each verified predicate; findings point into the predicate as
/// pretty-printed JSON.
fn evaluate_predicates(
    args: &VerifyAttestationArgs,
    verified: &VerifiedAttestations,
) -> Result<Report> {
    let limits = Limits::default();
    let policy_args = PolicyArgs {
        policy: args.policy.clone(),
        bundled: false,
        data: args.data.clone(),
        rego_version: "auto".into(),
        show_builtin_errors: false,
        strict: false,
        capabilities: None,
        eval_timeout: limits.eval_timeout,
    };
    let mut policies = super::load_policies(
        &policy_args,
        PolicyOptions {
            limits,
            ..PolicyOptions::default()
        },
        false,
    )?
    .policies;
    let namespaces = policies.select(&args.namespace, args.all_namespaces)?;
    policies.prepare()?;
    let mut report = Report::default();
    let total = verified.attestations.len();
    for (index, attestation) in verified.attestations.iter().enumerate() {
        let label = format!(
            "{}@{} (attestation {} of {total})",
            oci::repository_name(&oci::parse_reference(&verified.image)?),
            verified.digest,
            index + 1
        );
        let text = serde_json::to_vec_pretty(&attestation.statement.predicate)?;
        let file = match input::parse(&label, text, Format::Json, &limits) {
            Ok(file) => file,
            Err(error) => {
                report.errors.push(FileError {
                    file: label,
                    position: error.position,
                    message: error.message,
                });
                continue;
            }
        };
        match check::check_file(&policies, &namespaces, &file) {
            Ok(results) => report.results.extend(results),
            Err(error) => report.errors.push(error),
        }
    }
    Ok(report)
}

/// Reports a failed verification: the message on standard error (and as JSON on standard
/// output with `-o json`), exit code 1.
fn fail(image: &Reference, error: &CosignError, json: bool) -> Result<u8> {
    if json {
        outln!(
            "{}",
            pretty(&json!({
                "image": image.whole(),
                "verified": false,
                "error": {"code": error.code(), "message": error.to_string()},
            }))
        );
    }
    eprintln!("Error: verification of {} failed: {error}", image.whole());
    Ok(1)
}

fn print_verified(verified: &VerifiedImage, signer: &Signer) {
    let by = match signer {
        Signer::Key(key) => format!("key {}", key.fingerprint()),
        Signer::Keyless(policy) => policy.describe().to_string(),
    };
    outln!(
        "Verified {} ({}): {} signature(s) by {by}",
        verified.image,
        verified.digest,
        verified.signatures.len()
    );
    for signature in &verified.signatures {
        let claim = |pointer: &str| {
            signature
                .payload
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or("-")
                .to_string()
        };
        outln!(
            "  {}: {} at {}",
            signature.source,
            claim("/critical/identity/docker-reference"),
            claim("/critical/image/docker-manifest-digest")
        );
    }
}

fn verified_json(verified: &VerifiedImage) -> Value {
    json!({
        "image": verified.image,
        "digest": verified.digest,
        "verified": true,
        "signatures": verified.signatures,
    })
}

fn print_attestations(verified: &VerifiedAttestations) {
    outln!(
        "Verified {} ({}): {} attestation(s) of {}",
        verified.image,
        verified.digest,
        verified.attestations.len(),
        verified.predicate_type
    );
    for attestation in &verified.attestations {
        outln!(
            "  {}: subject {}",
            attestation.source,
            attestation.statement.subject_digests()
        );
    }
}

fn attestations_json(verified: &VerifiedAttestations) -> Value {
    let mut value = serde_json::to_value(verified).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("verified".into(), Value::Bool(true));
    }
    value
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Who must have signed, from `--key` or the keyless flags.
fn signer(args: &SignerArgs) -> Result<Signer> {
    if let Some(path) = &args.key {
        let pem = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read key {}", path.display()))?;
        let key = PublicKey::from_pem(&pem).with_context(|| path.display().to_string())?;
        return Ok(Signer::Key(key));
    }
    let identity_given =
        args.certificate_identity.is_some() || args.certificate_identity_regexp.is_some();
    let issuer_given =
        args.certificate_oidc_issuer.is_some() || args.certificate_oidc_issuer_regexp.is_some();
    if !identity_given || !issuer_given {
        bail!(
            "give --key FILE, or for keyless verification both --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp]"
        );
    }
    let identity = keyless::matcher(
        "--certificate-identity",
        args.certificate_identity.as_deref(),
        args.certificate_identity_regexp.as_deref(),
    )?;
    let issuer = keyless::matcher(
        "--certificate-oidc-issuer",
        args.certificate_oidc_issuer.as_deref(),
        args.certificate_oidc_issuer_regexp.as_deref(),
    )?;
    Ok(Signer::Keyless(Box::new(KeylessPolicy::new(
        identity,
        issuer,
        args.trusted_root.as_deref(),
    )?)))
}

/// A registry client as the flags say, for `image`'s registry.
pub fn registry(args: &RegistryArgs, image: &Reference) -> Result<Registry> {
    let credentials = match (&args.registry_username, &args.registry_password) {
        (Some(username), Some(password)) => Credentials::Basic {
            username: username.clone(),
            password: password.clone(),
        },
        _ => Credentials::DockerConfig,
    };
    let insecure_registries = if args.allow_insecure_registry {
        vec![image.resolve_registry().to_string()]
    } else {
        Vec::new()
    };
    let ca_certificates = match &args.registry_cacert {
        Some(path) => {
            let pem = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            oci::certificates_from_pem(&pem)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => Vec::new(),
    };
    Ok(Registry::new(RegistryOptions {
        credentials,
        insecure_registries,
        ca_certificates,
        timeout: args.registry_timeout,
        retries: args.registry_retries,
        backoff: Duration::from_millis(200),
        ..RegistryOptions::default()
    })?)
}

/// Runs one registry flow to completion on a single-threaded runtime.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(future))
}
