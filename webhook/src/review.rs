//! AdmissionReview in and out: reading a request body (kube-core's types, so the shape
//! is the API server's), building the policy input, and turning findings into the
//! response the API server and `kubectl` show.

use std::collections::BTreeMap;

use kube_core::DynamicObject;
use kube_core::admission::{AdmissionRequest, AdmissionResponse, AdmissionReview, Operation};
use kube_core::response::StatusSummary;
use serde_json::Value;
use tollgate_engine::check::RegoInput;

use crate::config::{self, Enforcement};
use crate::policies::{PolicyFinding, RequestView};

/// The only AdmissionReview version served (the one every supported API server sends).
pub const API_VERSION: &str = "admission.k8s.io/v1";

/// A longer warning may be truncated by the API server.
const MAX_WARNING_CHARS: usize = 256;
/// Warnings past this many bytes in total are dropped by the API server.
const MAX_WARNINGS_BYTES: usize = 4096;

/// A request read from its body, with its JSON form for policies.
pub struct Review {
    pub request: AdmissionRequest<DynamicObject>,
    /// The AdmissionRequest as policies see it in `input.review`.
    pub request_json: Value,
}

/// Reads an AdmissionReview body; the error says what is wrong, for a 400 answer.
pub fn parse(body: &[u8]) -> Result<Review, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(format!(
            "empty request body: expected an AdmissionReview ({API_VERSION}) JSON object"
        ));
    }
    let review: AdmissionReview<DynamicObject> =
        serde_json::from_slice(body).map_err(|e| format!("invalid AdmissionReview: {e}"))?;
    if review.types.api_version != API_VERSION || review.types.kind != "AdmissionReview" {
        return Err(format!(
            "unsupported kind {:?} of apiVersion {:?}: tollgate serves AdmissionReview {API_VERSION}",
            review.types.kind, review.types.api_version
        ));
    }
    let request: AdmissionRequest<DynamicObject> = review
        .try_into()
        .map_err(|_| "invalid AdmissionReview: it has no request".to_string())?;
    if request.uid.is_empty() {
        return Err("invalid AdmissionReview: request.uid is empty".into());
    }
    let request_json =
        serde_json::to_value(&request).map_err(|e| format!("invalid AdmissionReview: {e}"))?;
    Ok(Review {
        request,
        request_json,
    })
}

impl Review {
    /// The object policies evaluate: the new object, or on DELETE the old one.
    pub fn subject(&self) -> Option<&DynamicObject> {
        match self.request.operation {
            Operation::Delete => self.request.old_object.as_ref(),
            _ => self
                .request
                .object
                .as_ref()
                .or(self.request.old_object.as_ref()),
        }
    }

    /// The policy input: the object (conftest style) plus `review`, the whole request.
    /// Its JSON form, as policies see it; the server evaluates [`Review::policy_input`].
    pub fn input(&self) -> Value {
        let key = match self.request.operation {
            Operation::Delete => "oldObject",
            _ => "object",
        };
        let mut input = match self.request_json.get(key) {
            Some(Value::Object(object)) => Value::Object(object.clone()),
            _ => Value::Object(Default::default()),
        };
        if let Value::Object(map) = &mut input {
            map.insert("review".into(), self.request_json.clone());
        }
        input
    }

    /// [`Review::input`] in the engine's value form, for evaluation: the AdmissionRequest
    /// is converted once, and the object is shared between the input's root and
    /// `input.review` rather than converted twice.
    pub fn policy_input(&self) -> RegoInput {
        let key = match self.request.operation {
            Operation::Delete => "oldObject",
            _ => "object",
        };
        let request = RegoInput::from_json(&self.request_json);
        request.field(key).with_field("review", request)
    }

