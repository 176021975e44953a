//! The policies a webhook runs on one admission request: the Rego namespaces that apply to
//! a single Kubernetes object, each with its enforcement and match from the `rules` of the
//! configuration, evaluated through the engine's [`check_selected`]; and Gatekeeper
//! constraints, with their own match and enforcementAction, over the real AdmissionRequest
//! as `input.review`.

use std::collections::BTreeMap;
use std::sync::Arc;

use globset::GlobSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::Value;
use tollgate_engine::check::{RegoInput, Subject, check_selected};
use tollgate_engine::gatekeeper::constraint::enforcement_point;
use tollgate_engine::gatekeeper::inventory::{Inventory, NamespaceLookup};
use tollgate_engine::gatekeeper::{self, EnforcementAction, Library, Prepared};
use tollgate_engine::input::{InputKind, PathSegment, Position};
use tollgate_engine::limits::Limits;
use tollgate_engine::policy::{Namespace, PolicySet};
use tollgate_engine::report::Location;

use crate::config::{Config, Enforcement, MatchConfig, Operation, PoliciesConfig, globs};
use crate::review::Review;
use crate::selector;

/// Policies loaded and selected for a configuration, before admission-specific filtering.
pub struct LoadedPolicies {
    /// Loaded, not yet prepared: [`AdmissionPolicies::new`] prepares the group it runs.
    pub policies: PolicySet,
    /// The namespaces to run (bundled selection and user namespaces).
    pub namespaces: Vec<Namespace>,
    /// Gatekeeper ConstraintTemplates and Constraints among the policy paths.
    pub gatekeeper: Library,
    /// The namespaces whose rules may run on regorus's VM (see
    /// [`PolicySet::compile_rules`]): the bundled ones.
    pub compiled: fn(&Namespace) -> bool,
}

/// Loads policies as `tollgate test` does (bundled catalogue, user Rego, data), so the
/// webhook and the CLI can never disagree on what a policy set is. Given by the binary.
pub type PolicyLoader =
    Arc<dyn Fn(&PoliciesConfig, Limits) -> Result<LoadedPolicies, String> + Send + Sync>;

/// What an admission request looks like to rule matching.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestView<'a> {
    pub operation: Operation,
    /// Empty for the resource itself.
    pub subresource: &'a str,
    pub kind: &'a str,
    /// `None` for cluster-scoped objects.
    pub namespace: Option<&'a str>,
    /// Labels of the object evaluated.
    pub labels: BTreeMap<String, String>,
    /// The object already carries a `deletionTimestamp` (a finalizer update or a delete).
    pub being_deleted: bool,
}

/// One policy failure or warning, with what it does to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFinding {
    /// The catalogue id, else the rule (`main.deny`).
    pub id: String,
    pub message: String,
    pub enforcement: Enforcement,
    /// From a `warn` rule: a warning at most, whatever the enforcement.
    pub warning_rule: bool,
}

/// The result of evaluating the applicable policies over one object.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Evaluation {
    pub findings: Vec<PolicyFinding>,
    /// How many policies (Rego namespaces) ran.
    pub policies_run: usize,
}

struct Matcher {
    operations: Vec<Operation>,
    kinds: GlobSet,
    namespaces: GlobSet,
    excluded_namespaces: GlobSet,
    label_selector: Option<LabelSelector>,
    subresources: Vec<String>,
}

impl Matcher {
    fn new(config: &MatchConfig) -> Result<Self, String> {
        Ok(Self {
            operations: config.operations.clone(),
            kinds: globs(&config.kinds)?,
            namespaces: globs(&config.namespaces)?,
            excluded_namespaces: globs(&config.excluded_namespaces)?,
            label_selector: config.label_selector.clone(),
            subresources: config.subresources.clone(),
        })
    }

    fn matches(&self, request: &RequestView) -> bool {
        // An object being deleted is no longer being admitted: only policies that opt into
        // DELETE see it, so finalizer updates can never wedge a deletion.
        let operation_ok = if request.being_deleted {
            self.operations.contains(&Operation::Delete)
        } else {
            self.operations.contains(&request.operation)
        };
        let namespace = request.namespace.unwrap_or_default();
        operation_ok
            && self.subresources.iter().any(|s| s == request.subresource)
            && self.kinds.is_match(request.kind)
            && (request.namespace.is_none() && self.namespaces.is_match("*")
                || request.namespace.is_some() && self.namespaces.is_match(namespace))
            && !(request.namespace.is_some() && self.excluded_namespaces.is_match(namespace))
            && self
                .label_selector
                .as_ref()
                .is_none_or(|s| selector::matches(s, &request.labels))
    }
}

