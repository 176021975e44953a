//! JSON, differentially against serde_json: tollgate accepts exactly what is JSON (within
//! its limits) and reads the same values, whichever of its two parsers the depth picks.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_engine::input::Format;
use tollgate_fuzz::{Shape, as_documents, check_parser, reference_json};

fuzz_target!(|data: &[u8]| {
    let parsed = check_parser(Format::Json, data, Shape::Exact);
    match (parsed, reference_json(data)) {
        (Some(file), Some(reference)) => {
            let values: Vec<_> = file.documents.into_iter().map(|d| d.value).collect();
            assert_eq!(
                values,
                as_documents(reference),
                "values differ from serde_json's"
            );
        }
        (Some(file), None) => panic!(
            "accepted input that is not JSON: {:?}",
            file.documents.first().map(|d| &d.value)
        ),
        // Rejected JSON: a limit or a duplicate key (both covered by check_parser's
        // error checks), or not JSON at all.
        (None, _) => {}
    }
});
