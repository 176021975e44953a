//! The templates and constraints of a run: found among policy paths, checked against
//! each other, and evaluated over reviews.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::input::{matched_objects, review_namespace};
use super::inventory::{Inventory, NamespaceLookup};
use super::template::RawViolation;
use super::{
    Constraint, DocumentRole, EnforcementAction, GatekeeperError, Template, role_of, to_rego,
};
use crate::input::{self, Format};
use crate::limits::Limits;
use crate::policy;

/// ConstraintTemplates and the Constraints that instantiate them.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub templates: Vec<Template>,
    pub constraints: Vec<Constraint>,
}

/// A constraint that matched a review, and the violations it found (none: it passed).
#[derive(Debug, Clone)]
pub struct Outcome<'a> {
    /// The constraint's position in the library.
    pub index: usize,
    pub constraint: &'a Constraint,
    /// What its violations do at the enforcement point reviewed for.
    pub action: EnforcementAction,
    pub violations: Vec<RawViolation>,
}

impl Library {
    /// Reads every YAML file under `paths` whose documents are ConstraintTemplates or
    /// Constraints; other YAML (data, examples) is left alone. A file that mixes them
    /// with other objects, or a broken file that mentions Gatekeeper, is an error.
    pub fn load(paths: &[PathBuf], limits: &Limits) -> Result<Self, GatekeeperError> {
        let mut files = Vec::new();
        for path in paths {
            policy::collect(path, &mut is_yaml, &mut files)
                .map_err(|e| GatekeeperError::new(&path.display().to_string(), e.to_string()))?;
        }
        let mut library = Library::default();
        for file in files {
            library.add_file(&file, limits)?;
        }
        library.check()?;
        Ok(library)
    }

    pub fn is_empty(&self) -> bool {
        self.templates.is_empty() && self.constraints.is_empty()
    }

    /// Adds the templates and constraints of one file; returns whether it held any.
    pub fn add_file(&mut self, path: &Path, limits: &Limits) -> Result<bool, GatekeeperError> {
        let display = path.display().to_string();
        let file = match input::load(&display, Format::Yaml, limits) {
            Ok(file) => file,
            Err(error) => {
                let mentions_gatekeeper = std::fs::read_to_string(path)
                    .map(|text| text.contains("gatekeeper.sh"))
                    .unwrap_or(false);
                return if mentions_gatekeeper {
                    Err(GatekeeperError::new(&display, error.to_string()))
                } else {
                    Ok(false)
                };
            }
        };
        let documents: Vec<&Value> = file
            .documents
            .iter()
            .map(|d| &d.value)
            .filter(|v| !v.is_null())
            .collect();
        let roles: Vec<DocumentRole> = documents.iter().map(|d| role_of(d)).collect();
        if roles.iter().all(|r| *r == DocumentRole::Other) {
            return Ok(false);
        }
        if let Some(index) = roles.iter().position(|r| *r == DocumentRole::Other) {
            return Err(GatekeeperError::new(
                &display,
                format!(
                    "document {} is not a ConstraintTemplate or Constraint, but others in this file are: keep policies and objects in separate files",
                    index + 1
                ),
            ));
        }
        for (document, role) in documents.into_iter().zip(roles) {
            self.add_document(document, role, &display, limits)?;
        }
        Ok(true)
    }

    /// Adds one template or constraint document.
    pub fn add_document(
        &mut self,
        document: &Value,
        role: DocumentRole,
        file: &str,
        limits: &Limits,
    ) -> Result<(), GatekeeperError> {
        match role {
            DocumentRole::Template => {
                let template = Template::from_document(document, file, limits)?;
                if let Some(other) = self.templates.iter().find(|t| t.kind == template.kind) {
                    return Err(GatekeeperError::new(
                        file,
                        format!(
                            "ConstraintTemplate {} defines kind {} again (first in {})",
                            template.name, template.kind, other.file
                        ),
                    ));
                }
                self.templates.push(template);
            }
            DocumentRole::Constraint => {
                let constraint = Constraint::from_document(document, file)?;
                if let Some(other) = self
                    .constraints
                    .iter()
                    .find(|c| c.kind == constraint.kind && c.name == constraint.name)
                {
                    return Err(GatekeeperError::new(
                        file,
                        format!(
                            "Constraint {} is defined twice (first in {})",
                            constraint.label(),
                            other.file
                        ),
                    ));
                }
                self.constraints.push(constraint);
            }
            DocumentRole::Other => {
                return Err(GatekeeperError::new(
                    file,
                    "not a ConstraintTemplate or Constraint",
                ));
            }
        }
        Ok(())
    }

