//! Sigstore bundles stored as OCI 1.1 referrers (here through the referrers tag schema,
//! as docker-registry 2.8 has no referrers API), with a key and keyless (real bundles of
//! the Sigstore conformance suite), and keyless legacy signature layers.

mod oci_support;

use std::collections::BTreeMap;

use oci_support::{BUNDLE_MEDIA_TYPE, TestRegistry, push_image, push_referrers, runtime};
use serde_json::{Value, json};
use tollgate_engine::cosign::attestation::{predicate_type_uri, verify_attestations};
use tollgate_engine::cosign::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE, Statement};
use tollgate_engine::cosign::keyless::{KeylessPolicy, matcher};
use tollgate_engine::cosign::keys::PrivateKey;
use tollgate_engine::cosign::sign::append_layer;
use tollgate_engine::cosign::verify::{BUNDLE_SIGNATURE_PREDICATE, Signer, verify_image};
use tollgate_engine::cosign::{
    BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, DSSE_MEDIA_TYPE, SIGNATURE_ANNOTATION,
    SIMPLE_SIGNING_MEDIA_TYPE, attestation_tag, signature_tag,
};
use tollgate_engine::oci::{Reference, at_tag, parse_reference, repository_name};

/// A key-signed Sigstore bundle with a DSSE envelope over a statement about `digest`.
fn bundle(key: &PrivateKey, image: &Reference, digest: &str, predicate_type: &str) -> Value {
    let statement = Statement::about_image(
        &repository_name(image),
        digest,
        predicate_type,
        json!({"note": "bundle"}),
    );
    let envelope = Envelope::sign(
        IN_TOTO_PAYLOAD_TYPE,
        &serde_json::to_vec(&statement).unwrap(),
        key,
    );
    json!({
        "mediaType": BUNDLE_MEDIA_TYPE,
        "verificationMaterial": {"publicKey": {"hint": ""}, "tlogEntries": []},
        "dsseEnvelope": serde_json::from_slice::<Value>(&envelope.to_bytes()).unwrap(),
    })
}

#[test]
fn bundle_referrers_verify_as_signatures_and_attestations() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let name = registry.image("app:1");
    let image = parse_reference(&name).unwrap();
    let digest = rt.block_on(push_image(&client, &name, "app"));
    let slsa = predicate_type_uri("slsaprovenance");
    rt.block_on(push_referrers(
        &client,
        &image,
        &digest,
        &[
            bundle(&key, &image, &digest, BUNDLE_SIGNATURE_PREDICATE),
            bundle(&key, &image, &digest, slsa),
        ],
    ));
    let signer = Signer::Key(key.public_key());
    let verified = rt
        .block_on(verify_image(&client, &image, &signer, None))
        .unwrap();
    assert_eq!(verified.signatures.len(), 1);
    assert_eq!(
        verified.signatures[0].payload["predicateType"],
        Value::from(BUNDLE_SIGNATURE_PREDICATE)
    );
    let attestations = rt
        .block_on(verify_attestations(&client, &image, &signer, slsa, None))
        .unwrap();
    assert_eq!(attestations.attestations.len(), 1);
    assert_eq!(
        attestations.attestations[0].statement.predicate,
        json!({"note": "bundle"})
    );

    let other = Signer::Key(PrivateKey::generate().unwrap().public_key());
    let error = rt
        .block_on(verify_image(&client, &image, &other, None))
        .unwrap_err();
    assert_eq!(error.code(), "wrong-key", "{error}");
}

#[test]
fn bundle_about_another_image_is_rejected() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let name = registry.image("app:1");
    let image = parse_reference(&name).unwrap();
    let digest = rt.block_on(push_image(&client, &name, "app"));
    let elsewhere = rt.block_on(push_image(&client, &registry.image("app:2"), "other"));
    rt.block_on(push_referrers(
        &client,
        &image,
        &digest,
        &[bundle(&key, &image, &elsewhere, BUNDLE_SIGNATURE_PREDICATE)],
    ));
    let error = rt
        .block_on(verify_image(
            &client,
            &image,
            &Signer::Key(key.public_key()),
            None,
        ))
        .unwrap_err();
    assert_eq!(error.code(), "subject-mismatch", "{error}");
    assert!(error.to_string().contains(&elsewhere), "{error}");
}

