//! The simple-signing payload that a cosign image signature signs: which image (by
//! manifest digest) under which name.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `critical.type` of a cosign image signature.
pub const SIGNATURE_TYPE: &str = "cosign container image signature";

/// A simple-signing payload (`application/vnd.dev.cosign.simplesigning.v1+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimpleSigning {
    pub critical: Critical,
    /// Free-form claims (`cosign sign -a key=value`); `null` when there are none.
    #[serde(default)]
    pub optional: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Critical {
    pub identity: Identity,
    pub image: Image,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    #[serde(rename = "docker-reference")]
    pub docker_reference: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    #[serde(rename = "docker-manifest-digest")]
    pub docker_manifest_digest: String,
}

impl SimpleSigning {
    /// The payload cosign writes for `repository` (registry/name, no tag) at `digest`.
    pub fn new(repository: &str, digest: &str) -> Self {
        Self {
            critical: Critical {
                identity: Identity {
                    docker_reference: repository.to_string(),
                },
                image: Image {
                    docker_manifest_digest: digest.to_string(),
                },
                kind: SIGNATURE_TYPE.to_string(),
            },
            optional: None,
        }
    }

    /// The payload's bytes as signed (compact JSON, cosign's key order).
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses a payload; only called on bytes whose signature already verified.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let payload: Self = serde_json::from_slice(bytes)
            .map_err(|e| format!("invalid simple-signing payload: {e}"))?;
        if payload.critical.kind != SIGNATURE_TYPE {
            return Err(format!(
                "simple-signing payload of type {:?} (expected {SIGNATURE_TYPE:?})",
                payload.critical.kind
            ));
        }
        Ok(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_has_cosign_shape() {
        let bytes = SimpleSigning::new("example.com/app", "sha256:abc").to_bytes();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            r#"{"critical":{"identity":{"docker-reference":"example.com/app"},"image":{"docker-manifest-digest":"sha256:abc"},"type":"cosign container image signature"},"optional":null}"#
        );
        assert_eq!(
            SimpleSigning::parse(&bytes)
                .unwrap()
                .critical
                .image
                .docker_manifest_digest,
            "sha256:abc"
        );
    }

    #[test]
    fn other_payload_types_are_refused() {
        let text = r#"{"critical":{"identity":{"docker-reference":"a"},"image":{"docker-manifest-digest":"sha256:abc"},"type":"something else"}}"#;
        assert!(SimpleSigning::parse(text.as_bytes()).is_err());
        assert!(SimpleSigning::parse(b"{").is_err());
    }
}
