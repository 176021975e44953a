//! A real OCI registry for tests: Debian's `docker-registry` (distribution 2.8) on
//! 127.0.0.1, a free port and a temporary storage directory, killed when dropped; and a
//! builder of minimal OCI images (config blob + one layer + manifest) pushed into it.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tollgate_engine::oci::{
    Credentials, Reference, Registry, RegistryOptions, at_tag, parse_reference,
};

/// Where Debian's package installs the registry (`apt-get install docker-registry`).
pub const REGISTRY_BINARY: &str = "/usr/bin/docker-registry";

pub struct TestRegistry {
    pub address: String,
    child: Child,
    /// Where the registry writes its access log, when it keeps one.
    access_log: Option<std::path::PathBuf>,
    _storage: tempfile::TempDir,
    _extra_files: Option<tempfile::TempDir>,
}

impl TestRegistry {
    /// Starts an open registry and waits (at most 20 s) until it answers.
    pub fn start() -> Self {
        Self::start_with("")
    }

    /// Starts a registry that requires HTTP basic authentication of `user` with
    /// `password_bcrypt` (an htpasswd bcrypt hash).
    pub fn start_with_basic_auth(user: &str, password_bcrypt: &str) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let htpasswd = dir.path().join("htpasswd");
        std::fs::write(&htpasswd, format!("{user}:{password_bcrypt}\n")).expect("htpasswd");
        let mut registry = Self::start_with(&format!(
            "auth:\n  htpasswd:\n    realm: tollgate-test\n    path: {}\n",
            htpasswd.display()
        ));
        registry._extra_files = Some(dir);
        registry
    }

    /// Starts a registry serving HTTPS with this certificate chain and key (PEM).
    pub fn start_with_tls(certificate_pem: &str, key_pem: &str) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (certificate, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
        std::fs::write(&certificate, certificate_pem).expect("certificate");
        std::fs::write(&key, key_pem).expect("key");
        let mut registry = Self::start_with(&format!(
            "  tls:\n    certificate: {}\n    key: {}\n",
            certificate.display(),
            key.display()
        ));
        registry._extra_files = Some(dir);
        registry
    }

    /// Starts an open registry that logs every request it answers ([`Self::requests`]).
    pub fn start_with_access_log() -> Self {
        Self::start_configured("", true)
    }

    /// The request lines (`GET /v2/ HTTP/1.1`) answered so far, with an access log.
    pub fn requests(&self) -> Vec<String> {
        let path = self
            .access_log
            .as_ref()
            .expect("started with an access log");
        let log = std::fs::read_to_string(path).unwrap_or_default();
        log.lines()
            .filter_map(|line| Some(line.split('"').nth(1)?.to_string()))
            .collect()
    }

    fn start_with(extra_config: &str) -> Self {
        Self::start_configured(extra_config, false)
    }

    fn start_configured(extra_config: &str, access_log: bool) -> Self {
        assert!(
            Path::new(REGISTRY_BINARY).exists(),
            "{REGISTRY_BINARY} is missing: install Debian's docker-registry package (.ci/run does)"
        );
        let storage = tempfile::tempdir().expect("temporary directory");
        let port = free_port();
        let address = format!("127.0.0.1:{port}");
        let config = storage.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: {}\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {address}\n{extra_config}",
                !access_log,
                storage.path().join("data").display()
            ),
        )
        .expect("registry config");
        let access_log = access_log.then(|| storage.path().join("access.log"));
        let stdout = match &access_log {
            Some(path) => Stdio::from(std::fs::File::create(path).expect("access log")),
            None => Stdio::null(),
        };
        let child = Command::new(REGISTRY_BINARY)
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry starts");
        let registry = Self {
            address,
            child,
            access_log,
            _storage: storage,
            _extra_files: None,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(&registry.address).is_err() {
            assert!(
                Instant::now() < deadline,
                "docker-registry did not listen on {} within 20 s",
                registry.address
            );
            std::thread::sleep(Duration::from_millis(25));
        }
        registry
    }

    /// `127.0.0.1:PORT/name`.
    pub fn image(&self, name: &str) -> String {
        format!("{}/{name}", self.address)
    }

    /// A client that speaks plain HTTP to this registry, with short deadlines.
    pub fn client(&self) -> Registry {
        Registry::new(self.options()).expect("registry client")
    }

    pub fn options(&self) -> RegistryOptions {
        RegistryOptions {
            credentials: Credentials::Anonymous,
            insecure_registries: vec![self.address.clone()],
            timeout: Duration::from_secs(5),
            retries: 1,
            backoff: Duration::from_millis(50),
            ..RegistryOptions::default()
        }
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Pushes a minimal OCI image (its config names `label`, so each label gives its own
/// digest) under `reference` and returns the manifest digest.
pub async fn push_image(registry: &Registry, reference: &str, label: &str) -> String {
    let image: Reference = parse_reference(reference).expect("image reference");
    // An empty tar archive: two zero blocks.
    let layer = vec![0u8; 1024];
    let layer = registry
        .push_blob(&image, "application/vnd.oci.image.layer.v1.tar", &layer)
        .await
        .expect("layer pushed");
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Labels": {"test": label}},
        "rootfs": {"type": "layers", "diff_ids": [layer.digest]},
    });
    let config = registry
        .push_blob(
            &image,
            "application/vnd.oci.image.config.v1+json",
            &serde_json::to_vec(&config).unwrap(),
        )
        .await
        .expect("config pushed");
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": config,
        "layers": [layer],
    });
    registry
        .push_manifest(
            &image,
            "application/vnd.oci.image.manifest.v1+json",
            &serde_json::to_vec(&manifest).unwrap(),
        )
        .await
        .expect("manifest pushed")
}

