//! Constraints: an instance of a template's kind with its parameters, the objects it
//! matches and what a violation does (`enforcementAction`).

use serde_json::{Value, json};

use super::matching::Match;
use super::{CONSTRAINTS_GROUP, GatekeeperError, metadata_str};

/// What a violation of a constraint does to a run; ordered from the mildest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EnforcementAction {
    /// Reported, never failing the run.
    Dryrun,
    /// A warning.
    Warn,
    /// A failure (the default).
    Deny,
}

/// Where a constraint is enforced, as `scopedEnforcementActions` names it.
pub mod enforcement_point {
    /// Shift-left checks: `tollgate test` and `tollgate gator verify`, as gator.
    pub const GATOR: &str = "gator.gatekeeper.sh";
    /// The validating admission webhook.
    pub const VALIDATION: &str = "validation.gatekeeper.sh";
}

/// One `scopedEnforcementActions` entry: an action at some enforcement points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedAction {
    pub action: EnforcementAction,
    /// Point names; `*` is every point.
    pub points: Vec<String>,
}

impl EnforcementAction {
    /// Gatekeeper's names; an empty or absent action is `deny`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "" | "deny" => Some(Self::Deny),
            "warn" => Some(Self::Warn),
            "dryrun" => Some(Self::Dryrun),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Deny => "deny",
            Self::Warn => "warn",
            Self::Dryrun => "dryrun",
        }
    }
}

/// A loaded Constraint.
#[derive(Debug, Clone)]
pub struct Constraint {
    /// The template's kind, e.g. `K8sRequiredLabels`.
    pub kind: String,
    pub name: String,
    pub file: String,
    pub enforcement: EnforcementAction,
    /// With `enforcementAction: scoped`, the actions per enforcement point.
    pub scoped: Option<Vec<ScopedAction>>,
    pub matcher: Match,
    /// `spec.parameters`, `{}` when absent.
    pub parameters: Value,
}

impl Constraint {
    /// Reads a Constraint document (`constraints.gatekeeper.sh/*`) from `file`.
    pub fn from_document(document: &Value, file: &str) -> Result<Self, GatekeeperError> {
        let fail = |message: String| GatekeeperError::new(file, message);
        let group_ok = document
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with(&format!("{CONSTRAINTS_GROUP}/")));
        if !group_ok {
            return Err(fail(format!(
                "a Constraint's apiVersion must be {CONSTRAINTS_GROUP}/<version>"
            )));
        }
        let kind = document
            .get("kind")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| fail("Constraint without kind".into()))?
            .to_string();
        let name = metadata_str(document, "name")
            .filter(|n| !n.is_empty())
            .ok_or_else(|| fail(format!("{kind} Constraint without metadata.name")))?
            .to_string();
        let context = |message: String| fail(format!("{kind}/{name}: {message}"));
        let spec = match document.get("spec") {
            None | Some(Value::Null) => json!({}),
            Some(spec @ Value::Object(_)) => spec.clone(),
            Some(_) => return Err(context("spec must be an object".into())),
        };
        let action = match spec.get("enforcementAction") {
            None | Some(Value::Null) => "",
            Some(Value::String(action)) => action.as_str(),
            Some(_) => return Err(context("spec.enforcementAction must be a string".into())),
        };
        let (enforcement, scoped) = if action == "scoped" {
            let scoped = scoped_actions(spec.get("scopedEnforcementActions")).map_err(context)?;
            (EnforcementAction::Deny, Some(scoped))
        } else {
            let enforcement = EnforcementAction::from_name(action).ok_or_else(|| {
                context(format!(
                    "unsupported spec.enforcementAction {action:?} (expected deny, warn, dryrun or scoped)"
                ))
            })?;
            (enforcement, None)
        };
        let matcher = match spec.get("match") {
            None | Some(Value::Null) => Match::default(),
            Some(value) => {
                Match::from_value(value).map_err(|e| context(format!("spec.match{e}")))?
            }
        };
        let parameters = match spec.get("parameters") {
            None | Some(Value::Null) => json!({}),
            Some(value) => value.clone(),
        };
        Ok(Self {
            kind,
            name,
            file: file.to_string(),
            enforcement,
            scoped,
            matcher,
            parameters,
        })
    }

    /// The action at an enforcement point: the strictest scoped action listed for it, or
    /// none (the constraint is not enforced there); without scoping, `enforcementAction`.
    pub fn action_at(&self, point: &str) -> Option<EnforcementAction> {
        match &self.scoped {
            None => Some(self.enforcement),
            Some(scoped) => scoped
                .iter()
                .filter(|s| s.points.iter().any(|p| p == "*" || p == point))
                .map(|s| s.action)
                .max(),
        }
    }

    /// `Kind/name`, as findings name a constraint.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// `spec.scopedEnforcementActions`: `[{action, enforcementPoints: [{name}]}]`.
