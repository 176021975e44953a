//! Signing and verifying images and attestations against a real registry on 127.0.0.1
//! (Debian's docker-registry), including each way verification must fail.

mod oci_support;

use std::time::{Duration, Instant};

use oci_support::{TestRegistry, free_port, push_image, runtime};
use serde_json::{Value, json};
use tollgate_engine::cosign::attestation::{predicate_type_uri, verify_attestations};
use tollgate_engine::cosign::cache::VerificationCache;
use tollgate_engine::cosign::keys::PrivateKey;
use tollgate_engine::cosign::sign::{attest_image, sign_image};
use tollgate_engine::cosign::verify::{Signer, verify_image};
use tollgate_engine::cosign::{CosignError, attestation_tag, signature_tag};
use tollgate_engine::oci::{
    Credentials, OciImageManifest, Reference, Registry, RegistryError, RegistryOptions, at_digest,
    at_tag, parse_reference,
};

const SLSA: &str = "slsaprovenance";

fn reference(text: &str) -> Reference {
    parse_reference(text).unwrap()
}

fn key_signer(key: &PrivateKey) -> Signer {
    Signer::Key(key.public_key())
}

/// Replaces the first layer's blob of the manifest at `tag` with `edit(blob)`, keeping
/// its annotations (and so its signature), as an attacker with push access could.
async fn tamper_first_layer(client: &Registry, tag: &Reference, edit: impl Fn(Vec<u8>) -> Vec<u8>) {
    let raw = client.manifest(tag).await.unwrap().expect("tag exists");
    let mut manifest: OciImageManifest = serde_json::from_slice(&raw.bytes).unwrap();
    let layer = manifest.layers[0].clone();
    let blob = client.blob(tag, &layer).await.unwrap();
    let mut replaced = client
        .push_blob(tag, &layer.media_type, &edit(blob))
        .await
        .unwrap();
    replaced.annotations = layer.annotations.clone();
    manifest.layers[0] = replaced;
    client
        .push_manifest(
            tag,
            "application/vnd.oci.image.manifest.v1+json",
            &serde_json::to_vec(&manifest).unwrap(),
        )
        .await
        .unwrap();
}

/// Copies the manifest at `from` to the tag `to` (same repository, so blobs are there).
async fn copy_manifest(client: &Registry, from: &Reference, to: &Reference) {
    let raw = client.manifest(from).await.unwrap().expect("source exists");
    client
        .push_manifest(to, "application/vnd.oci.image.manifest.v1+json", &raw.bytes)
        .await
        .unwrap();
}

#[test]
fn signed_image_verifies_by_tag_and_by_digest() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let name = registry.image("team/app:1.0");
    let image = reference(&name);
    let digest = rt.block_on(push_image(&client, &name, "app"));
    let signed = rt
        .block_on(sign_image(&client, &image, &key, None))
        .unwrap();
    assert_eq!(signed.image_digest, digest);
    assert!(signed.reference.ends_with(&signature_tag(&digest)));

    let verified = rt
        .block_on(verify_image(&client, &image, &key_signer(&key), None))
        .unwrap();
    assert_eq!(verified.digest, digest);
    assert_eq!(verified.signatures.len(), 1);
    let payload = &verified.signatures[0].payload;
    assert_eq!(
        payload["critical"]["image"]["docker-manifest-digest"],
        Value::from(digest.clone())
    );
    assert_eq!(
        payload["critical"]["identity"]["docker-reference"],
        Value::from(registry.image("team/app"))
    );

    let by_digest = reference(&format!("{}@{digest}", registry.image("team/app")));
    let verified = rt
        .block_on(verify_image(&client, &by_digest, &key_signer(&key), None))
        .unwrap();
    assert_eq!(verified.digest, digest);
}

