//! `image verify`: finds an image's signatures (the `sha256-<hex>.sig` tag and Sigstore
//! bundles among its referrers), verifies each over its payload, and checks that the
//! signed payload names this image (digest and repository). One good signature suffices,
//! as with cosign; when none is good the most telling rejection is reported.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use futures_util::future::{join, join_all};
use oci_client::manifest::{OciDescriptor, OciImageManifest};
use serde::Serialize;
use serde_json::Value;

use super::cache::{CacheKey, VerificationCache};
use super::dsse::{Envelope, Statement};
use super::keyless::{KeylessMaterial, KeylessPolicy, SignedContent};
use super::keys::PublicKey;
use super::payload::SimpleSigning;
use super::{
    BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, CosignError, SIGNATURE_ANNOTATION,
    SIMPLE_SIGNING_MEDIA_TYPE, display, most_telling, signature_tag,
};
use crate::oci::{self, Reference, Registry};

/// The predicate type of an image signature in the Sigstore bundle format (cosign 3).
pub const BUNDLE_SIGNATURE_PREDICATE: &str = "https://sigstore.dev/cosign/sign/v1";
/// Artifact types (prefix) of Sigstore bundles stored as referrers.
const BUNDLE_ARTIFACT_PREFIX: &str = "application/vnd.dev.sigstore.bundle";

/// Whose signature counts.
#[derive(Debug, Clone)]
pub enum Signer {
    /// Signed with the private key of this public key (`--key cosign.pub`).
    Key(PublicKey),
    /// Signed keyless by an identity that the policy accepts.
    Keyless(Box<KeylessPolicy>),
}

impl Signer {
    /// What identifies this signer in the verification cache.
    pub fn cache_id(&self) -> String {
        match self {
            Self::Key(key) => format!("key:{}", key.fingerprint()),
            Self::Keyless(policy) => format!("keyless:{}", policy.describe()),
        }
    }
}

/// A signature that verified, with what it signed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedSignature {
    /// Where it was found: the `.sig` tag or the referrer manifest digest.
    pub source: String,
    /// The signed claims: the simple-signing payload, or the bundle's in-toto statement.
    pub payload: Value,
}

/// An image whose signature verified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedImage {
    pub image: String,
    pub digest: String,
    pub signatures: Vec<VerifiedSignature>,
}

/// Verifies that `image` carries a signature by `signer`; with a cache, a digest verified
/// before (within the cache's lifetime) is answered without fetching signatures again.
pub async fn verify_image(
    registry: &Registry,
    image: &Reference,
    signer: &Signer,
    cache: Option<&VerificationCache>,
) -> Result<VerifiedImage, CosignError> {
    let digest = registry.resolve_digest(image).await?;
    let key = CacheKey::signature(&digest, signer);
    if let Some(hit) = cache.and_then(|c| c.get_signature(&key)) {
        return Ok(VerifiedImage {
            image: display(image),
            ..hit
        });
    }
    let subject = oci::at_digest(image, &digest);
    let tag = signature_tag(&digest);
    // The signature tag and the referrers are looked up at the same time.
    let sig_tag = oci::at_tag(image, &tag);
    let from_tag = async {
        let layers = tag_layers(registry, &sig_tag).await?;
        let checks = layers
            .iter()
            .filter(|l| l.media_type == SIMPLE_SIGNING_MEDIA_TYPE)
            .map(|l| check_layer(registry, image, &subject, &digest, l, signer));
        Ok::<_, CosignError>(join_all(checks).await)
    };
    let (from_tag, bundles) = join(from_tag, bundles(registry, &subject)).await;
    let mut verified = Vec::new();
    let mut rejections = Vec::new();
    for outcome in from_tag? {
        match outcome {
            Ok(payload) => verified.push(VerifiedSignature {
                source: tag.clone(),
                payload,
            }),
            Err(error) => rejections.push(error),
        }
    }
    for bundle in tolerate_referrers_failure(bundles, !verified.is_empty())? {
        match check_bundle(image, &digest, &bundle, signer, BUNDLE_SIGNATURE_PREDICATE) {
            Ok(statement) => verified.push(VerifiedSignature {
                source: bundle.source.clone(),
                payload: serde_json::to_value(statement).unwrap_or_default(),
            }),
            Err(error) => rejections.push(error),
        }
    }
    if verified.is_empty() {
        let count = rejections.len();
        return Err(summarize(rejections, count, image, signer).unwrap_or(
            CosignError::NoSignature {
                image: display(image),
                tag,
            },
        ));
    }
    let result = VerifiedImage {
        image: display(image),
        digest,
        signatures: verified,
    };
    if let Some(cache) = cache {
        cache.put_signature(key, result.clone());
    }
    Ok(result)
}

