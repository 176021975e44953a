//! The bundled policies through the real binary: zero findings on hardened inputs, every
//! control firing on insecure ones, selection flags, ignores reported as exceptions.

mod common;

use std::collections::BTreeSet;

use common::{root, tollgate, tollgate_in};
use serde_json::Value;

fn catalogue_ids(inputs: &[&str]) -> BTreeSet<String> {
    let run = tollgate(&["policies", "list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list: Value = serde_json::from_str(&run.stdout).expect("JSON list");
    list.as_array()
        .expect("an array")
        .iter()
        .filter(|p| inputs.contains(&p["input"].as_str().unwrap_or_default()))
        .map(|p| p["id"].as_str().expect("an id").to_string())
        .collect()
}

/// Ids of failures and warnings (and separately exceptions) in `-o json` output.
fn fired(stdout: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let results: Value = serde_json::from_str(stdout).expect("JSON output");
    let ids = |keys: &[&str]| {
        results
            .as_array()
            .expect("an array")
            .iter()
            .flat_map(|r| {
                keys.iter()
                    .flat_map(move |k| r[*k].as_array().cloned().unwrap_or_default())
            })
            .filter_map(|f| f["metadata"]["id"].as_str().map(str::to_string))
            .collect::<BTreeSet<_>>()
    };
    (ids(&["failures", "warnings"]), ids(&["exceptions"]))
}

#[test]
fn hardened_inputs_pass_every_bundled_policy() {
    let run = tollgate(&["test", "--no-color", "testdata/bundled/hardened"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let summary = common::summary(&run);
    assert!(
        summary.contains(" 0 warnings, 0 failures"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_control_fires_on_its_insecure_counterpart() {
    let run = tollgate(&["test", "-o", "json", "testdata/bundled/insecure"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let (fired, _) = fired(&run.stdout);
    let expected = catalogue_ids(&["kubernetes", "kubernetes-set", "terraform", "dockerfile"]);
    let missing: Vec<_> = expected.difference(&fired).collect();
    assert!(
        missing.is_empty(),
        "controls that did not fire: {missing:?}"
    );
}

#[test]
fn findings_carry_metadata_and_point_at_the_field() {
    let run = tollgate(&[
        "test",
        "-o",
        "json",
        "--only",
        "tf.aws.s3.public-acl",
        "testdata/bundled/insecure/terraform",
    ]);
    let results: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let finding = results
        .as_array()
        .expect("results")
        .iter()
        .flat_map(|r| r["failures"].as_array().cloned().unwrap_or_default())
        .next()
        .expect("one failure");
    assert_eq!(finding["metadata"]["id"], "tf.aws.s3.public-acl");
    assert_eq!(finding["metadata"]["severity"], "deny");
    assert!(
        finding["metadata"]["remediation"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    assert!(
        finding["metadata"]["reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("https://"))
    );
    assert_eq!(
        finding["location"]["file"],
        "testdata/bundled/insecure/terraform/main.tf"
    );
    assert_eq!(finding["location"]["line"], 15);
}

#[test]
fn pss_baseline_leaves_out_the_restricted_controls() {
    let run = tollgate(&[
        "test",
        "-o",
        "json",
        "--pss",
        "baseline",
        "testdata/bundled/insecure/kubernetes",
    ]);
    let (fired, _) = fired(&run.stdout);
    assert!(
        fired
            .iter()
            .all(|id| !id.starts_with("k8s.pss.restricted.")),
        "{fired:?}"
    );
    assert!(fired.contains("k8s.pss.baseline.privileged"));
}

#[test]
fn only_and_skip_select_and_exempt_ids() {
    let run = tollgate(&[
        "test",
        "-o",
        "json",
        "--only",
        "k8s.pss.baseline.privileged,k8s.workload.image-tag",
        "--skip",
        "k8s.workload.image-tag",
        "testdata/bundled/insecure/kubernetes",
    ]);
    let (fired, excepted) = fired(&run.stdout);
    assert_eq!(
        fired,
        BTreeSet::from(["k8s.pss.baseline.privileged".to_string()])
    );
    assert_eq!(
        excepted,
        BTreeSet::from(["k8s.workload.image-tag".to_string()])
    );
    let run = tollgate(&[
        "test",
        "--only",
        "k8s.no-such-policy",
        "testdata/bundled/insecure",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("unknown policy id \"k8s.no-such-policy\""),
        "{}",
        run.stderr
    );
}

#[test]
fn annotations_and_comments_ignore_as_exceptions() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\n  annotations:\n    tollgate.dev/ignore: \"k8s.pss.baseline.privileged\"\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("Dockerfile"),
        "# tollgate:ignore=docker.latest-tag\nFROM ubuntu:latest\nUSER 1000\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("main.tf"),
        "# tollgate:ignore=tf.aws.ebs.encryption\nresource \"aws_ebs_volume\" \"v\" {\n  size = 1\n}\n",
    )
    .expect("write");
    let run = tollgate_in(
        dir.path(),
        &[
            "test",
            "-o",
            "json",
            "--only",
            "k8s.pss.baseline.privileged,docker.latest-tag,tf.aws.ebs.encryption",
            ".",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let (fired, excepted) = fired(&run.stdout);
    assert!(fired.is_empty(), "{fired:?}");
    assert_eq!(
        excepted,
        BTreeSet::from([
            "docker.latest-tag".to_string(),
            "k8s.pss.baseline.privileged".to_string(),
            "tf.aws.ebs.encryption".to_string(),
        ])
    );
}

#[test]
fn policies_list_and_show() {
    let run = tollgate(&["policies", "list"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("k8s.pss.baseline.privileged ")),
        "{}",
        run.stdout
    );
    let run = tollgate(&["policies", "show", "docker.user"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for label in [
        "severity:    deny",
        "remediation:",
        "reference:",
        "Passes:",
        "Fails:",
    ] {
        assert!(run.stdout.contains(label), "{label} in {}", run.stdout);
    }
    let run = tollgate(&["policies", "show", "nope"]);
    assert_eq!(run.code, 1);
}

#[test]
fn bundled_unit_tests_pass_with_coverage() {
    let run = tollgate_in(
        &root(),
        &[
            "verify",
            "--bundled",
            "--no-color",
            "--coverage",
            "--threshold",
            "95",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_copied_bundled_policy_runs_as_a_user_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("policy")).expect("policy dir");
    std::fs::copy(
        root().join("policies/rego/docker/docker.user.rego"),
        dir.path().join("policy/docker.user.rego"),
    )
    .expect("copy the bundled policy");
    std::fs::copy(
        root().join("policies/rego/lib/docker.rego"),
        dir.path().join("policy/docker.rego"),
    )
    .expect("copy the helpers it imports");
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nRUN true\n",
    )
    .expect("write");
    let run = tollgate_in(
        dir.path(),
        &["test", "--no-color", "--all-namespaces", "Dockerfile"],
        None,
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("- docker.user - "), "{}", run.stdout);
}

#[test]
fn tollgate_yaml_config_selects_like_the_flags() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  containers:\n    - name: c\n      image: nginx\n      securityContext:\n        privileged: true\n",
    )
    .expect("write pod");
    std::fs::write(
        dir.path().join(".tollgate.yaml"),
        "pss: baseline\nk8s-version: \"1.30\"\nskip:\n  - k8s.pss.baseline.privileged\nonly: [k8s.pss.baseline.privileged, k8s.workload.image-tag]\n",
    )
    .expect("write config");
    let run = tollgate_in(dir.path(), &["test", "-o", "json", "pod.yaml"], None);
    let (reported, excepted) = fired(&run.stdout);
    assert_eq!(
        reported,
        BTreeSet::from(["k8s.workload.image-tag".to_string()])
    );
    assert_eq!(
        excepted,
        BTreeSet::from(["k8s.pss.baseline.privileged".to_string()])
    );

    // A flag on the command line wins over the file.
    let run = tollgate_in(
        dir.path(),
        &[
            "test",
            "-o",
            "json",
            "--skip",
            "k8s.workload.image-tag",
            "pod.yaml",
        ],
        None,
    );
    let (overridden, _) = fired(&run.stdout);
    assert!(
        overridden.contains("k8s.pss.baseline.privileged"),
        "{overridden:?}"
    );
}

#[test]
fn tollgate_yaml_errors_name_the_file_line_and_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join(".tollgate.yaml"),
        "pss: baseline\nseverity: high\n",
    )
    .expect("write config");
    let run = tollgate_in(dir.path(), &["test", "."], None);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains(".tollgate.yaml:2: unknown key \"severity\""),
        "{}",
        run.stderr
    );

    std::fs::write(dir.path().join(".tollgate.yaml"), "k8s-version: 1.30\n").expect("write");
    let run = tollgate_in(dir.path(), &["test", "."], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("quote it"), "{}", run.stderr);
}

#[test]
fn terraform_plans_are_checked_like_their_source() {
    let run = tollgate(&["test", "-o", "json", "testdata/bundled/insecure/plan"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let (reported, _) = fired(&run.stdout);
    // A plan is made by one exact Terraform version, so required-version cannot fire.
    let expected: BTreeSet<String> = catalogue_ids(&["terraform"])
        .into_iter()
        .filter(|id| id != "tf.general.required-version")
        .collect();
    assert_eq!(reported, expected);
    let results: Value = serde_json::from_str(&run.stdout).expect("JSON output");
    let located = results
        .as_array()
        .expect("an array")
        .iter()
        .flat_map(|r| r["failures"].as_array().cloned().unwrap_or_default())
        .find(|f| f["metadata"]["id"] == "tf.aws.rds.public")
        .expect("the public database is reported");
    assert_eq!(located["location"]["line"], 88, "{located}");

    let hardened = tollgate(&["test", "-o", "json", "testdata/bundled/hardened/plan"]);
    assert_eq!(hardened.code, 0, "{}{}", hardened.stdout, hardened.stderr);
    assert!(!hardened.stdout.contains("from-the-vault-7f3a"));
}

#[test]
fn sbom_files_are_checked_by_content_in_test() {
    let run = tollgate(&[
        "test",
        "-o",
        "json",
        "testdata/sbom/denied.spdx.json",
        "testdata/sbom/clean.cdx.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let (reported, _) = fired(&run.stdout);
    assert_eq!(
        reported,
        BTreeSet::from([
            "sbom.license-denied".to_string(),
            "sbom.license-unknown".to_string()
        ])
    );
    let results: Value = serde_json::from_str(&run.stdout).expect("JSON output");
    let denied = results
        .as_array()
        .expect("an array")
        .iter()
        .flat_map(|r| r["failures"].as_array().cloned().unwrap_or_default())
        .next()
        .expect("one failure");
    assert_eq!(denied["location"]["file"], "testdata/sbom/denied.spdx.json");
    assert_eq!(denied["location"]["line"], 57, "{denied}");
}
