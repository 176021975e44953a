//! Sigstore bundles stored as OCI 1.1 referrers (here through the referrers tag schema,
//! as docker-registry 2.8 has no referrers API), and keyless signatures, which fail
//! closed until the Sigstore verifier is wired in.

mod oci_support;

use std::collections::BTreeMap;

use oci_support::{TestRegistry, push_image, runtime};
use serde_json::{Value, json};
use tollgate_engine::cosign::attestation::{predicate_type_uri, verify_attestations};
use tollgate_engine::cosign::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE, Statement};
use tollgate_engine::cosign::keyless::{KeylessPolicy, Matcher};
use tollgate_engine::cosign::keys::PrivateKey;
use tollgate_engine::cosign::sign::append_layer;
use tollgate_engine::cosign::verify::{BUNDLE_SIGNATURE_PREDICATE, Signer, verify_image};
use tollgate_engine::cosign::{
    CERTIFICATE_ANNOTATION, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, signature_tag,
};
use tollgate_engine::oci::{Reference, Registry, at_tag, parse_reference, repository_name};

const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

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

/// Stores bundles as referrers of the image at `digest`: one artifact manifest each, and
/// the referrers index under the tag schema's `sha256-<hex>` tag.
async fn push_referrers(client: &Registry, image: &Reference, digest: &str, bundles: &[Value]) {
    let subject_manifest = client
        .manifest(&tollgate_engine::oci::at_digest(image, digest))
        .await
        .unwrap()
        .unwrap();
    let empty = client
        .push_blob(image, "application/vnd.oci.empty.v1+json", b"{}")
        .await
        .unwrap();
    let mut entries = Vec::new();
    for bundle in bundles {
        let layer = client
            .push_blob(
                image,
                BUNDLE_MEDIA_TYPE,
                &serde_json::to_vec(bundle).unwrap(),
            )
            .await
            .unwrap();
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "artifactType": BUNDLE_MEDIA_TYPE,
            "config": empty,
            "layers": [layer],
            "subject": {"mediaType": MANIFEST, "digest": digest, "size": subject_manifest.bytes.len()},
        }))
        .unwrap();
        let artifact = tollgate_engine::oci::sha256_digest(&manifest);
        client
            .push_manifest(
                &tollgate_engine::oci::at_digest(image, &artifact),
                MANIFEST,
                &manifest,
            )
            .await
            .unwrap();
        entries.push(json!({
            "mediaType": MANIFEST,
            "digest": artifact,
            "size": manifest.len(),
            "artifactType": BUNDLE_MEDIA_TYPE,
        }));
    }
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": entries,
    }))
    .unwrap();
    client
        .push_manifest(
            &at_tag(image, &digest.replace(':', "-")),
            "application/vnd.oci.image.index.v1+json",
            &index,
        )
        .await
        .unwrap();
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

#[test]
fn keyless_signatures_fail_closed_until_the_sigstore_verifier_is_wired() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let name = registry.image("app:1");
    let image = parse_reference(&name).unwrap();
    let digest = rt.block_on(push_image(&client, &name, "app"));
    // A legacy keyless layer: payload, signature and certificate annotations.
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
    let policy = Signer::Keyless(KeylessPolicy {
        identity: Matcher::new("--certificate-identity", Some("dev@example.com"), None).unwrap(),
        issuer: Matcher::new("--certificate-oidc-issuer", None, Some("https://.*")).unwrap(),
        trusted_root: None,
    });
    let error = rt
        .block_on(verify_image(&client, &image, &policy, None))
        .unwrap_err();
    assert_eq!(error.code(), "keyless-unavailable", "{error}");
    assert!(
        error
            .to_string()
            .starts_with("keyless verification requires the offline Sigstore verifier"),
        "{error}"
    );
}