/// A failed referrers lookup only hides candidates, so it cannot make an image pass: it is
/// ignored when a signature already verified (some registries answer the referrers API
/// with errors), and reported otherwise.
pub(crate) fn tolerate_referrers_failure(
    bundles: Result<Vec<Bundle>, CosignError>,
    already_verified: bool,
) -> Result<Vec<Bundle>, CosignError> {
    match bundles {
        Err(_) if already_verified => Ok(Vec::new()),
        other => other,
    }
}

/// The layers of the manifest at `tag`; none when there is no such tag.
pub(crate) async fn tag_layers(
    registry: &Registry,
    tag: &Reference,
) -> Result<Vec<OciDescriptor>, CosignError> {
    let Some(manifest) = registry.manifest(tag).await? else {
        return Ok(Vec::new());
    };
    let manifest: OciImageManifest = serde_json::from_slice(&manifest.bytes).map_err(|e| {
        CosignError::Invalid(format!("{} is not an image manifest: {e}", tag.whole()))
    })?;
    Ok(manifest.layers)
}

/// One simple-signing layer: signature over the payload, then the payload's claims.
async fn check_layer(
    registry: &Registry,
    image: &Reference,
    subject: &Reference,
    digest: &str,
    layer: &OciDescriptor,
    signer: &Signer,
) -> Result<Value, CosignError> {
    let annotation = |name: &str| {
        layer
            .annotations
            .as_ref()
            .and_then(|a| a.get(name))
            .map(String::as_str)
    };
    let signature = annotation(SIGNATURE_ANNOTATION).ok_or_else(|| {
        CosignError::Invalid(format!(
            "signature layer {} has no {SIGNATURE_ANNOTATION} annotation",
            layer.digest
        ))
    })?;
    let payload = registry.blob(subject, layer).await?;
    match signer {
        Signer::Key(key) => {
            let valid = BASE64
                .decode(signature.trim())
                .is_ok_and(|signature| key.verify(&payload, &signature));
            if !valid {
                return Err(wrong_key(image, key, 1));
            }
        }
        Signer::Keyless(policy) => {
            policy.verify(&KeylessMaterial {
                content: SignedContent::SimpleSigning {
                    payload: &payload,
                    signature,
                },
                certificate: annotation(CERTIFICATE_ANNOTATION),
                bundle: annotation(BUNDLE_ANNOTATION),
            })?;
        }
    }
    // Verified: the claims may now be read.
    let claims = SimpleSigning::parse(&payload).map_err(CosignError::Invalid)?;
    if claims.critical.image.docker_manifest_digest != digest {
        return Err(CosignError::DigestMismatch {
            image: display(image),
            expected: digest.to_string(),
            found: claims.critical.image.docker_manifest_digest,
        });
    }
    check_reference(image, &claims.critical.identity.docker_reference)?;
    serde_json::to_value(&claims).map_err(|e| CosignError::Invalid(e.to_string()))
}

/// The payload must name the image's repository (registry defaults and Docker Hub's
/// `library/` applied on both sides).
fn check_reference(image: &Reference, signed: &str) -> Result<(), CosignError> {
    let same = oci::parse_reference(signed).is_ok_and(|r| {
        r.resolve_registry() == image.resolve_registry() && r.repository() == image.repository()
    });
    if same {
        Ok(())
    } else {
        Err(CosignError::ReferenceMismatch {
            expected: oci::repository_name(image),
            found: signed.to_string(),
        })
    }
}

/// A Sigstore bundle found among an image's referrers.
pub(crate) struct Bundle {
    pub source: String,
    pub json: Value,
}

/// The Sigstore bundles that refer to `subject` (a reference by digest).
pub(crate) async fn bundles(
    registry: &Registry,
    subject: &Reference,
) -> Result<Vec<Bundle>, CosignError> {
    let mut found = Vec::new();
    for referrer in registry.referrers(subject).await? {
        let is_bundle = referrer
            .artifact_type
            .as_deref()
            .is_some_and(|t| t.starts_with(BUNDLE_ARTIFACT_PREFIX));
        if !is_bundle {
            continue;
        }
        let manifest_ref = oci::at_digest(subject, &referrer.digest);
        for layer in tag_layers(registry, &manifest_ref).await? {
            if !layer.media_type.starts_with(BUNDLE_ARTIFACT_PREFIX) {
                continue;
            }
            let bytes = registry.blob(subject, &layer).await?;
            let json = serde_json::from_slice(&bytes).map_err(|e| {
                CosignError::Invalid(format!("invalid Sigstore bundle {}: {e}", layer.digest))
            })?;
            found.push(Bundle {
                source: referrer.digest.clone(),
                json,
            });
        }
    }
    Ok(found)
}

