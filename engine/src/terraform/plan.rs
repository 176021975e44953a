//! `terraform show -json` plans turned into the hcl2json module shape, so the bundled
//! Terraform policies read a plan exactly as they read `.tf` files.
//!
//! - Resources and data sources come from `planned_values` (every module, every `count` /
//!   `for_each` instance), as `resource.TYPE.NAME[i]`.
//! - An attribute whose configuration expression holds references keeps the plan's value
//!   when it is known; when it is unknown until apply it becomes the reference, as in the
//!   source (`"${aws_s3_bucket.data.id}"`), so cross-resource checks still pair resources.
//! - Sensitive values are never copied: a sensitive attribute set from a variable becomes
//!   the reference (`"${var.db_password}"`), one set by a literal keeps the literal (it is
//!   a hardcoded secret, which a policy must see), and a computed one is left out.
//! - Variables take the values the plan was made with, as their `default`.
//! - `provider_config` gives `provider` blocks and `required_providers` (with
//!   `version_constraint`). A plan is made by one exact Terraform version, which stands for
//!   `required_version`.

use serde_json::{Map, Value, json};

use crate::input::PathSegment;

/// A converted plan and, for each converted block, the path of the plan it came from.
pub struct ConvertedPlan {
    pub input: Value,
    pub origins: Vec<(Vec<PathSegment>, Vec<PathSegment>)>,
}

/// Converts a parsed plan (see [`crate::input::is_terraform_plan`]).
pub fn convert(plan: &Value) -> ConvertedPlan {
    let mut converted = ConvertedPlan {
        input: Value::Object(Map::new()),
        origins: Vec::new(),
    };
    let configuration = plan.get("configuration").unwrap_or(&Value::Null);
    let root_config = configuration.get("root_module").unwrap_or(&Value::Null);
    converted.add_variables(plan, root_config);
    converted.add_providers(plan, configuration);
    if let Some(root) = plan.pointer("/planned_values/root_module") {
        let path = vec![key("planned_values"), key("root_module")];
        converted.add_module(root, Some(root_config), &path);
    }
    converted
}

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

impl ConvertedPlan {
    fn section(&mut self, name: &str) -> &mut Map<String, Value> {
        let object = self
            .input
            .as_object_mut()
            .expect("the converted input is an object");
        object
            .entry(name)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("sections are objects")
    }

    /// Appends a block at `section.TYPE.NAME[]` (or `section.NAME[]` without a type).
    fn push_block(&mut self, section: &str, names: &[&str], body: Value, origin: Vec<PathSegment>) {
        let mut target = self.section(section);
        let mut path = vec![key(section)];
        for (depth, name) in names.iter().enumerate() {
            path.push(key(name));
            let last = depth + 1 == names.len();
            let entry = target.entry(*name).or_insert_with(|| {
                if last {
                    Value::Array(Vec::new())
                } else {
                    Value::Object(Map::new())
                }
            });
            if last {
                let Some(blocks) = entry.as_array_mut() else {
                    return;
                };
                path.push(PathSegment::Index(blocks.len()));
                blocks.push(body);
                self.origins.push((path, origin));
                return;
            }
            let Some(next) = entry.as_object_mut() else {
                return;
            };
            target = next;
        }
    }

    fn add_variables(&mut self, plan: &Value, root_config: &Value) {
        let Some(values) = plan.get("variables").and_then(Value::as_object) else {
            return;
        };
        for (name, entry) in values {
            let declared = root_config.pointer(&format!("/variables/{}", escape(name)));
            let sensitive = declared
                .and_then(|d| d.get("sensitive"))
                .is_some_and(|s| s == &Value::Bool(true));
            let mut body = Map::new();
            if let Some(value) = entry.get("value").filter(|_| !sensitive) {
                body.insert("default".into(), value.clone());
            }
            if let Some(description) = declared.and_then(|d| d.get("description")) {
                body.insert("description".into(), description.clone());
            }
            let origin = match declared {
                Some(_) => vec![
                    key("configuration"),
                    key("root_module"),
                    key("variables"),
                    key(name),
                ],
                None => vec![key("variables"), key(name)],
            };
            self.push_block("variable", &[name], Value::Object(body), origin);
        }
    }

    fn add_providers(&mut self, plan: &Value, configuration: &Value) {
        let mut required = Map::new();
        if let Some(providers) = configuration
            .get("provider_config")
            .and_then(Value::as_object)
        {
            for (config_key, provider) in providers {
                let name = provider
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(config_key);
                let mut body = render(
                    &Value::Null,
                    provider.get("expressions").unwrap_or(&Value::Null),
                    &Value::Null,
                );
                if let (Some(alias), Some(object)) = (provider.get("alias"), body.as_object_mut()) {
                    object.insert("alias".into(), alias.clone());
                }
                let origin = vec![
                    key("configuration"),
                    key("provider_config"),
                    key(config_key),
                ];
                self.push_block("provider", &[name], body, origin);
                let mut entry = Map::new();
                if let Some(source) = provider.get("full_name") {
                    entry.insert("source".into(), source.clone());
                }
                if let Some(version) = provider.get("version_constraint") {
                    entry.insert("version".into(), version.clone());
                }
                required
                    .entry(name.to_string())
                    .or_insert(Value::Object(entry));
            }
        }
        let mut terraform = Map::new();
        if let Some(version) = plan.get("terraform_version").and_then(Value::as_str) {
            terraform.insert("required_version".into(), json!(format!("= {version}")));
        }
        if !required.is_empty() {
            terraform.insert("required_providers".into(), json!([required]));
        }
        if !terraform.is_empty() {
            let object = self
                .input
                .as_object_mut()
                .expect("the converted input is an object");
            object.insert("terraform".into(), json!([terraform]));
            self.origins.push((
                vec![key("terraform"), PathSegment::Index(0)],
                vec![key("configuration")],
            ));
        }
    }

