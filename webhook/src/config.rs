//! The webhook's configuration file (YAML): where to listen, which policies run and how
//! each is enforced. A file is validated as a whole before it is used, and every error
//! names the file, the line and the key, so a bad edit never reaches a running server
//! (on reload, the old configuration stays in force).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use globset::{Glob, GlobSet, GlobSetBuilder};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Deserialize;
use serde_json::Value;
use tollgate_engine::input::{self, Format, PathSegment};
use tollgate_engine::limits::Limits;

use crate::images::ImagePolicyConfig;
use crate::kubernetes::KubernetesConfig;
use crate::selector;

/// The largest `timeoutSeconds` the API server accepts for a webhook.
pub const MAX_TIMEOUT_SECONDS: u64 = 30;

/// Largest configuration file read, so a wrong path (a log, a device) fails fast.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Address the HTTPS server binds, e.g. `0.0.0.0:8443`.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    pub tls: TlsConfig,
    /// The `timeoutSeconds` registered with the API server (1 to 30): requests are answered
    /// before it, failing closed, so the API server never times out on us.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
    /// How long a request may take here; default four fifths of `timeoutSeconds`.
    #[serde(default)]
    pub deadline_milliseconds: Option<u64>,
    /// Largest AdmissionReview body accepted (larger ones get 413).
    #[serde(default = "default_max_request_bytes")]
    pub max_request_bytes: u64,
    /// Namespaces (globs) whose requests are allowed without evaluation.
    #[serde(default = "default_excluded_namespaces")]
    pub excluded_namespaces: Vec<String>,
    /// Enforcement of policies that no rule names.
    #[serde(default)]
    pub default_enforcement: Enforcement,
    #[serde(default)]
    pub policies: PoliciesConfig,
    /// Per-policy enforcement and matching, first matching rule wins.
    #[serde(default)]
    pub rules: Vec<RuleConfig>,
    /// Signed-image requirements (verified through [`crate::images::ImageVerifier`]).
    #[serde(default)]
    pub images: Option<ImagePolicyConfig>,
    /// The API server the Namespaces of namespaceSelector constraints are read from
    /// (default: the in-cluster one).
    #[serde(default)]
    pub kubernetes: KubernetesConfig,
    /// Threads evaluating policies (default: one per core).
    #[serde(default)]
    pub workers: Option<usize>,
    /// How often certificate, key and this file are checked for changes.
    #[serde(default = "default_reload_interval")]
    pub reload_interval_seconds: u64,
    /// How long in-flight requests may take to finish after SIGTERM.
    #[serde(default = "default_shutdown_grace")]
    pub shutdown_grace_seconds: u64,
}

/// The serving certificate and key, PEM files (reloaded when they change).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TlsConfig {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
}

/// Which Rego policies are loaded: the bundled catalogue and the user's own.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PoliciesConfig {
    /// Run the bundled Kubernetes policies.
    #[serde(default = "default_true")]
    pub bundled: bool,
    /// Pod Security Standards level of the bundled policies.
    #[serde(default)]
    pub pss: PssLevel,
    /// Kubernetes version whose Pod Security rules apply, e.g. `"1.30"`.
    #[serde(default)]
    pub k8s_version: Option<String>,
    /// Bundled policy ids to run (default: all).
    #[serde(default)]
    pub only: Vec<String>,
    /// Bundled policy ids whose findings never count.
    #[serde(default)]
    pub skip: Vec<String>,
    /// User Rego files or directories (relative to the configuration file).
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// YAML or JSON data files merged under `data`.
    #[serde(default)]
    pub data: Vec<PathBuf>,
    /// Rego packages of the user policies to run (globs).
    #[serde(default = "default_namespaces")]
    pub namespaces: Vec<String>,
    /// Rego syntax of the user policies: `v0`, `v1` or `auto`.
    #[serde(default = "default_rego_version")]
    pub rego_version: String,
}

impl Default for PoliciesConfig {
    fn default() -> Self {
        Self {
            bundled: true,
            pss: PssLevel::default(),
            k8s_version: None,
            only: Vec::new(),
            skip: Vec::new(),
            paths: Vec::new(),
            data: Vec::new(),
            namespaces: default_namespaces(),
            rego_version: default_rego_version(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    Baseline,
    #[default]
    Restricted,
}

impl PssLevel {
    pub fn name(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Restricted => "restricted",
        }
    }
}

/// What a policy's failures do to a request.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Enforcement {
    /// Failures reject the request.
    #[default]
    Deny,
    /// Failures are returned to the client as warnings; the request is allowed.
    Warn,
    /// Failures are only audited and counted; the client sees nothing.
    Dryrun,
}

impl Enforcement {
    pub fn name(self) -> &'static str {
        match self {
            Self::Deny => "deny",
            Self::Warn => "warn",
            Self::Dryrun => "dryrun",
        }
    }
}

