//! `tollgate sbom check|normalize` through the real binary: the verdicts of the real
//! SBOMs of ../shared/testdata/sbom, license semantics, deny lists, validation codes with
//! lines, binding to a subject, user policies, outputs and exit codes.

mod common;

use std::collections::BTreeMap;

use common::{root, tollgate, tollgate_in};
use serde_json::Value;

/// `(id, count)` of failures and warnings (and exceptions under `EXCP:id`) in `-o json`.
fn fired(stdout: &str) -> BTreeMap<String, usize> {
    let results: Value = serde_json::from_str(stdout).expect("JSON output");
    let mut counts = BTreeMap::new();
    for result in results.as_array().expect("an array") {
        for (key, prefix) in [("failures", ""), ("warnings", ""), ("exceptions", "EXCP:")] {
            for finding in result[key].as_array().cloned().unwrap_or_default() {
                let id = finding["metadata"]["id"].as_str().unwrap_or("none");
                *counts.entry(format!("{prefix}{id}")).or_insert(0) += 1;
            }
        }
    }
    counts
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// The verdict of every real SBOM, derived by reading it: none has a validation error;
/// NTIA elements are missing where the generators did not record suppliers, versions,
/// dependencies, authors or timestamps; licenses are unknown where a component has none.
#[test]
fn verdicts_of_the_shared_sboms() {
    let expected: &[(&str, &[(&str, usize)])] = &[
        // Crypto assets: no timestamp or author, no suppliers, no purls, no licenses.
        (
            "cyclonedx/cbom-1.6-with-dependencies.json",
            &[("sbom.ntia-minimum", 6), ("sbom.license-unknown", 4)],
        ),
        // No supplier on any component and no dependencies at all.
        (
            "cyclonedx/cern-lhc-vdm-editor-bom.json",
            &[("sbom.ntia-minimum", 44)],
        ),
        // 78 components without supplier or publisher; 34 with an empty license list.
        (
            "cyclonedx/dropwizard-bom.json",
            &[("sbom.ntia-minimum", 82), ("sbom.license-unknown", 34)],
        ),
        // No timestamp, no suppliers; the root has no license.
        (
            "cyclonedx/laravel-bom.1.2.json",
            &[("sbom.ntia-minimum", 64), ("sbom.license-unknown", 1)],
        ),
        (
            "cyclonedx/laravel-bom.1.3.json",
            &[("sbom.ntia-minimum", 64), ("sbom.license-unknown", 1)],
        ),
        (
            "cyclonedx/laravel-bom.1.4.json",
            &[("sbom.ntia-minimum", 64), ("sbom.license-unknown", 1)],
        ),
        (
            "cyclonedx/proton-bridge-v1.8.0.bom.json",
            &[("sbom.ntia-minimum", 202), ("sbom.license-unknown", 9)],
        ),
        // Only glibc has a supplier; Apache Commons Lang is also unrelated and unversioned.
        (
            "spdx/SPDXJSONExample-v2.3.spdx.json",
            &[("sbom.ntia-minimum", 3), ("sbom.license-unknown", 2)],
        ),
        (
            "spdx/SPDXTagExample-v2.3.spdx",
            &[("sbom.ntia-minimum", 3), ("sbom.license-unknown", 2)],
        ),
        (
            "spdx/SPDXYAMLExample-2.3.spdx.yaml",
            &[("sbom.ntia-minimum", 3), ("sbom.license-unknown", 2)],
        ),
        // The spdx-examples packages have neither supplier nor version.
        ("spdx/example1-example1.spdx", &[("sbom.ntia-minimum", 1)]),
        (
            "spdx/example2-example2-bin.spdx",
            &[("sbom.ntia-minimum", 1)],
        ),
        (
            "spdx/example2-example2-src.spdx",
            &[("sbom.ntia-minimum", 1)],
        ),
        (
            "spdx/example3-example3-bin.spdx",
            &[("sbom.ntia-minimum", 1)],
        ),
        (
            "spdx/example3-example3-src.spdx",
            &[("sbom.ntia-minimum", 1)],
        ),
        (
            "spdx/example5-example5-bin.spdx",
            &[("sbom.ntia-minimum", 1)],
        ),
        (
            "spdx/example5-example5-src.spdx",
            &[("sbom.ntia-minimum", 1)],
        ),
        (
            "spdx/example6-example6-bin.spdx",
            &[("sbom.ntia-minimum", 1)],
        ),
        (
            "spdx/example6-example6-lib.spdx",
            &[("sbom.ntia-minimum", 4), ("sbom.license-unknown", 4)],
        ),
        (
            "spdx/example6-example6-src.spdx",
            &[("sbom.ntia-minimum", 1)],
        ),
        (
            "spdx/example7-example7-bin.spdx.json",
            &[("sbom.ntia-minimum", 1), ("sbom.license-unknown", 1)],
        ),
        (
            "spdx/example7-example7-go-module.spdx.json",
            &[("sbom.ntia-minimum", 1), ("sbom.license-unknown", 1)],
        ),
        (
            "spdx/example7-example7-golang.spdx.json",
            &[("sbom.ntia-minimum", 2), ("sbom.license-unknown", 1)],
        ),
        (
            "spdx/example7-example7-third-party-modules.spdx.json",
            &[("sbom.ntia-minimum", 3), ("sbom.license-unknown", 3)],
        ),
    ];
    let shared = root().join("../shared/testdata/sbom");
    for (file, wanted) in expected {
        let path = shared.join(file).display().to_string();
        let run = tollgate(&["sbom", "check", "-o", "json", &path]);
        assert_eq!(run.code, 1, "{file}: {}", run.stderr);
        assert_eq!(fired(&run.stdout), counts(wanted), "{file}");
    }
}

#[test]
fn a_complete_sbom_passes_and_binds_to_its_artifact() {
    let run = tollgate(&[
        "sbom",
        "check",
        "--no-color",
        "--subject",
        "testdata/sbom/artifact.bin",
        "testdata/sbom/clean.cdx.json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        common::summary(&run),
        "15 tests, 15 passed, 0 warnings, 0 failures, 0 exceptions"
    );
    let digest = "sha256:7708b4a60f44d2b3cbcaa8a323602d575525f833353d50ca8a0a862ae9753784";
    let run = tollgate(&[
        "sbom",
        "check",
        "-q",
        "--subject-digest",
        digest,
        "testdata/sbom/clean.cdx.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn a_subject_the_sbom_does_not_describe_fails_even_with_no_fail() {
    let other = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    let run = tollgate(&[
        "sbom",
        "check",
        "--no-fail",
        "--subject-digest",
        other,
        "testdata/sbom/clean.cdx.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("Error: testdata/sbom/clean.cdx.json:")
            && run
                .stderr
                .contains("the SBOM does not describe the subject sha256:0000"),
        "{}",
        run.stderr
    );
    let run = tollgate(&[
        "sbom",
        "check",
        "--subject",
        "Cargo.toml",
        "testdata/sbom/shared/example1-example1.spdx",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("no described element records a sha256 (SPDXRef-Package-hello)"),
        "{}",
        run.stderr
    );
    let run = tollgate(&[
        "sbom",
        "check",
        "--subject-digest",
        "sha256:abc",
        "testdata/sbom/clean.cdx.json",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("must be sha256:<64 hex digits>"),
        "{}",
        run.stderr
    );
    let run = tollgate(&[
        "sbom",
        "check",
        "--subject",
        "no-such-file",
        "testdata/sbom/clean.cdx.json",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("no-such-file: cannot read the subject"),
        "{}",
        run.stderr
    );
}

#[test]
fn license_expressions_and_deny_lists() {
    let run = tollgate(&[
        "sbom",
        "check",
        "--no-color",
        "testdata/sbom/denied.spdx.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // SSPL-1.0 AND MIT is denied; MIT OR AGPL-3.0-only is not (MIT can be chosen).
    assert!(run.stdout.contains(
        "FAIL - testdata/sbom/denied.spdx.json:57:7 - sbom.license-denied - package \"mongo-driver-ish\" 3.1.0 (pkg:npm/mongo-driver-ish@3.1.0): concluded license \"SSPL-1.0 AND MIT\" requires denied SSPL-1.0"
    ), "{}", run.stdout);
    assert!(!run.stdout.contains("dual-licensed"), "{}", run.stdout);
    assert!(run.stdout.contains("WARN - testdata/sbom/denied.spdx.json:90:7 - sbom.license-unknown - package \"mystery\""), "{}", run.stdout);
    assert!(
        !run.stdout.contains("sbom.package-denied"),
        "no deny list by default: {}",
        run.stdout
    );

    let run = tollgate(&[
        "sbom",
        "check",
        "--no-color",
        "-d",
        "testdata/sbom/data",
        "testdata/sbom/denied.spdx.json",
    ]);
    assert!(run.stdout.contains(
        "FAIL - testdata/sbom/denied.spdx.json:76:9 - sbom.package-denied - package \"log4j-core\" 2.14.1 (pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1) is denied by pkg:maven/org.apache.logging.log4j/log4j-core >=2.0.0, <2.17.1: Log4Shell (CVE-2021-44228)"
    ), "{}", run.stdout);

    // Denying MIT makes the dual-licensed package fail too: both of its choices are denied.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("deny.json"),
        r#"{"tollgate": {"sbom": {"denied_licenses": ["mit", "AGPL-3.0-only"]}}}"#,
    )
    .expect("write");
    let data = dir.path().join("deny.json").display().to_string();
    let run = tollgate(&[
        "sbom",
        "check",
        "-o",
        "json",
        "-d",
        &data,
        "testdata/sbom/denied.spdx.json",
    ]);
    assert_eq!(
        fired(&run.stdout)["sbom.license-denied"],
        2,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("requires denied AGPL-3.0-only, MIT"),
        "{}",
        run.stdout
    );
}

#[test]
fn exit_codes_follow_test() {
    let run = tollgate(&[
        "sbom",
        "check",
        "--fail-on-warn",
        "testdata/sbom/denied.spdx.json",
    ]);
    assert_eq!(run.code, 2);
    let run = tollgate(&[
        "sbom",
        "check",
        "--no-fail",
        "testdata/sbom/denied.spdx.json",
    ]);
    assert_eq!(run.code, 0);
    let run = tollgate(&[
        "sbom",
        "check",
        "--only",
        "sbom.license-unknown",
        "--fail-on-warn",
        "testdata/sbom/denied.spdx.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let run = tollgate(&[
        "sbom",
        "check",
        "--only",
        "sbom.nope",
        "testdata/sbom/denied.spdx.json",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("unknown policy id \"sbom.nope\""),
        "{}",
        run.stderr
    );
    // The first file is read while the policies load; a policy error still comes first
    // and alone.
    let run = tollgate(&["sbom", "check", "--only", "sbom.nope", "missing.spdx.json"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("unknown policy id \"sbom.nope\"") && !run.stderr.contains("missing"),
        "{}",
        run.stderr
    );
}

#[test]
fn validation_errors_name_element_and_line_and_can_be_skipped() {
    let run = tollgate(&[
        "sbom",
        "check",
        "--no-color",
        "testdata/sbom/invalid.cdx.json",
    ]);
    assert_eq!(run.code, 1);
    for line in [
        "FAIL - testdata/sbom/invalid.cdx.json:45:7 - SBOM003 - bom-ref \"lib\" of component \"lib-copy\" 1.0 is already used by component \"lib\" 1.0",
        "FAIL - testdata/sbom/invalid.cdx.json:60:9 - SBOM004 - component \"lib-copy\" 1.0: SHA-256 checksum has 4 hex digits, expected 64",
        "FAIL - testdata/sbom/invalid.cdx.json:72:9 - SBOM002 - dependsOn of \"app\" refers to \"missing-lib\", which no component or service has as bom-ref",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
    let run = tollgate(&[
        "sbom",
        "check",
        "-o",
        "json",
        "--skip",
        "SBOM003,sbom.license-unknown",
        "testdata/sbom/invalid.cdx.json",
    ]);
    assert_eq!(
        fired(&run.stdout),
        counts(&[
            ("SBOM002", 1),
            ("SBOM004", 1),
            ("EXCP:SBOM003", 1),
            ("EXCP:sbom.license-unknown", 1)
        ])
    );
    let run = tollgate(&[
        "sbom",
        "check",
        "-o",
        "sarif",
        "testdata/sbom/invalid.cdx.json",
    ]);
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let duplicate = results
        .iter()
        .find(|r| r["ruleId"] == "SBOM003")
        .expect("SBOM003 result");
    assert_eq!(
        duplicate["locations"][0]["physicalLocation"]["region"]["startLine"],
        45
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(
        rules.iter().any(|r| r["id"] == "SBOM003"
            && r["shortDescription"]["text"] == "Duplicate element identifier")
    );
}

#[test]
fn unreadable_sboms_are_errors_with_their_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("bad.spdx"),
        "SPDXVersion: SPDX-2.3\nPackageVersion: 1.0\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("pod.json"), "{\"kind\": \"Pod\"}").expect("write");
    std::fs::write(
        dir.path().join("typed.json"),
        "{\n\"bomFormat\": \"CycloneDX\",\n\"components\": 7}",
    )
    .expect("write");
    let run = tollgate_in(
        dir.path(),
        &["sbom", "check", "bad.spdx", "pod.json", "typed.json"],
        None,
    );
    assert_eq!(run.code, 1);
    for expected in [
        "Error: bad.spdx:2:1: invalid SPDX tag-value: PackageVersion must follow a PackageName line",
        "Error: pod.json:1:1: not an SBOM: no spdxVersion (SPDX) or bomFormat (CycloneDX) at the top level",
        "Error: typed.json:3:1: invalid SBOM: invalid type: integer `7`, expected a sequence",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn user_policies_run_beside_or_instead_of_the_bundled_ones() {
    let run = tollgate(&[
        "sbom",
        "check",
        "-o",
        "json",
        "-p",
        "testdata/sbom/policy",
        "testdata/sbom/clean.cdx.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings = fired(&run.stdout);
    assert_eq!(findings, counts(&[("none", 1)]), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("package golang.org/x/text has no sha256 hash"),
        "{}",
        run.stdout
    );
    let run = tollgate(&[
        "sbom",
        "check",
        "-o",
        "json",
        "-p",
        "testdata/sbom/policy",
        "--bundled",
        "testdata/sbom/denied.spdx.json",
    ]);
    let findings = fired(&run.stdout);
    assert_eq!(findings.get("none"), Some(&5), "{}", run.stdout);
    assert_eq!(
        findings.get("sbom.license-denied"),
        Some(&1),
        "{}",
        run.stdout
    );
}

#[test]
fn directories_stdin_and_every_output_format() {
    // In a directory, files that are not SBOMs (the data file) are skipped.
    let run = tollgate(&[
        "sbom",
        "check",
        "-o",
        "json",
        "--skip",
        "sbom.ntia-minimum",
        "testdata/sbom",
    ]);
    let results: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let mut files: Vec<&str> = results
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["filename"].as_str())
        .collect();
    files.dedup();
    assert_eq!(
        files,
        [
            "testdata/sbom/clean.cdx.json",
            "testdata/sbom/denied.spdx.json",
            "testdata/sbom/invalid.cdx.json",
            "testdata/sbom/shared/SPDXJSONExample-v2.3.spdx.json",
            "testdata/sbom/shared/SPDXTagExample-v2.3.spdx",
            "testdata/sbom/shared/example1-example1.spdx",
            "testdata/sbom/shared/laravel-bom.1.4.json",
        ]
    );
    let bytes = std::fs::read(root().join("testdata/sbom/denied.spdx.json")).expect("readable");
    let run = tollgate_in(&root(), &["sbom", "check", "--no-color", "-"], Some(&bytes));
    assert!(
        run.stdout.contains("FAIL - -:57:7 - sbom.license-denied"),
        "{}",
        run.stdout
    );
    for (format, marker) in [
        ("tap", "not ok"),
        ("table", "tollgate.sbom.license_denied"),
        ("junit", "<testsuites"),
        (
            "github",
            "::error file=testdata/sbom/denied.spdx.json,line=57",
        ),
    ] {
        let run = tollgate(&[
            "sbom",
            "check",
            "-o",
            format,
            "testdata/sbom/denied.spdx.json",
        ]);
        assert_eq!(run.code, 1, "{format}");
        assert!(run.stdout.contains(marker), "{format}: {}", run.stdout);
    }
}

#[test]
fn normalize_prints_the_shape_policies_see() {
    let run = tollgate(&[
        "sbom",
        "normalize",
        "testdata/sbom/shared/SPDXTagExample-v2.3.spdx",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(value["format"], "spdx");
    assert_eq!(value["packages"][0]["name"], "glibc");
    assert_eq!(
        value["packages"][0]["licenses"]["concluded"]["kind"],
        "expression"
    );
    let run = tollgate(&[
        "sbom",
        "normalize",
        "testdata/sbom/clean.cdx.json",
        "testdata/sbom/denied.spdx.json",
    ]);
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(value["testdata/sbom/clean.cdx.json"]["format"], "cyclonedx");
    let run = tollgate(&["sbom", "normalize", "Cargo.toml"]);
    assert_eq!(run.code, 1);
}
