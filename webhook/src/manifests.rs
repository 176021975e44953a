//! `tollgate webhook manifests`: the deploy bundle, from Namespace (and the RBAC that lets
//! the webhook read Namespaces) to
//! ValidatingWebhookConfiguration (and the MutatingWebhookConfiguration of `/mutate` when
//! the configuration pins digests), hardened so that tollgate's own restricted policies
//! find nothing in it. Each object is written as JSON for readability and read back
//! through its k8s-openapi type, so a misspelt field or a wrong type fails here, not in
//! the cluster.

use std::path::Path;

use base64::Engine;
use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use yaml_rust2::{Yaml, YamlEmitter};

use crate::config::Config;

/// The name of every object of the bundle.
pub const NAME: &str = "tollgate-webhook";
/// The port the webhook listens on inside its pod.
const PORT: i32 = 8443;
/// The non-root user of the image (distroless `nonroot`).
const USER: i64 = 65532;

/// What the bundle is generated for.
#[derive(Debug, Clone)]
pub struct ManifestOptions {
    pub namespace: String,
    pub image: String,
    pub replicas: i32,
    /// `Fail` (secure: nothing is admitted unchecked) or `Ignore` (available).
    pub failure_policy: String,
    pub timeout_seconds: i32,
    /// An `https://` URL the API server calls instead of the Service (a webhook run
    /// outside the cluster).
    pub url: Option<String>,
    /// PEM of the CA that signed the serving certificate (the certificate itself when
    /// self-signed): the API server trusts the webhook through it.
    pub ca_pem: Vec<u8>,
    /// The configuration the pods run (`--config`), instead of the generated one.
    pub config: Option<DeployedConfig>,
}

/// A webhook configuration file deployed as the ConfigMap, with the public keys beside
/// it, and what it needs from the bundle.
#[derive(Debug, Clone)]
pub struct DeployedConfig {
    /// The file as written: paths in it are read inside the pod, relative ones from the
    /// ConfigMap's mount (`/etc/tollgate/config`).
    pub text: String,
    /// Key files the configuration names that lie beside it, by file name.
    pub files: Vec<(String, String)>,
    /// `images.pinDigests`: register `/mutate`.
    pub pin_digests: bool,
    /// `images` is set: the pods must reach registries.
    pub verifies_images: bool,
}

