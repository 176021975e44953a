//! `tollgate webhook serve` over real TLS on 127.0.0.1, fed the AdmissionReview bodies a
//! real kube-apiserver sent (testdata/admission/real-apiserver), and `tollgate webhook
//! manifests` checked by `tollgate test`.

mod common;
mod webhook_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use webhook_support::{Authority, Webhook, client, manifests, write_config};

fn capture(name: &str) -> Vec<u8> {
    let path = common::root()
        .join("testdata/admission/real-apiserver")
        .join(format!("{name}.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn capture_json(name: &str) -> Value {
    serde_json::from_slice(&capture(name)).expect("captures are JSON")
}

const CAPTURE_POLICY: &str = r#"package main
import rego.v1

# The rule of the webhook that the captures were recorded against.
deny contains msg if {
	input.kind == "Pod"
	input.metadata.labels.deny == "true"
	msg := sprintf("pod %s has label deny=true", [input.metadata.name])
}
"#;

fn write_atomically(path: &Path, text: &str) {
    let temporary = path.with_extension("new");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(temporary, path).unwrap();
}

fn warnings(response: &Value) -> Vec<String> {
    response["warnings"]
        .as_array()
        .map(|w| w.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn captured_requests_are_each_decided_on_their_own_merits() {
    let policies = [
        ("policy/main.rego", CAPTURE_POLICY),
        (
            "policy/deletion.rego",
            r#"package deletion
import rego.v1

# Opted into DELETE: the old object is the input.
deny contains msg if {
	input.review.operation == "DELETE"
	input.kind == "Deployment"
	msg := sprintf("deployment %s may not be deleted", [input.metadata.name])
}
"#,
        ),
        (
            "policy/scaling.rego",
            r#"package scaling
import rego.v1

# UPDATE: input.review.oldObject is the object before the change.
deny contains msg if {
	input.review.operation == "UPDATE"
	input.review.oldObject.spec.replicas < input.spec.replicas
	msg := sprintf("Deployment %s: replicas %d -> %d", [input.metadata.name, input.review.oldObject.spec.replicas, input.spec.replicas])
}
"#,
        ),
        (
            "policy/secrets.rego",
            r#"package secrets
import rego.v1

deny contains msg if {
	input.kind == "Secret"
	msg := sprintf("secret %s holds password %s", [input.metadata.name, base64.decode(input.data.password)])
}
"#,
        ),
    ];
    let mut webhook = Webhook::start(
        "policies:\n  bundled: false\n  paths: [policy]\n  namespaces: [main, deletion, scaling, secrets]\n\
         rules:\n  - policy: deletion\n    match:\n      operations: [DELETE]\n  - policy: scaling\n    enforcement: warn\n",
        &policies,
    );
    // (capture, allowed, what the message or warning must say)
    let expected: [(&str, bool, &str); 15] = [
        ("create-namespace", true, ""),
        ("create-pod", true, ""),
        (
            "create-pod-denied",
            false,
            "[main] pod denied-pod has label deny=true",
        ),
        ("create-pod-server-side-apply", true, ""),
        ("create-deployment", true, ""),
        ("dryrun-create-pod", true, ""),
        ("dryrun-create-deployment", true, ""),
        (
            "update-deployment",
            true,
            "[scaling] Deployment demo-deploy: replicas 1 -> 2",
        ),
        ("update-pod", true, ""),
        (
            "update-pod-denied",
            false,
            "[main] pod allowed-pod has label deny=true",
        ),
        ("delete-pod", true, ""),
        ("delete-pod-call2", true, ""),
        ("delete-pod-call3", true, ""),
        (
            "delete-deployment",
            false,
            "[deletion] deployment demo-deploy may not be deleted",
        ),
        ("delete-namespace", true, ""),
    ];
    let mut uids = Vec::new();
    for (name, allowed, text) in expected {
        let request = capture_json(name);
        let uid = request["request"]["uid"].as_str().unwrap().to_string();
        let response = webhook.review(capture(name));
        assert_eq!(response["uid"], uid.as_str(), "{name}: the uid is echoed");
        assert_eq!(response["allowed"], allowed, "{name}: {response}");
        let message = response["status"]["message"].as_str().unwrap_or_default();
        if allowed {
            let warnings = warnings(&response);
            if text.is_empty() {
                assert!(warnings.is_empty(), "{name}: {warnings:?}");
            } else {
                assert_eq!(warnings, [text], "{name}");
            }
        } else {
            assert!(message.contains(text), "{name}: {message}");
            assert_eq!(response["status"]["code"], 403, "{name}");
            assert_eq!(response["status"]["reason"], "Forbidden", "{name}");
        }
        let audit = webhook.audit(&uid);
        assert_eq!(audit["allowed"], allowed, "{name}: {audit}");
        assert_eq!(
            audit["dry_run"], request["request"]["dryRun"],
            "{name}: {audit}"
        );
        uids.push(uid);
    }
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), 15, "every call has its own uid");

    // A Secret, built from k8s-openapi types: its value may reach the client that sent
    // it, never the audit log.
    let secret = k8s_openapi::api::core::v1::Secret {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some("db".into()),
            namespace: Some("webhook-test".into()),
            ..Default::default()
        },
        data: Some(
            [(
                "password".to_string(),
                k8s_openapi::ByteString(b"hunter2-secret".to_vec()),
            )]
            .into(),
        ),
        ..Default::default()
    };
    let mut review = capture_json("create-pod");
    let request = &mut review["request"];
    request["uid"] = json!("secret-create-1");
    request["kind"] = json!({"group": "", "version": "v1", "kind": "Secret"});
    request["resource"] = json!({"group": "", "version": "v1", "resource": "secrets"});
    request["name"] = json!("db");
    let mut object = serde_json::to_value(&secret).unwrap();
    object["apiVersion"] = json!("v1");
    object["kind"] = json!("Secret");
    request["object"] = object;
    let response = webhook.review(serde_json::to_vec(&review).unwrap());
    assert_eq!(response["allowed"], false);
    assert!(
        response["status"]["message"]
            .as_str()
            .unwrap()
            .contains("hunter2-secret")
    );
    let audit = webhook.audit("secret-create-1");
    assert_eq!(audit["denied"], "secrets");
    assert!(!audit.to_string().contains("hunter2"), "{audit}");
    assert!(
        webhook.seen.iter().all(|line| !line.contains("hunter2")),
        "no log line holds the secret"
    );

    let metrics = webhook.metrics();
    for line in [
        "tollgate_webhook_requests_total{operation=\"DELETE\",decision=\"allow\"} 4",
        "tollgate_webhook_requests_total{operation=\"DELETE\",decision=\"deny\"} 1",
        "tollgate_webhook_requests_total{operation=\"CREATE\",decision=\"deny\"} 2",
        "tollgate_webhook_requests_total{operation=\"UPDATE\",decision=\"warn\"} 1",
        "tollgate_webhook_policy_findings_total{policy=\"scaling\",enforcement=\"warn\"} 1",
        "tollgate_webhook_policy_evaluation_duration_seconds_count 16",
    ] {
        assert!(metrics.contains(line), "{line} missing from\n{metrics}");
    }
    assert!(metrics.contains("tollgate_webhook_request_duration_seconds_bucket{le="));
}

/// The hardened Deployment of testdata, as the object of a captured CREATE.
fn hardened_deployment_review() -> Vec<u8> {
    let parsed = common::tollgate(&["parse", "testdata/bundled/hardened/kubernetes/shop.yaml"]);
    assert_eq!(parsed.code, 0, "{}", parsed.stderr);
    let documents: Value = serde_json::from_str(&parsed.stdout).unwrap();
    let deployment = documents
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "Deployment")
        .unwrap()
        .clone();
    let mut review = capture_json("create-deployment");
    review["request"]["uid"] = json!("hardened-1");
    review["request"]["name"] = json!("web");
    review["request"]["namespace"] = json!("shop");
    review["request"]["object"] = deployment;
    serde_json::to_vec(&review).unwrap()
}

