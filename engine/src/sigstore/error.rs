//! Verification failures: every failure names the check that failed with a stable code, so
//! callers (CLI, webhook, tests) can tell a wrong identity from a forged log entry.

use std::fmt;

/// The check that failed. The codes are stable: scripts and tests may match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The bundle is not valid JSON, has an unknown media type, or a field does not decode.
    BundleInvalid,
    /// The trusted root is not valid JSON or a key, certificate or time in it does not decode.
    TrustRootInvalid,
    /// The verification material does not fit the policy (key vs certificate, wrong key).
    MaterialMismatch,
    /// The artifact's digest differs from the digest the bundle or the in-toto subject names.
    ArtifactDigestMismatch,
    /// The signature over the artifact (or over the DSSE PAE) does not verify.
    SignatureInvalid,
    /// The signing certificate does not chain to a certificate authority of the trusted root.
    CertificateUntrusted,
    /// The signing certificate (or a CA) was not valid at the verified signing time.
    CertificateExpired,
    /// No embedded SCT verifies against a CT log of the trusted root.
    SctInvalid,
    /// The certificate's identity (SAN) is not the expected one.
    IdentityMismatch,
    /// The certificate's OIDC issuer is not the expected one.
    IssuerMismatch,
    /// The bundle carries no transparency log entry, or an entry lacks required proof.
    TlogMissing,
    /// The entry's log is not in the trusted root, or its key was not valid at that time.
    TlogUnknownLog,
    /// The entry's body does not describe this signature, key or artifact.
    TlogBodyMismatch,
    /// The signed entry timestamp (inclusion promise) does not verify.
    TlogSetInvalid,
    /// The Merkle inclusion proof does not lead to the stated root hash.
    TlogInclusionInvalid,
    /// The checkpoint is malformed, signed by another key, or for another tree.
    TlogCheckpointInvalid,
    /// The log's integrated time is in the future.
    TlogTimeInvalid,
    /// An RFC 3161 timestamp does not decode, match the signature, or chain to a trusted TSA.
    TimestampInvalid,
    /// No trusted time (integrated time with a promise, or RFC 3161 timestamp) was found.
    TimestampMissing,
}

impl Check {
    /// The stable code of this check, e.g. `SIGSTORE_SIGNATURE_INVALID`.
    pub fn code(self) -> &'static str {
        match self {
            Check::BundleInvalid => "SIGSTORE_BUNDLE_INVALID",
            Check::TrustRootInvalid => "SIGSTORE_TRUST_ROOT_INVALID",
            Check::MaterialMismatch => "SIGSTORE_MATERIAL_MISMATCH",
            Check::ArtifactDigestMismatch => "SIGSTORE_ARTIFACT_DIGEST_MISMATCH",
            Check::SignatureInvalid => "SIGSTORE_SIGNATURE_INVALID",
            Check::CertificateUntrusted => "SIGSTORE_CERTIFICATE_UNTRUSTED",
            Check::CertificateExpired => "SIGSTORE_CERTIFICATE_EXPIRED",
            Check::SctInvalid => "SIGSTORE_SCT_INVALID",
            Check::IdentityMismatch => "SIGSTORE_IDENTITY_MISMATCH",
            Check::IssuerMismatch => "SIGSTORE_ISSUER_MISMATCH",
            Check::TlogMissing => "SIGSTORE_TLOG_MISSING",
            Check::TlogUnknownLog => "SIGSTORE_TLOG_UNKNOWN_LOG",
            Check::TlogBodyMismatch => "SIGSTORE_TLOG_BODY_MISMATCH",
            Check::TlogSetInvalid => "SIGSTORE_TLOG_SET_INVALID",
            Check::TlogInclusionInvalid => "SIGSTORE_TLOG_INCLUSION_INVALID",
            Check::TlogCheckpointInvalid => "SIGSTORE_TLOG_CHECKPOINT_INVALID",
            Check::TlogTimeInvalid => "SIGSTORE_TLOG_TIME_INVALID",
            Check::TimestampInvalid => "SIGSTORE_TIMESTAMP_INVALID",
            Check::TimestampMissing => "SIGSTORE_TIMESTAMP_MISSING",
        }
    }
}

/// A failed verification: which check failed and what was wrong, expected vs found where
/// that helps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    pub check: Check,
    pub detail: String,
}

impl VerifyError {
    pub fn new(check: Check, detail: impl Into<String>) -> Self {
        VerifyError {
            check,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.check.code(), self.detail)
    }
}

impl std::error::Error for VerifyError {}

/// Shorthand for building an error of one check.
pub(crate) fn fail(check: Check, detail: impl Into<String>) -> VerifyError {
    VerifyError::new(check, detail)
}
