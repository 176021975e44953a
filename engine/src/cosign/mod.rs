//! cosign-compatible signatures and attestations: keys, simple-signing payloads, DSSE
//! envelopes and in-toto statements, writing them next to an image in a registry the way
//! cosign does (`sha256-<hex>.sig` and `.att` tags), and verifying them. The CLI and the
//! admission webhook share these flows; [`cache::VerificationCache`] keeps verdicts per
//! image digest so repeated admissions do not go back to the registry.

pub mod attestation;
pub mod cache;
pub mod dsse;
pub mod keyless;
pub mod keys;
pub mod payload;
pub mod sign;
pub mod verify;

use crate::oci::{Reference, RegistryError};
use keys::KeyError;

/// Media type of a simple-signing payload layer.
pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// Media type of a DSSE envelope layer (attestations).
pub const DSSE_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";
pub use crate::sigstore::cosign::{
    BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, SIGNATURE_ANNOTATION,
};
/// Layer annotation naming an attestation's predicate type.
pub const PREDICATE_TYPE_ANNOTATION: &str = "predicateType";

/// The tag cosign stores an image's signatures under: `sha256-<hex>.sig`.
pub fn signature_tag(digest: &str) -> String {
    format!("{}.sig", digest.replace(':', "-"))
}

/// The tag cosign stores an image's attestations under: `sha256-<hex>.att`.
pub fn attestation_tag(digest: &str) -> String {
    format!("{}.att", digest.replace(':', "-"))
}

/// Why signing or verification failed. [`CosignError::code`] is stable for scripts and
/// the webhook's decisions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CosignError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("no signature found for {image} (looked for tag {tag} and referrers)")]
    NoSignature { image: String, tag: String },
    #[error("no {kind} attestation found for {image} (looked for tag {tag} and referrers)")]
    NoAttestation {
        image: String,
        kind: String,
        tag: String,
    },
    #[error(
        "wrong key: none of the {count} signature(s) of {image} verifies with key {key} (signed with another key, or the signed content was altered)"
    )]
    WrongKey {
        image: String,
        count: usize,
        key: String,
    },
    #[error(
        "digest mismatch: the signed payload is for {found}, but {image} is {expected} (a signature copied from another image?)"
    )]
    DigestMismatch {
        image: String,
        expected: String,
        found: String,
    },
    #[error("docker-reference mismatch: the signed payload names {found}, expected {expected}")]
    ReferenceMismatch { expected: String, found: String },
    #[error("subject mismatch: the attestation is about {found}, but {image} is {expected}")]
    SubjectMismatch {
        image: String,
        expected: String,
        found: String,
    },
    #[error("predicate type {found} (expected {expected})")]
    OtherPredicateType { expected: String, found: String },
    #[error("{0}")]
    Invalid(String),
    #[error("keyless verification failed: {0}")]
    Keyless(crate::sigstore::VerifyError),
}

impl CosignError {
    /// A short stable identifier of the failed check.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Registry(RegistryError::Unreachable { .. }) => "registry-unreachable",
            Self::Registry(RegistryError::NotFound { .. }) => "image-not-found",
            Self::Registry(RegistryError::Denied { .. }) => "registry-denied",
            Self::Registry(_) => "registry-error",
            Self::Key(_) => "key-error",
            Self::NoSignature { .. } => "no-signature",
            Self::NoAttestation { .. } => "no-attestation",
            Self::WrongKey { .. } => "wrong-key",
            Self::DigestMismatch { .. } => "digest-mismatch",
            Self::ReferenceMismatch { .. } => "reference-mismatch",
            Self::SubjectMismatch { .. } => "subject-mismatch",
            Self::OtherPredicateType { .. } => "other-predicate-type",
            Self::Invalid(_) => "invalid-signature-data",
            Self::Keyless(error) => error.check.code(),
        }
    }

    /// How much a rejection says about the image, to report the most telling one when
    /// every candidate signature fails: a valid signature with a wrong claim beats a
    /// signature by another key, which beats malformed data.
    fn weight(&self) -> u8 {
        match self {
            Self::DigestMismatch { .. }
            | Self::SubjectMismatch { .. }
            | Self::ReferenceMismatch { .. } => 3,
            Self::Keyless(_) => 2,
            Self::WrongKey { .. } => 1,
            _ => 0,
        }
    }
}

/// Of several rejections, the one that says most (see [`CosignError::weight`]).
fn most_telling(errors: Vec<CosignError>) -> Option<CosignError> {
    errors.into_iter().rev().max_by_key(CosignError::weight)
}

/// `image` as users wrote it, for messages.
fn display(image: &Reference) -> String {
    image.whole()
}
