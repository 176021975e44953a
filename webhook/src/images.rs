//! Signed images at admission: the `images` section of the configuration (image globs to
//! a key or a keyless identity, attestations required, a default for unmatched images,
//! how registries are reached), the [`ImageVerifier`] seam through which the cosign code
//! ([`crate::cosign`]) verifies them, a cache of verified digests with a TTL so a replica
//! verifies each digest once per TTL, and the JSONPatch that pins verified tags to their
//! digests (`/mutate`).

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use globset::{Glob, GlobMatcher};
use json_patch::jsonptr::PointerBuf;
use json_patch::{Patch, PatchOperation, ReplaceOperation, TestOperation};
use serde::Deserialize;
use serde_json::Value;
use tollgate_engine::cosign::keyless;
use tollgate_engine::oci;

/// The `images` section: which images must be signed, by whom.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImagePolicyConfig {
    /// What happens to an image no policy matches (deny, like policy-controller).
    #[serde(default)]
    pub unmatched: UnmatchedImages,
    /// How long a verified digest stays trusted without verifying it again.
    #[serde(default = "default_cache_ttl")]
    pub cache_ttl_seconds: u64,
    /// Serve `/mutate`, which pins each verified tag to the digest that was verified, and
    /// have `tollgate webhook manifests` register it.
    #[serde(default)]
    pub pin_digests: bool,
    /// How long `/mutate` pins a tag to the digest it last verified instead of resolving
    /// the tag again (0, the default: resolve every time). The pod runs the pinned,
    /// verified digest, so a tag moved within this time is picked up late, never unverified;
    /// `/validate` resolves tags every time.
    #[serde(default)]
    pub pinned_tag_ttl_seconds: u64,
    /// How registries are reached.
    #[serde(default)]
    pub registry: RegistryConfig,
    pub policies: Vec<ImagePolicy>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UnmatchedImages {
    #[default]
    Deny,
    Allow,
}

/// Registry access, as `tollgate image verify`'s registry flags.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegistryConfig {
    /// Registries (`host[:port]`) spoken to over plain HTTP: local test registries only.
    #[serde(default)]
    pub insecure: Vec<String>,
    /// PEM file of extra root certificates, for registries with a private CA.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// A docker `config.json` with the registries' credentials (a mounted
    /// `kubernetes.io/dockerconfigjson` Secret); default `$DOCKER_CONFIG` or
    /// `~/.docker/config.json`, else anonymous.
    #[serde(default)]
    pub docker_config: Option<PathBuf>,
    /// One user name for every registry (instead of `dockerConfig`), with its password in
    /// `passwordFile` (a mounted Secret: never in this file).
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Longest single registry request (the request deadline bounds the whole anyway).
    #[serde(default = "default_registry_timeout")]
    pub timeout_milliseconds: u64,
    /// Further attempts after a transient failure, with backoff.
    #[serde(default = "default_registry_retries")]
    pub retries: u32,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        Self {
            insecure: Vec::new(),
            ca_file: None,
            docker_config: None,
            username: None,
            password_file: None,
            timeout_milliseconds: default_registry_timeout(),
            retries: default_registry_retries(),
        }
    }
}

/// One image policy: the images it covers and the signatures they need.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImagePolicy {
    pub name: String,
    /// Image reference globs, e.g. `registry.example.com/team/**`, matched against the
    /// reference as written and in its full form (`docker.io/library/nginx:1.27`).
    pub images: Vec<String>,
    /// A PEM public key the signature must verify with.
    #[serde(default)]
    pub key: Option<PathBuf>,
    /// A keyless (Fulcio certificate) signer.
    #[serde(default)]
    pub keyless: Option<KeylessIdentity>,
    /// In-toto predicate types that must be attested by the same signer (a URI, or
    /// cosign's short names: `slsaprovenance`, `spdxjson`, `cyclonedx`, `vuln`...).
    #[serde(default)]
    pub attestations: Vec<String>,
}

/// The certificate identity and OIDC issuer of a keyless signature, each exact or a
/// regular expression (searched, as cosign's `-regexp` flags).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeylessIdentity {
    #[serde(default)]
    pub identity: Option<String>,
    #[serde(default)]
    pub identity_regexp: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub issuer_regexp: Option<String>,
    /// Sigstore `trusted_root.json` (default: the embedded public-good root).
    #[serde(default)]
    pub trusted_root: Option<PathBuf>,
}

