//! Signed images at admission: `tollgate webhook serve` over real TLS on 127.0.0.1 in
//! front of a real registry (Debian's docker-registry on 127.0.0.1), with images pushed
//! there and signed and attested by `tollgate sign` and `tollgate attest` with keys from
//! `tollgate generate-key-pair`.

mod common;
#[path = "../../engine/tests/oci_support/mod.rs"]
mod oci_support;
mod webhook_support;

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use oci_support::{TestRegistry, free_port, push_image, runtime};
use serde_json::{Value, json};
use webhook_support::{Webhook, manifests, write_config};

/// A policy that finds nothing, so that only image verification decides.
const NO_FINDINGS: &str = "package main\nimport rego.v1\n\ndeny contains msg if {\n\tinput.kind == \"Nothing\"\n\tmsg := \"never\"\n}\n";

/// Keys and signatures made with the `tollgate` binary itself.
struct Signing {
    dir: tempfile::TempDir,
}

impl Signing {
    fn new() -> Self {
        let signing = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(signing.path("password"), "s3cret\n").unwrap();
        for prefix in ["cosign", "other"] {
            signing.run(&[
                "generate-key-pair",
                "--output-key-prefix",
                prefix,
                "--password-file",
                "password",
            ]);
        }
        std::fs::write(
            signing.path("provenance.json"),
            r#"{"builder": {"id": "https://ci.example.com/trusted"}, "buildType": "make"}"#,
        )
        .unwrap();
        signing
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) {
        let run = common::tollgate_in(self.dir.path(), args, None);
        assert_eq!(run.code, 0, "tollgate {args:?}: {}", run.stderr);
    }

    fn sign(&self, image: &str, prefix: &str) {
        let key = format!("{prefix}.key");
        self.run(&[
            "sign",
            image,
            "--key",
            &key,
            "--password-file",
            "password",
            "--allow-insecure-registry",
        ]);
    }

    fn attest(&self, image: &str, prefix: &str) {
        let key = format!("{prefix}.key");
        self.run(&[
            "attest",
            image,
            "--predicate",
            "provenance.json",
            "--type",
            "slsaprovenance",
            "--key",
            &key,
            "--password-file",
            "password",
            "--allow-insecure-registry",
        ]);
    }

    fn public_key(&self, prefix: &str) -> String {
        std::fs::read_to_string(self.path(&format!("{prefix}.pub"))).unwrap()
    }
}

/// An AdmissionReview of a Pod (built with k8s-openapi) with these container images,
/// in the envelope a real API server sent (testdata/admission/real-apiserver).
fn pod_review(uid: &str, images: &[&str]) -> Vec<u8> {
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some("web".into()),
            namespace: Some("shop".into()),
            ..ObjectMeta::default()
        },
        spec: Some(PodSpec {
            containers: images
                .iter()
                .enumerate()
                .map(|(index, image)| Container {
                    name: format!("c{index}"),
                    image: Some(image.to_string()),
                    ..Container::default()
                })
                .collect(),
            ..PodSpec::default()
        }),
        ..Pod::default()
    };
    let path = common::root().join("testdata/admission/real-apiserver/create-pod.json");
    let mut review: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    review["request"]["uid"] = json!(uid);
    review["request"]["name"] = json!("web");
    review["request"]["namespace"] = json!("shop");
    review["request"]["object"] = serde_json::to_value(pod).unwrap();
    serde_json::to_vec(&review).unwrap()
}

fn message(response: &Value) -> &str {
    response["status"]["message"].as_str().unwrap_or_default()
}

/// The value of one sample of `/metrics`, 0 when absent.
fn sample(metrics: &str, name: &str) -> u64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0)
}

const HITS: &str = "tollgate_webhook_image_verification_cache_total{result=\"hit\"}";
const MISSES: &str = "tollgate_webhook_image_verification_cache_total{result=\"miss\"}";