/// The identity and issuer of the Sigstore conformance vectors (public-good instance).
const CONFORMANCE_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const CONFORMANCE_ISSUER: &str = "https://token.actions.githubusercontent.com";

fn conformance_dir(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/testdata/sigstore-conformance/bundle-verify")
        .join(name)
}

fn conformance_bundle(name: &str) -> Value {
    let path = conformance_dir(name).join("bundle.sigstore.json");
    serde_json::from_slice(
        &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

fn keyless(identity: &str) -> Signer {
    keyless_with_root(identity, None)
}

fn keyless_with_root(identity: &str, trusted_root: Option<&std::path::Path>) -> Signer {
    Signer::Keyless(Box::new(
        KeylessPolicy::new(
            matcher("--certificate-identity", Some(identity), None).unwrap(),
            matcher("--certificate-oidc-issuer", Some(CONFORMANCE_ISSUER), None).unwrap(),
            trusted_root,
        )
        .unwrap(),
    ))
}

/// The `.att` layer `cosign attest` wrote before Sigstore bundles, made from a bundle's
/// parts: the DSSE envelope as the blob, the Fulcio leaf (PEM) and the Rekor bundle (SET,
/// canonicalized entry, time, index, log id in hex) as annotations.
fn legacy_attestation_layer(bundle: &Value) -> (Vec<u8>, BTreeMap<String, String>) {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let material = &bundle["verificationMaterial"];
    let leaf = material["x509CertificateChain"]["certificates"][0]["rawBytes"]
        .as_str()
        .unwrap();
    let body: String = leaf
        .as_bytes()
        .chunks(64)
        .map(|line| format!("{}\n", std::str::from_utf8(line).unwrap()))
        .collect();
    let certificate = format!("-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n");
    let entry = &material["tlogEntries"][0];
    let log_id = STANDARD
        .decode(entry["logId"]["keyId"].as_str().unwrap())
        .unwrap();
    let rekor = json!({
        "SignedEntryTimestamp": entry["inclusionPromise"]["signedEntryTimestamp"],
        "Payload": {
            "body": entry["canonicalizedBody"],
            "integratedTime": entry["integratedTime"].as_str().unwrap().parse::<i64>().unwrap(),
            "logIndex": entry["logIndex"].as_str().unwrap().parse::<i64>().unwrap(),
            "logID": hex::encode(log_id),
        },
    });
    let annotations = BTreeMap::from([
        (CERTIFICATE_ANNOTATION.to_string(), certificate),
        (BUNDLE_ANNOTATION.to_string(), rekor.to_string()),
    ]);
    (
        serde_json::to_vec(&bundle["dsseEnvelope"]).unwrap(),
        annotations,
    )
}

/// cosign's legacy keyless attestation (a real in-toto bundle of the conformance suite,
/// `intoto` Rekor entry with its SET, stored as cosign stored it before bundles): verified
/// against the trusted root it was made under, with each wrong claim refused.
#[test]
fn keyless_legacy_attestation_layer_verifies_by_identity_and_issuer() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let name = "intoto-with-custom-trust-root";
    let root = conformance_dir(name).join("trusted_root.json");
    let (envelope, annotations) = legacy_attestation_layer(&conformance_bundle(name));
    // The statement's subject: the conformance artifact d.txt.
    let digest = "sha256:330a043220fa13e01d68a7db39c89e12b0c4c3b6a0346fe624b0903f1303b5b2";
    let provenance = "https://slsa.dev/provenance/v1";
    let push = |image: &Reference, digest: &str, envelope: &[u8]| {
        rt.block_on(append_layer(
            &client,
            &at_tag(image, &attestation_tag(digest)),
            DSSE_MEDIA_TYPE,
            envelope,
            annotations.clone(),
        ))
        .unwrap();
    };
    let verify = |image: &Reference, signer: &Signer| {
        rt.block_on(verify_attestations(
            &client, image, signer, provenance, None,
        ))
    };
    let image = parse_reference(&format!("{}@{digest}", registry.image("app"))).unwrap();
    push(&image, digest, &envelope);

    let verified = verify(
        &image,
        &keyless_with_root(CONFORMANCE_IDENTITY, Some(&root)),
    )
    .unwrap();
    assert_eq!(verified.attestations.len(), 1);
    assert_eq!(
        verified.attestations[0].statement.predicate_type,
        provenance
    );

    let error = verify(
        &image,
        &keyless_with_root("someone@example.com", Some(&root)),
    )
    .unwrap_err();
    assert_eq!(error.code(), "SIGSTORE_IDENTITY_MISMATCH", "{error}");
    // The public-good root knows neither its log nor its CA.
    let error = verify(&image, &keyless(CONFORMANCE_IDENTITY)).unwrap_err();
    assert_eq!(error.code(), "SIGSTORE_TLOG_UNKNOWN_LOG", "{error}");

    // The same layer copied to another image: its statement is not about that image.
    let other = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
    let copied = parse_reference(&format!("{}@{other}", registry.image("other"))).unwrap();
    push(&copied, other, &envelope);
    let error = verify(
        &copied,
        &keyless_with_root(CONFORMANCE_IDENTITY, Some(&root)),
    )
    .unwrap_err();
    assert_eq!(error.code(), "SIGSTORE_ARTIFACT_DIGEST_MISMATCH", "{error}");

    // A tampered statement no longer matches the envelope's signature.
    let mut tampered: Value = serde_json::from_slice(&envelope).unwrap();
    tampered["payload"] = json!(base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        br#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x","predicate":{}}"#
    ));
    let forged = parse_reference(&format!("{}@{digest}", registry.image("forged"))).unwrap();
    push(&forged, digest, &serde_json::to_vec(&tampered).unwrap());
    let error = verify(
        &forged,
        &keyless_with_root(CONFORMANCE_IDENTITY, Some(&root)),
    )
    .unwrap_err();
    assert_eq!(error.code(), "SIGSTORE_SIGNATURE_INVALID", "{error}");
}