struct Rule {
    id: String,
    enforcement: Enforcement,
    /// Index of its match in [`AdmissionPolicies::matchers`].
    matcher: usize,
}

/// The compiled policies of one configuration, shared by every request until a reload.
pub struct AdmissionPolicies {
    set: PolicySet,
    namespaces: Vec<Namespace>,
    rules: Vec<Rule>,
    /// Each distinct match of the rules once (usually only the default one), so a
    /// request is matched once per distinct match rather than once per policy.
    matchers: Vec<(MatchConfig, Matcher)>,
    /// Ids of selected Kubernetes policies that need a whole set of objects, so cannot
    /// run on one admission request.
    pub not_at_admission: Vec<String>,
    /// Gatekeeper constraints; `data.inventory` is empty at admission (nothing is synced).
    gatekeeper: Option<Prepared>,
}

impl AdmissionPolicies {
    /// Keeps the namespaces that apply to one Kubernetes object and gives each its rule.
    pub fn new(loaded: LoadedPolicies, config: &Config) -> Result<Self, String> {
        let rule_globs = config
            .rules
            .iter()
            .map(|r| {
                globset::Glob::new(&r.policy)
                    .map(|g| g.compile_matcher())
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let gatekeeper = if loaded.gatekeeper.constraints.is_empty() {
            None
        } else {
            Some(
                loaded
                    .gatekeeper
                    .prepare(Inventory::default())
                    .map_err(|e| e.to_string())?,
            )
        };
        let mut namespaces = Vec::new();
        let mut rules = Vec::new();
        let mut matchers: Vec<(MatchConfig, Matcher)> = Vec::new();
        let mut not_at_admission = Vec::new();
        for namespace in loaded.namespaces {
            let id = policy_id(&namespace);
            match namespace.input {
                None | Some(InputKind::Kubernetes) => {}
                Some(InputKind::KubernetesSet) => {
                    not_at_admission.push(id);
                    continue;
                }
                Some(_) => continue,
            }
            if namespace.rules.is_empty() {
                continue;
            }
            let rule = config
                .rules
                .iter()
                .zip(&rule_globs)
                .find(|(_, glob)| glob.is_match(&id) || glob.is_match(&namespace.name))
                .map(|(rule, _)| rule);
            let enforcement = rule
                .and_then(|r| r.enforcement)
                .unwrap_or(config.default_enforcement);
            let default_match = MatchConfig::default();
            let matches = rule
                .and_then(|r| r.matches.as_ref())
                .unwrap_or(&default_match);
            let matcher = match matchers.iter().position(|(config, _)| config == matches) {
                Some(index) => index,
                None => {
                    matchers.push((matches.clone(), Matcher::new(matches)?));
                    matchers.len() - 1
                }
            };
            rules.push(Rule {
                id,
                enforcement,
                matcher,
            });
            namespaces.push(namespace);
        }
        // One generated rule per object kind reads every admission policy that judges it,
        // so a request is evaluated once, not once per policy (when every policy matches
        // it, as is usual).
        let mut set = loaded.policies;
        set.prepare_for(&namespaces).map_err(|e| e.to_string())?;
        set.compile_rules(loaded.compiled)
            .map_err(|e| e.to_string())?;
        set.compile_all_rules();
        Ok(Self {
            set,
            namespaces,
            rules,
            matchers,
            not_at_admission,
            gatekeeper,
        })
    }

    /// How many policies (Rego namespaces and Gatekeeper constraints) may run at admission.
    pub fn len(&self) -> usize {
        self.rules.len()
            + self
                .gatekeeper
                .as_ref()
                .map_or(0, |g| g.constraints().len())
    }

    /// Whether a constraint has a namespaceSelector, so Namespaces must be read.
    pub fn selects_namespaces(&self) -> bool {
        self.gatekeeper
            .as_ref()
            .is_some_and(Prepared::selects_namespaces)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The namespace whose Namespace object constraints need for `request` (read from the
    /// API server and given to [`AdmissionPolicies::evaluate`]): only when a constraint
    /// with a namespaceSelector may judge this namespaced request (by its kind); a
    /// Namespace request is judged by its own object.
    pub fn namespace_to_read<'a>(&self, request: &RequestView<'a>) -> Option<&'a str> {
        let namespace = request.namespace.filter(|n| !n.is_empty())?;
        let selects = self
            .gatekeeper
            .as_ref()
            .is_some_and(|g| g.selects_namespaces_of(request.kind));
        (selects && constraints_review(request) && request.kind != "Namespace").then_some(namespace)
    }

    /// Evaluates every policy that matches `request` over `input`, with constraints'
    /// namespaceSelectors judged on the Namespace `namespace` finds. An evaluation error
    /// (a policy that fails, a time limit, a Namespace that could not be read) is an
    /// `Err`: the caller fails closed.
    pub fn evaluate(
        &self,
        request: &RequestView,
        input: &Value,
        label: &str,
        namespace: &dyn NamespaceLookup,
    ) -> Result<Evaluation, String> {
        let request_json = input.get("review").unwrap_or(&Value::Null);
        self.evaluate_input(
            request,
            || RegoInput::from_json(input),
            request_json,
            label,
            namespace,
        )
    }

    /// [`AdmissionPolicies::evaluate`] over a request as read: its input
    /// ([`Review::policy_input`]) is converted only when a policy runs, the AdmissionRequest
    /// once for both the object and `input.review`.
    pub fn evaluate_review(
        &self,
        review: &Review,
        label: &str,
        namespace: &dyn NamespaceLookup,
    ) -> Result<Evaluation, String> {
        self.evaluate_input(
            &review.view(),
            || review.policy_input(),
            &review.request_json,
            label,
            namespace,
        )
    }

    fn evaluate_input(
        &self,
        request: &RequestView,
        input: impl FnOnce() -> RegoInput,
        request_json: &Value,
        label: &str,
        namespace: &dyn NamespaceLookup,
    ) -> Result<Evaluation, String> {
        let mut evaluation = self.evaluate_constraints(request, request_json, namespace)?;
        // Policies that declare the object kinds they judge (`custom.kinds`) pass other
        // kinds unevaluated; the rest form the group prepared for this kind.
        let matched: Vec<bool> = self
            .matchers
            .iter()
            .map(|(_, matcher)| matcher.matches(request))
            .collect();
        let selected: Vec<usize> = (0..self.rules.len())
            .filter(|&i| {
                matched[self.rules[i].matcher] && self.namespaces[i].judges(Some(request.kind))
            })
            .collect();
        if selected.is_empty() {
            return Ok(evaluation);
        }
        let subject = AdmissionSubject { label };
        let results = check_selected(
            &self.set,
            &self.namespaces,
            &selected,
            &input(),
            &subject,
            label,
        )
        .map_err(|e| e.message)?;
        evaluation.policies_run += selected.len();
        for (result, &index) in results.iter().zip(&selected) {
            let rule = &self.rules[index];
            let findings = result
                .failures
                .iter()
                .map(|f| (f, false))
                .chain(result.warnings.iter().map(|f| (f, true)));
            for (finding, warning_rule) in findings {
                evaluation.findings.push(PolicyFinding {
                    id: if finding.metadata.contains_key("id") {
                        finding.rule_id()
                    } else {
                        rule.id.clone()
                    },
                    message: finding.message.clone(),
                    enforcement: rule.enforcement,
                    warning_rule,
                });
            }
        }
        Ok(evaluation)
    }
}

impl AdmissionPolicies {
    /// Gatekeeper constraints over the AdmissionRequest (`input.review`), as Gatekeeper's
    /// webhook reviews it: creates and updates of resources, not deletions, subresources,
    /// or objects already being deleted.
    fn evaluate_constraints(
        &self,
        request: &RequestView,
        request_json: &Value,
        namespace: &dyn NamespaceLookup,
    ) -> Result<Evaluation, String> {
        let Some(gatekeeper) = &self.gatekeeper else {
            return Ok(Evaluation::default());
        };
        if !constraints_review(request) {
            return Ok(Evaluation::default());
        }
        let review = gatekeeper::input::review_of_request(request_json)?;
        let outcomes = gatekeeper.review_in(&review, enforcement_point::VALIDATION, namespace)?;
        let mut evaluation = Evaluation {
            findings: Vec::new(),
            policies_run: outcomes.len(),
        };
        for outcome in outcomes {
            let enforcement = match outcome.action {
                EnforcementAction::Deny => Enforcement::Deny,
                EnforcementAction::Warn => Enforcement::Warn,
                EnforcementAction::Dryrun => Enforcement::Dryrun,
            };
            for violation in outcome.violations {
                evaluation.findings.push(PolicyFinding {
                    id: outcome.constraint.label(),
                    message: violation.msg,
                    enforcement,
                    warning_rule: false,
                });
            }
        }
        Ok(evaluation)
    }
}

/// Whether Gatekeeper's webhook reviews a request: creates and updates of resources,
/// not deletions, subresources, or objects already being deleted.
fn constraints_review(request: &RequestView) -> bool {
    matches!(request.operation, Operation::Create | Operation::Update)
        && request.subresource.is_empty()
        && !request.being_deleted
}

/// A policy's name in rules, findings and metrics: its catalogue id, else its package.
fn policy_id(namespace: &Namespace) -> String {
    namespace
        .annotations
        .as_ref()
        .and_then(|a| a.id())
        .map_or_else(|| namespace.name.clone(), str::to_string)
}

/// Findings point at the object (`Pod webhook-test/name`); objects are not files, and an
/// object cannot exempt itself at admission (no ignore annotation is honoured).
struct AdmissionSubject<'a> {
    label: &'a str,
}

impl Subject for AdmissionSubject<'_> {
    fn locate(&self, _path: &[PathSegment]) -> Location {
        Location {
            file: self.label.to_string(),
            position: Position::new(1, 1),
        }
    }

