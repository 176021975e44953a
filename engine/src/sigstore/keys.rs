//! Public keys of signers, logs and authorities, and signature checks over them: ECDSA
//! P-256 and P-384 (DER signatures), Ed25519, and RSA PKCS#1 v1.5 (private Fulcio and TSA
//! CAs). ECDSA and RSA are verified with aws-lc-rs, the project's TLS crypto provider.

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self as sig, ParsedPublicKey, UnparsedPublicKey};
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
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
    /// Parsed once for the curve's own hash, the common case (certificates, logs, SCTs).
    P256(ParsedPublicKey),
    P384(ParsedPublicKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa,
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
                    ParsedPublicKey::new(&sig::ECDSA_P256_SHA256_ASN1, bits)
                        .map_err(|_| "invalid P-256 public key point")?,
                )
            } else if curve == SECP384R1 {
                KeyKind::P384(
                    ParsedPublicKey::new(&sig::ECDSA_P384_SHA384_ASN1, bits)
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
            KeyKind::Rsa
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
            KeyKind::Rsa => "RSA",
        }
    }

    /// The hash the key signs messages with by default (the curve's own hash).
    fn default_hash(&self) -> Option<HashAlg> {
        match self.kind {
            KeyKind::P256(_) | KeyKind::Rsa => Some(HashAlg::Sha256),
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
        let verified = match (hash, &self.kind) {
            (_, KeyKind::Ed25519(_)) => return self.verify_ed25519(message, signature),
            (None, _) => {
                return Err(format!(
                    "no hash algorithm given for a {} key",
                    self.type_name()
                ));
            }
            (Some(HashAlg::Sha256), KeyKind::P256(key))
            | (Some(HashAlg::Sha384), KeyKind::P384(key)) => key.verify_sig(message, signature),
            (Some(hash), _) => {
                UnparsedPublicKey::new(self.algorithm(hash)?, &self.bits).verify(message, signature)
            }
        };
        verified.map_err(|_| format!("{} signature does not verify", self.type_name()))
    }

    /// The aws-lc-rs algorithm for this key with `hash`, when there is one.
    fn algorithm(&self, hash: HashAlg) -> Result<&'static dyn sig::VerificationAlgorithm, String> {
        Ok(match (&self.kind, hash) {
            (KeyKind::P256(_), HashAlg::Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
            (KeyKind::P256(_), HashAlg::Sha384) => &sig::ECDSA_P256_SHA384_ASN1,
            (KeyKind::P256(_), HashAlg::Sha512) => &sig::ECDSA_P256_SHA512_ASN1,
            (KeyKind::P384(_), HashAlg::Sha256) => &sig::ECDSA_P384_SHA256_ASN1,
            (KeyKind::P384(_), HashAlg::Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
            (KeyKind::P384(_), HashAlg::Sha512) => &sig::ECDSA_P384_SHA512_ASN1,
            (KeyKind::Rsa, HashAlg::Sha256) => &sig::RSA_PKCS1_2048_8192_SHA256,
            (KeyKind::Rsa, HashAlg::Sha384) => &sig::RSA_PKCS1_2048_8192_SHA384,
            (KeyKind::Rsa, HashAlg::Sha512) => &sig::RSA_PKCS1_2048_8192_SHA512,
            (KeyKind::Ed25519(_), _) => return Err("Ed25519 signs the message itself".into()),
        })
    }

    /// Verifies an ECDSA DER signature over an already computed SHA-256 digest.
    pub fn verify_prehash(&self, sha256: &[u8], signature: &[u8]) -> Result<(), String> {
        let KeyKind::P256(key) = &self.kind else {
            return Err(format!(
                "an {} signature cannot be checked against a SHA-256 digest alone: pass the artifact",
                self.type_name()
            ));
        };
        let digest = digest::Digest::import_less_safe(sha256, &digest::SHA256)
            .map_err(|_| "a SHA-256 digest is 32 bytes")?;
        key.verify_digest_sig(&digest, signature)
            .map_err(|_| "ECDSA P-256 signature does not verify".to_string())
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair};

    fn key_pair(signing: &'static sig::EcdsaSigningAlgorithm) -> (EcdsaKeyPair, PublicKey) {
        let pair = EcdsaKeyPair::generate(signing).expect("key pair");
        let spki = pair.public_key().as_der().expect("SPKI DER");
        let public = PublicKey::from_spki_der(spki.as_ref()).expect("public key");
        (pair, public)
    }

    #[test]
    fn p256_signatures_verify_over_the_message_and_over_its_sha256_digest() {
        let (pair, key) = key_pair(&sig::ECDSA_P256_SHA256_ASN1_SIGNING);
        let message = b"artifact bytes";
        let signature = pair.sign(&SystemRandom::new(), message).expect("signed");
        let digest = Sha256::digest(message);
        assert_eq!(key.type_name(), "ECDSA P-256");
        assert!(key.accepts_sha256_prehash());
        key.verify(message, signature.as_ref())
            .expect("over the message");
        key.verify_prehash(&digest, signature.as_ref())
            .expect("over the digest");
        let other = Sha256::digest(b"other bytes");
        assert_eq!(
            key.verify_prehash(&other, signature.as_ref()).unwrap_err(),
            "ECDSA P-256 signature does not verify"
        );
        assert!(
            key.verify_prehash(&digest[..31], signature.as_ref())
                .is_err()
        );
        assert!(key.verify(b"other bytes", signature.as_ref()).is_err());
    }

    #[test]
    fn p384_keys_verify_with_their_own_hash_and_refuse_digests() {
        let (pair, key) = key_pair(&sig::ECDSA_P384_SHA384_ASN1_SIGNING);
        let message = b"to-be-signed certificate";
        let signature = pair.sign(&SystemRandom::new(), message).expect("signed");
        assert_eq!(key.type_name(), "ECDSA P-384");
        assert!(!key.accepts_sha256_prehash());
        key.verify(message, signature.as_ref())
            .expect("ecdsa-with-SHA384");
        assert_eq!(
            key.verify_with(Some(HashAlg::Sha256), message, signature.as_ref())
                .unwrap_err(),
            "ECDSA P-384 signature does not verify"
        );
        assert!(
            key.verify_prehash(&Sha256::digest(message), signature.as_ref())
                .unwrap_err()
                .contains("pass the artifact")
        );
    }

    #[test]
    fn a_certificate_can_name_another_hash_than_the_curve_s_own() {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        let signing = p256::ecdsa::SigningKey::from_slice(&[7; 32]).expect("signing key");
        let spki = p256::pkcs8::EncodePublicKey::to_public_key_der(signing.verifying_key())
            .expect("SPKI DER");
        let key = PublicKey::from_spki_der(spki.as_bytes()).expect("public key");
        let message = b"to-be-signed certificate";
        let signature: p256::ecdsa::Signature = signing
            .sign_prehash(&Sha384::digest(message))
            .expect("signed");
        let der = signature.to_der();
        key.verify_with(Some(HashAlg::Sha384), message, der.as_bytes())
            .expect("ecdsa-with-SHA384 by a P-256 key");
        assert!(key.verify(message, der.as_bytes()).is_err());
        assert_eq!(
            key.verify_with(None, message, der.as_bytes()).unwrap_err(),
            "no hash algorithm given for a ECDSA P-256 key"
        );
    }

    #[test]
    fn points_off_the_curve_are_refused_when_the_key_is_read() {
        let (_, key) = key_pair(&sig::ECDSA_P256_SHA256_ASN1_SIGNING);
        let mut spki = key.spki_der().to_vec();
        let last = spki.len() - 1;
        spki[last] ^= 1;
        assert_eq!(
            PublicKey::from_spki_der(&spki).unwrap_err(),
            "invalid P-256 public key point"
        );
    }
}
