//! conftest's rule semantics over parsed inputs: which rules run, how their results are
//! read, how exceptions exempt rules, and how successes are counted; plus what tollgate
//! adds on top: annotated policies run only on their kind of input, findings carry their
//! policy's metadata, and ignores turn findings into exceptions.

use std::collections::HashMap;

use rayon::prelude::*;
use regorus::Value as RegoValue;
use serde_json::{Map, Value, json};

use crate::compiled::CompiledError;
use crate::ignores;
use crate::input::{InputFile, InputKind, PathSegment, Position};
use crate::policy::{CheckRule, Namespace, PolicySet, RuleKind};
use crate::rego_value;
use crate::report::{CheckResult, FileError, Finding, Location};

/// What an evaluation's input came from: it places findings and knows the ignores that
/// the input itself carries (annotations, comments).
pub trait Subject {
    fn locate(&self, path: &[PathSegment]) -> Location;
    /// Why the input exempts finding `id` at `path`, if it does.
    fn ignored(&self, path: &[PathSegment], id: &str) -> Option<String>;
}

/// One document of one file.
pub struct DocumentSubject<'a> {
    pub file: &'a InputFile,
    pub index: usize,
}

impl Subject for DocumentSubject<'_> {
    fn locate(&self, path: &[PathSegment]) -> Location {
        Location {
            file: self.file.path.clone(),
            position: self.file.locate(self.index, path),
        }
    }

    fn ignored(&self, path: &[PathSegment], id: &str) -> Option<String> {
        ignores::in_document(self.file, self.index, path, id)
    }
}

/// Several documents given as one input, `[{path, contents}]`; a finding's path starts
/// with the index of the entry it is about.
pub struct CombinedSubject<'a> {
    entries: Vec<(&'a InputFile, usize)>,
}

impl<'a> CombinedSubject<'a> {
    /// The documents that `keep` accepts, sorted by path as conftest sorts them.
    pub fn new(files: &'a [InputFile], keep: impl Fn(&InputFile, usize) -> bool) -> Self {
        let mut entries: Vec<(&InputFile, usize)> = files
            .iter()
            .flat_map(|f| (0..f.documents.len()).map(move |i| (f, i)))
            .filter(|(f, i)| keep(f, *i))
            .collect();
        entries.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        Self { entries }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn input(&self) -> Value {
        Value::Array(
            self.entries
                .iter()
                .map(|(file, i)| json!({"path": file.path, "contents": file.documents[*i].value}))
                .collect(),
        )
    }

    fn entry(&self, path: &[PathSegment]) -> Option<(DocumentSubject<'a>, usize)> {
        match path {
            [PathSegment::Index(i), PathSegment::Key(contents), ..] if contents == "contents" => {
                let (file, index) = *self.entries.get(*i)?;
                Some((DocumentSubject { file, index }, 2))
            }
            _ => None,
        }
    }
}

impl Subject for CombinedSubject<'_> {
    fn locate(&self, path: &[PathSegment]) -> Location {
        match self.entry(path) {
            Some((document, skip)) => document.locate(&path[skip..]),
            None => Location {
                file: COMBINED.into(),
                position: Position::new(1, 1),
            },
        }
    }

    fn ignored(&self, path: &[PathSegment], id: &str) -> Option<String> {
        let (document, skip) = self.entry(path)?;
        document.ignored(&path[skip..], id)
    }
}

/// The file name conftest reports for a combined input.
pub const COMBINED: &str = "Combined";

/// A document's input kind and, for a Kubernetes object, its `kind`.
type DocumentKind<'a> = (Option<InputKind>, Option<&'a str>);

