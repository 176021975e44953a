//! conftest's rule semantics over parsed inputs: which rules run, how their results are
//! read, how exceptions exempt rules, and how successes are counted.

use std::collections::HashMap;

use regorus::Value as RegoValue;
use serde_json::{Map, Value, json};

use crate::input::{InputFile, PathSegment};
use crate::limits::Limits;
use crate::policy::{CheckRule, Namespace, PolicySet, RuleKind};
use crate::report::{CheckResult, FileError, Finding, Location};

/// Checks each document of a file against the namespaces; one result per namespace.
pub fn check_file(
    policies: &PolicySet,
    namespaces: &[Namespace],
    file: &InputFile,
) -> Result<Vec<CheckResult>, FileError> {
    let mut engine = policies.engine.clone();
    if policies.reads_conftest_file {
        set_conftest_file(&mut engine, &file.path);
    }
    let mut results: Vec<CheckResult> = namespaces
        .iter()
        .map(|n| CheckResult {
            file: file.path.clone(),
            namespace: n.name.clone(),
            ..CheckResult::default()
        })
        .collect();
    for (index, document) in file.documents.iter().enumerate() {
        let input = to_rego(&document.value);
        let locate = |path: &[PathSegment]| Location {
            file: file.path.clone(),
            position: file.locate(index, path),
        };
        for (namespace, result) in namespaces.iter().zip(results.iter_mut()) {
            engine.set_input(input.clone());
            evaluate(&mut engine, &policies.limits, namespace, &locate, result).map_err(
                |message| FileError {
                    file: file.path.clone(),
                    position: None,
                    message,
                },
            )?;
        }
    }
    Ok(results)
}

/// Checks all files as one input, `[{path, contents}]` sorted by path, like `--combine`.
pub fn check_combined(
    policies: &PolicySet,
    namespaces: &[Namespace],
    files: &[InputFile],
) -> Result<Vec<CheckResult>, FileError> {
    let mut entries: Vec<(&InputFile, usize)> = files
        .iter()
        .flat_map(|f| (0..f.documents.len()).map(move |i| (f, i)))
        .collect();
    entries.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let input: Vec<Value> = entries
        .iter()
        .map(|(file, i)| json!({"path": file.path, "contents": file.documents[*i].value}))
        .collect();
    let mut engine = policies.engine.clone();
    engine.set_input(to_rego(&Value::Array(input)));
    let locate = |path: &[PathSegment]| match path {
        [PathSegment::Index(i), PathSegment::Key(contents), rest @ ..]
            if contents == "contents" =>
        {
            match entries.get(*i) {
                Some((file, document)) => Location {
                    file: file.path.clone(),
                    position: file.locate(*document, rest),
                },
                None => combined_location(),
            }
        }
        _ => combined_location(),
    };
    let mut results = Vec::with_capacity(namespaces.len());
    for namespace in namespaces {
        let mut result = CheckResult {
            file: "Combined".into(),
            namespace: namespace.name.clone(),
            ..CheckResult::default()
        };
        evaluate(
            &mut engine,
            &policies.limits,
            namespace,
            &locate,
            &mut result,
        )
        .map_err(|message| FileError {
            file: "Combined".into(),
            position: None,
            message,
        })?;
        results.push(result);
    }
    Ok(results)
}

fn combined_location() -> Location {
    Location {
        file: "Combined".into(),
        position: crate::input::Position::new(1, 1),
    }
}

fn to_rego(value: &Value) -> RegoValue {
    serde::Deserialize::deserialize(value).unwrap_or(RegoValue::Undefined)
}

fn set_conftest_file(engine: &mut regorus::Engine, path: &str) {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.into());
    let name = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = absolute
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    // The key is new to `data`, so the merge cannot conflict.
    let _ = engine.add_data(to_rego(
        &json!({"conftest": {"file": {"name": name, "dir": dir}}}),
    ));
}

/// Evaluates one namespace over the engine's current input, adding to `result`.
///
/// All of the namespace's rules are read in one query, so helper rules they share are
/// evaluated once per document rather than once per rule.
fn evaluate(
    engine: &mut regorus::Engine,
    limits: &Limits,
    namespace: &Namespace,
    locate: &dyn Fn(&[PathSegment]) -> Location,
    result: &mut CheckResult,
) -> Result<(), String> {
    if namespace.rules.is_empty() {
        return Ok(());
    }
    let mut values = eval_namespace(engine, namespace, limits)?;
    let exceptions = exempted_names(&values.remove("exception").unwrap_or(RegoValue::Undefined));
    let before = (
        result.failures.len(),
        result.warnings.len(),
        result.exceptions.len(),
        result.successes,
    );
    let mut definitions = 0;
    for rule in &namespace.rules {
        definitions += rule.definitions;
        let exempted = exceptions
            .iter()
            .filter(|name| name.as_str() == rule.exception_name())
            .count();
        if exempted > 0 {
            let query = format!(
                "{}[_][_] == {:?}",
                namespace.rule_path("exception"),
                rule.exception_name()
            );
            for _ in 0..exempted {
                result.exceptions.push(Finding {
                    message: query.clone(),
                    metadata: Map::from_iter([("query".to_string(), Value::String(query.clone()))]),
                    explicit_location: None,
                    location: locate(&[]),
                });
            }
            continue;
        }
        let value = values.remove(&rule.name).unwrap_or(RegoValue::Undefined);
        read_results(
            &value,
            rule,
            &namespace.rule_path(&rule.name),
            locate,
            result,
        )?;
    }
    result
        .prints
        .extend(engine.take_prints().unwrap_or_default());
    let counted = (result.failures.len() - before.0)
        + (result.warnings.len() - before.1)
        + (result.exceptions.len() - before.2)
        + (result.successes - before.3);
    result.successes += definitions.saturating_sub(counted);
    Ok(())
}

