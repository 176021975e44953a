//! The registry client: oci-client over rustls (aws-lc-rs), with a deadline on every request,
//! bounded retries with backoff on transient failures, size limits on what is read, and
//! every fetched manifest and blob checked against its digest.

use std::future::Future;
use std::time::Duration;

use futures_util::StreamExt as _;
use oci_client::client::{Certificate, CertificateEncoding, ClientConfig, ClientProtocol};
use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::manifest::{ImageIndexEntry, OciDescriptor};
use oci_client::{Client, Reference, RegistryOperation};
use sha2::{Digest as _, Sha256};

use super::direct_tags::{DirectTags, Head};
use super::{Credentials, RegistryError};

/// How the client talks to registries.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    pub credentials: Credentials,
    /// Registries (host[:port]) spoken to over plain HTTP; every other one over HTTPS.
    pub insecure_registries: Vec<String>,
    /// Extra trusted root certificates (DER) for registries with a private CA, beside the
    /// system's roots.
    pub ca_certificates: Vec<Vec<u8>>,
    /// Longest single attempt of one request, connection included.
    pub timeout: Duration,
    /// Further attempts after a transient failure (connection error, timeout, 429, 5xx).
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// Largest manifest accepted.
    pub max_manifest_bytes: usize,
    /// Largest blob (signature payload, attestation envelope) accepted.
    pub max_blob_bytes: usize,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        Self {
            credentials: Credentials::default(),
            insecure_registries: Vec::new(),
            ca_certificates: Vec::new(),
            timeout: Duration::from_secs(10),
            retries: 3,
            backoff: Duration::from_millis(200),
            max_manifest_bytes: 4 * 1024 * 1024,
            max_blob_bytes: 16 * 1024 * 1024,
        }
    }
}

/// A fetched manifest: its bytes exactly as served and their digest (checked).
#[derive(Debug, Clone)]
pub struct RawManifest {
    pub bytes: Vec<u8>,
    pub digest: String,
}

/// The media types accepted when fetching a manifest.
pub const MANIFEST_MEDIA_TYPES: &[&str] = &[
    oci_client::manifest::OCI_IMAGE_MEDIA_TYPE,
    oci_client::manifest::OCI_IMAGE_INDEX_MEDIA_TYPE,
    oci_client::manifest::IMAGE_MANIFEST_MEDIA_TYPE,
    oci_client::manifest::IMAGE_MANIFEST_LIST_MEDIA_TYPE,
];

/// A client for one or more registries; cheap to share (`&Registry`) across tasks.
pub struct Registry {
    client: Client,
    options: RegistryOptions,
    direct_tags: DirectTags,
}

