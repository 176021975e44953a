//! Keyless (Fulcio certificate) verification of image signatures: the policy the user
//! gives (identity and issuer, exact or by regular expression, and the trusted root) and
//! the material a signature carries (certificate, chain, Rekor bundle). The checks
//! themselves - Fulcio chain, SCT, identity and issuer, Rekor SET or inclusion proof
//! against the trusted root - belong to the offline Sigstore verifier (`engine::sigstore`,
//! issue #4 part A); until it is wired in here, keyless verification fails closed with
//! [`CosignError::KeylessUnavailable`].

use std::path::PathBuf;

use regex::Regex;
use serde_json::Value;

use super::CosignError;
use super::dsse::Envelope;

/// What the error says until the Sigstore verifier is wired in.
pub const NOT_WIRED: &str = "the offline Sigstore verifier (engine::sigstore, issue #4 part A), which is not wired into image verification yet; verify with --key";

/// An expected value: exact, or a regular expression matched against the whole value.
#[derive(Debug, Clone)]
pub enum Matcher {
    Exact(String),
    Regex(Regex),
}

impl Matcher {
    /// `exact` if given, else `pattern` compiled (anchored at both ends, as cosign does).
    pub fn new(
        flag: &str,
        exact: Option<&str>,
        pattern: Option<&str>,
    ) -> Result<Self, CosignError> {
        match (exact, pattern) {
            (Some(value), None) => Ok(Self::Exact(value.to_string())),
            (None, Some(pattern)) => Regex::new(&format!("^(?:{pattern})$"))
                .map(Self::Regex)
                .map_err(|e| CosignError::Invalid(format!("invalid {flag}-regexp: {e}"))),
            _ => Err(CosignError::Invalid(format!(
                "keyless verification needs exactly one of {flag} and {flag}-regexp"
            ))),
        }
    }

    pub fn matches(&self, value: &str) -> bool {
        match self {
            Self::Exact(expected) => expected == value,
            Self::Regex(regex) => regex.is_match(value),
        }
    }
}

/// Who may have signed keyless, and what to trust.
#[derive(Debug, Clone)]
pub struct KeylessPolicy {
    /// The certificate's subject alternative name (e-mail, URI).
    pub identity: Matcher,
    /// The OIDC issuer in the certificate's Fulcio extension.
    pub issuer: Matcher,
    /// A `trusted_root.json`; `None` for the embedded Sigstore public-good root.
    pub trusted_root: Option<PathBuf>,
}

/// What was signed: a simple-signing payload and its signature, or a DSSE envelope.
#[derive(Debug, Clone, Copy)]
pub enum SignedContent<'a> {
    SimpleSigning {
        /// The layer's blob.
        payload: &'a [u8],
        /// The decoded `dev.cosignproject.cosign/signature`.
        signature: &'a [u8],
    },
    Dsse(&'a Envelope),
}

/// What one legacy cosign signature or attestation layer carries for keyless
/// verification.
#[derive(Debug, Clone, Copy)]
pub struct KeylessMaterial<'a> {
    pub content: SignedContent<'a>,
    /// `dev.sigstore.cosign/certificate`: the PEM signing certificate.
    pub certificate: Option<&'a str>,
    /// `dev.sigstore.cosign/chain`: PEM intermediates and root.
    pub chain: Option<&'a str>,
    /// `dev.sigstore.cosign/bundle`: the Rekor SET and canonicalized entry (JSON).
    pub bundle: Option<&'a str>,
}

impl KeylessPolicy {
    /// Verifies a legacy signature or attestation layer against this policy and returns
    /// the verified payload.
    pub fn verify(&self, material: &KeylessMaterial<'_>) -> Result<Vec<u8>, CosignError> {
        if material.certificate.is_none() {
            return Err(CosignError::Invalid(
                "the signature carries no certificate (dev.sigstore.cosign/certificate): it was made with a key, verify with --key".into(),
            ));
        }
        // WIRE(#4 part A): engine::sigstore's verifier for cosign's legacy layer form
        // (certificate, chain, bundle) with self.trusted_root, self.identity, self.issuer.
        Err(CosignError::KeylessUnavailable(NOT_WIRED.into()))
    }

    /// Verifies a Sigstore bundle (certificate mode) against this policy and returns its
    /// DSSE payload.
    pub fn verify_bundle(&self, bundle: &Value) -> Result<Vec<u8>, CosignError> {
        if bundle.pointer("/verificationMaterial/publicKey").is_some() {
            return Err(CosignError::Invalid(
                "the Sigstore bundle was made with a key: verify with --key".into(),
            ));
        }
        // WIRE(#4 part A): engine::sigstore's bundle verifier (DSSE content) with this
        // policy; it returns the verified payload.
        Err(CosignError::KeylessUnavailable(NOT_WIRED.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers_are_exact_or_anchored_regular_expressions() {
        let exact = Matcher::new("--certificate-identity", Some("a@example.com"), None).unwrap();
        assert!(exact.matches("a@example.com"));
        assert!(!exact.matches("xa@example.com"));
        let regex = Matcher::new("--certificate-identity", None, Some(".*@example\\.com")).unwrap();
        assert!(regex.matches("b@example.com"));
        assert!(!regex.matches("b@example.com.evil"));
        assert!(Matcher::new("--certificate-identity", None, None).is_err());
        assert!(Matcher::new("--certificate-identity", None, Some("(")).is_err());
    }
}
