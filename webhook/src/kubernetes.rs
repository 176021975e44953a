//! The request's Namespace, read from the Kubernetes API server, for Gatekeeper
//! constraints with a `match.namespaceSelector` (as Gatekeeper reads it from its cache of
//! Namespaces): `GET /api/v1/namespaces/{name}` with the service account's token, over
//! TLS verified against the cluster CA, cached by name for a short TTL. A Namespace that
//! cannot be read fails the request closed, with the namespace and the cause.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Namespace;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{StatusCode, Url};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde::Deserialize;
use serde_json::Value;
use tollgate_engine::gatekeeper::inventory::NamespaceLookup;

/// Where the service account's files are mounted in every pod that has a token.
const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// Largest Namespace answer read: a Namespace is a few hundred bytes.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// `kubernetes:` in webhook.yaml: how the API server is reached. Every key defaults to
/// the in-cluster values, so a webhook running as a pod needs none of them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KubernetesConfig {
    /// `https://host[:port]`; default from KUBERNETES_SERVICE_HOST and
    /// KUBERNETES_SERVICE_PORT, which the kubelet sets in every pod.
    #[serde(default)]
    pub server: Option<String>,
    /// The bearer token, re-read on every call to the API server (projected tokens rotate).
    #[serde(default = "default_token_file")]
    pub token_file: PathBuf,
    /// PEM roots the API server's certificate is verified against.
    #[serde(default = "default_ca_file")]
    pub ca_file: PathBuf,
    /// How long a Namespace read is used before it is read again.
    #[serde(default = "default_cache_ttl")]
    pub namespace_cache_ttl_seconds: u64,
    /// Most Namespaces kept in the cache.
    #[serde(default = "default_cache_size")]
    pub namespace_cache_size: usize,
}

impl Default for KubernetesConfig {
    fn default() -> Self {
        Self {
            server: None,
            token_file: default_token_file(),
            ca_file: default_ca_file(),
            namespace_cache_ttl_seconds: default_cache_ttl(),
            namespace_cache_size: default_cache_size(),
        }
    }
}

fn default_token_file() -> PathBuf {
    Path::new(SERVICE_ACCOUNT_DIR).join("token")
}
fn default_ca_file() -> PathBuf {
    Path::new(SERVICE_ACCOUNT_DIR).join("ca.crt")
}
fn default_cache_ttl() -> u64 {
    30
}
fn default_cache_size() -> usize {
    4096
}

impl KubernetesConfig {
    /// Checks the values; the error names the key below `kubernetes`.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if let Some(server) = &self.server {
            parse_server(server).map_err(|m| ("server".to_string(), m))?;
        }
        if !(1..=3600).contains(&self.namespace_cache_ttl_seconds) {
            return Err((
                "namespaceCacheTtlSeconds".into(),
                "must be between 1 and 3600".into(),
            ));
        }
        if self.namespace_cache_size == 0 {
            return Err(("namespaceCacheSize".into(), "must be at least 1".into()));
        }
        Ok(())
    }

    /// Resolves relative file names against the configuration file's directory.
    pub fn resolve_paths(&mut self, base: &Path) {
        for path in [&mut self.token_file, &mut self.ca_file] {
            if path.is_relative() {
                *path = base.join(&*path);
            }
        }
    }

    /// The API server's URL: `server`, else the in-cluster Service from `env`.
    pub fn server_url(&self, env: impl Fn(&str) -> Option<String>) -> Result<Url, String> {
        if let Some(server) = &self.server {
            return parse_server(server);
        }
        let host = env("KUBERNETES_SERVICE_HOST").filter(|h| !h.is_empty());
        let port = env("KUBERNETES_SERVICE_PORT").filter(|p| !p.is_empty());
        let (Some(host), Some(port)) = (host, port) else {
            return Err("kubernetes.server is not set and KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not in the environment (outside a pod, set kubernetes.server)".into());
        };
        // An IPv6 address is bracketed in a URL.
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host
        };
        parse_server(&format!("https://{host}:{port}"))
            .map_err(|m| format!("KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT: {m}"))
    }
}

fn parse_server(server: &str) -> Result<Url, String> {
    let url = Url::parse(server).map_err(|e| format!("invalid URL {server:?}: {e}"))?;
    if url.scheme() != "https" || url.host_str().is_none() {
        return Err(format!(
            "{server:?} must be an https:// URL with a host (the API server is spoken to over TLS only)"
        ));
    }
    Ok(url)
}

/// A Namespace looked up, and whether the cache had it.
pub struct NamespaceRead {
    pub result: Result<Arc<Value>, String>,
    pub cached: bool,
}

