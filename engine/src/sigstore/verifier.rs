//! The verification pipeline. Each step is a function that fails with the [`Check`] it
//! performs: material vs policy, signature over the content, log entries, timestamps,
//! certificate chain at the verified times, SCT, identity and issuer.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::bundle::{Bundle, Content, Material};
use super::certs::{self, Cert};
use super::dsse;
use super::error::{Check, VerifyError, fail};
use super::keys::PublicKey;
use super::policy::Policy;
use super::sct;
use super::time::{self, UnixTime};
use super::timestamp;
use super::tlog::{self, Expected, Signed, Signer};
use super::trust_root::{Authority, TrustedRoot};

/// The artifact a bundle is checked against: its bytes, or only its SHA-256 digest
/// (enough for ECDSA P-256 message signatures and for DSSE subjects).
#[derive(Debug, Clone, Copy)]
pub enum Artifact<'a> {
    Bytes(&'a [u8]),
    Sha256([u8; 32]),
}

impl Artifact<'_> {
    fn sha256(&self) -> [u8; 32] {
        match self {
            Artifact::Bytes(bytes) => Sha256::digest(bytes).into(),
            Artifact::Sha256(digest) => *digest,
        }
    }
}

/// Where a verified time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSource {
    /// A transparency log's integrated time, vouched for by its signed entry timestamp.
    TransparencyLog,
    /// An RFC 3161 timestamp from a timestamp authority of the trusted root.
    TimestampAuthority,
}

/// A time at which the signature is proven to have existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedTime {
    pub time: UnixTime,
    pub source: TimeSource,
}

/// What a successful verification established.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The certificate's SAN identities (empty in key mode).
    pub identity: Vec<String>,
    /// The certificate's OIDC issuer (None in key mode).
    pub issuer: Option<String>,
    /// The verified signing times.
    pub times: Vec<VerifiedTime>,
    /// The transparency logs (base URLs) whose entries verified.
    pub logs: Vec<String>,
    /// The DSSE payload (e.g. the in-toto statement) when the bundle signed one.
    pub dsse_payload: Option<Vec<u8>>,
}

/// Verifies bundles against one trusted root and one policy; cheap to share across
/// threads and requests.
#[derive(Debug, Clone)]
pub struct Verifier {
    root: TrustedRoot,
    policy: Policy,
    now: Option<UnixTime>,
    /// Leaf certificates whose issuer signature already verified (SHA-256 of the leaf DER
    /// and the CA's index): a webhook sees the same signing certificate for every pod of
    /// an image. Only the signature is remembered; validity times are checked every time.
    issued: Arc<Mutex<HashSet<[u8; 32]>>>,
}

/// Most remembered leaf certificates; the set is emptied when full.
const ISSUED_CACHE_CAPACITY: usize = 4096;

impl Verifier {
    pub fn new(root: TrustedRoot, policy: Policy) -> Self {
        Verifier {
            root,
            policy,
            now: None,
            issued: Arc::default(),
        }
    }

    /// Fixes the verifier's clock (for tests and replays); default: the system clock.
    pub fn with_now(mut self, now: UnixTime) -> Self {
        self.now = Some(now);
        self
    }

    /// A verifier with the same root, policy and clock that remembers no certificate.
    pub fn clone_without_cache(&self) -> Self {
        Verifier {
            issued: Arc::default(),
            ..self.clone()
        }
    }

    pub fn trusted_root(&self) -> &TrustedRoot {
        &self.root
    }

    /// Verifies a message-signature bundle over an artifact with this SHA-256 digest.
    pub fn verify_message(
        &self,
        bundle: &Bundle,
        sha256: [u8; 32],
    ) -> Result<Verified, VerifyError> {
        if !matches!(bundle.content, Content::Message { .. }) {
            return Err(fail(
                Check::BundleInvalid,
                "the bundle holds a DSSE envelope, not a message signature",
            ));
        }
        self.verify(bundle, Artifact::Sha256(sha256))
    }

