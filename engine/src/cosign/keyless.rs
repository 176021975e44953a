//! Keyless (Fulcio certificate) verification of image signatures and attestations: the
//! policy the user gives (identity and issuer, exact or by regular expression, and the
//! trusted root) and the material a signature carries (certificate, chain, Rekor bundle),
//! checked by the offline Sigstore verifier ([`crate::sigstore`]): Fulcio chain, SCT,
//! identity and issuer, Rekor SET or inclusion proof against the trusted root, with no
//! network access.

use std::path::Path;

use serde_json::Value;

use super::CosignError;
use super::dsse::Envelope;
use crate::sigstore::cosign::{AttestationLayer, SignatureLayer};
use crate::sigstore::{Artifact, Bundle, Policy, TrustedRoot, Verifier};

pub use crate::sigstore::Matcher;

/// Largest `trusted_root.json` read.
const MAX_TRUSTED_ROOT_BYTES: u64 = 8 * 1024 * 1024;

/// The matcher for one flag pair: `exact` if given, else `pattern` (searched in the value,
/// as cosign's `-regexp` flags; anchor it with `^...$` to match the whole value).
pub fn matcher(
    flag: &str,
    exact: Option<&str>,
    pattern: Option<&str>,
) -> Result<Matcher, CosignError> {
    match (exact, pattern) {
        (Some(value), None) => Ok(Matcher::Exact(value.to_string())),
        (None, Some(pattern)) => {
            Matcher::regex(pattern).map_err(|e| CosignError::Invalid(format!("{flag}-regexp: {e}")))
        }
        _ => Err(CosignError::Invalid(format!(
            "keyless verification needs exactly one of {flag} and {flag}-regexp"
        ))),
    }
}

/// Who may have signed keyless, and the trusted root that vouches for them; cheap to
/// share (the verifier inside is).
#[derive(Debug, Clone)]
pub struct KeylessPolicy {
    verifier: Verifier,
    description: String,
}

/// What was signed: a simple-signing payload and its signature, or a DSSE envelope.
#[derive(Debug, Clone, Copy)]
pub enum SignedContent<'a> {
    SimpleSigning {
        /// The layer's blob.
        payload: &'a [u8],
        /// The `dev.cosignproject.cosign/signature` annotation (base64).
        signature: &'a str,
    },
    /// An attestation layer's envelope, about the image with this `sha256:<hex>` digest.
    Dsse {
        envelope: &'a Envelope,
        image_digest: &'a str,
    },
}

/// What one legacy cosign signature or attestation layer carries for keyless
/// verification.
#[derive(Debug, Clone, Copy)]
pub struct KeylessMaterial<'a> {
    pub content: SignedContent<'a>,
    /// `dev.sigstore.cosign/certificate`: the PEM signing certificate.
    pub certificate: Option<&'a str>,
    /// `dev.sigstore.cosign/bundle`: the Rekor SET and canonicalized entry (JSON).
    pub bundle: Option<&'a str>,
}

impl KeylessPolicy {
    /// A policy for `identity` and `issuer` against `trusted_root` (a `trusted_root.json`),
    /// or the embedded Sigstore public-good root.
    pub fn new(
        identity: Matcher,
        issuer: Matcher,
        trusted_root: Option<&Path>,
    ) -> Result<Self, CosignError> {
        let root = match trusted_root {
            Some(path) => {
                let fail = |message: String| {
                    CosignError::Invalid(format!("trusted root {}: {message}", path.display()))
                };
                let size = std::fs::metadata(path)
                    .map_err(|e| fail(format!("cannot read: {e}")))?
                    .len();
                if size > MAX_TRUSTED_ROOT_BYTES {
                    return Err(fail(format!(
                        "{size} bytes is more than the limit of {MAX_TRUSTED_ROOT_BYTES}"
                    )));
                }
                let json = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
                TrustedRoot::from_json(&json).map_err(|e| fail(e.to_string()))?
            }
            None => TrustedRoot::production().map_err(CosignError::Keyless)?,
        };
        let description = format!(
            "identity {} issuer {} root {}",
            identity.describe(),
            issuer.describe(),
            trusted_root.map_or("public-good".to_string(), |p| p.display().to_string())
        );
        Ok(Self {
            verifier: Verifier::new(root, Policy::Identity { identity, issuer }),
            description,
        })
    }

    /// What the policy accepts, for messages and the verification cache.
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Verifies a legacy signature or attestation layer and returns the verified payload.
    pub fn verify(&self, material: &KeylessMaterial<'_>) -> Result<Vec<u8>, CosignError> {
        if material.certificate.is_none() {
            return Err(CosignError::Invalid(
                "the signature carries no certificate (dev.sigstore.cosign/certificate): it was made with a key, verify with --key".into(),
            ));
        }
        match material.content {
            SignedContent::SimpleSigning { payload, signature } => {
                self.verifier
                    .verify_cosign_layer(&SignatureLayer {
                        payload,
                        signature,
                        certificate: material.certificate,
                        rekor_bundle: material.bundle,
                    })
                    .map_err(CosignError::Keyless)?;
                Ok(payload.to_vec())
            }
            SignedContent::Dsse {
                envelope,
                image_digest,
            } => {
                let verified = self
                    .verifier
                    .verify_cosign_attestation_layer(
                        &AttestationLayer {
                            envelope: &envelope.to_bytes(),
                            certificate: material.certificate,
                            rekor_bundle: material.bundle,
                        },
                        sha256_of(image_digest)?,
                    )
                    .map_err(CosignError::Keyless)?;
                verified.dsse_payload.ok_or_else(|| {
                    CosignError::Invalid("the attestation layer carries no DSSE statement".into())
                })
            }
        }
    }

    /// Verifies a Sigstore bundle (certificate mode, DSSE content) whose in-toto subject
    /// must be `digest` (`sha256:<hex>`), and returns its verified DSSE payload.
    pub fn verify_bundle(&self, bundle: &Value, digest: &str) -> Result<Vec<u8>, CosignError> {
        let bundle =
            Bundle::from_json(bundle.to_string().as_bytes()).map_err(CosignError::Keyless)?;
        let verified = self
            .verifier
            .verify(&bundle, Artifact::Sha256(sha256_of(digest)?))
            .map_err(CosignError::Keyless)?;
        verified.dsse_payload.ok_or_else(|| {
            CosignError::Invalid(
                "the Sigstore bundle signs a message, not a DSSE statement about the image".into(),
            )
        })
    }
}

/// The 32 bytes of a `sha256:<hex>` digest.
fn sha256_of(digest: &str) -> Result<[u8; 32], CosignError> {
    digest
        .strip_prefix("sha256:")
        .and_then(|h| hex::decode(h).ok())
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| CosignError::Invalid(format!("not a sha256 digest: {digest}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers_need_exactly_one_form() {
        let exact = matcher("--certificate-identity", Some("a@example.com"), None).unwrap();
        assert!(exact.matches("a@example.com"));
        assert!(!exact.matches("xa@example.com"));
        let regex = matcher("--certificate-identity", None, Some("^.*@example\\.com$")).unwrap();
        assert!(regex.matches("b@example.com"));
        assert!(!regex.matches("b@example.com.evil"));
        assert!(matcher("--certificate-identity", None, None).is_err());
        assert!(matcher("--certificate-identity", Some("a"), Some("b")).is_err());
        assert!(matcher("--certificate-identity", None, Some("(")).is_err());
    }
}
