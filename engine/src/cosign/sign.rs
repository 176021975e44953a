//! Writing signatures and attestations as cosign does: one layer per signature in the
//! manifest tagged `sha256-<hex>.sig` (or `.att`) beside the image, appended to what is
//! already there.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use oci_client::manifest::{OCI_IMAGE_MEDIA_TYPE, OciDescriptor, OciImageManifest};
use serde_json::{Value, json};

use super::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE, Statement};
use super::keys::PrivateKey;
use super::payload::SimpleSigning;
use super::{
    CosignError, DSSE_MEDIA_TYPE, PREDICATE_TYPE_ANNOTATION, SIGNATURE_ANNOTATION,
    SIMPLE_SIGNING_MEDIA_TYPE, attestation_tag, signature_tag,
};
use crate::oci::{self, Reference, Registry};

/// What was written to the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The digest of the image that was signed.
    pub image_digest: String,
    /// The signature (or attestation) manifest, tag and digest.
    pub reference: String,
    pub manifest_digest: String,
}

/// Signs the image `image` names (its tag resolved to a digest first) with `key` and
/// stores the signature at `sha256-<hex>.sig`.
pub async fn sign_image(
    registry: &Registry,
    image: &Reference,
    key: &PrivateKey,
    annotations: Option<Value>,
) -> Result<Signed, CosignError> {
    let digest = registry.resolve_digest(image).await?;
    let mut payload = SimpleSigning::new(&oci::repository_name(image), &digest);
    payload.optional = annotations;
    let payload = payload.to_bytes();
    let signature = BASE64.encode(key.sign(&payload));
    let layer_annotations = BTreeMap::from([(SIGNATURE_ANNOTATION.to_string(), signature)]);
    let tag = oci::at_tag(image, &signature_tag(&digest));
    let manifest_digest = append_layer(
        registry,
        &tag,
        SIMPLE_SIGNING_MEDIA_TYPE,
        &payload,
        layer_annotations,
    )
    .await?;
    Ok(Signed {
        image_digest: digest,
        reference: tag.whole(),
        manifest_digest,
    })
}

/// Attests `predicate` of `predicate_type` about the image with `key`: an in-toto
/// statement in a DSSE envelope, stored at `sha256-<hex>.att`.
pub async fn attest_image(
    registry: &Registry,
    image: &Reference,
    key: &PrivateKey,
    predicate_type: &str,
    predicate: Value,
) -> Result<Signed, CosignError> {
    let digest = registry.resolve_digest(image).await?;
    let statement = Statement::about_image(
        &oci::repository_name(image),
        &digest,
        predicate_type,
        predicate,
    );
    let statement = serde_json::to_vec(&statement)
        .map_err(|e| CosignError::Invalid(format!("cannot encode the statement: {e}")))?;
    let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, &statement, key);
    let annotations = BTreeMap::from([
        (SIGNATURE_ANNOTATION.to_string(), String::new()),
        (
            PREDICATE_TYPE_ANNOTATION.to_string(),
            predicate_type.to_string(),
        ),
    ]);
    let tag = oci::at_tag(image, &attestation_tag(&digest));
    let manifest_digest = append_layer(
        registry,
        &tag,
        DSSE_MEDIA_TYPE,
        &envelope.to_bytes(),
        annotations,
    )
    .await?;
    Ok(Signed {
        image_digest: digest,
        reference: tag.whole(),
        manifest_digest,
    })
}

/// cosign's `sign-blob --output-signature`: the base64 signature of `data`.
pub fn sign_blob(data: &[u8], key: &PrivateKey) -> String {
    BASE64.encode(key.sign(data))
}

/// Adds a layer (uploading its blob) to the manifest at `tag`, creating the manifest when
/// there is none and leaving it as it is when the same layer is already there.
pub async fn append_layer(
    registry: &Registry,
    tag: &Reference,
    media_type: &str,
    data: &[u8],
    annotations: BTreeMap<String, String>,
) -> Result<String, CosignError> {
    let existing = registry.manifest(tag).await?;
    let mut manifest = match &existing {
        Some(existing) => {
            serde_json::from_slice::<OciImageManifest>(&existing.bytes).map_err(|e| {
                CosignError::Invalid(format!("{} is not an image manifest: {e}", tag.whole()))
            })?
        }
        None => OciImageManifest {
            media_type: Some(OCI_IMAGE_MEDIA_TYPE.to_string()),
            ..OciImageManifest::default()
        },
    };
    let mut layer = registry.push_blob(tag, media_type, data).await?;
    layer.annotations = Some(annotations);
    if let Some(existing) = existing
        && manifest
            .layers
            .iter()
            .any(|l| l.digest == layer.digest && l.annotations == layer.annotations)
    {
        return Ok(existing.digest);
    }
    manifest.layers.push(layer);
    manifest.config = push_config(registry, tag, &manifest.layers).await?;
    Ok(registry
        .push_manifest(tag, OCI_IMAGE_MEDIA_TYPE, &to_json(&manifest)?)
        .await?)
}

/// The image config cosign writes for a signature image: its layers as diff ids.
async fn push_config(
    registry: &Registry,
    tag: &Reference,
    layers: &[OciDescriptor],
) -> Result<OciDescriptor, CosignError> {
    let diff_ids: Vec<&str> = layers.iter().map(|l| l.digest.as_str()).collect();
    let config = json!({
        "architecture": "",
        "created": "0001-01-01T00:00:00Z",
        "history": [{"created": "0001-01-01T00:00:00Z"}],
        "os": "",
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "config": {}
    });
    Ok(registry
        .push_blob(
            tag,
            oci_client::manifest::IMAGE_CONFIG_MEDIA_TYPE,
            &to_json(&config)?,
        )
        .await?)
}

fn to_json(value: &impl serde::Serialize) -> Result<Vec<u8>, CosignError> {
    serde_json::to_vec(value).map_err(|e| CosignError::Invalid(format!("cannot encode JSON: {e}")))
}