/// Checks each document of a file against the namespaces that apply to it; one result
/// per namespace (routed namespaces that did not apply are left out).
pub fn check_file(
    policies: &PolicySet,
    namespaces: &[Namespace],
    file: &InputFile,
) -> Result<Vec<CheckResult>, FileError> {
    let mut engine = policies.engine.clone();
    if policies.reads_conftest_file {
        set_conftest_file(&mut engine, &file.path);
    }
    let mut results = empty_results(namespaces, &file.path);
    // Per kind of document: the namespaces to evaluate, and those that pass unevaluated
    // (Kubernetes objects of a kind they do not judge).
    let mut applicable_by_kind: Vec<(DocumentKind, Vec<usize>, Vec<usize>)> = Vec::new();
    for (index, document) in file.documents.iter().enumerate() {
        let kind = InputKind::of(file.format, &document.value);
        let object_kind = match kind {
            Some(InputKind::Kubernetes) => document.value.get("kind").and_then(Value::as_str),
            _ => None,
        };
        let key = (kind, object_kind);
        let position = match applicable_by_kind.iter().position(|(k, _, _)| *k == key) {
            Some(position) => position,
            None => {
                let (applicable, passed) = (0..namespaces.len())
                    .filter(|&i| namespaces[i].applies_to_document(kind))
                    .partition(|&i| namespaces[i].judges(object_kind));
                applicable_by_kind.push((key, applicable, passed));
                applicable_by_kind.len() - 1
            }
        };
        let (_, applicable, passed) = &applicable_by_kind[position];
        for &i in passed {
            let subject = DocumentSubject { file, index };
            record(
                policies,
                &namespaces[i],
                HashMap::new(),
                &subject,
                &mut results[i],
            )
            .map_err(|message| FileError {
                file: file.path.clone(),
                position: None,
                message,
            })?;
        }
        // SBOM policies read the normalised shape; every other policy the document itself.
        let (normalised, raw): (Vec<usize>, Vec<usize>) = applicable
            .iter()
            .partition(|&&i| namespaces[i].input == Some(InputKind::Sbom));
        let failed = |message| FileError {
            file: file.path.clone(),
            position: None,
            message,
        };
        if !raw.is_empty() {
            let input = rego_value::from_json(&document.value);
            engine.set_input(input.clone());
            let subject = DocumentSubject { file, index };
            evaluate(
                &mut engine,
                &input,
                policies,
                namespaces,
                &raw,
                &subject,
                &mut results,
            )
            .map_err(failed)?;
        }
        if !normalised.is_empty() {
            let sbom = crate::sbom::normalize(&document.value).map_err(|e| FileError {
                file: file.path.clone(),
                position: Some(file.locate(index, &e.path)),
                message: e.message,
            })?;
            let input = rego_value::from_json(&sbom.value);
            engine.set_input(input.clone());
            let subject = crate::sbom::check::InputFileSubject {
                file,
                index,
                normalized: &sbom,
            };
            evaluate(
                &mut engine,
                &input,
                policies,
                namespaces,
                &normalised,
                &subject,
                &mut results,
            )
            .map_err(failed)?;
        }
    }
    Ok(results
        .into_iter()
        .zip(namespaces)
        .filter(|(result, namespace)| namespace.input.is_none() || result.total() > 0)
        .map(|(result, _)| result)
        .collect())
}

/// Checks one input built from several documents (`--combine`, a set of Kubernetes
/// objects, a Terraform module) against the namespaces; one result per namespace.
pub fn check_input(
    policies: &PolicySet,
    namespaces: &[Namespace],
    input: &Value,
    subject: &dyn Subject,
    label: &str,
) -> Result<Vec<CheckResult>, FileError> {
    let all: Vec<usize> = (0..namespaces.len()).collect();
    check_selected(
        policies,
        namespaces,
        &all,
        &RegoInput::from_json(input),
        subject,
        label,
    )
}

/// Checks one input, already converted, against the `selected` namespaces (indexes into
/// `namespaces`, in their order, each once); one result per selected namespace. A caller
/// that picks a subset per input (the webhook, by rule and object kind) so runs the group
/// rule prepared for that subset without copying namespaces.
pub fn check_selected(
    policies: &PolicySet,
    namespaces: &[Namespace],
    selected: &[usize],
    input: &RegoInput,
    subject: &dyn Subject,
    label: &str,
) -> Result<Vec<CheckResult>, FileError> {
    let mut engine = policies.engine.clone();
    engine.set_input(input.0.clone());
    let mut results = empty_results(namespaces, label);
    evaluate(
        &mut engine,
        &input.0,
        policies,
        namespaces,
        selected,
        subject,
        &mut results,
    )
    .map_err(|message| FileError {
        file: label.into(),
        position: None,
        message,
    })?;
    Ok(selected
        .iter()
        .map(|&i| std::mem::take(&mut results[i]))
        .collect())
}

/// A policy input in the engine's own value form. Converting JSON costs about as much as
/// copying it; an input assembled from parts (the webhook's object plus the whole
/// AdmissionRequest that contains it) converts each part once and shares the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct RegoInput(RegoValue);

impl RegoInput {
    pub fn from_json(value: &Value) -> Self {
        Self(rego_value::from_json(value))
    }

    /// The field `key` of this input (undefined when it has none), sharing its data.
    pub fn field(&self, key: &str) -> Self {
        Self(self.0[key].clone())
    }

    /// This input with `key` set to `value`; an input that is not an object becomes an
    /// empty object first.
    pub fn with_field(self, key: &str, value: RegoInput) -> Self {
        let mut object = match self.0 {
            RegoValue::Object(_) => self.0,
            _ => RegoValue::new_object(),
        };
        if let Ok(map) = object.as_object_mut() {
            map.insert(RegoValue::from(key), value.0);
        }
        Self(object)
    }
}