#[test]
fn signing_again_appends_a_signature_and_the_same_one_once() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let (first, second) = (
        PrivateKey::generate().unwrap(),
        PrivateKey::generate().unwrap(),
    );
    let rt = runtime();
    let name = registry.image("app:1");
    let image = reference(&name);
    let digest = rt.block_on(push_image(&client, &name, "app"));
    let annotations = Some(json!({"build": "42"}));
    let a = rt
        .block_on(sign_image(&client, &image, &first, annotations.clone()))
        .unwrap();
    rt.block_on(sign_image(&client, &image, &second, None))
        .unwrap();
    let tag = at_tag(&image, &signature_tag(&digest));
    let raw = rt.block_on(client.manifest(&tag)).unwrap().unwrap();
    let manifest: OciImageManifest = serde_json::from_slice(&raw.bytes).unwrap();
    assert_eq!(manifest.layers.len(), 2);
    // ECDSA signatures are randomized, so re-signing adds a layer; an identical layer
    // (same payload and signature) would not be added twice.
    assert_ne!(a.manifest_digest, raw.digest);
    for key in [&first, &second] {
        let verified = rt
            .block_on(verify_image(&client, &image, &key_signer(key), None))
            .unwrap();
        assert_eq!(verified.signatures.len(), 1);
    }
    let verified = rt
        .block_on(verify_image(&client, &image, &key_signer(&first), None))
        .unwrap();
    assert_eq!(
        verified.signatures[0].payload["optional"],
        json!({"build": "42"})
    );
}

#[test]
fn tampered_payload_is_rejected() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let name = registry.image("app:1");
    let image = reference(&name);
    let digest = rt.block_on(push_image(&client, &name, "app"));
    rt.block_on(sign_image(&client, &image, &key, None))
        .unwrap();
    rt.block_on(tamper_first_layer(
        &client,
        &at_tag(&image, &signature_tag(&digest)),
        |payload| {
            let mut value: Value = serde_json::from_slice(&payload).unwrap();
            value["optional"] = json!({"approved": "yes"});
            serde_json::to_vec(&value).unwrap()
        },
    ));
    let error = rt
        .block_on(verify_image(&client, &image, &key_signer(&key), None))
        .unwrap_err();
    assert_eq!(error.code(), "wrong-key", "{error}");
    assert!(error.to_string().contains("altered"), "{error}");
}

#[test]
fn signature_by_another_key_is_rejected() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let (signer, expected) = (
        PrivateKey::generate().unwrap(),
        PrivateKey::generate().unwrap(),
    );
    let rt = runtime();
    let name = registry.image("app:1");
    let image = reference(&name);
    rt.block_on(push_image(&client, &name, "app"));
    rt.block_on(sign_image(&client, &image, &signer, None))
        .unwrap();
    let error = rt
        .block_on(verify_image(&client, &image, &key_signer(&expected), None))
        .unwrap_err();
    match &error {
        CosignError::WrongKey { count, key, .. } => {
            assert_eq!(*count, 1);
            assert_eq!(key, &expected.public_key().fingerprint());
        }
        other => panic!("expected a wrong-key error, got {other:?}"),
    }
}

#[test]
fn signature_copied_from_another_image_is_a_digest_mismatch() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let (signed_name, other_name) = (registry.image("app:signed"), registry.image("app:other"));
    let signed_digest = rt.block_on(push_image(&client, &signed_name, "signed"));
    let other_digest = rt.block_on(push_image(&client, &other_name, "other"));
    assert_ne!(signed_digest, other_digest);
    let signed = reference(&signed_name);
    let other = reference(&other_name);
    rt.block_on(sign_image(&client, &signed, &key, None))
        .unwrap();
    rt.block_on(copy_manifest(
        &client,
        &at_tag(&signed, &signature_tag(&signed_digest)),
        &at_tag(&other, &signature_tag(&other_digest)),
    ));
    let error = rt
        .block_on(verify_image(&client, &other, &key_signer(&key), None))
        .unwrap_err();
    assert_eq!(
        error,
        CosignError::DigestMismatch {
            image: other.whole(),
            expected: other_digest,
            found: signed_digest,
        }
    );
}

