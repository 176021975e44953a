//! cosign's legacy OCI signature layers (`sha256-<digest>.sig` images): the layer blob is
//! the simple-signing payload, and its annotations carry the signature
//! (`dev.cosignproject.cosign/signature`), the Fulcio certificate and chain
//! (`dev.sigstore.cosign/certificate`, `dev.sigstore.cosign/chain`) and the Rekor bundle
//! (`dev.sigstore.cosign/bundle`: the signed entry timestamp with the canonicalized body).
//! Attestation layers (`sha256-<digest>.att`) carry a DSSE envelope as the blob and the
//! same certificate and bundle annotations. Either layer is turned into a v0.1 bundle and
//! verified by the same pipeline.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use serde_json::Value;

use super::bundle::{Bundle, BundleVersion, Content, Envelope, Material, TlogEntry};
use super::certs::Cert;
use super::error::{Check, VerifyError, fail};
use super::verifier::{Artifact, Verified, Verifier};

/// The annotation holding the base64 signature over the payload.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// The annotation holding the PEM Fulcio leaf certificate.
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// The annotation holding the PEM intermediate chain (informational: the trusted root's
/// CAs are used).
pub const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";
/// The annotation holding the Rekor bundle JSON.
pub const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";

/// One signature layer of a cosign signature image.
#[derive(Debug, Clone, Copy)]
pub struct SignatureLayer<'a> {
    /// The layer blob: the simple-signing JSON payload that was signed.
    pub payload: &'a [u8],
    /// The `dev.cosignproject.cosign/signature` annotation (base64).
    pub signature: &'a str,
    /// The `dev.sigstore.cosign/certificate` annotation (PEM), for keyless signatures.
    pub certificate: Option<&'a str>,
    /// The `dev.sigstore.cosign/bundle` annotation (Rekor SET and entry).
    pub rekor_bundle: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RekorBundle {
    signed_entry_timestamp: String,
    payload: RekorPayload,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RekorPayload {
    body: String,
    integrated_time: i64,
    log_index: i64,
    #[serde(rename = "logID")]
    log_id: String,
}

fn invalid(detail: impl Into<String>) -> VerifyError {
    fail(Check::BundleInvalid, detail)
}

impl SignatureLayer<'_> {
    /// Converts the layer into a v0.1 bundle (message signature, SET, no inclusion proof).
    pub fn to_bundle(&self) -> Result<Bundle, VerifyError> {
        let signature = BASE64
            .decode(self.signature.trim())
            .map_err(|e| invalid(format!("{SIGNATURE_ANNOTATION} is not base64: {e}")))?;
        Ok(Bundle {
            version: BundleVersion::V0_1,
            material: material(self.certificate)?,
            content: Content::Message {
                digest: None,
                signature,
            },
            tlog_entries: vec![rekor_entry(self.rekor_bundle)?],
            timestamps: Vec::new(),
        })
    }
}

/// One layer of a cosign attestation image (`sha256-<digest>.att`): the blob is a DSSE
/// envelope whose statement is about the image; the annotations are those of a
/// [`SignatureLayer`] (the signature is inside the envelope).
#[derive(Debug, Clone, Copy)]
pub struct AttestationLayer<'a> {
    /// The layer blob: the DSSE envelope (JSON).
    pub envelope: &'a [u8],
    /// The `dev.sigstore.cosign/certificate` annotation (PEM), for keyless attestations.
    pub certificate: Option<&'a str>,
    /// The `dev.sigstore.cosign/bundle` annotation (Rekor SET and `intoto` entry).
    pub rekor_bundle: Option<&'a str>,
}

impl AttestationLayer<'_> {
    /// Converts the layer into a v0.1 bundle (DSSE envelope, SET, no inclusion proof).
    pub fn to_bundle(&self) -> Result<Bundle, VerifyError> {
        Ok(Bundle {
            version: BundleVersion::V0_1,
            material: material(self.certificate)?,
            content: Content::Dsse(Envelope::from_json(self.envelope)?),
            tlog_entries: vec![rekor_entry(self.rekor_bundle)?],
            timestamps: Vec::new(),
        })
    }
}

/// The signer a layer names: its Fulcio certificate, or the policy's key.
fn material(certificate: Option<&str>) -> Result<Material, VerifyError> {
    Ok(match certificate {
        Some(pem) => Material::Certificate(Box::new(
            Cert::from_pem(pem).map_err(|e| invalid(format!("{CERTIFICATE_ANNOTATION}: {e}")))?,
        )),
        None => Material::PublicKey { hint: None },
    })
}

/// The Rekor entry of the `dev.sigstore.cosign/bundle` annotation, with its SET.
fn rekor_entry(raw: Option<&str>) -> Result<TlogEntry, VerifyError> {
    let raw = raw.ok_or_else(|| {
        fail(
            Check::TlogMissing,
            format!("the layer has no {BUNDLE_ANNOTATION} annotation (transparency log entry)"),
        )
    })?;
    let rekor: RekorBundle = serde_json::from_str(raw)
        .map_err(|e| invalid(format!("{BUNDLE_ANNOTATION} is not a Rekor bundle: {e}")))?;
    let body = BASE64.decode(&rekor.payload.body).map_err(|e| {
        invalid(format!(
            "{BUNDLE_ANNOTATION} Payload.body is not base64: {e}"
        ))
    })?;
    let parsed: Value = serde_json::from_slice(&body)
        .map_err(|e| invalid(format!("{BUNDLE_ANNOTATION} Payload.body is not JSON: {e}")))?;
    let field = |name: &str| {
        parsed
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| invalid(format!("{BUNDLE_ANNOTATION} entry body has no {name}")))
    };
    Ok(TlogEntry {
        log_index: u64::try_from(rekor.payload.log_index)
            .map_err(|_| invalid(format!("{BUNDLE_ANNOTATION} logIndex is negative")))?,
        log_id: hex::decode(&rekor.payload.log_id)
            .map_err(|e| invalid(format!("{BUNDLE_ANNOTATION} logID is not hex: {e}")))?,
        kind: field("kind")?,
        version: field("apiVersion")?,
        integrated_time: Some(rekor.payload.integrated_time),
        signed_entry_timestamp: Some(BASE64.decode(&rekor.signed_entry_timestamp).map_err(
            |e| {
                invalid(format!(
                    "{BUNDLE_ANNOTATION} SignedEntryTimestamp is not base64: {e}"
                ))
            },
        )?),
        inclusion_proof: None,
        body,
    })
}

impl Verifier {
    /// Verifies a cosign legacy signature layer: the signature over the payload (by the
    /// policy's key, or by the Fulcio certificate for the policy's identity), the Rekor SET
    /// and entry body, the certificate chain at the integrated time and the SCT. Checking
    /// that the payload names the image's digest is the caller's part.
    pub fn verify_cosign_layer(&self, layer: &SignatureLayer<'_>) -> Result<Verified, VerifyError> {
        let bundle = layer.to_bundle()?;
        self.verify(&bundle, Artifact::Bytes(layer.payload))
    }

    /// Verifies a cosign legacy attestation layer as [`Verifier::verify_cosign_layer`]
    /// does a signature, plus that the in-toto statement is about the image (`sha256`).
    pub fn verify_cosign_attestation_layer(
        &self,
        layer: &AttestationLayer<'_>,
        image_sha256: [u8; 32],
    ) -> Result<Verified, VerifyError> {
        let bundle = layer.to_bundle()?;
        self.verify(&bundle, Artifact::Sha256(image_sha256))
    }
}