/// [`check_input`] with each namespace evaluated as a task of its own on the thread pool,
/// over one shared conversion of the input. For one large input (an SBOM of thousands of
/// packages) whose policies each take milliseconds: on a small input the engine clones
/// and lost sharing between namespaces cost more than the parallelism gains.
pub fn check_input_each(
    policies: &PolicySet,
    namespaces: &[Namespace],
    input: &Value,
    subject: &(dyn Subject + Sync),
    label: &str,
) -> Result<Vec<CheckResult>, FileError> {
    let input = rego_value::from_json_split(input);
    let results = namespaces
        .par_iter()
        .map(|namespace| {
            let mut engine = policies.engine.clone();
            engine.set_input(input.clone());
            let namespace = std::slice::from_ref(namespace);
            let mut results = empty_results(namespace, label);
            evaluate(
                &mut engine,
                &input,
                policies,
                namespace,
                &[0],
                subject,
                &mut results,
            )
            .map(|()| results)
            .map_err(|message| FileError {
                file: label.into(),
                position: None,
                message,
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|results| results.into_iter().flatten().collect());
    // The input is as large as the document: freed on the pool, after the results.
    rayon::spawn(move || drop(input));
    results
}

fn empty_results(namespaces: &[Namespace], file: &str) -> Vec<CheckResult> {
    namespaces
        .iter()
        .map(|n| CheckResult {
            file: file.into(),
            namespace: n.name.clone(),
            ..CheckResult::default()
        })
        .collect()
}

/// Checks all files as one input, `[{path, contents}]` sorted by path, like `--combine`.
pub fn check_combined(
    policies: &PolicySet,
    namespaces: &[Namespace],
    files: &[InputFile],
) -> Result<Vec<CheckResult>, FileError> {
    let subject = CombinedSubject::new(files, |_, _| true);
    check_input(policies, namespaces, &subject.input(), &subject, COMBINED)
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
    let _ = engine.add_data(rego_value::from_json(
        &json!({"conftest": {"file": {"name": name, "dir": dir}}}),
    ));
}

/// Evaluates the `applicable` namespaces over the engine's current input, adding to
/// their results: all in one evaluation of their generated group rule when the run was
/// prepared for them (see [`PolicySet::prepare_for`]), else one namespace at a time.
fn evaluate(
    engine: &mut regorus::Engine,
    input: &RegoValue,
    policies: &PolicySet,
    namespaces: &[Namespace],
    applicable: &[usize],
    subject: &dyn Subject,
    results: &mut [CheckResult],
) -> Result<(), String> {
    let with_rules: Vec<usize> = applicable
        .iter()
        .copied()
        .filter(|&i| !namespaces[i].rules.is_empty())
        .collect();
    let Some(&first) = with_rules.first() else {
        return Ok(());
    };
    let names: Vec<String> = with_rules
        .iter()
        .map(|&i| namespaces[i].name.clone())
        .collect();
    if let Some(rule) = policies.group_rule(&names) {
        let packages = describe_packages(&names);
        let group = eval_batch(engine, input, policies, rule, &packages)?;
        let mut by_namespace = object_entries(&group);
        for &i in &with_rules {
            let values = by_namespace
                .remove(&namespaces[i].name)
                .map(|v| rule_values(&v))
                .unwrap_or_default();
            record(policies, &namespaces[i], values, subject, &mut results[i])?;
        }
        results[first]
            .prints
            .extend(engine.take_prints().unwrap_or_default());
        return Ok(());
    }
    for &i in &with_rules {
        let namespace = &namespaces[i];
        let Some(rule) = &namespace.batch_rule else {
            continue;
        };
        let package = format!("data.{}", namespace.name);
        let values = rule_values(&eval_batch(engine, input, policies, rule, &package)?);
        record(policies, namespace, values, subject, &mut results[i])?;
        results[i]
            .prints
            .extend(engine.take_prints().unwrap_or_default());
    }
    Ok(())
}

/// Turns one namespace's rule values into findings, exceptions and successes.
fn record(
    policies: &PolicySet,
    namespace: &Namespace,
    mut values: HashMap<String, RegoValue>,
    subject: &dyn Subject,
    result: &mut CheckResult,
) -> Result<(), String> {
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
                    location: subject.locate(&[]),
                });
            }
            continue;
        }
        let value = values.remove(&rule.name).unwrap_or(RegoValue::Undefined);
        let query = namespace.rule_path(&rule.name);
        let start = (result.failures.len(), result.warnings.len());
        read_results(&value, rule, &query, subject, result)?;
        annotate(namespace, result, start);
        apply_ignores(policies, subject, result, start);
    }
    let counted = (result.failures.len() - before.0)
        + (result.warnings.len() - before.1)
        + (result.exceptions.len() - before.2)
        + (result.successes - before.3);
    result.successes += definitions.saturating_sub(counted);
    Ok(())
}

