//! Offline Sigstore verification: bundles (v0.1 to v0.3, message signatures and DSSE,
//! Rekor v1 and v2 entries, RFC 3161 timestamps) and cosign's legacy OCI signature
//! layers, against a trusted root, with no network access.
//!
//! ```no_run
//! use tollgate_engine::sigstore::{Artifact, Bundle, Matcher, Policy, TrustedRoot, Verifier};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = Verifier::new(
//!     TrustedRoot::production()?,
//!     Policy::Identity {
//!         identity: Matcher::Exact("https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main".into()),
//!         issuer: Matcher::Exact("https://token.actions.githubusercontent.com".into()),
//!     },
//! );
//! let bundle = Bundle::from_json(&std::fs::read("artifact.sigstore.json")?)?;
//! let verified = verifier.verify(&bundle, Artifact::Bytes(&std::fs::read("artifact")?))?;
//! println!("signed by {:?}", verified.identity);
//! # Ok(()) }
//! ```

pub mod bundle;
mod certs;
mod checkpoint;
pub mod cosign;
mod dsse;
pub mod error;
mod keys;
mod merkle;
pub mod policy;
mod sct;
mod time;
mod timestamp;
mod tlog;
pub mod trust_root;
mod verifier;

pub use bundle::Bundle;
pub use error::{Check, VerifyError};
pub use keys::PublicKey;
pub use policy::{Matcher, Policy};
pub use time::UnixTime;
pub use trust_root::TrustedRoot;
pub use verifier::{Artifact, TimeSource, Verified, VerifiedTime, Verifier};
