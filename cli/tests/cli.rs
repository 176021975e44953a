//! Behaviour of `tollgate test`, `parse` and `verify` that users rely on: inputs, flags,
//! configuration, errors and exit codes.

mod common;

use std::fs;
use std::path::Path;

use common::{EXAMPLES, root, summary, tollgate, tollgate_in};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
    fs::write(path, text).expect("write fixture");
}

const DENY_PRIVILEGED: &str = r#"package main
import rego.v1
deny contains {"msg": "privileged", "path": ["spec", "containers", i, "securityContext"]} if {
	some i, c in input.spec.containers
	c.securityContext.privileged
}
"#;

#[test]
fn findings_point_at_the_field_in_the_right_document() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "policy/p.rego", DENY_PRIVILEGED);
    write(
        dir.path(),
        "pods.yaml",
        "kind: Pod\nspec:\n  containers: []\n---\nkind: Pod\nspec:\n  containers:\n    - name: a\n    - name: b\n      securityContext:\n        privileged: true\n",
    );
    let run = tollgate_in(dir.path(), &["test", "--no-color", "pods.yaml"], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("FAIL - pods.yaml:10:7 - main - privileged\n"),
        "{}",
        run.stdout
    );
    let run = tollgate_in(dir.path(), &["test", "-o", "github", "pods.yaml"], None);
    assert!(
        run.stdout
            .contains("::error file=pods.yaml,line=10,col=7::privileged"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_format_is_read_from_its_file_name() {
    let run = tollgate(
        &["test", "--no-color", "--all-namespaces"]
            .iter()
            .chain(EXAMPLES.iter())
            .copied()
            .collect::<Vec<_>>(),
    );
    for file in [
        "config/app.toml",
        "config/service.json",
        "docker/Dockerfile.legacy",
        "kubernetes/app.yaml",
        "terraform/main.tf",
    ] {
        assert!(
            run.stdout.contains(&format!("examples/inputs/{file}")),
            "{file} checked:\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("FAIL - examples/inputs/terraform/main.tf:3:3 - main - aws_s3_bucket.logs must not be public-read"));
    assert!(run.stdout.contains("FAIL - examples/inputs/docker/Dockerfile.legacy:1:1 - docker - base image \"openjdk\" is not allowed"));
    assert!(run.stdout.contains("EXCP - examples/inputs/kubernetes/legacy.yaml:1:1 - main - data.main.exception[_][_] == \"run_as_root\""));
}

#[test]
fn stdin_uses_the_parser_flag() {
    let run = tollgate_in(
        &root(),
        &[
            "test",
            "--no-color",
            "-p",
            "examples/policy",
            "-n",
            "config",
            "--parser",
            "toml",
            "-",
        ],
        Some(b"[server]\ndebug = true\n"),
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("FAIL - -:1:1 - config - debug mode must be off"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_file_that_fails_to_parse_is_reported_and_the_rest_still_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "policy/p.rego", DENY_PRIVILEGED);
    write(dir.path(), "a-broken.yaml", "kind: Pod\nspec: [unclosed\n");
    write(
        dir.path(),
        "b-good.yaml",
        "kind: Pod\nspec:\n  containers:\n    - securityContext: {privileged: true}\n",
    );
    let run = tollgate_in(dir.path(), &["test", "--no-color", "."], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("./a-broken.yaml:3:1: invalid YAML"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("FAIL - ./b-good.yaml:4:7 - main - privileged"),
        "{}",
        run.stdout
    );
    let run = tollgate_in(dir.path(), &["test", "--no-fail", "."], None);
    assert_eq!(
        run.code, 1,
        "a file that cannot be checked fails even with --no-fail"
    );
}

#[test]
fn rego_errors_name_the_policy_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "policy/bad.rego",
        "package main\n\ndeny contains msg if {\n  msg := \n}\n",
    );
    write(dir.path(), "x.yaml", "a: 1\n");
    let run = tollgate_in(dir.path(), &["test", "x.yaml"], None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("policy/bad.rego:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("policy/bad.rego:4:7"),
        "names the line: {}",
        run.stderr
    );
}

#[test]
fn a_policy_directory_without_policies_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "x.yaml", "a: 1\n");
    std::fs::create_dir_all(dir.path().join("rules")).expect("empty policy dir");
    let run = tollgate_in(dir.path(), &["test", "-p", "rules", "x.yaml"], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("no policies found in [rules]"),
        "{}",
        run.stderr
    );
    let run = tollgate_in(dir.path(), &["test", "-p", "absent", "x.yaml"], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("absent: No such file"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_file_types_are_refused_by_name_and_skipped_in_directories() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "policy/p.rego", DENY_PRIVILEGED);
    write(dir.path(), "notes.txt", "hello");
    write(dir.path(), "LICENSE", "not yaml: [");
    write(dir.path(), ".git/config.yaml", "not: [valid");
    let run = tollgate_in(dir.path(), &["test", "notes.txt"], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("notes.txt: unknown file type"),
        "{}",
        run.stderr
    );
    let run = tollgate_in(dir.path(), &["test", "--no-color", "."], None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        summary(&run),
        "0 tests, 0 passed, 0 warnings, 0 failures, 0 exceptions"
    );
}

#[test]
fn data_files_merge_under_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "policy/p.rego",
        "package main\nimport rego.v1\ndeny contains msg if {\n  not input.image in data.allowed.images\n  msg := sprintf(\"%s is not allowed\", [input.image])\n}\n",
    );
    write(
        dir.path(),
        "data/allowed.yaml",
        "allowed:\n  images: [nginx]\n",
    );
    write(
        dir.path(),
        "in.json",
        "[{\"image\": \"nginx\"}, {\"image\": \"redis\"}]",
    );
    let run = tollgate_in(
        dir.path(),
        &["test", "--no-color", "-d", "data", "in.json"],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "FAIL - in.json:1:23 - main - redis is not allowed\n\n2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions\n"
    );
}

#[test]
fn conftest_toml_supplies_flags_the_command_line_does_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "rules/p.rego",
        DENY_PRIVILEGED
            .replace("package main", "package team")
            .as_str(),
    );
    write(
        dir.path(),
        "conftest.toml",
        "policy = [\"rules\"]\nnamespace = [\"team\"]\noutput = \"json\"\n",
    );
    write(
        dir.path(),
        "pod.yaml",
        "spec:\n  containers:\n    - securityContext: {privileged: true}\n",
    );
    let run = tollgate_in(dir.path(), &["test", "pod.yaml"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json from the config");
    assert_eq!(json[0]["namespace"], "team");
    let run = tollgate_in(
        dir.path(),
        &["test", "-o", "stdout", "--no-color", "pod.yaml"],
        None,
    );
    assert!(
        run.stdout
            .starts_with("FAIL - pod.yaml:3:7 - team - privileged"),
        "the flag wins: {}",
        run.stdout
    );
    write(dir.path(), "conftest.toml", "polcy = [\"rules\"]\n");
    let run = tollgate_in(dir.path(), &["test", "pod.yaml"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown key \"polcy\""),
        "{}",
        run.stderr
    );
}

#[test]
fn update_copies_policies_from_a_local_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "shared/p.rego", DENY_PRIVILEGED);
    write(
        dir.path(),
        "pod.yaml",
        "spec:\n  containers:\n    - securityContext: {privileged: true}\n",
    );
    let run = tollgate_in(
        dir.path(),
        &["test", "--update", "shared", "pod.yaml"],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(dir.path().join("policy/p.rego").is_file());
}

#[test]
fn trace_writes_each_query_to_stderr() {
    let mut args = vec!["test", "--trace"];
    args.extend(EXAMPLES);
    let run = tollgate(&args);
    assert!(run.stderr.contains("TRAC file: examples/inputs/kubernetes/app.yaml:27:13 | namespace: main | query: data.main.deny"), "{}", run.stderr);
}

#[test]
fn parse_prints_the_input_as_policies_see_it() {
    let run = tollgate(&["parse", "examples/inputs/terraform/main.tf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        json["resource"]["aws_s3_bucket"]["logs"][0]["acl"],
        "public-read"
    );
    assert_eq!(
        json["resource"]["aws_s3_bucket_versioning"]["assets"][0]["bucket"],
        "${aws_s3_bucket.assets.id}"
    );
    assert_eq!(
        json["resource"]["aws_security_group"]["web"][0]["ingress"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let run = tollgate(&["parse", "examples/inputs/docker/Dockerfile.legacy"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        json[0],
        serde_json::json!({"Cmd": "from", "SubCmd": "", "JSON": false, "Flags": [], "Value": ["openjdk:8-jdk-alpine"], "Stage": 0})
    );
    let run = tollgate(&["parse", "examples/inputs/config/worker.ini"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({"server": {"debug": false}, "database": {"port": 5433}})
    );
}

#[test]
fn verify_fails_on_a_failing_test_and_reports_coverage() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "policy/p.rego", DENY_PRIVILEGED);
    write(
        dir.path(),
        "policy/p_test.rego",
        "package main\nimport rego.v1\ntest_privileged_denied if {\n  count(deny) == 1 with input as {\"spec\": {\"containers\": [{\"securityContext\": {\"privileged\": true}}]}}\n}\ntest_wrong if {\n  count(deny) == 1 with input as {\"spec\": {\"containers\": []}}\n}\n",
    );
    let run = tollgate_in(dir.path(), &["verify", "--no-color", "--coverage"], None);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("FAIL - policy/p_test.rego:6:1 -  - data.main.test_wrong"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions, 0 skipped"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("policy/p.rego: 100.00% (3 of 3 lines)"),
        "{}",
        run.stdout
    );
    let run = tollgate_in(dir.path(), &["verify", "--report", "full"], None);
    assert!(
        run.stdout
            .contains("data.main.test_privileged_denied: PASS"),
        "{}",
        run.stdout
    );
    let run = tollgate_in(
        dir.path(),
        &["verify", "--report", "full", "-o", "json"],
        None,
    );
    assert!(
        run.stderr
            .contains("report flag is supported with stdout only")
    );
}

#[test]
fn a_policy_that_loops_hits_the_time_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "policy/slow.rego",
        "package main\nimport rego.v1\ndeny contains msg if {\n  n := count([x | some i in numbers.range(1, 5000); some j in numbers.range(1, 5000); x := i * j])\n  msg := sprintf(\"%d\", [n])\n}\n",
    );
    write(dir.path(), "x.yaml", "a: 1\n");
    let start = std::time::Instant::now();
    let run = tollgate_in(
        dir.path(),
        &["test", "--eval-timeout", "300ms", "x.yaml"],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("x.yaml: evaluating data.main exceeded the time limit of 300ms (raise it with --eval-timeout)"),
        "{}",
        run.stderr
    );
    assert!(
        start.elapsed().as_secs() < 30,
        "stopped by the limit, took {:?}",
        start.elapsed()
    );
}

#[test]
fn capabilities_restrict_the_builtins_policies_may_call() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "policy/p.rego",
        "package main\nimport rego.v1\ndeny contains msg if {\n  resp := http.send({\"method\": \"get\", \"url\": input.url})\n  msg := sprintf(\"%v\", [resp.status_code])\n}\n",
    );
    write(
        dir.path(),
        "caps.json",
        r#"{"builtins": [{"name": "sprintf"}, {"name": "count"}]}"#,
    );
    write(dir.path(), "x.yaml", "url: http://127.0.0.1:1/\n");
    let run = tollgate_in(
        dir.path(),
        &["test", "--capabilities", "caps.json", "x.yaml"],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("policy/p.rego:4:11: built-in function http.send is not allowed by the capabilities in caps.json"),
        "{}",
        run.stderr
    );
    write(
        dir.path(),
        "caps.json",
        r#"{"builtins": [{"name": "sprintf"}, {"name": "http.send"}]}"#,
    );
    let run = tollgate_in(
        dir.path(),
        &[
            "test",
            "--capabilities",
            "caps.json",
            "--parser",
            "yaml",
            "x.yaml",
        ],
        None,
    );
    assert!(!run.stderr.contains("not allowed"), "{}", run.stderr);
}

