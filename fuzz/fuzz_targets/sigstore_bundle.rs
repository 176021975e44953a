//! Sigstore bundles, parsed and verified offline against the public-good trusted root
//! for the conformance suite's artifact, with any identity accepted: nothing panics, and
//! a bundle that verifies is bound to its artifact (one changed byte fails it).

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tollgate_engine::sigstore::{Artifact, Bundle, Matcher, Policy, TrustedRoot, Verifier};

/// The artifact the conformance vectors sign (`bundle-verify/a.txt`).
const ARTIFACT: &[u8] = include_bytes!("../data/a.txt");

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let any = || Matcher::regex(".*").expect("a valid pattern");
        Verifier::new(
            TrustedRoot::production().expect("the embedded production root"),
            Policy::Identity {
                identity: any(),
                issuer: any(),
            },
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(bundle) = Bundle::from_json(data) else {
        return;
    };
    if verifier()
        .verify(&bundle, Artifact::Bytes(ARTIFACT))
        .is_ok()
    {
        let mut other = ARTIFACT.to_vec();
        other[0] ^= 1;
        assert!(
            verifier().verify(&bundle, Artifact::Bytes(&other)).is_err(),
            "a bundle verified for two different artifacts"
        );
    }
});
