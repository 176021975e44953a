//! SBOMs (SPDX JSON, YAML and tag-value, CycloneDX JSON), told apart by content as
//! `tollgate sbom check` does: reading, validating and normalising never panic, every
//! error and every validation finding points inside the file, and the normalised shape
//! round-trips through JSON.

#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use tollgate_engine::sbom::{self, check};
use tollgate_fuzz::{INPUT_PATH, Lines, check_error, limits};

fuzz_target!(|data: &[u8]| {
    let lines = Lines::new(data);
    let file = match sbom::parse(INPUT_PATH, data.to_vec(), &limits()) {
        Ok(file) => file,
        Err(error) => {
            assert_eq!(error.path, INPUT_PATH);
            return check_error(&error.error, &lines);
        }
    };
    let sbom = match sbom::analyze(file) {
        Ok(sbom) => sbom,
        Err(error) => return check_error(&error.error, &lines),
    };
    let result = check::validation_result(&sbom, &BTreeSet::new());
    for finding in result.failures.iter().chain(&result.warnings) {
        assert_eq!(finding.location.file, INPUT_PATH);
        lines.assert_contains(finding.location.position, &finding.message);
    }
    let shape = &sbom.normalized.value;
    let text = serde_json::to_string(shape).expect("the normalised shape is JSON");
    let reread: serde_json::Value = serde_json::from_str(&text).expect("it reads back");
    assert_eq!(&reread, shape, "the normalised shape changed through JSON");
});
