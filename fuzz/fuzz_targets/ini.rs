//! INI files as `{section: {key: value}}` with typed values.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tollgate_engine::input::Format;
use tollgate_fuzz::{Shape, check_parser};

fuzz_target!(|data: &[u8]| {
    let Some(file) = check_parser(Format::Ini, data, Shape::Partial).ok() else {
        return;
    };
    let Value::Object(sections) = &file.documents[0].value else {
        panic!("INI is an object of sections");
    };
    for properties in sections.values() {
        let Value::Object(properties) = properties else {
            panic!("a section is an object: {properties}");
        };
        for value in properties.values() {
            assert!(
                value.is_string() || value.is_number() || value.is_boolean(),
                "{value}"
            );
        }
    }
});
