//! The real `tollgate` binary signing and verifying images and attestations in a real
//! registry on 127.0.0.1 (Debian's docker-registry), with keys it generated itself.

mod common;
#[path = "../../engine/tests/oci_support/mod.rs"]
mod oci_support;

use std::path::{Path, PathBuf};

use common::{Run, tollgate_in};
use oci_support::{TestRegistry, free_port, push_image, runtime};
use serde_json::Value;

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Self {
        let workspace = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(workspace.path("password"), "s3cret\n").unwrap();
        workspace
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Run {
        tollgate_in(self.dir.path(), args, None)
    }

    /// `PREFIX.key` and `PREFIX.pub`, made by `tollgate generate-key-pair`.
    fn key_pair(&self, prefix: &str) {
        let run = self.run(&[
            "generate-key-pair",
            "--output-key-prefix",
            prefix,
            "--password-file",
            "password",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    fn sign(&self, image: &str, prefix: &str) -> Run {
        let key = format!("{prefix}.key");
        self.run(&[
            "sign",
            image,
            "--key",
            &key,
            "--password-file",
            "password",
            "--allow-insecure-registry",
        ])
    }

    fn verify(&self, image: &str, prefix: &str, extra: &[&str]) -> Run {
        let key = format!("{prefix}.pub");
        let mut args = vec![
            "image",
            "verify",
            image,
            "--key",
            &key,
            "--allow-insecure-registry",
            "--registry-retries",
            "0",
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn sign_then_verify_and_each_failure_exits_one_with_its_reason() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let image = registry.image("team/app:1.0");
    let unsigned = registry.image("team/unsigned:1.0");
    let digest = rt.block_on(push_image(&client, &image, "app"));
    rt.block_on(push_image(&client, &unsigned, "unsigned"));
    let ws = Workspace::new();
    ws.key_pair("cosign");
    ws.key_pair("other");
    let key = std::fs::read_to_string(ws.path("cosign.key")).unwrap();
    assert!(key.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"));

    let run = ws.sign(&image, "cosign");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(&digest), "{}", run.stdout);

    let run = ws.verify(&image, "cosign", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with(&format!("Verified {image} ({digest}): 1 signature(s)")),
        "{}",
        run.stdout
    );

    let run = ws.verify(&image, "cosign", &["-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = json(&run.stdout);
    assert_eq!(out["verified"], Value::Bool(true));
    assert_eq!(out["digest"], Value::from(digest.clone()));
    assert_eq!(
        out["signatures"][0]["payload"]["critical"]["type"],
        Value::from("cosign container image signature")
    );

    let run = ws.verify(&image, "other", &["-o", "json"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("wrong key"), "{}", run.stderr);
    assert_eq!(json(&run.stdout)["error"]["code"], Value::from("wrong-key"));

    let run = ws.verify(&unsigned, "cosign", &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no signature found"), "{}", run.stderr);

    let down = format!("127.0.0.1:{}/app:1", free_port());
    let run = ws.verify(&down, "cosign", &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("registry 127.0.0.1:") && run.stderr.contains("unreachable"),
        "{}",
        run.stderr
    );

    // Without --allow-insecure-registry, tollgate speaks only HTTPS: the plain-HTTP
    // registry cannot be used.
    let run = ws.run(&[
        "image",
        "verify",
        &image,
        "--key",
        "cosign.pub",
        "--registry-retries",
        "0",
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("https://"), "{}", run.stderr);
}

#[test]
fn attestations_verify_and_rego_policies_judge_the_predicate() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let image = registry.image("app:1");
    let digest = rt.block_on(push_image(&client, &image, "app"));
    let ws = Workspace::new();
    ws.key_pair("cosign");
    write(
        &ws.path("provenance.json"),
        r#"{"builder": {"id": "https://ci.example.com/untrusted"}, "buildType": "make"}"#,
    );
    let run = ws.run(&[
        "attest",
        &image,
        "--predicate",
        "provenance.json",
        "--type",
        "slsaprovenance",
        "--key",
        "cosign.key",
        "--password-file",
        "password",
        "--allow-insecure-registry",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let verify = |extra: &[&str]| {
        let mut args = vec![
            "image",
            "verify-attestation",
            &image,
            "--type",
            "slsaprovenance",
            "--key",
            "cosign.pub",
            "--allow-insecure-registry",
        ];
        args.extend_from_slice(extra);
        ws.run(&args)
    };
    let run = verify(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("1 attestation(s) of https://slsa.dev/provenance/v0.2")
    );

    let run = verify(&["-o", "json"]);
    let out = json(&run.stdout);
    assert_eq!(
        out["attestations"][0]["statement"]["predicate"]["buildType"],
        Value::from("make")
    );
    assert_eq!(
        out["attestations"][0]["statement"]["subject"][0]["digest"]["sha256"],
        Value::from(digest.trim_start_matches("sha256:"))
    );

    write(
        &ws.path("policy/builder.rego"),
        "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tnot startswith(input.builder.id, \"https://ci.example.com/trusted\")\n\tmsg := sprintf(\"untrusted builder %s\", [input.builder.id])\n}\n",
    );
    let run = verify(&["--policy", "policy"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("FAIL - ")
            && run
                .stdout
                .contains("untrusted builder https://ci.example.com/untrusted"),
        "{}",
        run.stdout
    );
    let run = verify(&["--policy", "policy", "-o", "json"]);
    assert_eq!(run.code, 1);
    let results = json(&run.stdout);
    assert_eq!(
        results[0]["failures"][0]["msg"],
        Value::from("untrusted builder https://ci.example.com/untrusted")
    );

    write(
        &ws.path("lenient/builder.rego"),
        "package main\n\nimport rego.v1\n\ndeny contains \"no build type\" if not input.buildType\n",
    );
    let run = verify(&["--policy", "lenient"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 test, 1 passed"), "{}", run.stdout);

    let run = ws.run(&[
        "image",
        "verify-attestation",
        &image,
        "--type",
        "cyclonedx",
        "--key",
        "cosign.pub",
        "--allow-insecure-registry",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("no https://cyclonedx.org/bom attestation found"),
        "{}",
        run.stderr
    );
}

#[test]
fn blob_signatures_verify_with_the_public_key() {
    let ws = Workspace::new();
    ws.key_pair("cosign");
    write(&ws.path("artifact.txt"), "release 1.0\n");
    let run = ws.run(&[
        "sign",
        "--blob",
        "artifact.txt",
        "--key",
        "cosign.key",
        "--password-file",
        "password",
        "--output-signature",
        "artifact.sig",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    use base64::Engine as _;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(
            std::fs::read_to_string(ws.path("artifact.sig"))
                .unwrap()
                .trim(),
        )
        .unwrap();
    let key = tollgate_engine::cosign::keys::PublicKey::from_pem(
        &std::fs::read_to_string(ws.path("cosign.pub")).unwrap(),
    )
    .unwrap();
    assert!(key.verify(b"release 1.0\n", &signature));
    assert!(!key.verify(b"release 1.1\n", &signature));
}

#[test]
fn key_problems_are_clear_errors() {
    let ws = Workspace::new();
    ws.key_pair("cosign");
    write(&ws.path("wrong"), "not the password\n");
    write(&ws.path("blob"), "x");
    let run = ws.run(&[
        "sign",
        "--blob",
        "blob",
        "--key",
        "cosign.key",
        "--password-file",
        "wrong",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("cosign.key") && run.stderr.contains("wrong password"),
        "{}",
        run.stderr
    );
    let run = ws.run(&["generate-key-pair", "--password-file", "password"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("cosign.key already exists"),
        "{}",
        run.stderr
    );
    let run = ws.run(&[
        "image",
        "verify",
        "127.0.0.1:1/app:1",
        "--key",
        "cosign.key",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("cosign.key") && run.stderr.contains("unsupported PEM block"),
        "{}",
        run.stderr
    );
    let run = ws.run(&["image", "verify", "127.0.0.1:1/app:1"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("give --key FILE"), "{}", run.stderr);
}

#[test]
fn keyless_attestation_verifies_by_identity_and_issuer() {
    const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    const ISSUER: &str = "https://token.actions.githubusercontent.com";
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    // A real keyless bundle of the Sigstore conformance suite; its in-toto subject is
    // this digest, under which it is stored as a referrer.
    let bundle = common::root()
        .join("../shared/testdata/sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json");
    let bundle: Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    let digest = "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";
    let image = format!("{}@{digest}", registry.image("app"));
    let reference = tollgate_engine::oci::parse_reference(&image).unwrap();
    rt.block_on(oci_support::push_referrers(
        &client,
        &reference,
        digest,
        &[bundle],
    ));
    let ws = Workspace::new();
    let verify = |identity: &[&str]| {
        let mut args = vec![
            "image",
            "verify-attestation",
            &image,
            "--type",
            "slsaprovenance1",
            "--certificate-oidc-issuer",
            ISSUER,
            "--allow-insecure-registry",
        ];
        args.extend_from_slice(identity);
        ws.run(&args)
    };
    let run = verify(&["--certificate-identity", IDENTITY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("1 attestation(s) of https://slsa.dev/provenance/v1")
    );
    let run = verify(&[
        "--certificate-identity-regexp",
        "^https://github\\.com/sigstore-conformance/",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = verify(&["--certificate-identity", "someone@example.com"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("SIGSTORE_IDENTITY_MISMATCH")
            && run.stderr.contains("someone@example.com"),
        "{}",
        run.stderr
    );
}
