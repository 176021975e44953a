//! `tollgate blob verify` over the Sigstore conformance vectors (../shared/testdata/
//! sigstore-conformance/bundle-verify): every `_fail` vector is rejected, for the reason
//! listed here, and every other vector is accepted, through the real binary.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{Run, tollgate};

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

fn vectors_dir() -> PathBuf {
    common::root().join("../shared/testdata/sigstore-conformance/bundle-verify")
}

/// Why each failing vector must be rejected: the check code (or, for a key file that is
/// not a key, the file named in the error).
fn expected_reasons() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        (
            "bundle-empty-certificate-chain_fail",
            "SIGSTORE_BUNDLE_INVALID",
        ),
        (
            "bundle-from-wrong-instance_fail",
            "SIGSTORE_TLOG_UNKNOWN_LOG",
        ),
        (
            "bundle-invalid-base64-signature_fail",
            "SIGSTORE_BUNDLE_INVALID",
        ),
        ("bundle-malformed-json_fail", "SIGSTORE_BUNDLE_INVALID"),
        ("bundle-negative-log-index_fail", "SIGSTORE_BUNDLE_INVALID"),
        ("bundle-unknown-version_fail", "SIGSTORE_BUNDLE_INVALID"),
        ("bundle-with-root-cert_fail", "SIGSTORE_BUNDLE_INVALID"),
        (
            "checkpoint-bad-keyhint_fail",
            "SIGSTORE_TLOG_CHECKPOINT_INVALID",
        ),
        (
            "checkpoint-wrong-roothash_fail",
            "SIGSTORE_TLOG_CHECKPOINT_INVALID",
        ),
        ("dsse-invalid-sig_fail", "SIGSTORE_SIGNATURE_INVALID"),
        ("dsse-mismatch-envelope_fail", "SIGSTORE_TLOG_BODY_MISMATCH"),
        ("dsse-mismatch-sig_fail", "SIGSTORE_TLOG_BODY_MISMATCH"),
        (
            "inclusion-proof-corrupted-hash_fail",
            "SIGSTORE_TLOG_INCLUSION_INVALID",
        ),
        ("incorrect-public-key_fail", "SIGSTORE_TLOG_BODY_MISMATCH"),
        (
            "integrated-time-in-future_fail",
            "SIGSTORE_CERTIFICATE_EXPIRED",
        ),
        (
            "intoto-expired-certificate_fail",
            "SIGSTORE_CERTIFICATE_EXPIRED",
        ),
        (
            "intoto-log-entry-mismatch_fail",
            "SIGSTORE_TLOG_BODY_MISMATCH",
        ),
        (
            "intoto-missing-inclusion-proof_fail",
            "SIGSTORE_TLOG_MISSING",
        ),
        (
            "intoto-set-outside-signing-cert-validity_fail",
            "SIGSTORE_CERTIFICATE_EXPIRED",
        ),
        (
            "intoto-tsa-timestamp-outside-cert-validity_fail",
            "SIGSTORE_CERTIFICATE_EXPIRED",
        ),
        (
            "invalid-checkpoint-signature_fail",
            "SIGSTORE_TLOG_CHECKPOINT_INVALID",
        ),
        ("invalid-ct-key_fail", "SIGSTORE_SCT_INVALID"),
        (
            "invalid-inclusion-proof_fail",
            "SIGSTORE_TLOG_INCLUSION_INVALID",
        ),
        ("managed-key-no-key_fail", "SIGSTORE_MATERIAL_MISMATCH"),
        (
            "managed-key-wrong-key_fail",
            "managed-key-wrong-key_fail/key.pub: invalid PEM",
        ),
        (
            "message-digest-mismatch_fail",
            "SIGSTORE_ARTIFACT_DIGEST_MISMATCH",
        ),
        (
            "rekor2-checkpoint-missing-log-signature_fail",
            "SIGSTORE_TLOG_CHECKPOINT_INVALID",
        ),
        (
            "rekor2-checkpoint-missing-origin_fail",
            "SIGSTORE_TLOG_CHECKPOINT_INVALID",
        ),
        (
            "rekor2-checkpoint-missing-root-hash_fail",
            "SIGSTORE_TLOG_CHECKPOINT_INVALID",
        ),
        (
            "rekor2-checkpoint-missing-size_fail",
            "SIGSTORE_TLOG_CHECKPOINT_INVALID",
        ),
        (
            "rekor2-checkpoint-no-matching-signature_fail",
            "SIGSTORE_TLOG_CHECKPOINT_INVALID",
        ),
        ("rekor2-dsse-invalid-sig_fail", "SIGSTORE_SIGNATURE_INVALID"),
        (
            "rekor2-dsse-mismatch-envelope_fail",
            "SIGSTORE_TLOG_BODY_MISMATCH",
        ),
        (
            "rekor2-dsse-mismatch-sig_fail",
            "SIGSTORE_TLOG_BODY_MISMATCH",
        ),
        ("rekor2-no-inclusion-proof_fail", "SIGSTORE_TLOG_MISSING"),
        ("rekor2-no-timestamp_fail", "SIGSTORE_TIMESTAMP_MISSING"),
        (
            "rekor2-timestamp-outside-trust-root-tsa-validity_fail",
            "SIGSTORE_TIMESTAMP_INVALID",
        ),
        (
            "rekor2-timestamp-outside-tsa-cert-validity_fail",
            "SIGSTORE_TIMESTAMP_INVALID",
        ),
        (
            "rekor2-timestamp-payload-mismatch_fail",
            "SIGSTORE_TIMESTAMP_INVALID",
        ),
        (
            "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
            "SIGSTORE_TIMESTAMP_INVALID",
        ),
        (
            "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
            "SIGSTORE_TIMESTAMP_INVALID",
        ),
        (
            "rekor2-timestamp-with-incorrect-time_fail",
            "SIGSTORE_CERTIFICATE_EXPIRED",
        ),
        ("set-invalid-signature_fail", "SIGSTORE_TLOG_SET_INVALID"),
        ("signature-mismatch_fail", "SIGSTORE_SIGNATURE_INVALID"),
        (
            "trust-root-tlog-missing-validity-start_fail",
            "SIGSTORE_TRUST_ROOT_INVALID",
        ),
        (
            "wrong-hashedrekord-artifact_fail",
            "SIGSTORE_TLOG_BODY_MISMATCH",
        ),
        (
            "wrong-hashedrekord-cert-and-sig_fail",
            "SIGSTORE_TLOG_BODY_MISMATCH",
        ),
        (
            "wrong-hashedrekord-entry_fail",
            "SIGSTORE_TLOG_BODY_MISMATCH",
        ),
        ("wrong-material_fail", "SIGSTORE_ARTIFACT_DIGEST_MISMATCH"),
    ])
}

