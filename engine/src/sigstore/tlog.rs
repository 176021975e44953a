//! Transparency log entries: the body must describe this very signature, key and artifact;
//! the signed entry timestamp (SET), the Merkle inclusion proof and the checkpoint must
//! verify under the log's key from the trusted root. sigstore-rs 0.15 checks none of the
//! proofs offline, so all of them are checked here.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::bundle::{BundleVersion, Envelope, TlogEntry};
use super::certs::Cert;
use super::checkpoint::Checkpoint;
use super::dsse;
use super::error::{Check, VerifyError, fail};
use super::keys::{PublicKey, decode_pem};
use super::merkle;
use super::time::{self, UnixTime};
use super::trust_root::{Log, TrustedRoot};

/// Tolerated clock skew for integrated times ahead of the verifier's clock.
const FUTURE_SKEW_SECONDS: i64 = 60;

/// Who signed, as the log entry must name it.
#[derive(Clone, Copy)]
pub enum Signer<'a> {
    Certificate(&'a Cert),
    Key(&'a PublicKey),
}

/// What was signed, as the log entry must name it.
#[derive(Clone, Copy)]
pub enum Signed<'a> {
    /// A message signature over an artifact with this SHA-256.
    Message {
        artifact_sha256: &'a [u8],
    },
    Dsse(&'a Envelope),
}

/// The facts an entry's body must agree with.
#[derive(Clone, Copy)]
pub struct Expected<'a> {
    pub signature: &'a [u8],
    pub signer: Signer<'a>,
    pub signed: Signed<'a>,
}

/// An entry that verified, with the log and the integrated time its SET vouches for.
pub struct VerifiedEntry<'r> {
    pub log: &'r Log,
    pub integrated_time: Option<UnixTime>,
}

/// Verifies one entry against the trusted root and the bundle's facts.
pub fn verify_entry<'r>(
    entry: &TlogEntry,
    version: BundleVersion,
    root: &'r TrustedRoot,
    expected: &Expected<'_>,
    now: UnixTime,
) -> Result<VerifiedEntry<'r>, VerifyError> {
    let log = root.tlog(&entry.log_id).ok_or_else(|| {
        fail(
            Check::TlogUnknownLog,
            format!(
                "the entry's log (id {}) is not a transparency log of the trusted root",
                BASE64.encode(&entry.log_id)
            ),
        )
    })?;
    check_body(entry, expected).map_err(|e| fail(Check::TlogBodyMismatch, e))?;

    if version == BundleVersion::V0_1 && entry.signed_entry_timestamp.is_none() {
        return Err(fail(
            Check::TlogMissing,
            "a v0.1 bundle's entry must carry an inclusion promise (signed entry timestamp)",
        ));
    }
    if version >= BundleVersion::V0_2 && entry.inclusion_proof.is_none() {
        return Err(fail(
            Check::TlogMissing,
            "the entry has no inclusion proof (required from bundle v0.2 on; no online lookup is made)",
        ));
    }
    let key = log.key.as_ref().map_err(|e| {
        fail(
            Check::TlogUnknownLog,
            format!("the key of log {} is unusable: {e}", log.base_url),
        )
    })?;

    let mut integrated_time = None;
    if let Some(set) = &entry.signed_entry_timestamp {
        let time = entry.integrated_time.ok_or_else(|| {
            fail(
                Check::TlogSetInvalid,
                "the entry has a signed entry timestamp but no integrated time",
            )
        })?;
        let payload = set_payload(entry, time);
        key.verify(payload.as_bytes(), set).map_err(|e| {
            fail(
                Check::TlogSetInvalid,
                format!("signed entry timestamp by {}: {e}", log.base_url),
            )
        })?;
        if time > now + FUTURE_SKEW_SECONDS {
            return Err(fail(
                Check::TlogTimeInvalid,
                format!(
                    "the integrated time {} is in the future",
                    time::format(time)
                ),
            ));
        }
        if !log.valid.contains(time) {
            return Err(fail(
                Check::TlogUnknownLog,
                format!(
                    "the log key of {} was valid {}, not at the integrated time {}",
                    log.base_url,
                    log.valid.describe(),
                    time::format(time)
                ),
            ));
        }
        integrated_time = Some(time);
    }

    if let Some(proof) = &entry.inclusion_proof {
        let leaf = merkle::leaf_hash(&entry.body);
        let computed = merkle::root_from_inclusion_proof(
            proof.log_index,
            proof.tree_size,
            leaf,
            &proof.hashes,
        )
        .map_err(|e| fail(Check::TlogInclusionInvalid, e))?;
        if computed.as_slice() != proof.root_hash.as_slice() {
            return Err(fail(
                Check::TlogInclusionInvalid,
                format!(
                    "the inclusion proof leads to root {} but the proof states {}",
                    hex::encode(computed),
                    hex::encode(&proof.root_hash)
                ),
            ));
        }
        match &proof.checkpoint {
            Some(text) => verify_checkpoint(text, proof.tree_size, &proof.root_hash, log)?,
            None if version >= BundleVersion::V0_2 => {
                return Err(fail(
                    Check::TlogCheckpointInvalid,
                    "the inclusion proof has no checkpoint",
                ));
            }
            None => {}
        }
    }
    Ok(VerifiedEntry {
        log,
        integrated_time,
    })
}