impl KeylessIdentity {
    /// The identity and issuer matchers; the error says which field is wrong.
    pub fn matchers(&self) -> Result<(keyless::Matcher, keyless::Matcher), String> {
        let identity = keyless::matcher(
            "identity",
            self.identity.as_deref(),
            self.identity_regexp.as_deref(),
        )
        .map_err(|e| e.to_string())?;
        let issuer = keyless::matcher(
            "issuer",
            self.issuer.as_deref(),
            self.issuer_regexp.as_deref(),
        )
        .map_err(|e| e.to_string())?;
        Ok((identity, issuer))
    }
}

fn default_cache_ttl() -> u64 {
    300
}

fn default_registry_timeout() -> u64 {
    3000
}

fn default_registry_retries() -> u32 {
    1
}

impl ImagePolicyConfig {
    pub(crate) fn validate(&self) -> Result<(), (String, String)> {
        if !(1..=60_000).contains(&self.registry.timeout_milliseconds) {
            return Err((
                "registry.timeoutMilliseconds".into(),
                "must be between 1 and 60000".into(),
            ));
        }
        if self.registry.retries > 10 {
            return Err(("registry.retries".into(), "must be at most 10".into()));
        }
        if self.registry.username.is_some() != self.registry.password_file.is_some() {
            return Err((
                "registry.username".into(),
                "give both username and passwordFile, or neither".into(),
            ));
        }
        if self.registry.username.is_some() && self.registry.docker_config.is_some() {
            return Err((
                "registry.dockerConfig".into(),
                "give either dockerConfig or username and passwordFile".into(),
            ));
        }
        if let Some(index) = self.registry.insecure.iter().position(String::is_empty) {
            return Err((
                format!("registry.insecure[{index}]"),
                "must be a registry host[:port]".into(),
            ));
        }
        for (index, policy) in self.policies.iter().enumerate() {
            let key = |field: &str| format!("policies[{index}].{field}");
            if policy.name.is_empty() {
                return Err((key("name"), "must not be empty".into()));
            }
            if self.policies[..index].iter().any(|p| p.name == policy.name) {
                return Err((key("name"), format!("duplicate name {:?}", policy.name)));
            }
            if policy.images.is_empty() {
                return Err((key("images"), "must list at least one image glob".into()));
            }
            for pattern in &policy.images {
                Glob::new(pattern).map_err(|e| (key("images"), e.to_string()))?;
            }
            if policy.key.is_some() == policy.keyless.is_some() {
                return Err((key("key"), "give exactly one of key and keyless".into()));
            }
            if let Some(identity) = &policy.keyless {
                identity.matchers().map_err(|m| (key("keyless"), m))?;
            }
            if policy.attestations.iter().any(String::is_empty) {
                return Err((
                    key("attestations"),
                    "predicate types must not be empty".into(),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn resolve_paths(&mut self, base: &Path) {
        let resolve = |path: &mut PathBuf| {
            if path.is_relative() {
                *path = base.join(&*path);
            }
        };
        self.registry.ca_file.iter_mut().for_each(resolve);
        self.registry.docker_config.iter_mut().for_each(resolve);
        self.registry.password_file.iter_mut().for_each(resolve);
        for policy in &mut self.policies {
            policy.key.iter_mut().for_each(resolve);
            if let Some(keyless) = &mut policy.keyless {
                keyless.trusted_root.iter_mut().for_each(resolve);
            }
        }
    }

    /// Files whose change must reload the configuration: keys, trusted roots, the CA and
    /// the credentials.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .registry
            .ca_file
            .iter()
            .chain(&self.registry.docker_config)
            .chain(&self.registry.password_file)
            .cloned()
            .collect();
        for policy in &self.policies {
            files.extend(policy.key.iter().cloned());
            if let Some(keyless) = &policy.keyless {
                files.extend(keyless.trusted_root.iter().cloned());
            }
        }
        files
    }
}

/// A boxed future, so that [`ImageVerifier`] stays object-safe.
pub type VerifyFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, String>> + Send + 'a>>;

/// The seam to the cosign code: resolve a reference to its digest, and verify the
/// signatures and attestations of a digest against a policy. Implementations fail closed:
/// any error (network, parse, decode) is an `Err`.
pub trait ImageVerifier: Send + Sync {
    /// The manifest digest (`sha256:...`) an image reference points to now.
    fn resolve<'a>(&'a self, image: &'a str) -> VerifyFuture<'a, String>;
    /// `Ok` only when `image@digest` is signed (and attested) as `policy` requires.
    fn verify<'a>(
        &'a self,
        image: &'a str,
        digest: &'a str,
        policy: &'a ImagePolicy,
    ) -> VerifyFuture<'a, ()>;
}

/// Most entries the cache holds; past it, expired entries go first, then everything.
const CACHE_CAPACITY: usize = 10_000;

/// One verification under way, shared by every request that needs its verdict.
type Pending = Arc<tokio::sync::OnceCell<Result<(), String>>>;

/// Digests verified under a policy, each trusted until its TTL runs out, and the
/// verifications under way, so that requests arriving together for one digest (the pods
/// of a new ReplicaSet) share one. It lives as long as one configuration: a reload (a new
/// key, a new policy) starts it afresh.
#[derive(Debug, Default)]
pub struct VerificationCache {
    entries: Mutex<HashMap<(String, String), Instant>>,
    pending: Mutex<HashMap<(String, String), Pending>>,
    /// Tags `/mutate` pinned, per policy: the digest and until when it may be reused.
    pinned_tags: Mutex<HashMap<(String, String), (String, Instant)>>,
}

impl VerificationCache {
    /// Runs `verify` for `digest` under `policy` unless a verification of the same is
    /// under way, in which case its verdict is awaited; a success is cached for `ttl`
    /// before anyone else is answered. If the verification running is dropped (its
    /// request reached its deadline), a waiting request runs its own.
    async fn verify_once<F>(
        &self,
        digest: &str,
        policy: &str,
        ttl: Duration,
        verify: F,
    ) -> Result<(), String>
    where
        F: Future<Output = Result<(), String>>,
    {
        let key = (digest.to_string(), policy.to_string());
        let shared = match self.pending.lock() {
            Ok(mut pending) if pending.len() < CACHE_CAPACITY => {
                pending.entry(key.clone()).or_default().clone()
            }
            _ => Pending::default(),
        };
        let verdict = shared
            .get_or_init(|| async {
                let verdict = verify.await;
                if verdict.is_ok() {
                    self.insert(digest, policy, ttl);
                }
                verdict
            })
            .await
            .clone();
        if let Ok(mut pending) = self.pending.lock()
            && pending.get(&key).is_some_and(|p| Arc::ptr_eq(p, &shared))
        {
            pending.remove(&key);
        }
        verdict
    }

    fn hit(&self, digest: &str, policy: &str) -> bool {
        let Ok(entries) = self.entries.lock() else {
            return false;
        };
        entries
            .get(&(digest.to_string(), policy.to_string()))
            .is_some_and(|expires| *expires > Instant::now())
    }

    fn insert(&self, digest: &str, policy: &str, ttl: Duration) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let now = Instant::now();
        make_room(&mut entries, |expires| *expires > now);
        entries.insert((digest.to_string(), policy.to_string()), now + ttl);
    }

    /// The digest `image` (a tag) was pinned to under `policy`, while it may be reused.
    fn pinned_tag(&self, image: &str, policy: &str) -> Option<String> {
        let tags = self.pinned_tags.lock().ok()?;
        match tags.get(&(image.to_string(), policy.to_string())) {
            Some((digest, expires)) if *expires > Instant::now() => Some(digest.clone()),
            _ => None,
        }
    }

    fn pin_tag(&self, image: &str, policy: &str, digest: &str, ttl: Duration) {
        let Ok(mut tags) = self.pinned_tags.lock() else {
            return;
        };
        let now = Instant::now();
        make_room(&mut tags, |(_, expires)| *expires > now);
        tags.insert(
            (image.to_string(), policy.to_string()),
            (digest.to_string(), now + ttl),
        );
    }
}

/// Keeps a cache within [`CACHE_CAPACITY`]: expired entries go first, then all.
fn make_room<K, V>(entries: &mut HashMap<K, V>, live: impl Fn(&V) -> bool) {
    if entries.len() >= CACHE_CAPACITY {
        entries.retain(|_, value| live(value));
        if entries.len() >= CACHE_CAPACITY {
            entries.clear();
        }
    }
}

/// What became of one container image.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageVerdict {
    /// Signed as its policy requires: the digest that was verified.
    Verified { digest: String },
    /// No policy matches, and unmatched images are allowed.
    Unmatched,
    /// May not run: the policy id (`images.NAME`, `images.unmatched`) and why.
    Rejected { id: String, message: String },
}

/// Whether the verification cache answered for an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheLookup {
    Hit,
    Miss,
    /// Not looked up (unmatched, or the digest could not be resolved).
    None,
}

