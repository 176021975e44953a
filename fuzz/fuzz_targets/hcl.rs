//! HCL2 / Terraform files in hcl2json's shape, with source positions.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_engine::input::Format;
use tollgate_fuzz::{Shape, check_parser};

fuzz_target!(|data: &[u8]| {
    let _ = check_parser(Format::Hcl2, data, Shape::Exact);
});