impl DeployedConfig {
    /// Loads and validates `path` as the server would, and collects the public keys it
    /// names beside it.
    pub fn load(path: &Path) -> Result<Self, String> {
        let config = Config::load(path).map_err(|e| e.to_string())?;
        if i32::from(config.listen.port()) != PORT {
            return Err(format!(
                "{}: listen {} must use port {PORT}, the port of the Deployment's container",
                path.display(),
                config.listen
            ));
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .canonicalize()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let mut files = Vec::new();
        let keys = config
            .images
            .iter()
            .flat_map(|images| images.policies.iter().filter_map(|p| p.key.as_ref()));
        for key in keys {
            let beside = key
                .canonicalize()
                .ok()
                .filter(|k| k.parent() == Some(dir.as_path()));
            let name = beside
                .as_ref()
                .and_then(|k| k.file_name())
                .and_then(|n| n.to_str())
                .filter(|n| {
                    n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
                });
            let Some(name) = name else {
                return Err(format!(
                    "{}: key {} must be a file beside the configuration (it is deployed in the ConfigMap)",
                    path.display(),
                    key.display()
                ));
            };
            let pem =
                std::fs::read_to_string(key).map_err(|e| format!("{}: {e}", key.display()))?;
            if !files.iter().any(|(n, _)| n == name) {
                files.push((name.to_string(), pem));
            }
        }
        let images = config.images.as_ref();
        Ok(Self {
            text,
            files,
            pin_digests: images.is_some_and(|i| i.pin_digests),
            verifies_images: images.is_some(),
        })
    }
}

impl ManifestOptions {
    /// Reads the CA from `ca` (or `cert` when self-signed), refusing a file that holds no
    /// PEM certificate.
    pub fn read_ca(cert: &Path, ca: Option<&Path>) -> Result<Vec<u8>, String> {
        let path = ca.unwrap_or(cert);
        let pem = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let certificates = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{}: invalid PEM certificate: {e}", path.display()))?;
        if certificates.is_empty() {
            return Err(format!(
                "{}: no CERTIFICATE block found (expected the PEM certificate of the webhook or its CA)",
                path.display()
            ));
        }
        Ok(pem)
    }
}

/// Every object of the bundle as a multi-document YAML stream, with guidance comments.
pub fn render(options: &ManifestOptions) -> Result<String, String> {
    if let Some(url) = &options.url
        && !url.starts_with("https://")
    {
        return Err(format!(
            "--url {url:?} must start with https:// (the API server calls webhooks over TLS only)"
        ));
    }
    if options.replicas < 2 {
        return Err("--replicas must be at least 2, so the webhook survives a disruption".into());
    }
    let mut documents = objects(options)?;
    if let Some(config) = &options.config {
        if config.verifies_images {
            // After the default-deny policies: the webhook's own egress to registries.
            documents.insert(documents.len() - 1, registry_egress(options)?);
        }
        if config.pin_digests {
            documents.push(mutating_webhook(options)?);
        }
    }
    let mut out = String::from(HEADER);
    for document in &documents {
        if document["kind"] == "ValidatingWebhookConfiguration" {
            out.push_str(FAILURE_POLICY_GUIDANCE);
        }
        if document["kind"] == "MutatingWebhookConfiguration" {
            out.push_str(PIN_DIGESTS_GUIDANCE);
        }
        let mut text = String::new();
        let mut emitter = YamlEmitter::new(&mut text);
        emitter.multiline_strings(true);
        emitter
            .dump(&to_yaml(document))
            .map_err(|e| format!("cannot write YAML: {e}"))?;
        out.push_str(&text);
        out.push('\n');
    }
    Ok(out)
}

const HEADER: &str = "\
# tollgate admission webhook. Before applying, create the serving certificate's Secret:
#   kubectl -n NAMESPACE create secret tls tollgate-webhook-tls --cert tls.crt --key tls.key
# The certificate must name the Service: tollgate-webhook.NAMESPACE.svc
";

const FAILURE_POLICY_GUIDANCE: &str = "\
# failurePolicy: Fail (the default) rejects every matched request while no replica answers:
# nothing is admitted unchecked, so keep 2+ replicas, the PodDisruptionBudget and the
# kube-system exclusion below. Ignore admits requests unchecked when the webhook is down:
# choose it only where availability matters more than enforcement. DELETE and CONNECT are
# not sent: add them to the rules when a policy opts into them (match.operations).
";

const PIN_DIGESTS_GUIDANCE: &str = "\
# images.pinDigests: /mutate replaces each verified tag with tag@sha256:... (the digest that
# was verified) and never denies; /validate, called after it, denies unverified images.
";

fn typed<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    let object: T = serde_json::from_value(value).map_err(|e| e.to_string())?;
    serde_json::to_value(object).map_err(|e| e.to_string())
}

