//! Tag resolution for registries that ask for no token. oci-client pings `/v2/` before
//! every request to such a registry (it caches tokens, not their absence), which doubles
//! the cost of the webhook's hot path: resolving a tag whose digest is already verified.
//! After one anonymous resolution through oci-client, a registry's tags are resolved with
//! one direct HEAD request; a registry that then asks for authentication (401), or names
//! no digest, goes back to oci-client for good.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use oci_client::Reference;
use oci_client::errors::OciDistributionError;

use super::client::{MANIFEST_MEDIA_TYPES, RegistryOptions};

/// What is known of how a registry answers anonymous tag resolutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// One resolution went through oci-client anonymously: try a direct HEAD next.
    Resolved,
    /// Direct HEAD requests answer with the digest.
    Open,
    /// Only oci-client (it authenticates, or finds the digest by other means).
    ViaClient,
}

/// What a direct HEAD request found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Head {
    Digest(String),
    /// Resolve through oci-client instead.
    Fallback,
}

/// The direct tag resolver of one [`super::Registry`]; its HTTP client is built on first
/// use, so one-shot CLI runs never pay for it.
#[derive(Default)]
pub(super) struct DirectTags {
    client: OnceLock<Result<reqwest::Client, String>>,
    registries: Mutex<HashMap<String, Access>>,
}

impl DirectTags {
    /// Whether `registry`'s tags may be resolved directly.
    pub fn applies_to(&self, registry: &str) -> bool {
        matches!(self.access(registry), Some(Access::Resolved | Access::Open))
    }

    /// Records an anonymous resolution of a tag of `registry` through oci-client.
    pub fn resolved_through_client(&self, registry: &str) {
        if let Ok(mut registries) = self.registries.lock() {
            registries
                .entry(registry.to_string())
                .or_insert(Access::Resolved);
        }
    }

    /// The digest `image`'s tag names, by one anonymous HEAD request. Not found and
    /// server errors are errors, for the caller's retries and messages.
    pub async fn head(
        &self,
        options: &RegistryOptions,
        image: &Reference,
    ) -> Result<Head, OciDistributionError> {
        let registry = image.resolve_registry();
        let client = self
            .client
            .get_or_init(|| build_client(options))
            .as_ref()
            .map_err(|e| OciDistributionError::GenericError(Some(e.clone())))?;
        let scheme = if options.insecure_registries.iter().any(|r| r == registry) {
            "http"
        } else {
            "https"
        };
        let tag = image.tag().unwrap_or("latest");
        let url = format!(
            "{scheme}://{registry}/v2/{}/manifests/{tag}",
            image.repository()
        );
        let response = client
            .head(&url)
            .header(http::header::ACCEPT, MANIFEST_MEDIA_TYPES.join(", "))
            .send()
            .await?;
        let status = response.status();
        if status == http::StatusCode::UNAUTHORIZED {
            self.set(registry, Access::ViaClient);
            return Ok(Head::Fallback);
        }
        if !status.is_success() {
            return Err(OciDistributionError::ServerError {
                code: status.as_u16(),
                url,
                message: status.canonical_reason().unwrap_or("").to_string(),
            });
        }
        let digest = response
            .headers()
            .get("Docker-Content-Digest")
            .and_then(|value| value.to_str().ok())
            .filter(|digest| is_sha256_digest(digest));
        match digest {
            Some(digest) => {
                self.set(registry, Access::Open);
                Ok(Head::Digest(digest.to_string()))
            }
            None => {
                self.set(registry, Access::ViaClient);
                Ok(Head::Fallback)
            }
        }
    }

    fn access(&self, registry: &str) -> Option<Access> {
        self.registries.lock().ok()?.get(registry).copied()
    }

    fn set(&self, registry: &str, access: Access) {
        if let Ok(mut registries) = self.registries.lock() {
            registries.insert(registry.to_string(), access);
        }
    }
}

/// An HTTP client with oci-client's settings: extra roots, timeouts, user agent.
fn build_client(options: &RegistryOptions) -> Result<reqwest::Client, String> {
    let roots = options
        .ca_certificates
        .iter()
        .map(|der| reqwest::Certificate::from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("extra root certificate: {e}"))?;
    reqwest::Client::builder()
        .tls_certs_merge(roots)
        .connect_timeout(options.timeout)
        .read_timeout(options.timeout)
        .user_agent(concat!("tollgate/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the registry client: {e}"))
}

/// `sha256:` and 64 lowercase hex digits.
fn is_sha256_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sha256_digests_are_taken_from_the_header() {
        assert!(is_sha256_digest(&format!("sha256:{}", "ab".repeat(32))));
        assert!(!is_sha256_digest(&format!("sha256:{}", "AB".repeat(32))));
        assert!(!is_sha256_digest(&format!("sha256:{}", "ab".repeat(31))));
        assert!(!is_sha256_digest(&format!("sha512:{}", "ab".repeat(64))));
        assert!(!is_sha256_digest("latest"));
    }

    #[test]
    fn a_registry_is_resolved_directly_after_an_anonymous_resolution_until_it_refuses() {
        let direct = DirectTags::default();
        assert!(!direct.applies_to("registry.example"));
        direct.resolved_through_client("registry.example");
        assert!(direct.applies_to("registry.example"));
        direct.set("registry.example", Access::ViaClient);
        direct.resolved_through_client("registry.example");
        assert!(!direct.applies_to("registry.example"));
    }
}
