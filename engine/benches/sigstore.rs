//! Offline verification of an already parsed Sigstore bundle (issue #4's target: under
//! 1 ms): a v0.3 message-signature bundle with a Rekor v1 entry (SET, inclusion proof and
//! checkpoint), a DSSE bundle, and a Rekor v2 bundle with an RFC 3161 timestamp, all from
//! the Sigstore conformance suite; plus bundle parsing on its own.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use sha2::{Digest, Sha256};
use tollgate_engine::sigstore::{Artifact, Bundle, Matcher, Policy, TrustedRoot, Verifier};

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn vector(path: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/testdata/sigstore-conformance/bundle-verify");
    std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn verifier(root: TrustedRoot) -> Verifier {
    Verifier::new(
        root,
        Policy::Identity {
            identity: Matcher::Exact(IDENTITY.into()),
            issuer: Matcher::Exact(ISSUER.into()),
        },
    )
}

fn bench(c: &mut Criterion) {
    let digest: [u8; 32] = Sha256::digest(vector("a.txt")).into();
    let production = verifier(TrustedRoot::production().expect("root"));
    let rekor2 = verifier(
        TrustedRoot::from_json(&vector("rekor2-happy-path/trusted_root.json")).expect("root"),
    );
    let cases = [
        (
            "verify/message-v0.3-rekor-v1",
            &production,
            "happy-path-v0.3",
        ),
        (
            "verify/dsse-v0.3-rekor-v1",
            &production,
            "happy-path-intoto-in-dsse-v3",
        ),
        ("verify/message-rekor-v2-tsa", &rekor2, "rekor2-happy-path"),
    ];
    for (name, verifier, dir) in cases {
        let bundle =
            Bundle::from_json(&vector(&format!("{dir}/bundle.sigstore.json"))).expect("bundle");
        verifier
            .verify(&bundle, Artifact::Sha256(digest))
            .expect("the bundle verifies");
        // Warm: the verifier has seen this signing certificate (the webhook's steady state).
        c.bench_function(&format!("{name}/warm"), |b| {
            b.iter(|| verifier.verify(black_box(&bundle), Artifact::Sha256(digest)))
        });
        // Cold: a fresh verifier (built outside the timing), so every signature is checked.
        c.bench_function(&format!("{name}/cold"), |b| {
            b.iter_batched(
                || verifier.clone_without_cache(),
                |fresh| fresh.verify(black_box(&bundle), Artifact::Sha256(digest)),
                BatchSize::SmallInput,
            )
        });
    }
    let json = vector("happy-path-v0.3/bundle.sigstore.json");
    c.bench_function("parse/message-v0.3", |b| {
        b.iter(|| Bundle::from_json(black_box(&json)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
