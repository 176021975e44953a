//! DSSE envelopes (signatures over the pre-authentication encoding) and the in-toto
//! statements they carry. An envelope's payload is only reachable through
//! [`Envelope::verify`], so nothing can read an unverified statement by mistake.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::CosignError;
use super::keys::{PrivateKey, PublicKey};

/// The payload type of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The statement type cosign writes.
pub const STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";
/// The current statement type, also accepted.
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";

/// A DSSE envelope as stored in an attestation layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    payload_type: String,
    payload: String,
    signatures: Vec<EnvelopeSignature>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct EnvelopeSignature {
    #[serde(default)]
    keyid: String,
    sig: String,
}

/// DSSE's pre-authentication encoding: what the signature covers.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

impl Envelope {
    /// Signs `payload` of `payload_type` with `key`.
    pub fn sign(payload_type: &str, payload: &[u8], key: &PrivateKey) -> Self {
        Self {
            payload_type: payload_type.to_string(),
            payload: BASE64.encode(payload),
            signatures: vec![EnvelopeSignature {
                keyid: String::new(),
                sig: BASE64.encode(key.sign(&pae(payload_type, payload))),
            }],
        }
    }

    /// Parses an envelope; its payload stays sealed until [`Envelope::verify`].
    pub fn parse(bytes: &[u8]) -> Result<Self, CosignError> {
        serde_json::from_slice(bytes)
            .map_err(|e| CosignError::Invalid(format!("invalid DSSE envelope: {e}")))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn payload_type(&self) -> &str {
        &self.payload_type
    }

    /// The payload, once one of the envelope's signatures verifies with `key` over the
    /// PAE of the payload type and payload; `None` otherwise (or when it is malformed).
    pub fn verify(&self, key: &PublicKey) -> Option<Vec<u8>> {
        let payload = BASE64.decode(&self.payload).ok()?;
        let message = pae(&self.payload_type, &payload);
        self.signatures
            .iter()
            .filter_map(|s| BASE64.decode(&s.sig).ok())
            .any(|sig| key.verify(&message, &sig))
            .then_some(payload)
    }
}

/// An in-toto statement: what the predicate says, about which artifacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    #[serde(rename = "_type")]
    pub statement_type: String,
    pub predicate_type: String,
    pub subject: Vec<Subject>,
    #[serde(default)]
    pub predicate: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    #[serde(default)]
    pub name: String,
    pub digest: BTreeMap<String, String>,
}

impl Statement {
    /// A statement about the image `name` at `digest` (`sha256:<hex>`).
    pub fn about_image(name: &str, digest: &str, predicate_type: &str, predicate: Value) -> Self {
        let (algorithm, hex) = digest.split_once(':').unwrap_or(("sha256", digest));
        Self {
            statement_type: STATEMENT_V01.to_string(),
            predicate_type: predicate_type.to_string(),
            subject: vec![Subject {
                name: name.to_string(),
                digest: BTreeMap::from([(algorithm.to_string(), hex.to_string())]),
            }],
            predicate,
        }
    }

    /// Parses a verified payload as a statement.
    pub fn parse(payload: &[u8]) -> Result<Self, CosignError> {
        let statement: Self = serde_json::from_slice(payload)
            .map_err(|e| CosignError::Invalid(format!("invalid in-toto statement: {e}")))?;
        if statement.statement_type != STATEMENT_V01 && statement.statement_type != STATEMENT_V1 {
            return Err(CosignError::Invalid(format!(
                "unsupported in-toto statement type {:?}",
                statement.statement_type
            )));
        }
        Ok(statement)
    }

    /// Whether one of the subjects is the artifact with this `sha256:<hex>` digest.
    pub fn is_about(&self, digest: &str) -> bool {
        let Some((algorithm, hex)) = digest.split_once(':') else {
            return false;
        };
        self.subject.iter().any(|s| {
            s.digest
                .get(algorithm)
                .is_some_and(|d| d.eq_ignore_ascii_case(hex))
        })
    }

    /// The subjects' digests, for messages.
    pub fn subject_digests(&self) -> String {
        let digests: Vec<String> = self
            .subject
            .iter()
            .flat_map(|s| s.digest.iter().map(|(a, d)| format!("{a}:{d}")))
            .collect();
        if digests.is_empty() {
            "no subject".to_string()
        } else {
            digests.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_specification() {
        // The example of the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn envelope_opens_only_with_the_signing_key_and_untouched_payload() {
        let key = PrivateKey::generate().unwrap();
        let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{}", &key);
        let parsed = Envelope::parse(&envelope.to_bytes()).unwrap();
        assert_eq!(parsed.verify(&key.public_key()), Some(b"{}".to_vec()));
        let other = PrivateKey::generate().unwrap();
        assert_eq!(parsed.verify(&other.public_key()), None);
        let mut tampered: Value = serde_json::from_slice(&envelope.to_bytes()).unwrap();
        tampered["payload"] = Value::from(BASE64.encode(b"[]"));
        let tampered = Envelope::parse(&serde_json::to_vec(&tampered).unwrap()).unwrap();
        assert_eq!(tampered.verify(&key.public_key()), None);
    }

    #[test]
    fn statement_subject_matches_by_digest() {
        let statement = Statement::about_image(
            "example.com/app",
            "sha256:ABCD",
            "https://slsa.dev/provenance/v0.2",
            Value::Null,
        );
        assert!(statement.is_about("sha256:abcd"));
        assert!(!statement.is_about("sha256:abce"));
        assert!(!statement.is_about("sha512:abcd"));
        let round = Statement::parse(&serde_json::to_vec(&statement).unwrap()).unwrap();
        assert_eq!(round, statement);
    }
}
