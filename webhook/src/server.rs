//! The HTTPS server: `/validate`, `/mutate` (digest pinning), `/healthz`, `/readyz` and
//! `/metrics`, Rego evaluation on a dedicated thread pool and image verification under a
//! per-request deadline, reloads of the certificate and configuration, and a graceful
//! shutdown on SIGTERM that drains in-flight requests.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use globset::GlobSet;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tokio::sync::oneshot;
use tollgate_engine::gatekeeper::inventory::NamespaceLookup;
use tollgate_engine::limits::Limits;

use crate::audit;
use crate::config::Enforcement;
use crate::config::{Config, globs};
use crate::cosign::CosignVerifier;
use crate::images::{CacheLookup, ImageGate, ImageResult, ImageVerdict, VerificationCache};
use crate::kubernetes::{NamespaceReader, RequestNamespace};
use crate::metrics::{CacheLabels, FindingLabels, Metrics, RequestLabels};
use crate::policies::{AdmissionPolicies, Evaluation, PolicyFinding, PolicyLoader};
use crate::review::{self, Decision, Review};
use crate::tls;

/// What `tollgate webhook serve` needs besides the configuration file.
pub struct ServeOptions {
    pub config_path: PathBuf,
    pub loader: PolicyLoader,
}

/// Why the server could not start or had to stop.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ServeError(String);

/// Everything one configuration compiles to; replaced whole on reload.
struct Runtime {
    config: Config,
    policies: AdmissionPolicies,
    excluded_namespaces: GlobSet,
    images: Option<Images>,
    /// Reads request Namespaces from the API server: only when a constraint has a
    /// namespaceSelector. Its cache goes with the configuration.
    namespaces: Option<NamespaceReader>,
}

/// Image verification as one configuration sets it up; its cache goes with it, so a
/// reload (a new key, a changed policy) never answers from verdicts of the old one.
struct Images {
    gate: ImageGate,
    verifier: CosignVerifier,
    cache: VerificationCache,
}

struct AppState {
    runtime: ArcSwapOption<Runtime>,
    shutting_down: AtomicBool,
    metrics: Metrics,
    pool: rayon::ThreadPool,
}

/// A replica's memory is bounded (its RSS target and limits): with transparent huge
/// pages, every 2 MiB region mimalloc touches counts whole, which put the server over
/// 64 MiB. The one-shot CLI commands keep them: they fault a large input in 512 times
/// less often (a third faster on a 10,000-package SBOM). Call it once logging is set
/// up, before the runtime and the policies allocate.
pub fn keep_pages_small() {
    #[cfg(target_os = "linux")]
    if let Err(error) = rustix::thread::disable_transparent_huge_pages(true) {
        tracing::warn!(%error, "cannot disable transparent huge pages; RSS may be higher");
    }
}