/// A single-threaded runtime for one test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The media type of a Sigstore bundle (v0.3).
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// Stores bundles as referrers of the image at `digest`: one artifact manifest each, and
/// the referrers index under the tag schema's `sha256-<hex>` tag.
pub async fn push_referrers(
    client: &Registry,
    image: &Reference,
    digest: &str,
    bundles: &[serde_json::Value],
) {
    // The subject's size is informational here; the tag schema needs no subject manifest.
    let subject_size = match client
        .manifest(&tollgate_engine::oci::at_digest(image, digest))
        .await
        .unwrap()
    {
        Some(manifest) => manifest.bytes.len(),
        None => 0,
    };
    let empty = client
        .push_blob(image, "application/vnd.oci.empty.v1+json", b"{}")
        .await
        .unwrap();
    let mut entries = Vec::new();
    for bundle in bundles {
        let layer = client
            .push_blob(
                image,
                BUNDLE_MEDIA_TYPE,
                &serde_json::to_vec(bundle).unwrap(),
            )
            .await
            .unwrap();
        let manifest = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "artifactType": BUNDLE_MEDIA_TYPE,
            "config": empty,
            "layers": [layer],
            "subject": {"mediaType": MANIFEST, "digest": digest, "size": subject_size},
        }))
        .unwrap();
        let artifact = tollgate_engine::oci::sha256_digest(&manifest);
        client
            .push_manifest(
                &tollgate_engine::oci::at_digest(image, &artifact),
                MANIFEST,
                &manifest,
            )
            .await
            .unwrap();
        entries.push(serde_json::json!({
            "mediaType": MANIFEST,
            "digest": artifact,
            "size": manifest.len(),
            "artifactType": BUNDLE_MEDIA_TYPE,
        }));
    }
    let index = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": entries,
    }))
    .unwrap();
    client
        .push_manifest(
            &at_tag(image, &digest.replace(':', "-")),
            "application/vnd.oci.image.index.v1+json",
            &index,
        )
        .await
        .unwrap();
}
