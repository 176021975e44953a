//! Verifying a signed image against a real registry on 127.0.0.1 (Debian's
//! docker-registry, started by the bench): cold (a new client, so new connections and no
//! cache), with a warm connection but no cache, and answered from the verification cache.

#[path = "../tests/oci_support/mod.rs"]
mod oci_support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use oci_support::{TestRegistry, push_image, runtime};
use serde_json::json;
use tollgate_engine::cosign::attestation::{predicate_type_uri, verify_attestations};
use tollgate_engine::cosign::cache::VerificationCache;
use tollgate_engine::cosign::keys::PrivateKey;
use tollgate_engine::cosign::sign::{attest_image, sign_image};
use tollgate_engine::cosign::verify::{Signer, verify_image};
use tollgate_engine::oci::{Registry, parse_reference};

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
    let slsa = predicate_type_uri("slsaprovenance");
    rt.block_on(attest_image(
        &client,
        &image,
        &key,
        slsa,
        json!({"buildType": "make"}),
    ))
    .expect("attested");
    let by_digest =
        parse_reference(&format!("{}@{digest}", registry.image("bench/app"))).expect("reference");
    let signer = Signer::Key(key.public_key());

    let mut group = c.benchmark_group("image_verify");
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("cold: new client, tag", |b| {
        b.iter(|| {
            let client = Registry::new(registry.options()).expect("client");
            black_box(
                rt.block_on(verify_image(&client, &image, &signer, None))
                    .expect("verified"),
            )
        });
    });
    group.bench_function("warm connection, no cache, tag", |b| {
        b.iter(|| {
            black_box(
                rt.block_on(verify_image(&client, &image, &signer, None))
                    .expect("verified"),
            )
        });
    });
    let cache = VerificationCache::new(Duration::from_secs(300), 1024);
    group.bench_function("cached, digest", |b| {
        b.iter(|| {
            black_box(
                rt.block_on(verify_image(&client, &by_digest, &signer, Some(&cache)))
                    .expect("verified"),
            )
        });
    });
    group.bench_function("cached, tag (one HEAD to resolve it)", |b| {
        b.iter(|| {
            black_box(
                rt.block_on(verify_image(&client, &image, &signer, Some(&cache)))
                    .expect("verified"),
            )
        });
    });
    group.bench_function("attestation cold: new client, tag", |b| {
        b.iter(|| {
            let client = Registry::new(registry.options()).expect("client");
            black_box(
                rt.block_on(verify_attestations(&client, &image, &signer, slsa, None))
                    .expect("verified"),
            )
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
