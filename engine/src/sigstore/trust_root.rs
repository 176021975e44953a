//! The trusted root (`trusted_root.json`, media type
//! `application/vnd.dev.sigstore.trustedroot+json;version=0.1`): the transparency logs, CT
//! logs, Fulcio CAs and timestamp authorities a verifier trusts, each with its validity
//! window. Parsed strictly: a key, certificate or time that does not decode rejects the root.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;

use super::certs::{self, Cert};
use super::error::{Check, VerifyError, fail};
use super::keys::PublicKey;
use super::time::{self, TimeRange};

/// The Sigstore public-good production root, as the sigstore clients ship it.
const PRODUCTION_ROOT: &str = include_str!("data/production-trusted_root.json");

/// A transparency or CT log: its key, its id and the window in which the key is trusted.
#[derive(Debug, Clone)]
pub struct Log {
    pub base_url: String,
    /// The log id: SHA-256 of the key (Rekor v1, CT) or the C2SP key id (Rekor v2).
    pub log_id: Vec<u8>,
    /// The key, or why it cannot be used (e.g. an RSA CT log key).
    pub key: Result<PublicKey, String>,
    pub valid: TimeRange,
}

impl Log {
    /// The signer name of the log's checkpoints: the authority of its base URL.
    pub fn checkpoint_name(&self) -> &str {
        let rest = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, rest)| rest);
        rest.split('/').next().unwrap_or(rest)
    }
}

/// A certificate authority (Fulcio) or timestamp authority: its chain, leaf-most first.
#[derive(Debug, Clone)]
pub struct Authority {
    pub uri: String,
    pub chain: Vec<Cert>,
    pub valid: TimeRange,
    /// Whether the chain itself verifies (checked once at load).
    pub chain_ok: Result<(), String>,
}

/// The parsed trusted root.
#[derive(Debug, Clone)]
pub struct TrustedRoot {
    pub tlogs: Vec<Log>,
    pub ctlogs: Vec<Log>,
    pub certificate_authorities: Vec<Authority>,
    pub timestamp_authorities: Vec<Authority>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRoot {
    media_type: String,
    #[serde(default)]
    tlogs: Vec<RawLog>,
    #[serde(default)]
    certificate_authorities: Vec<RawAuthority>,
    #[serde(default)]
    ctlogs: Vec<RawLog>,
    #[serde(default)]
    timestamp_authorities: Vec<RawAuthority>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLog {
    #[serde(default)]
    base_url: String,
    public_key: RawPublicKey,
    log_id: RawLogId,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPublicKey {
    raw_bytes: Option<String>,
    #[serde(default)]
    key_details: String,
    valid_for: Option<RawTimeRange>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLogId {
    key_id: String,
}

#[derive(Deserialize)]
struct RawTimeRange {
    start: Option<String>,
    end: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAuthority {
    #[serde(default)]
    uri: String,
    cert_chain: RawCertChain,
    valid_for: Option<RawTimeRange>,
}

#[derive(Deserialize)]
struct RawCertChain {
    #[serde(default)]
    certificates: Vec<RawCert>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCert {
    raw_bytes: String,
}

fn invalid(detail: String) -> VerifyError {
    fail(Check::TrustRootInvalid, detail)
}

impl TrustedRoot {
    /// The embedded Sigstore public-good production root.
    pub fn production() -> Result<Self, VerifyError> {
        Self::from_json(PRODUCTION_ROOT.as_bytes())
    }

    /// Parses `trusted_root.json`.
    pub fn from_json(json: &[u8]) -> Result<Self, VerifyError> {
        let raw: RawRoot = serde_json::from_slice(json)
            .map_err(|e| invalid(format!("not a valid trusted root: {e}")))?;
        if !raw
            .media_type
            .starts_with("application/vnd.dev.sigstore.trustedroot")
        {
            return Err(invalid(format!(
                "unsupported trusted root media type {:?}",
                raw.media_type
            )));
        }
        let logs = |raw: Vec<RawLog>, kind: &str| -> Result<Vec<Log>, VerifyError> {
            raw.into_iter()
                .enumerate()
                .map(|(i, log)| parse_log(log).map_err(|e| invalid(format!("{kind}[{i}]: {e}"))))
                .collect()
        };
        let authorities = |raw: Vec<RawAuthority>, kind: &str| {
            raw.into_iter()
                .enumerate()
                .map(|(i, ca)| {
                    parse_authority(ca).map_err(|e| invalid(format!("{kind}[{i}]: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(TrustedRoot {
            tlogs: logs(raw.tlogs, "tlogs")?,
            ctlogs: logs(raw.ctlogs, "ctlogs")?,
            certificate_authorities: authorities(
                raw.certificate_authorities,
                "certificateAuthorities",
            )?,
            timestamp_authorities: authorities(raw.timestamp_authorities, "timestampAuthorities")?,
        })
    }

    /// The transparency log with this id.
    pub fn tlog(&self, log_id: &[u8]) -> Option<&Log> {
        self.tlogs.iter().find(|l| l.log_id == log_id)
    }

    /// The CT log with this id.
    pub fn ctlog(&self, log_id: &[u8]) -> Option<&Log> {
        self.ctlogs.iter().find(|l| l.log_id == log_id)
    }
}

fn parse_log(raw: RawLog) -> Result<Log, String> {
    let log_id = BASE64
        .decode(&raw.log_id.key_id)
        .map_err(|e| format!("logId.keyId is not base64: {e}"))?;
    let valid = parse_range(raw.public_key.valid_for.as_ref())
        .map_err(|e| format!("publicKey.validFor: {e}"))?;
    let key = match &raw.public_key.raw_bytes {
        Some(raw_bytes) => {
            let der = BASE64
                .decode(raw_bytes)
                .map_err(|e| format!("publicKey.rawBytes is not base64: {e}"))?;
            PublicKey::from_spki_der(&der)
                .map_err(|e| format!("{} key: {e}", raw.public_key.key_details))
        }
        None => Err("the trusted root gives no key".to_string()),
    };
    Ok(Log {
        base_url: raw.base_url,
        log_id,
        key,
        valid,
    })
}

fn parse_authority(raw: RawAuthority) -> Result<Authority, String> {
    let chain = raw
        .cert_chain
        .certificates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let der = BASE64
                .decode(&c.raw_bytes)
                .map_err(|e| format!("certChain.certificates[{i}] is not base64: {e}"))?;
            Cert::from_der(&der).map_err(|e| format!("certChain.certificates[{i}]: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if chain.is_empty() {
        return Err("certChain has no certificates".into());
    }
    let valid = parse_range(raw.valid_for.as_ref()).map_err(|e| format!("validFor: {e}"))?;
    let chain_ok = certs::verify_ca_chain(&chain);
    Ok(Authority {
        uri: raw.uri,
        chain,
        valid,
        chain_ok,
    })
}

/// A validity window; a window without its start is an error, not an open bound.
fn parse_range(raw: Option<&RawTimeRange>) -> Result<TimeRange, String> {
    let Some(raw) = raw else {
        return Ok(TimeRange::ALWAYS);
    };
    let start = raw
        .start
        .as_deref()
        .ok_or("the window has no start")
        .and_then(|s| time::parse_rfc3339(s).map_err(|_| "the start is not an RFC 3339 time"))?;
    let end = raw.end.as_deref().map(time::parse_rfc3339).transpose()?;
    Ok(TimeRange { start, end })
}
