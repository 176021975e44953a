//! Evaluating all namespaces that apply to a document in one generated rule must report
//! exactly what evaluating them one at a time reports.

use std::path::Path;

use tollgate_engine::input::{self, Format, InputKind};
use tollgate_engine::limits::Limits;
use tollgate_engine::policy::{Namespace, PolicyFile, PolicyOptions, PolicySet};
use tollgate_engine::report::Report;
use tollgate_engine::run::{self, Target};

fn bundled() -> PolicySet {
    let files = tollgate_policies::POLICIES
        .iter()
        .map(|(path, source)| PolicyFile {
            path: format!("bundled/{path}"),
            source: (*source).to_string(),
        })
        .collect();
    PolicySet::from_sources(files, &PolicyOptions::default()).expect("bundled policies compile")
}

/// The namespaces `tollgate test` runs by default: the catalogue's policies, without
/// the libraries (whose conftest-named helpers, such as `deny_pattern`, would join every
/// group and keep it off the VM).
fn catalogue(policies: &PolicySet) -> Vec<Namespace> {
    policies
        .namespaces
        .iter()
        .filter(|n| n.annotations.as_ref().and_then(|a| a.id()).is_some())
        .cloned()
        .collect()
}

fn targets(dir: &str) -> Vec<Target> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let mut paths = Vec::new();
    tollgate_engine::policy::collect(&root, &mut |p| Format::detect(p).is_some(), &mut paths)
        .expect("fixtures readable");
    paths
        .into_iter()
        .map(|path| Target {
            format: Format::detect(&path).expect("known format"),
            path: path.display().to_string(),
        })
        .collect()
}

/// Checks `targets` with default limits and no `--combine`.
fn check(policies: &PolicySet, namespaces: &[Namespace], targets: &[Target]) -> Report {
    run::check_targets(policies, namespaces, targets, &Limits::default(), false)
}

#[test]
fn grouped_evaluation_reports_what_per_namespace_evaluation_reports() {
    for dir in ["testdata/bundled/insecure", "testdata/bundled/hardened"] {
        let targets = targets(dir);
        assert!(targets.len() >= 3, "{dir}: fixtures found");

        let mut one_at_a_time = bundled();
        let namespaces = one_at_a_time.namespaces.clone();
        one_at_a_time.prepare().expect("prepare");
        let expected = check(&one_at_a_time, &namespaces, &targets);

        let mut grouped = bundled();
        grouped.prepare_for(&namespaces).expect("prepare groups");
        let actual = check(&grouped, &namespaces, &targets);

        assert!(expected.errors.is_empty(), "{:?}", expected.errors);
        assert_eq!(actual.results, expected.results, "{dir}");
        let findings: usize = actual
            .results
            .iter()
            .map(|r| r.failures.len() + r.warnings.len())
            .sum();
        if dir.ends_with("insecure") {
            assert!(findings > 50, "{dir}: only {findings} findings");
        }
    }
}

#[test]
fn a_file_of_several_kinds_is_grouped_per_document_kind() {
    let mut policies = bundled();
    let namespaces = policies.namespaces.clone();
    policies.prepare_for(&namespaces).expect("prepare groups");
    let file = input::parse(
        "mixed.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n  containers: [{name: c, image: nginx, securityContext: {privileged: true}}]\n---\nplain: value\n".to_vec(),
        Format::Yaml,
        &Limits::default(),
    )
    .expect("parses");
    let results =
        tollgate_engine::check::check_file(&policies, &namespaces, &file).expect("checks");
    let privileged = results
        .iter()
        .find(|r| r.namespace == "tollgate.k8s.pss.baseline.privileged")
        .expect("the privileged policy ran on the Pod");
    assert_eq!(privileged.failures.len(), 1);
    assert!(
        privileged.failures[0].message.contains("Pod a/p"),
        "{}",
        privileged.failures[0].message
    );
}