/// Enforcement and matching for the policies whose id (or Rego package) matches `policy`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleConfig {
    /// A policy id of the catalogue or a Rego package; globs allowed (`k8s.pss.*`).
    pub policy: String,
    #[serde(default)]
    pub enforcement: Option<Enforcement>,
    #[serde(default, rename = "match")]
    pub matches: Option<MatchConfig>,
}

/// Which requests a policy sees, Gatekeeper-style.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MatchConfig {
    /// Operations evaluated. DELETE and CONNECT are opt-in: see the README.
    #[serde(default = "default_operations")]
    pub operations: Vec<Operation>,
    /// Object kinds (globs over `Kind`, e.g. `Pod`, `*`).
    #[serde(default = "default_any")]
    pub kinds: Vec<String>,
    /// Namespaces (globs) the policy applies in; cluster-scoped objects have none and
    /// match only `*`.
    #[serde(default = "default_any")]
    pub namespaces: Vec<String>,
    /// Namespaces (globs) the policy never applies in.
    #[serde(default)]
    pub excluded_namespaces: Vec<String>,
    /// Labels of the object (the old object on DELETE) the policy applies to.
    #[serde(default)]
    pub label_selector: Option<LabelSelector>,
    /// Subresources evaluated besides the resource itself (`""`), e.g. `ephemeralcontainers`.
    #[serde(default = "default_subresources")]
    pub subresources: Vec<String>,
}

impl Default for MatchConfig {
    fn default() -> Self {
        Self {
            operations: default_operations(),
            kinds: default_any(),
            namespaces: default_any(),
            excluded_namespaces: Vec::new(),
            label_selector: None,
            subresources: default_subresources(),
        }
    }
}

/// An AdmissionRequest operation.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "UPPERCASE")]
pub enum Operation {
    Create,
    Update,
    Delete,
    Connect,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "CREATE",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
            Self::Connect => "CONNECT",
        }
    }
}

impl From<&kube_core::admission::Operation> for Operation {
    fn from(operation: &kube_core::admission::Operation) -> Self {
        use kube_core::admission::Operation as K;
        match operation {
            K::Create => Self::Create,
            K::Update => Self::Update,
            K::Delete => Self::Delete,
            K::Connect => Self::Connect,
        }
    }
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0], 8443))
}
fn default_timeout_seconds() -> u64 {
    10
}
fn default_max_request_bytes() -> u64 {
    8 * 1024 * 1024
}
fn default_excluded_namespaces() -> Vec<String> {
    vec!["kube-system".into()]
}
fn default_true() -> bool {
    true
}
fn default_namespaces() -> Vec<String> {
    vec!["main".into()]
}
fn default_rego_version() -> String {
    "auto".into()
}
fn default_operations() -> Vec<Operation> {
    vec![Operation::Create, Operation::Update]
}
fn default_any() -> Vec<String> {
    vec!["*".into()]
}
fn default_subresources() -> Vec<String> {
    vec![String::new(), "ephemeralcontainers".into()]
}
fn default_reload_interval() -> u64 {
    2
}
fn default_shutdown_grace() -> u64 {
    20
}

/// A configuration that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {key}{message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub file: String,
    pub line: Option<u32>,
    /// The key at fault (`rules[1].enforcement: `), empty for the file as a whole.
    pub key: String,
    pub message: String,
}