/// One image and its verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageResult {
    pub image: String,
    pub verdict: ImageVerdict,
    pub cache: CacheLookup,
}

/// What checking one request's images found.
#[derive(Debug, Default, PartialEq)]
pub struct ImageOutcome {
    /// `(policy id, message)` of every image that may not run.
    pub violations: Vec<(String, String)>,
    pub cache_hits: u64,
    pub cache_misses: u64,
}

impl ImageOutcome {
    fn from_results(results: &[ImageResult]) -> Self {
        let mut outcome = Self::default();
        for result in results {
            match result.cache {
                CacheLookup::Hit => outcome.cache_hits += 1,
                CacheLookup::Miss => outcome.cache_misses += 1,
                CacheLookup::None => {}
            }
            if let ImageVerdict::Rejected { id, message } = &result.verdict {
                outcome.violations.push((id.clone(), message.clone()));
            }
        }
        outcome
    }
}

/// Image policies compiled for matching.
pub struct ImageGate {
    config: ImagePolicyConfig,
    matchers: Vec<Vec<GlobMatcher>>,
}

impl ImageGate {
    pub fn new(config: ImagePolicyConfig) -> Result<Self, String> {
        let matchers = config
            .policies
            .iter()
            .map(|p| {
                p.images
                    .iter()
                    .map(|g| {
                        Glob::new(g)
                            .map(|g| g.compile_matcher())
                            .map_err(|e| e.to_string())
                    })
                    .collect()
            })
            .collect::<Result<_, _>>()?;
        // The first reference parsed compiles oci-client's regular expression: done here,
        // at load, rather than within the first request's deadline.
        let _ = oci::parse_reference("localhost/tollgate:load");
        Ok(Self { config, matchers })
    }

