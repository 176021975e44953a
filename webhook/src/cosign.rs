//! The [`ImageVerifier`] of the webhook: the engine's cosign code (the flows of
//! `tollgate image verify` and `image verify-attestation`) over one registry client
//! (rustls with aws-lc-rs), with each policy's signer (a key, or a keyless identity and its
//! trusted root) read once when the configuration loads.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::future::{join, join_all};
use tollgate_engine::cosign::CosignError;
use tollgate_engine::cosign::attestation::{predicate_type_uri, verify_attestations};
use tollgate_engine::cosign::keyless::KeylessPolicy;
use tollgate_engine::cosign::keys::PublicKey;
use tollgate_engine::cosign::verify::{Signer, verify_image};
use tollgate_engine::oci::{self, Credentials, Registry, RegistryOptions};

use crate::images::{ImagePolicy, ImagePolicyConfig, ImageVerifier, VerifyFuture};

/// Largest key or CA file read, so a wrong path fails fast.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Verifies images with cosign signatures and attestations in their registries.
pub struct CosignVerifier {
    registry: Registry,
    /// Each image policy's signer, by policy name.
    signers: HashMap<String, Signer>,
}

impl CosignVerifier {
    /// Reads every key, trusted root and CA the configuration names; the error names the
    /// policy and the file.
    pub fn new(config: &ImagePolicyConfig) -> Result<Self, String> {
        let mut signers = HashMap::new();
        for (index, policy) in config.policies.iter().enumerate() {
            let context = format!("images.policies[{index}] ({:?})", policy.name);
            signers.insert(
                policy.name.clone(),
                signer(policy).map_err(|e| format!("{context}: {e}"))?,
            );
        }
        let registry = &config.registry;
        let ca_certificates = match &registry.ca_file {
            Some(path) => {
                let pem = read(path)?;
                let certificates = oci::certificates_from_pem(&pem)
                    .map_err(|e| format!("images.registry.caFile {}: {e}", path.display()))?;
                if certificates.is_empty() {
                    return Err(format!(
                        "images.registry.caFile {}: no PEM certificate in it",
                        path.display()
                    ));
                }
                certificates
            }
            None => Vec::new(),
        };
        let credentials = match (
            &registry.username,
            &registry.password_file,
            &registry.docker_config,
        ) {
            (Some(username), Some(path), _) => Credentials::Basic {
                username: username.clone(),
                password: read(path)?.trim_end_matches(['\r', '\n']).to_string(),
            },
            (_, _, Some(path)) => Credentials::DockerConfigFile(path.clone()),
            _ => Credentials::DockerConfig,
        };
        let registry = Registry::new(RegistryOptions {
            credentials,
            insecure_registries: registry.insecure.clone(),
            ca_certificates,
            timeout: Duration::from_millis(registry.timeout_milliseconds),
            retries: registry.retries,
            backoff: Duration::from_millis(100),
            ..RegistryOptions::default()
        })
        .map_err(|e| format!("images.registry: {e}"))?;
        Ok(Self { registry, signers })
    }
}

fn read(path: &std::path::Path) -> Result<String, String> {
    let fail = |message: String| format!("{}: {message}", path.display());
    let size = std::fs::metadata(path)
        .map_err(|e| fail(format!("cannot read: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(fail(format!(
            "{size} bytes is more than the limit of {MAX_FILE_BYTES}"
        )));
    }
    std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read: {e}")))
}

/// The signer a policy names: its public key, or its keyless identity and trusted root.
fn signer(policy: &ImagePolicy) -> Result<Signer, String> {
    if let Some(path) = &policy.key {
        let key = PublicKey::from_pem(&read(path)?)
            .map_err(|e| format!("key {}: {e}", path.display()))?;
        return Ok(Signer::Key(key));
    }
    let Some(keyless) = &policy.keyless else {
        return Err("give exactly one of key and keyless".into());
    };
    let (identity, issuer) = keyless.matchers()?;
    let policy = KeylessPolicy::new(identity, issuer, keyless.trusted_root.as_deref())
        .map_err(|e| e.to_string())?;
    Ok(Signer::Keyless(Box::new(policy)))
}

/// A failed check with its stable code, e.g. `wrong key: ... [wrong-key]`.
fn describe(error: &CosignError) -> String {
    format!("{error} [{}]", error.code())
}

impl ImageVerifier for CosignVerifier {
    fn resolve<'a>(&'a self, image: &'a str) -> VerifyFuture<'a, String> {
        Box::pin(async move {
            let reference = oci::parse_reference(image).map_err(|e| e.to_string())?;
            self.registry
                .resolve_digest(&reference)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn verify<'a>(
        &'a self,
        image: &'a str,
        digest: &'a str,
        policy: &'a ImagePolicy,
    ) -> VerifyFuture<'a, ()> {
        Box::pin(async move {
            let signer = self
                .signers
                .get(&policy.name)
                .ok_or_else(|| format!("image policy {:?} has no signer", policy.name))?;
            let reference = oci::parse_reference(image).map_err(|e| e.to_string())?;
            // The digest that was resolved (and will be pinned), never the tag again.
            let at_digest = oci::at_digest(&reference, digest);
            let registry = &self.registry;
            let signature = verify_image(registry, &at_digest, signer, None);
            let attestations = join_all(policy.attestations.iter().map(|name| {
                let predicate_type = predicate_type_uri(name);
                let at_digest = &at_digest;
                async move {
                    verify_attestations(registry, at_digest, signer, predicate_type, None)
                        .await
                        .map_err(|e| format!("attestation {predicate_type}: {}", describe(&e)))
                }
            }));
            let (signature, attestations) = join(signature, attestations).await;
            // Every failed check is reported, so one answer says all that is missing.
            let failures: Vec<String> = signature
                .err()
                .map(|e| describe(&e))
                .into_iter()
                .chain(attestations.into_iter().filter_map(Result::err))
                .collect();
            if failures.is_empty() {
                Ok(())
            } else {
                Err(failures.join("; "))
            }
        })
    }
}
