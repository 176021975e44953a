//! Public keys of signers, logs and authorities, and signature checks over them: ECDSA
//! P-256 and P-384 (DER signatures), Ed25519, and RSA PKCS#1 v1.5 (private Fulcio and TSA
//! CAs; verified with ring, the project's TLS crypto provider).

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::SubjectPublicKeyInfoRef;

const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// Decodes one PEM block into its label and DER; lenient about line lengths, as the
/// PEM that Rekor entries and cosign keys carry comes in every wrapping.
pub fn decode_pem(text: &[u8]) -> Result<(String, Vec<u8>), String> {
    let block = pem::parse(text).map_err(|e| format!("invalid PEM: {e}"))?;
    Ok((block.tag().to_string(), block.into_contents()))
}

/// A hash function named by a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// A verifying key of a supported type, with the DER SubjectPublicKeyInfo it came from.
#[derive(Debug, Clone)]
pub struct PublicKey {
    kind: KeyKind,
    spki_der: Vec<u8>,
    /// The raw key bits (SEC1 point, Ed25519 key or PKCS#1 RSA key).
    bits: Vec<u8>,
}

#[derive(Debug, Clone)]
enum KeyKind {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    /// The PKCS#1 RSAPublicKey DER.
    Rsa(Vec<u8>),
}