fn images_config(registry: &str, down: &str, unmatched: &str) -> String {
    format!(
        "policies:\n  bundled: false\n  paths: [policy]\nimages:\n  unmatched: {unmatched}\n  pinDigests: true\n  registry:\n    insecure: [\"{registry}\", \"{down}\"]\n    retries: 0\n  policies:\n    - name: team\n      images: [\"{registry}/team/**\"]\n      key: cosign.pub\n      attestations: [slsaprovenance]\n    - name: down\n      images: [\"{down}/**\"]\n      key: cosign.pub\n"
    )
}

#[test]
fn signed_images_are_admitted_and_every_failure_is_denied_with_its_reason() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let signing = Signing::new();
    let image = |name: &str| registry.image(&format!("team/{name}:1.0"));
    let app = image("app");
    let digest = rt.block_on(push_image(&client, &app, "app"));
    for (name, label) in [
        ("unsigned", "unsigned"),
        ("wrongkey", "wrongkey"),
        ("unattested", "unattested"),
    ] {
        rt.block_on(push_image(&client, &image(name), label));
    }
    signing.sign(&app, "cosign");
    signing.attest(&app, "cosign");
    signing.sign(&image("wrongkey"), "other");
    signing.attest(&image("wrongkey"), "other");
    signing.sign(&image("unattested"), "cosign");
    let down = format!("127.0.0.1:{}", free_port());

    let mut webhook = Webhook::start(
        &images_config(&registry.address, &down, "deny"),
        &[
            ("policy/main.rego", NO_FINDINGS),
            ("cosign.pub", &signing.public_key("cosign")),
        ],
    );

    // Signed and attested: admitted, verified once, then answered from the cache.
    let response = webhook.review(pod_review("signed-1", &[&app]));
    assert_eq!(response["allowed"], true, "{response}");
    let metrics = webhook.metrics();
    assert_eq!(
        (sample(&metrics, HITS), sample(&metrics, MISSES)),
        (0, 1),
        "{metrics}"
    );
    let response = webhook.review(pod_review("signed-2", &[&app]));
    assert_eq!(response["allowed"], true, "{response}");
    let metrics = webhook.metrics();
    assert_eq!(
        (sample(&metrics, HITS), sample(&metrics, MISSES)),
        (1, 1),
        "{metrics}"
    );
    assert_eq!(webhook.audit("signed-2")["decision"], "allow");
    for result in ["verified", "cached"] {
        let count = format!(
            "tollgate_webhook_image_verification_duration_seconds_count{{result=\"{result}\"}}"
        );
        assert_eq!(sample(&metrics, &count), 1, "{result}: {metrics}");
    }

    // Each failure denies, naming the image, the policy and the reason.
    let denied = |webhook: &Webhook, uid: &str, image: &str, reason: &str| {
        let response = webhook.review(pod_review(uid, &[image]));
        assert_eq!(response["allowed"], false, "{response}");
        assert_eq!(response["status"]["code"], 403);
        let text = message(&response);
        assert!(
            text.contains(&format!("{image:?}")) && text.contains(reason),
            "{uid}: expected {reason:?} about {image}: {text}"
        );
        text.to_string()
    };
    let text = denied(
        &webhook,
        "unsigned",
        &image("unsigned"),
        "no signature found",
    );
    assert!(
        text.contains("[images.team]") && text.contains("[no-signature]"),
        "{text}"
    );
    denied(&webhook, "wrong-key", &image("wrongkey"), "[wrong-key]");
    let text = denied(
        &webhook,
        "unattested",
        &image("unattested"),
        "[no-attestation]",
    );
    assert!(
        text.contains("attestation https://slsa.dev/provenance/v0.2"),
        "{text}"
    );
    denied(
        &webhook,
        "missing",
        &image("missing"),
        "cannot resolve its digest",
    );
    let text = denied(
        &webhook,
        "unreachable",
        &format!("{down}/app:1"),
        "unreachable",
    );
    assert!(text.contains("[images.down]"), "{text}");
    let text = denied(
        &webhook,
        "unmatched",
        "docker.io/library/nginx:1.27",
        "matches no image policy",
    );
    assert!(text.contains("[images.unmatched]"), "{text}");
    // One bad image of several denies the pod; the good one is not reported.
    let response = webhook.review(pod_review("mixed", &[&app, &image("unsigned")]));
    assert_eq!(response["allowed"], false);
    assert!(
        message(&response).contains("violates 1 policy"),
        "{response}"
    );
    let audit = webhook.audit("unsigned");
    assert_eq!(audit["decision"], "deny");
    assert_eq!(audit["denied"], "images.team");

    // /mutate pins the verified tag to the digest that was verified, leaves the rest.
    let (status, text) = webhook.post_to(
        "/mutate",
        pod_review("mutate-1", &[&app, &image("unsigned")]),
        "?timeout=5s",
    );
    assert_eq!(status, 200, "{text}");
    let review: Value = serde_json::from_str(&text).unwrap();
    let response = &review["response"];
    assert_eq!(response["uid"], "mutate-1");
    assert_eq!(response["allowed"], true);
    assert_eq!(response["patchType"], "JSONPatch");
    let patch = base64::engine::general_purpose::STANDARD
        .decode(response["patch"].as_str().unwrap())
        .unwrap();
    let patch: Value = serde_json::from_slice(&patch).unwrap();
    let pinned = format!("{app}@{digest}");
    assert_eq!(
        patch,
        json!([
            {"op": "test", "path": "/spec/containers/0/image", "value": app},
            {"op": "replace", "path": "/spec/containers/0/image", "value": pinned},
        ])
    );
    assert_eq!(webhook.audit("mutate-1")["pinned"], pinned);
    // The pinned pod is admitted from the cache, without going to the registry.
    let hits = sample(&webhook.metrics(), HITS);
    let response = webhook.review(pod_review("pinned", &[&pinned]));
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(sample(&webhook.metrics(), HITS), hits + 1);
    // Nothing to pin: no patch at all.
    let (_, text) = webhook.post_to("/mutate", pod_review("mutate-2", &[&pinned]), "");
    let review: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(review["response"]["allowed"], true);
    assert!(review["response"].get("patch").is_none(), "{review}");
    // A malformed body is refused on /mutate as on /validate.
    let (status, text) = webhook.post_to("/mutate", b"{".to_vec(), "");
    assert_eq!(status, 400, "{text}");

    // Unmatched images follow `unmatched: allow` after a reload.
    let from = webhook.seen.len();
    write_config(
        webhook.dir.path(),
        &images_config(&registry.address, &down, "allow"),
    );
    webhook
        .wait_log_after(
            from,
            |v| v["message"] == "configuration reloaded",
            Duration::from_secs(60),
        )
        .expect("the configuration is reloaded");
    let response = webhook.review(pod_review("unmatched-allowed", &["nginx:1.27"]));
    assert_eq!(response["allowed"], true, "{response}");
    // The reload started a new cache: the signed image is verified again.
    let misses = sample(&webhook.metrics(), MISSES);
    let response = webhook.review(pod_review("after-reload", &[&app]));
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(sample(&webhook.metrics(), MISSES), misses + 1);
}

