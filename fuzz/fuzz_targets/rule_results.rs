//! conftest's reading of rule results over values of any JSON shape: `deny` is whatever
//! the input's `deny` is (a string, an array, an object, a number...), the other rules are
//! sets of arbitrary items, `exception` names rules to exempt, and result objects carry
//! arbitrary `msg`, `path` and `_loc` fields.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use tollgate_engine::input::Format;
use tollgate_fuzz::{Rules, Shape, check_parser};

const POLICY: &str = r#"package main
import rego.v1

deny := input.deny

violation_items contains item if some item in input.violation

warn contains item if some item in input.warn

warn_paths contains {"msg": "at path", "path": path} if some path in input.paths

exception contains names if some names in input.exception
"#;

static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::new(POLICY));

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = check_parser(Format::Json, data, Shape::Exact) {
        RULES.check(&file, data);
    }
});