/// Serves until SIGTERM or SIGINT, then drains in-flight requests.
pub async fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let config = Config::load(&options.config_path).map_err(|e| ServeError(e.to_string()))?;
    let tls_config =
        tls::server_config(&config.tls.cert_file, &config.tls.key_file).map_err(ServeError)?;
    let rustls = RustlsConfig::from_config(tls_config);
    let workers = config
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("tollgate-eval-{i}"))
        .panic_handler(|_| tracing::error!("a policy evaluation panicked; the request is denied"))
        .build()
        .map_err(|e| ServeError(format!("cannot start the evaluation threads: {e}")))?;
    let state = Arc::new(AppState {
        runtime: ArcSwapOption::empty(),
        shutting_down: AtomicBool::new(false),
        metrics: Metrics::default(),
        pool,
    });
    let handle: Handle<std::net::SocketAddr> = Handle::new();
    let listen = config.listen;
    let grace = Duration::from_secs(config.shutdown_grace_seconds);
    let server = axum_server::bind_rustls(listen, rustls.clone())
        .handle(handle.clone())
        .serve(router(state.clone()).into_make_service());
    let server = tokio::spawn(server);
    let listening = handle.clone();
    tokio::spawn(async move {
        if let Some(address) = listening.listening().await {
            tracing::info!(address = %address, "listening");
        }
    });
    tokio::spawn(shutdown_on_signal(state.clone(), handle.clone(), grace));

    // Compile before serving decisions; /healthz answers meanwhile, /readyz does not.
    let initial = compile(config.clone(), &options).await;
    let fingerprint = match initial {
        Ok(runtime) => {
            log_compiled(&runtime);
            state.runtime.store(Some(Arc::new(runtime)));
            fingerprint_config(&options.config_path, &config).await
        }
        Err(error) => {
            handle.shutdown();
            return Err(ServeError(error));
        }
    };
    let watcher = tokio::spawn(watch(state.clone(), options, rustls, config, fingerprint));
    let result = server
        .await
        .map_err(|e| ServeError(format!("server task failed: {e}")))?;
    watcher.abort();
    result.map_err(|e| ServeError(format!("cannot serve on {listen}: {e}")))?;
    tracing::info!("stopped");
    Ok(())
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/validate", post(validate))
        .route("/mutate", post(mutate))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if state.shutting_down.load(Ordering::SeqCst) {
        (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response()
    } else if state.runtime.load().is_none() {
        (StatusCode::SERVICE_UNAVAILABLE, "policies are compiling\n").into_response()
    } else {
        (StatusCode::OK, "ready\n").into_response()
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// A plain-text error answer (the API server logs it and applies its failurePolicy).
fn refuse(state: &AppState, start: Instant, status: StatusCode, message: String) -> Response {
    let labels = RequestLabels {
        operation: "UNKNOWN".into(),
        decision: if status == StatusCode::PAYLOAD_TOO_LARGE {
            "too_large"
        } else {
            "invalid"
        }
        .into(),
    };
    state.metrics.requests.get_or_create(&labels).inc();
    audit::rejected(status.as_u16(), &message, start.elapsed());
    (status, format!("{message}\n")).into_response()
}

/// The configuration in force and the request's AdmissionReview, or the error answer
/// (503 while compiling, 413, 400).
async fn read_review(
    state: &AppState,
    start: Instant,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Arc<Runtime>, Arc<Review>), Response> {
    let Some(runtime) = state.runtime.load_full() else {
        return Err((
            StatusCode::SERVICE_UNAVAILABLE,
            "policies are still compiling; try again\n",
        )
            .into_response());
    };
    let limit = runtime.config.max_request_bytes;
    let too_large = || {
        format!(
            "request body exceeds the limit of {limit} bytes (raise maxRequestBytes in the webhook configuration)"
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(refuse(
            state,
            start,
            StatusCode::PAYLOAD_TOO_LARGE,
            too_large(),
        ));
    }
    let bytes = match Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX))
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            return Err(refuse(
                state,
                start,
                StatusCode::PAYLOAD_TOO_LARGE,
                too_large(),
            ));
        }
        Err(error) => {
            return Err(refuse(
                state,
                start,
                StatusCode::BAD_REQUEST,
                format!("cannot read the request body: {error}"),
            ));
        }
    };
    match review::parse(&bytes) {
        Ok(review) => Ok((runtime, Arc::new(review))),
        Err(message) => Err(refuse(state, start, StatusCode::BAD_REQUEST, message)),
    }
}

async fn validate(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let start = Instant::now();
    let (runtime, review) = match read_review(&state, start, &headers, body).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let requested = query.as_deref().and_then(requested_timeout);
    let deadline = runtime.config.deadline(requested);
    let decision = decide(&state, &runtime, &review, start, deadline).await;
    let elapsed = start.elapsed();
    let labels = RequestLabels {
        operation: crate::config::Operation::from(&review.request.operation)
            .name()
            .into(),
        decision: decision.outcome.name().into(),
    };
    state.metrics.requests.get_or_create(&labels).inc();
    state
        .metrics
        .request_duration
        .get_or_create(&labels)
        .observe(elapsed.as_secs_f64());
    for finding in decision
        .denied
        .iter()
        .chain(&decision.warned)
        .chain(&decision.dryrun)
    {
        state
            .metrics
            .findings
            .get_or_create(&FindingLabels {
                policy: finding.id.clone(),
                enforcement: finding.enforcement.name().into(),
            })
            .inc();
    }
    audit::decision(&review, &decision, elapsed);
    match serde_json::to_vec(&decision.response(&review.request)) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot encode the AdmissionReview response: {error}\n"),
        )
            .into_response(),
    }
}

