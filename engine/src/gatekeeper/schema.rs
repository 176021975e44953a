//! A constraint's `spec.parameters` checked against its template's OpenAPI v3 schema, as
//! the API server checks a constraint against the CRD Gatekeeper generates: parameters
//! that do not fit are an error, never evaluated.

use super::{Constraint, Template};

/// Why the constraint's parameters do not fit the template's schema, if they do not.
pub fn check_parameters(template: &Template, constraint: &Constraint) -> Result<(), String> {
    let Some(schema) = &template.parameters_schema else {
        return Ok(());
    };
    let validator = jsonschema::validator_for(schema).map_err(|e| {
        format!(
            "ConstraintTemplate {}: invalid openAPIV3Schema: {e}",
            template.name
        )
    })?;
    let problems: Vec<String> = validator
        .iter_errors(&constraint.parameters)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("spec.parameters{}: {e}", at.replace('/', "."))
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "Constraint {} does not fit the schema of ConstraintTemplate {}: {}",
            constraint.label(),
            template.name,
            problems.join("; ")
        ))
    }
}
