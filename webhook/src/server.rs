//! The HTTPS server: `/validate`, `/healthz`, `/readyz` and `/metrics`, Rego evaluation on
//! a dedicated thread pool under a per-request deadline, reloads of the certificate and
//! configuration, and a graceful shutdown on SIGTERM that drains in-flight requests.

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
use tollgate_engine::limits::Limits;

use crate::audit;
use crate::config::Enforcement;
use crate::config::{Config, globs};
use crate::images::{ImageGate, ImageVerifier, VerificationCache};
use crate::metrics::{CacheLabels, FindingLabels, Metrics, RequestLabels};
use crate::policies::{AdmissionPolicies, Evaluation, PolicyFinding, PolicyLoader};
use crate::review::{self, Decision, Review};
use crate::tls;

/// What `tollgate webhook serve` needs besides the configuration file.
pub struct ServeOptions {
    pub config_path: PathBuf,
    pub loader: PolicyLoader,
    /// The image verifier (the cosign code); required when the configuration has `images`.
    pub verifier: Option<Arc<dyn ImageVerifier>>,
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
    images: Option<ImageGate>,
}

struct AppState {
    runtime: ArcSwapOption<Runtime>,
    shutting_down: AtomicBool,
    metrics: Metrics,
    pool: rayon::ThreadPool,
    verifier: Option<Arc<dyn ImageVerifier>>,
    cache: VerificationCache,
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
        verifier: options.verifier.clone(),
        cache: VerificationCache::default(),
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

async fn validate(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let start = Instant::now();
    let Some(runtime) = state.runtime.load_full() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "policies are still compiling; try again\n",
        )
            .into_response();
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
        return refuse(&state, start, StatusCode::PAYLOAD_TOO_LARGE, too_large());
    }
    let bytes = match Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX))
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            return refuse(&state, start, StatusCode::PAYLOAD_TOO_LARGE, too_large());
        }
        Err(error) => {
            return refuse(
                &state,
                start,
                StatusCode::BAD_REQUEST,
                format!("cannot read the request body: {error}"),
            );
        }
    };
    let review = match review::parse(&bytes) {
        Ok(review) => Arc::new(review),
        Err(message) => return refuse(&state, start, StatusCode::BAD_REQUEST, message),
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
    let (sender, receiver) = oneshot::channel();
    {
        let (runtime, review) = (runtime.clone(), review.clone());
        let label = label.clone();
        state.pool.spawn(move || {
            // A request whose caller has given up is not worth evaluating.
            if Instant::now() >= due {
                return;
            }
            let started = Instant::now();
            let result = runtime
                .policies
                .evaluate(&review.view(), &review.input(), &label);
            let _ = sender.send((result, started.elapsed()));
        });
    }
    let images = check_images(state, runtime, review);
    let joined =
        tokio::time::timeout_at(due.into(), async { tokio::join!(receiver, images) }).await;
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

/// Image verification findings (none when the configuration has no `images`).
async fn check_images(
    state: &Arc<AppState>,
    runtime: &Arc<Runtime>,
    review: &Arc<Review>,
) -> Vec<PolicyFinding> {
    let (Some(gate), Some(verifier)) = (&runtime.images, &state.verifier) else {
        return Vec::new();
    };
    let view = review.view();
    let admitted = matches!(
        view.operation,
        crate::config::Operation::Create | crate::config::Operation::Update
    ) && !view.being_deleted
        && ["", "ephemeralcontainers"].contains(&view.subresource);
    let Some(object) = review.request_json.get("object").filter(|_| admitted) else {
        return Vec::new();
    };
    let outcome = gate.check(object, verifier.as_ref(), &state.cache).await;
    for (result, count) in [("hit", outcome.cache_hits), ("miss", outcome.cache_misses)] {
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
    if config.images.is_some() && options.verifier.is_none() {
        return Err(format!(
            "{}: images: image verification is not available in this build of tollgate",
            options.config_path.display()
        ));
    }
    let loader = options.loader.clone();
    tokio::task::spawn_blocking(move || {
        let limits = Limits {
            eval_timeout: config.deadline(None),
            ..Limits::default()
        };
        let loaded = loader(&config.policies, limits)?;
        let policies = AdmissionPolicies::new(loaded, &config)?;
        let excluded_namespaces = globs(&config.excluded_namespaces)?;
        let images = config.images.clone().map(ImageGate::new).transpose()?;
        Ok(Runtime {
            config,
            policies,
            excluded_namespaces,
            images,
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
/// and data files.
async fn fingerprint_config(path: &std::path::Path, config: &Config) -> u64 {
    let mut roots = config.policies.paths.clone();
    roots.extend(config.policies.data.iter().cloned());
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut files = vec![path];
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
