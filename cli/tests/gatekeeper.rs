//! Gatekeeper compatibility through the real binary: `tollgate gator verify` over our own
//! suites (testdata/gatekeeper) with gator's pass/fail semantics, and `tollgate test` with
//! ConstraintTemplates and Constraints as policies, every object of the run as inventory.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{root, tollgate, tollgate_in};
use serde_json::Value;

/// Cases and tests in testdata/gatekeeper/*/suite.yaml, counted from the files.
const CASES: usize = 47;
const TESTS: usize = 11;
const SUITES: usize = 6;

#[test]
fn gator_verify_passes_our_suites() {
    let run = tollgate(&["gator", "verify", "testdata/gatekeeper"]);
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let ok: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("ok\t"))
        .collect();
    assert_eq!(ok.len(), SUITES, "{}", run.stdout);
    assert!(
        ok.iter()
            .any(|l| l.contains("testdata/gatekeeper/inventory/suite.yaml"))
    );
    assert_eq!(run.stdout.lines().last(), Some("PASS"));
    assert!(!run.stdout.contains("FAIL"), "{}", run.stdout);
}

#[test]
fn gator_verify_verbose_lists_every_case() {
    let run = tollgate(&["gator", "verify", "-v", "testdata/gatekeeper/..."]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let case_passes = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("    --- PASS: "))
        .count();
    let test_passes = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("--- PASS: "))
        .count();
    assert_eq!(case_passes, CASES, "{}", run.stdout);
    assert_eq!(test_passes, TESTS, "{}", run.stdout);
    for name in [
        "    --- PASS: excluded-by-suffix-glob",
        "    --- PASS: doesnotexist-expression-excludes",
        "    --- PASS: object-in-prod-namespace",
        "    --- PASS: host-taken-in-another-namespace",
        "    --- PASS: admission-review-delete-reviews-the-old-object",
        "    --- PASS: update-changes-owner-first-body",
        "--- PASS: parameters-must-fit-the-schema",
    ] {
        assert!(run.stdout.contains(name), "{name} missing:\n{}", run.stdout);
    }
}