/// bcrypt of "registry-secret" (cost 4), as `htpasswd -B` writes it.
const PASSWORD_BCRYPT: &str = "$2b$04$x/sMOxbQSvkNMtfMJb9GHuo40WQBoW7YSswt.aMrJS49E0svrzcBa";

#[test]
fn mutate_keeps_a_pinned_tag_for_its_time_while_validate_resolves_the_moved_tag() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let signing = Signing::new();
    let app = registry.image("team/app:1.0");
    let signed = rt.block_on(push_image(&client, &app, "signed"));
    signing.sign(&app, "cosign");
    signing.attest(&app, "cosign");
    let down = format!("127.0.0.1:{}", free_port());
    let config = images_config(&registry.address, &down, "deny").replace(
        "  pinDigests: true\n",
        "  pinDigests: true\n  pinnedTagTtlSeconds: 300\n",
    );
    let webhook = Webhook::start(
        &config,
        &[
            ("policy/main.rego", NO_FINDINGS),
            ("cosign.pub", &signing.public_key("cosign")),
        ],
    );
    let pinned_by_mutate = |uid: &str| {
        let (status, text) = webhook.post_to("/mutate", pod_review(uid, &[&app]), "?timeout=5s");
        assert_eq!(status, 200, "{text}");
        let review: Value = serde_json::from_str(&text).unwrap();
        let patch = base64::engine::general_purpose::STANDARD
            .decode(review["response"]["patch"].as_str().expect("a patch"))
            .unwrap();
        let patch: Value = serde_json::from_slice(&patch).unwrap();
        patch[1]["value"].as_str().unwrap().to_string()
    };
    assert_eq!(pinned_by_mutate("pin-1"), format!("{app}@{signed}"));

    // The tag moves to an unsigned image: /mutate still pins the digest it verified.
    let moved = rt.block_on(push_image(&client, &app, "moved"));
    assert_ne!(moved, signed);
    let hits = sample(&webhook.metrics(), HITS);
    assert_eq!(pinned_by_mutate("pin-2"), format!("{app}@{signed}"));
    assert_eq!(sample(&webhook.metrics(), HITS), hits + 1);
    // /validate asks the registry, which now names the unsigned digest: denied.
    let response = webhook.review(pod_review("moved", &[&app]));
    assert_eq!(response["allowed"], false, "{response}");
    assert!(message(&response).contains(&moved), "{response}");
}