/// Decides one well-formed request within `deadline`, failing closed when it cannot.
async fn decide(
    state: &Arc<AppState>,
    runtime: &Arc<Runtime>,
    review: &Arc<Review>,
    start: Instant,
    deadline: Duration,
) -> Decision {
    let namespace = review.request.namespace.as_deref().unwrap_or_default();
    if !namespace.is_empty() && runtime.excluded_namespaces.is_match(namespace) {
        return Decision::excluded();
    }
    let label = review.label();
    let due = start + deadline;
    let evaluation = async {
        let namespace = read_namespace(state, runtime, review, images_due(start, deadline)).await;
        let (sender, receiver) = oneshot::channel();
        let (runtime, review) = (runtime.clone(), review.clone());
        let label = label.clone();
        state.pool.spawn(move || {
            // A request whose caller has given up is not worth evaluating.
            if Instant::now() >= due {
                return;
            }
            let started = Instant::now();
            let none: Option<&serde_json::Value> = None;
            let lookup: &dyn NamespaceLookup = match &namespace {
                Some(namespace) => namespace,
                None => &none,
            };
            let result = runtime.policies.evaluate_review(&review, &label, lookup);
            let _ = sender.send((result, started.elapsed()));
        });
        receiver.await
    };
    let images = check_images(state, runtime, review, images_due(start, deadline));
    let joined =
        tokio::time::timeout_at(due.into(), async { tokio::join!(evaluation, images) }).await;
    let past_deadline = || {
        Decision::failed(format!(
            "tollgate could not decide on {label} within its deadline of {} ms (deadlineMilliseconds, below the webhook's timeoutSeconds of {} s): the request is denied (fail closed)",
            deadline.as_millis(),
            runtime.config.timeout_seconds
        ))
    };
    let ((evaluation, took), image_findings) = match joined {
        Err(_) => return past_deadline(),
        Ok((Err(_), _)) => {
            return Decision::failed(format!(
                "tollgate could not evaluate the policies for {label}: the request is denied (fail closed)"
            ));
        }
        Ok((Ok(evaluated), images)) => (evaluated, images),
    };
    state
        .metrics
        .evaluation_duration
        .observe(took.as_secs_f64());
    let evaluation: Evaluation = match evaluation {
        Ok(evaluation) => evaluation,
        // The evaluation's own time limit is the deadline; under load it may fire first.
        Err(_) if Instant::now() >= due => return past_deadline(),
        Err(message) => {
            return Decision::failed(format!(
                "tollgate could not evaluate the policies for {label}: {message}: the request is denied (fail closed)"
            ));
        }
    };
    let mut findings = evaluation.findings;
    findings.extend(image_findings);
    Decision::from_findings(&label, findings)
}

/// The request's Namespace when a namespaceSelector needs it, read (or found in the
/// cache) by `due`, so a failure is reported with its namespace and cause in time.
async fn read_namespace(
    state: &AppState,
    runtime: &Runtime,
    review: &Review,
    due: Instant,
) -> Option<RequestNamespace> {
    let reader = runtime.namespaces.as_ref()?;
    let name = runtime.policies.namespace_to_read(&review.view())?;
    let read = reader.read(name, due).await;
    let result = match (&read.result, read.cached) {
        (Err(_), _) => "error",
        (Ok(_), true) => "hit",
        (Ok(_), false) => "miss",
    };
    state
        .metrics
        .namespace_reads
        .get_or_create(&CacheLabels {
            result: result.into(),
        })
        .inc();
    Some(RequestNamespace {
        name: name.to_string(),
        read: read.result,
    })
}

/// When image verification must be over: a little before the request's deadline, so an
/// image still pending is denied with its own name and reason.
fn images_due(start: Instant, deadline: Duration) -> Instant {
    start + deadline - (deadline / 10).min(Duration::from_millis(200))
}

/// The object whose container images are verified: the new object of a CREATE or
/// UPDATE (of the resource itself or of `pods/ephemeralcontainers`) that is not being
/// deleted.
fn admitted_object(review: &Review) -> Option<&serde_json::Value> {
    let view = review.view();
    let admitted = matches!(
        view.operation,
        crate::config::Operation::Create | crate::config::Operation::Update
    ) && !view.being_deleted
        && ["", "ephemeralcontainers"].contains(&view.subresource);
    review.request_json.get("object").filter(|_| admitted)
}