/// Runs `namespaces` one at a time and grouped over `dir`, and checks both report the same.
fn assert_grouped_matches(namespaces: &[Namespace], dir: &str) {
    let targets = targets(dir);
    let mut one_at_a_time = bundled();
    one_at_a_time.prepare().expect("prepare");
    let expected = check(&one_at_a_time, namespaces, &targets);
    let mut grouped = bundled();
    grouped.prepare_for(namespaces).expect("prepare groups");
    let actual = check(&grouped, namespaces, &targets);
    assert!(expected.errors.is_empty(), "{:?}", expected.errors);
    assert_eq!(actual.results, expected.results, "{dir}");
}

#[test]
fn partial_selections_are_grouped_without_the_packages_left_out() {
    let all = bundled().namespaces;
    // --pss baseline: the restricted packages sit beside the baseline ones under k8s.pss.
    let baseline: Vec<_> = all
        .iter()
        .filter(|n| !n.name.starts_with("tollgate.k8s.pss.restricted."))
        .cloned()
        .collect();
    // --only with packages from several subtrees.
    let some: Vec<_> = all
        .iter()
        .filter(|n| {
            [
                "tollgate.k8s.pss.baseline.privileged",
                "tollgate.k8s.pss.restricted.seccomp",
                "tollgate.k8s.workload.image_tag",
                "tollgate.k8s.service.node_port",
            ]
            .contains(&n.name.as_str())
        })
        .cloned()
        .collect();
    assert_eq!(some.len(), 4);
    for selection in [&baseline, &some] {
        assert_grouped_matches(selection, "testdata/bundled/insecure");
    }
}

#[test]
fn a_group_that_runs_out_of_time_names_the_flag() {
    let routed = |name: &str, body: &str| PolicyFile {
        path: format!("{name}.rego"),
        source: format!(
            "# METADATA\n# custom:\n#   input: kubernetes\npackage t.{name}\n\nimport rego.v1\n\n{body}\n"
        ),
    };
    let files = vec![
        routed("quick", "deny contains \"quick\" if input.kind == \"Pod\""),
        routed(
            "slow",
            "deny contains i if {\n\tsome i in numbers.range(1, 100000)\n\tsome j in numbers.range(1, 100000)\n\ti == 0 - j\n}",
        ),
    ];
    let limits = Limits {
        eval_timeout: std::time::Duration::from_millis(200),
        ..Limits::default()
    };
    let options = PolicyOptions {
        limits,
        ..PolicyOptions::default()
    };
    // Once on the interpreter, once compiled to the VM.
    for compile in [false, true] {
        let mut policies = PolicySet::from_sources(files.clone(), &options).expect("compiles");
        let namespaces = policies.namespaces.clone();
        policies.prepare_for(&namespaces).expect("prepare groups");
        if compile {
            policies.compile_rules(|_| true).expect("compiles");
            assert!(policies.compile_all_rules() > 0);
        }
        let file = input::parse(
            "pod.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n".to_vec(),
            Format::Yaml,
            &limits,
        )
        .expect("parses");
        let started = std::time::Instant::now();
        let error = tollgate_engine::check::check_file(&policies, &namespaces, &file)
            .expect_err("the slow policy times out");
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        assert!(
            error
                .message
                .contains("exceeded the time limit of 200ms (raise it with --eval-timeout)"),
            "compiled: {compile}: {}",
            error.message
        );
        assert!(error.message.contains("data.t.quick"), "{}", error.message);
    }
}

