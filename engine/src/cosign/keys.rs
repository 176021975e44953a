//! cosign's key formats: ECDSA P-256 keys, the private key sealed with a password
//! (scrypt + NaCl secretbox, PEM `ENCRYPTED SIGSTORE PRIVATE KEY`), the public key as a
//! PEM SubjectPublicKeyInfo, and signatures as ASN.1 DER.

use base64::engine::general_purpose::STANDARD as BASE64;
use crypto_secretbox::aead::{Aead, KeyInit};
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::Generate;
use p256::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The PEM label cosign 2 writes for an encrypted private key.
pub const PRIVATE_KEY_LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// The label of keys written by cosign before 2.0; still read.
const LEGACY_PRIVATE_KEY_LABEL: &str = "ENCRYPTED COSIGN PRIVATE KEY";
const KDF_NAME: &str = "scrypt";
const CIPHER_NAME: &str = "nacl/secretbox";
/// cosign's scrypt cost (N = 2^15, r = 8, p = 1); 2^16 is also accepted on read. Any other
/// parameters are refused so that a crafted key file cannot make decryption run for hours.
const SCRYPT_LOG_N: u8 = 15;
const SCRYPT_ACCEPTED_N: [u32; 2] = [1 << 15, 1 << 16];
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;
const SALT_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const BOX_KEY_LEN: usize = 32;

/// Why a key could not be read, created or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not a PEM file: {0}")]
    Pem(String),
    #[error(
        "unsupported PEM block {0:?} (expected {PRIVATE_KEY_LABEL:?} from cosign or tollgate generate-key-pair)"
    )]
    UnsupportedLabel(String),
    #[error("malformed encrypted key: {0}")]
    Malformed(String),
    #[error("cannot decrypt the private key: wrong password or corrupted key")]
    WrongPassword,
    #[error("unsupported key: {0} (tollgate signs and verifies with ECDSA P-256 keys)")]
    Unsupported(String),
    #[error("cannot generate a key: {0}")]
    Random(String),
}

/// A private signing key, as cosign keeps it.
#[derive(Clone)]
pub struct PrivateKey(SigningKey);

/// A public verification key, as cosign writes it (`cosign.pub`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PrivateKey {
    /// A fresh random P-256 key from the operating system's generator.
    pub fn generate() -> Result<Self, KeyError> {
        SigningKey::try_generate_from_rng(&mut getrandom::SysRng)
            .map(Self)
            .map_err(|e| KeyError::Random(e.to_string()))
    }

    /// Reads cosign's encrypted PEM format with the key's password.
    pub fn from_encrypted_pem(pem: &[u8], password: &[u8]) -> Result<Self, KeyError> {
        let (label, body) =
            pem_rfc7468::decode_vec(pem).map_err(|e| KeyError::Pem(e.to_string()))?;
        if label != PRIVATE_KEY_LABEL && label != LEGACY_PRIVATE_KEY_LABEL {
            return Err(KeyError::UnsupportedLabel(label.to_string()));
        }
        let sealed: SealedKey = serde_json::from_slice(&body)
            .map_err(|e| KeyError::Malformed(format!("invalid JSON: {e}")))?;
        let der = sealed.open(password)?;
        SigningKey::from_pkcs8_der(&der)
            .map(Self)
            .map_err(|e| KeyError::Unsupported(format!("not an ECDSA P-256 PKCS#8 key: {e}")))
    }

    /// Writes the key in cosign's encrypted PEM format, sealed with `password`.
    pub fn to_encrypted_pem(&self, password: &[u8]) -> Result<String, KeyError> {
        let der = self
            .0
            .to_pkcs8_der()
            .map_err(|e| KeyError::Malformed(e.to_string()))?;
        let sealed = SealedKey::seal(der.as_bytes(), password)?;
        let json = serde_json::to_vec(&sealed).map_err(|e| KeyError::Malformed(e.to_string()))?;
        pem_rfc7468::encode_string(PRIVATE_KEY_LABEL, LineEnding::LF, &json)
            .map_err(|e| KeyError::Pem(e.to_string()))
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(*self.0.verifying_key())
    }

    /// An ECDSA P-256 / SHA-256 signature over `message`, ASN.1 DER encoded as cosign
    /// stores it.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: DerSignature = self.0.sign(message);
        signature.as_bytes().to_vec()
    }
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey(P-256, redacted)")
    }
}