fn objects(options: &ManifestOptions) -> Result<Vec<Value>, String> {
    let namespace = options.namespace.as_str();
    let labels = json!({"app.kubernetes.io/name": NAME});
    let generated = format!(
        "listen: 0.0.0.0:{PORT}\n\
         tls:\n  certFile: /etc/tollgate/tls/tls.crt\n  keyFile: /etc/tollgate/tls/tls.key\n\
         timeoutSeconds: {}\n\
         excludedNamespaces: [kube-system, {namespace}]\n\
         defaultEnforcement: deny\n\
         policies:\n  bundled: true\n  pss: restricted\n",
        options.timeout_seconds
    );
    let probe = |path: &str| json!({"httpGet": {"path": path, "port": PORT, "scheme": "HTTPS"}, "periodSeconds": 10});
    let ca_bundle = base64::engine::general_purpose::STANDARD.encode(&options.ca_pem);
    let client_config = match &options.url {
        Some(url) => json!({"url": url, "caBundle": ca_bundle}),
        None => json!({
            "service": {"namespace": namespace, "name": NAME, "path": "/validate", "port": 443},
            "caBundle": ca_bundle
        }),
    };
    Ok(vec![
        typed::<Namespace>(json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": namespace, "labels": {
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest"
            }}
        }))?,
        typed::<ServiceAccount>(json!({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
            "automountServiceAccountToken": false
        }))?,
        // Gatekeeper constraints with a namespaceSelector read the request's Namespace:
        // get on namespaces, nothing more.
        typed::<ClusterRole>(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": NAME, "labels": labels},
            "rules": [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]}]
        }))?,
        typed::<ClusterRoleBinding>(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": NAME, "labels": labels},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": NAME},
            "subjects": [{"kind": "ServiceAccount", "name": NAME, "namespace": namespace}]
        }))?,
        typed::<ConfigMap>(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
            "data": config_map_data(options, generated)
        }))?,
        typed::<Deployment>(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
            "spec": {
                "replicas": options.replicas,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "serviceAccountName": NAME,
                        // The token of the dedicated account (get on namespaces only):
                        // namespaceSelector constraints read Namespaces with it.
                        "automountServiceAccountToken": true,
                        "securityContext": {
                            "runAsNonRoot": true,
                            "runAsUser": USER,
                            "runAsGroup": USER,
                            "seccompProfile": {"type": "RuntimeDefault"}
                        },
                        "affinity": {"podAntiAffinity": {
                            "preferredDuringSchedulingIgnoredDuringExecution": [{
                                "weight": 100,
                                "podAffinityTerm": {
                                    "topologyKey": "kubernetes.io/hostname",
                                    "labelSelector": {"matchLabels": labels}
                                }
                            }]
                        }},
                        "topologySpreadConstraints": [{
                            "maxSkew": 1,
                            "topologyKey": "topology.kubernetes.io/zone",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": labels}
                        }],
                        "containers": [{
                            "name": "webhook",
                            "image": options.image,
                            "args": ["webhook", "serve", "--config", "/etc/tollgate/config/webhook.yaml"],
                            "ports": [{"name": "https", "containerPort": PORT}],
                            "securityContext": {
                                "allowPrivilegeEscalation": false,
                                "readOnlyRootFilesystem": true,
                                "runAsNonRoot": true,
                                "capabilities": {"drop": ["ALL"]}
                            },
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "64Mi"},
                                "limits": {"cpu": "1", "memory": "256Mi"}
                            },
                            "livenessProbe": probe("/healthz"),
                            "readinessProbe": probe("/readyz"),
                            "volumeMounts": [
                                {"name": "config", "mountPath": "/etc/tollgate/config", "readOnly": true},
                                {"name": "tls", "mountPath": "/etc/tollgate/tls", "readOnly": true}
                            ]
                        }],
                        "volumes": [
                            {"name": "config", "configMap": {"name": NAME}},
                            {"name": "tls", "secret": {"secretName": "tollgate-webhook-tls"}}
                        ]
                    }
                }
            }
        }))?,
        typed::<HorizontalPodAutoscaler>(json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": NAME},
                "minReplicas": options.replicas,
                "maxReplicas": options.replicas.max(10),
                "metrics": [{"type": "Resource", "resource": {
                    "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}
                }}]
            }
        }))?,
        typed::<Service>(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
            "spec": {
                "type": "ClusterIP",
                "selector": labels,
                "ports": [{"name": "https", "port": 443, "targetPort": PORT}]
            }
        }))?,
        typed::<PodDisruptionBudget>(json!({
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": labels}}
        }))?,
        typed::<NetworkPolicy>(json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny", "namespace": namespace},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        }))?,
        typed::<NetworkPolicy>(json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
            "spec": {
                "podSelector": {"matchLabels": labels},
                "policyTypes": ["Ingress"],
                // The API server is not a pod: its address is not known here.
                "ingress": [{"ports": [{"protocol": "TCP", "port": PORT}]}]
            }
        }))?,
        typed::<NetworkPolicy>(json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": format!("{NAME}-apiserver"), "namespace": namespace, "labels": labels},
            "spec": {
                "podSelector": {"matchLabels": labels},
                "policyTypes": ["Egress"],
                // The API server (reading Namespaces): its Service port and the usual
                // port of its endpoints, which most network plugins see after DNAT. Its
                // address is not known here: narrow it with an ipBlock where you can.
                "egress": [{"ports": [
                    {"protocol": "TCP", "port": 443},
                    {"protocol": "TCP", "port": 6443}
                ]}]
            }
        }))?,
        typed::<ValidatingWebhookConfiguration>(json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": NAME, "labels": labels},
            "webhooks": [{
                "name": "validate.tollgate.dev",
                "admissionReviewVersions": ["v1"],
                "sideEffects": "None",
                "failurePolicy": options.failure_policy,
                "timeoutSeconds": options.timeout_seconds,
                "matchPolicy": "Equivalent",
                "clientConfig": client_config,
                "namespaceSelector": {"matchExpressions": [{
                    "key": "kubernetes.io/metadata.name",
                    "operator": "NotIn",
                    "values": ["kube-system", namespace]
                }]},
                "rules": [{
                    "apiGroups": ["*"],
                    "apiVersions": ["*"],
                    "operations": ["CREATE", "UPDATE"],
                    "resources": ["*", "pods/ephemeralcontainers"],
                    "scope": "*"
                }]
            }]
        }))?,
    ])
}

