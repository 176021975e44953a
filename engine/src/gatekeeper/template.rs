//! ConstraintTemplates: the Rego of their admission target (inline `rego` and `libs`, or
//! the `code` list's `Rego` engine) compiled into an engine of their own, and the kind of
//! the constraints that instantiate them.

use std::num::NonZeroU32;

use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Value;

use super::{ADMISSION_TARGET, GatekeeperError, metadata_str, to_rego};
use crate::limits::Limits;

/// Work units between two reads of the clock while evaluating (as for conftest policies).
const TIMER_CHECK_INTERVAL: NonZeroU32 = NonZeroU32::new(256).unwrap();

/// The engine name of Rego code in a template's `code` list.
const REGO_ENGINE: &str = "Rego";
/// The engine name of CEL code, which tollgate does not evaluate.
const CEL_ENGINE: &str = "K8sNativeValidation";

/// A compiled ConstraintTemplate.
#[derive(Clone)]
pub struct Template {
    /// `metadata.name`: the kind in lower case.
    pub name: String,
    /// `spec.crd.spec.names.kind`: the kind of the constraints of this template.
    pub kind: String,
    pub file: String,
    /// The parameters' OpenAPI v3 schema, when the template gives one.
    pub parameters_schema: Option<Value>,
    engine: regorus::Engine,
    /// `data.<package>.violation`.
    violation_rule: String,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("file", &self.file)
            .finish()
    }
}

/// The Rego of a template's admission target.
struct RegoSource {
    /// Where the Rego sits in the template (`spec.targets[0].rego`), so that compile
    /// errors point at the element and the line inside it.
    element: String,
    rego: String,
    libs: Vec<String>,
    /// Where the libs sit (`spec.targets[0].libs`).
    libs_element: String,
    /// `version: v1` in the `code` list, or `import rego.v1` in the source.
    v1: bool,
}

/// One violation as the template's `violation` rule returned it.
#[derive(Debug, Clone, PartialEq)]
pub struct RawViolation {
    pub msg: String,
    pub details: Value,
}

impl Template {
    /// Compiles a ConstraintTemplate document read from `file`.
    pub fn from_document(
        document: &Value,
        file: &str,
        limits: &Limits,
    ) -> Result<Self, GatekeeperError> {
        let fail = |message: String| GatekeeperError::new(file, message);
        let name = metadata_str(document, "name")
            .ok_or_else(|| fail("ConstraintTemplate without metadata.name".into()))?
            .to_string();
        let context = |message: String| fail(format!("ConstraintTemplate {name}: {message}"));
        let spec = document
            .get("spec")
            .ok_or_else(|| context("missing spec".into()))?;
        let kind = spec
            .pointer("/crd/spec/names/kind")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| context("missing spec.crd.spec.names.kind".into()))?
            .to_string();
        if name != kind.to_lowercase() {
            return Err(context(format!(
                "metadata.name must be the lower-case kind {:?}",
                kind.to_lowercase()
            )));
        }
        let parameters_schema = spec
            .pointer("/crd/spec/validation/openAPIV3Schema")
            .or_else(|| spec.pointer("/crd/spec/validation/legacySchema"))
            .cloned();
        let source = admission_source(spec).map_err(context)?;
        let (engine, violation_rule) = compile(file, &source, limits).map_err(context)?;
        Ok(Self {
            name,
            kind,
            file: file.to_string(),
            parameters_schema,
            engine,
            violation_rule,
        })
    }

    /// An engine ready to evaluate this template over `data` (e.g. `{"inventory": ...}`);
    /// clone it per review.
    pub fn engine_with_data(&self, data: &regorus::Value) -> Result<regorus::Engine, String> {
        let mut engine = self.engine.clone();
        engine
            .add_data(data.clone())
            .map_err(|e| format!("cannot add data: {e}"))?;
        // Evaluate once so that every clone starts prepared (regorus compiles lazily).
        engine.set_input(regorus::Value::new_object());
        engine
            .eval_query("true".into(), false)
            .map_err(|e| format!("ConstraintTemplate {}: {e}", self.name))?;
        Ok(engine)
    }

    /// Evaluates `violation` over `input` (`{"review": ..., "parameters": ...}`).
    pub fn violations(
        &self,
        engine: &mut regorus::Engine,
        input: &Value,
    ) -> Result<Vec<RawViolation>, String> {
        engine.set_input(to_rego(input)?);
        let value = engine.eval_rule(self.violation_rule.clone()).map_err(|e| {
            if e.downcast_ref::<regorus::LimitError>().is_some() {
                format!(
                    "ConstraintTemplate {}: evaluation exceeded the time limit (raise it with --eval-timeout)",
                    self.name
                )
            } else {
                format!("ConstraintTemplate {}: {e}", self.name)
            }
        })?;
        let items: Vec<regorus::Value> = match &value {
            regorus::Value::Set(set) => set.iter().cloned().collect(),
            regorus::Value::Undefined => Vec::new(),
            other => {
                return Err(format!(
                    "ConstraintTemplate {}: violation must be a set, got {other}",
                    self.name
                ));
            }
        };
        items
            .iter()
            .map(|item| {
                let json: Value = serde_json::to_value(item).map_err(|e| e.to_string())?;
                let Some(msg) = json.get("msg").and_then(Value::as_str) else {
                    return Err(format!(
                        "ConstraintTemplate {}: a violation must be an object with a string \"msg\", got {json}",
                        self.name
                    ));
                };
                Ok(RawViolation {
                    msg: msg.to_string(),
                    details: json.get("details").cloned().unwrap_or(Value::Null),
                })
            })
            .collect()
    }
}