/// Reads Namespaces from the API server, through a cache; one per configuration.
pub struct NamespaceReader {
    client: reqwest::Client,
    server: Url,
    token_file: PathBuf,
    ttl: Duration,
    cache: NamespaceCache,
}

impl NamespaceReader {
    /// A client for the API server of `config` (its CA read now; the token at each call).
    pub fn new(
        config: &KubernetesConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let server = config.server_url(env)?;
        let ca = &config.ca_file;
        let pem = std::fs::read(ca).map_err(|e| {
            format!(
                "kubernetes.caFile {}: cannot read the API server's CA: {e}",
                ca.display()
            )
        })?;
        let mut roots = rustls::RootCertStore::empty();
        for certificate in CertificateDer::pem_slice_iter(&pem) {
            let certificate = certificate
                .map_err(|e| format!("kubernetes.caFile {}: invalid PEM: {e}", ca.display()))?;
            roots.add(certificate).map_err(|e| {
                format!(
                    "kubernetes.caFile {}: unusable certificate: {e}",
                    ca.display()
                )
            })?;
        }
        if roots.is_empty() {
            return Err(format!(
                "kubernetes.caFile {}: no CERTIFICATE block found",
                ca.display()
            ));
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS to the API server: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the API server client: {e}"))?;
        Ok(Self {
            client,
            server,
            token_file: config.token_file.clone(),
            ttl: Duration::from_secs(config.namespace_cache_ttl_seconds),
            cache: NamespaceCache::new(config.namespace_cache_size),
        })
    }

    /// The Namespace `name`, from the cache or the API server, by `due`; the error names
    /// the namespace and says why it could not be read.
    pub async fn read(&self, name: &str, due: Instant) -> NamespaceRead {
        if let Some(cached) = self.cache.get(name) {
            return NamespaceRead {
                result: Ok(cached),
                cached: true,
            };
        }
        NamespaceRead {
            result: self.read_through(name, due).await,
            cached: false,
        }
    }

    async fn read_through(&self, name: &str, due: Instant) -> Result<Arc<Value>, String> {
        let fetched = match tokio::time::timeout_at(due.into(), self.fetch(name)).await {
            Ok(result) => result,
            Err(_) => Err("no answer within the request deadline".into()),
        };
        match fetched {
            Ok(namespace) => {
                let namespace = Arc::new(namespace);
                self.cache.insert(name, namespace.clone(), self.ttl);
                Ok(namespace)
            }
            Err(cause) => Err(format!(
                "cannot read Namespace {name:?} from the Kubernetes API server {}: {cause}",
                self.server
            )),
        }
    }

    async fn fetch(&self, name: &str) -> Result<Value, String> {
        if !is_namespace_name(name) {
            return Err("not a valid namespace name".into());
        }
        let url = self
            .server
            .join(&format!("api/v1/namespaces/{name}"))
            .map_err(|e| e.to_string())?;
        let token = self.token().await?;
        let mut response = self
            .client
            .get(url)
            .header(AUTHORIZATION, token)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| error_chain(&e))?;
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| error_chain(&e))? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(format!("the answer exceeds {MAX_ANSWER_BYTES} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        if status != StatusCode::OK {
            return Err(refusal(status, &body));
        }
        let namespace: Namespace = serde_json::from_slice(&body)
            .map_err(|e| format!("the answer is not a Namespace: {e}"))?;
        if namespace.metadata.name.as_deref() != Some(name) {
            return Err(format!(
                "the answer is Namespace {:?}, not the one asked for",
                namespace.metadata.name.unwrap_or_default()
            ));
        }
        serde_json::to_value(namespace).map_err(|e| e.to_string())
    }

    /// `Bearer <token>` from the token file as it is now; the token never appears in an
    /// error or a log.
    async fn token(&self) -> Result<HeaderValue, String> {
        let path = self.token_file.clone();
        let read = tokio::task::spawn_blocking(move || std::fs::read_to_string(&path))
            .await
            .map_err(|e| e.to_string())?;
        let token = read.map_err(|e| {
            format!(
                "cannot read the service account token {}: {e}",
                self.token_file.display()
            )
        })?;
        let token = token.trim();
        if token.is_empty() {
            return Err(format!(
                "the service account token {} is empty",
                self.token_file.display()
            ));
        }
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            format!(
                "the service account token {} holds characters a token cannot have",
                self.token_file.display()
            )
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// Why the API server refused: its status and the message of its `Status` answer.
fn refusal(status: StatusCode, body: &[u8]) -> String {
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_string))
        .map(|m| m.chars().take(300).collect::<String>())
        .unwrap_or_default();
    let hint = match status {
        StatusCode::UNAUTHORIZED => {
            " (the service account token was not accepted: is it mounted and current?)"
        }
        StatusCode::FORBIDDEN => {
            " (the webhook's ServiceAccount needs get on namespaces: the ClusterRole of `tollgate webhook manifests`)"
        }
        _ => "",
    };
    if message.is_empty() {
        format!("the API server answered {status}{hint}")
    } else {
        format!("the API server answered {status}: {message}{hint}")
    }
}