impl Registry {
    pub fn new(options: RegistryOptions) -> Result<Self, RegistryError> {
        // One crypto stack for the project: rustls with aws-lc-rs. Installing fails only when a
        // provider is already installed, which is then the one in use.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let config = ClientConfig {
            protocol: if options.insecure_registries.is_empty() {
                ClientProtocol::Https
            } else {
                ClientProtocol::HttpsExcept(options.insecure_registries.clone())
            },
            extra_root_certificates: options
                .ca_certificates
                .iter()
                .map(|der| Certificate {
                    encoding: CertificateEncoding::Der,
                    data: der.clone(),
                })
                .collect(),
            connect_timeout: Some(options.timeout),
            read_timeout: Some(options.timeout),
            user_agent: concat!("tollgate/", env!("CARGO_PKG_VERSION")),
            ..ClientConfig::default()
        };
        let client = Client::try_from(config).map_err(|e| RegistryError::Client(e.to_string()))?;
        Ok(Self {
            client,
            options,
            direct_tags: DirectTags::default(),
        })
    }

    pub fn options(&self) -> &RegistryOptions {
        &self.options
    }

    /// The digest of the manifest `image` names: its own digest when it has one, else the
    /// digest of the manifest its tag points to now.
    pub async fn resolve_digest(&self, image: &Reference) -> Result<String, RegistryError> {
        if let Some(digest) = image.digest() {
            return Ok(digest.to_string());
        }
        let not_found = || RegistryError::NotFound {
            what: "image".into(),
            reference: image.whole(),
        };
        let auth = self.authenticate(image).await?;
        let registry = image.resolve_registry();
        let anonymous = matches!(auth, oci_client::secrets::RegistryAuth::Anonymous);
        if anonymous && self.direct_tags.applies_to(registry) {
            let head = self
                .retry(image, "manifest", || {
                    self.direct_tags.head(&self.options, image)
                })
                .await?;
            match head.ok_or_else(not_found)? {
                Head::Digest(digest) => return Ok(digest),
                Head::Fallback => {}
            }
        }
        let digest = self
            .retry(image, "manifest", || {
                self.client.fetch_manifest_digest(image, &auth)
            })
            .await?
            .ok_or_else(not_found)?;
        if anonymous {
            self.direct_tags.resolved_through_client(registry);
        }
        Ok(digest)
    }

    /// The manifest that `reference` names, or `None` when there is none.
    pub async fn manifest(
        &self,
        reference: &Reference,
    ) -> Result<Option<RawManifest>, RegistryError> {
        let auth = self.authenticate(reference).await?;
        let fetched = self
            .retry(reference, "manifest", || {
                self.client
                    .pull_manifest_raw(reference, &auth, MANIFEST_MEDIA_TYPES)
            })
            .await?;
        let Some((bytes, digest)) = fetched else {
            return Ok(None);
        };
        if bytes.len() > self.options.max_manifest_bytes {
            return Err(RegistryError::TooLarge {
                what: format!("manifest {}", reference.whole()),
                limit: self.options.max_manifest_bytes,
            });
        }
        let actual = sha256_digest(&bytes);
        if actual != digest {
            return Err(RegistryError::DigestMismatch {
                what: format!("manifest {}", reference.whole()),
                expected: digest,
                actual,
            });
        }
        Ok(Some(RawManifest {
            bytes: bytes.to_vec(),
            digest,
        }))
    }

    /// The blob `descriptor` names in the repository of `repository`, read up to the
    /// size limit and checked against the descriptor's digest.
    pub async fn blob(
        &self,
        repository: &Reference,
        descriptor: &OciDescriptor,
    ) -> Result<Vec<u8>, RegistryError> {
        let limit = self.options.max_blob_bytes;
        let what = || format!("blob {} in {}", descriptor.digest, repository.whole());
        if usize::try_from(descriptor.size).map_or(true, |size| size > limit) {
            return Err(RegistryError::TooLarge {
                what: what(),
                limit,
            });
        }
        let auth = self.authenticate(repository).await?;
        let bytes = self
            .retry(repository, "blob", || async {
                self.client
                    .store_auth_if_needed(repository.resolve_registry(), &auth)
                    .await;
                let mut stream = self.client.pull_blob_stream(repository, descriptor).await?;
                let mut bytes = Vec::new();
                while let Some(chunk) = stream.stream.next().await {
                    let chunk = chunk?;
                    if bytes.len() + chunk.len() > limit {
                        return Err(OciDistributionError::GenericError(Some(format!(
                            "blob larger than the limit of {limit} bytes"
                        ))));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(bytes)
            })
            .await?
            .ok_or_else(|| RegistryError::NotFound {
                what: what(),
                reference: repository.whole(),
            })?;
        let actual = sha256_digest(&bytes);
        if actual != descriptor.digest {
            return Err(RegistryError::DigestMismatch {
                what: what(),
                expected: descriptor.digest.clone(),
                actual,
            });
        }
        Ok(bytes)
    }

    /// Uploads a blob to the repository of `repository` (skipped when it is already
    /// there) and returns its descriptor.
    pub async fn push_blob(
        &self,
        repository: &Reference,
        media_type: &str,
        data: &[u8],
    ) -> Result<OciDescriptor, RegistryError> {
        let digest = sha256_digest(data);
        self.authenticate_push(repository).await?;
        let exists = self
            .retry(repository, "blob", || {
                self.client.blob_exists(repository, &digest)
            })
            .await?
            .unwrap_or(false);
        if !exists {
            self.retry(repository, "blob upload", || {
                self.client.push_blob(repository, data.to_vec(), &digest)
            })
            .await?;
        }
        Ok(OciDescriptor {
            media_type: media_type.to_string(),
            digest,
            size: i64::try_from(data.len()).unwrap_or(i64::MAX),
            ..OciDescriptor::default()
        })
    }

    /// Uploads a manifest under the tag or digest of `reference`; returns its digest.
    pub async fn push_manifest(
        &self,
        reference: &Reference,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<String, RegistryError> {
        let content_type: http::HeaderValue = media_type
            .parse()
            .map_err(|_| RegistryError::Client(format!("invalid media type {media_type:?}")))?;
        self.authenticate_push(reference).await?;
        self.retry(reference, "manifest upload", || {
            self.client
                .push_manifest_raw(reference, bytes.to_vec(), content_type.clone())
        })
        .await?;
        Ok(sha256_digest(bytes))
    }

    /// The manifests that refer to `subject` (a reference by digest): the OCI 1.1 referrers
    /// API, or the `sha256-<hex>` tag index on registries without it.
    pub async fn referrers(
        &self,
        subject: &Reference,
    ) -> Result<Vec<ImageIndexEntry>, RegistryError> {
        let auth = self.authenticate(subject).await?;
        let index = self
            .retry(subject, "referrers", || async {
                self.client
                    .store_auth_if_needed(subject.resolve_registry(), &auth)
                    .await;
                self.client.pull_referrers(subject, None).await
            })
            .await?;
        Ok(index.map(|i| i.manifests).unwrap_or_default())
    }

    async fn authenticate(
        &self,
        reference: &Reference,
    ) -> Result<oci_client::secrets::RegistryAuth, RegistryError> {
        let auth = self
            .options
            .credentials
            .for_registry(reference.resolve_registry())?;
        self.client
            .store_auth_if_needed(reference.resolve_registry(), &auth)
            .await;
        Ok(auth)
    }

    async fn authenticate_push(&self, reference: &Reference) -> Result<(), RegistryError> {
        let auth = self.authenticate(reference).await?;
        self.retry(reference, "authentication", || {
            self.client.auth(reference, &auth, RegistryOperation::Push)
        })
        .await?;
        Ok(())
    }

    /// Runs `attempt` with a deadline each time, retrying transient failures with
    /// exponential backoff; `Ok(None)` when the registry says the thing does not exist.
    async fn retry<T, F, Fut>(
        &self,
        reference: &Reference,
        what: &str,
        mut attempt: F,
    ) -> Result<Option<T>, RegistryError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, OciDistributionError>>,
    {
        let host = reference.resolve_registry().to_string();
        let mut delay = self.options.backoff;
        let mut tries = 0;
        loop {
            let outcome = match tokio::time::timeout(self.options.timeout, attempt()).await {
                Ok(Ok(value)) => return Ok(Some(value)),
                Ok(Err(error)) => classify(&host, reference, what, &error),
                Err(_) => Failure::Transient(RegistryError::Unreachable {
                    host: host.clone(),
                    cause: format!("no answer within {:?}", self.options.timeout),
                }),
            };
            match outcome {
                Failure::NotFound => return Ok(None),
                Failure::Fatal(error) => return Err(error),
                Failure::Transient(error) if tries >= self.options.retries => return Err(error),
                Failure::Transient(_) => {
                    tries += 1;
                    tokio::time::sleep(delay).await;
                    delay = delay.saturating_mul(2);
                }
            }
        }
    }
}

enum Failure {
    NotFound,
    Transient(RegistryError),
    Fatal(RegistryError),
}

fn classify(
    host: &str,
    reference: &Reference,
    what: &str,
    error: &OciDistributionError,
) -> Failure {
    let protocol = |message: String| RegistryError::Protocol {
        host: host.to_string(),
        message: format!("{what} of {}: {message}", reference.whole()),
    };
    let denied = || {
        Failure::Fatal(RegistryError::Denied {
            host: host.to_string(),
            reference: reference.whole(),
        })
    };
    match error {
        OciDistributionError::RequestError(e) => {
            let unreachable = RegistryError::Unreachable {
                host: host.to_string(),
                cause: error_chain(e),
            };
            if e.is_connect() || e.is_timeout() || e.is_request() || e.is_body() {
                Failure::Transient(unreachable)
            } else {
                Failure::Fatal(unreachable)
            }
        }
        OciDistributionError::RegistryError { envelope, .. } => {
            let codes: Vec<&OciErrorCode> = envelope.errors.iter().map(|e| &e.code).collect();
            if codes.iter().any(|c| {
                matches!(
                    c,
                    OciErrorCode::ManifestUnknown
                        | OciErrorCode::BlobUnknown
                        | OciErrorCode::NameUnknown
                        | OciErrorCode::NotFound
                )
            }) {
                Failure::NotFound
            } else if codes
                .iter()
                .any(|c| matches!(c, OciErrorCode::Unauthorized | OciErrorCode::Denied))
            {
                denied()
            } else if codes
                .iter()
                .any(|c| matches!(c, OciErrorCode::Toomanyrequests))
            {
                Failure::Transient(protocol(error.to_string()))
            } else {
                Failure::Fatal(protocol(error.to_string()))
            }
        }
        OciDistributionError::ServerError { code, message, .. } => match code {
            404 => Failure::NotFound,
            401 | 403 => denied(),
            429 | 500.. => Failure::Transient(protocol(format!("HTTP {code}: {message}"))),
            _ => Failure::Fatal(protocol(format!("HTTP {code}: {message}"))),
        },
        OciDistributionError::UnauthorizedError { .. }
        | OciDistributionError::AuthenticationFailure(_) => denied(),
        OciDistributionError::ImageManifestNotFoundError(_) => Failure::NotFound,
        OciDistributionError::IoError(e) => Failure::Transient(RegistryError::Unreachable {
            host: host.to_string(),
            cause: e.to_string(),
        }),
        other => Failure::Fatal(protocol(other.to_string())),
    }
}

/// An error and its causes on one line: "error sending request: ...: Connection refused".
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// `sha256:<hex>` of `bytes`, as registries name content.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The certificates of a PEM file (one or more `CERTIFICATE` blocks), as DER.
pub fn certificates_from_pem(pem: &str) -> Result<Vec<Vec<u8>>, String> {
    const END: &str = "-----END CERTIFICATE-----";
    let mut certificates = Vec::new();
    for block in pem.split_inclusive(END).filter(|b| b.contains(END)) {
        let start = block
            .find("-----BEGIN")
            .ok_or_else(|| "a certificate block without its BEGIN line".to_string())?;
        let (label, der) = pem_rfc7468::decode_vec(&block.as_bytes()[start..])
            .map_err(|e| format!("certificate {}: {e}", certificates.len() + 1))?;
        if label != "CERTIFICATE" {
            return Err(format!(
                "unexpected PEM block {label:?} (expected CERTIFICATE)"
            ));
        }
        certificates.push(der);
    }
    if certificates.is_empty() {
        return Err("no PEM CERTIFICATE block".into());
    }
    Ok(certificates)
}