    /// What rule matching needs to know about the request.
    pub fn view(&self) -> RequestView<'_> {
        let subject = self.subject();
        let labels: BTreeMap<String, String> = subject
            .and_then(|o| o.metadata.labels.clone())
            .unwrap_or_default();
        RequestView {
            operation: config::Operation::from(&self.request.operation),
            subresource: self.request.sub_resource.as_deref().unwrap_or_default(),
            kind: &self.request.kind.kind,
            namespace: self.request.namespace.as_deref().filter(|n| !n.is_empty()),
            labels,
            being_deleted: subject.is_some_and(|o| o.metadata.deletion_timestamp.is_some()),
        }
    }

    /// `Pod webhook-test/name`, for messages and findings.
    pub fn label(&self) -> String {
        let request = &self.request;
        match request.namespace.as_deref().filter(|n| !n.is_empty()) {
            Some(namespace) if request.kind.kind != "Namespace" => {
                format!("{} {namespace}/{}", request.kind.kind, request.name)
            }
            _ => format!("{} {}", request.kind.kind, request.name),
        }
    }

    /// A Secret's content must never reach the audit log, even through a policy message.
    pub fn is_secret(&self) -> bool {
        self.request.kind.group.is_empty() && self.request.kind.kind == "Secret"
    }
}

/// How a request was decided, for metrics and the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Allowed, nothing to say.
    Allow,
    /// Allowed with warnings.
    Warn,
    /// Denied by policy.
    Deny,
    /// Allowed without evaluation (excluded namespace).
    Excluded,
    /// Denied because no decision could be made in time or at all (fail closed).
    Error,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Warn => "warn",
            Self::Deny => "deny",
            Self::Excluded => "excluded",
            Self::Error => "error",
        }
    }
}

/// The decision on one request and everything the audit log records about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub outcome: Outcome,
    /// The status message when the request is denied.
    pub message: String,
    pub denied: Vec<PolicyFinding>,
    pub warned: Vec<PolicyFinding>,
    pub dryrun: Vec<PolicyFinding>,
}

impl Decision {
    /// Sorts findings by their enforcement: deny failures reject, warn rules and warn
    /// enforcement become warnings, dryrun findings are only recorded.
    pub fn from_findings(label: &str, findings: Vec<PolicyFinding>) -> Self {
        let mut decision = Self {
            outcome: Outcome::Allow,
            message: String::new(),
            denied: Vec::new(),
            warned: Vec::new(),
            dryrun: Vec::new(),
        };
        for finding in findings {
            match (finding.enforcement, finding.warning_rule) {
                (Enforcement::Dryrun, _) => decision.dryrun.push(finding),
                (Enforcement::Warn, _) | (Enforcement::Deny, true) => decision.warned.push(finding),
                (Enforcement::Deny, false) => decision.denied.push(finding),
            }
        }
        if !decision.denied.is_empty() {
            decision.outcome = Outcome::Deny;
            let count = decision.denied.len();
            let listed: Vec<String> = decision
                .denied
                .iter()
                .map(|f| format!("[{}] {}", f.id, f.message))
                .collect();
            decision.message = format!(
                "{label} violates {count} {}: {}",
                if count == 1 { "policy" } else { "policies" },
                listed.join("; ")
            );
        } else if !decision.warned.is_empty() {
            decision.outcome = Outcome::Warn;
        }
        decision
    }

    /// Allowed without evaluation.
    pub fn excluded() -> Self {
        Self {
            outcome: Outcome::Excluded,
            ..Self::from_findings("", Vec::new())
        }
    }

    /// Denied because no decision could be reached (fail closed).
    pub fn failed(message: String) -> Self {
        Self {
            outcome: Outcome::Error,
            message,
            ..Self::from_findings("", Vec::new())
        }
    }

    pub fn allowed(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Allow | Outcome::Warn | Outcome::Excluded
        )
    }

    /// Warnings as the API server passes them to clients: `[id] message`, each at most
    /// 256 characters and 4 KiB in all, with a note when some had to be left out.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let mut bytes = 0;
        for (index, finding) in self.warned.iter().enumerate() {
            let warning = truncate(&format!("[{}] {}", finding.id, finding.message));
            let remaining = self.warned.len() - index;
            if bytes + warning.len() > MAX_WARNINGS_BYTES - 64 {
                warnings.push(format!("{remaining} more tollgate warnings left out"));
                break;
            }
            bytes += warning.len();
            warnings.push(warning);
        }
        warnings
    }

    /// The AdmissionReview answering `request`.
    pub fn response(
        &self,
        request: &AdmissionRequest<DynamicObject>,
    ) -> AdmissionReview<DynamicObject> {
        let mut response = AdmissionResponse::from(request);
        if !self.allowed() {
            response = response.deny(&self.message);
            response.result.code = 403;
            response.result.reason = "Forbidden".into();
            response.result.status = Some(StatusSummary::Failure);
        }
        let warnings = self.warnings();
        if !warnings.is_empty() {
            response.warnings = Some(warnings);
        }
        response.into_review()
    }
}