impl PublicKey {
    /// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), as `cosign.pub`.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let (label, _) =
            pem_rfc7468::decode_vec(pem.as_bytes()).map_err(|e| KeyError::Pem(e.to_string()))?;
        if label != "PUBLIC KEY" {
            return Err(KeyError::UnsupportedLabel(label.to_string()));
        }
        VerifyingKey::from_public_key_pem(pem)
            .map(Self)
            .map_err(|e| KeyError::Unsupported(format!("not an ECDSA P-256 public key: {e}")))
    }

    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.0
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| KeyError::Pem(e.to_string()))
    }

    /// Checks an ASN.1 DER (or, as cosign also accepts, fixed-size r||s) ECDSA P-256 /
    /// SHA-256 signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let parsed = Signature::from_der(signature).or_else(|_| Signature::from_slice(signature));
        parsed.is_ok_and(|s| self.0.verify(message, &s).is_ok())
    }

    /// A short fingerprint for messages: the first bytes of the SHA-256 of the key's DER.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest as _;
        let der = self
            .0
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default();
        hex::encode(&sha2::Sha256::digest(der)[..8])
    }
}

/// The JSON inside an encrypted cosign key.
#[derive(Serialize, Deserialize)]
struct SealedKey {
    kdf: Kdf,
    cipher: Cipher,
    #[serde(with = "base64_bytes")]
    ciphertext: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    name: String,
    params: ScryptParams,
    #[serde(with = "base64_bytes")]
    salt: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct ScryptParams {
    #[serde(rename = "N")]
    n: u32,
    r: u32,
    p: u32,
}

#[derive(Serialize, Deserialize)]
struct Cipher {
    name: String,
    #[serde(with = "base64_bytes")]
    nonce: Vec<u8>,
}

impl SealedKey {
    fn seal(plaintext: &[u8], password: &[u8]) -> Result<Self, KeyError> {
        let mut salt = vec![0; SALT_LEN];
        let mut nonce = vec![0; NONCE_LEN];
        getrandom::fill(&mut salt).map_err(|e| KeyError::Random(e.to_string()))?;
        getrandom::fill(&mut nonce).map_err(|e| KeyError::Random(e.to_string()))?;
        let kdf = Kdf {
            name: KDF_NAME.into(),
            params: ScryptParams {
                n: 1 << SCRYPT_LOG_N,
                r: SCRYPT_R,
                p: SCRYPT_P,
            },
            salt,
        };
        let key = kdf.derive(password)?;
        let ciphertext = secretbox(&key, &nonce)?
            .encrypt(crypto_secretbox::Nonce::from_slice(&nonce), plaintext)
            .map_err(|_| KeyError::Malformed("encryption failed".into()))?;
        Ok(Self {
            kdf,
            cipher: Cipher {
                name: CIPHER_NAME.into(),
                nonce,
            },
            ciphertext,
        })
    }

