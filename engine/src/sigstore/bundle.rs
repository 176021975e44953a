//! Sigstore bundles (`application/vnd.dev.sigstore.bundle+json;version=0.1|0.2|0.3` and
//! `application/vnd.dev.sigstore.bundle.v0.3+json`) parsed into typed, decoded form:
//! every base64 field, certificate and integer is decoded here, so a malformed bundle is
//! rejected before any check runs.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Deserializer};

use super::certs::Cert;
use super::error::{Check, VerifyError, fail};

/// Bundle format versions; they differ in what tlog proof they require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BundleVersion {
    /// v0.1: the signed entry timestamp (inclusion promise) is required.
    V0_1,
    /// v0.2: an inclusion proof with a checkpoint is required.
    V0_2,
    /// v0.3: as v0.2, with a single certificate instead of a chain.
    V0_3,
}

/// What the signature is checked with.
#[derive(Debug, Clone)]
pub enum Material {
    /// A key the verifier must supply (`--key`); the bundle only hints at it.
    PublicKey { hint: Option<String> },
    /// A Fulcio leaf certificate (intermediates in the bundle are not trusted).
    Certificate(Box<Cert>),
}

/// The signed content.
#[derive(Debug, Clone)]
pub enum Content {
    /// A signature over the artifact itself; `digest` is the bundle's (unauthenticated)
    /// SHA-256 of it, when given.
    Message {
        digest: Option<Vec<u8>>,
        signature: Vec<u8>,
    },
    /// A DSSE envelope, usually an in-toto statement whose subject is the artifact.
    Dsse(Envelope),
}

/// A DSSE envelope with its payload and signatures decoded.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub payload_type: String,
    pub payload: Vec<u8>,
    pub signatures: Vec<Vec<u8>>,
}

impl Envelope {
    /// Parses a DSSE envelope on its own (the blob of a cosign `.att` layer).
    pub fn from_json(json: &[u8]) -> Result<Self, VerifyError> {
        let raw: RawEnvelope = serde_json::from_slice(json)
            .map_err(|e| invalid(format!("not a valid DSSE envelope: {e}")))?;
        Self::decode(raw, "")
    }