/// Counts cache lookups, and the time the images took when there were any.
fn count_cache_lookups(state: &AppState, hits: u64, misses: u64, took: Duration) {
    if hits + misses > 0 {
        let result = if misses == 0 { "cached" } else { "verified" };
        state
            .metrics
            .image_duration
            .get_or_create(&CacheLabels {
                result: result.into(),
            })
            .observe(took.as_secs_f64());
    }
    for (result, count) in [("hit", hits), ("miss", misses)] {
        if count > 0 {
            state
                .metrics
                .verification_cache
                .get_or_create(&CacheLabels {
                    result: result.into(),
                })
                .inc_by(count);
        }
    }
}

/// Image verification findings (none when the configuration has no `images`).
async fn check_images(
    state: &Arc<AppState>,
    runtime: &Arc<Runtime>,
    review: &Arc<Review>,
    due: Instant,
) -> Vec<PolicyFinding> {
    let Some(images) = &runtime.images else {
        return Vec::new();
    };
    let Some(object) = admitted_object(review) else {
        return Vec::new();
    };
    let started = Instant::now();
    let outcome = images
        .gate
        .check(object, &images.verifier, &images.cache, due)
        .await;
    count_cache_lookups(
        state,
        outcome.cache_hits,
        outcome.cache_misses,
        started.elapsed(),
    );
    outcome
        .violations
        .into_iter()
        .map(|(id, message)| PolicyFinding {
            id,
            message,
            enforcement: Enforcement::Deny,
            warning_rule: false,
        })
        .collect()
}

/// `/mutate`: allows every request, with a JSONPatch that pins each verified image tag
/// to the digest that was verified (when `images.pinDigests` is on). Denying is left to
/// `/validate`, which the API server calls after the mutating webhooks.
async fn mutate(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let start = Instant::now();
    let (runtime, review) = match read_review(&state, start, &headers, body).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let deadline = runtime
        .config
        .deadline(query.as_deref().and_then(requested_timeout));
    let namespace = review.request.namespace.as_deref().unwrap_or_default();
    let excluded = !namespace.is_empty() && runtime.excluded_namespaces.is_match(namespace);
    let mut response = kube_core::admission::AdmissionResponse::from(&review.request);
    let mut pinned = Vec::new();
    if let (Some(images), Some(object), false) =
        (&runtime.images, admitted_object(&review), excluded)
        && images.gate.config().pin_digests
    {
        let started = Instant::now();
        let (patch, results) = images
            .gate
            .pin(
                object,
                &images.verifier,
                &images.cache,
                images_due(start, deadline),
            )
            .await;
        record_pins(&state, &results, started.elapsed(), &mut pinned);
        if !patch.0.is_empty() {
            response = match response.with_patch(patch) {
                Ok(patched) => patched,
                Err(error) => {
                    return (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        format!("cannot encode the JSONPatch: {error}\n"),
                    )
                        .into_response();
                }
            };
        }
    }
    let elapsed = start.elapsed();
    let labels = RequestLabels {
        operation: crate::config::Operation::from(&review.request.operation)
            .name()
            .into(),
        decision: if pinned.is_empty() {
            "unchanged"
        } else {
            "pinned"
        }
        .into(),
    };
    state.metrics.requests.get_or_create(&labels).inc();
    state
        .metrics
        .request_duration
        .get_or_create(&labels)
        .observe(elapsed.as_secs_f64());
    audit::mutation(&review, &pinned, elapsed);
    match serde_json::to_value(response.into_review()).map(base64_patch) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot encode the AdmissionReview response: {error}\n"),
        )
            .into_response(),
    }
}

/// kube-core writes the patch's bytes as a JSON array of numbers (kube-rs/kube#1781);
/// the API server reads a Go `[]byte`, which JSON carries as base64.
fn base64_patch(mut review: serde_json::Value) -> Vec<u8> {
    use base64::Engine as _;
    if let Some(patch) = review.pointer_mut("/response/patch")
        && let Some(numbers) = patch.as_array()
    {
        let bytes: Vec<u8> = numbers
            .iter()
            .filter_map(|n| n.as_u64().and_then(|n| u8::try_from(n).ok()))
            .collect();
        *patch = serde_json::Value::from(base64::engine::general_purpose::STANDARD.encode(bytes));
    }
    review.to_string().into_bytes()
}