fn verify_checkpoint(
    text: &str,
    tree_size: u64,
    root_hash: &[u8],
    log: &Log,
) -> Result<(), VerifyError> {
    let invalid = |e: String| fail(Check::TlogCheckpointInvalid, e);
    let checkpoint = Checkpoint::parse(text).map_err(|e| invalid(format!("malformed: {e}")))?;
    if checkpoint.tree_size != tree_size || checkpoint.root_hash != root_hash {
        return Err(invalid(format!(
            "the checkpoint commits to size {} root {}, the proof to size {tree_size} root {}",
            checkpoint.tree_size,
            hex::encode(&checkpoint.root_hash),
            hex::encode(root_hash)
        )));
    }
    checkpoint.verify_signed_by(log).map_err(invalid)
}

/// The canonical JSON the SET signs (keys sorted, no whitespace).
fn set_payload(entry: &TlogEntry, integrated_time: i64) -> String {
    format!(
        r#"{{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}}"#,
        BASE64.encode(&entry.body),
        integrated_time,
        hex::encode(&entry.log_id),
        entry.log_index
    )
}

fn str_at<'v>(value: &'v Value, path: &[&str]) -> Result<&'v str, String> {
    let mut current = value;
    for key in path {
        current = current
            .get(key)
            .ok_or_else(|| format!("the entry body has no {}", path.join(".")))?;
    }
    current
        .as_str()
        .ok_or_else(|| format!("{} in the entry body is not a string", path.join(".")))
}

fn b64_at(value: &Value, path: &[&str]) -> Result<Vec<u8>, String> {
    BASE64
        .decode(str_at(value, path)?)
        .map_err(|_| format!("{} in the entry body is not base64", path.join(".")))
}

/// Checks that the body is of the kind the entry claims and describes this signature,
/// signer and artifact.
fn check_body(entry: &TlogEntry, expected: &Expected<'_>) -> Result<(), String> {
    let body: Value = serde_json::from_slice(&entry.body)
        .map_err(|e| format!("the entry body is not JSON: {e}"))?;
    let kind = str_at(&body, &["kind"])?;
    let api_version = str_at(&body, &["apiVersion"])?;
    if kind != entry.kind || api_version != entry.version {
        return Err(format!(
            "the body is {kind} {api_version} but the entry says {} {}",
            entry.kind, entry.version
        ));
    }
    let spec = body.get("spec").ok_or("the entry body has no spec")?;
    match (kind, api_version) {
        ("hashedrekord", "0.0.1") => hashedrekord_v001(spec, expected),
        ("hashedrekord", "0.0.2") => hashedrekord_v002(spec, expected),
        ("dsse", "0.0.1") => dsse_v001(spec, expected),
        ("intoto", "0.0.2") => intoto_v002(spec, expected),
        _ => Err(format!("unsupported entry type {kind} {api_version}")),
    }
}