#[test]
fn signature_for_another_repository_is_a_reference_mismatch() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let (original, mirror) = (registry.image("team/app:1"), registry.image("mirror/app:1"));
    let digest = rt.block_on(push_image(&client, &original, "app"));
    assert_eq!(rt.block_on(push_image(&client, &mirror, "app")), digest);
    rt.block_on(sign_image(&client, &reference(&original), &key, None))
        .unwrap();
    // The signature manifest and its blobs, copied into the mirror repository.
    let source = at_tag(&reference(&original), &signature_tag(&digest));
    let target = at_tag(&reference(&mirror), &signature_tag(&digest));
    let raw = rt.block_on(client.manifest(&source)).unwrap().unwrap();
    let manifest: OciImageManifest = serde_json::from_slice(&raw.bytes).unwrap();
    for descriptor in manifest.layers.iter().chain([&manifest.config]) {
        let blob = rt.block_on(client.blob(&source, descriptor)).unwrap();
        rt.block_on(client.push_blob(&target, &descriptor.media_type, &blob))
            .unwrap();
    }
    rt.block_on(copy_manifest(&client, &source, &target));
    let error = rt
        .block_on(verify_image(
            &client,
            &reference(&mirror),
            &key_signer(&key),
            None,
        ))
        .unwrap_err();
    assert_eq!(
        error,
        CosignError::ReferenceMismatch {
            expected: registry.image("mirror/app"),
            found: registry.image("team/app"),
        }
    );
}

#[test]
fn unsigned_image_has_no_signature() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let name = registry.image("app:1");
    let digest = rt.block_on(push_image(&client, &name, "app"));
    let error = rt
        .block_on(verify_image(
            &client,
            &reference(&name),
            &key_signer(&key),
            None,
        ))
        .unwrap_err();
    assert_eq!(error.code(), "no-signature");
    assert!(
        error.to_string().contains(&signature_tag(&digest)),
        "{error}"
    );

    let missing = reference(&registry.image("app:missing"));
    let error = rt
        .block_on(verify_image(&client, &missing, &key_signer(&key), None))
        .unwrap_err();
    assert_eq!(error.code(), "image-not-found", "{error}");
}

#[test]
fn tags_of_an_open_registry_resolve_in_one_request_after_the_first_and_follow_moves() {
    let registry = TestRegistry::start_with_access_log();
    let client = registry.client();
    let rt = runtime();
    let name = registry.image("direct/app:1");
    let first = rt.block_on(push_image(&client, &name, "first"));
    let tag = reference(&name);
    let resolve = |tag: &Reference| rt.block_on(client.resolve_digest(tag));
    let answered_during = |work: &dyn Fn()| {
        let before = registry.requests().len();
        work();
        // The log is written as requests are answered; give it a moment to land.
        std::thread::sleep(Duration::from_millis(200));
        registry.requests()[before..].to_vec()
    };

    // The first resolution goes through oci-client: its /v2/ ping, then the HEAD.
    let requests = answered_during(&|| assert_eq!(resolve(&tag).unwrap(), first));
    assert_eq!(
        requests,
        [
            "GET /v2/ HTTP/1.1",
            "HEAD /v2/direct/app/manifests/1 HTTP/1.1"
        ]
    );
    // Later ones: the HEAD alone, and a moved tag is followed at once.
    let moved = rt.block_on(push_image(&client, &name, "moved"));
    assert_ne!(moved, first);
    let requests = answered_during(&|| assert_eq!(resolve(&tag).unwrap(), moved));
    assert_eq!(requests, ["HEAD /v2/direct/app/manifests/1 HTTP/1.1"]);
    // A missing tag is still "not found", naming the image.
    let missing = reference(&registry.image("direct/app:missing"));
    match resolve(&missing) {
        Err(RegistryError::NotFound { what, reference }) => {
            assert_eq!((what.as_str(), reference), ("image", missing.whole()));
        }
        other => panic!("expected not found, got {other:?}"),
    }
}

