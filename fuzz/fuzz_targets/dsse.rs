//! DSSE envelopes and the in-toto statements inside them, as cosign attestations carry
//! them: parsing never panics, no envelope verifies with a key that signed nothing (the
//! fuzzer cannot forge), and one signed here verifies and yields its own payload.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tollgate_engine::cosign::dsse::{Envelope, Statement};
use tollgate_engine::cosign::keys::PrivateKey;

fn key() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::generate().expect("a fresh key"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = Envelope::parse(data) {
        assert!(
            envelope.verify(&key().public_key()).is_none(),
            "an envelope from the fuzzer verified with a fresh key"
        );
        let reread = Envelope::parse(&envelope.to_bytes()).expect("a written envelope reads");
        assert_eq!(reread.payload_type(), envelope.payload_type());
    }
    if let Ok(statement) = Statement::parse(data) {
        let _ = statement.subject_digests();
        let _ = statement.is_about("sha256:0000");
    }
    let signed = Envelope::sign("application/vnd.in-toto+json", data, key());
    assert_eq!(
        signed.verify(&key().public_key()).as_deref(),
        Some(data),
        "a signed envelope did not verify"
    );
});