/// Counts the cache lookups of a pinning and lists the images pinned (`image@digest`).
fn record_pins(
    state: &AppState,
    results: &[ImageResult],
    took: Duration,
    pinned: &mut Vec<String>,
) {
    let count = |lookup| results.iter().filter(|r| r.cache == lookup).count() as u64;
    count_cache_lookups(
        state,
        count(CacheLookup::Hit),
        count(CacheLookup::Miss),
        took,
    );
    for result in results {
        if let ImageVerdict::Verified { digest } = &result.verdict {
            pinned.push(format!("{}@{digest}", result.image));
        }
    }
}

/// The `timeout` the API server adds to the URL (`?timeout=5s`, a Go duration).
fn requested_timeout(query: &str) -> Option<Duration> {
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("timeout="))?;
    let mut total = Duration::ZERO;
    let mut rest = value;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.')?;
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_end] {
            "h" => number * 3600.0,
            "m" => number * 60.0,
            "s" => number,
            "ms" => number / 1000.0,
            _ => return None,
        };
        total += Duration::try_from_secs_f64(seconds).ok()?;
        rest = &rest[unit_end..];
    }
    (total > Duration::ZERO).then_some(total)
}

/// Loads and compiles the policies of a configuration off the async threads.
async fn compile(config: Config, options: &ServeOptions) -> Result<Runtime, String> {
    let loader = options.loader.clone();
    tokio::task::spawn_blocking(move || {
        let limits = Limits {
            eval_timeout: config.deadline(None),
            ..Limits::default()
        };
        let loaded = loader(&config.policies, limits)?;
        let policies = AdmissionPolicies::new(loaded, &config)?;
        let excluded_namespaces = globs(&config.excluded_namespaces)?;
        let namespaces = if policies.selects_namespaces() {
            Some(
                NamespaceReader::new(&config.kubernetes, |name| std::env::var(name).ok())
                    .map_err(|e| {
                        format!("a Gatekeeper constraint has a namespaceSelector, so the webhook reads Namespaces from the Kubernetes API server: {e}")
                    })?,
            )
        } else {
            None
        };
        let images = match &config.images {
            Some(images) => Some(Images {
                verifier: CosignVerifier::new(images)?,
                gate: ImageGate::new(images.clone())?,
                cache: VerificationCache::default(),
            }),
            None => None,
        };
        Ok(Runtime {
            config,
            policies,
            excluded_namespaces,
            images,
            namespaces,
        })
    })
    .await
    .map_err(|e| format!("compiling the policies failed: {e}"))?
}

fn log_compiled(runtime: &Runtime) {
    tracing::info!(
        policies = runtime.policies.len(),
        not_at_admission = %runtime.policies.not_at_admission.join(","),
        "policies compiled"
    );
}

/// A cheap fingerprint of files, to notice changes by polling (robust to the symlink
/// swaps of mounted Secrets and ConfigMaps, where file events are unreliable).
fn fingerprint(paths: &[PathBuf]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for path in paths {
        path.hash(&mut hasher);
        match std::fs::read(path) {
            Ok(bytes) => bytes.hash(&mut hasher),
            Err(error) => error.kind().hash(&mut hasher),
        }
    }
    hasher.finish()
}

/// Every file whose change reloads the configuration: the file itself, the user's Rego
/// and data files, and the keys, roots and credentials of image verification.
async fn fingerprint_config(path: &std::path::Path, config: &Config) -> u64 {
    let mut roots = config.policies.paths.clone();
    roots.extend(config.policies.data.iter().cloned());
    let mut files = vec![path.to_path_buf()];
    files.extend(config.images.iter().flat_map(|images| images.files()));
    // A rotated cluster CA is a new client; the token is re-read at every call instead.
    files.push(config.kubernetes.ca_file.clone());
    tokio::task::spawn_blocking(move || {
        for root in &roots {
            let _ = tollgate_engine::policy::collect(root, &mut |_| true, &mut files);
        }
        fingerprint(&files)
    })
    .await
    .unwrap_or_default()
}

async fn fingerprint_tls(config: &Config) -> u64 {
    let files = vec![config.tls.cert_file.clone(), config.tls.key_file.clone()];
    tokio::task::spawn_blocking(move || fingerprint(&files))
        .await
        .unwrap_or_default()
}