/// The ConfigMap's files: the given configuration and its keys, or the generated one.
fn config_map_data(options: &ManifestOptions, generated: String) -> Value {
    let mut data = serde_json::Map::new();
    match &options.config {
        Some(config) => {
            data.insert("webhook.yaml".into(), Value::from(config.text.clone()));
            for (name, pem) in &config.files {
                data.insert(name.clone(), Value::from(pem.clone()));
            }
        }
        None => {
            data.insert("webhook.yaml".into(), Value::from(generated));
        }
    }
    Value::Object(data)
}

/// Egress to DNS and to registries over HTTPS, which image verification needs beside
/// the default-deny policy.
fn registry_egress(options: &ManifestOptions) -> Result<Value, String> {
    typed::<NetworkPolicy>(json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": format!("{NAME}-registries"), "namespace": options.namespace,
                     "labels": {"app.kubernetes.io/name": NAME}},
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": NAME}},
            "policyTypes": ["Egress"],
            // Registries on another port than 443 need their port added here.
            "egress": [{"ports": [
                {"protocol": "UDP", "port": 53},
                {"protocol": "TCP", "port": 53},
                {"protocol": "TCP", "port": 443}
            ]}]
        }
    }))
}

/// The MutatingWebhookConfiguration of `/mutate`: pods and workload templates only,
/// called again if a later mutating webhook changes an image (`IfNeeded`).
fn mutating_webhook(options: &ManifestOptions) -> Result<Value, String> {
    let namespace = options.namespace.as_str();
    let ca_bundle = base64::engine::general_purpose::STANDARD.encode(&options.ca_pem);
    let client_config = match &options.url {
        Some(url) => {
            let Some(base) = url.strip_suffix("/validate") else {
                return Err(format!(
                    "--url {url:?} must end in /validate when images.pinDigests is on (/mutate is served beside it)"
                ));
            };
            json!({"url": format!("{base}/mutate"), "caBundle": ca_bundle})
        }
        None => json!({
            "service": {"namespace": namespace, "name": NAME, "path": "/mutate", "port": 443},
            "caBundle": ca_bundle
        }),
    };
    typed::<MutatingWebhookConfiguration>(json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": {"name": NAME, "labels": {"app.kubernetes.io/name": NAME}},
        "webhooks": [{
            "name": "pin-digests.tollgate.dev",
            "admissionReviewVersions": ["v1"],
            "sideEffects": "None",
            "failurePolicy": options.failure_policy,
            "timeoutSeconds": options.timeout_seconds,
            "matchPolicy": "Equivalent",
            "reinvocationPolicy": "IfNeeded",
            "clientConfig": client_config,
            "namespaceSelector": {"matchExpressions": [{
                "key": "kubernetes.io/metadata.name",
                "operator": "NotIn",
                "values": ["kube-system", namespace]
            }]},
            "rules": [{
                "apiGroups": ["", "apps", "batch"],
                "apiVersions": ["*"],
                "operations": ["CREATE", "UPDATE"],
                "resources": [
                    "pods", "pods/ephemeralcontainers", "replicationcontrollers",
                    "deployments", "replicasets", "statefulsets", "daemonsets",
                    "jobs", "cronjobs"
                ],
                "scope": "Namespaced"
            }]
        }]
    }))
}

fn to_yaml(value: &Value) -> Yaml {
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Yaml::Real(n.to_string()), Yaml::Integer),
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(to_yaml).collect()),
        Value::Object(map) => Yaml::Hash(
            map.iter()
                .map(|(k, v)| (Yaml::String(k.clone()), to_yaml(v)))
                .collect(),
        ),
    }
}
