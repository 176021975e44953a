//! Prometheus metrics of `/metrics`: requests and their latency per operation and
//! decision, policy evaluation time, verification cache hits, findings, Namespace reads
//! and reloads.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub operation: String,
    pub decision: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CacheLabels {
    pub result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FindingLabels {
    pub policy: String,
    pub enforcement: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReloadLabels {
    pub target: String,
    pub result: String,
}

/// Every metric the webhook exports, registered once.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub request_duration: Family<RequestLabels, Histogram>,
    pub evaluation_duration: Histogram,
    pub verification_cache: Family<CacheLabels, Counter>,
    /// Time to check one request's images: `cached` when every one was in the cache.
    pub image_duration: Family<CacheLabels, Histogram>,
    pub findings: Family<FindingLabels, Counter>,
    /// Namespace reads for namespaceSelectors: `hit` (cache), `miss` (read), `error`.
    pub namespace_reads: Family<CacheLabels, Counter>,
    pub reloads: Family<ReloadLabels, Counter>,
}

/// 50 µs to about 6.5 s, doubling: admission answers live in the low milliseconds.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_05, 2.0, 18))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("tollgate_webhook");
        let requests = Family::<RequestLabels, Counter>::default();
        let request_duration = Family::<RequestLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let evaluation_duration = latency_histogram();
        let verification_cache = Family::<CacheLabels, Counter>::default();
        let image_duration = Family::<CacheLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let findings = Family::<FindingLabels, Counter>::default();
        let namespace_reads = Family::<CacheLabels, Counter>::default();
        let reloads = Family::<ReloadLabels, Counter>::default();
        registry.register(
            "requests",
            "Admission requests answered, by operation and decision",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time to answer an admission request, by operation and decision",
            request_duration.clone(),
        );
        registry.register(
            "policy_evaluation_duration_seconds",
            "Time spent evaluating Rego policies for one request",
            evaluation_duration.clone(),
        );
        registry.register(
            "image_verification_cache",
            "Image verification cache lookups, by result (hit or miss)",
            verification_cache.clone(),
        );
        registry.register(
            "image_verification_duration_seconds",
            "Time to verify one request's images, by result (cached: every image was in the cache; verified: at least one was not)",
            image_duration.clone(),
        );
        registry.register(
            "policy_findings",
            "Policy findings, by policy and enforcement",
            findings.clone(),
        );
        registry.register(
            "namespace_reads",
            "Namespaces looked up for namespaceSelector constraints, by result (hit: cached, miss: read from the API server, error: not read)",
            namespace_reads.clone(),
        );
        registry.register(
            "reloads",
            "Reloads of the configuration and the certificate, by result",
            reloads.clone(),
        );
        Self {
            registry,
            requests,
            request_duration,
            evaluation_duration,
            verification_cache,
            image_duration,
            findings,
            namespace_reads,
            reloads,
        }
    }
}

impl Metrics {
    /// The OpenMetrics text exposition of every metric.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }

    pub fn reload(&self, target: &str, ok: bool) {
        self.reloads
            .get_or_create(&ReloadLabels {
                target: target.into(),
                result: if ok { "success" } else { "failure" }.into(),
            })
            .inc();
    }
}
