//! Every output format over the shipped examples, pinned by snapshots; SARIF validates
//! against the 2.1.0 schema and JUnit is well-formed XML.

mod common;

use common::{EXAMPLES, root, tollgate};

fn render(format: &str) -> common::Run {
    let mut args = vec!["test", "--no-color", "--all-namespaces", "-o", format];
    args.extend(EXAMPLES);
    let run = tollgate(&args);
    assert_eq!(run.code, 1, "the examples have failures: {}", run.stderr);
    run
}

#[test]
fn stdout_format() {
    insta::assert_snapshot!(render("stdout").stdout);
}

#[test]
fn json_format() {
    let run = render("json");
    let parsed: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    for result in parsed.as_array().expect("an array of results") {
        for key in ["filename", "namespace", "successes"] {
            assert!(result.get(key).is_some(), "{key} missing in {result}");
        }
    }
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn tap_format() {
    insta::assert_snapshot!(render("tap").stdout);
}

#[test]
fn table_format() {
    insta::assert_snapshot!(render("table").stdout);
}

#[test]
fn github_format() {
    insta::assert_snapshot!(render("github").stdout);
}

#[test]
fn junit_format_is_well_formed_xml() {
    let run = render("junit");
    let mut reader = quick_xml::Reader::from_str(&run.stdout);
    let mut testcases = 0;
    let mut depth = 0i32;
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                testcases += usize::from(e.name().0 == "testcase");
            }
            quick_xml::events::Event::Empty(e) => {
                testcases += usize::from(e.name().0 == "testcase");
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    let stdout = render("stdout").stdout;
    let tests: usize = common::summary(&common::Run {
        code: 0,
        stdout,
        stderr: String::new(),
    })
    .split(' ')
    .next()
    .and_then(|n| n.parse().ok())
    .expect("a test count");
    assert_eq!(testcases, tests, "one test case per test");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn sarif_format_validates_against_the_schema() {
    let run = render("sarif");
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let schema_text =
        std::fs::read_to_string(root().join("testdata/schemas/sarif-schema-2.1.0.json"))
            .expect("the SARIF schema is vendored");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let privileged = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .is_some_and(|m| m.contains("privileged"))
        })
        .expect("the privileged finding");
    assert_eq!(
        privileged["locations"][0]["physicalLocation"]["region"]["startLine"],
        27
    );
    assert_eq!(privileged["level"], "error");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("out.json");
    let sarif = dir.path().join("out.sarif");
    let json_arg = format!("json={}", json.display());
    let sarif_arg = format!("sarif={}", sarif.display());
    let mut args = vec![
        "test",
        "--no-color",
        "-o",
        "stdout",
        "-o",
        &json_arg,
        "-o",
        &sarif_arg,
    ];
    args.extend(EXAMPLES);
    let run = tollgate(&args);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("FAIL - examples/inputs/kubernetes/app.yaml:27:13")
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).expect("json written")).expect("JSON");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sarif).expect("sarif written"))
            .expect("JSON");
    let json_failures: usize = json
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["failures"].as_array().map_or(0, Vec::len))
        .sum();
    let sarif_errors = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["level"] == "error")
        .count();
    assert_eq!(json_failures, sarif_errors, "outputs agree");
    assert!(json_failures > 0);
}

#[test]
fn two_outputs_to_stdout_are_refused() {
    let run = tollgate(&[
        "test",
        "-o",
        "json",
        "-o",
        "tap",
        "-p",
        "examples/policy",
        "examples/inputs",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("only one output can go to standard output"),
        "{}",
        run.stderr
    );
}