    /// Decodes the base64 fields; `prefix` places them in the document for errors.
    fn decode(raw: RawEnvelope, prefix: &str) -> Result<Self, VerifyError> {
        Ok(Self {
            payload: b64(&format!("{prefix}payload"), &raw.payload)?,
            payload_type: raw.payload_type,
            signatures: raw
                .signatures
                .iter()
                .map(|s| b64(&format!("{prefix}signatures[].sig"), &s.sig))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// A transparency log entry.
#[derive(Debug, Clone)]
pub struct TlogEntry {
    pub log_index: u64,
    pub log_id: Vec<u8>,
    pub kind: String,
    pub version: String,
    /// Unix seconds; absent (or 0) for Rekor v2 entries.
    pub integrated_time: Option<i64>,
    /// The signed entry timestamp (inclusion promise).
    pub signed_entry_timestamp: Option<Vec<u8>>,
    pub inclusion_proof: Option<InclusionProof>,
    /// The canonicalized body as logged (JSON bytes).
    pub body: Vec<u8>,
}

/// A Merkle inclusion proof with the checkpoint it commits to.
#[derive(Debug, Clone)]
pub struct InclusionProof {
    pub log_index: u64,
    pub root_hash: Vec<u8>,
    pub tree_size: u64,
    pub hashes: Vec<Vec<u8>>,
    pub checkpoint: Option<String>,
}

/// A decoded bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub version: BundleVersion,
    pub material: Material,
    pub content: Content,
    pub tlog_entries: Vec<TlogEntry>,
    /// RFC 3161 timestamp tokens (DER).
    pub timestamps: Vec<Vec<u8>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBundle {
    media_type: String,
    verification_material: RawMaterial,
    message_signature: Option<RawMessageSignature>,
    dsse_envelope: Option<RawEnvelope>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMaterial {
    public_key: Option<RawKeyId>,
    x509_certificate_chain: Option<RawChain>,
    certificate: Option<RawCert>,
    #[serde(default)]
    tlog_entries: Vec<RawTlogEntry>,
    timestamp_verification_data: Option<RawTimestampData>,
}

#[derive(Deserialize)]
struct RawKeyId {
    hint: Option<String>,
}

#[derive(Deserialize)]
struct RawChain {
    #[serde(default)]
    certificates: Vec<RawCert>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCert {
    raw_bytes: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTimestampData {
    #[serde(default)]
    rfc3161_timestamps: Vec<RawTimestamp>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTimestamp {
    signed_timestamp: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMessageSignature {
    message_digest: Option<RawDigest>,
    signature: String,
}

#[derive(Deserialize)]
struct RawDigest {
    algorithm: String,
    digest: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEnvelope {
    payload: String,
    payload_type: String,
    #[serde(default)]
    signatures: Vec<RawEnvelopeSignature>,
}

#[derive(Deserialize)]
struct RawEnvelopeSignature {
    sig: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTlogEntry {
    #[serde(deserialize_with = "int64")]
    log_index: i64,
    log_id: RawLogId,
    kind_version: RawKindVersion,
    #[serde(default, deserialize_with = "opt_int64")]
    integrated_time: Option<i64>,
    inclusion_promise: Option<RawPromise>,
    inclusion_proof: Option<RawInclusionProof>,
    canonicalized_body: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLogId {
    key_id: String,
}

#[derive(Deserialize)]
struct RawKindVersion {
    kind: String,
    version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPromise {
    signed_entry_timestamp: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawInclusionProof {
    #[serde(deserialize_with = "int64")]
    log_index: i64,
    root_hash: String,
    #[serde(deserialize_with = "int64")]
    tree_size: i64,
    #[serde(default)]
    hashes: Vec<String>,
    checkpoint: Option<RawCheckpoint>,
}

#[derive(Deserialize)]
struct RawCheckpoint {
    envelope: String,
}

/// Protobuf JSON writes int64 as a string; numbers are accepted too.
fn int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Int {
        Number(i64),
        Text(String),
    }
    match Int::deserialize(deserializer)? {
        Int::Number(n) => Ok(n),
        Int::Text(text) => text
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is not an integer"))),
    }
}

fn opt_int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    int64(deserializer).map(Some)
}

fn invalid(detail: impl Into<String>) -> VerifyError {
    fail(Check::BundleInvalid, detail)
}

/// Decodes standard base64; line breaks are skipped, as protobuf JSON readers do.
fn b64(field: &str, text: &str) -> Result<Vec<u8>, VerifyError> {
    let decoded = if text.contains(['\n', '\r']) {
        let joined: String = text.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
        BASE64.decode(joined)
    } else {
        BASE64.decode(text)
    };
    decoded.map_err(|e| invalid(format!("{field} is not valid base64: {e}")))
}

fn non_negative(field: &str, value: i64) -> Result<u64, VerifyError> {
    u64::try_from(value).map_err(|_| invalid(format!("{field} is negative ({value})")))
}

impl Bundle {
    /// Parses and decodes a bundle.
    pub fn from_json(json: &[u8]) -> Result<Self, VerifyError> {
        let raw: RawBundle = serde_json::from_slice(json)
            .map_err(|e| invalid(format!("not a valid Sigstore bundle: {e}")))?;
        let version = match raw.media_type.as_str() {
            "application/vnd.dev.sigstore.bundle+json;version=0.1" => BundleVersion::V0_1,
            "application/vnd.dev.sigstore.bundle+json;version=0.2" => BundleVersion::V0_2,
            "application/vnd.dev.sigstore.bundle+json;version=0.3"
            | "application/vnd.dev.sigstore.bundle.v0.3+json" => BundleVersion::V0_3,
            other => {
                return Err(invalid(format!(
                    "unsupported bundle media type {other:?} (supported: versions 0.1, 0.2, 0.3)"
                )));
            }
        };
        let material = parse_material(&raw.verification_material)?;
        let content = match (raw.message_signature, raw.dsse_envelope) {
            (Some(message), None) => {
                let digest = message
                    .message_digest
                    .map(|d| {
                        if d.algorithm != "SHA2_256" {
                            return Err(invalid(format!(
                                "unsupported messageDigest algorithm {:?}",
                                d.algorithm
                            )));
                        }
                        b64("messageSignature.messageDigest.digest", &d.digest)
                    })
                    .transpose()?;
                Content::Message {
                    digest,
                    signature: b64("messageSignature.signature", &message.signature)?,
                }
            }
            (None, Some(envelope)) => Content::Dsse(Envelope::decode(envelope, "dsseEnvelope.")?),
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "the bundle has both messageSignature and dsseEnvelope",
                ));
            }
            (None, None) => {
                return Err(invalid(
                    "the bundle has neither messageSignature nor dsseEnvelope",
                ));
            }
        };
        let tlog_entries = raw
            .verification_material
            .tlog_entries
            .into_iter()
            .enumerate()
            .map(|(i, entry)| parse_entry(i, entry))
            .collect::<Result<_, _>>()?;
        let timestamps = raw
            .verification_material
            .timestamp_verification_data
            .map(|data| data.rfc3161_timestamps)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, t)| {
                b64(
                    &format!("timestampVerificationData.rfc3161Timestamps[{i}]"),
                    &t.signed_timestamp,
                )
            })
            .collect::<Result<_, _>>()?;
        Ok(Bundle {
            version,
            material,
            content,
            tlog_entries,
            timestamps,
        })
    }

    /// The signature bytes that timestamps and log entries refer to.
    pub fn signature(&self) -> Result<&[u8], VerifyError> {
        match &self.content {
            Content::Message { signature, .. } => Ok(signature),
            Content::Dsse(envelope) => match envelope.signatures.as_slice() {
                [signature] => Ok(signature),
                other => Err(invalid(format!(
                    "the DSSE envelope must carry exactly one signature, found {}",
                    other.len()
                ))),
            },
        }
    }
}

fn parse_material(raw: &RawMaterial) -> Result<Material, VerifyError> {
    let chosen = [
        raw.public_key.is_some(),
        raw.x509_certificate_chain.is_some(),
        raw.certificate.is_some(),
    ]
    .iter()
    .filter(|&&present| present)
    .count();
    if chosen != 1 {
        return Err(invalid(
            "verificationMaterial must hold exactly one of publicKey, x509CertificateChain, certificate",
        ));
    }
    if let Some(key) = &raw.public_key {
        return Ok(Material::PublicKey {
            hint: key.hint.clone(),
        });
    }
    let ders: Vec<Vec<u8>> = if let Some(chain) = &raw.x509_certificate_chain {
        chain
            .certificates
            .iter()
            .enumerate()
            .map(|(i, c)| {
                b64(
                    &format!("x509CertificateChain.certificates[{i}].rawBytes"),
                    &c.raw_bytes,
                )
            })
            .collect::<Result<_, _>>()?
    } else if let Some(cert) = &raw.certificate {
        vec![b64("certificate.rawBytes", &cert.raw_bytes)?]
    } else {
        Vec::new()
    };
    let mut certs = ders.iter().enumerate().map(|(i, der)| {
        Cert::from_der(der).map_err(|e| invalid(format!("certificate {i} of the bundle: {e}")))
    });
    let leaf = certs
        .next()
        .ok_or_else(|| invalid("the bundle's certificate chain is empty"))??;
    if leaf.is_ca().map_err(invalid)? {
        return Err(invalid(
            "the first certificate of the bundle is a CA certificate, not a signing leaf",
        ));
    }
    for cert in certs {
        let cert = cert?;
        // Client policy of the bundle format: a chain must not carry its own root, which a
        // careless verifier could take as a trust anchor.
        if cert.is_self_issued() {
            return Err(invalid(format!(
                "the bundle's certificate chain contains the root certificate {:?}",
                cert.subject_text()
            )));
        }
    }
    Ok(Material::Certificate(Box::new(leaf)))
}

fn parse_entry(index: usize, raw: RawTlogEntry) -> Result<TlogEntry, VerifyError> {
    let field = |name: &str| format!("tlogEntries[{index}].{name}");
    let inclusion_proof = raw
        .inclusion_proof
        .map(|proof| -> Result<InclusionProof, VerifyError> {
            Ok(InclusionProof {
                log_index: non_negative(&field("inclusionProof.logIndex"), proof.log_index)?,
                root_hash: b64(&field("inclusionProof.rootHash"), &proof.root_hash)?,
                tree_size: non_negative(&field("inclusionProof.treeSize"), proof.tree_size)?,
                hashes: proof
                    .hashes
                    .iter()
                    .map(|h| b64(&field("inclusionProof.hashes[]"), h))
                    .collect::<Result<_, _>>()?,
                checkpoint: proof.checkpoint.map(|c| c.envelope),
            })
        })
        .transpose()?;
    Ok(TlogEntry {
        log_index: non_negative(&field("logIndex"), raw.log_index)?,
        log_id: b64(&field("logId.keyId"), &raw.log_id.key_id)?,
        kind: raw.kind_version.kind,
        version: raw.kind_version.version,
        integrated_time: raw.integrated_time.filter(|&t| t != 0),
        signed_entry_timestamp: raw
            .inclusion_promise
            .map(|p| {
                b64(
                    &field("inclusionPromise.signedEntryTimestamp"),
                    &p.signed_entry_timestamp,
                )
            })
            .transpose()?,
        inclusion_proof,
        body: b64(&field("canonicalizedBody"), &raw.canonicalized_body)?,
    })
}