#[test]
fn strict_refuses_unused_imports_and_deprecated_builtins() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "policy/p.rego",
        "package main\nimport rego.v1\nimport data.lib.helpers\n\ndeny contains \"x\" if {\n  re_match(\"a\", input.a)\n}\n",
    );
    write(dir.path(), "x.yaml", "a: b\n");
    let run = tollgate_in(dir.path(), &["test", "--strict", "x.yaml"], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("policy/p.rego:3:1: import data.lib.helpers is never used (strict mode)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("policy/p.rego:6:3: deprecated built-in function re_match (strict mode)"),
        "{}",
        run.stderr
    );
    let run = tollgate_in(dir.path(), &["test", "x.yaml"], None);
    assert!(!run.stderr.contains("strict mode"), "{}", run.stderr);
}

#[test]
fn builtin_errors_are_undefined_unless_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "policy/p.rego",
        "package main\nimport rego.v1\ndeny contains \"bad number\" if to_number(input.n) > 1\nwarn contains \"checked\" if input.n\n",
    );
    write(dir.path(), "x.yaml", "n: not-a-number\n");
    let run = tollgate_in(dir.path(), &["test", "--no-color", "x.yaml"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        summary(&run),
        "2 tests, 1 passed, 1 warning, 0 failures, 0 exceptions"
    );
    let run = tollgate_in(
        dir.path(),
        &["test", "--show-builtin-errors", "x.yaml"],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("x.yaml: evaluating data.main"),
        "{}",
        run.stderr
    );
}

