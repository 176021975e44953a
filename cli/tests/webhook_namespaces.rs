//! Gatekeeper namespaceSelectors at admission: `tollgate webhook serve` over real TLS on
//! 127.0.0.1 reads each request's Namespace from a stand-in for the Kubernetes API
//! server (a real HTTPS server on 127.0.0.1 that checks the bearer token and serves
//! Namespaces built from k8s-openapi types), with the namespaceselector fixtures of
//! testdata/gatekeeper.

mod common;
mod webhook_support;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Status};
use serde_json::{Value, json};
use webhook_support::{Authority, Webhook};

/// What the stand-in API server knows and has been asked.
struct ApiState {
    namespaces: HashMap<String, Namespace>,
    /// The one bearer token accepted.
    token: Mutex<String>,
    /// Namespace reads per name, answered or not.
    requests: Mutex<HashMap<String, usize>>,
}

/// A TLS server on 127.0.0.1 answering `GET /api/v1/namespaces/{name}` as the API
/// server does, stopped when dropped.
struct FakeApiServer {
    address: SocketAddr,
    state: Arc<ApiState>,
    handle: axum_server::Handle<SocketAddr>,
    /// Runs the server; kept alive as long as it.
    _runtime: tokio::runtime::Runtime,
    authority: Authority,
    _dir: tempfile::TempDir,
}

fn namespace(name: &str, labels: &[(&str, &str)]) -> Namespace {
    Namespace {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .chain([("kubernetes.io/metadata.name".into(), name.to_string())])
                    .collect::<BTreeMap<_, _>>(),
            ),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}

fn status(code: u16, reason: &str, message: String) -> Response {
    let body = Status {
        code: Some(i32::from(code)),
        message: Some(message),
        reason: Some(reason.into()),
        status: Some("Failure".into()),
        ..Status::default()
    };
    let mut json = serde_json::to_value(body).unwrap();
    json["kind"] = json!("Status");
    json["apiVersion"] = json!("v1");
    (
        StatusCode::from_u16(code).unwrap(),
        [(header::CONTENT_TYPE, "application/json")],
        json.to_string(),
    )
        .into_response()
}

async fn read_namespace(
    State(state): State<Arc<ApiState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    *state
        .requests
        .lock()
        .unwrap()
        .entry(name.clone())
        .or_default() += 1;
    let expected = format!("Bearer {}", state.token.lock().unwrap());
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if given != Some(expected.as_str()) {
        return status(
            403,
            "Forbidden",
            format!(
                "namespaces \"{name}\" is forbidden: User \"system:anonymous\" cannot get resource \"namespaces\" in API group \"\" at the cluster scope"
            ),
        );
    }
    match state.namespaces.get(&name) {
        Some(found) => (
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(found).unwrap(),
        )
            .into_response(),
        None => status(404, "NotFound", format!("namespaces \"{name}\" not found")),
    }
}