/// A bundle's DSSE envelope: signature first, then the statement's subject and type.
pub(crate) fn check_bundle(
    image: &Reference,
    digest: &str,
    bundle: &Bundle,
    signer: &Signer,
    predicate_type: &str,
) -> Result<Statement, CosignError> {
    let envelope = bundle.json.get("dsseEnvelope").ok_or_else(|| {
        CosignError::Invalid(format!(
            "Sigstore bundle {} has no DSSE envelope (message-signature bundles sign blobs, not images)",
            bundle.source
        ))
    })?;
    let envelope = Envelope::parse(envelope.to_string().as_bytes())?;
    let payload = match signer {
        Signer::Key(key) => envelope
            .verify(key)
            .ok_or_else(|| wrong_key(image, key, 1))?,
        Signer::Keyless(policy) => policy.verify_bundle(&bundle.json, digest)?,
    };
    check_statement(image, digest, &payload, predicate_type)
}

/// A verified in-toto payload: about this image, of the expected predicate type.
pub(crate) fn check_statement(
    image: &Reference,
    digest: &str,
    payload: &[u8],
    predicate_type: &str,
) -> Result<Statement, CosignError> {
    let statement = Statement::parse(payload)?;
    if statement.predicate_type != predicate_type {
        return Err(CosignError::OtherPredicateType {
            expected: predicate_type.to_string(),
            found: statement.predicate_type,
        });
    }
    if !statement.is_about(digest) {
        return Err(CosignError::SubjectMismatch {
            image: display(image),
            expected: digest.to_string(),
            found: statement.subject_digests(),
        });
    }
    Ok(statement)
}

pub(crate) fn wrong_key(image: &Reference, key: &PublicKey, count: usize) -> CosignError {
    CosignError::WrongKey {
        image: display(image),
        count,
        key: key.fingerprint(),
    }
}

/// The error to report when every candidate was rejected (`None` when there were none,
/// or only statements of other predicate types, which verify but do not count).
pub(crate) fn summarize(
    rejections: Vec<CosignError>,
    count: usize,
    image: &Reference,
    signer: &Signer,
) -> Option<CosignError> {
    let telling = rejections
        .into_iter()
        .filter(|e| !matches!(e, CosignError::OtherPredicateType { .. }))
        .collect();
    match most_telling(telling)? {
        CosignError::WrongKey { .. } => Some(match signer {
            Signer::Key(key) => wrong_key(image, key, count),
            Signer::Keyless(_) => CosignError::Invalid("no keyless signature verifies".into()),
        }),
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosign::attestation::verify_attestations;
    use crate::cosign::keys::PrivateKey;
    use crate::oci::RegistryOptions;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn docker_reference_is_compared_with_registry_defaults_applied() {
        let hub = oci::parse_reference("busybox:1.36").unwrap();
        // cosign names Docker Hub images by their index host.
        assert!(check_reference(&hub, "index.docker.io/library/busybox").is_ok());
        assert!(check_reference(&hub, "docker.io/library/busybox").is_ok());
        assert!(check_reference(&hub, "docker.io/other/busybox").is_err());
        let private = oci::parse_reference("127.0.0.1:5000/team/app@sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf").unwrap();
        assert!(check_reference(&private, "127.0.0.1:5000/team/app").is_ok());
        assert!(check_reference(&private, "127.0.0.1:5001/team/app").is_err());
        assert!(check_reference(&private, "not a reference!").is_err());
    }

    /// The admission webhook runs these flows on a multi-threaded runtime.
    #[test]
    fn verification_futures_are_send() {
        let registry = Registry::new(RegistryOptions::default()).unwrap();
        let image = oci::parse_reference("example.com/app:1").unwrap();
        let signer = Signer::Key(PrivateKey::generate().unwrap().public_key());
        let cache = VerificationCache::new(std::time::Duration::from_secs(1), 1);
        assert_send(&verify_image(&registry, &image, &signer, Some(&cache)));
        assert_send(&verify_attestations(
            &registry,
            &image,
            &signer,
            "https://slsa.dev/provenance/v0.2",
            Some(&cache),
        ));
    }
}