#[test]
fn rego_version_selects_the_syntax() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "v0/p.rego",
        "package main\ndeny[msg] { input.bad; msg := \"v0 rule\" }\n",
    );
    write(
        dir.path(),
        "v1/p.rego",
        "package main\ndeny contains msg if { input.bad; msg := \"v1 rule\" }\n",
    );
    write(dir.path(), "x.yaml", "bad: true\n");
    for (dir_name, version, code) in [
        ("v0", "auto", 1),
        ("v1", "auto", 1),
        ("v0", "v0", 1),
        ("v1", "v1", 1),
        ("v0", "v1", 1),
    ] {
        let run = tollgate_in(
            dir.path(),
            &[
                "test",
                "--no-color",
                "-p",
                dir_name,
                "--rego-version",
                version,
                "x.yaml",
            ],
            None,
        );
        assert_eq!(run.code, code, "{dir_name} as {version}: {}", run.stderr);
    }
    let run = tollgate_in(
        dir.path(),
        &["test", "-p", "v0", "--rego-version", "v1", "x.yaml"],
        None,
    );
    assert!(
        run.stderr.contains("v0/p.rego:2:"),
        "a v0 policy read as v1 fails at its rule: {}",
        run.stderr
    );
    let run = tollgate_in(
        dir.path(),
        &["test", "-p", "v1", "--rego-version", "v0", "x.yaml"],
        None,
    );
    assert!(
        run.stdout.contains("FAIL") || run.code == 1,
        "{}{}",
        run.stdout,
        run.stderr
    );
    let run = tollgate_in(
        dir.path(),
        &["test", "-p", "v1", "--rego-version", "v2", "x.yaml"],
        None,
    );
    assert!(
        run.stderr.contains("invalid Rego version: v2"),
        "{}",
        run.stderr
    );
}