fn vectors() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(vectors_dir())
        .expect("the conformance vectors are in ../shared/testdata")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn name(dir: &Path) -> String {
    dir.file_name()
        .expect("vector name")
        .to_string_lossy()
        .into_owned()
}

/// Runs the vector as the conformance suite's CLI protocol does, with `artifact` as the
/// FILE_OR_DIGEST argument.
fn verify_vector(dir: &Path, artifact: &str) -> Run {
    let bundle = dir.join("bundle.sigstore.json");
    let mut args: Vec<String> = vec![
        "blob".into(),
        "verify".into(),
        "--bundle".into(),
        bundle.display().to_string(),
    ];
    let root = dir.join("trusted_root.json");
    if root.exists() {
        args.extend(["--trusted-root".into(), root.display().to_string()]);
    }
    let key = dir.join("key.pub");
    if key.exists() {
        args.extend(["--key".into(), key.display().to_string()]);
    } else {
        let read = |file: &str, default: &str| {
            fs::read_to_string(dir.join(file)).map_or(default.to_string(), |s| s.trim().to_string())
        };
        args.extend([
            "--certificate-identity".into(),
            read("identity", DEFAULT_IDENTITY),
            "--certificate-oidc-issuer".into(),
            read("issuer", DEFAULT_ISSUER),
        ]);
    }
    args.push(artifact.to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    tollgate(&refs)
}

fn artifact_path(dir: &Path) -> PathBuf {
    let own = dir.join("artifact");
    if own.exists() {
        own
    } else {
        vectors_dir().join("a.txt")
    }
}

#[test]
fn every_conformance_vector_gives_the_expected_verdict_for_the_expected_reason() {
    let reasons = expected_reasons();
    let dirs = vectors();
    assert_eq!(dirs.len(), 70, "the suite has 70 vectors");
    let mut wrong = Vec::new();
    for dir in &dirs {
        let name = name(dir);
        let run = verify_vector(dir, &artifact_path(dir).display().to_string());
        let output = format!("{}{}", run.stdout, run.stderr);
        let line = output.lines().next().unwrap_or_default().to_string();
        println!("{name}: exit {} :: {line}", run.code);
        let ok = if name.ends_with("_fail") {
            let reason = reasons
                .get(name.as_str())
                .unwrap_or_else(|| panic!("no expected reason listed for {name}"));
            run.code == 1 && output.contains(reason)
        } else {
            run.code == 0 && run.stdout.starts_with("Verified OK")
        };
        if !ok {
            wrong.push(format!("{name}: exit {} :: {output}", run.code));
        }
    }
    println!(
        "sigstore conformance: {} of {} vectors gave the expected verdict",
        dirs.len() - wrong.len(),
        dirs.len()
    );
    assert!(wrong.is_empty(), "wrong verdicts:\n{}", wrong.join("\n"));
}

#[test]
fn accepted_vectors_also_verify_from_the_artifact_digest_alone() {
    use sha2::{Digest, Sha256};
    let mut checked = 0;
    for dir in vectors().iter().filter(|d| !name(d).ends_with("_fail")) {
        let bytes = fs::read(artifact_path(dir)).expect("artifact");
        let digest = format!("sha256:{}", hex::encode(Sha256::digest(&bytes)));
        let run = verify_vector(dir, &digest);
        assert_eq!(run.code, 0, "{}: {}{}", name(dir), run.stdout, run.stderr);
        checked += 1;
    }
    assert_eq!(checked, 21);
}

#[test]
fn a_different_digest_is_rejected_and_json_output_names_the_check() {
    let dir = vectors_dir().join("happy-path-v0.3");
    let run = verify_vector(&dir, &format!("sha256:{}", "00".repeat(32)));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("SIGSTORE_ARTIFACT_DIGEST_MISMATCH"),
        "{}",
        run.stderr
    );

    let bundle = dir.join("bundle.sigstore.json").display().to_string();
    let artifact = vectors_dir().join("a.txt").display().to_string();
    let base = ["blob", "verify", "-o", "json", "--bundle", &bundle];
    let issuer = ["--certificate-oidc-issuer", DEFAULT_ISSUER];

    let run = tollgate(
        &[
            &base[..],
            &["--certificate-identity", DEFAULT_IDENTITY],
            &issuer,
            &[&artifact],
        ]
        .concat(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(value["verified"], true);
    assert_eq!(value["identity"][0], DEFAULT_IDENTITY);
    assert_eq!(value["issuer"], DEFAULT_ISSUER);
    assert_eq!(value["times"][0]["source"], "transparency-log");

    let run = tollgate(
        &[
            &base[..],
            &["--certificate-identity", "someone@example.com"],
            &issuer,
            &[&artifact],
        ]
        .concat(),
    );
    assert_eq!(run.code, 1);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(value["verified"], false);
    assert_eq!(value["code"], "SIGSTORE_IDENTITY_MISMATCH");
    let error = value["error"].as_str().expect("error text");
    assert!(
        error.contains("\"someone@example.com\"") && error.contains(DEFAULT_IDENTITY),
        "{error}"
    );

    let regexp = [
        "--certificate-identity-regexp",
        "^https://github\\.com/sigstore-conformance/",
    ];
    let run = tollgate(
        &[
            &base[..],
            &regexp,
            &[
                "--certificate-oidc-issuer-regexp",
                "^https://accounts\\.google\\.com$",
            ],
            &[&artifact],
        ]
        .concat(),
    );
    assert_eq!(run.code, 1);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(value["code"], "SIGSTORE_ISSUER_MISMATCH");

    let run = tollgate(&[&base[..], &regexp, &issuer, &[&artifact]].concat());
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn usage_errors_name_what_is_missing_or_unreadable() {
    let dir = vectors_dir().join("happy-path-v0.3");
    let bundle = dir.join("bundle.sigstore.json").display().to_string();
    let artifact = vectors_dir().join("a.txt").display().to_string();

    let run = tollgate(&["blob", "verify", "--bundle", &bundle, &artifact]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("--certificate-identity"),
        "{}",
        run.stderr
    );

    let run = tollgate(&[
        "blob",
        "verify",
        "--bundle",
        "/nonexistent/b.json",
        "--key",
        &bundle,
        &artifact,
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("key"), "{}", run.stderr);

    let run = tollgate(&[
        "blob",
        "verify",
        "--bundle",
        &bundle,
        "--max-bundle-size",
        "100",
        "--certificate-identity",
        DEFAULT_IDENTITY,
        "--certificate-oidc-issuer",
        DEFAULT_ISSUER,
        &artifact,
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("larger than 100 bytes") && run.stderr.contains("--max-bundle-size"),
        "{}",
        run.stderr
    );

    let run = tollgate(&[
        "blob",
        "verify",
        "--bundle",
        &bundle,
        "--certificate-identity",
        DEFAULT_IDENTITY,
        "--certificate-oidc-issuer",
        DEFAULT_ISSUER,
        "/nonexistent/artifact",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("/nonexistent/artifact"),
        "{}",
        run.stderr
    );
}