    /// Verifies a DSSE bundle whose in-toto statement names a subject with this digest;
    /// the verified payload is in [`Verified::dsse_payload`].
    pub fn verify_dsse(
        &self,
        bundle: &Bundle,
        subject_sha256: [u8; 32],
    ) -> Result<Verified, VerifyError> {
        if !matches!(bundle.content, Content::Dsse(_)) {
            return Err(fail(
                Check::BundleInvalid,
                "the bundle holds a message signature, not a DSSE envelope",
            ));
        }
        self.verify(bundle, Artifact::Sha256(subject_sha256))
    }

    /// Whether `bundle` can only be checked with the artifact's bytes, not its SHA-256
    /// digest: message signatures by Ed25519 or P-384 keys sign the whole message.
    pub fn needs_artifact_bytes(&self, bundle: &Bundle) -> bool {
        if !matches!(bundle.content, Content::Message { .. }) {
            return false;
        }
        match self.signer(&bundle.material) {
            Ok(Signer::Key(key)) => !key.accepts_sha256_prehash(),
            Ok(Signer::Certificate(cert)) => cert
                .public_key()
                .is_ok_and(|key| !key.accepts_sha256_prehash()),
            Err(_) => false,
        }
    }

    /// Runs every check on `bundle` for `artifact`.
    pub fn verify(&self, bundle: &Bundle, artifact: Artifact<'_>) -> Result<Verified, VerifyError> {
        let now = self.now.unwrap_or_else(time::now);
        let artifact_sha256 = artifact.sha256();
        let signature = bundle.signature()?;
        let signer = self.signer(&bundle.material)?;
        let key = match signer {
            Signer::Key(key) => key,
            Signer::Certificate(cert) => cert.public_key().map_err(|e| {
                fail(
                    Check::CertificateUntrusted,
                    format!("the signing certificate's key: {e}"),
                )
            })?,
        };
        check_content(&bundle.content, key, signature, artifact, &artifact_sha256)?;

        let signed = match &bundle.content {
            Content::Message { .. } => Signed::Message {
                artifact_sha256: &artifact_sha256,
            },
            Content::Dsse(envelope) => Signed::Dsse(envelope),
        };
        let expected = Expected {
            signature,
            signer,
            signed,
        };

        let mut times = Vec::new();
        for (i, token) in bundle.timestamps.iter().enumerate() {
            let time = timestamp::verify(token, signature, &self.root).map_err(|e| {
                fail(
                    Check::TimestampInvalid,
                    format!("RFC 3161 timestamp {i}: {e}"),
                )
            })?;
            times.push(VerifiedTime {
                time,
                source: TimeSource::TimestampAuthority,
            });
        }
        let tsa_times: Vec<UnixTime> = times.iter().map(|t| t.time).collect();

        if bundle.tlog_entries.is_empty() {
            return Err(fail(
                Check::TlogMissing,
                "the bundle has no transparency log entry",
            ));
        }
        let mut logs = Vec::new();
        for entry in &bundle.tlog_entries {
            let verified = tlog::verify_entry(entry, bundle.version, &self.root, &expected, now)?;
            match verified.integrated_time {
                Some(time) => times.push(VerifiedTime {
                    time,
                    source: TimeSource::TransparencyLog,
                }),
                None => {
                    // A Rekor v2 entry carries no time: its log key must have been valid
                    // when the timestamp authority saw the signature.
                    if tsa_times.is_empty() {
                        return Err(fail(
                            Check::TimestampMissing,
                            "the log entry carries no signed integrated time and the bundle no RFC 3161 timestamp",
                        ));
                    }
                    if let Some(&t) = tsa_times.iter().find(|&&t| !verified.log.valid.contains(t)) {
                        return Err(fail(
                            Check::TlogUnknownLog,
                            format!(
                                "the log key of {} was valid {}, not at the timestamp {}",
                                verified.log.base_url,
                                verified.log.valid.describe(),
                                time::format(t)
                            ),
                        ));
                    }
                }
            }
            logs.push(verified.log.base_url.clone());
        }

        let (identity, issuer) = match signer {
            Signer::Key(_) => (Vec::new(), None),
            Signer::Certificate(leaf) => {
                if times.is_empty() {
                    return Err(fail(
                        Check::TimestampMissing,
                        "no verified signing time (integrated time with a signed entry timestamp, or RFC 3161 timestamp)",
                    ));
                }
                let authority = self.check_chain(leaf, &times)?;
                check_leaf_usage(leaf)?;
                sct::verify_embedded(leaf, &authority.chain[0], &self.root)
                    .map_err(|e| fail(Check::SctInvalid, e))?;
                self.check_identity(leaf)?
            }
        };

        Ok(Verified {
            identity,
            issuer,
            times,
            logs,
            dsse_payload: match &bundle.content {
                Content::Dsse(envelope) => Some(envelope.payload.clone()),
                Content::Message { .. } => None,
            },
        })
    }

