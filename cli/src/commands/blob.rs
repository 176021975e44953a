//! `tollgate blob verify`: offline verification of a Sigstore bundle over a file or a
//! digest (cosign verify-blob, sigstore verify bundle), with a key or a certificate identity.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::json;
use tollgate_engine::sigstore::{
    Artifact, Bundle, Matcher, Policy, PublicKey, TimeSource, TrustedRoot, Verified, Verifier,
    VerifyError,
};

use crate::args::{BlobArgs, BlobCommand, BlobVerifyArgs};
use crate::output::outln;

pub fn run(args: &BlobArgs) -> Result<u8> {
    match &args.command {
        BlobCommand::Verify(verify) => run_verify(verify),
    }
}

/// What the artifact argument names: a file, or a digest given as `sha256:HEX`.
enum ArtifactArg<'a> {
    File(&'a Path),
    Digest([u8; 32]),
}

/// `sha256:` followed by 64 hex digits, and not an existing path, is a digest (as the
/// Sigstore conformance protocol says); anything else is a file.
fn artifact_arg(text: &str) -> ArtifactArg<'_> {
    let digest = text
        .strip_prefix("sha256:")
        .filter(|hex| hex.len() == 64 && !Path::new(text).exists())
        .and_then(|hex| hex::decode(hex).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
    match digest {
        Some(digest) => ArtifactArg::Digest(digest),
        None => ArtifactArg::File(Path::new(text)),
    }
}

fn read_limited(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>> {
    let file =
        File::open(path).with_context(|| format!("cannot read {what} {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if bytes.len() as u64 > limit {
        bail!(
            "{what} {} is larger than {limit} bytes (raise --max-bundle-size)",
            path.display()
        );
    }
    Ok(bytes)
}

fn sha256_of_file(path: &Path) -> Result<[u8; 32]> {
    use sha2::{Digest, Sha256};
    let file =
        File::open(path).with_context(|| format!("cannot read artifact {}", path.display()))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = reader
            .read(&mut buffer)
            .with_context(|| format!("cannot read artifact {}", path.display()))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher.finalize().into())
}

fn policy(args: &BlobVerifyArgs) -> Result<Policy> {
    if let Some(path) = &args.key {
        let pem = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read key {}", path.display()))?;
        let key = PublicKey::from_pem(&pem)
            .map_err(|e| anyhow::anyhow!("key {}: {e}", path.display()))?;
        return Ok(Policy::Key(key));
    }
    let matcher = |exact: &Option<String>,
                   regexp: &Option<String>,
                   flag: &str|
     -> Result<Matcher> {
        match (exact, regexp) {
            (Some(value), _) => Ok(Matcher::Exact(value.clone())),
            (None, Some(pattern)) => {
                Matcher::regex(pattern).map_err(|e| anyhow::anyhow!("--{flag}-regexp: {e}"))
            }
            (None, None) => bail!(
                "give --key, or --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp] (missing --{flag})"
            ),
        }
    };
    Ok(Policy::Identity {
        identity: matcher(
            &args.certificate_identity,
            &args.certificate_identity_regexp,
            "certificate-identity",
        )?,
        issuer: matcher(
            &args.certificate_oidc_issuer,
            &args.certificate_oidc_issuer_regexp,
            "certificate-oidc-issuer",
        )?,
    })
}

fn run_verify(args: &BlobVerifyArgs) -> Result<u8> {
    let policy = policy(args)?;
    let root = match &args.trusted_root {
        Some(path) => {
            let json = read_limited(path, "trusted root", args.max_bundle_size)?;
            TrustedRoot::from_json(&json)
                .map_err(|e| anyhow::anyhow!("trusted root {}: {e}", path.display()))?
        }
        None => TrustedRoot::production()
            .map_err(|e| anyhow::anyhow!("embedded production trusted root: {e}"))?,
    };
    let verifier = Verifier::new(root, policy);
    let bundle_json = read_limited(&args.bundle, "bundle", args.max_bundle_size)?;
    let outcome =
        Bundle::from_json(&bundle_json).and_then(|bundle| match artifact_arg(&args.artifact) {
            ArtifactArg::Digest(digest) => verifier.verify(&bundle, Artifact::Sha256(digest)),
            ArtifactArg::File(path) if verifier.needs_artifact_bytes(&bundle) => {
                let bytes = std::fs::read(path).map_err(|e| io_failure(path, &e))?;
                verifier.verify(&bundle, Artifact::Bytes(&bytes))
            }
            ArtifactArg::File(path) => {
                let digest = sha256_of_file(path).map_err(|e| {
                    VerifyError::new(
                        tollgate_engine::sigstore::Check::ArtifactDigestMismatch,
                        format!("{e:#}"),
                    )
                })?;
                verifier.verify(&bundle, Artifact::Sha256(digest))
            }
        });
    report(args, outcome)
}

fn io_failure(path: &Path, error: &std::io::Error) -> VerifyError {
    VerifyError::new(
        tollgate_engine::sigstore::Check::ArtifactDigestMismatch,
        format!("cannot read artifact {}: {error}", path.display()),
    )
}

fn report(args: &BlobVerifyArgs, outcome: Result<Verified, VerifyError>) -> Result<u8> {
    let bundle = args.bundle.display();
    match (args.output.as_str(), outcome) {
        ("json", Ok(verified)) => {
            let value = json!({
                "verified": true,
                "artifact": args.artifact,
                "bundle": bundle.to_string(),
                "identity": verified.identity,
                "issuer": verified.issuer,
                "times": verified.times.iter().map(|t| json!({
                    "time": t.time,
                    "source": match t.source {
                        TimeSource::TransparencyLog => "transparency-log",
                        TimeSource::TimestampAuthority => "timestamp-authority",
                    },
                })).collect::<Vec<_>>(),
                "logs": verified.logs,
            });
            outln!("{}", serde_json::to_string_pretty(&value)?);
            Ok(0)
        }
        ("json", Err(error)) => {
            let value = json!({
                "verified": false,
                "artifact": args.artifact,
                "bundle": bundle.to_string(),
                "code": error.check.code(),
                "error": error.detail,
            });
            outln!("{}", serde_json::to_string_pretty(&value)?);
            Ok(1)
        }
        (_, Ok(verified)) => {
            let signer = if verified.identity.is_empty() {
                "the given key".to_string()
            } else {
                format!(
                    "{} (issuer {})",
                    verified.identity.join(", "),
                    verified.issuer.as_deref().unwrap_or("-")
                )
            };
            outln!("Verified OK: {} signed by {signer}", args.artifact);
            Ok(0)
        }
        (_, Err(error)) => {
            eprintln!("Error: verification failed for bundle {bundle}: {error}");
            Ok(1)
        }
    }
}
