//! YAML with source positions: multi-document streams, anchors, aliases and merge keys.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_engine::input::Format;
use tollgate_fuzz::{Shape, check_parser};

fuzz_target!(|data: &[u8]| {
    let _ = check_parser(Format::Yaml, data, Shape::Exact);
});