#[test]
fn a_private_registry_is_reached_with_the_password_file_and_its_change_reloads() {
    let registry = TestRegistry::start_with_basic_auth("tollgate", PASSWORD_BCRYPT);
    let rt = runtime();
    let client = tollgate_engine::oci::Registry::new(tollgate_engine::oci::RegistryOptions {
        credentials: tollgate_engine::oci::Credentials::Basic {
            username: "tollgate".into(),
            password: "registry-secret".into(),
        },
        ..registry.options()
    })
    .unwrap();
    let app = registry.image("private/app:1");
    rt.block_on(push_image(&client, &app, "private"));
    let signing = Signing::new();
    signing.run(&[
        "sign",
        &app,
        "--key",
        "cosign.key",
        "--password-file",
        "password",
        "--allow-insecure-registry",
        "--registry-username",
        "tollgate",
        "--registry-password",
        "registry-secret",
    ]);
    let mut webhook = Webhook::start(
        &format!(
            "policies:\n  bundled: false\n  paths: [policy]\nimages:\n  registry:\n    insecure: [\"{0}\"]\n    username: tollgate\n    passwordFile: secret/password\n    retries: 0\n  policies:\n    - name: private\n      images: [\"{0}/**\"]\n      key: cosign.pub\n",
            registry.address
        ),
        &[
            ("policy/main.rego", NO_FINDINGS),
            ("cosign.pub", &signing.public_key("cosign")),
            ("secret/password", "registry-secret\n"),
        ],
    );
    let response = webhook.review(pod_review("private", &[&app]));
    assert_eq!(response["allowed"], true, "{response}");

    // A rotated (here: wrong) password reloads the configuration, and a new cache.
    let from = webhook.seen.len();
    std::fs::write(webhook.dir.path().join("secret/password"), "wrong\n").unwrap();
    webhook
        .wait_log_after(
            from,
            |v| v["message"] == "configuration reloaded",
            Duration::from_secs(60),
        )
        .expect("the password file's change reloads");
    let response = webhook.review(pod_review("private-wrong", &[&app]));
    assert_eq!(response["allowed"], false, "{response}");
    assert!(
        message(&response).contains("denied access"),
        "{}",
        message(&response)
    );
}

/// The identity and issuer of the Sigstore conformance vectors (public-good instance).
const CONFORMANCE_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const CONFORMANCE_ISSUER: &str = "https://token.actions.githubusercontent.com";
/// The subject of the conformance vector's statement (the artifact `a.txt`).
const CONFORMANCE_DIGEST: &str =
    "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