/// A real keyless Sigstore bundle (Fulcio certificate, Rekor entry) over an in-toto
/// statement, stored as a referrer of the digest its statement is about.
#[test]
fn keyless_bundle_referrer_verifies_against_the_public_good_root() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let bundle = conformance_bundle("happy-path-intoto-in-dsse-v3");
    // The statement's subject: the conformance artifact a.txt.
    let digest = "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";
    let image = parse_reference(&format!("{}@{digest}", registry.image("app"))).unwrap();
    rt.block_on(push_referrers(&client, &image, digest, &[bundle]));
    let provenance = "https://slsa.dev/provenance/v1";

    let verified = rt
        .block_on(verify_attestations(
            &client,
            &image,
            &keyless(CONFORMANCE_IDENTITY),
            provenance,
            None,
        ))
        .unwrap();
    assert_eq!(verified.attestations.len(), 1);
    assert_eq!(
        verified.attestations[0].statement.predicate_type,
        provenance
    );

    let error = rt
        .block_on(verify_attestations(
            &client,
            &image,
            &keyless("someone@example.com"),
            provenance,
            None,
        ))
        .unwrap_err();
    assert_eq!(error.code(), "SIGSTORE_IDENTITY_MISMATCH", "{error}");
    assert!(error.to_string().contains("someone@example.com"), "{error}");
}

#[test]
fn keyless_bundle_with_a_bad_signature_is_rejected() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let bundle = conformance_bundle("dsse-invalid-sig_fail");
    let digest = "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";
    let image = parse_reference(&format!("{}@{digest}", registry.image("app"))).unwrap();
    rt.block_on(push_referrers(&client, &image, digest, &[bundle]));
    let error = rt
        .block_on(verify_attestations(
            &client,
            &image,
            &keyless(CONFORMANCE_IDENTITY),
            "https://slsa.dev/provenance/v1",
            None,
        ))
        .unwrap_err();
    assert!(error.code().starts_with("SIGSTORE_"), "{error}");
}