/// The Rego of the admission target: `code[].source` of engine `Rego`, else the inline
/// `rego`/`libs`. A template whose only code is CEL is refused, never passed silently.
fn admission_source(spec: &Value) -> Result<RegoSource, String> {
    let targets = spec
        .get("targets")
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty())
        .ok_or("missing spec.targets")?;
    if targets.len() > 1 {
        return Err(format!(
            "spec.targets has {} targets; Gatekeeper supports exactly one",
            targets.len()
        ));
    }
    let target = &targets[0];
    let name = target.get("target").and_then(Value::as_str).unwrap_or("");
    if name != ADMISSION_TARGET {
        return Err(format!(
            "spec.targets[0].target is {name:?}, expected {ADMISSION_TARGET:?}"
        ));
    }
    let strings = |value: Option<&Value>, what: &str| -> Result<Vec<String>, String> {
        match value {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| format!("{what} must be a list of strings"))
                })
                .collect(),
            Some(_) => Err(format!("{what} must be a list of strings")),
        }
    };
    let inline = target.get("rego").and_then(Value::as_str).unwrap_or("");
    if !inline.trim().is_empty() {
        return Ok(RegoSource {
            element: "spec.targets[0].rego".into(),
            v1: declares_v1(inline),
            rego: inline.to_string(),
            libs: strings(target.get("libs"), "spec.targets[0].libs")?,
            libs_element: "spec.targets[0].libs".into(),
        });
    }
    let code = match target.get("code") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(code)) => code.clone(),
        Some(_) => return Err("spec.targets[0].code must be a list".into()),
    };
    let engines: Vec<&str> = code
        .iter()
        .map(|c| c.get("engine").and_then(Value::as_str).unwrap_or(""))
        .collect();
    if let Some(index) = engines.iter().position(|e| *e == REGO_ENGINE) {
        let source = code[index]
            .get("source")
            .ok_or_else(|| format!("spec.targets[0].code[{index}] (engine Rego) has no source"))?;
        let rego = source
            .get("rego")
            .and_then(Value::as_str)
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| format!("spec.targets[0].code[{index}].source.rego is missing"))?;
        let version = source.get("version").and_then(Value::as_str);
        let libs_element = format!("spec.targets[0].code[{index}].source.libs");
        return Ok(RegoSource {
            element: format!("spec.targets[0].code[{index}].source.rego"),
            v1: version == Some("v1") || declares_v1(rego),
            rego: rego.to_string(),
            libs: strings(source.get("libs"), &libs_element)?,
            libs_element,
        });
    }
    if engines.contains(&CEL_ENGINE) {
        return Err(format!(
            "only CEL code (engine {CEL_ENGINE}) is given: tollgate evaluates Rego only, so this template is unsupported"
        ));
    }
    Err("no Rego code: give spec.targets[0].rego or a code entry with engine Rego".into())
}

fn declares_v1(rego: &str) -> bool {
    rego.lines().any(|line| line.trim() == "import rego.v1")
}

