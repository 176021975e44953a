//! Signed images at admission: the `images` section of the configuration (image globs to
//! a key or a keyless identity, attestations required, a default for unmatched images),
//! the [`ImageVerifier`] seam through which the cosign code verifies them, and a cache of
//! verified digests with a TTL so a replica verifies each digest once per TTL.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use serde_json::Value;

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
    pub policies: Vec<ImagePolicy>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UnmatchedImages {
    #[default]
    Deny,
    Allow,
}

/// One image policy: the images it covers and the signatures they need.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImagePolicy {
    pub name: String,
    /// Image reference globs, e.g. `registry.example.com/team/**`.
    pub images: Vec<String>,
    /// A PEM public key the signature must verify with.
    #[serde(default)]
    pub key: Option<PathBuf>,
    /// A keyless (Fulcio certificate) signer.
    #[serde(default)]
    pub keyless: Option<KeylessIdentity>,
    /// In-toto predicate types that must be attested (e.g. `https://slsa.dev/provenance/v1`).
    #[serde(default)]
    pub attestations: Vec<String>,
}

/// The certificate identity and OIDC issuer of a keyless signature.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeylessIdentity {
    pub identity: String,
    pub issuer: String,
}

fn default_cache_ttl() -> u64 {
    300
}

impl ImagePolicyConfig {
    pub(crate) fn validate(&self) -> Result<(), (String, String)> {
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
        }
        Ok(())
    }

    pub(crate) fn resolve_paths(&mut self, base: &Path) {
        for policy in &mut self.policies {
            if let Some(key) = &mut policy.key
                && key.is_relative()
            {
                *key = base.join(&*key);
            }
        }
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

/// Digests verified under a policy, each trusted until its TTL runs out.
#[derive(Debug, Default)]
pub struct VerificationCache {
    entries: Mutex<HashMap<(String, String), Instant>>,
}

impl VerificationCache {
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
        if entries.len() >= CACHE_CAPACITY {
            entries.retain(|_, expires| *expires > now);
            if entries.len() >= CACHE_CAPACITY {
                entries.clear();
            }
        }
        entries.insert((digest.to_string(), policy.to_string()), now + ttl);
    }
}

/// What checking one request's images found.
#[derive(Debug, Default, PartialEq)]
pub struct ImageOutcome {
    /// `(policy id, message)` of every image that may not run.
    pub violations: Vec<(String, String)>,
    pub cache_hits: u64,
    pub cache_misses: u64,
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
        Ok(Self { config, matchers })
    }

    /// Verifies every container image of `object`; each one that is unmatched (under a
    /// `deny` default), unresolvable or unverified is a violation.
    pub async fn check(
        &self,
        object: &Value,
        verifier: &dyn ImageVerifier,
        cache: &VerificationCache,
    ) -> ImageOutcome {
        let mut outcome = ImageOutcome::default();
        let ttl = Duration::from_secs(self.config.cache_ttl_seconds);
        for image in container_images(object) {
            let name = image.split('@').next().unwrap_or(image);
            let Some(index) = self
                .matchers
                .iter()
                .position(|globs| globs.iter().any(|g| g.is_match(name)))
            else {
                if self.config.unmatched == UnmatchedImages::Deny {
                    outcome.violations.push((
                        "images.unmatched".into(),
                        format!("image {image:?} matches no image policy"),
                    ));
                }
                continue;
            };
            let policy = &self.config.policies[index];
            let id = format!("images.{}", policy.name);
            let digest = match pinned_digest(image) {
                Some(digest) => digest.to_string(),
                None => match verifier.resolve(image).await {
                    Ok(digest) => digest,
                    Err(error) => {
                        outcome.violations.push((
                            id,
                            format!("image {image:?}: cannot resolve its digest: {error}"),
                        ));
                        continue;
                    }
                },
            };
            if cache.hit(&digest, &policy.name) {
                outcome.cache_hits += 1;
                continue;
            }
            outcome.cache_misses += 1;
            match verifier.verify(image, &digest, policy).await {
                Ok(()) => cache.insert(&digest, &policy.name, ttl),
                Err(error) => outcome.violations.push((
                    id,
                    format!(
                        "image {image:?} ({digest}) is not verified by image policy {:?}: {error}",
                        policy.name
                    ),
                )),
            }
        }
        outcome
    }
}