impl FakeApiServer {
    fn start(namespaces: Vec<Namespace>, token: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let authority = Authority::new("kubernetes test CA");
        let (cert, key) = authority.serving();
        std::fs::write(dir.path().join("api.crt"), cert).unwrap();
        std::fs::write(dir.path().join("api.key"), key).unwrap();
        let tls = tollgate_webhook::tls::server_config(
            &dir.path().join("api.crt"),
            &dir.path().join("api.key"),
        )
        .expect("the API server's TLS configuration");
        let state = Arc::new(ApiState {
            namespaces: namespaces
                .into_iter()
                .map(|n| (n.metadata.name.clone().unwrap(), n))
                .collect(),
            token: Mutex::new(token.into()),
            requests: Mutex::new(HashMap::new()),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap();
        let handle = axum_server::Handle::new();
        let router = Router::new()
            .route("/api/v1/namespaces/{name}", get(read_namespace))
            .with_state(state.clone());
        {
            let _entered = runtime.enter();
            let server = axum_server::from_tcp_rustls(
                listener,
                axum_server::tls_rustls::RustlsConfig::from_config(tls),
            )
            .unwrap()
            .handle(handle.clone())
            .serve(router.into_make_service());
            runtime.spawn(server);
        }
        Self {
            address,
            state,
            handle,
            _runtime: runtime,
            authority,
            _dir: dir,
        }
    }

    fn requests(&self, name: &str) -> usize {
        self.state
            .requests
            .lock()
            .unwrap()
            .get(name)
            .copied()
            .unwrap_or(0)
    }

    fn stop(&self) {
        self.handle.shutdown();
        // Bounded: the listener closes within moments of the shutdown.
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(self.address).is_ok() {
            assert!(Instant::now() < deadline, "the API server did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(common::root().join("testdata/gatekeeper").join(path))
        .expect("a Gatekeeper fixture")
}

/// A CREATE of a ConfigMap (or a Namespace) built from k8s-openapi types, in the
/// AdmissionReview a real API server sent.
fn review_of(uid: &str, namespace: Option<&str>, object: Value) -> Vec<u8> {
    let path = common::root().join("testdata/admission/real-apiserver/create-pod.json");
    let mut review: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let request = &mut review["request"];
    request["uid"] = json!(uid);
    request["name"] = object["metadata"]["name"].clone();
    match namespace {
        Some(namespace) => request["namespace"] = json!(namespace),
        None => {
            request.as_object_mut().unwrap().remove("namespace");
        }
    }
    let kind = object["kind"].as_str().unwrap().to_string();
    let resource = format!("{}s", kind.to_lowercase());
    request["kind"] = json!({"group": "", "version": "v1", "kind": kind});
    request["resource"] = json!({"group": "", "version": "v1", "resource": resource});
    request["requestKind"] = request["kind"].clone();
    request["requestResource"] = request["resource"].clone();
    request["object"] = object;
    serde_json::to_vec(&review).unwrap()
}

fn config_map(uid: &str, namespace: &str) -> Vec<u8> {
    let object = ConfigMap {
        metadata: ObjectMeta {
            name: Some(format!("settings-{uid}")),
            namespace: Some(namespace.into()),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([("mode".to_string(), "fast".to_string())])),
        ..ConfigMap::default()
    };
    review_of(uid, Some(namespace), serde_json::to_value(object).unwrap())
}

fn message(response: &Value) -> &str {
    response["status"]["message"].as_str().unwrap_or_default()
}

#[test]
fn namespace_selectors_read_the_namespace_from_the_api_server() {
    let api = FakeApiServer::start(
        vec![
            namespace("shop", &[("env", "prod")]),
            namespace("vault", &[("env", "prod"), ("frozen", "true")]),
            namespace("lab", &[("env", "dev")]),
            namespace("billing", &[("env", "prod")]),
            namespace("orders", &[("env", "prod")]),
        ],
        "token-1",
    );
    let config = format!(
        "policies:\n  bundled: false\n  paths: [policy]\n\
         kubernetes:\n  server: https://{}\n  tokenFile: sa/token\n  caFile: sa/ca.crt\n  namespaceCacheTtlSeconds: 300\n",
        api.address
    );
    let mut webhook = Webhook::start(
        &config,
        &[
            (
                "policy/template.yaml",
                &fixture("namespaceselector/template.yaml"),
            ),
            (
                "policy/constraint.yaml",
                &fixture("namespaceselector/samples/constraint.yaml"),
            ),
            ("sa/token", "token-1\n"),
            ("sa/ca.crt", &api.authority.pem),
        ],
    );

    // In a namespace labelled env=prod: the constraint applies and denies.
    let denied = webhook.review(config_map("a1", "shop"));
    assert_eq!(denied["allowed"], false, "{denied}");
    assert_eq!(
        message(&denied),
        "ConfigMap shop/settings-a1 violates 1 policy: [TgRequiredAnnotations/prod-needs-contact] ConfigMap settings-a1 needs the annotation example.com/contact"
    );
    assert_eq!(api.requests("shop"), 1);
    // Not matched: env=dev, and env=prod but frozen.
    let lab = webhook.review(config_map("a2", "lab"));
    assert_eq!(lab["allowed"], true, "{lab}");
    let vault = webhook.review(config_map("a3", "vault"));
    assert_eq!(vault["allowed"], true, "{vault}");
    // Served from the cache: the API server is not asked again.
    let again = webhook.review(config_map("a4", "shop"));
    assert_eq!(again["allowed"], false, "{again}");
    assert_eq!(api.requests("shop"), 1);
    assert_eq!(api.requests("lab"), 1);
    // A Namespace is judged by its own labels, without asking the API server.
    let created = namespace("payments", &[("env", "prod")]);
    let response = webhook.review(review_of(
        "a5",
        None,
        serde_json::to_value(&created).unwrap(),
    ));
    assert_eq!(response["allowed"], false, "{response}");
    assert!(
        message(&response).contains("Namespace payments needs the annotation"),
        "{response}"
    );
    assert_eq!(api.requests("payments"), 0);

    // The token rotates: the new one is read from the file for the next read.
    std::fs::write(webhook.dir.path().join("sa/token"), "token-2\n").unwrap();
    *api.state.token.lock().unwrap() = "token-2".into();
    let rotated = webhook.review(config_map("b1", "billing"));
    assert_eq!(rotated["allowed"], false, "{rotated}");
    assert!(
        message(&rotated).contains("needs the annotation"),
        "{rotated}"
    );

    // A token the API server refuses: denied, naming the namespace and the 403.
    *api.state.token.lock().unwrap() = "token-3".into();
    let forbidden = webhook.review(config_map("b2", "orders"));
    assert_eq!(forbidden["allowed"], false, "{forbidden}");
    let text = message(&forbidden);
    assert!(
        text.contains("cannot read Namespace \"orders\" from the Kubernetes API server")
            && text.contains("403 Forbidden")
            && text.contains("cannot get resource \"namespaces\"")
            && text.contains("fail closed"),
        "{text}"
    );
    assert!(
        !text.contains("token-2"),
        "the token is never shown: {text}"
    );
    assert_eq!(api.requests("orders"), 1);

    // The API server is down: a namespace not cached is denied, in time, with the cause;
    // a cached one is still decided.
    api.stop();
    let started = Instant::now();
    let down = webhook.review(config_map("c1", "lab-2"));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(down["allowed"], false, "{down}");
    let text = message(&down);
    assert!(
        text.contains("cannot read Namespace \"lab-2\"") && text.contains("fail closed"),
        "{text}"
    );
    assert!(
        text.to_lowercase().contains("connect") || text.contains("refused"),
        "the cause is given: {text}"
    );
    assert_eq!(webhook.review(config_map("c2", "shop"))["allowed"], false);
    assert_eq!(webhook.review(config_map("c3", "lab"))["allowed"], true);

    // Reads are counted: 4 from the API server, 3 from the cache, 2 failed.
    let metrics = webhook.metrics();
    for (result, count) in [("miss", 4), ("hit", 3), ("error", 2)] {
        let line = format!("tollgate_webhook_namespace_reads_total{{result=\"{result}\"}} {count}");
        assert!(metrics.contains(&line), "{line}\n{metrics}");
    }

    // Nothing of the token reached the logs.
    webhook.audit("c3");
    for line in &webhook.seen {
        assert!(
            !line.contains("token-1") && !line.contains("token-2"),
            "{line}"
        );
    }
}

#[test]
fn an_api_server_with_another_ca_is_not_trusted() {
    let api = FakeApiServer::start(vec![namespace("shop", &[("env", "prod")])], "t");
    let other = Authority::new("another CA");
    let config = format!(
        "policies:\n  bundled: false\n  paths: [policy]\n\
         kubernetes:\n  server: https://{}\n  tokenFile: token\n  caFile: ca.crt\n",
        api.address
    );
    let webhook = Webhook::start(
        &config,
        &[
            (
                "policy/template.yaml",
                &fixture("namespaceselector/template.yaml"),
            ),
            (
                "policy/constraint.yaml",
                &fixture("namespaceselector/samples/constraint.yaml"),
            ),
            ("token", "t"),
            ("ca.crt", &other.pem),
        ],
    );
    let response = webhook.review(config_map("d1", "shop"));
    assert_eq!(response["allowed"], false, "{response}");
    let text = message(&response);
    assert!(
        text.contains("cannot read Namespace \"shop\"") && text.contains("certificate"),
        "{text}"
    );
    // The handshake failed before any request was made.
    assert_eq!(api.requests("shop"), 0);
}

#[test]
fn without_an_api_server_such_constraints_refuse_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let authority = Authority::new("ca");
    let (cert, key) = authority.serving();
    std::fs::write(dir.path().join("tls.crt"), cert).unwrap();
    std::fs::write(dir.path().join("tls.key"), key).unwrap();
    std::fs::create_dir(dir.path().join("policy")).unwrap();
    std::fs::write(
        dir.path().join("policy/template.yaml"),
        fixture("namespaceselector/template.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("policy/constraint.yaml"),
        fixture("namespaceselector/samples/constraint.yaml"),
    )
    .unwrap();
    webhook_support::write_config(
        dir.path(),
        "policies:\n  bundled: false\n  paths: [policy]\nkubernetes:\n  caFile: missing-ca.crt\n  server: https://127.0.0.1:1\n",
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(["webhook", "serve", "--config", "webhook.yaml"])
        .current_dir(dir.path())
        .env_remove("KUBERNETES_SERVICE_HOST")
        .output()
        .expect("tollgate runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("namespaceSelector")
            && stderr.contains("kubernetes.caFile")
            && stderr.contains("missing-ca.crt"),
        "{stderr}"
    );
}
