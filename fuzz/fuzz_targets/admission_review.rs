//! AdmissionReview request bodies as the webhook reads them: parsing never panics, a
//! body that reads gives a policy input carrying the whole request, and the answer is an
//! AdmissionReview for the same uid.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_webhook::review::{self, Decision};

fuzz_target!(|data: &[u8]| {
    let Ok(review) = review::parse(data) else {
        return;
    };
    let input = review.input();
    assert_eq!(input["review"], review.request_json);
    let _ = review.view();
    let _ = review.is_secret();
    let label = review.label();
    let decision = Decision::failed(format!("{label} could not be decided"));
    let answer =
        serde_json::to_value(decision.response(&review.request)).expect("the answer encodes");
    assert_eq!(answer["response"]["uid"], review.request.uid.as_str());
    assert_eq!(answer["response"]["allowed"], false);
});
