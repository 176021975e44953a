//! Gatekeeper compatibility: ConstraintTemplates and Constraints run unmodified, with
//! Gatekeeper's input (`input.review`, `input.parameters`), referential data
//! (`data.inventory`), constraint matching and enforcement actions, and gator's test
//! suites. Each template compiles into its own regorus engine, so templates that share a
//! package name or a `lib` never collide.

pub mod audit;
pub mod constraint;
mod deprecated;
pub mod input;
pub mod inventory;
pub mod library;
pub mod matching;
mod rule_bodies;
pub mod schema;
pub mod suite;
pub mod template;

use std::fmt;

use serde_json::Value;

pub use constraint::{Constraint, EnforcementAction};
pub use library::{Library, Outcome, Prepared};
pub use template::Template;

/// The API group of ConstraintTemplates.
pub const TEMPLATES_GROUP: &str = "templates.gatekeeper.sh";
/// The API group of Constraints (any version; the kind is a template's).
pub const CONSTRAINTS_GROUP: &str = "constraints.gatekeeper.sh";
/// The only target Gatekeeper validates Kubernetes objects with.
pub const ADMISSION_TARGET: &str = "admission.k8s.gatekeeper.sh";

/// A Gatekeeper source that cannot be used, naming its file (and the template or
/// constraint when known) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct GatekeeperError {
    pub file: String,
    pub message: String,
}

impl GatekeeperError {
    pub fn new(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for GatekeeperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// What a YAML document is to Gatekeeper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentRole {
    Template,
    Constraint,
    /// Anything else: an object to review or inventory.
    Other,
}

/// Tells templates and constraints from other objects by their apiVersion group.
pub fn role_of(document: &Value) -> DocumentRole {
    let group = document
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.split_once('/'))
        .map(|(group, _)| group);
    let kind = document.get("kind").and_then(Value::as_str);
    match (group, kind) {
        (Some(TEMPLATES_GROUP), Some("ConstraintTemplate")) => DocumentRole::Template,
        (Some(CONSTRAINTS_GROUP), Some(_)) => DocumentRole::Constraint,
        _ => DocumentRole::Other,
    }
}

/// `metadata.<field>` of an object as a string, if it is one.
pub(crate) fn metadata_str<'a>(object: &'a Value, field: &str) -> Option<&'a str> {
    object.get("metadata")?.get(field)?.as_str()
}

/// Converts JSON into a Rego value.
pub(crate) fn to_rego(value: &Value) -> Result<regorus::Value, String> {
    serde::Deserialize::deserialize(value).map_err(|e| format!("cannot convert to Rego: {e}"))
}
