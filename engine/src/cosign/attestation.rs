//! `image verify-attestation`: finds an image's attestations (the `sha256-<hex>.att` tag
//! and Sigstore bundles among its referrers), verifies each DSSE envelope's signature
//! before reading anything in it, then checks that the in-toto statement is about this
//! image and of the wanted predicate type.

use futures_util::future::{join, join_all};
use oci_client::manifest::OciDescriptor;
use serde::Serialize;

use super::cache::{CacheKey, VerificationCache};
use super::dsse::{Envelope, Statement};
use super::keyless::{KeylessMaterial, SignedContent};
use super::verify::{self, Signer};
use super::{
    BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, CosignError, DSSE_MEDIA_TYPE, attestation_tag,
    display,
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
    // The attestation tag and the referrers are looked up at the same time.
    let att_tag = oci::at_tag(image, &tag);
    let from_tag = async {
        let layers = verify::tag_layers(registry, &att_tag).await?;
        let checks = layers
            .iter()
            .filter(|l| l.media_type == DSSE_MEDIA_TYPE)
            .map(|l| {
                check_layer(
                    registry,
                    image,
                    &subject,
                    &digest,
                    l,
                    signer,
                    predicate_type,
                )
            });
        Ok::<_, CosignError>(join_all(checks).await)
    };
    let (from_tag, bundles) = join(from_tag, verify::bundles(registry, &subject)).await;
    let from_tag = from_tag?;
    let any_verified = from_tag.iter().any(Result::is_ok);
    let bundles = verify::tolerate_referrers_failure(bundles, any_verified)?;
    let candidates = from_tag.len() + bundles.len();
    let mut verified = Vec::new();
    let mut rejections = Vec::new();
    for outcome in from_tag {
        match outcome {
            Ok(statement) => verified.push(VerifiedAttestation {
                source: tag.clone(),
                statement,
            }),
            Err(error) => rejections.push(error),
        }
    }
    for bundle in bundles {
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

/// One DSSE layer: the envelope's signature first, then the statement it carries.
async fn check_layer(
    registry: &Registry,
    image: &Reference,
    subject: &Reference,
    digest: &str,
    layer: &OciDescriptor,
    signer: &Signer,
    predicate_type: &str,
) -> Result<Statement, CosignError> {
    let annotation = |name: &str| {
        layer
            .annotations
            .as_ref()
            .and_then(|a| a.get(name))
            .map(String::as_str)
    };
    let envelope = Envelope::parse(&registry.blob(subject, layer).await?)?;
    let payload = match signer {
        Signer::Key(key) => envelope
            .verify(key)
            .ok_or_else(|| verify::wrong_key(image, key, 1))?,
        Signer::Keyless(policy) => policy.verify(&KeylessMaterial {
            content: SignedContent::Dsse {
                envelope: &envelope,
                image_digest: digest,
            },
            certificate: annotation(CERTIFICATE_ANNOTATION),
            bundle: annotation(BUNDLE_ANNOTATION),
        })?,
    };
    verify::check_statement(image, digest, &payload, predicate_type)
}