    fn ignored(&self, _path: &[PathSegment], _id: &str) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{MatchConfig, RuleConfig};
    use serde_json::json;
    use tollgate_engine::policy::{PolicyFile, PolicyOptions};

    /// No Namespace known: constraints without a namespaceSelector never ask.
    const NO_NAMESPACE: Option<&Value> = None;

    const POLICY: &str = r#"package main
import rego.v1

deny contains msg if {
	input.metadata.labels.deny == "true"
	msg := sprintf("%s %s has label deny=true", [input.kind, input.metadata.name])
}

warn contains msg if {
	input.review.operation == "UPDATE"
	msg := "updated"
}
"#;

    fn config(rules: Vec<RuleConfig>) -> Config {
        let mut config: Config = serde_json::from_value(json!({
            "tls": {"certFile": "c", "keyFile": "k"}
        }))
        .unwrap();
        config.rules = rules;
        config
    }

    fn policies(rules: Vec<RuleConfig>) -> AdmissionPolicies {
        let set = PolicySet::from_sources(
            vec![PolicyFile {
                path: "main.rego".into(),
                source: POLICY.into(),
            }],
            &PolicyOptions::default(),
        )
        .unwrap();
        let namespaces = set.select(&["main".into()], false).unwrap();
        AdmissionPolicies::new(
            LoadedPolicies {
                policies: set,
                namespaces,
                gatekeeper: Library::default(),
                compiled: |_| false,
            },
            &config(rules),
        )
        .unwrap()
    }