fn same_signature(found: &[u8], expected: &Expected<'_>) -> Result<(), String> {
    if found == expected.signature {
        Ok(())
    } else {
        Err("the entry records a different signature than the bundle's".into())
    }
}

/// Checks a PEM certificate or public key named by the entry against the signer.
fn same_signer_pem(pem: &[u8], expected: &Expected<'_>) -> Result<(), String> {
    let (label, der) = decode_pem(pem).map_err(|e| format!("the entry's signer: {e}"))?;
    match label.as_str() {
        "CERTIFICATE" => same_signer_der(Some(&der), None, expected),
        "PUBLIC KEY" => same_signer_der(None, Some(&der), expected),
        other => Err(format!("the entry names a signer of PEM type {other:?}")),
    }
}

fn same_signer_der(
    certificate: Option<&[u8]>,
    spki: Option<&[u8]>,
    expected: &Expected<'_>,
) -> Result<(), String> {
    let matches = match (expected.signer, certificate, spki) {
        (Signer::Certificate(cert), Some(der), _) => der == cert.der.as_slice(),
        (Signer::Key(key), _, Some(der)) => der == key.spki_der(),
        _ => false,
    };
    if matches {
        Ok(())
    } else {
        Err("the entry names a different certificate or key than the bundle's signer".into())
    }
}

fn same_sha256_hex(found: &str, wanted: &[u8], what: &str) -> Result<(), String> {
    if found.eq_ignore_ascii_case(&hex::encode(wanted)) {
        Ok(())
    } else {
        Err(format!(
            "the entry records {what} sha256:{found}, expected sha256:{}",
            hex::encode(wanted)
        ))
    }
}

fn hashedrekord_v001(spec: &Value, expected: &Expected<'_>) -> Result<(), String> {
    let Signed::Message { artifact_sha256 } = expected.signed else {
        return Err("a hashedrekord 0.0.1 entry cannot record a DSSE envelope".into());
    };
    let algorithm = str_at(spec, &["data", "hash", "algorithm"])?;
    if algorithm != "sha256" {
        return Err(format!(
            "unsupported artifact hash {algorithm:?} in the entry"
        ));
    }
    same_sha256_hex(
        str_at(spec, &["data", "hash", "value"])?,
        artifact_sha256,
        "the artifact digest",
    )?;
    same_signature(&b64_at(spec, &["signature", "content"])?, expected)?;
    same_signer_pem(
        &b64_at(spec, &["signature", "publicKey", "content"])?,
        expected,
    )
}

fn hashedrekord_v002(spec: &Value, expected: &Expected<'_>) -> Result<(), String> {
    let spec = spec
        .get("hashedRekordV002")
        .ok_or("the entry body has no spec.hashedRekordV002")?;
    let algorithm = str_at(spec, &["data", "algorithm"])?;
    if algorithm != "SHA2_256" {
        return Err(format!(
            "unsupported digest algorithm {algorithm:?} in the entry"
        ));
    }
    let digest = b64_at(spec, &["data", "digest"])?;
    let wanted: Vec<u8> = match expected.signed {
        Signed::Message { artifact_sha256 } => artifact_sha256.to_vec(),
        Signed::Dsse(envelope) => {
            Sha256::digest(dsse::pae(&envelope.payload_type, &envelope.payload)).to_vec()
        }
    };
    if digest != wanted {
        return Err(format!(
            "the entry records digest sha256:{}, expected sha256:{}",
            hex::encode(&digest),
            hex::encode(&wanted)
        ));
    }
    same_signature(&b64_at(spec, &["signature", "content"])?, expected)?;
    verifier_v002(
        spec.get("signature").and_then(|s| s.get("verifier")),
        expected,
    )
}