/// An error and its causes (`error sending request: connection refused`).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// An RFC 1123 label, as Namespace names are: also keeps the URL path to one segment.
fn is_namespace_name(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Namespaces by name, each until it expires; at most `capacity` of them.
struct NamespaceCache {
    entries: Mutex<HashMap<String, (Instant, Arc<Value>)>>,
    capacity: usize,
}

impl NamespaceCache {
    fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    fn get(&self, name: &str) -> Option<Arc<Value>> {
        let entries = self.entries.lock().ok()?;
        let (expires, namespace) = entries.get(name)?;
        (*expires > Instant::now()).then(|| namespace.clone())
    }

    fn insert(&self, name: &str, namespace: Arc<Value>, ttl: Duration) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let now = Instant::now();
        if entries.len() >= self.capacity && !entries.contains_key(name) {
            entries.retain(|_, (expires, _)| *expires > now);
            // Still full of live entries: the one closest to expiring goes.
            if entries.len() >= self.capacity
                && let Some(oldest) = entries
                    .iter()
                    .min_by_key(|(_, (expires, _))| *expires)
                    .map(|(key, _)| key.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(name.to_string(), (now + ttl, namespace));
    }
}

/// The Namespace read for one request, as constraint matching asks for it.
pub struct RequestNamespace {
    pub name: String,
    pub read: Result<Arc<Value>, String>,
}

impl NamespaceLookup for RequestNamespace {
    fn find_namespace(&self, name: &str) -> Result<Option<&Value>, String> {
        if name != self.name {
            return Ok(None);
        }
        match &self.read {
            Ok(namespace) => Ok(Some(namespace)),
            Err(cause) => Err(cause.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_cache_expires_entries_and_stays_bounded() {
        let cache = NamespaceCache::new(2);
        let long = Duration::from_secs(60);
        cache.insert("a", Arc::new(json!({"n": "a"})), long);
        cache.insert("b", Arc::new(json!({"n": "b"})), Duration::from_secs(30));
        assert_eq!(cache.get("a").as_deref(), Some(&json!({"n": "a"})));
        // Full: the entry closest to expiring makes room.
        cache.insert("c", Arc::new(json!({"n": "c"})), long);
        assert!(cache.get("b").is_none());
        assert!(cache.get("a").is_some() && cache.get("c").is_some());
        cache.insert("d", Arc::new(json!({})), Duration::ZERO);
        assert!(cache.get("d").is_none(), "an expired entry is not served");
        assert!(cache.entries.lock().unwrap().len() <= 2);
    }

    #[test]
    fn only_namespace_names_reach_the_url() {
        for good in ["shop", "team-a", "a1", &"a".repeat(63)] {
            assert!(is_namespace_name(good), "{good}");
        }
        for bad in ["", "-a", "a-", "Shop", "a/b", "..", "a%2F", &"a".repeat(64)] {
            assert!(!is_namespace_name(bad), "{bad}");
        }
    }

    #[test]
    fn refusals_say_what_to_fix() {
        let body = br#"{"kind":"Status","message":"namespaces \"x\" is forbidden"}"#;
        let text = refusal(StatusCode::FORBIDDEN, body);
        assert!(
            text.starts_with(
                "the API server answered 403 Forbidden: namespaces \"x\" is forbidden"
            ) && text.contains("needs get on namespaces"),
            "{text}"
        );
        assert_eq!(
            refusal(StatusCode::BAD_GATEWAY, b"<html>"),
            "the API server answered 502 Bad Gateway"
        );
    }

    #[test]
    fn a_request_namespace_answers_only_for_its_name() {
        let read = RequestNamespace {
            name: "shop".into(),
            read: Ok(Arc::new(json!({"metadata": {"name": "shop"}}))),
        };
        assert!(read.find_namespace("shop").unwrap().is_some());
        assert_eq!(read.find_namespace("lab"), Ok(None));
        let failed = RequestNamespace {
            name: "shop".into(),
            read: Err("cannot read Namespace \"shop\": refused".into()),
        };
        assert_eq!(
            failed.find_namespace("shop"),
            Err("cannot read Namespace \"shop\": refused".into())
        );
    }
}