    pub fn config(&self) -> &ImagePolicyConfig {
        &self.config
    }

    /// Verifies every container image of `object` before `due`; each one that is
    /// unmatched (under a `deny` default), unresolvable, unverified or still pending at
    /// `due` is a violation.
    pub async fn check(
        &self,
        object: &Value,
        verifier: &dyn ImageVerifier,
        cache: &VerificationCache,
        due: Instant,
    ) -> ImageOutcome {
        let images = container_images(object);
        let results = self
            .verify_all(&images, verifier, cache, due, TagUse::Resolve)
            .await;
        ImageOutcome::from_results(&results)
    }

    /// The JSONPatch that replaces each verified tag of `object` with
    /// `image@sha256:...`, the digest that was verified; with the results, for metrics.
    /// Images already pinned, unmatched or not verified are left as they are (`/validate`
    /// denies the ones that may not run).
    pub async fn pin(
        &self,
        object: &Value,
        verifier: &dyn ImageVerifier,
        cache: &VerificationCache,
        due: Instant,
    ) -> (Patch, Vec<ImageResult>) {
        let containers = container_paths(object);
        let mut images: Vec<&str> = Vec::new();
        for (_, image) in &containers {
            if pinned_digest(image).is_none() && !images.contains(image) {
                images.push(image);
            }
        }
        let results = self
            .verify_all(&images, verifier, cache, due, TagUse::Pin)
            .await;
        let mut operations = Vec::new();
        for (pointer, image) in containers {
            let Some(ImageVerdict::Verified { digest }) = results
                .iter()
                .find(|r| r.image == image)
                .map(|r| &r.verdict)
            else {
                continue;
            };
            // `test` first: the patch applies only to the image that was verified.
            operations.push(PatchOperation::Test(TestOperation {
                path: pointer.clone(),
                value: Value::from(image),
            }));
            operations.push(PatchOperation::Replace(ReplaceOperation {
                path: pointer,
                value: Value::from(format!("{image}@{digest}")),
            }));
        }
        (Patch(operations), results)
    }