impl Config {
    /// Reads, parses and validates a configuration file; relative paths inside it are
    /// resolved against the file's directory.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let display = path.display().to_string();
        let limits = Limits {
            max_file_bytes: MAX_CONFIG_BYTES,
            ..Limits::default()
        };
        let file = input::load(&display, Format::Yaml, &limits).map_err(|e| ConfigError {
            file: display.clone(),
            line: e.error.position.map(|p| p.line),
            key: String::new(),
            message: e.error.message,
        })?;
        let value = match file.documents.as_slice() {
            [document] => document.value.clone(),
            [] => Value::Object(Default::default()),
            _ => {
                return Err(ConfigError {
                    file: display,
                    line: None,
                    key: String::new(),
                    message: "expected one YAML document".into(),
                });
            }
        };
        let located = |key: &str, message: String| ConfigError {
            file: display.clone(),
            line: Some(file.locate(0, &key_path(key)).line),
            key: if key.is_empty() {
                String::new()
            } else {
                format!("{key}: ")
            },
            message,
        };
        let mut config: Config = serde_path_to_error::deserialize(&value).map_err(|e| {
            let key = e.path().to_string();
            let key = if key == "." { String::new() } else { key };
            located(&key, e.into_inner().to_string())
        })?;
        config
            .validate()
            .map_err(|(key, message)| located(&key, message))?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.resolve_paths(base);
        Ok(config)
    }

    /// The time a request may take here: below the API server's timeout, and below the
    /// timeout the API server sent with this request (`?timeout=5s`), if any.
    pub fn deadline(&self, requested: Option<Duration>) -> Duration {
        let configured = Duration::from_millis(
            self.deadline_milliseconds
                .unwrap_or(self.timeout_seconds * 800),
        );
        match requested {
            Some(timeout) => configured.min(timeout.mul_f64(0.8)),
            None => configured,
        }
    }

    fn validate(&self) -> Result<(), (String, String)> {
        let fail = |key: &str, message: String| Err((key.to_string(), message));
        if !(1..=MAX_TIMEOUT_SECONDS).contains(&self.timeout_seconds) {
            return fail(
                "timeoutSeconds",
                format!("must be between 1 and {MAX_TIMEOUT_SECONDS} (the API server's range)"),
            );
        }
        if let Some(deadline) = self.deadline_milliseconds
            && (deadline == 0 || deadline >= self.timeout_seconds * 1000)
        {
            return fail(
                "deadlineMilliseconds",
                format!(
                    "must be above 0 and below timeoutSeconds ({} ms), so requests are answered before the API server gives up",
                    self.timeout_seconds * 1000
                ),
            );
        }
        if !(1024..=256 * 1024 * 1024).contains(&self.max_request_bytes) {
            return fail(
                "maxRequestBytes",
                "must be between 1024 and 268435456".into(),
            );
        }
        if self.workers == Some(0) {
            return fail("workers", "must be at least 1".into());
        }
        if self.reload_interval_seconds == 0 {
            return fail("reloadIntervalSeconds", "must be at least 1".into());
        }
        globs(&self.excluded_namespaces).map_err(|m| ("excludedNamespaces".into(), m))?;
        globs(&self.policies.namespaces).map_err(|m| ("policies.namespaces".into(), m))?;
        if let Some(version) = &self.policies.k8s_version
            && !valid_k8s_version(version)
        {
            return fail(
                "policies.k8sVersion",
                format!("invalid version {version:?} (expected 1.NN, e.g. \"1.30\")"),
            );
        }
        if !["auto", "v0", "v1"].contains(&self.policies.rego_version.as_str()) {
            return fail(
                "policies.regoVersion",
                format!(
                    "invalid Rego version {:?} (expected v0, v1 or auto)",
                    self.policies.rego_version
                ),
            );
        }
        if !self.policies.bundled && self.policies.paths.is_empty() {
            return fail(
                "policies",
                "no policies: set bundled: true or give paths to Rego files".into(),
            );
        }
        for (index, rule) in self.rules.iter().enumerate() {
            let key = |field: &str| format!("rules[{index}].{field}");
            Glob::new(&rule.policy).map_err(|e| (key("policy"), e.to_string()))?;
            if let Some(matches) = &rule.matches {
                for (field, list) in [
                    ("kinds", &matches.kinds),
                    ("namespaces", &matches.namespaces),
                    ("excludedNamespaces", &matches.excluded_namespaces),
                ] {
                    globs(list).map_err(|m| (key(&format!("match.{field}")), m))?;
                }
                if matches.operations.is_empty() {
                    return fail(
                        &key("match.operations"),
                        "must list at least one operation".into(),
                    );
                }
                if let Some(labels) = &matches.label_selector {
                    selector::validate(labels).map_err(|m| (key("match.labelSelector"), m))?;
                }
            }
        }
        if let Some(images) = &self.images {
            images
                .validate()
                .map_err(|(k, m)| (format!("images.{k}"), m))?;
        }
        self.kubernetes
            .validate()
            .map_err(|(k, m)| (format!("kubernetes.{k}"), m))?;
        Ok(())
    }

    fn resolve_paths(&mut self, base: &Path) {
        let resolve = |path: &mut PathBuf| {
            if path.is_relative() {
                *path = base.join(&*path);
            }
        };
        resolve(&mut self.tls.cert_file);
        resolve(&mut self.tls.key_file);
        self.policies.paths.iter_mut().for_each(resolve);
        self.policies.data.iter_mut().for_each(resolve);
        if let Some(images) = &mut self.images {
            images.resolve_paths(base);
        }
        self.kubernetes.resolve_paths(base);
    }
}

