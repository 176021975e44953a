//! The library API the CLI, `image verify` and the webhook share: verification of real
//! bundles from the Sigstore conformance suite, tampered copies of them, and cosign's legacy
//! signature-layer form built from a real Rekor entry.

use std::fs;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tollgate_engine::sigstore::cosign::SignatureLayer;
use tollgate_engine::sigstore::{
    Artifact, Bundle, Check, Matcher, Policy, PublicKey, TimeSource, TrustedRoot, Verifier,
};

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/testdata/sigstore-conformance/bundle-verify")
}

fn read(path: &str) -> Vec<u8> {
    fs::read(vectors().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn artifact() -> Vec<u8> {
    read("a.txt")
}

fn keyless() -> Verifier {
    Verifier::new(
        TrustedRoot::production().expect("embedded root parses"),
        Policy::Identity {
            identity: Matcher::Exact(IDENTITY.into()),
            issuer: Matcher::Exact(ISSUER.into()),
        },
    )
}

fn bundle_json(name: &str) -> Value {
    serde_json::from_slice(&read(&format!("{name}/bundle.sigstore.json"))).expect("bundle JSON")
}

fn bundle_from(value: &Value) -> Result<Bundle, tollgate_engine::sigstore::VerifyError> {
    Bundle::from_json(value.to_string().as_bytes())
}

#[test]
fn message_bundles_of_every_version_verify_from_bytes_or_digest() {
    let verifier = keyless();
    let digest: [u8; 32] = Sha256::digest(artifact()).into();
    for name in ["happy-path-v0.1", "happy-path-v0.2", "happy-path-v0.3"] {
        let bundle = bundle_from(&bundle_json(name)).expect(name);
        let verified = verifier
            .verify(&bundle, Artifact::Bytes(&artifact()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(verified.identity, vec![IDENTITY.to_string()]);
        assert_eq!(verified.issuer.as_deref(), Some(ISSUER));
        assert_eq!(
            verified.logs,
            vec!["https://rekor.sigstore.dev".to_string()]
        );
        assert!(
            verified
                .times
                .iter()
                .any(|t| t.source == TimeSource::TransparencyLog)
        );
        verifier.verify_message(&bundle, digest).expect(name);
        assert_eq!(
            verifier.verify_dsse(&bundle, digest).unwrap_err().check,
            Check::BundleInvalid
        );
    }
}

#[test]
fn dsse_bundle_verifies_for_its_subject_and_returns_the_statement() {
    let bundle = bundle_from(&bundle_json("happy-path-intoto-in-dsse-v3")).expect("bundle");
    let digest: [u8; 32] = Sha256::digest(artifact()).into();
    let verified = keyless().verify_dsse(&bundle, digest).expect("verifies");
    let statement: Value =
        serde_json::from_slice(&verified.dsse_payload.expect("payload")).expect("statement");
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    let error = keyless().verify_dsse(&bundle, [0; 32]).unwrap_err();
    assert_eq!(error.check, Check::ArtifactDigestMismatch, "{error}");
}

#[test]
fn rekor_v2_bundle_verifies_with_its_timestamp_and_custom_root() {
    let root = TrustedRoot::from_json(&read("rekor2-happy-path/trusted_root.json")).expect("root");
    let verifier = Verifier::new(
        root,
        Policy::Identity {
            identity: Matcher::regex("^https://github.com/sigstore-conformance/").expect("regex"),
            issuer: Matcher::Exact(ISSUER.into()),
        },
    );
    let bundle = bundle_from(&bundle_json("rekor2-happy-path")).expect("bundle");
    let verified = verifier
        .verify(&bundle, Artifact::Bytes(&artifact()))
        .expect("verifies");
    assert_eq!(
        verified.times.iter().map(|t| t.source).collect::<Vec<_>>(),
        vec![TimeSource::TimestampAuthority]
    );
}

/// Each tampering of a valid bundle is caught by the check that owns it.
#[test]
fn tampered_copies_of_a_valid_bundle_fail_the_right_check() {
    let original = bundle_json("happy-path-v0.3");
    let entry = "/verificationMaterial/tlogEntries/0";
    let flip_b64 = |value: &mut Value, pointer: &str| {
        let text = value
            .pointer(pointer)
            .and_then(Value::as_str)
            .expect(pointer);
        let mut bytes = BASE64.decode(text).expect("base64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        *value.pointer_mut(pointer).expect(pointer) = Value::String(BASE64.encode(bytes));
    };
    type Tamper<'a> = Box<dyn Fn(&mut Value) + 'a>;
    let cases: Vec<(&str, Tamper, Check)> = vec![
        (
            "signature",
            Box::new(|v| flip_b64(v, "/messageSignature/signature")),
            Check::SignatureInvalid,
        ),
        (
            "signed entry timestamp",
            Box::new(move |v| {
                flip_b64(v, &format!("{entry}/inclusionPromise/signedEntryTimestamp"))
            }),
            Check::TlogSetInvalid,
        ),
        (
            "proof hash",
            Box::new(move |v| flip_b64(v, &format!("{entry}/inclusionProof/hashes/0"))),
            Check::TlogInclusionInvalid,
        ),
        (
            "integrated time",
            Box::new(move |v| {
                *v.pointer_mut(&format!("{entry}/integratedTime"))
                    .expect("time") = Value::String("1710869187".into());
            }),
            Check::TlogSetInvalid,
        ),
        (
            "checkpoint signature",
            Box::new(move |v| {
                let pointer = format!("{entry}/inclusionProof/checkpoint/envelope");
                let text = v
                    .pointer(&pointer)
                    .and_then(Value::as_str)
                    .expect("checkpoint");
                let changed = text.replacen("rekor.sigstore.dev - ", "rekor.sigstore.dev -  ", 1);
                *v.pointer_mut(&pointer).expect("checkpoint") = Value::String(changed);
            }),
            Check::TlogCheckpointInvalid,
        ),
        (
            "log id",
            Box::new(move |v| flip_b64(v, &format!("{entry}/logId/keyId"))),
            Check::TlogUnknownLog,
        ),
        (
            "missing inclusion proof",
            Box::new(move |v| {
                v.pointer_mut(entry)
                    .and_then(Value::as_object_mut)
                    .expect("entry")
                    .remove("inclusionProof");
            }),
            Check::TlogMissing,
        ),
        (
            // The verifier has already checked the genuine leaf: a changed leaf must not
            // ride on that memory.
            "leaf certificate signature",
            Box::new(|v| flip_b64(v, "/verificationMaterial/certificate/rawBytes")),
            Check::TlogBodyMismatch,
        ),
        (
            "no log entry",
            Box::new(|v| {
                *v.pointer_mut("/verificationMaterial/tlogEntries")
                    .expect("entries") = Value::Array(Vec::new());
            }),
            Check::TlogMissing,
        ),
    ];
    let verifier = keyless();
    verifier
        .verify(
            &bundle_from(&original).expect("original"),
            Artifact::Bytes(&artifact()),
        )
        .expect("the original verifies");
    for (what, tamper, check) in cases {
        let mut copy = original.clone();
        tamper(&mut copy);
        let error = bundle_from(&copy)
            .and_then(|b| verifier.verify(&b, Artifact::Bytes(&artifact())))
            .expect_err(what);
        assert_eq!(error.check, check, "{what}: {error}");
    }
}

#[test]
fn identity_and_issuer_mismatches_show_expected_and_found() {
    let bundle = bundle_from(&bundle_json("happy-path-v0.3")).expect("bundle");
    let root = TrustedRoot::production().expect("root");
    let verifier = Verifier::new(
        root.clone(),
        Policy::Identity {
            identity: Matcher::Exact("alice@example.com".into()),
            issuer: Matcher::Exact(ISSUER.into()),
        },
    );
    let error = verifier
        .verify(&bundle, Artifact::Bytes(&artifact()))
        .unwrap_err();
    assert_eq!(error.check, Check::IdentityMismatch);
    assert!(
        error.detail.contains("alice@example.com") && error.detail.contains(IDENTITY),
        "{error}"
    );

    let verifier = Verifier::new(
        root,
        Policy::Identity {
            identity: Matcher::Exact(IDENTITY.into()),
            issuer: Matcher::regex("^https://accounts\\.google\\.com$").expect("regex"),
        },
    );
    let error = verifier
        .verify(&bundle, Artifact::Bytes(&artifact()))
        .unwrap_err();
    assert_eq!(error.check, Check::IssuerMismatch);
    assert!(
        error.detail.contains("/^https://accounts\\.google\\.com$/")
            && error.detail.contains(ISSUER),
        "{error}"
    );
}

#[test]
fn key_mode_accepts_the_signing_key_and_rejects_another() {
    let bundle = bundle_from(&bundle_json("managed-key-happy-path")).expect("bundle");
    let pem = String::from_utf8(read("managed-key-happy-path/key.pub")).expect("pem");
    let key = PublicKey::from_pem(&pem).expect("key");
    let root = TrustedRoot::production().expect("root");
    Verifier::new(root.clone(), Policy::Key(key))
        .verify(&bundle, Artifact::Bytes(&artifact()))
        .expect("verifies with its key");

    let other = fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/sigstore/other-p256.pub"),
    )
    .expect("the wrong-key fixture");
    let other = PublicKey::from_pem(&other).expect("another P-256 key");
    let error = Verifier::new(root, Policy::Key(other))
        .verify(&bundle, Artifact::Bytes(&artifact()))
        .unwrap_err();
    assert_eq!(error.check, Check::SignatureInvalid, "{error}");
}

#[test]
fn a_fixed_clock_before_the_integrated_time_rejects_the_entry_as_future() {
    let bundle = bundle_from(&bundle_json("happy-path-v0.1")).expect("bundle");
    let error = keyless()
        .with_now(1_600_000_000)
        .verify(&bundle, Artifact::Bytes(&artifact()))
        .unwrap_err();
    assert_eq!(error.check, Check::TlogTimeInvalid, "{error}");
}

/// cosign's legacy layer form of the v0.1 bundle's Rekor entry: the same signature, leaf
/// certificate and SET, as `cosign sign` attaches them to a `.sig` image.
fn cosign_layer_parts() -> (String, String, String) {
    let bundle = bundle_json("happy-path-v0.1");
    let signature = bundle["messageSignature"]["signature"]
        .as_str()
        .expect("sig")
        .to_string();
    let leaf =
        bundle["verificationMaterial"]["x509CertificateChain"]["certificates"][0]["rawBytes"]
            .as_str()
            .expect("leaf");
    let der = BASE64.decode(leaf).expect("der");
    let certificate = pem::encode(&pem::Pem::new("CERTIFICATE", der));
    let entry = &bundle["verificationMaterial"]["tlogEntries"][0];
    let rekor = serde_json::json!({
        "SignedEntryTimestamp": entry["inclusionPromise"]["signedEntryTimestamp"],
        "Payload": {
            "body": entry["canonicalizedBody"],
            "integratedTime": entry["integratedTime"].as_str().expect("time").parse::<i64>().expect("int"),
            "logIndex": entry["logIndex"].as_str().expect("index").parse::<i64>().expect("int"),
            "logID": hex::encode(BASE64.decode(entry["logId"]["keyId"].as_str().expect("id")).expect("b64")),
        }
    })
    .to_string();
    (signature, certificate, rekor)
}

#[test]
fn cosign_legacy_layer_verifies_and_its_tamperings_do_not() {
    let (signature, certificate, rekor) = cosign_layer_parts();
    let payload = artifact();
    let layer = SignatureLayer {
        payload: &payload,
        signature: &signature,
        certificate: Some(&certificate),
        rekor_bundle: Some(&rekor),
    };
    let verified = keyless().verify_cosign_layer(&layer).expect("verifies");
    assert_eq!(verified.identity, vec![IDENTITY.to_string()]);

    let tampered = b"Hello, World?\n".to_vec();
    let error = keyless()
        .verify_cosign_layer(&SignatureLayer {
            payload: &tampered,
            ..layer
        })
        .unwrap_err();
    assert_eq!(error.check, Check::SignatureInvalid, "{error}");

    let error = keyless()
        .verify_cosign_layer(&SignatureLayer {
            rekor_bundle: None,
            ..layer
        })
        .unwrap_err();
    assert_eq!(error.check, Check::TlogMissing, "{error}");

    let forged = rekor.replace("\"integratedTime\":", "\"integratedTime\":1+");
    let error = keyless()
        .verify_cosign_layer(&SignatureLayer {
            rekor_bundle: Some(&forged),
            ..layer
        })
        .unwrap_err();
    assert_eq!(error.check, Check::BundleInvalid, "{error}");

    let mut value: Value = serde_json::from_str(&rekor).expect("json");
    let time = value["Payload"]["integratedTime"].as_i64().expect("time");
    value["Payload"]["integratedTime"] = Value::from(time + 1);
    let shifted = value.to_string();
    let error = keyless()
        .verify_cosign_layer(&SignatureLayer {
            rekor_bundle: Some(&shifted),
            ..layer
        })
        .unwrap_err();
    assert_eq!(error.check, Check::TlogSetInvalid, "{error}");

    let error = keyless()
        .verify_cosign_layer(&SignatureLayer {
            signature: "not base64!",
            ..layer
        })
        .unwrap_err();
    assert_eq!(error.check, Check::BundleInvalid, "{error}");
}

#[test]
fn malformed_trusted_roots_and_bundles_are_errors_not_panics() {
    for input in [
        &b""[..],
        b"{}",
        b"[]",
        b"\xff\xfe",
        b"{\"mediaType\":1}",
        b"null",
    ] {
        assert_eq!(
            TrustedRoot::from_json(input).unwrap_err().check,
            Check::TrustRootInvalid
        );
        assert_eq!(
            Bundle::from_json(input).unwrap_err().check,
            Check::BundleInvalid
        );
    }
    // Truncations of a real bundle at every 97th byte: each fails to parse or verify.
    let full = read("happy-path-v0.3/bundle.sigstore.json");
    let verifier = keyless();
    for end in (0..full.len()).step_by(97) {
        let result = Bundle::from_json(&full[..end])
            .and_then(|b| verifier.verify(&b, Artifact::Bytes(&artifact())));
        assert!(result.is_err(), "truncated at {end} verified");
    }
}