/// A Rekor v2 verifier: `{x509Certificate: {rawBytes}}` or `{publicKey: {rawBytes}}`.
fn verifier_v002(verifier: Option<&Value>, expected: &Expected<'_>) -> Result<(), String> {
    let verifier = verifier.ok_or("the entry names no verifier")?;
    if verifier.get("x509Certificate").is_some() {
        let der = b64_at(verifier, &["x509Certificate", "rawBytes"])?;
        same_signer_der(Some(&der), None, expected)
    } else {
        let der = b64_at(verifier, &["publicKey", "rawBytes"])?;
        same_signer_der(None, Some(&der), expected)
    }
}

fn dsse_v001(spec: &Value, expected: &Expected<'_>) -> Result<(), String> {
    let Signed::Dsse(envelope) = expected.signed else {
        return Err("a dsse entry cannot record a message signature".into());
    };
    let algorithm = str_at(spec, &["payloadHash", "algorithm"])?;
    if algorithm != "sha256" {
        return Err(format!(
            "unsupported payload hash {algorithm:?} in the entry"
        ));
    }
    same_sha256_hex(
        str_at(spec, &["payloadHash", "value"])?,
        &Sha256::digest(&envelope.payload),
        "the payload digest",
    )?;
    let signatures = spec
        .get("signatures")
        .and_then(Value::as_array)
        .ok_or("the entry body has no spec.signatures")?;
    let [signature] = signatures.as_slice() else {
        return Err(format!(
            "the entry records {} signatures, the envelope one",
            signatures.len()
        ));
    };
    same_signature(&b64_at(signature, &["signature"])?, expected)?;
    same_signer_pem(&b64_at(signature, &["verifier"])?, expected)
}

fn intoto_v002(spec: &Value, expected: &Expected<'_>) -> Result<(), String> {
    let Signed::Dsse(envelope) = expected.signed else {
        return Err("an intoto entry cannot record a message signature".into());
    };
    let content = spec
        .get("content")
        .ok_or("the entry body has no spec.content")?;
    let algorithm = str_at(content, &["payloadHash", "algorithm"])?;
    if algorithm != "sha256" {
        return Err(format!(
            "unsupported payload hash {algorithm:?} in the entry"
        ));
    }
    same_sha256_hex(
        str_at(content, &["payloadHash", "value"])?,
        &Sha256::digest(&envelope.payload),
        "the payload digest",
    )?;
    let logged = content
        .get("envelope")
        .ok_or("the entry body has no spec.content.envelope")?;
    if str_at(logged, &["payloadType"])? != envelope.payload_type {
        return Err("the entry records a different payload type".into());
    }
    if logged.get("payload").is_some() {
        // Rekor stores the payload base64-encoded twice.
        let once = b64_at(logged, &["payload"])?;
        let payload = BASE64
            .decode(&once)
            .map_err(|_| "the entry's payload is not base64")?;
        if payload != envelope.payload {
            return Err("the entry records a different payload than the envelope's".into());
        }
    }
    let signatures = logged
        .get("signatures")
        .and_then(Value::as_array)
        .ok_or("the entry body has no envelope signatures")?;
    let [signature] = signatures.as_slice() else {
        return Err(format!(
            "the entry records {} signatures, the envelope one",
            signatures.len()
        ));
    };
    // Rekor stores the signature base64-encoded twice, too.
    let once = b64_at(signature, &["sig"])?;
    let sig = BASE64.decode(&once).map_err(
        |_| "the entry records a different signature than the bundle's (not base64 twice)",
    )?;
    same_signature(&sig, expected)?;
    same_signer_pem(&b64_at(signature, &["publicKey"])?, expected)
}
