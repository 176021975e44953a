//! `image verify-attestation`: finds an image's attestations (the `sha256-<hex>.att` tag
//! and Sigstore bundles among its referrers), verifies each DSSE envelope's signature
//! before reading anything in it, then checks that the in-toto statement is about this
//! image and of the wanted predicate type.

use serde::Serialize;

use super::cache::{CacheKey, VerificationCache};
use super::dsse::{Envelope, Statement};
use super::keyless::{KeylessMaterial, SignedContent};
use super::verify::{self, Signer};
use super::{
    BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, CosignError, DSSE_MEDIA_TYPE,
    attestation_tag, display,
};
use crate::oci::{self, Reference, Registry};

/// cosign's short names for predicate types (`--type`); anything else is used as given.
pub fn predicate_type_uri(name: &str) -> &str {
    match name {
        "slsaprovenance" | "slsaprovenance02" => "https://slsa.dev/provenance/v0.2",
        "slsaprovenance1" => "https://slsa.dev/provenance/v1",
        "spdx" | "spdxjson" => "https://spdx.dev/Document",
        "cyclonedx" => "https://cyclonedx.org/bom",
        "link" => "https://in-toto.io/Link/v1",
        "vuln" => "https://cosign.sigstore.dev/attestation/vuln/v1",
        "openvex" => "https://openvex.dev/ns",
        "custom" => "https://cosign.sigstore.dev/attestation/v1",
        other => other,
    }
}

/// An attestation whose envelope verified and whose statement is about the image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedAttestation {
    /// Where it was found: the `.att` tag or the referrer manifest digest.
    pub source: String,
    pub statement: Statement,
}

/// The verified attestations of one predicate type for an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedAttestations {
    pub image: String,
    pub digest: String,
    pub predicate_type: String,
    pub attestations: Vec<VerifiedAttestation>,
}

/// Verifies that `image` carries at least one attestation of `predicate_type` (a URI)
/// signed by `signer`, and returns every such attestation.
pub async fn verify_attestations(
    registry: &Registry,
    image: &Reference,
    signer: &Signer,
    predicate_type: &str,
    cache: Option<&VerificationCache>,
) -> Result<VerifiedAttestations, CosignError> {
    let digest = registry.resolve_digest(image).await?;
    let key = CacheKey::attestation(&digest, signer, predicate_type);
    if let Some(hit) = cache.and_then(|c| c.get_attestations(&key)) {
        return Ok(VerifiedAttestations {
            image: display(image),
            ..hit
        });
    }
    let subject = oci::at_digest(image, &digest);
    let tag = attestation_tag(&digest);
    let mut verified = Vec::new();
    let mut rejections = Vec::new();
    let mut candidates = 0;
    for layer in verify::tag_layers(registry, &oci::at_tag(image, &tag)).await? {
        if layer.media_type != DSSE_MEDIA_TYPE {
            continue;
        }
        candidates += 1;
        let annotation = |name: &str| {
            layer
                .annotations
                .as_ref()
                .and_then(|a| a.get(name))
                .map(String::as_str)
        };
        let envelope = Envelope::parse(&registry.blob(&subject, &layer).await?)?;
        let outcome = match signer {
            Signer::Key(key) => envelope
                .verify(key)
                .ok_or_else(|| verify::wrong_key(image, key, 1)),
            Signer::Keyless(policy) => policy.verify(&KeylessMaterial {
                content: SignedContent::Dsse(&envelope),
                certificate: annotation(CERTIFICATE_ANNOTATION),
                chain: annotation(CHAIN_ANNOTATION),
                bundle: annotation(BUNDLE_ANNOTATION),
            }),
        }
        .and_then(|payload| verify::check_statement(image, &digest, &payload, predicate_type));
        match outcome {
            Ok(statement) => verified.push(VerifiedAttestation {
                source: tag.clone(),
                statement,
            }),
            Err(error) => rejections.push(error),
        }
    }
    for bundle in verify::bundles(registry, &subject).await? {
        candidates += 1;
        match verify::check_bundle(image, &digest, &bundle, signer, predicate_type) {
            Ok(statement) => verified.push(VerifiedAttestation {
                source: bundle.source.clone(),
                statement,
            }),
            Err(error) => rejections.push(error),
        }
    }
    if verified.is_empty() {
        let no_attestation = CosignError::NoAttestation {
            image: display(image),
            kind: predicate_type.to_string(),
            tag,
        };
        return Err(
            verify::summarize(rejections, candidates, image, signer).unwrap_or(no_attestation)
        );
    }
    let result = VerifiedAttestations {
        image: display(image),
        digest,
        predicate_type: predicate_type.to_string(),
        attestations: verified,
    };
    if let Some(cache) = cache {
        cache.put_attestations(key, result.clone());
    }
    Ok(result)
}