/// The digest of a reference pinned with `@sha256:...`.
fn pinned_digest(image: &str) -> Option<&str> {
    image.split_once('@').map(|(_, digest)| digest)
}

/// Every container image of a Pod, a pod template (workloads) or a CronJob.
pub fn container_images(object: &Value) -> Vec<&str> {
    let spec = object.get("spec");
    let pod_specs = [
        spec,
        spec.and_then(|s| s.get("template")?.get("spec")),
        spec.and_then(|s| {
            s.get("jobTemplate")?
                .get("spec")?
                .get("template")?
                .get("spec")
        }),
    ];
    let mut images = Vec::new();
    for pod in pod_specs.into_iter().flatten() {
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            for container in pod
                .get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(image) = container.get("image").and_then(Value::as_str)
                    && !images.contains(&image)
                {
                    images.push(image);
                }
            }
        }
    }
    images
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A registry of signed digests standing in for the cosign code behind the seam.
    struct Registry {
        verifications: AtomicUsize,
    }

    impl ImageVerifier for Registry {
        fn resolve<'a>(&'a self, image: &'a str) -> VerifyFuture<'a, String> {
            Box::pin(async move {
                match image {
                    "registry.example/app:1.0" => Ok("sha256:aaa".to_string()),
                    "registry.example/unsigned:1.0" => Ok("sha256:bbb".to_string()),
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
            self.verifications.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                if digest == "sha256:aaa" {
                    Ok(())
                } else {
                    Err("no matching signatures".to_string())
                }
            })
        }
    }

    fn gate(unmatched: UnmatchedImages) -> ImageGate {
        ImageGate::new(ImagePolicyConfig {
            unmatched,
            cache_ttl_seconds: 60,
            policies: vec![ImagePolicy {
                name: "team".into(),
                images: vec!["registry.example/**".into()],
                key: Some("cosign.pub".into()),
                keyless: None,
                attestations: Vec::new(),
            }],
        })
        .unwrap()
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
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn verified_digests_are_cached_and_failures_denied() {
        let registry = Registry {
            verifications: AtomicUsize::new(0),
        };
        let cache = VerificationCache::default();
        let gate = gate(UnmatchedImages::Deny);
        let object = deployment(&["registry.example/app:1.0"]);
        let first = block_on(gate.check(&object, &registry, &cache));
        assert_eq!(first.violations, []);
        assert_eq!((first.cache_hits, first.cache_misses), (0, 1));
        let second = block_on(gate.check(&object, &registry, &cache));
        assert_eq!((second.cache_hits, second.cache_misses), (1, 0));
        assert_eq!(registry.verifications.load(Ordering::SeqCst), 1);

        let bad = deployment(&[
            "registry.example/unsigned:1.0",
            "registry.example/gone:1.0",
            "docker.io/library/nginx:1.27",
        ]);
        let outcome = block_on(gate.check(&bad, &registry, &cache));
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
    fn unmatched_images_may_be_allowed() {
        let registry = Registry {
            verifications: AtomicUsize::new(0),
        };
        let outcome = block_on(gate(UnmatchedImages::Allow).check(
            &deployment(&["docker.io/library/nginx:1.27"]),
            &registry,
            &VerificationCache::default(),
        ));
        assert_eq!(outcome, ImageOutcome::default());
    }

    #[test]
    fn images_are_found_in_every_pod_spec_shape() {
        let pod = json!({"spec": {"initContainers": [{"image": "a"}], "containers": [{"image": "b"}, {"image": "a"}], "ephemeralContainers": [{"image": "c"}]}});
        assert_eq!(container_images(&pod), ["a", "b", "c"]);
        let cron = json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"image": "d"}]}}}}}});
        assert_eq!(container_images(&cron), ["d"]);
        assert!(container_images(&json!({"kind": "ConfigMap", "data": {}})).is_empty());
    }
}
