//! Dockerfiles: continuations, heredocs, parser directives, JSON and shell forms.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tollgate_engine::input::Format;
use tollgate_fuzz::{Shape, check_parser};

fuzz_target!(|data: &[u8]| {
    let Some(file) = check_parser(Format::Dockerfile, data, Shape::Partial).ok() else {
        return;
    };
    assert_eq!(file.documents.len(), 1);
    let Value::Array(instructions) = &file.documents[0].value else {
        panic!("a Dockerfile is a list of instructions");
    };
    // Stages count up from 0, one per FROM; every instruction has BuildKit's fields.
    let mut stage = 0;
    for instruction in instructions {
        let cmd = instruction["Cmd"].as_str().expect("Cmd is a string");
        let this_stage = instruction["Stage"].as_u64().expect("Stage is a number");
        assert!(
            this_stage == stage || this_stage == stage + 1,
            "{instruction}"
        );
        stage = this_stage;
        assert!(instruction["JSON"].is_boolean(), "{instruction}");
        assert!(
            cmd == "comment" || !instruction["Value"].is_object(),
            "{instruction}"
        );
    }
});
