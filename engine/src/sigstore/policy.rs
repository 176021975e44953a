//! What a verification must prove about the signer: a known key, or a Fulcio certificate
//! for an expected identity (SAN) from an expected OIDC issuer.

use regex::Regex;

use super::keys::PublicKey;

/// An expected value: exact, or a regular expression searched in the value (as cosign's
/// `--certificate-identity-regexp`; anchor it with `^...$` to match the whole value).
#[derive(Debug, Clone)]
pub enum Matcher {
    Exact(String),
    Regex(Regex),
}

impl Matcher {
    /// Builds a regular-expression matcher; the error names the pattern.
    pub fn regex(pattern: &str) -> Result<Self, String> {
        Regex::new(pattern)
            .map(Matcher::Regex)
            .map_err(|e| format!("invalid regular expression {pattern:?}: {e}"))
    }

    pub fn matches(&self, value: &str) -> bool {
        match self {
            Matcher::Exact(expected) => expected == value,
            Matcher::Regex(regex) => regex.is_match(value),
        }
    }

    /// The expectation for messages: `"x"` or `/x/`.
    pub fn describe(&self) -> String {
        match self {
            Matcher::Exact(expected) => format!("{expected:?}"),
            Matcher::Regex(regex) => format!("/{}/", regex.as_str()),
        }
    }
}

/// The signer a bundle must prove.
#[derive(Debug, Clone)]
pub enum Policy {
    /// Signed by this key (`--key`); the bundle carries no certificate.
    Key(PublicKey),
    /// Signed with a Fulcio certificate for this identity and issuer.
    Identity { identity: Matcher, issuer: Matcher },
}