    /// Verifies images concurrently, each bounded by `due`.
    async fn verify_all(
        &self,
        images: &[&str],
        verifier: &dyn ImageVerifier,
        cache: &VerificationCache,
        due: Instant,
        tags: TagUse,
    ) -> Vec<ImageResult> {
        join_all(images.iter().map(|image| async move {
            let Some(index) = self.policy_for(image) else {
                let verdict = match self.config.unmatched {
                    UnmatchedImages::Deny => ImageVerdict::Rejected {
                        id: "images.unmatched".into(),
                        message: format!(
                            "image {image:?} matches no image policy (images.unmatched: deny)"
                        ),
                    },
                    UnmatchedImages::Allow => ImageVerdict::Unmatched,
                };
                return ImageResult {
                    image: image.to_string(),
                    verdict,
                    cache: CacheLookup::None,
                };
            };
            let policy = &self.config.policies[index];
            let work = self.verify_one(image, policy, verifier, cache, tags);
            match tokio::time::timeout_at(due.into(), work).await {
                Ok(result) => result,
                Err(_) => ImageResult {
                    image: image.to_string(),
                    verdict: ImageVerdict::Rejected {
                        id: format!("images.{}", policy.name),
                        message: format!(
                            "image {image:?}: verification by image policy {:?} did not finish within the request deadline: denied (fail closed)",
                            policy.name
                        ),
                    },
                    cache: CacheLookup::Miss,
                },
            }
        }))
        .await
    }

    async fn verify_one(
        &self,
        image: &str,
        policy: &ImagePolicy,
        verifier: &dyn ImageVerifier,
        cache: &VerificationCache,
        tags: TagUse,
    ) -> ImageResult {
        let id = format!("images.{}", policy.name);
        let result = |verdict, cache| ImageResult {
            image: image.to_string(),
            verdict,
            cache,
        };
        let tag_ttl = Duration::from_secs(self.config.pinned_tag_ttl_seconds);
        let reuse_tag = tags == TagUse::Pin && !tag_ttl.is_zero() && pinned_digest(image).is_none();
        let reused = reuse_tag
            .then(|| cache.pinned_tag(image, &policy.name))
            .flatten();
        // Only a fresh resolution starts the time: reuses do not extend it.
        let remember = reuse_tag && reused.is_none();
        let digest = match pinned_digest(image).map(str::to_string).or(reused) {
            Some(digest) => digest,
            None => match verifier.resolve(image).await {
                Ok(digest) => digest,
                Err(error) => {
                    let message = format!("image {image:?}: cannot resolve its digest: {error}");
                    return result(ImageVerdict::Rejected { id, message }, CacheLookup::None);
                }
            },
        };
        let verified = |digest: String, lookup| {
            if remember {
                cache.pin_tag(image, &policy.name, &digest, tag_ttl);
            }
            result(ImageVerdict::Verified { digest }, lookup)
        };
        if cache.hit(&digest, &policy.name) {
            return verified(digest, CacheLookup::Hit);
        }
        let ttl = Duration::from_secs(self.config.cache_ttl_seconds);
        let verify = verifier.verify(image, &digest, policy);
        match cache.verify_once(&digest, &policy.name, ttl, verify).await {
            Ok(()) => verified(digest, CacheLookup::Miss),
            Err(error) => {
                let message = format!(
                    "image {image:?} ({digest}) is not verified by image policy {:?}: {error}",
                    policy.name
                );
                result(ImageVerdict::Rejected { id, message }, CacheLookup::Miss)
            }
        }
    }

    /// The first policy with a glob matching the image as written or in its full form
    /// (digest left out of both).
    fn policy_for(&self, image: &str) -> Option<usize> {
        let written = image.split('@').next().unwrap_or(image);
        let full = oci::parse_reference(image).ok().map(|reference| {
            let name = format!("{}/{}", reference.registry(), reference.repository());
            match reference.tag() {
                Some(tag) => format!("{name}:{tag}"),
                None => name,
            }
        });
        self.matchers.iter().position(|globs| {
            globs
                .iter()
                .any(|g| g.is_match(written) || full.as_deref().is_some_and(|f| g.is_match(f)))
        })
    }
}

/// Whether a tag may be answered with the digest `/mutate` last pinned it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagUse {
    /// Resolve it in the registry (`/validate`: what the tag names now must be signed).
    Resolve,
    /// Reuse a pinning within `pinnedTagTtlSeconds` (`/mutate`: the pod gets that digest).
    Pin,
}

/// The digest of a reference pinned with `@sha256:...`.
fn pinned_digest(image: &str) -> Option<&str> {
    image.split_once('@').map(|(_, digest)| digest)
}