#[test]
fn bundled_policies_deny_insecure_objects_and_admit_hardened_ones() {
    let mut webhook = Webhook::start(
        "rules:\n  - policy: k8s.workload.memory-limit\n    enforcement: warn\n  - policy: k8s.workload.read-only-root-filesystem\n    enforcement: dryrun\n",
        &[],
    );
    let response = webhook.review(capture("create-deployment"));
    assert_eq!(response["allowed"], false);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Deployment webhook-test/demo-deploy violates 5 policies: "),
        "{message}"
    );
    for id in [
        "k8s.pss.restricted.capabilities",
        "k8s.pss.restricted.privilege-escalation",
        "k8s.pss.restricted.run-as-non-root",
        "k8s.pss.restricted.seccomp",
        "k8s.workload.resources-requests",
    ] {
        assert!(message.contains(&format!("[{id}] ")), "{id}: {message}");
    }
    // Enforcement `warn` turns a deny policy into a warning, `dryrun` hides it.
    let warned = warnings(&response);
    assert!(
        warned
            .iter()
            .any(|w| w.starts_with("[k8s.workload.memory-limit] ")),
        "{warned:?}"
    );
    assert!(
        warned
            .iter()
            .any(|w| w.starts_with("[k8s.workload.replicas] ")),
        "{warned:?}"
    );
    assert!(!message.contains("read-only-root-filesystem"));
    assert!(
        !warned
            .iter()
            .any(|w| w.contains("read-only-root-filesystem"))
    );
    let audit = webhook.audit("2da24d4e-1370-4a80-b3ca-77df7f82204b");
    assert_eq!(audit["dryrun"], "k8s.workload.read-only-root-filesystem");
    assert_eq!(audit["kind"], "apps/v1/Deployment");
    assert_eq!(audit["operation"], "CREATE");

    let response = webhook.review(hardened_deployment_review());
    assert_eq!(response["allowed"], true, "{response}");
    assert!(response.get("warnings").is_none(), "{response}");

    // kube-system is excluded by default: not even evaluated.
    let mut review = capture_json("create-pod-denied");
    review["request"]["namespace"] = json!("kube-system");
    review["request"]["uid"] = json!("kube-system-1");
    let response = webhook.review(serde_json::to_vec(&review).unwrap());
    assert_eq!(response["allowed"], true);
    assert_eq!(webhook.audit("kube-system-1")["decision"], "excluded");

    // DELETE is not evaluated by default: deleting a non-compliant object must work.
    let response = webhook.review(capture("delete-deployment"));
    assert_eq!(response["allowed"], true, "{response}");
}

