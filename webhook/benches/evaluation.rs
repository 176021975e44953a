//! Policy CPU per admission request, in process: the webhook's evaluation path (the body
//! the load bench posts, `bench/webhook/run.sh`, read and evaluated by the full bundled
//! set as `/validate` does) beside the CLI's path over the same object (`tollgate test`'s
//! `check_file` on the request's object), so a gap between them shows and can be profiled.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use tollgate_engine::check::check_file;
use tollgate_engine::gatekeeper::Library;
use tollgate_engine::input::{self, Format};
use tollgate_engine::limits::Limits;
use tollgate_engine::policy::{Namespace, PolicyFile, PolicyOptions, PolicySet};
use tollgate_webhook::Config;
use tollgate_webhook::policies::{AdmissionPolicies, LoadedPolicies};
use tollgate_webhook::review;

/// The bundled catalogue with every bundled policy selected (the default `--pss
/// restricted`, no `--only`/`--skip`), as `tollgate test` and `webhook serve` load it.
fn bundled() -> (PolicySet, Vec<Namespace>) {
    let files = tollgate_policies::POLICIES
        .iter()
        .map(|(path, source)| PolicyFile {
            path: format!("{}{path}", tollgate_policies::SOURCE_PREFIX),
            source: (*source).to_string(),
        })
        .collect();
    let set = PolicySet::from_sources(files, &PolicyOptions::default()).expect("bundled loads");
    let namespaces = set
        .namespaces
        .iter()
        .filter(|n| n.annotations.as_ref().and_then(|a| a.id()).is_some())
        .cloned()
        .collect();
    (set, namespaces)
}

fn bench(c: &mut Criterion) {
    let body_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/admission/real-apiserver/create-pod.json");
    let body = std::fs::read(&body_path).expect("request body");

    let (set, namespaces) = bundled();
    let config: Config = serde_json::from_value(serde_json::json!({
        "tls": {"certFile": "c", "keyFile": "k"}
    }))
    .expect("default config");
    let admission = AdmissionPolicies::new(
        LoadedPolicies {
            policies: set,
            namespaces,
            gatekeeper: Library::default(),
            compiled: |_| true,
        },
        &config,
    )
    .expect("admission policies");

    let (mut cli_set, cli_namespaces) = bundled();
    cli_set
        .prepare_for(&cli_namespaces)
        .expect("bundled prepares");
    cli_set.compile_rules(|_| true).expect("bundled compiles");
    let parsed = review::parse(&body).expect("captured request parses");
    let object = serde_json::to_vec(&parsed.request_json["object"]).expect("object");
    let limits = Limits::default();
    let file = input::parse("pod.json", object.clone(), Format::Json, &limits).expect("parses");

    // Both paths must agree before their times mean anything.
    let webhook = admission
        .evaluate_review(&parsed, &parsed.label(), &None::<&serde_json::Value>)
        .expect("evaluates");
    let json_path = admission
        .evaluate(
            &parsed.view(),
            &parsed.input(),
            &parsed.label(),
            &None::<&serde_json::Value>,
        )
        .expect("evaluates");
    assert_eq!(
        webhook, json_path,
        "the server's input differs from the JSON one"
    );
    let webhook_findings = webhook.findings.len();
    let cli_findings: usize = check_file(&cli_set, &cli_namespaces, &file)
        .expect("checks")
        .iter()
        .map(|r| r.failures.len() + r.warnings.len())
        .sum();
    assert_eq!(webhook_findings, cli_findings, "webhook and CLI disagree");

    let mut group = c.benchmark_group("per_object");
    // What the server times as policy evaluation (its evaluation thread's work).
    group.bench_function("webhook_evaluate", |b| {
        b.iter(|| {
            let evaluation = admission
                .evaluate_review(&parsed, &parsed.label(), &None::<&serde_json::Value>)
                .expect("evaluates");
            black_box(evaluation)
        });
    });
    group.bench_function("webhook_parse_and_evaluate", |b| {
        b.iter(|| {
            let review = review::parse(&body).expect("parses");
            let evaluation = admission
                .evaluate_review(&review, &review.label(), &None::<&serde_json::Value>)
                .expect("evaluates");
            black_box(evaluation)
        });
    });
    group.bench_function("cli_check_file", |b| {
        b.iter(|| black_box(check_file(&cli_set, &cli_namespaces, &file).expect("checks")));
    });
    group.bench_function("cli_parse_and_check_file", |b| {
        b.iter(|| {
            let file =
                input::parse("pod.json", object.clone(), Format::Json, &limits).expect("parses");
            black_box(check_file(&cli_set, &cli_namespaces, &file).expect("checks"))
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