    fn open(&self, password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        if self.cipher.name != CIPHER_NAME {
            return Err(KeyError::Malformed(format!(
                "unsupported cipher {:?} (expected {CIPHER_NAME:?})",
                self.cipher.name
            )));
        }
        if self.cipher.nonce.len() != NONCE_LEN {
            return Err(KeyError::Malformed(format!(
                "nonce of {} bytes (expected {NONCE_LEN})",
                self.cipher.nonce.len()
            )));
        }
        let key = self.kdf.derive(password)?;
        secretbox(&key, &self.cipher.nonce)?
            .decrypt(
                crypto_secretbox::Nonce::from_slice(&self.cipher.nonce),
                self.ciphertext.as_slice(),
            )
            .map(Zeroizing::new)
            .map_err(|_| KeyError::WrongPassword)
    }
}

impl Kdf {
    fn derive(&self, password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let ScryptParams { n, r, p } = self.params;
        if self.name != KDF_NAME
            || !SCRYPT_ACCEPTED_N.contains(&n)
            || r != SCRYPT_R
            || p != SCRYPT_P
        {
            return Err(KeyError::Malformed(format!(
                "unsupported key derivation {} N={n} r={r} p={p} (expected scrypt N=32768 or 65536, r=8, p=1)",
                self.name
            )));
        }
        // N is a power of two (checked above), so its log2 is its count of trailing zeros.
        let log_n = u8::try_from(n.trailing_zeros()).unwrap_or(SCRYPT_LOG_N);
        let params = scrypt::Params::new(log_n, r, p)
            .map_err(|e| KeyError::Malformed(format!("scrypt parameters: {e}")))?;
        let mut key = Zeroizing::new(vec![0; BOX_KEY_LEN]);
        scrypt::scrypt(password, &self.salt, &params, &mut key)
            .map_err(|e| KeyError::Malformed(format!("scrypt: {e}")))?;
        Ok(key)
    }
}

fn secretbox(key: &[u8], nonce: &[u8]) -> Result<crypto_secretbox::XSalsa20Poly1305, KeyError> {
    if key.len() != BOX_KEY_LEN || nonce.len() != NONCE_LEN {
        return Err(KeyError::Malformed("bad key or nonce length".into()));
    }
    Ok(crypto_secretbox::XSalsa20Poly1305::new(
        crypto_secretbox::Key::from_slice(key),
    ))
}

mod base64_bytes {
    use super::BASE64;
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&BASE64.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        BASE64.decode(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_key_round_trips_and_rejects_a_wrong_password() {
        let key = PrivateKey::generate().unwrap();
        let pem = key.to_encrypted_pem(b"hunter2").unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"));
        let back = PrivateKey::from_encrypted_pem(pem.as_bytes(), b"hunter2").unwrap();
        assert_eq!(back.public_key(), key.public_key());
        assert_eq!(
            PrivateKey::from_encrypted_pem(pem.as_bytes(), b"hunter3").unwrap_err(),
            KeyError::WrongPassword
        );
    }

    #[test]
    fn signatures_verify_only_over_the_signed_message_and_key() {
        let key = PrivateKey::generate().unwrap();
        let other = PrivateKey::generate().unwrap();
        let signature = key.sign(b"payload");
        assert!(key.public_key().verify(b"payload", &signature));
        assert!(!key.public_key().verify(b"payloaD", &signature));
        assert!(!other.public_key().verify(b"payload", &signature));
        assert!(!key.public_key().verify(b"payload", b"not a signature"));
    }

    #[test]
    fn public_key_pem_round_trips() {
        let key = PrivateKey::generate().unwrap().public_key();
        let pem = key.to_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(PublicKey::from_pem(&pem).unwrap(), key);
        assert!(matches!(
            PublicKey::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
            Err(KeyError::UnsupportedLabel(_))
        ));
    }

    #[test]
    fn costly_scrypt_parameters_are_refused_before_deriving() {
        let key = PrivateKey::generate().unwrap();
        let pem = key.to_encrypted_pem(b"").unwrap();
        let (_, body) = pem_rfc7468::decode_vec(pem.as_bytes()).unwrap();
        let text = String::from_utf8(body)
            .unwrap()
            .replace("32768", "1073741824");
        let crafted =
            pem_rfc7468::encode_string(PRIVATE_KEY_LABEL, LineEnding::LF, text.as_bytes()).unwrap();
        let error = PrivateKey::from_encrypted_pem(crafted.as_bytes(), b"").unwrap_err();
        assert!(error.to_string().contains("N=1073741824"), "{error}");
    }
}