    fn view(operation: Operation, labels: &[(&str, &str)]) -> RequestView<'static> {
        RequestView {
            operation,
            subresource: "",
            kind: "Pod",
            namespace: Some("team-a"),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            being_deleted: false,
        }
    }

    fn input(deny: bool, operation: &str) -> Value {
        json!({"kind": "Pod", "metadata": {"name": "p", "labels": {"deny": deny.to_string()}}, "review": {"operation": operation}})
    }

    #[test]
    fn failures_and_warnings_carry_their_enforcement() {
        let policies = policies(vec![]);
        assert_eq!(policies.len(), 1);
        let evaluation = policies
            .evaluate(
                &view(Operation::Update, &[("deny", "true")]),
                &input(true, "UPDATE"),
                "Pod p",
                &NO_NAMESPACE,
            )
            .unwrap();
        assert_eq!(
            evaluation.findings,
            [
                PolicyFinding {
                    id: "main".into(),
                    message: "Pod p has label deny=true".into(),
                    enforcement: Enforcement::Deny,
                    warning_rule: false,
                },
                PolicyFinding {
                    id: "main".into(),
                    message: "updated".into(),
                    enforcement: Enforcement::Deny,
                    warning_rule: true,
                }
            ]
        );
        let clean = policies
            .evaluate(
                &view(Operation::Create, &[]),
                &input(false, "CREATE"),
                "Pod p",
                &NO_NAMESPACE,
            )
            .unwrap();
        assert_eq!(clean.findings, []);
        assert_eq!(clean.policies_run, 1);
    }

    /// A policy that lists the kinds it judges runs only on those: one over every Pod
    /// and one that denies every Ingress, both prepared as one group per kind.
    #[test]
    fn policies_run_only_on_the_kinds_they_judge() {
        const INGRESS: &str = r#"# METADATA
# custom:
#   id: ingress.any
#   input: kubernetes
#   kinds: [Ingress]
package ingress
import rego.v1

deny contains "every Ingress is denied"
"#;
        let set = PolicySet::from_sources(
            vec![
                PolicyFile {
                    path: "main.rego".into(),
                    source: POLICY.into(),
                },
                PolicyFile {
                    path: "ingress.rego".into(),
                    source: INGRESS.into(),
                },
            ],
            &PolicyOptions::default(),
        )
        .unwrap();
        let namespaces = set
            .select(&["main".into(), "ingress".into()], false)
            .unwrap();
        let policies = AdmissionPolicies::new(
            LoadedPolicies {
                policies: set,
                namespaces,
                gatekeeper: Library::default(),
                compiled: |_| false,
            },
            &config(Vec::new()),
        )
        .unwrap();
        let pod = policies
            .evaluate(
                &view(Operation::Create, &[]),
                &input(false, "CREATE"),
                "Pod p",
                &NO_NAMESPACE,
            )
            .unwrap();
        assert_eq!(pod.findings, []);
        assert_eq!(pod.policies_run, 1);
        let ingress_view = RequestView {
            kind: "Ingress",
            ..view(Operation::Create, &[])
        };
        let ingress_input = json!({"kind": "Ingress", "metadata": {"name": "i"}, "review": {"operation": "CREATE"}});
        let ingress = policies
            .evaluate(&ingress_view, &ingress_input, "Ingress i", &NO_NAMESPACE)
            .unwrap();
        assert_eq!(ingress.policies_run, 2);
        assert_eq!(
            ingress
                .findings
                .iter()
                .map(|f| (f.id.as_str(), f.message.as_str()))
                .collect::<Vec<_>>(),
            [("ingress.any", "every Ingress is denied")]
        );
    }

    /// Our requiredlabels template with a constraint over Pods (deny) and one over every
    /// kind in namespaces webhook-* (warn).
    fn gatekeeper_policies() -> AdmissionPolicies {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/gatekeeper");
        let limits = Limits::default();
        let mut library = Library::default();
        let template = root.join("requiredlabels/template.yaml");
        assert!(library.add_file(&template, &limits).unwrap());
        let constraint = root.join("requiredlabels/samples/must-have-owner/constraint.yaml");
        assert!(library.add_file(&constraint, &limits).unwrap());
        let document = json!({
            "apiVersion": "constraints.gatekeeper.sh/v1beta1",
            "kind": "TgRequiredLabels",
            "metadata": {"name": "webhook-namespaces-need-app"},
            "spec": {"enforcementAction": "warn",
                     "match": {"namespaces": ["webhook-*"]},
                     "parameters": {"labels": [{"key": "app"}, {"key": "tier"}]}}
        });
        library
            .add_document(
                &document,
                gatekeeper::DocumentRole::Constraint,
                "inline.yaml",
                &limits,
            )
            .unwrap();
        // Scoped: a warning in CI but a denial here; and one enforced here only.
        for scoped in ["scoped", "webhook-only"] {
            let path = root.join(format!("requiredlabels/samples/{scoped}/constraint.yaml"));
            assert!(library.add_file(&path, &limits).unwrap());
        }
        library.check().unwrap();
        let set = PolicySet::from_sources(Vec::new(), &PolicyOptions::default()).unwrap();
        AdmissionPolicies::new(
            LoadedPolicies {
                policies: set,
                namespaces: Vec::new(),
                gatekeeper: library,
                compiled: |_| false,
            },
            &config(vec![]),
        )
        .unwrap()
    }

    fn captured(name: &str) -> crate::review::Review {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../testdata/admission/real-apiserver")
            .join(format!("{name}.json"));
        crate::review::parse(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn gatekeeper_constraints_review_the_real_admission_request() {
        let policies = gatekeeper_policies();
        assert_eq!(policies.len(), 4);
        let review = captured("create-pod");
        let evaluation = policies
            .evaluate(
                &review.view(),
                &review.input(),
                &review.label(),
                &NO_NAMESPACE,
            )
            .unwrap();
        assert_eq!(evaluation.policies_run, 4);
        assert_eq!(
            evaluation.findings,
            [
                PolicyFinding {
                    id: "TgRequiredLabels/must-have-owner".into(),
                    message: "Pod allowed-pod is missing required labels: [\"owner\", \"team\"]"
                        .into(),
                    enforcement: Enforcement::Deny,
                    warning_rule: false,
                },
                PolicyFinding {
                    id: "TgRequiredLabels/webhook-namespaces-need-app".into(),
                    message: "Pod allowed-pod is missing required labels: [\"tier\"]".into(),
                    enforcement: Enforcement::Warn,
                    warning_rule: false,
                },
                PolicyFinding {
                    id: "TgRequiredLabels/owner-scoped".into(),
                    message: "Pod allowed-pod is missing required labels: [\"owner\"]".into(),
                    enforcement: Enforcement::Deny,
                    warning_rule: false,
                },
                PolicyFinding {
                    id: "TgRequiredLabels/owner-at-admission-only".into(),
                    message: "Pod allowed-pod is missing required labels: [\"owner\"]".into(),
                    enforcement: Enforcement::Deny,
                    warning_rule: false,
                }
            ]
        );
        // The Deployment's pod labels do not count: its own labels are reviewed.
        let review = captured("create-deployment");
        let evaluation = policies
            .evaluate(
                &review.view(),
                &review.input(),
                &review.label(),
                &NO_NAMESPACE,
            )
            .unwrap();
        assert_eq!(evaluation.policies_run, 3);
        let messages: Vec<(&str, &str)> = evaluation
            .findings
            .iter()
            .map(|f| (f.id.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "TgRequiredLabels/must-have-owner",
                    "Deployment demo-deploy is missing required labels: [\"owner\", \"team\"]"
                ),
                (
                    "TgRequiredLabels/webhook-namespaces-need-app",
                    "Deployment demo-deploy is missing required labels: [\"tier\"]"
                ),
                (
                    "TgRequiredLabels/owner-at-admission-only",
                    "Deployment demo-deploy is missing required labels: [\"owner\"]"
                )
            ]
        );
        // Deletions are not reviewed, as in Gatekeeper's default webhook.
        let review = captured("delete-pod");
        let evaluation = policies
            .evaluate(
                &review.view(),
                &review.input(),
                &review.label(),
                &NO_NAMESPACE,
            )
            .unwrap();
        assert_eq!(evaluation, Evaluation::default());
    }

    /// The namespaceselector template with a constraint over Pods in env=prod namespaces.
    fn namespace_selector_policies() -> AdmissionPolicies {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/gatekeeper");
        let limits = Limits::default();
        let mut library = Library::default();
        let template = root.join("namespaceselector/template.yaml");
        assert!(library.add_file(&template, &limits).unwrap());
        let constraint = json!({
            "apiVersion": "constraints.gatekeeper.sh/v1beta1",
            "kind": "TgRequiredAnnotations",
            "metadata": {"name": "prod-pods"},
            "spec": {"match": {"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}],
                               "namespaceSelector": {"matchLabels": {"env": "prod"}}},
                     "parameters": {"annotations": ["example.com/contact"]}}
        });
        library
            .add_document(
                &constraint,
                gatekeeper::DocumentRole::Constraint,
                "inline.yaml",
                &limits,
            )
            .unwrap();
        library.check().unwrap();
        let set = PolicySet::from_sources(Vec::new(), &PolicyOptions::default()).unwrap();
        AdmissionPolicies::new(
            LoadedPolicies {
                policies: set,
                namespaces: Vec::new(),
                gatekeeper: library,
                compiled: |_| false,
            },
            &config(vec![]),
        )
        .unwrap()
    }

    #[test]
    fn the_namespace_is_read_only_when_a_namespace_selector_may_judge_the_request() {
        let policies = namespace_selector_policies();
        assert!(policies.selects_namespaces());
        let pod = view(Operation::Create, &[]);
        assert_eq!(policies.namespace_to_read(&pod), Some("team-a"));
        for (what, request) in [
            (
                "another kind",
                RequestView {
                    kind: "ConfigMap",
                    ..pod.clone()
                },
            ),
            (
                "a Namespace",
                RequestView {
                    kind: "Namespace",
                    namespace: None,
                    ..pod.clone()
                },
            ),
            ("a deletion", view(Operation::Delete, &[])),
            (
                "a subresource",
                RequestView {
                    subresource: "status",
                    ..pod.clone()
                },
            ),
            (
                "cluster-scoped",
                RequestView {
                    namespace: None,
                    ..pod.clone()
                },
            ),
        ] {
            assert_eq!(policies.namespace_to_read(&request), None, "{what}");
        }
        assert!(!self::policies(vec![]).selects_namespaces());

        let input = json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "team-a"},
            "review": {"operation": "CREATE", "namespace": "team-a", "name": "p",
                       "kind": {"group": "", "version": "v1", "kind": "Pod"},
                       "object": {"apiVersion": "v1", "kind": "Pod",
                                  "metadata": {"name": "p", "namespace": "team-a"}}}});
        let read = |labels: Value| crate::kubernetes::RequestNamespace {
            name: "team-a".into(),
            read: Ok(Arc::new(json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": "team-a", "labels": labels}}))),
        };
        let prod = policies
            .evaluate(&pod, &input, "Pod team-a/p", &read(json!({"env": "prod"})))
            .unwrap();
        assert_eq!(
            prod.findings
                .iter()
                .map(|f| (f.id.as_str(), f.message.as_str()))
                .collect::<Vec<_>>(),
            [(
                "TgRequiredAnnotations/prod-pods",
                "Pod p needs the annotation example.com/contact"
            )]
        );
        let dev = policies
            .evaluate(&pod, &input, "Pod team-a/p", &read(json!({"env": "dev"})))
            .unwrap();
        assert_eq!(dev.findings, []);
        let failed = crate::kubernetes::RequestNamespace {
            name: "team-a".into(),
            read: Err("cannot read Namespace \"team-a\": refused".into()),
        };
        let error = policies
            .evaluate(&pod, &input, "Pod team-a/p", &failed)
            .unwrap_err();
        assert_eq!(
            error,
            "Constraint TgRequiredAnnotations/prod-pods: cannot read Namespace \"team-a\": refused"
        );
    }

    #[test]
    fn rules_select_requests() {
        let selector: LabelSelector =
            serde_json::from_value(json!({"matchLabels": {"team": "a"}})).unwrap();
        let policies = policies(vec![RuleConfig {
            policy: "ma*".into(),
            enforcement: Some(Enforcement::Warn),
            matches: Some(MatchConfig {
                excluded_namespaces: vec!["team-b".into()],
                label_selector: Some(selector),
                ..MatchConfig::default()
            }),
        }]);
        let run = |view: &RequestView| {
            policies
                .evaluate(view, &input(true, "CREATE"), "Pod p", &NO_NAMESPACE)
                .unwrap()
        };
        let matching = view(Operation::Create, &[("team", "a")]);
        let evaluation = run(&matching);
        assert_eq!(evaluation.findings[0].enforcement, Enforcement::Warn);
        assert_eq!(
            run(&view(Operation::Create, &[("team", "b")])).policies_run,
            0
        );
        assert_eq!(
            run(&view(Operation::Delete, &[("team", "a")])).policies_run,
            0
        );
        assert_eq!(
            run(&view(Operation::Connect, &[("team", "a")])).policies_run,
            0
        );
        let other_namespace = RequestView {
            namespace: Some("team-b"),
            ..matching.clone()
        };
        assert_eq!(run(&other_namespace).policies_run, 0);
        let status = RequestView {
            subresource: "status",
            ..matching.clone()
        };
        assert_eq!(run(&status).policies_run, 0);
        let finalizing = RequestView {
            operation: Operation::Update,
            being_deleted: true,
            ..matching
        };
        assert_eq!(run(&finalizing).policies_run, 0);
    }
}
