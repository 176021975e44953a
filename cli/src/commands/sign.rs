//! `tollgate sign`, `tollgate attest` and `tollgate generate-key-pair`: cosign-compatible
//! signatures and attestations made with a key, so that no cosign binary is needed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};
use tollgate_engine::cosign::attestation::predicate_type_uri;
use tollgate_engine::cosign::keys::PrivateKey;
use tollgate_engine::cosign::sign::{self, Signed};
use tollgate_engine::oci;
use zeroize::Zeroizing;

use super::image::{block_on, registry};
use crate::args::{AttestArgs, GenerateKeyPairArgs, PrivateKeyArgs, SignArgs};
use crate::output::outln;

/// The environment variable cosign reads a key's password from.
const PASSWORD_VARIABLE: &str = "COSIGN_PASSWORD";
/// Largest predicate or blob read into memory.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

pub fn sign(args: &SignArgs) -> Result<u8> {
    let key = load_key(&args.key)?;
    if let Some(blob) = &args.blob {
        let data = read_bounded(blob)?;
        let signature = sign::sign_blob(&data, &key);
        match &args.output_signature {
            Some(path) => std::fs::write(path, &signature)
                .with_context(|| format!("cannot write {}", path.display()))?,
            None => outln!("{signature}"),
        }
        return Ok(0);
    }
    let Some(image) = &args.image else {
        bail!("give an image to sign, or --blob FILE");
    };
    let image = oci::parse_reference(image)?;
    let optional = annotations(&args.annotations)?;
    let registry = registry(&args.registry, &image)?;
    let signed = block_on(sign::sign_image(&registry, &image, &key, optional))??;
    report("Signed", &image, &signed);
    Ok(0)
}

pub fn attest(args: &AttestArgs) -> Result<u8> {
    let key = load_key(&args.key)?;
    let text = read_bounded(&args.predicate)?;
    let predicate: Value = serde_json::from_slice(&text)
        .with_context(|| format!("{}: the predicate must be JSON", args.predicate.display()))?;
    let image = oci::parse_reference(&args.image)?;
    let registry = registry(&args.registry, &image)?;
    let predicate_type = predicate_type_uri(&args.predicate_type);
    let signed = block_on(sign::attest_image(
        &registry,
        &image,
        &key,
        predicate_type,
        predicate,
    ))??;
    report("Attested", &image, &signed);
    Ok(0)
}

pub fn generate_key_pair(args: &GenerateKeyPairArgs) -> Result<u8> {
    let password = password(args.password_file.as_deref())?;
    let key = PrivateKey::generate()?;
    let prefix = args.output_key_prefix.display().to_string();
    let (private, public) = (
        PathBuf::from(format!("{prefix}.key")),
        PathBuf::from(format!("{prefix}.pub")),
    );
    for path in [&private, &public] {
        if path.exists() {
            bail!(
                "{} already exists; remove it or choose another --output-key-prefix",
                path.display()
            );
        }
    }
    write_private(
        &private,
        key.to_encrypted_pem(password.as_bytes())?.as_bytes(),
    )?;
    std::fs::write(&public, key.public_key().to_pem()?)
        .with_context(|| format!("cannot write {}", public.display()))?;
    eprintln!(
        "Private key written to {}\nPublic key written to {}",
        private.display(),
        public.display()
    );
    Ok(0)
}

fn report(what: &str, image: &oci::Reference, signed: &Signed) {
    outln!(
        "{what} {} ({}): {} ({})",
        image.whole(),
        signed.image_digest,
        signed.reference,
        signed.manifest_digest
    );
}

fn load_key(args: &PrivateKeyArgs) -> Result<PrivateKey> {
    let pem = std::fs::read(&args.key)
        .with_context(|| format!("cannot read key {}", args.key.display()))?;
    let password = password(args.password_file.as_deref())?;
    PrivateKey::from_encrypted_pem(&pem, password.as_bytes())
        .with_context(|| format!("{}", args.key.display()))
}

/// The key's password: from the file, else `COSIGN_PASSWORD` (which may be empty).
fn password(file: Option<&Path>) -> Result<Zeroizing<String>> {
    if let Some(path) = file {
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read password file {}", path.display()))?,
        );
        let line = text.strip_suffix('\n').unwrap_or(&text);
        return Ok(Zeroizing::new(
            line.strip_suffix('\r').unwrap_or(line).to_string(),
        ));
    }
    match std::env::var(PASSWORD_VARIABLE) {
        Ok(value) => Ok(Zeroizing::new(value)),
        Err(_) => bail!(
            "no key password: set {PASSWORD_VARIABLE} (it may be empty) or give --password-file"
        ),
    }
}

/// `-a key=value` as the payload's `optional` object.
fn annotations(pairs: &[String]) -> Result<Option<Value>> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let mut map = Map::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            bail!("invalid annotation {pair:?} (expected KEY=VALUE)");
        };
        map.insert(key.to_string(), Value::from(value));
    }
    Ok(Some(Value::Object(map)))
}

fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > MAX_INPUT_BYTES {
        bail!(
            "{}: {size} bytes is more than the limit of {MAX_INPUT_BYTES}",
            path.display()
        );
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes the private key readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}