#[test]
fn unreadable_requests_get_clear_http_errors() {
    let webhook = Webhook::start(
        "maxRequestBytes: 4096\npolicies:\n  bundled: false\n  paths: [policy]\n",
        &[("policy/main.rego", CAPTURE_POLICY)],
    );
    let (status, text) = webhook.post(b"{\"kind\":".to_vec(), "");
    assert_eq!(status, 400);
    assert!(
        text.starts_with("invalid AdmissionReview: EOF while parsing"),
        "{text}"
    );
    let (status, text) = webhook.post(b"[1, 2]".to_vec(), "");
    assert_eq!(status, 400);
    assert!(
        text.starts_with("invalid AdmissionReview: invalid type"),
        "{text}"
    );
    let (status, text) = webhook.post(Vec::new(), "");
    assert_eq!(status, 400);
    assert!(text.starts_with("empty request body"), "{text}");
    let v1beta1 = String::from_utf8(capture("create-pod"))
        .unwrap()
        .replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1");
    let (status, text) = webhook.post(v1beta1.into_bytes(), "");
    assert_eq!(status, 400);
    assert!(
        text.contains("tollgate serves AdmissionReview admission.k8s.io/v1"),
        "{text}"
    );

    // update-pod.json is 5,721 bytes: over the limit, with and without a Content-Length.
    let (status, text) = webhook.post(capture("update-pod"), "");
    assert_eq!(status, 413);
    assert_eq!(
        text.trim(),
        "request body exceeds the limit of 4096 bytes (raise maxRequestBytes in the webhook configuration)"
    );
    let chunked = reqwest::blocking::Body::new(std::io::Cursor::new(capture("update-pod")));
    let response = webhook
        .client
        .post(webhook.url("/validate"))
        .body(chunked)
        .send()
        .unwrap();
    assert_eq!(response.status(), 413);
    // A body under the limit is served as usual.
    assert_eq!(webhook.review(capture("create-pod"))["allowed"], true);

    let get = webhook.client.get(webhook.url("/validate")).send().unwrap();
    assert_eq!(get.status(), 405);
    let health = webhook.client.get(webhook.url("/healthz")).send().unwrap();
    assert_eq!(health.status(), 200);
    let metrics = webhook.metrics();
    assert!(
        metrics.contains(
            "tollgate_webhook_requests_total{operation=\"UNKNOWN\",decision=\"invalid\"} 4"
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "tollgate_webhook_requests_total{operation=\"UNKNOWN\",decision=\"too_large\"} 2"
        ),
        "{metrics}"
    );
}