impl PublicKey {
    /// Parses a DER SubjectPublicKeyInfo; RSA and other types are refused by name.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, String> {
        let spki = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| format!("invalid SubjectPublicKeyInfo: {e}"))?;
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or("public key bit string has unused bits")?;
        let algorithm = spki.algorithm.oid;
        let kind = if algorithm == ID_EC_PUBLIC_KEY {
            let curve: ObjectIdentifier = spki
                .algorithm
                .parameters
                .ok_or("EC public key without a named curve")?
                .decode_as()
                .map_err(|e| format!("EC public key curve: {e}"))?;
            if curve == SECP256R1 {
                KeyKind::P256(
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(bits)
                        .map_err(|_| "invalid P-256 public key point")?,
                )
            } else if curve == SECP384R1 {
                KeyKind::P384(
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(bits)
                        .map_err(|_| "invalid P-384 public key point")?,
                )
            } else {
                return Err(format!("unsupported elliptic curve {curve}"));
            }
        } else if algorithm == ID_ED25519 {
            let bytes: &[u8; 32] = bits
                .try_into()
                .map_err(|_| "Ed25519 public key is not 32 bytes")?;
            KeyKind::Ed25519(
                ed25519_dalek::VerifyingKey::from_bytes(bytes)
                    .map_err(|_| "invalid Ed25519 public key")?,
            )
        } else if algorithm == RSA_ENCRYPTION {
            KeyKind::Rsa(bits.to_vec())
        } else {
            return Err(format!(
                "unsupported public key algorithm {algorithm} (supported: ECDSA P-256, P-384, Ed25519, RSA)"
            ));
        };
        Ok(PublicKey {
            kind,
            spki_der: spki.to_der().map_err(|e| e.to_string())?,
            bits: bits.to_vec(),
        })
    }

    /// Parses a PEM `PUBLIC KEY` block (cosign.pub).
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        let (label, der) = decode_pem(pem.as_bytes())?;
        if label != "PUBLIC KEY" {
            return Err(format!("expected a PEM PUBLIC KEY block, found {label:?}"));
        }
        Self::from_spki_der(&der)
    }

    /// The DER SubjectPublicKeyInfo, for comparing with keys named in log entries.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// A short name of the key type for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            KeyKind::P256(_) => "ECDSA P-256",
            KeyKind::P384(_) => "ECDSA P-384",
            KeyKind::Ed25519(_) => "Ed25519",
            KeyKind::Rsa(_) => "RSA",
        }
    }

    /// The hash the key signs messages with by default (the curve's own hash).
    fn default_hash(&self) -> Option<HashAlg> {
        match self.kind {
            KeyKind::P256(_) | KeyKind::Rsa(_) => Some(HashAlg::Sha256),
            KeyKind::P384(_) => Some(HashAlg::Sha384),
            KeyKind::Ed25519(_) => None,
        }
    }

    /// Verifies a signature over `message` with the key's own hash (SHA-256 for P-256,
    /// SHA-384 for P-384, none for Ed25519).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), String> {
        self.verify_with(self.default_hash(), message, signature)
    }

    /// Verifies a signature over `message` hashed with `hash` (from a certificate's
    /// signature algorithm); Ed25519 ignores `hash`.
    pub fn verify_with(
        &self,
        hash: Option<HashAlg>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), String> {
        if let Some(algorithm) = self.ring_ecdsa(hash) {
            // ring's assembly ECDSA is several times faster than the portable code, and
            // verification dominates the cost of checking a bundle.
            return ring::signature::UnparsedPublicKey::new(algorithm, &self.bits)
                .verify(message, signature)
                .map_err(|_| format!("{} signature does not verify", self.type_name()));
        }
        match (hash, &self.kind) {
            (_, KeyKind::Ed25519(_)) => self.verify_ed25519(message, signature),
            (Some(hash), KeyKind::Rsa(der)) => {
                let algorithm: &dyn ring::signature::VerificationAlgorithm = match hash {
                    HashAlg::Sha256 => &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                    HashAlg::Sha384 => &ring::signature::RSA_PKCS1_2048_8192_SHA384,
                    HashAlg::Sha512 => &ring::signature::RSA_PKCS1_2048_8192_SHA512,
                };
                ring::signature::UnparsedPublicKey::new(algorithm, der)
                    .verify(message, signature)
                    .map_err(|_| "RSA PKCS#1 v1.5 signature does not verify".to_string())
            }
            (Some(hash), _) => self.verify_prehash(&hash.digest(message), signature),
            (None, _) => Err(format!(
                "no hash algorithm given for a {} key",
                self.type_name()
            )),
        }
    }

    /// ring's ECDSA verifier for this key and hash, when it has one (uncompressed points).
    fn ring_ecdsa(
        &self,
        hash: Option<HashAlg>,
    ) -> Option<&'static ring::signature::EcdsaVerificationAlgorithm> {
        use ring::signature as sig;
        if self.bits.first() != Some(&0x04) {
            return None;
        }
        match (&self.kind, hash?) {
            (KeyKind::P256(_), HashAlg::Sha256) => Some(&sig::ECDSA_P256_SHA256_ASN1),
            (KeyKind::P256(_), HashAlg::Sha384) => Some(&sig::ECDSA_P256_SHA384_ASN1),
            (KeyKind::P384(_), HashAlg::Sha256) => Some(&sig::ECDSA_P384_SHA256_ASN1),
            (KeyKind::P384(_), HashAlg::Sha384) => Some(&sig::ECDSA_P384_SHA384_ASN1),
            _ => None,
        }
    }

    /// Verifies an ECDSA DER signature over an already computed digest.
    pub fn verify_prehash(&self, digest: &[u8], signature: &[u8]) -> Result<(), String> {
        match &self.kind {
            KeyKind::P256(key) => {
                let sig = p256::ecdsa::Signature::from_der(signature)
                    .map_err(|_| "signature is not a DER ECDSA P-256 signature")?;
                key.verify_prehash(digest, &sig)
                    .map_err(|_| "ECDSA P-256 signature does not verify".to_string())
            }
            KeyKind::P384(key) => {
                let sig = p384::ecdsa::Signature::from_der(signature)
                    .map_err(|_| "signature is not a DER ECDSA P-384 signature")?;
                key.verify_prehash(digest, &sig)
                    .map_err(|_| "ECDSA P-384 signature does not verify".to_string())
            }
            KeyKind::Ed25519(_) | KeyKind::Rsa(_) => Err(format!(
                "an {} signature cannot be checked against a digest alone: pass the artifact",
                self.type_name()
            )),
        }
    }

    /// Whether signatures of this key over a message can be checked from its SHA-256 digest.
    pub fn accepts_sha256_prehash(&self) -> bool {
        matches!(self.kind, KeyKind::P256(_))
    }

    fn verify_ed25519(&self, message: &[u8], signature: &[u8]) -> Result<(), String> {
        let KeyKind::Ed25519(key) = &self.kind else {
            return Err("not an Ed25519 key".into());
        };
        let sig = ed25519_dalek::Signature::from_slice(signature)
            .map_err(|_| "signature is not a 64-byte Ed25519 signature")?;
        key.verify_strict(message, &sig)
            .map_err(|_| "Ed25519 signature does not verify".to_string())
    }
}