/// A real keyless Sigstore bundle (Fulcio certificate, Rekor entry; a SLSA provenance
/// attestation, no signature) stored as a referrer: at admission the attestation verifies
/// against the embedded public-good root for the right identity only, and the missing
/// signature is reported.
#[test]
fn keyless_attestations_are_verified_against_the_identity() {
    let registry = TestRegistry::start();
    let client = registry.client();
    let rt = runtime();
    let path = common::root()
        .join("../shared/testdata/sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json");
    let bundle: Value = serde_json::from_slice(
        &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap();
    let image = format!("{}@{CONFORMANCE_DIGEST}", registry.image("app"));
    let reference = tollgate_engine::oci::parse_reference(&image).unwrap();
    rt.block_on(oci_support::push_referrers(
        &client,
        &reference,
        CONFORMANCE_DIGEST,
        &[bundle],
    ));
    let config = |identity: &str| {
        format!(
            "policies:\n  bundled: false\n  paths: [policy]\nimages:\n  registry:\n    insecure: [\"{}\"]\n  policies:\n    - name: ci\n      images: [\"{}/**\"]\n      keyless:\n        identity: \"{identity}\"\n        issuer: {CONFORMANCE_ISSUER}\n      attestations: [slsaprovenance1]\n",
            registry.address, registry.address
        )
    };
    let provenance = "attestation https://slsa.dev/provenance/v1";

    let webhook = Webhook::start(
        &config(CONFORMANCE_IDENTITY),
        &[("policy/main.rego", NO_FINDINGS)],
    );
    let response = webhook.review(pod_review("keyless", &[&image]));
    assert_eq!(response["allowed"], false, "{response}");
    let text = message(&response);
    assert!(text.contains("[images.ci]"), "{text}");
    assert!(
        !text.contains(provenance),
        "the attestation verified: {text}"
    );
    drop(webhook);

    let webhook = Webhook::start(
        &config("someone@example.com"),
        &[("policy/main.rego", NO_FINDINGS)],
    );
    let response = webhook.review(pod_review("keyless-other", &[&image]));
    assert_eq!(response["allowed"], false, "{response}");
    let text = message(&response);
    assert!(
        text.contains(provenance) && text.contains("someone@example.com"),
        "{text}"
    );
}

/// A registry that accepts connections and never answers.
struct SilentRegistry {
    address: String,
    stop: Arc<AtomicBool>,
}

impl SilentRegistry {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            let until = Instant::now() + Duration::from_secs(120);
            while !stopped.load(Ordering::SeqCst) && Instant::now() < until {
                match listener.accept() {
                    Ok((stream, _)) => held.push(stream),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
                for stream in &mut held {
                    let _ = stream.set_nonblocking(true);
                    let _ = stream.read(&mut [0; 1024]);
                }
            }
        });
        Self { address, stop }
    }
}

