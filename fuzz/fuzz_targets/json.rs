//! JSON, differentially against serde_json: tollgate accepts exactly what is JSON (within
//! its limits, without repeated keys) and reads the same values, whichever of its two
//! parsers the depth picks.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_engine::input::Format;
use tollgate_fuzz::{Shape, as_documents, check_parser, reference_json};

fuzz_target!(|data: &[u8]| {
    let parsed = check_parser(Format::Json, data, Shape::Exact);
    match (parsed, reference_json(data)) {
        (Ok(file), Some(reference)) => {
            let values: Vec<_> = file.documents.into_iter().map(|d| d.value).collect();
            assert_eq!(
                values,
                as_documents(reference),
                "values differ from serde_json's"
            );
        }
        (Ok(file), None) => panic!(
            "accepted input that is not JSON: {:?}",
            file.documents.first().map(|d| &d.value)
        ),
        // JSON that tollgate refuses: only for a repeated key or a limit.
        (Err(error), Some(_)) => assert!(
            ["duplicate key", "exceeds the limit", "nested more than"]
                .iter()
                .any(|reason| error.message.contains(reason)),
            "refused valid JSON: {error:?}"
        ),
        (Err(_), None) => {}
    }
});
