//! Verdicts kept in memory per image digest, so the admission webhook does not fetch and
//! verify the same signatures for every pod. Only successes are kept (a signature pushed
//! after a failure counts at once), each for a fixed time, and the number of entries is
//! bounded. A digest names immutable content, so a kept verdict stays true for the same
//! signer; the time bound limits how long a revoked key keeps admitting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::attestation::VerifiedAttestations;
use super::verify::{Signer, VerifiedImage};

/// What a verdict is about: the image digest, who must have signed, and what was checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    digest: String,
    signer: String,
    check: String,
}

impl CacheKey {
    pub fn signature(digest: &str, signer: &Signer) -> Self {
        Self {
            digest: digest.to_string(),
            signer: signer.cache_id(),
            check: "signature".into(),
        }
    }

    pub fn attestation(digest: &str, signer: &Signer, predicate_type: &str) -> Self {
        Self {
            digest: digest.to_string(),
            signer: signer.cache_id(),
            check: format!("attestation:{predicate_type}"),
        }
    }
}

#[derive(Debug, Clone)]
enum Verdict {
    Signature(VerifiedImage),
    Attestation(VerifiedAttestations),
}

/// A shared in-memory cache of successful verifications (thread-safe).
#[derive(Debug)]
pub struct VerificationCache {
    ttl: Duration,
    capacity: usize,
    entries: Mutex<HashMap<CacheKey, (Instant, Verdict)>>,
}

impl VerificationCache {
    /// Keeps up to `capacity` verdicts, each for `ttl`.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity: capacity.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn get_signature(&self, key: &CacheKey) -> Option<VerifiedImage> {
        match self.get(key)? {
            Verdict::Signature(image) => Some(image),
            Verdict::Attestation(_) => None,
        }
    }

    pub fn put_signature(&self, key: CacheKey, verified: VerifiedImage) {
        self.put(key, Verdict::Signature(verified));
    }

    pub fn get_attestations(&self, key: &CacheKey) -> Option<VerifiedAttestations> {
        match self.get(key)? {
            Verdict::Attestation(found) => Some(found),
            Verdict::Signature(_) => None,
        }
    }

    pub fn put_attestations(&self, key: CacheKey, verified: VerifiedAttestations) {
        self.put(key, Verdict::Attestation(verified));
    }

    /// Entries currently held (expired ones included until they are swept).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, key: &CacheKey) -> Option<Verdict> {
        let mut entries = self.lock();
        match entries.get(key) {
            Some((at, verdict)) if at.elapsed() < self.ttl => Some(verdict.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: CacheKey, verdict: Verdict) {
        let mut entries = self.lock();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
            if entries.len() >= self.capacity
                && let Some(oldest) = entries
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(key, (Instant::now(), verdict));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CacheKey, (Instant, Verdict)>> {
        // A panic while holding the lock cannot leave a half-written map: recover it.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosign::keys::PrivateKey;

    fn verified(digest: &str) -> VerifiedImage {
        VerifiedImage {
            image: "example.com/app:1".into(),
            digest: digest.into(),
            signatures: Vec::new(),
        }
    }

    #[test]
    fn entries_expire_and_are_keyed_by_signer() {
        let signer = Signer::Key(PrivateKey::generate().unwrap().public_key());
        let other = Signer::Key(PrivateKey::generate().unwrap().public_key());
        let cache = VerificationCache::new(Duration::from_millis(50), 10);
        cache.put_signature(
            CacheKey::signature("sha256:a", &signer),
            verified("sha256:a"),
        );
        assert!(
            cache
                .get_signature(&CacheKey::signature("sha256:a", &signer))
                .is_some()
        );
        assert!(
            cache
                .get_signature(&CacheKey::signature("sha256:a", &other))
                .is_none()
        );
        assert!(
            cache
                .get_signature(&CacheKey::signature("sha256:b", &signer))
                .is_none()
        );
        std::thread::sleep(Duration::from_millis(60));
        assert!(
            cache
                .get_signature(&CacheKey::signature("sha256:a", &signer))
                .is_none()
        );
    }

    #[test]
    fn capacity_evicts_the_oldest_entry() {
        let signer = Signer::Key(PrivateKey::generate().unwrap().public_key());
        let cache = VerificationCache::new(Duration::from_secs(60), 2);
        for digest in ["sha256:a", "sha256:b", "sha256:c"] {
            cache.put_signature(CacheKey::signature(digest, &signer), verified(digest));
        }
        assert_eq!(cache.len(), 2);
        assert!(
            cache
                .get_signature(&CacheKey::signature("sha256:a", &signer))
                .is_none()
        );
        assert!(
            cache
                .get_signature(&CacheKey::signature("sha256:c", &signer))
                .is_some()
        );
    }
}