#[test]
fn unreachable_registry_fails_fast_naming_the_host() {
    let port = free_port();
    let client = Registry::new(RegistryOptions {
        credentials: Credentials::Anonymous,
        insecure_registries: vec![format!("127.0.0.1:{port}")],
        timeout: Duration::from_secs(2),
        retries: 2,
        backoff: Duration::from_millis(50),
        ..RegistryOptions::default()
    })
    .unwrap();
    let key = PrivateKey::generate().unwrap();
    let image = reference(&format!("127.0.0.1:{port}/app:1"));
    let started = Instant::now();
    let error = runtime()
        .block_on(verify_image(&client, &image, &key_signer(&key), None))
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    match &error {
        CosignError::Registry(RegistryError::Unreachable { host, cause }) => {
            assert_eq!(host, &format!("127.0.0.1:{port}"));
            assert!(cause.to_lowercase().contains("connect"), "{cause}");
        }
        other => panic!("expected an unreachable registry, got {other:?}"),
    }
}

#[test]
fn silent_registry_times_out_within_the_deadline() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let client = Registry::new(RegistryOptions {
        credentials: Credentials::Anonymous,
        insecure_registries: vec![address.clone()],
        timeout: Duration::from_millis(500),
        retries: 1,
        backoff: Duration::from_millis(50),
        ..RegistryOptions::default()
    })
    .unwrap();
    let key = PrivateKey::generate().unwrap();
    let image = reference(&format!("{address}/app:1"));
    let started = Instant::now();
    let error = runtime()
        .block_on(verify_image(&client, &image, &key_signer(&key), None))
        .unwrap_err();
    let elapsed = started.elapsed();
    // Two attempts of at most 500 ms each, plus the backoff.
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert_eq!(error.code(), "registry-unreachable", "{error}");
    assert!(error.to_string().contains(&address), "{error}");
    drop(listener);
}

#[test]
fn cache_answers_a_verified_digest_without_the_registry() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let signer = key_signer(&key);
    let rt = runtime();
    let name = registry.image("app:1");
    let digest = rt.block_on(push_image(&client, &name, "app"));
    rt.block_on(sign_image(&client, &reference(&name), &key, None))
        .unwrap();
    let cache = VerificationCache::new(Duration::from_secs(60), 100);
    let by_digest = reference(&format!("{}@{digest}", registry.image("app")));
    let first = rt
        .block_on(verify_image(&client, &by_digest, &signer, Some(&cache)))
        .unwrap();
    assert_eq!(cache.len(), 1);
    drop(registry);
    let again = rt
        .block_on(verify_image(&client, &by_digest, &signer, Some(&cache)))
        .unwrap();
    assert_eq!(again, first);
    let error = rt
        .block_on(verify_image(&client, &by_digest, &signer, None))
        .unwrap_err();
    assert_eq!(error.code(), "registry-unreachable", "{error}");
    // Another key is not answered from the cache.
    let other = key_signer(&PrivateKey::generate().unwrap());
    assert!(
        rt.block_on(verify_image(&client, &by_digest, &other, Some(&cache)))
            .is_err()
    );
}