const SLOW_POLICY: &str = r#"package main
import rego.v1

# About 10^10 steps: far longer than any deadline.
deny contains msg if {
	r := numbers.range(1, 100000)
	count([1 | some a in r; some b in r; a == 0 - b]) > 0
	msg := "unreachable"
}
"#;

#[test]
fn a_slow_policy_is_denied_within_the_deadline() {
    let mut webhook = Webhook::start(
        "timeoutSeconds: 2\npolicies:\n  bundled: false\n  paths: [policy]\n",
        &[("policy/main.rego", SLOW_POLICY)],
    );
    // The API server asks for an answer within 1 s: tollgate answers by 800 ms.
    let started = Instant::now();
    let (status, text) = webhook.post(capture("create-pod"), "?timeout=1s");
    let took = started.elapsed();
    assert_eq!(status, 200, "{text}");
    let response: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(response["response"]["allowed"], false);
    let message = response["response"]["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("within its deadline of 800 ms"),
        "{message}"
    );
    assert!(message.contains("fail closed"), "{message}");
    assert!(
        took < Duration::from_millis(1000),
        "answered in {took:?}, after the API server's timeout"
    );
    assert!(took >= Duration::from_millis(790), "answered in {took:?}");
    // Without ?timeout the configured deadline (4/5 of timeoutSeconds) applies.
    let response = webhook.review(capture("create-pod-denied"));
    assert!(
        response["status"]["message"]
            .as_str()
            .unwrap()
            .contains("deadline of 1600 ms")
    );
    assert_eq!(
        webhook.audit("58312106-13cd-4e6d-89af-ed6f6e229b8c")["decision"],
        "error"
    );
}

