//! Constraints: an instance of a template's kind with its parameters, the objects it
//! matches and what a violation does (`enforcementAction`).

use serde_json::{Value, json};

use super::matching::Match;
use super::{CONSTRAINTS_GROUP, GatekeeperError, metadata_str};

/// What a violation of a constraint does to a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnforcementAction {
    /// A failure (the default).
    Deny,
    /// A warning.
    Warn,
    /// Reported, never failing the run.
    Dryrun,
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
        let enforcement = EnforcementAction::from_name(action).ok_or_else(|| {
            context(format!(
                "unsupported spec.enforcementAction {action:?} (expected deny, warn or dryrun)"
            ))
        })?;
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
            matcher,
            parameters,
        })
    }

    /// `Kind/name`, as findings name a constraint.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}