#[test]
fn attestation_verifies_and_its_predicate_type_must_match() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let name = registry.image("app:1");
    let image = reference(&name);
    let digest = rt.block_on(push_image(&client, &name, "app"));
    let predicate =
        json!({"builder": {"id": "https://ci.example.com/builder"}, "buildType": "make"});
    let slsa = predicate_type_uri(SLSA);
    let signed = rt
        .block_on(attest_image(&client, &image, &key, slsa, predicate.clone()))
        .unwrap();
    assert!(signed.reference.ends_with(&attestation_tag(&digest)));

    let verified = rt
        .block_on(verify_attestations(
            &client,
            &image,
            &key_signer(&key),
            slsa,
            None,
        ))
        .unwrap();
    assert_eq!(verified.attestations.len(), 1);
    assert_eq!(verified.attestations[0].statement.predicate, predicate);
    assert!(verified.attestations[0].statement.is_about(&digest));

    let error = rt
        .block_on(verify_attestations(
            &client,
            &image,
            &key_signer(&key),
            predicate_type_uri("cyclonedx"),
            None,
        ))
        .unwrap_err();
    assert_eq!(error.code(), "no-attestation", "{error}");

    let other = key_signer(&PrivateKey::generate().unwrap());
    let error = rt
        .block_on(verify_attestations(&client, &image, &other, slsa, None))
        .unwrap_err();
    assert_eq!(error.code(), "wrong-key", "{error}");
}

#[test]
fn attestation_about_another_image_is_a_subject_mismatch() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let (attested_name, other_name) = (registry.image("app:attested"), registry.image("app:other"));
    let attested_digest = rt.block_on(push_image(&client, &attested_name, "attested"));
    let other_digest = rt.block_on(push_image(&client, &other_name, "other"));
    let (attested, other) = (reference(&attested_name), reference(&other_name));
    let slsa = predicate_type_uri(SLSA);
    rt.block_on(attest_image(&client, &attested, &key, slsa, json!({})))
        .unwrap();
    rt.block_on(copy_manifest(
        &client,
        &at_tag(&attested, &attestation_tag(&attested_digest)),
        &at_tag(&other, &attestation_tag(&other_digest)),
    ));
    let error = rt
        .block_on(verify_attestations(
            &client,
            &other,
            &key_signer(&key),
            slsa,
            None,
        ))
        .unwrap_err();
    assert_eq!(
        error,
        CosignError::SubjectMismatch {
            image: other.whole(),
            expected: other_digest,
            found: attested_digest,
        }
    );
}

#[test]
fn envelope_with_an_altered_statement_is_never_trusted() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let key = PrivateKey::generate().unwrap();
    let rt = runtime();
    let name = registry.image("app:1");
    let image = reference(&name);
    let digest = rt.block_on(push_image(&client, &name, "app"));
    let slsa = predicate_type_uri(SLSA);
    rt.block_on(attest_image(
        &client,
        &image,
        &key,
        slsa,
        json!({"reviewed": false}),
    ))
    .unwrap();
    rt.block_on(tamper_first_layer(
        &client,
        &at_tag(&image, &attestation_tag(&digest)),
        |envelope| {
            use base64::Engine as _;
            let engine = base64::engine::general_purpose::STANDARD;
            let mut envelope: Value = serde_json::from_slice(&envelope).unwrap();
            let payload = engine
                .decode(envelope["payload"].as_str().unwrap())
                .unwrap();
            let mut statement: Value = serde_json::from_slice(&payload).unwrap();
            statement["predicate"]["reviewed"] = Value::Bool(true);
            envelope["payload"] =
                Value::from(engine.encode(serde_json::to_vec(&statement).unwrap()));
            serde_json::to_vec(&envelope).unwrap()
        },
    ));
    let error = rt
        .block_on(verify_attestations(
            &client,
            &image,
            &key_signer(&key),
            slsa,
            None,
        ))
        .unwrap_err();
    assert_eq!(error.code(), "wrong-key", "{error}");
}

#[test]
fn image_digest_is_checked_against_registry_content() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let name = registry.image("app:1");
    let digest = rt.block_on(push_image(&client, &name, "app"));
    let raw = rt
        .block_on(client.manifest(&at_digest(&reference(&name), &digest)))
        .unwrap()
        .unwrap();
    assert_eq!(raw.digest, digest);
    assert_eq!(tollgate_engine::oci::sha256_digest(&raw.bytes), digest);
}
