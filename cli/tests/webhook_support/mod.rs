//! The harness of the webhook tests: a test certificate authority, an HTTPS client that
//! trusts it, and a running `tollgate webhook serve` with its JSON log lines.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::Value;

/// How long a server may take to compile its policies and become ready (debug build).
pub const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// A certificate authority for the test, and serving certificates it signs.
pub struct Authority {
    pub issuer: Issuer<'static, KeyPair>,
    pub pem: String,
}

impl Authority {
    pub fn new(name: &str) -> Self {
        let key = KeyPair::generate().expect("a CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let certificate = params.self_signed(&key).expect("a CA certificate");
        Self {
            pem: certificate.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A certificate for 127.0.0.1 and its key, as PEM.
    pub fn serving(&self) -> (String, String) {
        let key = KeyPair::generate().expect("a serving key");
        let params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".into()])
            .expect("serving params");
        let certificate = params.signed_by(&key, &self.issuer).expect("signed");
        (certificate.pem(), key.serialize_pem())
    }
}

pub fn client(roots: &[&str]) -> reqwest::blocking::Client {
    let mut store = rustls::RootCertStore::empty();
    for pem in roots {
        for certificate in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            store
                .add(certificate.expect("PEM certificate"))
                .expect("a root");
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_root_certificates(store)
    .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .use_preconfigured_tls(config)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTPS client")
}

/// A running `tollgate webhook serve`, killed when dropped.
pub struct Webhook {
    pub child: Child,
    pub dir: tempfile::TempDir,
    pub address: String,
    pub logs: Receiver<String>,
    /// Every stdout line read so far.
    pub seen: Vec<String>,
    pub authority: Authority,
    pub client: reqwest::blocking::Client,
}

impl Webhook {
    /// Starts a server with `config` (YAML after `listen` and `tls`) and `files` beside it.
    pub fn start(config: &str, files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let authority = Authority::new("tollgate test CA");
        let (cert, key) = authority.serving();
        std::fs::write(dir.path().join("tls.crt"), cert).unwrap();
        std::fs::write(dir.path().join("tls.key"), key).unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        write_config(dir.path(), config);
        let mut child = Command::new(env!("CARGO_BIN_EXE_tollgate"))
            .args(["webhook", "serve", "--config", "webhook.yaml"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tollgate starts");
        let (sender, logs) = channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let client = client(&[&authority.pem]);
        let mut webhook = Self {
            child,
            dir,
            address: String::new(),
            logs,
            seen: Vec::new(),
            authority,
            client,
        };
        let listening = webhook
            .wait_log(|v| v["message"] == "listening", READY_TIMEOUT)
            .unwrap_or_else(|| panic!("no listening line; stderr: {}", webhook.stderr()));
        webhook.address = listening["address"].as_str().unwrap().to_string();
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let ready = webhook
                .client
                .get(webhook.url("/readyz"))
                .send()
                .is_ok_and(|r| r.status() == 200);
            if ready {
                break;
            }
            assert!(Instant::now() < deadline, "not ready in time");
            std::thread::sleep(Duration::from_millis(100));
        }
        webhook
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://{}{path}", self.address)
    }

    pub fn stderr(&mut self) -> String {
        let _ = self.child.kill();
        let mut text = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut text);
        }
        text
    }

    /// Waits for a JSON log line that satisfies `predicate` (lines already seen count).
    pub fn wait_log(
        &mut self,
        predicate: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        self.wait_log_after(0, predicate, timeout)
    }

    /// Waits for a JSON log line after the first `from` lines that satisfies `predicate`.
    pub fn wait_log_after(
        &mut self,
        from: usize,
        predicate: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        let matches = |line: &str| {
            serde_json::from_str::<Value>(line)
                .ok()
                .filter(|v| predicate(v))
        };
        if let Some(found) = self.seen.iter().skip(from).find_map(|l| matches(l)) {
            return Some(found);
        }
        let deadline = Instant::now() + timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(line) = self.logs.recv_timeout(left) else {
                return None;
            };
            let found = matches(&line);
            self.seen.push(line);
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// The audit record of request `uid`.
    pub fn audit(&mut self, uid: &str) -> Value {
        self.wait_log(
            |v| v["target"] == "tollgate::audit" && v["uid"] == uid,
            Duration::from_secs(10),
        )
        .unwrap_or_else(|| panic!("no audit record for {uid}"))
    }

    /// POSTs a body to /validate; the status and the text of the answer.
    pub fn post(&self, body: Vec<u8>, query: &str) -> (u16, String) {
        self.post_to("/validate", body, query)
    }

    /// POSTs a body to `path`; the status and the text of the answer.
    pub fn post_to(&self, path: &str, body: Vec<u8>, query: &str) -> (u16, String) {
        let response = self
            .client
            .post(self.url(&format!("{path}{query}")))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .expect("an answer");
        (response.status().as_u16(), response.text().expect("a body"))
    }

    /// The AdmissionResponse to a review.
    pub fn review(&self, body: Vec<u8>) -> Value {
        let (status, text) = self.post(body, "?timeout=5s");
        assert_eq!(status, 200, "{text}");
        let review: Value = serde_json::from_str(&text).expect("a JSON answer");
        assert_eq!(review["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(review["kind"], "AdmissionReview");
        review["response"].clone()
    }

    pub fn metrics(&self) -> String {
        self.client
            .get(self.url("/metrics"))
            .send()
            .expect("metrics")
            .text()
            .expect("metrics text")
    }
}

impl Drop for Webhook {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn write_config(dir: &Path, extra: &str) {
    let text = format!(
        "listen: 127.0.0.1:0\ntls:\n  certFile: tls.crt\n  keyFile: tls.key\nreloadIntervalSeconds: 1\n{extra}"
    );
    // Written whole and renamed, as a ConfigMap update would appear.
    let temporary = dir.join(".webhook.yaml.new");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(temporary, dir.join("webhook.yaml")).unwrap();
}

/// `tollgate webhook manifests --cert tls.crt EXTRA...` run in `dir`.
pub fn manifests(dir: &Path, extra: &[&str]) -> crate::common::Run {
    let mut args = vec!["webhook", "manifests", "--cert", "tls.crt"];
    args.extend_from_slice(extra);
    crate::common::tollgate_in(dir, &args, None)
}