/// Names packages in an error message, without listing a whole catalogue.
fn describe_packages(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("data.{n}")).collect();
    match names.len() {
        0..=3 => shown.join(", "),
        n => format!("{} and {} more packages", shown.join(", "), n - 3),
    }
}

/// Evaluates a generated batch rule over `input` (the engine's input), compiled when it
/// was; a time-out names the packages and the flag.
fn eval_batch(
    engine: &mut regorus::Engine,
    input: &RegoValue,
    policies: &PolicySet,
    rule: &str,
    packages: &str,
) -> Result<RegoValue, String> {
    let time_limit = || {
        format!(
            "evaluating {packages} exceeded the time limit of {:?} (raise it with --eval-timeout)",
            policies.limits.eval_timeout
        )
    };
    let compiled = policies.compiled.as_ref();
    if let Some(result) = compiled.and_then(|c| c.evaluate(rule, input)) {
        return result.map_err(|e| match e {
            CompiledError::TimeLimit => time_limit(),
            CompiledError::Other(e) => format!("evaluating {packages}: {e}"),
        });
    }
    engine.eval_rule(rule.to_string()).map_err(|e| {
        // regorus passes the limit error up as is from a rule, but as text from inside a
        // comprehension (where every generated batch rule reads its rules).
        let is_time_limit = e.chain().any(|cause| {
            matches!(
                cause.downcast_ref::<regorus::LimitError>(),
                Some(regorus::LimitError::TimeLimitExceeded { .. })
            )
        }) || e.to_string().contains("execution exceeded time limit");
        if is_time_limit {
            time_limit()
        } else {
            format!("evaluating {packages}: {e}")
        }
    })
}

fn object_entries(value: &RegoValue) -> HashMap<String, RegoValue> {
    let mut entries = HashMap::new();
    if let Ok(object) = value.as_object() {
        for (key, value) in object.iter() {
            if let Ok(name) = key.as_string() {
                entries.insert(name.to_string(), value.clone());
            }
        }
    }
    entries
}

/// The value of each check rule (and `exception`) from a batch object whose fields hold
/// `[value]`, or `[]` for an undefined rule (left absent).
fn rule_values(batch: &RegoValue) -> HashMap<String, RegoValue> {
    object_entries(batch)
        .into_iter()
        .filter_map(|(name, wrapped)| {
            let value = wrapped.as_array().ok()?.first()?.clone();
            Some((name, value))
        })
        .collect()
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
    subject: &dyn Subject,
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
                location: subject.locate(&[]),
            },
            Value::Object(object) => object_finding(object, query, subject)?,
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
    subject: &dyn Subject,
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
    let mut location = subject.locate(&path);
    if let Some((file, line)) = &explicit_location {
        if !file.is_empty() {
            location.file = file.clone();
        }
        location.position = Position::new(*line as usize, 1);
    }
    object.insert("query".into(), Value::String(query.into()));
    Ok(Finding {
        message,
        metadata: object,
        explicit_location,
        location,
    })
}

/// Findings added since `start` carry their policy's annotated id, title, severity,
/// remediation and reference (unless the result set them itself).
fn annotate(namespace: &Namespace, result: &mut CheckResult, start: (usize, usize)) {
    let Some(annotations) = &namespace.annotations else {
        return;
    };
    let new = result.failures[start.0..]
        .iter_mut()
        .chain(result.warnings[start.1..].iter_mut());
    for finding in new {
        for (key, value) in annotations.finding_metadata() {
            finding.metadata.entry(key).or_insert(value);
        }
    }
}

/// Findings added since `start` whose id is skipped, or ignored by their input, become
/// exceptions that say why: an ignore is reported, never dropped.
fn apply_ignores(
    policies: &PolicySet,
    subject: &dyn Subject,
    result: &mut CheckResult,
    start: (usize, usize),
) {
    let mut exempt = |findings: &mut Vec<Finding>, from: usize| {
        for mut finding in findings.split_off(from) {
            let id = finding
                .metadata
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string);
            let reason = id.as_ref().and_then(|id| {
                if policies.skip.contains(id) {
                    return Some("skipped with --skip".to_string());
                }
                let path = finding
                    .metadata
                    .get("path")
                    .map(path_segments)
                    .unwrap_or_default();
                subject.ignored(&path, id)
            });
            match (reason, id) {
                (Some(reason), Some(id)) => {
                    finding.message = format!("{id}: {} ({reason})", finding.message);
                    result.exceptions.push(finding);
                }
                _ => findings.push(finding),
            }
        }
    };
    exempt(&mut result.failures, start.0);
    exempt(&mut result.warnings, start.1);
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