    /// Adds the resources of a planned module and, recursively, of its child modules.
    fn add_module(&mut self, planned: &Value, config: Option<&Value>, path: &[PathSegment]) {
        if let Some(resources) = planned.get("resources").and_then(Value::as_array) {
            for (index, resource) in resources.iter().enumerate() {
                let field = |name: &str| resource.get(name).and_then(Value::as_str);
                let (Some(mode), Some(kind), Some(name)) =
                    (field("mode"), field("type"), field("name"))
                else {
                    continue;
                };
                let expressions = config
                    .and_then(|c| c.get("resources"))
                    .and_then(Value::as_array)
                    .and_then(|all| {
                        all.iter().find(|r| {
                            r.get("mode").and_then(Value::as_str) == Some(mode)
                                && r.get("type").and_then(Value::as_str) == Some(kind)
                                && r.get("name").and_then(Value::as_str) == Some(name)
                        })
                    })
                    .and_then(|r| r.get("expressions"))
                    .unwrap_or(&Value::Null);
                let body = render(
                    resource.get("values").unwrap_or(&Value::Null),
                    expressions,
                    resource.get("sensitive_values").unwrap_or(&Value::Null),
                );
                let mut origin = path.to_vec();
                origin.extend([key("resources"), PathSegment::Index(index), key("values")]);
                let section = if mode == "data" { "data" } else { "resource" };
                self.push_block(section, &[kind, name], body, origin);
            }
        }
        let Some(children) = planned.get("child_modules").and_then(Value::as_array) else {
            return;
        };
        for (index, child) in children.iter().enumerate() {
            let call = child
                .get("address")
                .and_then(Value::as_str)
                .and_then(|a| a.rsplit('.').next())
                .map(|call| call.split('[').next().unwrap_or(call));
            let child_config =
                call.and_then(|call| config?.get("module_calls")?.get(call)?.get("module"));
            let mut child_path = path.to_vec();
            child_path.extend([key("child_modules"), PathSegment::Index(index)]);
            self.add_module(child, child_config, &child_path);
        }
    }
}

/// A JSON pointer token for a key.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// One block body: the planned values without sensitive ones, with the configuration's
/// references where a value is unknown (or was sensitive) and its literals where a
/// sensitive value was set literally.
fn render(values: &Value, expressions: &Value, sensitive: &Value) -> Value {
    let mut body = match strip_sensitive(values, sensitive) {
        Value::Object(object) => object,
        _ => Map::new(),
    };
    let empty = Map::new();
    for (name, expression) in expressions.as_object().unwrap_or(&empty) {
        let rendered = match expression {
            // An expression; `{}` is one that is neither a literal nor a reference (a
            // function call such as jsonencode), whose value only the plan knows.
            Value::Object(e)
                if e.is_empty()
                    || e.contains_key("references")
                    || e.contains_key("constant_value") =>
            {
                let known = body.get(name).filter(|v| !v.is_null()).cloned();
                let reference = e
                    .get("references")
                    .and_then(Value::as_array)
                    .and_then(|r| r.first())
                    .and_then(Value::as_str);
                match (reference, known) {
                    (Some(reference), None) => Some(json!(format!("${{{reference}}}"))),
                    (_, Some(value)) => Some(value),
                    (None, None) => e.get("constant_value").cloned(),
                }
            }
            Value::Array(blocks) => Some(Value::Array(
                blocks
                    .iter()
                    .enumerate()
                    .map(|(i, block)| {
                        let pick = |v: &Value| v.get(name).and_then(|b| b.get(i)).cloned();
                        render(
                            &pick(values).unwrap_or(Value::Null),
                            block,
                            &pick(sensitive).unwrap_or(Value::Null),
                        )
                    })
                    .collect(),
            )),
            Value::Object(_) => Some(render(
                values.get(name).unwrap_or(&Value::Null),
                expression,
                sensitive.get(name).unwrap_or(&Value::Null),
            )),
            _ => None,
        };
        if let Some(rendered) = rendered {
            body.insert(name.clone(), rendered);
        }
    }
    Value::Object(body)
}

/// `values` without the leaves that `sensitive_values` marks `true`.
fn strip_sensitive(values: &Value, marks: &Value) -> Value {
    match (values, marks) {
        (_, Value::Bool(true)) => Value::Null,
        (Value::Object(object), Value::Object(marks)) => Value::Object(
            object
                .iter()
                .filter(|(k, _)| marks.get(*k) != Some(&Value::Bool(true)))
                .map(|(k, v)| {
                    (
                        k.clone(),
                        strip_sensitive(v, marks.get(k).unwrap_or(&Value::Null)),
                    )
                })
                .collect(),
        ),
        (Value::Array(items), Value::Array(marks)) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| strip_sensitive(v, marks.get(i).unwrap_or(&Value::Null)))
                .collect(),
        ),
        _ => values.clone(),
    }
}