/// Compiles the template's Rego and libs into a fresh engine; returns it with the path of
/// its `violation` rule.
fn compile(
    file: &str,
    source: &RegoSource,
    limits: &Limits,
) -> Result<(regorus::Engine, String), String> {
    let mut engine = regorus::Engine::new();
    engine.set_gather_prints(true);
    engine.set_execution_timer_config(ExecutionTimerConfig {
        limit: limits.eval_timeout,
        check_interval: TIMER_CHECK_INTERVAL,
    });
    super::deprecated::add_to(&mut engine).map_err(|e| e.to_string())?;
    let path = format!("{file} {}", source.element);
    let add = |engine: &mut regorus::Engine, label: String, rego: &str, v1: bool| {
        engine.set_rego_v0(!v1);
        // v0 rules with several bodies, which regorus refuses for set rules, become one
        // rule per body; v1 has no such form.
        let rego = match v1 {
            false => super::rule_bodies::split(rego).unwrap_or_else(|| rego.to_string()),
            true => rego.to_string(),
        };
        engine.add_policy(label, rego).map_err(|e| e.to_string())
    };
    let package = add(&mut engine, path.clone(), &source.rego, source.v1)?;
    for (index, lib) in source.libs.iter().enumerate() {
        let lib_package = add(
            &mut engine,
            format!("{file} {}[{index}]", source.libs_element),
            lib,
            source.v1 || declares_v1(lib),
        )?;
        if !lib_package.starts_with("data.lib.") && lib_package != "data.lib" {
            return Err(format!(
                "{}[{index}] declares package {}; a lib's package must start with \"lib\"",
                source.libs_element,
                lib_package.trim_start_matches("data.")
            ));
        }
    }
    let declared = engine
        .has_declared_rule_rooted_at(&path, "violation")
        .map_err(|e| e.to_string())?;
    if !declared {
        return Err("the Rego defines no violation rule".into());
    }
    Ok((engine, format!("{package}.violation")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn template(target: Value) -> Value {
        json!({"apiVersion": "templates.gatekeeper.sh/v1", "kind": "ConstraintTemplate",
               "metadata": {"name": "k8sdemo"},
               "spec": {"crd": {"spec": {"names": {"kind": "K8sDemo"}}}, "targets": [target]}})
    }

    fn compile(target: Value) -> Result<Template, GatekeeperError> {
        Template::from_document(&template(target), "t.yaml", &Limits::default())
    }

    fn messages(template: &Template, input: Value) -> Vec<String> {
        let mut engine = template
            .engine_with_data(&regorus::Value::new_object())
            .unwrap();
        let mut found: Vec<String> = template
            .violations(&mut engine, &input)
            .unwrap()
            .into_iter()
            .map(|v| v.msg)
            .collect();
        found.sort();
        found
    }

    #[test]
    fn inline_rego_with_libs_in_v0_syntax() {
        let t = compile(json!({"target": "admission.k8s.gatekeeper.sh",
            "rego": "package k8sdemo\nimport data.lib.names.bad\nviolation[{\"msg\": msg}] { bad(input.review.object.metadata.name)\n msg := sprintf(\"bad name %v\", [input.review.object.metadata.name]) }",
            "libs": ["package lib.names\nbad(name) { startswith(name, input.parameters.prefix) }"]}))
        .unwrap();
        assert_eq!(t.kind, "K8sDemo");
        let input = |name: &str| json!({"review": {"object": {"metadata": {"name": name}}}, "parameters": {"prefix": "tmp-"}});
        assert_eq!(messages(&t, input("tmp-1")), vec!["bad name tmp-1"]);
        assert!(messages(&t, input("web")).is_empty());
    }

    #[test]
    fn code_list_rego_v1() {
        let t = compile(json!({"target": "admission.k8s.gatekeeper.sh", "code": [
            {"engine": "K8sNativeValidation", "source": {"validations": []}},
            {"engine": "Rego", "source": {"version": "v1",
             "rego": "package k8sdemo\nviolation contains {\"msg\": \"always\", \"details\": {\"n\": 1}} if { true }"}}]}))
        .unwrap();
        assert_eq!(
            messages(&t, json!({"review": {}, "parameters": {}})),
            vec!["always"]
        );
    }

    #[test]
    fn unusable_templates_say_why() {
        let error = |target: Value| compile(target).unwrap_err().to_string();
        assert!(
            error(json!({"target": "admission.k8s.gatekeeper.sh", "code": [
            {"engine": "K8sNativeValidation", "source": {"validations": []}}]}))
            .contains("t.yaml: ConstraintTemplate k8sdemo: only CEL code")
        );
        assert!(
            error(json!({"target": "admission.k8s.gatekeeper.sh",
            "rego": "package k8sdemo\ndeny[msg] { msg := \"x\" }"}))
            .contains("no violation rule")
        );
        assert!(
            error(json!({"target": "admission.k8s.gatekeeper.sh",
            "rego": "package k8sdemo\nviolation[{\"msg\": \"x\"}] { true }",
            "libs": ["package helpers\nx := 1"]}))
            .contains("a lib's package must start with \"lib\"")
        );
        assert!(
            error(json!({"target": "other.target", "rego": "package a"}))
                .contains("expected \"admission.k8s.gatekeeper.sh\"")
        );
        assert!(error(json!({"target": "admission.k8s.gatekeeper.sh", "rego": "package k8sdemo\nviolation[{"}))
            .contains("t.yaml spec.targets[0].rego:2:"));
        let mut misnamed =
            template(json!({"target": "admission.k8s.gatekeeper.sh", "rego": "package a"}));
        misnamed["metadata"]["name"] = json!("demo");
        let e = Template::from_document(&misnamed, "t.yaml", &Limits::default()).unwrap_err();
        assert!(e.message.contains("lower-case kind \"k8sdemo\""), "{e}");
    }

    #[test]
    fn v0_rules_with_several_bodies_give_one_rule_per_body() {
        let t = compile(json!({"target": "admission.k8s.gatekeeper.sh",
            "rego": "package k8sdemo\nviolation[{\"msg\": msg}] {\n  input.review.object.a\n  msg := \"a\"\n} {\n  input.review.object.b\n  msg := \"b\"\n}\n",
            "libs": ["package lib.pick\nfirst(x) = y { y := x[0] } { count(x) == 0; y := \"none\" }"]}))
        .unwrap();
        let input = |object: Value| json!({"review": {"object": object}});
        assert_eq!(messages(&t, input(json!({"a": true}))), vec!["a"]);
        assert_eq!(
            messages(&t, input(json!({"a": true, "b": true}))),
            vec!["a", "b"]
        );
        assert!(messages(&t, input(json!({}))).is_empty());
        let broken = compile(json!({"target": "admission.k8s.gatekeeper.sh",
            "rego": "package k8sdemo\nviolation[{\"msg\": msg}] {\n  msg := \"a\"\n} {\n  msg := \n}\n"}))
        .unwrap_err()
        .to_string();
        // The copied head shares the line of the extra body, so errors keep their lines.
        assert!(
            broken.contains("t.yaml spec.targets[0].rego:4:"),
            "{broken}"
        );
    }

    #[test]
    fn a_slow_template_stops_at_the_time_limit() {
        let limits = Limits {
            eval_timeout: std::time::Duration::from_millis(100),
            ..Limits::default()
        };
        let document = template(json!({"target": "admission.k8s.gatekeeper.sh",
            "rego": "package k8sdemo\nviolation[{\"msg\": \"slow\"}] { count([1 | numbers.range(1, 20000)[_]; numbers.range(1, 20000)[_]; false]) == 0 }"}));
        let t = Template::from_document(&document, "t.yaml", &limits).unwrap();
        let mut engine = t.engine_with_data(&regorus::Value::new_object()).unwrap();
        let e = t
            .violations(&mut engine, &json!({"review": {}}))
            .unwrap_err();
        assert!(e.contains("time limit"), "{e}");
    }

    #[test]
    fn a_violation_without_a_string_msg_is_an_error() {
        let t = compile(json!({"target": "admission.k8s.gatekeeper.sh",
            "rego": "package k8sdemo\nviolation[{\"message\": \"x\"}] { true }"}))
        .unwrap();
        let mut engine = t.engine_with_data(&regorus::Value::new_object()).unwrap();
        let e = t
            .violations(&mut engine, &json!({"review": {}}))
            .unwrap_err();
        assert!(e.contains("string \"msg\""), "{e}");
    }
}