/// Compiles globs, naming the first invalid one.
pub fn globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(Glob::new(pattern).map_err(|e| format!("invalid pattern: {e}"))?);
    }
    builder.build().map_err(|e| e.to_string())
}

fn valid_k8s_version(version: &str) -> bool {
    version
        .trim_start_matches('v')
        .split_once('.')
        .is_some_and(|(major, minor)| major == "1" && minor.parse::<u32>().is_ok())
}

/// `rules[1].match.kinds[0]` as path segments, to find the key's line.
fn key_path(key: &str) -> Vec<PathSegment> {
    let mut segments = Vec::new();
    for part in key.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(name) = pieces.next().filter(|n| !n.is_empty()) {
            segments.push(PathSegment::Key(name.to_string()));
        }
        for index in pieces {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                segments.push(PathSegment::Index(i));
            }
        }
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("webhook.yaml");
        std::fs::write(&path, text).unwrap();
        Config::load(&path).map_err(|mut e| {
            e.file = "webhook.yaml".into();
            e
        })
    }

    const TLS: &str = "tls:\n  certFile: tls.crt\n  keyFile: tls.key\n";

    #[test]
    fn defaults_fill_a_minimal_file() {
        let config = load(TLS).unwrap();
        assert_eq!(config.listen, default_listen());
        assert_eq!(config.excluded_namespaces, ["kube-system"]);
        assert_eq!(config.default_enforcement, Enforcement::Deny);
        assert!(config.policies.bundled);
        assert!(config.tls.cert_file.is_absolute());
        assert_eq!(config.deadline(None), Duration::from_secs(8));
        assert_eq!(
            config.deadline(Some(Duration::from_secs(5))),
            Duration::from_secs(4)
        );
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let error = load(&format!(
            "{TLS}rules:\n  - policy: main\n    enforcment: warn\n"
        ))
        .unwrap_err();
        assert_eq!(error.line, Some(6), "{error}");
        assert!(
            error
                .to_string()
                .starts_with("webhook.yaml:6: rules[0].enforcment: unknown field `enforcment`"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_enforcement_lists_the_valid_ones() {
        let error = load(&format!(
            "{TLS}rules:\n  - policy: main\n    enforcement: block\n"
        ))
        .unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("rules[0].enforcement: unknown variant `block`"),
            "{text}"
        );
        assert!(text.contains("deny"), "{text}");
        assert_eq!(error.line, Some(6));
    }

    #[test]
    fn semantic_errors_name_the_key() {
        let error = load(&format!("{TLS}timeoutSeconds: 31\n")).unwrap_err();
        assert_eq!(error.key, "timeoutSeconds: ");
        assert_eq!(error.line, Some(4));
        let error = load(&format!(
            "{TLS}timeoutSeconds: 5\ndeadlineMilliseconds: 5000\n"
        ))
        .unwrap_err();
        assert!(
            error.to_string().contains("below timeoutSeconds"),
            "{error}"
        );
        let error = load(&format!(
            "{TLS}rules:\n  - policy: main\n    match:\n      labelSelector:\n        matchExpressions:\n          - {{key: a, operator: Maybe}}\n"
        ))
        .unwrap_err();
        assert!(
            error.to_string().contains("rules[0].match.labelSelector"),
            "{error}"
        );
        let error = load(&format!("{TLS}policies:\n  k8sVersion: \"2.0\"\n")).unwrap_err();
        assert!(error.to_string().contains("policies.k8sVersion"), "{error}");
    }

    #[test]
    fn a_missing_tls_section_is_reported() {
        let error = load("listen: 127.0.0.1:8443\n").unwrap_err();
        assert!(error.to_string().contains("missing field `tls`"), "{error}");
    }

    #[test]
    fn image_policies_are_validated_and_their_files_resolved() {
        let config = load(&format!(
            "{TLS}images:\n  registry:\n    insecure: [\"127.0.0.1:5000\"]\n    caFile: ca.pem\n  policies:\n    - name: team\n      images: [\"registry.example/**\"]\n      key: keys/cosign.pub\n      attestations: [slsaprovenance]\n    - name: ci\n      images: [\"ghcr.io/shop/**\"]\n      keyless:\n        identityRegexp: \"^https://github.com/shop/\"\n        issuer: https://token.actions.githubusercontent.com\n"
        ))
        .unwrap();
        let images = config.images.unwrap();
        assert_eq!(images.registry.retries, 1);
        let files = images.files();
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files.iter().all(|f| f.is_absolute()), "{files:?}");
        assert!(files[1].ends_with("keys/cosign.pub"));

        let error = load(&format!(
            "{TLS}images:\n  policies:\n    - name: ci\n      images: [\"*\"]\n      keyless:\n        identity: a@example.com\n        identityRegexp: \"a\"\n        issuer: x\n"
        ))
        .unwrap_err();
        assert!(
            error.to_string().contains("images.policies[0].keyless")
                && error.to_string().contains("exactly one of identity"),
            "{error}"
        );
        let error = load(&format!(
            "{TLS}images:\n  registry:\n    timeoutMilliseconds: 0\n  policies: []\n"
        ))
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("images.registry.timeoutMilliseconds"),
            "{error}"
        );
    }

    #[test]
    fn kubernetes_defaults_to_the_in_cluster_values() {
        let config = load(TLS).unwrap();
        let kubernetes = config.kubernetes;
        assert_eq!(
            kubernetes.token_file,
            Path::new("/var/run/secrets/kubernetes.io/serviceaccount/token")
        );
        assert_eq!(
            kubernetes.ca_file,
            Path::new("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
        );
        assert_eq!(kubernetes.namespace_cache_ttl_seconds, 30);
        assert_eq!(kubernetes.namespace_cache_size, 4096);
        let env = |name: &str| match name {
            "KUBERNETES_SERVICE_HOST" => Some("10.96.0.1".to_string()),
            "KUBERNETES_SERVICE_PORT" => Some("443".to_string()),
            _ => None,
        };
        assert_eq!(
            kubernetes.server_url(env).unwrap().as_str(),
            "https://10.96.0.1/"
        );
        let ipv6 = |name: &str| match name {
            "KUBERNETES_SERVICE_HOST" => Some("fd00::1".to_string()),
            "KUBERNETES_SERVICE_PORT" => Some("6443".to_string()),
            _ => None,
        };
        assert_eq!(
            kubernetes.server_url(ipv6).unwrap().as_str(),
            "https://[fd00::1]:6443/"
        );
        let outside = kubernetes.server_url(|_| None).unwrap_err();
        assert!(outside.contains("set kubernetes.server"), "{outside}");
    }

    #[test]
    fn kubernetes_settings_are_read_and_checked() {
        let config = load(&format!(
            "{TLS}kubernetes:\n  server: https://127.0.0.1:6443\n  tokenFile: sa/token\n  caFile: sa/ca.crt\n  namespaceCacheTtlSeconds: 5\n  namespaceCacheSize: 10\n"
        ))
        .unwrap();
        let kubernetes = &config.kubernetes;
        assert!(kubernetes.token_file.is_absolute() && kubernetes.token_file.ends_with("sa/token"));
        assert!(kubernetes.ca_file.ends_with("sa/ca.crt"));
        assert_eq!(kubernetes.namespace_cache_ttl_seconds, 5);
        // The configured server wins over the environment.
        let env = |_: &str| Some("10.0.0.1".to_string());
        assert_eq!(
            kubernetes.server_url(env).unwrap().as_str(),
            "https://127.0.0.1:6443/"
        );
        let error = load(&format!("{TLS}kubernetes:\n  server: http://10.0.0.1\n")).unwrap_err();
        assert_eq!(error.key, "kubernetes.server: ");
        assert!(error.to_string().contains("https://"), "{error}");
        let error = load(&format!(
            "{TLS}kubernetes:\n  namespaceCacheTtlSeconds: 0\n"
        ))
        .unwrap_err();
        assert_eq!(error.key, "kubernetes.namespaceCacheTtlSeconds: ");
        assert_eq!(error.line, Some(5), "{error}");
        let error = load(&format!("{TLS}kubernetes:\n  token: x\n")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("kubernetes.token: unknown field"),
            "{error}"
        );
    }

    #[test]
    fn invalid_yaml_points_at_its_line() {
        let error = load(&format!("{TLS}rules: [\n")).unwrap_err();
        assert!(error.line.is_some(), "{error}");
    }
}