/// `custom.kinds` lets a Kubernetes object of another kind pass a policy unevaluated, so it
/// must be true of the Rego: every insecure fixture object, relabelled as each kind some
/// policy lists (and as a ConfigMap), gets findings only from policies that list its kind.
#[test]
fn policies_report_only_on_the_object_kinds_they_list() {
    let mut policies = bundled();
    let listed: Vec<_> = policies
        .namespaces
        .iter()
        .filter(|n| n.kinds.is_some())
        .cloned()
        .collect();
    assert!(listed.len() >= 30, "{} policies list kinds", listed.len());
    let unfiltered: Vec<_> = listed
        .iter()
        .map(|n| {
            let mut all_kinds = n.clone();
            all_kinds.kinds = None;
            all_kinds
        })
        .collect();
    policies.prepare_for(&unfiltered).expect("prepare groups");
    let mut kinds: Vec<String> = listed
        .iter()
        .flat_map(|n| n.kinds.clone().unwrap_or_default())
        .collect();
    let fixtures = targets("testdata/bundled/insecure/kubernetes");
    let files: Vec<_> = fixtures
        .iter()
        .map(|t| input::load(&t.path, t.format, &Limits::default()).expect("loads"))
        .collect();
    // The fixtures' own kinds too, so a kind that no policy lists is tried as well.
    kinds.extend(files.iter().flat_map(|f| &f.documents).filter_map(|d| {
        d.value
            .get("kind")
            .and_then(|k| k.as_str())
            .map(str::to_string)
    }));
    kinds.push("ConfigMap".into());
    kinds.sort();
    kinds.dedup();
    let (mut checked, mut findings) = (0, 0);
    for file in &files {
        for document in &file.documents {
            for kind in &kinds {
                let mut object = document.value.clone();
                object["kind"] = serde_json::Value::String(kind.clone());
                let relabelled = input::parse(
                    "relabelled.json",
                    serde_json::to_vec(&object).expect("serialises"),
                    Format::Json,
                    &Limits::default(),
                )
                .expect("parses");
                let results =
                    tollgate_engine::check::check_file(&policies, &unfiltered, &relabelled)
                        .expect("checks");
                for result in results {
                    let namespace = listed
                        .iter()
                        .find(|n| n.name == result.namespace)
                        .expect("a listed namespace");
                    let lists_kind = namespace.kinds.as_ref().is_some_and(|k| k.contains(kind));
                    findings += result.failures.len() + result.warnings.len();
                    assert!(
                        lists_kind || result.failures.is_empty() && result.warnings.is_empty(),
                        "{} reports on a {kind}: {:?}",
                        namespace.name,
                        result
                            .failures
                            .iter()
                            .chain(&result.warnings)
                            .map(|f| &f.message)
                            .collect::<Vec<_>>()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 100, "{checked} objects checked");
    assert!(findings >= 100, "only {findings} findings");
}

/// Runs `dir` through the bundled policies twice, on regorus's interpreter and with the
/// batch rules compiled to its VM, and checks both report the same.
fn assert_compiled_matches(data: Option<serde_json::Value>, dirs: &[&str]) -> usize {
    let prepared = |compile: bool| {
        let mut policies = bundled();
        if let Some(data) = &data {
            policies.add_data_value(data.clone()).expect("data merges");
        }
        let namespaces = catalogue(&policies);
        policies.prepare_for(&namespaces).expect("prepare groups");
        if compile {
            policies.compile_rules(|_| true).expect("compiles");
        }
        (policies, namespaces)
    };
    let (interpreted, namespaces) = prepared(false);
    let (compiled, _) = prepared(true);
    assert_eq!(compiled.compiled_rule_count(), 0, "compiled on first use");
    let mut findings = 0;
    for dir in dirs {
        let targets = targets(dir);
        let expected = check(&interpreted, &namespaces, &targets);
        let actual = check(&compiled, &namespaces, &targets);
        assert_eq!(actual.errors, expected.errors, "{dir}");
        assert_eq!(actual.results.len(), expected.results.len(), "{dir}");
        let differing: Vec<String> = actual
            .results
            .iter()
            .zip(&expected.results)
            .filter(|(actual, expected)| actual != expected)
            .map(|(_, expected)| format!("{} {}", expected.file, expected.namespace))
            .collect();
        assert!(differing.is_empty(), "{dir}: {differing:#?}");
        findings += actual
            .results
            .iter()
            .map(|r| r.failures.len() + r.warnings.len())
            .sum::<usize>();
    }
    assert_eq!(interpreted.compiled_rule_count(), 0);
    // Rules are compiled when first evaluated: one per object-kind group the fixtures hit.
    assert!(
        compiled.compiled_rule_count() >= 5,
        "{} rules compiled",
        compiled.compiled_rule_count()
    );
    findings
}

#[test]
fn compiled_rules_report_what_the_interpreter_reports() {
    let dirs = [
        "testdata/bundled/insecure",
        "testdata/bundled/hardened",
        "testdata/sbom",
        "testdata/admission",
        "testdata/conftest",
    ];
    let findings = assert_compiled_matches(None, &dirs);
    assert!(findings > 100, "only {findings} findings");
    // Version gates read `data.tollgate.options`.
    for version in ["1.22", "1.25", "1.33"] {
        let data = serde_json::json!({"tollgate": {"options": {"k8s_version": version}}});
        assert_compiled_matches(Some(data), &["testdata/bundled/insecure/kubernetes"]);
    }
    // Data beside the rules of another input kind (a deny list crashed the VM on SBOMs).
    let data = serde_json::json!({"tollgate": {"sbom": {"denied_packages": ["pkg:npm/x@1"]}}});
    assert_compiled_matches(
        Some(data),
        &["testdata/sbom", "testdata/bundled/insecure/kubernetes"],
    );
}

/// Each policy's own passing and failing examples (its METADATA), and every insecure
/// Kubernetes object relabelled as each kind a policy lists, give the same findings on
/// the VM as on the interpreter.
#[test]
fn compiled_rules_match_the_interpreter_on_examples_and_relabelled_objects() {
    let mut interpreted = bundled();
    let mut compiled = bundled();
    let namespaces = catalogue(&compiled);
    interpreted
        .prepare_for(&namespaces)
        .expect("prepare groups");
    compiled.prepare_for(&namespaces).expect("prepare groups");
    compiled.compile_rules(|_| true).expect("compiles");
    let mut documents: Vec<(String, Vec<u8>)> = Vec::new();
    for namespace in &namespaces {
        let Some(annotations) = &namespace.annotations else {
            continue;
        };
        let suffix = match namespace.input {
            Some(InputKind::Dockerfile) => ".dockerfile",
            Some(InputKind::Sbom) => ".json",
            _ => ".yaml",
        };
        for key in ["example_pass", "example_fail"] {
            if let Some(example) = annotations.custom_str(key) {
                let name = format!("{}-{key}{suffix}", namespace.name);
                documents.push((name, example.into()));
            }
        }
    }
    let mut kinds: Vec<String> = namespaces
        .iter()
        .flat_map(|n| n.kinds.clone().unwrap_or_default())
        .collect();
    kinds.sort();
    kinds.dedup();
    for target in targets("testdata/bundled/insecure/kubernetes") {
        let file = input::load(&target.path, target.format, &Limits::default()).expect("loads");
        for document in &file.documents {
            for kind in &kinds {
                let mut object = document.value.clone();
                object["kind"] = serde_json::Value::String(kind.clone());
                let body = serde_json::to_vec(&object).expect("serialises");
                documents.push((format!("{}-as-{kind}.json", target.path), body));
            }
        }
    }
    assert!(documents.len() > 200, "{} documents", documents.len());
    let mut findings = 0;
    for (name, body) in documents {
        let format = Format::detect(Path::new(&name)).expect("known format");
        let Ok(file) = input::parse(&name, body, format, &Limits::default()) else {
            continue;
        };
        let check = |policies: &PolicySet| {
            tollgate_engine::check::check_file(policies, &namespaces, &file).map_err(|e| e.message)
        };
        let expected = check(&interpreted);
        assert_eq!(check(&compiled), expected, "{name}");
        findings += expected
            .iter()
            .flatten()
            .map(|r| r.failures.len() + r.warnings.len())
            .sum::<usize>();
    }
    assert!(findings > 1000, "only {findings} findings");
}