    /// Matches the bundle's material with the policy.
    fn signer<'b>(&'b self, material: &'b Material) -> Result<Signer<'b>, VerifyError> {
        match (&self.policy, material) {
            (Policy::Key(key), Material::PublicKey { .. }) => Ok(Signer::Key(key)),
            (Policy::Identity { .. }, Material::Certificate(cert)) => Ok(Signer::Certificate(cert)),
            (Policy::Key(_), Material::Certificate(_)) => Err(fail(
                Check::MaterialMismatch,
                "the bundle is signed with a certificate (keyless): verify with --certificate-identity and --certificate-oidc-issuer",
            )),
            (Policy::Identity { .. }, Material::PublicKey { .. }) => Err(fail(
                Check::MaterialMismatch,
                "the bundle is signed with a key, not a certificate: verify with --key",
            )),
        }
    }

    /// Finds the certificate authority that issued `leaf` and checks the leaf, the CA
    /// chain and the CA's window at every verified time.
    fn check_chain(&self, leaf: &Cert, times: &[VerifiedTime]) -> Result<&Authority, VerifyError> {
        let mut reasons = Vec::new();
        let mut expired = None;
        for (index, authority) in self.root.certificate_authorities.iter().enumerate() {
            let issued = authority
                .chain_ok
                .clone()
                .and_then(|()| self.check_issued(leaf, index, authority));
            if let Err(e) = issued {
                reasons.push(format!("{}: {e}", authority.uri));
                continue;
            }
            let failure = times.iter().find_map(|t| {
                if !authority.valid.contains(t.time) {
                    return Some(format!(
                        "the CA {} is trusted {}, not at the signing time {}",
                        authority.uri,
                        authority.valid.describe(),
                        time::format(t.time)
                    ));
                }
                certs::check_validity_at(leaf, &authority.chain, t.time).err()
            });
            match failure {
                None => return Ok(authority),
                Some(e) => expired = Some(e),
            }
        }
        if let Some(e) = expired {
            return Err(fail(Check::CertificateExpired, e));
        }
        Err(fail(
            Check::CertificateUntrusted,
            format!(
                "the signing certificate does not chain to a certificate authority of the trusted root ({})",
                if reasons.is_empty() {
                    "it has none".to_string()
                } else {
                    reasons.join("; ")
                }
            ),
        ))
    }

    /// Checks (or recalls) that the CA's first certificate signed `leaf`.
    fn check_issued(&self, leaf: &Cert, index: usize, authority: &Authority) -> Result<(), String> {
        let mut hasher = Sha256::new();
        hasher.update(&leaf.der);
        hasher.update(index.to_be_bytes());
        let key: [u8; 32] = hasher.finalize().into();
        if self.issued.lock().is_ok_and(|set| set.contains(&key)) {
            return Ok(());
        }
        let issuer = authority.chain.first().ok_or("empty CA chain")?;
        leaf.verify_issued_by(issuer)?;
        if let Ok(mut set) = self.issued.lock() {
            if set.len() >= ISSUED_CACHE_CAPACITY {
                set.clear();
            }
            set.insert(key);
        }
        Ok(())
    }

