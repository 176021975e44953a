//! Binding an SBOM to an artifact: the SBOM must describe it, i.e. one of its described
//! elements (SPDX `documentDescribes` / `DESCRIBES` packages and files, CycloneDX
//! `metadata.component`) must record the artifact's sha256. Anything else, including a
//! described element with no sha256 at all, fails: an unbound SBOM proves nothing.

use std::io::Read;

use sha2::{Digest, Sha256};

use super::Sbom;
use crate::report::FileError;

/// The hex digest of `sha256:<64 hex digits>` (lower case), or why it is not one.
pub fn parse_digest(text: &str) -> Result<String, String> {
    let Some(hex) = text.strip_prefix("sha256:") else {
        return Err(format!(
            "subject digest {text:?} must be sha256:<64 hex digits>"
        ));
    };
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "subject digest {text:?} must be sha256:<64 hex digits>"
        ));
    }
    Ok(hex.to_ascii_lowercase())
}

/// The sha256 of a file's content, read in chunks.
pub fn file_digest(path: &std::path::Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Checks that the SBOM describes the artifact whose sha256 is `digest` (lower-case hex).
pub fn verify(sbom: &Sbom, digest: &str) -> Result<(), FileError> {
    let described = &sbom.normalized.described;
    let fail = |path: &[crate::input::PathSegment], message: String| FileError {
        file: sbom.file.path.clone(),
        position: Some(sbom.file.locate(path)),
        message,
    };
    if described.is_empty() {
        return Err(fail(
            &[],
            format!(
                "the SBOM names no described element (documentDescribes, a DESCRIBES relationship or metadata.component), so it cannot be bound to sha256:{digest}"
            ),
        ));
    }
    if described
        .iter()
        .any(|d| d.sha256.as_deref() == Some(digest))
    {
        return Ok(());
    }
    let recorded: Vec<String> = described
        .iter()
        .filter_map(|d| Some(format!("{} has sha256:{}", d.id, d.sha256.as_deref()?)))
        .collect();
    let first = &described[0];
    if recorded.is_empty() {
        let ids: Vec<&str> = described.iter().map(|d| d.id.as_str()).collect();
        return Err(fail(
            &first.path,
            format!(
                "the SBOM does not describe the subject sha256:{digest}: no described element records a sha256 ({})",
                ids.join(", ")
            ),
        ));
    }
    Err(fail(
        &first.path,
        format!(
            "the SBOM does not describe the subject sha256:{digest}: {}",
            recorded.join("; ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests() {
        let hex = "83a33ff09648bb5fc5272baca88cf2b59fd81ac4cc6817b86998136af368708e";
        assert_eq!(
            parse_digest(&format!("sha256:{}", hex.to_uppercase())),
            Ok(hex.to_string())
        );
        assert!(parse_digest(hex).is_err());
        assert!(parse_digest("sha256:abc").is_err());
        assert!(parse_digest(&format!("sha512:{hex}")).is_err());
    }

    #[test]
    fn file_digest_is_sha256_of_the_content() {
        let dir = std::env::temp_dir().join(format!("tollgate-binding-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("abc");
        std::fs::write(&path, b"abc").expect("write");
        assert_eq!(
            file_digest(&path).expect("readable"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