/// Copies one of our suites into a temporary directory, edited by `edit`.
fn edited_suite(name: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("testdata/gatekeeper").join(name), dir.path());
    let suite = dir.path().join("suite.yaml");
    let text = std::fs::read_to_string(&suite).expect("suite.yaml");
    std::fs::write(&suite, edit(text)).expect("write suite.yaml");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("below from"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn gator_verify_reads_an_empty_test_name_as_gator_does() {
    let dir = edited_suite("rulebodies", |s| {
        s.replacen("  - name: several-bodies-per-rule\n", "  - name:\n", 1)
    });
    let run = tollgate_in(dir.path(), &["gator", "verify", "-v", "."], None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("\n--- PASS: \n"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("    --- PASS: update-changes-owner-first-body"),
        "{}",
        run.stdout
    );
}

#[test]
fn gator_verify_fails_a_test_with_expansion_templates_saying_so() {
    let dir = edited_suite("rulebodies", |s| {
        s.replacen(
            "    constraint: samples/constraint.yaml\n",
            "    constraint: samples/constraint.yaml\n    expansion: samples/expansion.yaml\n",
            1,
        )
    });
    let run = tollgate_in(dir.path(), &["gator", "verify", "."], None);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("--- FAIL: several-bodies-per-rule\n  expansion samples/expansion.yaml: ExpansionTemplates are not supported"),
        "{}",
        run.stdout
    );
}

#[test]
fn gator_verify_fails_a_wrong_assertion_with_the_reason() {
    let dir = edited_suite("allowedrepos", |s| {
        s.replacen(
            "      - name: listed-by-exact-name\n        object: samples/prod-only/pod-in-payments.yaml\n        assertions:\n          - violations: 1",
            "      - name: listed-by-exact-name\n        object: samples/prod-only/pod-in-payments.yaml\n        assertions:\n          - violations: no",
            1,
        )
    });
    let run = tollgate_in(dir.path(), &["gator", "verify", "."], None);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("    --- FAIL: listed-by-exact-name\n        got 1 violations but want none: got messages [\"container <main> has an invalid image repo <docker.io/library/nginx:1.27>"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("--- FAIL: prod-repos"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("FAIL\t./suite.yaml\t"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().last(), Some("FAIL"));
    // Only the failing case is listed without -v.
    assert!(!run.stdout.contains("--- PASS"), "{}", run.stdout);
}

#[test]
fn gator_verify_message_assertions_count_only_matching_violations() {
    let dir = edited_suite("allowedrepos", |s| {
        s.replacen(
            "          - message: \"<init>\"\n            violations: 1",
            "          - message: \"<init>\"\n            violations: 2",
            1,
        )
    });
    let run = tollgate_in(dir.path(), &["gator", "verify", "suite.yaml"], None);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("got 1 violations containing \"<init>\" but want exactly 2"),
        "{}",
        run.stdout
    );
}

#[test]
fn gator_verify_reports_broken_tests_and_cases() {
    let dir = edited_suite("requiredlabels", |s| {
        s.replacen("template: template.yaml", "template: missing.yaml", 1)
            .replacen(
                "        assertions:\n          - violations: 1\n      - name: namespace-is-not-namespaced",
                "        assertions: []\n      - name: namespace-is-not-namespaced",
                1,
            )
            .replacen("invalid/constraint.yaml", "samples/must-have-owner/constraint.yaml", 1)
    });
    let run = tollgate_in(dir.path(), &["gator", "verify", "."], None);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("--- FAIL: must-have-owner\n  "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("missing.yaml"), "{}", run.stdout);
    assert!(
        run.stdout.contains("    --- FAIL: configmap-in-namespace\n        invalid case: assertions must be non-empty"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("--- FAIL: parameters-must-fit-the-schema\n  constraint samples/must-have-owner/constraint.yaml is valid, but the test expects it to be invalid"),
        "{}",
        run.stdout
    );
}

#[test]
fn gator_verify_without_suites_is_an_error() {
    let run = tollgate(&["gator", "verify", "testdata/gatekeeper/manifests"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no suites"), "{}", run.stderr);
}

/// `(constraint, kind of finding) -> count` and successes per constraint in `-o json`.
fn outcomes(stdout: &str) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let results: Value = serde_json::from_str(stdout).expect("JSON output");
    let mut findings = BTreeMap::new();
    let mut successes = BTreeMap::new();
    for result in results.as_array().expect("an array") {
        let constraint = result["namespace"].as_str().expect("namespace").to_string();
        *successes.entry(constraint.clone()).or_insert(0) +=
            result["successes"].as_u64().expect("successes") as usize;
        for key in ["failures", "warnings", "exceptions"] {
            for finding in result[key].as_array().cloned().unwrap_or_default() {
                assert_eq!(
                    finding["metadata"]["query"].as_str(),
                    Some(constraint.as_str())
                );
                *findings.entry(format!("{constraint} {key}")).or_insert(0) += 1;
            }
        }
    }
    (findings, successes)
}

#[test]
fn test_runs_templates_and_constraints_over_a_set_of_manifests() {
    let args = [
        "test",
        "-p",
        "testdata/gatekeeper/inventory",
        "-p",
        "testdata/gatekeeper/namespaceselector",
        "-p",
        "testdata/gatekeeper/allowedrepos",
        "-p",
        "testdata/gatekeeper/disallowedtags",
        "testdata/gatekeeper/manifests",
    ];
    let run = tollgate(&[&args[..], &["-o", "json"]].concat());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let (findings, successes) = outcomes(&run.stdout);
    let expected: BTreeMap<String, usize> = [
        ("TgUniqueIngressHost/unique-ingress-host failures", 2),
        (
            "TgUniqueServiceSelector/unique-service-selector failures",
            2,
        ),
        ("TgRequiredAnnotations/prod-needs-contact failures", 1),
        ("TgAllowedRepos/prod-repos warnings", 1),
        ("TgDisallowedTags/no-latest-on-web exceptions", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(findings, expected);
    // Namespace shop, its Ingress, Service web and Pod web-1 carry the annotation.
    assert_eq!(
        successes.get("TgRequiredAnnotations/prod-needs-contact"),
        Some(&4)
    );
    assert_eq!(successes.values().sum::<usize>(), 4);

    let human = tollgate(&args);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains(
        "FAIL - testdata/gatekeeper/manifests/lab.yaml:1:1 - TgUniqueIngressHost/unique-ingress-host - Ingress lab/storefront-test: ingress host shop.example.com is already used by ingress shop/storefront"
    ), "{}", human.stdout);
    assert!(human.stdout.contains(
        "FAIL - testdata/gatekeeper/manifests/shop.yaml:20:1 - TgRequiredAnnotations/prod-needs-contact - Service shop/web-alias: Service web-alias needs the annotation example.com/contact"
    ), "{}", human.stdout);
    assert!(human.stdout.contains(
        "EXCP - testdata/gatekeeper/manifests/shop.yaml:28:1 - TgDisallowedTags/no-latest-on-web - dryrun: Pod shop/web-1: container main uses the disallowed tag latest"
    ), "{}", human.stdout);
    assert!(
        human
            .stdout
            .contains("11 tests, 4 passed, 1 warning, 5 failures, 1 exception"),
        "{}",
        human.stdout
    );

    // SARIF names each constraint as a rule.
    let sarif = tollgate(&[&args[..], &["-o", "sarif"]].concat());
    let log: Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
    let rules: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(
        rules.contains(&"TgUniqueIngressHost/unique-ingress-host"),
        "{rules:?}"
    );
}

#[test]
fn warnings_and_dryrun_alone_exit_zero() {
    let args = [
        "test",
        "-p",
        "testdata/gatekeeper/allowedrepos",
        "-p",
        "testdata/gatekeeper/disallowedtags",
        "testdata/gatekeeper/manifests",
    ];
    let run = tollgate(&args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("1 warning, 0 failures, 1 exception"),
        "{}",
        run.stdout
    );
    let strict = tollgate(&[&args[..], &["--fail-on-warn"]].concat());
    assert_eq!(
        strict.code, 1,
        "a warn constraint fails with --fail-on-warn"
    );
}

#[test]
fn cel_only_template_is_refused_by_name() {
    let run = tollgate(&[
        "test",
        "-p",
        "testdata/gatekeeper/cel-only",
        "testdata/gatekeeper/manifests",
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("testdata/gatekeeper/cel-only/template.yaml: ConstraintTemplate tgcelonly: only CEL code (engine K8sNativeValidation) is given"),
        "{}",
        run.stderr
    );
}

/// gator evaluates CEL templates; tollgate cannot, so a suite of a CEL-only template fails
/// with the reason instead of passing (or being skipped) unnoticed.
#[test]
fn gator_verify_fails_a_cel_only_suite_saying_it_is_unsupported() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("testdata/gatekeeper/cel-only"), dir.path());
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n",
    )
    .expect("write pod.yaml");
    std::fs::write(
        dir.path().join("suite.yaml"),
        "kind: Suite\napiVersion: test.gatekeeper.sh/v1alpha1\ntests:\n- name: cel\n  template: template.yaml\n  constraint: constraint.yaml\n  cases:\n  - name: unlabelled\n    object: pod.yaml\n    assertions:\n    - violations: yes\n",
    )
    .expect("write suite.yaml");
    let run = tollgate_in(dir.path(), &["gator", "verify", "."], None);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("--- FAIL: cel\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("ConstraintTemplate tgcelonly: only CEL code (engine K8sNativeValidation) is given: tollgate evaluates Rego only, so this template is unsupported"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().last(), Some("FAIL"));
}

#[test]
fn broken_policy_sources_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let constraint =
        root().join("testdata/gatekeeper/allowedrepos/samples/prod-only/constraint.yaml");
    std::fs::copy(&constraint, dir.path().join("constraint.yaml")).expect("copy");
    let manifests = root().join("testdata/gatekeeper/manifests");
    let manifests = manifests.to_str().expect("UTF-8 path");
    // A constraint without its template.
    let run = tollgate_in(dir.path(), &["test", "-p", ".", manifests], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("constraint.yaml: Constraint TgAllowedRepos/prod-repos: no ConstraintTemplate defines kind TgAllowedRepos"),
        "{}",
        run.stderr
    );
    // A file mixing a constraint with another object.
    let mixed = format!(
        "{}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\n",
        std::fs::read_to_string(&constraint).expect("read")
    );
    std::fs::write(dir.path().join("constraint.yaml"), mixed).expect("write");
    let run = tollgate_in(dir.path(), &["test", "-p", ".", manifests], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("constraint.yaml: document 2 is not a ConstraintTemplate or Constraint"),
        "{}",
        run.stderr
    );
}

#[test]
fn namespace_selector_without_the_namespace_is_an_error() {
    let run = tollgate(&[
        "test",
        "-p",
        "testdata/gatekeeper/namespaceselector",
        "testdata/gatekeeper/manifests/shop.yaml",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("testdata/gatekeeper/manifests/shop.yaml:1:1: Constraint TgRequiredAnnotations/prod-needs-contact: namespaceSelector needs the Namespace \"shop\" of Ingress \"storefront\""),
        "{}",
        run.stderr
    );
}

#[test]
fn gator_verify_run_selects_tests_and_cases() {
    let run = tollgate(&[
        "gator",
        "verify",
        "-v",
        "--run",
        "prod-repos//exact",
        "testdata/gatekeeper",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let passes: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("    --- PASS: "))
        .collect();
    assert_eq!(passes, ["    --- PASS: listed-by-exact-name"]);
    assert!(
        run.stdout.contains("=== SKIP  unique-ingress-host"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("    === SKIP  allowed-repo"),
        "{}",
        run.stdout
    );
    // A plain pattern selects cases by name in any test.
    let run = tollgate(&[
        "gator",
        "verify",
        "-v",
        "--run",
        "namespace",
        "testdata/gatekeeper",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("    --- PASS: namespace-not-listed"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("    --- PASS: allowed-repo"),
        "{}",
        run.stdout
    );
    let bad = tollgate(&["gator", "verify", "--run", "a//b//c", "testdata/gatekeeper"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("at most one \"//\""), "{}", bad.stderr);
}

#[test]
fn scoped_enforcement_applies_gators_point() {
    let base = "testdata/gatekeeper/requiredlabels";
    let run = tollgate(&[
        "test",
        "-p",
        &format!("{base}/template.yaml"),
        "-p",
        &format!("{base}/samples/scoped"),
        "-p",
        &format!("{base}/samples/webhook-only"),
        &format!("{base}/samples/must-have-owner/pod-missing.yaml"),
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let (findings, _) = outcomes(&run.stdout);
    // owner-at-admission-only is not enforced in CI; owner-scoped warns there.
    assert_eq!(
        findings,
        BTreeMap::from([("TgRequiredLabels/owner-scoped warnings".to_string(), 1)])
    );
}