    fn check_identity(&self, leaf: &Cert) -> Result<(Vec<String>, Option<String>), VerifyError> {
        let Policy::Identity { identity, issuer } = &self.policy else {
            return Ok((Vec::new(), None));
        };
        let sans = leaf
            .san_identities()
            .map_err(|e| fail(Check::IdentityMismatch, e))?;
        if !sans.iter().any(|s| identity.matches(s)) {
            return Err(fail(
                Check::IdentityMismatch,
                format!(
                    "expected identity {}, found {}",
                    identity.describe(),
                    describe_list(&sans)
                ),
            ));
        }
        let found = leaf
            .oidc_issuer()
            .map_err(|e| fail(Check::IssuerMismatch, e))?;
        match &found {
            Some(value) if issuer.matches(value) => Ok((sans, found)),
            _ => Err(fail(
                Check::IssuerMismatch,
                format!(
                    "expected OIDC issuer {}, found {}",
                    issuer.describe(),
                    found
                        .as_deref()
                        .map_or("none".to_string(), |f| format!("{f:?}"))
                ),
            )),
        }
    }
}

fn describe_list(values: &[String]) -> String {
    if values.is_empty() {
        "none".into()
    } else {
        values
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The signature over the content, and for DSSE the in-toto subject, for message
/// signatures the bundle's own digest hint.
fn check_content(
    content: &Content,
    key: &PublicKey,
    signature: &[u8],
    artifact: Artifact<'_>,
    artifact_sha256: &[u8; 32],
) -> Result<(), VerifyError> {
    match content {
        Content::Message { digest, .. } => {
            if let Some(digest) = digest
                && digest.as_slice() != artifact_sha256
            {
                return Err(fail(
                    Check::ArtifactDigestMismatch,
                    format!(
                        "the bundle signs sha256:{}, the artifact is sha256:{}",
                        hex::encode(digest),
                        hex::encode(artifact_sha256)
                    ),
                ));
            }
            let result = match artifact {
                Artifact::Bytes(bytes) => key.verify(bytes, signature),
                Artifact::Sha256(_) if key.accepts_sha256_prehash() => {
                    key.verify_prehash(artifact_sha256, signature)
                }
                Artifact::Sha256(_) => Err(format!(
                    "a {} signature cannot be checked from a SHA-256 digest: pass the artifact file",
                    key.type_name()
                )),
            };
            result.map_err(|e| {
                fail(
                    Check::SignatureInvalid,
                    format!("the signature over the artifact: {e}"),
                )
            })
        }
        Content::Dsse(envelope) => {
            key.verify(
                &dsse::pae(&envelope.payload_type, &envelope.payload),
                signature,
            )
            .map_err(|e| {
                fail(
                    Check::SignatureInvalid,
                    format!("the DSSE envelope signature: {e}"),
                )
            })?;
            dsse::check_subject(&envelope.payload_type, &envelope.payload, artifact_sha256)
                .map_err(|e| fail(Check::ArtifactDigestMismatch, e))
        }
    }
}

/// A Fulcio leaf must be for digital signatures and code signing.
fn check_leaf_usage(leaf: &Cert) -> Result<(), VerifyError> {
    let untrusted = |e: String| fail(Check::CertificateUntrusted, e);
    let usage = leaf.key_usage().map_err(untrusted)?;
    if !usage.is_some_and(|u| u.digital_signature()) {
        return Err(untrusted(
            "the signing certificate's key usage does not allow digital signatures".into(),
        ));
    }
    if !leaf
        .extended_key_usage()
        .map_err(untrusted)?
        .contains(&certs::EKU_CODE_SIGNING)
    {
        return Err(untrusted(
            "the signing certificate is not for code signing (extended key usage)".into(),
        ));
    }
    Ok(())
}
