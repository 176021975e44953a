//! Registry access for image verification: resolving tags to digests, fetching and pushing
//! manifests and blobs, and listing referrers, with credentials, deadlines, retries and
//! size limits. The cosign flows in [`crate::cosign`] are built on it.

mod auth;
mod client;
mod direct_tags;

pub use auth::Credentials;
pub use client::{
    MANIFEST_MEDIA_TYPES, RawManifest, Registry, RegistryOptions, certificates_from_pem,
    sha256_digest,
};
pub use oci_client::Reference;
pub use oci_client::manifest::{ImageIndexEntry, OciDescriptor, OciImageIndex, OciImageManifest};

/// Why a registry operation failed; each names the registry host.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("invalid image reference {reference:?}: {message}")]
    InvalidReference { reference: String, message: String },
    #[error("registry {host} is unreachable: {cause}")]
    Unreachable { host: String, cause: String },
    #[error("{what} not found: {reference}")]
    NotFound { what: String, reference: String },
    #[error(
        "registry {host} denied access to {reference} (check the credentials in docker's config.json or --registry-username)"
    )]
    Denied { host: String, reference: String },
    #[error("registry {host}: {message}")]
    Protocol { host: String, message: String },
    #[error("{what} is larger than the limit of {limit} bytes")]
    TooLarge { what: String, limit: usize },
    #[error("{what}: content digest {actual} does not match {expected}")]
    DigestMismatch {
        what: String,
        expected: String,
        actual: String,
    },
    #[error("registry credentials in {file}: {message}")]
    Credentials { file: String, message: String },
    #[error("cannot create the registry client: {0}")]
    Client(String),
}

/// Parses an image reference (`registry/name:tag`, `name@sha256:...`; Docker Hub by
/// default, as docker does).
pub fn parse_reference(text: &str) -> Result<Reference, RegistryError> {
    text.parse::<Reference>()
        .map_err(|e| RegistryError::InvalidReference {
            reference: text.to_string(),
            message: e.to_string(),
        })
}

/// The repository of `image` as cosign names it in signatures: `registry/name`, no tag.
pub fn repository_name(image: &Reference) -> String {
    format!("{}/{}", image.registry(), image.repository())
}

/// `image`'s repository at `digest`.
pub fn at_digest(image: &Reference, digest: &str) -> Reference {
    Reference::with_digest(
        image.registry().to_string(),
        image.repository().to_string(),
        digest.to_string(),
    )
}

/// `image`'s repository at `tag`.
pub fn at_tag(image: &Reference, tag: &str) -> Reference {
    Reference::with_tag(
        image.registry().to_string(),
        image.repository().to_string(),
        tag.to_string(),
    )
}