/// Polls the certificate, the key and the configuration; a change that loads is
/// applied without dropping a request, one that does not is logged and ignored.
async fn watch(
    state: Arc<AppState>,
    options: ServeOptions,
    rustls: RustlsConfig,
    mut config: Config,
    mut config_print: u64,
) {
    let mut tls_print = fingerprint_tls(&config).await;
    loop {
        tokio::time::sleep(Duration::from_secs(config.reload_interval_seconds)).await;
        let current = fingerprint_tls(&config).await;
        if current != tls_print {
            tls_print = current;
            let (cert, key) = (config.tls.cert_file.clone(), config.tls.key_file.clone());
            let built = tokio::task::spawn_blocking(move || tls::server_config(&cert, &key))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            match built {
                Ok(tls_config) => {
                    rustls.reload_from_config(tls_config);
                    state.metrics.reload("certificate", true);
                    tracing::info!("certificate reloaded");
                }
                Err(error) => {
                    state.metrics.reload("certificate", false);
                    tracing::error!(error = %error, "certificate not reloaded; the previous one stays in use");
                }
            }
        }
        let current = fingerprint_config(&options.config_path, &config).await;
        if current == config_print {
            continue;
        }
        config_print = current;
        let path = options.config_path.clone();
        let loaded = tokio::task::spawn_blocking(move || Config::load(&path))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()));
        let compiled = match loaded {
            Ok(new) => {
                if new.listen != config.listen || new.workers != config.workers {
                    tracing::warn!("listen and workers take effect on restart");
                }
                compile(new.clone(), &options).await.map(|r| (new, r))
            }
            Err(error) => Err(error),
        };
        match compiled {
            Ok((new, runtime)) => {
                log_compiled(&runtime);
                state.runtime.store(Some(Arc::new(runtime)));
                state.metrics.reload("config", true);
                tracing::info!("configuration reloaded");
                config = new;
                config_print = fingerprint_config(&options.config_path, &config).await;
                tls_print = fingerprint_tls(&config).await;
            }
            Err(error) => {
                state.metrics.reload("config", false);
                tracing::error!(error = %error, "configuration not reloaded; the previous one stays in force");
            }
        }
    }
}

async fn shutdown_on_signal(
    state: Arc<AppState>,
    handle: Handle<std::net::SocketAddr>,
    grace: Duration,
) {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(error = %error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = terminate => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    state.shutting_down.store(true, Ordering::SeqCst);
    tracing::info!(
        grace_seconds = grace.as_secs(),
        "shutting down: draining in-flight requests"
    );
    handle.graceful_shutdown(Some(grace));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patch_travels_as_base64() {
        use base64::Engine as _;
        let request: kube_core::admission::AdmissionRequest<kube_core::DynamicObject> =
            serde_json::from_value(serde_json::json!({
                "uid": "u1",
                "kind": {"group": "", "version": "v1", "kind": "Pod"},
                "resource": {"group": "", "version": "v1", "resource": "pods"},
                "operation": "CREATE",
                "userInfo": {},
            }))
            .unwrap();
        let patch: json_patch::Patch = serde_json::from_value(serde_json::json!([
            {"op": "replace", "path": "/spec/containers/0/image", "value": "a@sha256:1"}
        ]))
        .unwrap();
        let review = kube_core::admission::AdmissionResponse::from(&request)
            .with_patch(patch)
            .unwrap()
            .into_review();
        let json: serde_json::Value =
            serde_json::from_slice(&base64_patch(serde_json::to_value(review).unwrap())).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(json["response"]["patch"].as_str().unwrap())
            .unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"[{"op":"replace","path":"/spec/containers/0/image","value":"a@sha256:1"}]"#
        );
        assert_eq!(json["response"]["patchType"], "JSONPatch");
    }

    #[test]
    fn the_api_servers_timeout_is_read() {
        assert_eq!(
            requested_timeout("timeout=5s"),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            requested_timeout("a=b&timeout=1m30s"),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            requested_timeout("timeout=2500ms"),
            Some(Duration::from_millis(2500))
        );
        assert_eq!(requested_timeout("timeout=soon"), None);
        assert_eq!(requested_timeout("timeout=0s"), None);
        assert_eq!(requested_timeout("other=1"), None);
    }
}