#[test]
fn keyless_legacy_layer_is_checked_by_the_sigstore_verifier() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let name = registry.image("app:1");
    let image = parse_reference(&name).unwrap();
    let digest = rt.block_on(push_image(&client, &name, "app"));
    // A legacy keyless layer whose certificate is not a certificate.
    let payload =
        tollgate_engine::cosign::payload::SimpleSigning::new(&repository_name(&image), &digest)
            .to_bytes();
    let annotations = BTreeMap::from([
        (SIGNATURE_ANNOTATION.to_string(), "MEUCIQ==".to_string()),
        (
            CERTIFICATE_ANNOTATION.to_string(),
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".to_string(),
        ),
    ]);
    rt.block_on(append_layer(
        &client,
        &at_tag(&image, &signature_tag(&digest)),
        SIMPLE_SIGNING_MEDIA_TYPE,
        &payload,
        annotations,
    ))
    .unwrap();
    let error = rt
        .block_on(verify_image(
            &client,
            &image,
            &keyless(CONFORMANCE_IDENTITY),
            None,
        ))
        .unwrap_err();
    assert_eq!(error.code(), "SIGSTORE_BUNDLE_INVALID", "{error}");
    assert!(
        error.to_string().contains(CERTIFICATE_ANNOTATION),
        "{error}"
    );

    // A key-signed image has no certificate: keyless verification says so.
    let key = PrivateKey::generate().unwrap();
    let signed = registry.image("app:2");
    rt.block_on(push_image(&client, &signed, "signed"));
    let signed = parse_reference(&signed).unwrap();
    rt.block_on(tollgate_engine::cosign::sign::sign_image(
        &client, &signed, &key, None,
    ))
    .unwrap();
    let error = rt
        .block_on(verify_image(
            &client,
            &signed,
            &keyless(CONFORMANCE_IDENTITY),
            None,
        ))
        .unwrap_err();
    assert!(error.to_string().contains("verify with --key"), "{error}");
}

/// A referrer that cannot be read only hides candidates: it does not fail an image whose
/// `.sig` signature verified, and it is reported for one that has none.
#[test]
fn unreadable_referrers_are_tolerated_only_beside_a_verified_signature() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let index_type = "application/vnd.oci.image.index.v1+json";
    let mut references = Vec::new();
    for (tag, label) in [("app:signed", "signed"), ("app:unsigned", "unsigned")] {
        let name = registry.image(tag);
        let image = parse_reference(&name).unwrap();
        let digest = rt.block_on(push_image(&client, &name, label));
        // A "bundle" referrer that is an index, not an artifact manifest.
        let bogus = serde_json::to_vec(&json!({
            "schemaVersion": 2, "mediaType": index_type, "manifests": [], "annotations": {"for": label}
        }))
        .unwrap();
        let bogus_digest = tollgate_engine::oci::sha256_digest(&bogus);
        rt.block_on(client.push_manifest(
            &tollgate_engine::oci::at_digest(&image, &bogus_digest),
            index_type,
            &bogus,
        ))
        .unwrap();
        let referrers = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": index_type,
            "manifests": [{
                "mediaType": index_type, "digest": bogus_digest, "size": bogus.len(),
                "artifactType": BUNDLE_MEDIA_TYPE,
            }],
        }))
        .unwrap();
        rt.block_on(client.push_manifest(
            &at_tag(&image, &digest.replace(':', "-")),
            index_type,
            &referrers,
        ))
        .unwrap();
        references.push(image);
    }
    rt.block_on(tollgate_engine::cosign::sign::sign_image(
        &client,
        &references[0],
        &key,
        None,
    ))
    .unwrap();
    let signer = Signer::Key(key.public_key());
    assert!(
        rt.block_on(verify_image(&client, &references[0], &signer, None))
            .is_ok()
    );
    let error = rt
        .block_on(verify_image(&client, &references[1], &signer, None))
        .unwrap_err();
    assert!(
        error.to_string().contains("is not an image manifest"),
        "{error}"
    );
}