/// The values of every check rule (and `exception`) of a namespace, from one evaluation
/// of its generated batch rule; an undefined rule is absent.
fn eval_namespace(
    engine: &mut regorus::Engine,
    namespace: &Namespace,
    limits: &Limits,
) -> Result<HashMap<String, RegoValue>, String> {
    let Some(batch_rule) = &namespace.batch_rule else {
        return Ok(HashMap::new());
    };
    let package = format!("data.{}", namespace.name);
    let object = engine.eval_rule(batch_rule.clone()).map_err(|e| {
        if e.downcast_ref::<regorus::LimitError>().is_some() {
            format!(
                "evaluating {package} exceeded the time limit of {:?} (raise it with --eval-timeout)",
                limits.eval_timeout
            )
        } else {
            format!("evaluating {package}: {e}")
        }
    })?;
    let mut values = HashMap::new();
    if let Ok(object) = object.as_object() {
        for (key, wrapped) in object.iter() {
            let (Ok(name), Ok(items)) = (key.as_string(), wrapped.as_array()) else {
                continue;
            };
            if let Some(value) = items.iter().next() {
                values.insert(name.to_string(), value.clone());
            }
        }
    }
    Ok(values)
}

/// Names listed by `exception` rules: a set of arrays of rule names.
fn exempted_names(value: &RegoValue) -> Vec<String> {
    let mut names = Vec::new();
    for entry in elements(value) {
        for name in elements(&entry) {
            if let Ok(name) = name.as_string() {
                names.push(name.to_string());
            }
        }
    }
    names
}

fn elements(value: &RegoValue) -> Vec<RegoValue> {
    match value {
        RegoValue::Set(set) => set.iter().cloned().collect(),
        RegoValue::Array(array) => array.iter().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Reads a rule's value as conftest does: each string or `{msg, ...}` object of a set or
/// array is a finding; anything else (undefined, empty, a boolean) is one success.
fn read_results(
    value: &RegoValue,
    rule: &CheckRule,
    query: &str,
    locate: &dyn Fn(&[PathSegment]) -> Location,
    result: &mut CheckResult,
) -> Result<(), String> {
    let items = elements(value);
    if items.is_empty() {
        result.successes += 1;
        return Ok(());
    }
    for item in items {
        let json: Value = serde_json::to_value(&item).map_err(|e| e.to_string())?;
        let finding = match json {
            Value::String(message) => Finding {
                message,
                metadata: Map::from_iter([("query".to_string(), Value::String(query.into()))]),
                explicit_location: None,
                location: locate(&[]),
            },
            Value::Object(object) => object_finding(object, query, locate)?,
            _ => continue,
        };
        match rule.kind {
            RuleKind::Failure => result.failures.push(finding),
            RuleKind::Warning => result.warnings.push(finding),
        }
    }
    Ok(())
}

fn object_finding(
    mut object: Map<String, Value>,
    query: &str,
    locate: &dyn Fn(&[PathSegment]) -> Location,
) -> Result<Finding, String> {
    let Some(Value::String(message)) = object.remove("msg") else {
        return Err(format!(
            "{query}: \"msg\" field must be present and a string"
        ));
    };
    let explicit_location = match object.remove("_loc") {
        Some(Value::Object(loc)) => {
            let file = loc.get("file").and_then(Value::as_str).unwrap_or_default();
            let line = loc.get("line").and_then(Value::as_u64).unwrap_or(1);
            Some((file.to_string(), line))
        }
        _ => None,
    };
    let path = object.get("path").map(path_segments).unwrap_or_default();
    let mut location = locate(&path);
    if let Some((file, line)) = &explicit_location {
        if !file.is_empty() {
            location.file = file.clone();
        }
        location.position = crate::input::Position::new(*line as usize, 1);
    }
    object.insert("query".into(), Value::String(query.into()));
    Ok(Finding {
        message,
        metadata: object,
        explicit_location,
        location,
    })
}

/// A result's `path`: an array of keys and indexes, or a dotted string.
fn path_segments(path: &Value) -> Vec<PathSegment> {
    let segment = |v: &Value| match v {
        Value::String(s) => Some(PathSegment::Key(s.clone())),
        Value::Number(n) => n.as_u64().map(|i| PathSegment::Index(i as usize)),
        _ => None,
    };
    match path {
        Value::Array(items) => items.iter().map_while(segment).collect(),
        Value::String(dotted) => dotted
            .split('.')
            .filter(|s| !s.is_empty())
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathSegment::Index(i),
                Err(_) => PathSegment::Key(s.to_string()),
            })
            .collect(),
        _ => Vec::new(),
    }
}