/// Printable text of at most [`MAX_WARNING_CHARS`] characters (control characters, which
/// the API server refuses in warnings, become spaces).
fn truncate(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() <= MAX_WARNING_CHARS {
        return clean;
    }
    let mut short: String = clean.chars().take(MAX_WARNING_CHARS - 3).collect();
    short.push_str("...");
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, enforcement: Enforcement, warning_rule: bool) -> PolicyFinding {
        PolicyFinding {
            id: id.into(),
            message: format!("{id} failed"),
            enforcement,
            warning_rule,
        }
    }

    #[test]
    fn enforcement_sorts_findings() {
        let decision = Decision::from_findings(
            "Pod ns/p",
            vec![
                finding("a", Enforcement::Deny, false),
                finding("b", Enforcement::Deny, true),
                finding("c", Enforcement::Warn, false),
                finding("d", Enforcement::Dryrun, false),
                finding("e", Enforcement::Deny, false),
            ],
        );
        assert_eq!(decision.outcome, Outcome::Deny);
        assert_eq!(
            decision.message,
            "Pod ns/p violates 2 policies: [a] a failed; [e] e failed"
        );
        assert_eq!(decision.warnings(), ["[b] b failed", "[c] c failed"]);
        assert_eq!(decision.dryrun.len(), 1);
        let warned = Decision::from_findings("x", vec![finding("c", Enforcement::Warn, false)]);
        assert!(warned.allowed());
        assert_eq!(warned.outcome, Outcome::Warn);
        let dry = Decision::from_findings("x", vec![finding("d", Enforcement::Dryrun, false)]);
        assert_eq!(dry.outcome, Outcome::Allow);
        assert!(dry.warnings().is_empty());
    }

    #[test]
    fn warnings_stay_within_the_api_server_limits() {
        let long = PolicyFinding {
            message: "x\n".repeat(500),
            ..finding("a", Enforcement::Warn, false)
        };
        let decision = Decision::from_findings("x", vec![long; 40]);
        let warnings = decision.warnings();
        assert!(
            warnings
                .iter()
                .all(|w| w.chars().count() <= MAX_WARNING_CHARS)
        );
        assert!(warnings.iter().all(|w| !w.contains('\n')));
        assert!(warnings.iter().map(String::len).sum::<usize>() <= MAX_WARNINGS_BYTES);
        assert!(
            warnings
                .last()
                .unwrap()
                .ends_with("more tollgate warnings left out")
        );
    }

    #[test]
    fn malformed_bodies_say_what_is_wrong() {
        let error = |body: &str| parse(body.as_bytes()).err().unwrap();
        assert!(error("").starts_with("empty request body"));
        assert!(error("{").contains("EOF while parsing"), "{}", error("{"));
        assert!(error("[1]").starts_with("invalid AdmissionReview"));
        assert!(
            error(r#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"}"#)
                .contains("tollgate serves AdmissionReview admission.k8s.io/v1")
        );
        assert_eq!(
            error(r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#),
            "invalid AdmissionReview: it has no request"
        );
    }

    /// The input the server evaluates, built from parts, is the documented input: for a
    /// create (object), an update (object and oldObject) and a delete (oldObject only).
    #[test]
    fn policy_input_is_the_object_plus_the_whole_request() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../testdata/admission/real-apiserver");
        for name in ["create-pod", "update-pod", "delete-pod", "create-namespace"] {
            let body = std::fs::read(dir.join(format!("{name}.json"))).unwrap();
            let review = parse(&body).unwrap();
            let input = review.input();
            assert_eq!(input["review"], review.request_json, "{name}");
            assert!(input["metadata"]["name"].is_string(), "{name}");
            assert_eq!(
                review.policy_input(),
                RegoInput::from_json(&input),
                "{name}"
            );
        }
        // A DELETE of an object the API server did not send is judged as an empty object.
        let mut review = parse(&std::fs::read(dir.join("delete-pod.json")).unwrap()).unwrap();
        review.request_json["oldObject"] = Value::Null;
        let input = review.input();
        assert_eq!(input.as_object().unwrap().len(), 1);
        assert_eq!(review.policy_input(), RegoInput::from_json(&input));
    }
}