/// Every container image of a Pod, a pod template (workloads) or a CronJob, once each.
pub fn container_images(object: &Value) -> Vec<&str> {
    let mut images = Vec::new();
    for (_, image) in container_paths(object) {
        if !images.contains(&image) {
            images.push(image);
        }
    }
    images
}

/// Each container's image with the JSON pointer to it (`/spec/template/spec/containers/0/image`).
pub fn container_paths(object: &Value) -> Vec<(PointerBuf, &str)> {
    let pod_specs: [&[&str]; 3] = [
        &["spec"],
        &["spec", "template", "spec"],
        &["spec", "jobTemplate", "spec", "template", "spec"],
    ];
    let mut found = Vec::new();
    for path in pod_specs {
        let Some(pod) = path.iter().try_fold(object, |value, key| value.get(key)) else {
            continue;
        };
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            let containers = pod.get(list).and_then(Value::as_array);
            for (index, container) in containers.into_iter().flatten().enumerate() {
                if let Some(image) = container.get("image").and_then(Value::as_str) {
                    let index = index.to_string();
                    let tokens = path.iter().copied().chain([list, &index, "image"]);
                    found.push((PointerBuf::from_tokens(tokens), image));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A registry of signed digests standing in for the cosign code behind the seam.
    struct Registry {
        verifications: AtomicUsize,
        resolutions: AtomicUsize,
        /// `registry.example/app:1.0` now names the unsigned digest.
        app_moved: std::sync::atomic::AtomicBool,
    }

    impl ImageVerifier for Registry {
        fn resolve<'a>(&'a self, image: &'a str) -> VerifyFuture<'a, String> {
            Box::pin(async move {
                self.resolutions.fetch_add(1, Ordering::SeqCst);
                match image {
                    "registry.example/app:1.0" if self.app_moved.load(Ordering::SeqCst) => {
                        Ok("sha256:bbb".to_string())
                    }
                    "registry.example/app:1.0" => Ok("sha256:aaa".to_string()),
                    "registry.example/unsigned:1.0" => Ok("sha256:bbb".to_string()),
                    "registry.example/slow:1.0" => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        Ok("sha256:ccc".to_string())
                    }
                    _ => Err("manifest unknown".to_string()),
                }
            })
        }
        fn verify<'a>(
            &'a self,
            _image: &'a str,
            digest: &'a str,
            _policy: &'a ImagePolicy,
        ) -> VerifyFuture<'a, ()> {
            Box::pin(async move {
                self.verifications.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                if digest == "sha256:aaa" {
                    Ok(())
                } else {
                    Err("no matching signatures".to_string())
                }
            })
        }
    }

    fn registry() -> Registry {
        Registry {
            verifications: AtomicUsize::new(0),
            resolutions: AtomicUsize::new(0),
            app_moved: Default::default(),
        }
    }

    fn gate_with(unmatched: UnmatchedImages, images: &[&str]) -> ImageGate {
        ImageGate::new(ImagePolicyConfig {
            unmatched,
            cache_ttl_seconds: 60,
            pin_digests: true,
            pinned_tag_ttl_seconds: 0,
            registry: RegistryConfig::default(),
            policies: vec![ImagePolicy {
                name: "team".into(),
                images: images.iter().map(|i| i.to_string()).collect(),
                key: Some("cosign.pub".into()),
                keyless: None,
                attestations: Vec::new(),
            }],
        })
        .unwrap()
    }

    fn gate(unmatched: UnmatchedImages) -> ImageGate {
        gate_with(unmatched, &["registry.example/**"])
    }

    fn deployment(images: &[&str]) -> Value {
        let containers: Vec<Value> = images
            .iter()
            .map(|i| json!({"name": "c", "image": i}))
            .collect();
        json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": containers}}}})
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn later() -> Instant {
        Instant::now() + Duration::from_secs(10)
    }

    #[test]
    fn verified_digests_are_cached_and_failures_denied() {
        let registry = registry();
        let cache = VerificationCache::default();
        let gate = gate(UnmatchedImages::Deny);
        let object = deployment(&["registry.example/app:1.0"]);
        let first = block_on(gate.check(&object, &registry, &cache, later()));
        assert_eq!(first.violations, []);
        assert_eq!((first.cache_hits, first.cache_misses), (0, 1));
        let second = block_on(gate.check(&object, &registry, &cache, later()));
        assert_eq!((second.cache_hits, second.cache_misses), (1, 0));
        assert_eq!(registry.verifications.load(Ordering::SeqCst), 1);

        let bad = deployment(&[
            "registry.example/unsigned:1.0",
            "registry.example/gone:1.0",
            "docker.io/library/nginx:1.27",
        ]);
        let outcome = block_on(gate.check(&bad, &registry, &cache, later()));
        let ids: Vec<&str> = outcome
            .violations
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(ids, ["images.team", "images.team", "images.unmatched"]);
        assert!(outcome.violations[0].1.contains("no matching signatures"));
        assert!(outcome.violations[1].1.contains("cannot resolve"));
    }

    #[test]
    fn requests_arriving_together_share_one_verification() {
        let registry = registry();
        let cache = VerificationCache::default();
        let gate = gate(UnmatchedImages::Deny);
        let object = deployment(&["registry.example/app:1.0"]);
        let bad = deployment(&["registry.example/unsigned:1.0"]);
        let (first, second, third, fourth) = block_on(async {
            tokio::join!(
                gate.check(&object, &registry, &cache, later()),
                gate.check(&object, &registry, &cache, later()),
                gate.check(&bad, &registry, &cache, later()),
                gate.check(&bad, &registry, &cache, later()),
            )
        });
        assert_eq!(registry.verifications.load(Ordering::SeqCst), 2);
        assert!(first.violations.is_empty() && second.violations.is_empty());
        assert_eq!((third.violations.len(), fourth.violations.len()), (1, 1));
        // Failures are not kept: the next request verifies again.
        block_on(gate.check(&bad, &registry, &cache, later()));
        assert_eq!(registry.verifications.load(Ordering::SeqCst), 3);
        assert!(cache.pending.lock().unwrap().is_empty());
    }

    #[test]
    fn unmatched_images_may_be_allowed() {
        let outcome = block_on(gate(UnmatchedImages::Allow).check(
            &deployment(&["docker.io/library/nginx:1.27"]),
            &registry(),
            &VerificationCache::default(),
            later(),
        ));
        assert_eq!(outcome, ImageOutcome::default());
    }

    #[test]
    fn globs_match_the_full_form_of_short_names() {
        let gate = gate_with(UnmatchedImages::Deny, &["docker.io/library/*"]);
        assert_eq!(gate.policy_for("nginx:1.27"), Some(0));
        assert_eq!(
            gate.policy_for("docker.io/library/nginx@sha256:abc"),
            Some(0)
        );
        assert_eq!(gate.policy_for("quay.io/nginx:1.27"), None);
    }

    #[test]
    fn a_verification_past_the_deadline_is_denied_in_time() {
        let gate = gate(UnmatchedImages::Deny);
        let started = Instant::now();
        let outcome = block_on(gate.check(
            &deployment(&["registry.example/slow:1.0", "registry.example/app:1.0"]),
            &registry(),
            &VerificationCache::default(),
            Instant::now() + Duration::from_millis(500),
        ));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(outcome.violations.len(), 1, "{outcome:?}");
        let (id, message) = &outcome.violations[0];
        assert_eq!(id, "images.team");
        assert!(
            message.contains("registry.example/slow:1.0") && message.contains("deadline"),
            "{message}"
        );
    }

    #[test]
    fn verified_tags_are_pinned_to_their_digest() {
        let registry = registry();
        let cache = VerificationCache::default();
        let pod = json!({"kind": "Pod", "spec": {
            "initContainers": [{"name": "i", "image": "registry.example/app:1.0"}],
            "containers": [
                {"name": "a", "image": "registry.example/app:1.0"},
                {"name": "b", "image": "registry.example/unsigned:1.0"},
                {"name": "c", "image": "registry.example/app@sha256:aaa"}
            ]
        }});
        let (patch, results) =
            block_on(gate(UnmatchedImages::Deny).pin(&pod, &registry, &cache, later()));
        assert_eq!(results.len(), 2, "{results:?}");
        let mut patched = pod.clone();
        json_patch::patch(&mut patched, &patch).unwrap();
        assert_eq!(
            patched["spec"]["initContainers"][0]["image"],
            "registry.example/app:1.0@sha256:aaa"
        );
        assert_eq!(
            patched["spec"]["containers"][0]["image"],
            "registry.example/app:1.0@sha256:aaa"
        );
        assert_eq!(
            patched["spec"]["containers"][1]["image"],
            "registry.example/unsigned:1.0"
        );
        assert_eq!(
            patched["spec"]["containers"][2]["image"],
            "registry.example/app@sha256:aaa"
        );
        // The pinned object is then verified from the cache, without resolving again.
        let outcome = block_on(gate(UnmatchedImages::Deny).check(
            &json!({"spec": {"containers": [patched["spec"]["containers"][0].clone()]}}),
            &registry,
            &cache,
            later(),
        ));
        assert_eq!((outcome.cache_hits, outcome.violations.len()), (1, 0));
    }

    #[test]
    fn mutate_reuses_a_pinned_tag_only_when_configured_and_validate_never_does() {
        let pod =
            json!({"spec": {"containers": [{"name": "a", "image": "registry.example/app:1.0"}]}});
        let pinned_to = |patch: &Patch| {
            let mut patched = pod.clone();
            json_patch::patch(&mut patched, patch).unwrap();
            patched["spec"]["containers"][0]["image"].clone()
        };
        let mut reusing = gate(UnmatchedImages::Deny);
        reusing.config.pinned_tag_ttl_seconds = 60;
        let (registry, cache) = (registry(), VerificationCache::default());
        let (patch, _) = block_on(reusing.pin(&pod, &registry, &cache, later()));
        assert_eq!(pinned_to(&patch), "registry.example/app:1.0@sha256:aaa");
        registry.app_moved.store(true, Ordering::SeqCst);
        let (patch, results) = block_on(reusing.pin(&pod, &registry, &cache, later()));
        assert_eq!(pinned_to(&patch), "registry.example/app:1.0@sha256:aaa");
        assert_eq!(results[0].cache, CacheLookup::Hit);
        assert_eq!(registry.resolutions.load(Ordering::SeqCst), 1);
        // /validate resolves the moved tag: its new digest is unsigned.
        let outcome = block_on(reusing.check(&pod, &registry, &cache, later()));
        assert_eq!(outcome.violations.len(), 1, "{outcome:?}");
        assert_eq!(registry.resolutions.load(Ordering::SeqCst), 2);

        // Without pinnedTagTtlSeconds, /mutate resolves too and leaves the moved tag alone.
        let (patch, _) =
            block_on(gate(UnmatchedImages::Deny).pin(&pod, &registry, &cache, later()));
        assert_eq!(pinned_to(&patch), "registry.example/app:1.0");
        assert_eq!(registry.resolutions.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_pinned_tag_is_resolved_again_once_its_time_is_up() {
        let pod =
            json!({"spec": {"containers": [{"name": "a", "image": "registry.example/app:1.0"}]}});
        let (registry, cache) = (registry(), VerificationCache::default());
        cache.pin_tag(
            "registry.example/app:1.0",
            "team",
            "sha256:aaa",
            Duration::ZERO,
        );
        let mut reusing = gate(UnmatchedImages::Deny);
        reusing.config.pinned_tag_ttl_seconds = 60;
        registry.app_moved.store(true, Ordering::SeqCst);
        let (patch, results) = block_on(reusing.pin(&pod, &registry, &cache, later()));
        assert!(patch.0.is_empty(), "{patch:?}");
        assert!(matches!(results[0].verdict, ImageVerdict::Rejected { .. }));
        assert_eq!(registry.resolutions.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn images_are_found_in_every_pod_spec_shape() {
        let pod = json!({"spec": {"initContainers": [{"image": "a"}], "containers": [{"image": "b"}, {"image": "a"}], "ephemeralContainers": [{"image": "c"}]}});
        assert_eq!(container_images(&pod), ["a", "b", "c"]);
        let paths: Vec<String> = container_paths(&pod)
            .iter()
            .map(|(p, _)| p.to_string())
            .collect();
        assert_eq!(
            paths,
            [
                "/spec/initContainers/0/image",
                "/spec/containers/0/image",
                "/spec/containers/1/image",
                "/spec/ephemeralContainers/0/image"
            ]
        );
        let cron = json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"image": "d"}]}}}}}});
        assert_eq!(container_images(&cron), ["d"]);
        assert_eq!(
            container_paths(&cron)[0].0.to_string(),
            "/spec/jobTemplate/spec/template/spec/containers/0/image"
        );
        assert!(container_images(&json!({"kind": "ConfigMap", "data": {}})).is_empty());
    }
}