    /// Every constraint needs the template of its kind, and parameters that fit its schema.
    pub fn check(&self) -> Result<(), GatekeeperError> {
        for constraint in &self.constraints {
            let template = &self.templates[self.template_of(constraint)?];
            super::schema::check_parameters(template, constraint)
                .map_err(|message| GatekeeperError::new(&constraint.file, message))?;
        }
        Ok(())
    }

    fn template_of(&self, constraint: &Constraint) -> Result<usize, GatekeeperError> {
        self.templates
            .iter()
            .position(|t| t.kind == constraint.kind)
            .ok_or_else(|| {
                GatekeeperError::new(
                    &constraint.file,
                    format!(
                        "Constraint {}: no ConstraintTemplate defines kind {}",
                        constraint.label(),
                        constraint.kind
                    ),
                )
            })
    }

    /// Prepares every template's engine over `inventory`, once per run (or per case).
    pub fn prepare(&self, inventory: Inventory) -> Result<Prepared, GatekeeperError> {
        let data = to_rego(&inventory.to_data())
            .map_err(|message| GatekeeperError::new("data.inventory", message))?;
        let engines = self
            .templates
            .iter()
            .map(|t| {
                t.engine_with_data(&data)
                    .map_err(|message| GatekeeperError::new(&t.file, message))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let template_of = self
            .constraints
            .iter()
            .map(|c| self.template_of(c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Prepared {
            library: self.clone(),
            inventory,
            engines,
            template_of,
        })
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// A library ready to review objects against one inventory.
#[derive(Clone)]
pub struct Prepared {
    library: Library,
    inventory: Inventory,
    /// One engine per template, in the library's order, with `data.inventory` loaded.
    engines: Vec<regorus::Engine>,
    /// The template of each constraint.
    template_of: Vec<usize>,
}

impl Prepared {
    /// The constraints reviews are checked against.
    pub fn constraints(&self) -> &[Constraint] {
        &self.library.constraints
    }

    /// Evaluates every constraint enforced at `point` that matches `review` (an
    /// `input.review`); in the library's order of constraints.
    pub fn review(&self, review: &Value, point: &str) -> Result<Vec<Outcome<'_>>, String> {
        self.review_in(review, point, &self.inventory)
    }

    /// Whether some constraint has a namespaceSelector, so that reviews of namespaced
    /// objects may need their Namespace.
    pub fn selects_namespaces(&self) -> bool {
        self.library
            .constraints
            .iter()
            .any(|c| c.matcher.namespace_selector.is_some())
    }

    /// Whether a constraint with a namespaceSelector may match objects of `kind` (in any
    /// group), so that a review of one needs its Namespace.
    pub fn selects_namespaces_of(&self, kind: &str) -> bool {
        self.library.constraints.iter().any(|c| {
            let matcher = &c.matcher;
            matcher.namespace_selector.is_some()
                && (matcher.kinds.is_empty()
                    || matcher.kinds.iter().any(|s| {
                        s.kinds.is_empty() || s.kinds.iter().any(|k| k == "*" || k == kind)
                    }))
        })
    }

    /// [`Prepared::review`] with namespaceSelectors judged on the Namespace `lookup` finds
    /// (the admission webhook's, read from the API server) instead of the inventory's.
    pub fn review_in(
        &self,
        review: &Value,
        point: &str,
        lookup: &dyn NamespaceLookup,
    ) -> Result<Vec<Outcome<'_>>, String> {
        let namespace = review_namespace(review);
        let objects = matched_objects(review);
        if objects.is_empty() {
            return Err("the review has neither object nor oldObject".into());
        }
        let mut outcomes = Vec::new();
        for (index, constraint) in self.library.constraints.iter().enumerate() {
            let Some(action) = constraint.action_at(point) else {
                continue;
            };
            let mut matched = false;
            for object in &objects {
                if constraint
                    .matcher
                    .matches_in(object, namespace, lookup)
                    .map_err(|e| format!("Constraint {}: {e}", constraint.label()))?
                {
                    matched = true;
                    break;
                }
            }
            if !matched {
                continue;
            }
            let template_index = self.template_of[index];
            let template = &self.library.templates[template_index];
            let mut engine = self.engines[template_index].clone();
            let input = json!({"review": review, "parameters": constraint.parameters});
            let violations = template
                .violations(&mut engine, &input)
                .map_err(|e| format!("Constraint {}: {e}", constraint.label()))?;
            outcomes.push(Outcome {
                index,
                constraint,
                action,
                violations,
            });
        }
        Ok(outcomes)
    }
}