fn scoped_actions(value: Option<&Value>) -> Result<Vec<ScopedAction>, String> {
    let entries = value
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
        .ok_or("enforcementAction scoped needs a non-empty spec.scopedEnforcementActions list")?;
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let at = format!("spec.scopedEnforcementActions[{i}]");
            let name = entry.get("action").and_then(Value::as_str).unwrap_or("");
            let action = EnforcementAction::from_name(name)
                .filter(|_| !name.is_empty())
                .ok_or_else(|| format!("{at}.action {name:?} is not one of deny, warn, dryrun"))?;
            let points = entry
                .get("enforcementPoints")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{at}.enforcementPoints must be a list"))?
                .iter()
                .map(|p| {
                    p.get("name")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .ok_or_else(|| format!("{at}.enforcementPoints: each needs a name"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ScopedAction { action, points })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constraint(spec: Value) -> Result<Constraint, GatekeeperError> {
        Constraint::from_document(
            &json!({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sDemo",
                    "metadata": {"name": "demo"}, "spec": spec}),
            "c.yaml",
        )
    }

    #[test]
    fn defaults_and_actions() {
        let plain = constraint(json!({})).unwrap();
        assert_eq!(plain.label(), "K8sDemo/demo");
        assert_eq!(plain.enforcement, EnforcementAction::Deny);
        assert_eq!(plain.parameters, json!({}));
        assert_eq!(plain.matcher, Match::default());
        for (name, action) in [
            ("deny", EnforcementAction::Deny),
            ("warn", EnforcementAction::Warn),
            ("dryrun", EnforcementAction::Dryrun),
        ] {
            let c = constraint(json!({"enforcementAction": name})).unwrap();
            assert_eq!(c.action_at(enforcement_point::GATOR), Some(action));
            assert_eq!(c.action_at(enforcement_point::VALIDATION), Some(action));
        }
        let e = constraint(json!({"enforcementAction": "block"})).unwrap_err();
        assert_eq!(e.file, "c.yaml");
        assert!(
            e.message
                .contains("K8sDemo/demo: unsupported spec.enforcementAction \"block\""),
            "{e}"
        );
    }

    #[test]
    fn scoped_actions_per_enforcement_point() {
        let c = constraint(
            json!({"enforcementAction": "scoped", "scopedEnforcementActions": [
            {"action": "dryrun", "enforcementPoints": [{"name": "*"}]},
            {"action": "deny", "enforcementPoints": [{"name": "validation.gatekeeper.sh"}]}]}),
        )
        .unwrap();
        assert_eq!(
            c.action_at(enforcement_point::VALIDATION),
            Some(EnforcementAction::Deny)
        );
        assert_eq!(
            c.action_at(enforcement_point::GATOR),
            Some(EnforcementAction::Dryrun)
        );
        let only = constraint(
            json!({"enforcementAction": "scoped", "scopedEnforcementActions": [
            {"action": "warn", "enforcementPoints": [{"name": "audit.gatekeeper.sh"}]}]}),
        )
        .unwrap();
        assert_eq!(only.action_at(enforcement_point::GATOR), None);
        let missing = constraint(json!({"enforcementAction": "scoped"})).unwrap_err();
        assert!(
            missing
                .message
                .contains("non-empty spec.scopedEnforcementActions"),
            "{missing}"
        );
        let bad = constraint(
            json!({"enforcementAction": "scoped", "scopedEnforcementActions": [
            {"action": "block", "enforcementPoints": []}]}),
        )
        .unwrap_err();
        assert!(
            bad.message
                .contains("spec.scopedEnforcementActions[0].action \"block\""),
            "{bad}"
        );
    }

    #[test]
    fn a_bad_match_names_the_field() {
        let e = constraint(json!({"match": {"kinds": [{"apiGroups": "apps"}]}})).unwrap_err();
        assert!(
            e.message
                .contains("K8sDemo/demo: spec.match.kinds[0].apiGroups: must be a list of strings"),
            "{e}"
        );
        let e = Constraint::from_document(
            &json!({"apiVersion": "v1", "kind": "K8sDemo", "metadata": {"name": "x"}}),
            "c.yaml",
        )
        .unwrap_err();
        assert!(
            e.message.contains("constraints.gatekeeper.sh/<version>"),
            "{e}"
        );
    }
}