#[test]
fn sigterm_drains_in_flight_requests() {
    let mut webhook = Webhook::start(
        "timeoutSeconds: 3\nshutdownGraceSeconds: 10\npolicies:\n  bundled: false\n  paths: [policy]\n",
        &[("policy/main.rego", SLOW_POLICY)],
    );
    let client = webhook.client.clone();
    let url = webhook.url("/validate");
    let in_flight = std::thread::spawn(move || {
        let response = client.post(url).body(capture("create-pod")).send();
        response.map(|r| (r.status().as_u16(), r.text().unwrap_or_default()))
    });
    std::thread::sleep(Duration::from_millis(500));
    let killed = Command::new("kill")
        .args(["-TERM", &webhook.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (status, text) = in_flight
        .join()
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("deadline of 2400 ms"), "{text}");
    let deadline = Instant::now() + Duration::from_secs(15);
    let code = loop {
        if let Some(status) = webhook.child.try_wait().unwrap() {
            break status.code();
        }
        assert!(
            Instant::now() < deadline,
            "tollgate did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(0));
    assert!(
        webhook
            .wait_log(|v| v["message"] == "stopped", Duration::from_secs(5))
            .is_some()
    );
}

#[test]
fn a_new_certificate_is_served_without_dropping_requests() {
    let mut webhook = Webhook::start(
        "policies:\n  bundled: false\n  paths: [policy]\n",
        &[("policy/main.rego", CAPTURE_POLICY)],
    );
    let next = Authority::new("next CA");
    let both = client(&[&webhook.authority.pem, &next.pem]);
    let stop = Arc::new(AtomicBool::new(false));
    let (answered, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let load = {
        let (stop, answered, failed) = (stop.clone(), answered.clone(), failed.clone());
        let url = webhook.url("/validate");
        std::thread::spawn(move || {
            let started = Instant::now();
            while !stop.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(60) {
                let ok = both
                    .post(&url)
                    .body(capture("create-pod"))
                    .send()
                    .is_ok_and(|r| r.status() == 200);
                let counter = if ok { &answered } else { &failed };
                counter.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let (cert, key) = next.serving();
    write_atomically(&webhook.dir.path().join("tls.key"), &key);
    write_atomically(&webhook.dir.path().join("tls.crt"), &cert);
    let only_next = client(&[&next.pem]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while only_next.get(webhook.url("/healthz")).send().is_err() {
        assert!(
            Instant::now() < deadline,
            "the new certificate was not served"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::SeqCst);
    load.join().unwrap();
    assert_eq!(
        failed.load(Ordering::SeqCst),
        0,
        "requests failed during the reload"
    );
    assert!(answered.load(Ordering::SeqCst) > 0);
    // New connections trusting only the old CA now fail: the old certificate is gone.
    assert!(
        client(&[&webhook.authority.pem])
            .get(webhook.url("/healthz"))
            .send()
            .is_err()
    );
    assert!(
        webhook
            .metrics()
            .contains("tollgate_webhook_reloads_total{target=\"certificate\",result=\"success\"}")
    );
    assert!(
        webhook
            .wait_log(
                |v| v["message"] == "certificate reloaded",
                Duration::from_secs(5)
            )
            .is_some()
    );
}

#[test]
fn configuration_changes_apply_and_bad_ones_are_refused() {
    let base = "policies:\n  bundled: false\n  paths: [policy]\n";
    let mut webhook = Webhook::start(base, &[("policy/main.rego", CAPTURE_POLICY)]);
    assert_eq!(
        webhook.review(capture("create-pod-denied"))["allowed"],
        false
    );

    write_config(
        webhook.dir.path(),
        &format!("{base}rules:\n  - policy: main\n    enforcement: warn\n"),
    );
    assert!(
        webhook
            .wait_log(
                |v| v["message"] == "configuration reloaded",
                Duration::from_secs(30)
            )
            .is_some(),
        "the new configuration was not loaded"
    );
    let response = webhook.review(capture("create-pod-denied"));
    assert_eq!(response["allowed"], true);
    assert_eq!(
        warnings(&response),
        ["[main] pod denied-pod has label deny=true"]
    );

    write_config(
        webhook.dir.path(),
        &format!("{base}rules:\n  - policy: main\n    enforcement: block\n"),
    );
    let refused = webhook
        .wait_log(
            |v| {
                v["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("configuration not reloaded"))
            },
            Duration::from_secs(30),
        )
        .expect("the bad configuration is reported");
    let error = refused["error"].as_str().unwrap();
    assert!(
        error.contains("webhook.yaml:11: rules[0].enforcement: unknown variant `block`"),
        "{error}"
    );
    let response = webhook.review(capture("create-pod-denied"));
    assert_eq!(
        response["allowed"], true,
        "the previous configuration stays"
    );

    // A valid configuration over a policy that no longer compiles is refused too.
    write_atomically(
        &webhook.dir.path().join("policy/main.rego"),
        "package main\n\ndeny contains msg if {\n",
    );
    write_config(
        webhook.dir.path(),
        &format!("{base}rules:\n  - policy: main\n    enforcement: deny\n"),
    );
    let refused = webhook
        .wait_log(
            |v| {
                v["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("configuration not reloaded"))
                    && v["error"].as_str().is_some_and(|e| e.contains("main.rego"))
            },
            Duration::from_secs(30),
        )
        .expect("the broken policy is reported");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("policy/main.rego:"),
        "{refused}"
    );
    assert_eq!(
        webhook.review(capture("create-pod-denied"))["allowed"],
        true
    );
    assert!(
        webhook
            .metrics()
            .contains("tollgate_webhook_reloads_total{target=\"config\",result=\"failure\"}")
    );
}

#[test]
fn a_configuration_error_stops_the_server_with_the_key_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("webhook.yaml"),
        "tls:\n  certFile: tls.crt\n  keyFile: tls.key\ntimeoutSeconds: 60\n",
    )
    .unwrap();
    let run = common::tollgate_in(
        dir.path(),
        &["webhook", "serve", "--config", "webhook.yaml"],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("webhook.yaml:4: timeoutSeconds: must be between 1 and 30"),
        "{}",
        run.stderr
    );
    std::fs::write(
        dir.path().join("webhook.yaml"),
        "tls:\n  certFile: missing.crt\n  keyFile: tls.key\n",
    )
    .unwrap();
    let run = common::tollgate_in(
        dir.path(),
        &["webhook", "serve", "--config", "webhook.yaml"],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("missing.crt: cannot read certificate"),
        "{}",
        run.stderr
    );
}

#[test]
fn generated_manifests_pass_the_bundled_policies() {
    let dir = tempfile::tempdir().unwrap();
    let authority = Authority::new("cluster CA");
    let (cert, _) = authority.serving();
    std::fs::write(dir.path().join("tls.crt"), &cert).unwrap();
    std::fs::write(dir.path().join("ca.crt"), &authority.pem).unwrap();
    let image = "registry.example.com/tollgate:0.1.0@sha256:9a7c5e3b1d0f2e4a6c8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a";
    let run = manifests(
        dir.path(),
        &[
            "--ca",
            "ca.crt",
            "--namespace",
            "admission",
            "--image",
            image,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path: PathBuf = dir.path().join("bundle.yaml");
    std::fs::write(&path, &run.stdout).unwrap();
    let checked = common::tollgate_in(dir.path(), &["test", "-o", "json", "bundle.yaml"], None);
    assert_eq!(checked.code, 0, "{}\n{}", checked.stdout, checked.stderr);
    let results: Value = serde_json::from_str(&checked.stdout).unwrap();
    let mut successes = 0;
    for result in results.as_array().unwrap() {
        for key in ["failures", "warnings", "exceptions"] {
            assert!(
                result[key].as_array().is_none_or(|a| a.is_empty()),
                "{key}: {result}"
            );
        }
        successes += result["successes"].as_u64().unwrap();
    }
    assert!(successes > 100, "the bundled policies ran: {successes}");

    let parsed = common::tollgate_in(dir.path(), &["parse", "bundle.yaml"], None);
    let documents: Value = serde_json::from_str(&parsed.stdout).unwrap();
    let kinds: Vec<&str> = documents
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "Service",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "NetworkPolicy",
            "NetworkPolicy",
            "ValidatingWebhookConfiguration"
        ]
    );
    // Reading Namespaces (namespaceSelector constraints): get on namespaces only, bound
    // to the webhook's own account, whose token the pods mount.
    assert_eq!(
        documents[2]["rules"],
        json!([{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]}])
    );
    assert_eq!(
        documents[3]["subjects"],
        json!([{"kind": "ServiceAccount", "name": "tollgate-webhook", "namespace": "admission"}])
    );
    assert_eq!(documents[3]["roleRef"]["name"], "tollgate-webhook");
    let pod_spec = &documents[5]["spec"]["template"]["spec"];
    assert_eq!(pod_spec["serviceAccountName"], "tollgate-webhook");
    assert_eq!(pod_spec["automountServiceAccountToken"], true);
    assert_eq!(
        documents[11]["spec"]["egress"][0]["ports"],
        json!([{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 6443}])
    );
    let webhook = &documents[12]["webhooks"][0];
    let bundle = base64::engine::general_purpose::STANDARD
        .decode(webhook["clientConfig"]["caBundle"].as_str().unwrap())
        .unwrap();
    assert_eq!(String::from_utf8(bundle).unwrap(), authority.pem);
    assert_eq!(webhook["clientConfig"]["service"]["namespace"], "admission");
    assert_eq!(webhook["failurePolicy"], "Fail");
    assert_eq!(webhook["sideEffects"], "None");
    assert_eq!(
        webhook["namespaceSelector"]["matchExpressions"][0]["values"],
        json!(["kube-system", "admission"])
    );
    assert!(
        run.stdout
            .contains("# failurePolicy: Fail (the default) rejects")
    );
    let deployment = &documents[5];
    assert_eq!(deployment["spec"]["replicas"], 2);
    // The generated configuration is one the server accepts.
    let config = deployment["metadata"]["namespace"].as_str().unwrap();
    assert_eq!(config, "admission");
    let webhook_yaml = documents[4]["data"]["webhook.yaml"].as_str().unwrap();
    std::fs::write(dir.path().join("webhook.yaml"), webhook_yaml).unwrap();
    let loaded = tollgate_webhook::Config::load(&dir.path().join("webhook.yaml"))
        .expect("the generated configuration is valid");
    assert_eq!(loaded.excluded_namespaces, ["kube-system", "admission"]);
}

#[test]
fn manifests_refuse_a_file_that_is_not_a_certificate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tls.crt"), "not a certificate\n").unwrap();
    let run = manifests(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("tls.crt: no CERTIFICATE block found"),
        "{}",
        run.stderr
    );
    let authority = Authority::new("ca");
    std::fs::write(dir.path().join("tls.crt"), authority.serving().0).unwrap();
    let run = manifests(dir.path(), &["--replicas", "1"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("at least 2"), "{}", run.stderr);
    let run = manifests(dir.path(), &["--url", "http://127.0.0.1:8443/validate"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("must start with https://"),
        "{}",
        run.stderr
    );
    // Outside the cluster: the API server calls the URL, with the same CA bundle.
    let run = manifests(dir.path(), &["--url", "https://127.0.0.1:8443/validate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(dir.path().join("bundle.yaml"), &run.stdout).unwrap();
    let parsed = common::tollgate_in(dir.path(), &["parse", "bundle.yaml"], None);
    let documents: Value = serde_json::from_str(&parsed.stdout).unwrap();
    let client_config = &documents[12]["webhooks"][0]["clientConfig"];
    assert_eq!(client_config["url"], "https://127.0.0.1:8443/validate");
    assert!(client_config.get("service").is_none());
    assert!(client_config["caBundle"].is_string());
}

#[test]
fn gatekeeper_constraints_decide_captured_requests() {
    let read = |path: &str| {
        std::fs::read_to_string(common::root().join("testdata/gatekeeper").join(path))
            .expect("a Gatekeeper fixture")
    };
    let template = read("requiredlabels/template.yaml");
    let deny = read("requiredlabels/samples/must-have-owner/constraint.yaml");
    let warn = r#"apiVersion: constraints.gatekeeper.sh/v1beta1
kind: TgRequiredLabels
metadata:
  name: webhook-namespaces-need-tier
spec:
  enforcementAction: warn
  match:
    namespaces: ["webhook-*"]
    kinds: [{apiGroups: ["apps"], kinds: ["Deployment"]}]
  parameters:
    labels: [{key: tier}]
"#;
    let mut webhook = Webhook::start(
        "policies:\n  bundled: false\n  paths: [policy]\n",
        &[
            ("policy/template.yaml", template.as_str()),
            ("policy/constraints/deny.yaml", deny.as_str()),
            ("policy/constraints/warn.yaml", warn),
        ],
    );
    let pod = webhook.review(capture("create-pod"));
    assert_eq!(pod["allowed"], false, "{pod}");
    assert_eq!(
        pod["status"]["message"].as_str().unwrap(),
        "Pod webhook-test/allowed-pod violates 1 policy: [TgRequiredLabels/must-have-owner] Pod allowed-pod is missing required labels: [\"owner\", \"team\"]"
    );
    let namespace = webhook.review(capture("create-namespace"));
    assert_eq!(namespace["allowed"], true, "{namespace}");
    assert!(warnings(&namespace).is_empty());
    let deployment = webhook.review(capture("create-deployment"));
    assert_eq!(deployment["allowed"], false);
    assert_eq!(
        warnings(&deployment),
        [
            "[TgRequiredLabels/webhook-namespaces-need-tier] Deployment demo-deploy is missing required labels: [\"tier\"]"
        ]
    );
    // Deletions are not reviewed by constraints.
    assert_eq!(webhook.review(capture("delete-pod"))["allowed"], true);
    let audit = webhook.audit(
        capture_json("create-pod")["request"]["uid"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(audit["decision"], "deny", "{audit}");
    assert_eq!(
        audit["denied"], "TgRequiredLabels/must-have-owner",
        "{audit}"
    );
}
