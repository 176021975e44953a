//! A policy written for conftest gives conftest's counts, messages and exit codes.

mod common;

use common::{summary, tollgate};

const POLICY: [&str; 2] = ["-p", "testdata/conftest/policy"];
const INPUT: &str = "testdata/conftest/inputs";

fn test(extra: &[&str]) -> common::Run {
    let mut args = vec!["test", "--no-color"];
    args.extend(POLICY);
    args.extend(extra);
    tollgate(&args)
}

#[test]
fn counts_messages_and_exit_code_match_conftest() {
    let run = test(&[INPUT]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        summary(&run),
        "16 tests, 12 passed, 1 warning, 2 failures, 1 exception"
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        &lines[..4],
        [
            "FAIL - testdata/conftest/inputs/deployments.yaml:17:1 - main - Containers must not run as root in Deployment root",
            "FAIL - testdata/conftest/inputs/deployments.yaml:17:1 - main - image busybox:latest uses latest",
            "WARN - testdata/conftest/inputs/deployments.yaml:47:1 - main - Service lb is a LoadBalancer",
            "EXCP - testdata/conftest/inputs/deployments.yaml:31:1 - main - data.main.exception[_][_] == \"image_tag\"",
        ]
    );
}

#[test]
fn fail_on_warn_exit_codes() {
    assert_eq!(test(&["--fail-on-warn", INPUT]).code, 2);
    let service_only =
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: LoadBalancer}\n";
    let run = common::tollgate_in(
        &common::root(),
        &[
            "test",
            "-p",
            "testdata/conftest/policy",
            "--fail-on-warn",
            "-",
        ],
        Some(service_only.as_bytes()),
    );
    assert_eq!(run.code, 1, "warnings alone exit 1 with --fail-on-warn");
    let run = common::tollgate_in(
        &common::root(),
        &["test", "-p", "testdata/conftest/policy", "-"],
        Some(service_only.as_bytes()),
    );
    assert_eq!(run.code, 0, "warnings alone exit 0 by default");
    assert_eq!(
        summary(&run),
        "4 tests, 3 passed, 1 warning, 0 failures, 0 exceptions"
    );
}

#[test]
fn no_fail_exits_zero_with_failures() {
    let run = test(&["--no-fail", INPUT]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("2 failures"));
}

#[test]
fn combine_gives_one_input_of_all_documents() {
    let run = test(&["--combine", "-n", "combine", INPUT]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "FAIL - Combined:1:1 - combine - Service lb selects no Deployment\n\n1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions\n"
    );
}

#[test]
fn object_results_keep_their_keys_as_metadata() {
    let run = test(&["-o", "json", INPUT]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON output");
    let failures = json[0]["failures"].as_array().expect("failures");
    let tagged = failures
        .iter()
        .find(|f| f["msg"] == "image busybox:latest uses latest")
        .expect("the violation_image_tag finding");
    assert_eq!(tagged["metadata"]["details"]["image"], "busybox:latest");
    assert_eq!(tagged["metadata"]["query"], "data.main.violation_image_tag");
    assert_eq!(json[0]["successes"], 12);
    assert_eq!(json[0]["exceptions"].as_array().map(Vec::len), Some(1));
}

#[test]
fn suppress_exceptions_hides_them_but_still_counts_them() {
    let run = test(&["--suppress-exceptions", INPUT]);
    assert!(!run.stdout.contains("EXCP"));
    assert!(run.stdout.contains("1 exception"));
}

#[test]
fn namespace_globs_and_all_namespaces() {
    let run = test(&["-n", "comb*", INPUT]);
    // One rule over each of the four documents.
    assert_eq!(
        summary(&run),
        "4 tests, 4 passed, 0 warnings, 0 failures, 0 exceptions"
    );
    let run = test(&["--all-namespaces", INPUT]);
    assert_eq!(
        summary(&run),
        "20 tests, 16 passed, 1 warning, 2 failures, 1 exception"
    );
    let run = test(&["-n", "missing", INPUT]);
    assert_eq!(run.code, 0);
    assert_eq!(
        summary(&run),
        "0 tests, 0 passed, 0 warnings, 0 failures, 0 exceptions"
    );
}

#[test]
fn quiet_prints_nothing_on_success() {
    let run = test(&["--quiet", "-n", "missing", INPUT]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    let run = test(&["--quiet", INPUT]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("FAIL"));
}

#[test]
fn verify_runs_test_rules_and_skips_todo() {
    let run = tollgate(&["verify", "--no-color", "-p", "testdata/conftest/policy"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        summary(&run),
        "3 tests, 2 passed, 0 warnings, 0 failures, 0 exceptions, 1 skipped"
    );
}
