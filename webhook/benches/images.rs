//! Image verification at admission, in process: the webhook's `ImageGate` and
//! `CosignVerifier` checking a Pod whose image is signed and attested in a real registry on
//! 127.0.0.1 (Debian's docker-registry, started by the bench), cold (a verification cache
//! that has never seen the digest) against cached (by tag: the tag is resolved, then the
//! cache answers; by digest: what `/mutate` pinned, answered without the registry).

#[path = "../../engine/tests/oci_support/mod.rs"]
mod oci_support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use oci_support::{TestRegistry, push_image, runtime};
use serde_json::{Value, json};
use tollgate_engine::cosign::attestation::predicate_type_uri;
use tollgate_engine::cosign::keys::PrivateKey;
use tollgate_engine::cosign::sign::{attest_image, sign_image};
use tollgate_engine::oci::parse_reference;
use tollgate_webhook::cosign::CosignVerifier;
use tollgate_webhook::images::{
    ImageGate, ImagePolicy, ImagePolicyConfig, RegistryConfig, UnmatchedImages, VerificationCache,
};

fn pod(image: &str) -> Value {
    json!({"kind": "Pod", "spec": {"containers": [{"name": "app", "image": image}]}})
}

fn bench(c: &mut Criterion) {
    let registry = TestRegistry::start();
    let rt = runtime();
    let client = registry.client();
    let key = PrivateKey::generate().expect("key");
    let name = registry.image("bench/app:1");
    let image = parse_reference(&name).expect("reference");
    let digest = rt.block_on(push_image(&client, &name, "bench"));
    rt.block_on(sign_image(&client, &image, &key, None))
        .expect("signed");
    rt.block_on(attest_image(
        &client,
        &image,
        &key,
        predicate_type_uri("slsaprovenance"),
        json!({"buildType": "make"}),
    ))
    .expect("attested");
    let dir = tempfile::tempdir().expect("directory");
    let key_file = dir.path().join("cosign.pub");
    std::fs::write(&key_file, key.public_key().to_pem().expect("PEM")).expect("key written");
    let config = ImagePolicyConfig {
        unmatched: UnmatchedImages::Deny,
        cache_ttl_seconds: 300,
        pin_digests: true,
        pinned_tag_ttl_seconds: 0,
        registry: RegistryConfig {
            insecure: vec![registry.address.clone()],
            ..RegistryConfig::default()
        },
        policies: vec![ImagePolicy {
            name: "bench".into(),
            images: vec![format!("{}/**", registry.address)],
            key: Some(key_file),
            keyless: None,
            attestations: vec!["slsaprovenance".into()],
        }],
    };
    let verifier = CosignVerifier::new(&config).expect("verifier");
    let reusing_gate = ImageGate::new(ImagePolicyConfig {
        pinned_tag_ttl_seconds: 300,
        ..config.clone()
    })
    .expect("gate");
    let gate = ImageGate::new(config).expect("gate");
    let by_tag = pod(&name);
    let by_digest = pod(&format!("{name}@{digest}"));
    let due = || Instant::now() + Duration::from_secs(10);
    let admitted = |object: &Value, cache: &VerificationCache| {
        let outcome = rt.block_on(gate.check(object, &verifier, cache, due()));
        assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
        outcome
    };

    let mut group = c.benchmark_group("admission_images");
    group.measurement_time(Duration::from_secs(10));
    group.bench_function(
        "cold: first sight of the digest (tag, signature, 1 attestation)",
        |b| {
            b.iter(|| {
                let cache = VerificationCache::default();
                black_box(admitted(&by_tag, &cache))
            });
        },
    );
    let cache = VerificationCache::default();
    admitted(&by_tag, &cache);
    group.bench_function("cached, by tag (one HEAD to resolve it)", |b| {
        b.iter(|| black_box(admitted(&by_tag, &cache)));
    });
    group.bench_function("cached, by digest (pinned by /mutate)", |b| {
        b.iter(|| black_box(admitted(&by_digest, &cache)));
    });
    group.bench_function("/mutate patch, cached", |b| {
        b.iter(|| black_box(rt.block_on(gate.pin(&by_tag, &verifier, &cache, due()))));
    });
    group.bench_function("/mutate patch, cached, pinned tag reused", |b| {
        b.iter(|| {
            let (patch, _) = rt.block_on(reusing_gate.pin(&by_tag, &verifier, &cache, due()));
            assert_eq!(patch.0.len(), 2, "test and replace");
            black_box(patch)
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