impl Drop for SilentRegistry {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_registry_that_never_answers_is_denied_within_the_deadline() {
    let silent = SilentRegistry::start();
    let signing = Signing::new();
    let config = format!(
        "timeoutSeconds: 3\ndeadlineMilliseconds: 1500\npolicies:\n  bundled: false\n  paths: [policy]\nimages:\n  pinDigests: true\n  registry:\n    insecure: [\"{0}\"]\n    timeoutMilliseconds: 20000\n  policies:\n    - name: slow\n      images: [\"{0}/**\"]\n      key: cosign.pub\n",
        silent.address
    );
    let webhook = Webhook::start(
        &config,
        &[
            ("policy/main.rego", NO_FINDINGS),
            ("cosign.pub", &signing.public_key("cosign")),
        ],
    );
    let image = format!("{}/app:1", silent.address);
    let started = Instant::now();
    let response = webhook.review(pod_review("slow", &[&image]));
    let took = started.elapsed();
    assert_eq!(response["allowed"], false, "{response}");
    let text = message(&response);
    assert!(
        text.contains(&format!("{image:?}"))
            && text.contains("did not finish within the request deadline"),
        "{text}"
    );
    assert!(took < Duration::from_millis(2500), "answered in {took:?}");
    // /mutate gives up as fast, allowing without a patch (/validate denies).
    let started = Instant::now();
    let (status, text) = webhook.post_to("/mutate", pod_review("slow-mutate", &[&image]), "");
    assert_eq!(status, 200, "{text}");
    assert!(started.elapsed() < Duration::from_millis(2500));
    let review: Value = serde_json::from_str(&text).unwrap();
    assert!(review["response"].get("patch").is_none(), "{review}");
}

#[test]
fn manifests_register_the_mutating_webhook_and_ship_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let authority = webhook_support::Authority::new("cluster CA");
    std::fs::write(dir.path().join("tls.crt"), authority.serving().0).unwrap();
    let signing = Signing::new();
    std::fs::write(dir.path().join("cosign.pub"), signing.public_key("cosign")).unwrap();
    std::fs::write(
        dir.path().join("webhook.yaml"),
        "listen: 0.0.0.0:8443\ntls:\n  certFile: /etc/tollgate/tls/tls.crt\n  keyFile: /etc/tollgate/tls/tls.key\nimages:\n  pinDigests: true\n  policies:\n    - name: shop\n      images: [\"registry.example.com/shop/**\"]\n      key: cosign.pub\n",
    )
    .unwrap();
    let run = manifests(dir.path(), &["--config", "webhook.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(dir.path().join("bundle.yaml"), &run.stdout).unwrap();
    // Still nothing for the bundled policies to find.
    let checked = common::tollgate_in(dir.path(), &["test", "bundle.yaml"], None);
    assert_eq!(checked.code, 0, "{}\n{}", checked.stdout, checked.stderr);
    let parsed = common::tollgate_in(dir.path(), &["parse", "bundle.yaml"], None);
    let documents: Value = serde_json::from_str(&parsed.stdout).unwrap();
    let documents = documents.as_array().unwrap();
    let kinds: Vec<&str> = documents
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        &kinds[kinds.len() - 3..],
        [
            "NetworkPolicy",
            "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration"
        ]
    );
    let egress = &documents[kinds.len() - 3];
    assert_eq!(egress["spec"]["policyTypes"], json!(["Egress"]));
    let mutating = &documents[kinds.len() - 1]["webhooks"][0];
    assert_eq!(mutating["clientConfig"]["service"]["path"], "/mutate");
    assert_eq!(mutating["reinvocationPolicy"], "IfNeeded");
    let config_map = documents.iter().find(|d| d["kind"] == "ConfigMap").unwrap();
    assert_eq!(
        config_map["data"]["cosign.pub"].as_str().unwrap(),
        signing.public_key("cosign")
    );
    assert!(
        config_map["data"]["webhook.yaml"]
            .as_str()
            .unwrap()
            .contains("pinDigests: true")
    );

    // A configuration the Deployment cannot serve is refused, with the reason.
    std::fs::write(
        dir.path().join("webhook.yaml"),
        "listen: 0.0.0.0:9443\ntls:\n  certFile: tls.crt\n  keyFile: tls.key\n",
    )
    .unwrap();
    let run = manifests(dir.path(), &["--config", "webhook.yaml"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("must use port 8443"), "{}", run.stderr);

    // A key outside the configuration's directory cannot be shipped: said, not skipped.
    std::fs::write(
        dir.path().join("webhook.yaml"),
        format!(
            "tls:\n  certFile: tls.crt\n  keyFile: tls.key\nimages:\n  policies:\n    - name: shop\n      images: [\"*\"]\n      key: {}\n",
            signing.path("cosign.pub").display()
        ),
    )
    .unwrap();
    let run = manifests(dir.path(), &["--config", "webhook.yaml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("must be a file beside the configuration"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unreadable_key_stops_the_server_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let authority = webhook_support::Authority::new("ca");
    let (cert, key) = authority.serving();
    std::fs::write(dir.path().join("tls.crt"), cert).unwrap();
    std::fs::write(dir.path().join("tls.key"), key).unwrap();
    std::fs::write(dir.path().join("cosign.pub"), "not a key\n").unwrap();
    std::fs::create_dir(dir.path().join("policy")).unwrap();
    std::fs::write(dir.path().join("policy/main.rego"), NO_FINDINGS).unwrap();
    write_config(
        dir.path(),
        "policies:\n  bundled: false\n  paths: [policy]\nimages:\n  policies:\n    - name: team\n      images: [\"*\"]\n      key: cosign.pub\n",
    );
    let run = common::tollgate_in(
        dir.path(),
        &["webhook", "serve", "--config", "webhook.yaml"],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("images.policies[0] (\"team\")") && run.stderr.contains("cosign.pub"),
        "{}",
        run.stderr
    );
}