#[test]
fn ignore_skips_matching_paths_while_walking() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "policy/p.rego", DENY_PRIVILEGED);
    let privileged = "spec:\n  containers:\n    - securityContext: {privileged: true}\n";
    write(dir.path(), "deploy/a.yaml", privileged);
    write(dir.path(), "vendor/b.yaml", privileged);
    let run = tollgate_in(
        dir.path(),
        &["test", "--no-color", "--ignore", "vendor/", "."],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("./deploy/a.yaml"), "{}", run.stdout);
    assert!(!run.stdout.contains("vendor"), "{}", run.stdout);
}

#[test]
fn junit_hide_message_names_cases_by_location_only() {
    let mut args = vec!["test", "-o", "junit", "--junit-hide-message"];
    args.extend(EXAMPLES);
    let run = tollgate(&args);
    assert!(
        run.stdout
            .contains("name=\"examples/inputs/kubernetes/app.yaml:27:13\""),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout
            .contains("name=\"examples/inputs/kubernetes/app.yaml:27:13 - "),
        "{}",
        run.stdout
    );
}

#[test]
fn policies_see_conftest_file_data_and_print_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "policy/p.rego",
        "package main\nimport rego.v1\nwarn contains msg if {\n  print(\"checking\", data.conftest.file.name)\n  msg := sprintf(\"file %s\", [data.conftest.file.name])\n}\n",
    );
    write(dir.path(), "sub/x.yaml", "a: 1\n");
    let run = tollgate_in(dir.path(), &["test", "--no-color", "sub/x.yaml"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("WARN - sub/x.yaml:1:1 - main - file x.yaml"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("PRNT   sub/x.yaml: policy/p.rego:4: checking x.yaml"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_output_without_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Far more JSON than a pipe buffers, so tollgate is still writing when the reader goes.
    let yaml: String = (0..20_000).map(|i| format!("key_{i}: value\n")).collect();
    write(dir.path(), "big.yaml", &yaml);
    for args in [
        &["parse", "big.yaml"][..],
        &["test", "-o", "json", "big.yaml"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tollgate"))
            .args(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the tollgate binary runs");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("tollgate finishes");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(141), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
