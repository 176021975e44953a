//! Structured JSON logs: one audit record per admission decision (target
//! `tollgate::audit`), and the server's own events, as JSON lines on standard output.
//! Audit records name policies and their messages, never object content; for Secrets
//! even policy messages are left out, as a policy may quote a value.

use std::time::Duration;

use tracing_subscriber::fmt::format::FmtSpan;

use crate::policies::PolicyFinding;
use crate::review::{Decision, Review};

/// Sends every event to standard output as one JSON object per line. Call once.
pub fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_span_events(FmtSpan::NONE)
        .with_max_level(tracing::Level::INFO)
        .try_init();
}

fn ids(findings: &[PolicyFinding]) -> String {
    let mut ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
    ids.dedup();
    ids.join(",")
}

fn messages(findings: &[&PolicyFinding]) -> String {
    findings
        .iter()
        .map(|f| format!("[{}] {}", f.id, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Records a decision on a well-formed request.
pub fn decision(review: &Review, decision: &Decision, elapsed: Duration) {
    let request = &review.request;
    let all: Vec<&PolicyFinding> = decision
        .denied
        .iter()
        .chain(&decision.warned)
        .chain(&decision.dryrun)
        .collect();
    let messages = if review.is_secret() {
        "(not logged for Secrets)".to_string()
    } else if all.is_empty() {
        decision.message.clone()
    } else {
        messages(&all)
    };
    let kind = if request.kind.group.is_empty() {
        format!("{}/{}", request.kind.version, request.kind.kind)
    } else {
        format!(
            "{}/{}/{}",
            request.kind.group, request.kind.version, request.kind.kind
        )
    };
    tracing::info!(
        target: "tollgate::audit",
        uid = %request.uid,
        operation = crate::config::Operation::from(&request.operation).name(),
        kind = %kind,
        namespace = %request.namespace.as_deref().unwrap_or_default(),
        name = %request.name,
        sub_resource = %request.sub_resource.as_deref().unwrap_or_default(),
        user = %request.user_info.username.as_deref().unwrap_or_default(),
        dry_run = request.dry_run,
        allowed = decision.allowed(),
        decision = decision.outcome.name(),
        denied = %ids(&decision.denied),
        warned = %ids(&decision.warned),
        dryrun = %ids(&decision.dryrun),
        messages = %messages,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        "admission decision"
    );
}

/// Records a request that could not be read (400 or 413).
pub fn rejected(status: u16, reason: &str, elapsed: Duration) {
    tracing::warn!(
        target: "tollgate::audit",
        status,
        reason = %reason,
        allowed = false,
        decision = "invalid",
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        "admission request rejected"
    );
}

/// Records an answer of `/mutate`: the images pinned to their verified digests.
pub fn mutation(review: &Review, pinned: &[String], elapsed: Duration) {
    let request = &review.request;
    tracing::info!(
        target: "tollgate::audit",
        uid = %request.uid,
        operation = crate::config::Operation::from(&request.operation).name(),
        kind = %request.kind.kind,
        namespace = %request.namespace.as_deref().unwrap_or_default(),
        name = %request.name,
        dry_run = request.dry_run,
        allowed = true,
        decision = if pinned.is_empty() { "unchanged" } else { "pinned" },
        pinned = %pinned.join(","),
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        "admission mutation"
    );
}
