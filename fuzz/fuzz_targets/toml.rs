//! TOML, with a round trip: the parsed value written back as TOML reads the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_engine::input::Format;
use tollgate_fuzz::{Shape, check_parser};

fuzz_target!(|data: &[u8]| {
    let Some(file) = check_parser(Format::Toml, data, Shape::Partial).ok() else {
        return;
    };
    let value = &file.documents[0].value;
    let written = toml::to_string(value).expect("a parsed TOML value writes back as TOML");
    let again = check_parser(Format::Toml, written.as_bytes(), Shape::Partial)
        .unwrap_or_else(|e| panic!("written TOML does not parse: {e:?}\n{written}"));
    assert_eq!(
        &again.documents[0].value, value,
        "TOML round trip:\n{written}"
    );
});
