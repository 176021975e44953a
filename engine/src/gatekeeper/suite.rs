//! gator's test suites (`Suite`, test.gatekeeper.sh/v1alpha1): each test pairs a template
//! with a constraint, each case reviews one object (or an AdmissionReview) with its
//! inventory, and assertions count the violations (optionally those whose message
//! matches a regular expression), with `gator verify`'s pass/fail semantics.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::constraint::enforcement_point;
use super::input::{review_of_object, review_of_request};
use super::inventory::Inventory;
use super::template::RawViolation;
use super::{Constraint, DocumentRole, Library, Template, role_of};
use crate::input::{self, Format};
use crate::limits::Limits;

/// The API group of gator suites.
pub const SUITE_GROUP: &str = "test.gatekeeper.sh";

/// A `Suite` document.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suite {
    #[serde(default, deserialize_with = "null_as_default")]
    pub tests: Vec<Test>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub skip: bool,
}

/// A template and constraint pair with the cases run against it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Test {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub template: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub constraint: String,
    /// ExpansionTemplates whose generated objects gator also reviews; tollgate does not
    /// expand, so a test that names them fails saying so rather than passing on less.
    #[serde(default, deserialize_with = "null_as_default")]
    pub expansion: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cases: Vec<Case>,
    /// The constraint is expected to be rejected (its parameters do not fit the schema).
    #[serde(default, deserialize_with = "null_as_default")]
    pub invalid: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub skip: bool,
}

/// One object reviewed against the test's constraint.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub object: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub inventory: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub assertions: Vec<Assertion>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub skip: bool,
}

/// An explicit null (`name:` with nothing after it) reads as the field's zero value, as
/// gator's Go structs read it, rather than as an invalid suite.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A statement about the violations of a case.
#[derive(Debug, Clone, Deserialize)]
pub struct Assertion {
    /// A count, or "yes" (at least one) / "no" (none); "yes" when absent.
    #[serde(default)]
    pub violations: Option<Value>,
    /// A regular expression the counted violations' messages must match.
    #[serde(default)]
    pub message: Option<String>,
}

/// How one case went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub name: String,
    pub skipped: bool,
    pub error: Option<String>,
}

/// How one test went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    pub name: String,
    pub skipped: bool,
    pub error: Option<String>,
    pub cases: Vec<CaseResult>,
}

impl TestResult {
    pub fn is_failure(&self) -> bool {
        self.error.is_some() || self.cases.iter().any(|c| c.error.is_some())
    }
}

/// How one suite went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteResult {
    pub path: String,
    pub skipped: bool,
    pub error: Option<String>,
    pub tests: Vec<TestResult>,
}

impl SuiteResult {
    pub fn is_failure(&self) -> bool {
        self.error.is_some() || self.tests.iter().any(TestResult::is_failure)
    }
}

/// gator's `--run` selection: `REGEX` runs the tests and the cases whose names match
/// (a test that matches runs whole), `TEST//CASE` the matching cases of matching tests.
#[derive(Debug, Clone, Default)]
pub enum Filter {
    #[default]
    All,
    Either(regex::Regex),
    Both {
        test: regex::Regex,
        case: regex::Regex,
    },
}

impl Filter {
    /// Reads a `--run` value; an empty one selects everything.
    pub fn new(run: &str) -> Result<Self, String> {
        let compile = |pattern: &str| {
            regex::Regex::new(pattern).map_err(|e| format!("invalid --run filter: {e}"))
        };
        let parts: Vec<&str> = run.split("//").collect();
        match parts.as_slice() {
            [""] => Ok(Self::All),
            [either] => Ok(Self::Either(compile(either)?)),
            [test, case] => Ok(Self::Both {
                test: compile(test)?,
                case: compile(case)?,
            }),
            _ => Err("invalid --run filter: it may include at most one \"//\"".into()),
        }
    }

    fn matches_test(&self, test: &Test) -> bool {
        match self {
            Self::All => true,
            Self::Either(regex) => {
                regex.is_match(&test.name) || test.cases.iter().any(|c| regex.is_match(&c.name))
            }
            Self::Both { test: regex, .. } => regex.is_match(&test.name),
        }
    }

    fn matches_case(&self, test: &str, case: &str) -> bool {
        match self {
            Self::All => true,
            Self::Either(regex) => regex.is_match(case) || regex.is_match(test),
            Self::Both {
                test: test_regex,
                case: case_regex,
            } => case_regex.is_match(case) && test_regex.is_match(test),
        }
    }
}

/// The suite files under `path`: the file itself, or every YAML file below a directory
/// (recursively, sorted) whose first document is a `Suite`.
pub fn find_suites(path: &Path, limits: &Limits) -> Result<Vec<PathBuf>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if metadata.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    crate::policy::collect(
        path,
        &mut |p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"),
        &mut files,
    )
    .map_err(|e| e.to_string())?;
    let mut suites = Vec::new();
    for file in files {
        let display = file.display().to_string();
        match input::load(&display, Format::Yaml, limits) {
            Ok(parsed) => {
                let first = parsed
                    .documents
                    .iter()
                    .map(|d| &d.value)
                    .find(|v| !v.is_null());
                if first.is_some_and(is_suite) {
                    suites.push(file);
                }
            }
            // A broken file that looks like a suite is reported when it is run.
            Err(_) => {
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                if text.contains(SUITE_GROUP) {
                    suites.push(file);
                }
            }
        }
    }
    Ok(suites)
}

fn is_suite(document: &Value) -> bool {
    let group = document
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.split_once('/'))
        .map(|(g, _)| g);
    group == Some(SUITE_GROUP) && document.get("kind").and_then(Value::as_str) == Some("Suite")
}

/// Reads and runs one suite file; tests and cases that `filter` leaves out are skipped.
pub fn run_suite(path: &Path, limits: &Limits, filter: &Filter) -> SuiteResult {
    let display = path.display().to_string();
    let failed = |error: String| SuiteResult {
        path: display.clone(),
        skipped: false,
        error: Some(error),
        tests: Vec::new(),
    };
    let suite = match read_suite(path, limits) {
        Ok(suite) => suite,
        Err(error) => return failed(error),
    };
    if suite.skip {
        return SuiteResult {
            path: display,
            skipped: true,
            error: None,
            tests: Vec::new(),
        };
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    SuiteResult {
        path: display,
        skipped: false,
        error: None,
        tests: suite
            .tests
            .iter()
            .map(|test| run_test(dir, test, limits, filter))
            .collect(),
    }
}

fn read_suite(path: &Path, limits: &Limits) -> Result<Suite, String> {
    let display = path.display().to_string();
    let file = input::load(&display, Format::Yaml, limits).map_err(|e| e.to_string())?;
    let document = file
        .documents
        .iter()
        .map(|d| &d.value)
        .find(|v| !v.is_null())
        .ok_or_else(|| format!("{display}: empty file"))?;
    if !is_suite(document) {
        return Err(format!(
            "{display}: not a Suite (apiVersion {SUITE_GROUP}/v1alpha1, kind Suite)"
        ));
    }
    serde_path_to_error::deserialize(document)
        .map_err(|e| format!("{display}: invalid Suite at {}: {}", e.path(), e.inner()))
}

fn run_test(dir: &Path, test: &Test, limits: &Limits, filter: &Filter) -> TestResult {
    let skipped = test.skip || !filter.matches_test(test);
    let mut result = TestResult {
        name: test.name.clone(),
        skipped,
        error: None,
        cases: Vec::new(),
    };
    if skipped {
        return result;
    }
    if !test.expansion.is_empty() {
        result.error = Some(format!(
            "expansion {}: ExpansionTemplates are not supported: tollgate reviews only the object itself, not the resources gator would generate from it",
            test.expansion
        ));
        return result;
    }
    let library = match load_pair(dir, test, limits) {
        Ok(library) => library,
        Err(error) => {
            result.error = Some(error);
            return result;
        }
    };
    if test.invalid {
        result.error = Some(match constraint_schema_error(&library) {
            Some(_) => return result,
            None => format!(
                "constraint {} is valid, but the test expects it to be invalid",
                test.constraint
            ),
        });
        return result;
    }
    if let Some(error) = constraint_schema_error(&library) {
        result.error = Some(error);
        return result;
    }
    result.cases = test
        .cases
        .iter()
        .map(|case| {
            if case.skip || !filter.matches_case(&test.name, &case.name) {
                return CaseResult {
                    name: case.name.clone(),
                    skipped: true,
                    error: None,
                };
            }
            CaseResult {
                name: case.name.clone(),
                skipped: false,
                error: run_case(dir, &library, case, limits).err(),
            }
        })
        .collect();
    result
}

/// The test's template and constraint, as a library of one each.
fn load_pair(dir: &Path, test: &Test, limits: &Limits) -> Result<Library, String> {
    if test.template.is_empty() {
        return Err("invalid suite: missing template".into());
    }
    if test.constraint.is_empty() {
        return Err("invalid suite: missing constraint".into());
    }
    let template_path = dir.join(&test.template);
    let template_document = single_document(&template_path, limits)?;
    let template_file = template_path.display().to_string();
    if role_of(&template_document) != DocumentRole::Template {
        return Err(format!(
            "{template_file}: not a ConstraintTemplate ({}/v1, kind ConstraintTemplate)",
            super::TEMPLATES_GROUP
        ));
    }
    let template = Template::from_document(&template_document, &template_file, limits)
        .map_err(|e| format!("adding template: {e}"))?;
    let constraint_path = dir.join(&test.constraint);
    let constraint_file = constraint_path.display().to_string();
    let constraint_document = single_document(&constraint_path, limits)?;
    let constraint = Constraint::from_document(&constraint_document, &constraint_file)
        .map_err(|e| format!("adding constraint: {e}"))?;
    if constraint.kind != template.kind {
        return Err(format!(
            "adding constraint: {constraint_file}: kind {} is not the template's kind {}",
            constraint.kind, template.kind
        ));
    }
    Ok(Library {
        templates: vec![template],
        constraints: vec![constraint],
    })
}

/// Why the constraint's parameters do not fit its template's schema, if they do not.
fn constraint_schema_error(library: &Library) -> Option<String> {
    let template = library.templates.first()?;
    let constraint = library.constraints.first()?;
    super::schema::check_parameters(template, constraint).err()
}

fn run_case(dir: &Path, library: &Library, case: &Case, limits: &Limits) -> Result<(), String> {
    if case.object.is_empty() {
        return Err("invalid case: must define object".into());
    }
    if case.assertions.is_empty() {
        return Err("invalid case: assertions must be non-empty".into());
    }
    let object_path = dir.join(&case.object);
    let objects = documents(&object_path, limits)?;
    if objects.len() != 1 {
        return Err(format!(
            "{:?} defines {} objects, expected exactly one",
            object_path.display().to_string(),
            objects.len()
        ));
    }
    let object = &objects[0];
    let review = if is_admission_review(object) {
        let request = object
            .get("request")
            .filter(|r| !r.is_null())
            .ok_or("the AdmissionReview has no request")?;
        review_of_request(request)?
    } else {
        review_of_object(object)?
    };
    let mut inventory = Inventory::default();
    for path in &case.inventory {
        let path = dir.join(path);
        for object in documents(&path, limits)? {
            inventory
                .add(&object)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let prepared = library.prepare(inventory).map_err(|e| e.to_string())?;
    let violations: Vec<RawViolation> = prepared
        .review(&review, enforcement_point::GATOR)?
        .into_iter()
        .flat_map(|o| o.violations)
        .collect();
    for assertion in &case.assertions {
        assertion.check(&violations)?;
    }
    Ok(())
}

fn is_admission_review(object: &Value) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("AdmissionReview")
        && object
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("admission.k8s.io/"))
}

/// The non-empty documents of a YAML (or JSON) file.
fn documents(path: &Path, limits: &Limits) -> Result<Vec<Value>, String> {
    let display = path.display().to_string();
    let format = Format::detect(path).unwrap_or(Format::Yaml);
    let file = input::load(&display, format, limits).map_err(|e| e.to_string())?;
    let documents: Vec<Value> = file
        .documents
        .into_iter()
        .map(|d| d.value)
        .filter(|v| !v.is_null())
        .collect();
    if documents.is_empty() {
        return Err(format!("{display}: defines no YAML objects"));
    }
    Ok(documents)
}

fn single_document(path: &Path, limits: &Limits) -> Result<Value, String> {
    let mut all = documents(path, limits)?;
    if all.len() != 1 {
        return Err(format!(
            "{}: defines {} objects, expected exactly one",
            path.display(),
            all.len()
        ));
    }
    Ok(all.remove(0))
}

/// What an assertion asks of the number of matching violations.
enum Expected {
    Exactly(u64),
    AtLeastOne,
    None,
}

impl Assertion {
    fn expected(&self) -> Result<Expected, String> {
        let invalid = || {
            "invalid assertion: violations, if set, must be a nonnegative integer, \"yes\", or \"no\""
                .to_string()
        };
        Ok(match &self.violations {
            None => Expected::AtLeastOne,
            Some(Value::String(s)) if s == "yes" => Expected::AtLeastOne,
            Some(Value::String(s)) if s == "no" => Expected::None,
            // YAML 1.1 readers turn unquoted yes/no into booleans.
            Some(Value::Bool(true)) => Expected::AtLeastOne,
            Some(Value::Bool(false)) => Expected::None,
            Some(Value::Number(n)) => Expected::Exactly(n.as_u64().ok_or_else(invalid)?),
            Some(_) => return Err(invalid()),
        })
    }

    /// Checks the violations of a case; the error says what was expected and what came.
    pub fn check(&self, violations: &[RawViolation]) -> Result<(), String> {
        let expected = self.expected()?;
        let pattern = self
            .message
            .as_deref()
            .map(regex::Regex::new)
            .transpose()
            .map_err(|e| format!("invalid assertion: message is not a regular expression: {e}"))?;
        let matching = violations
            .iter()
            .filter(|v| pattern.as_ref().is_none_or(|p| p.is_match(&v.msg)))
            .count() as u64;
        let containing = self
            .message
            .as_ref()
            .map(|m| format!(" containing {m:?}"))
            .unwrap_or_default();
        let problem = match expected {
            Expected::Exactly(n) if matching != n => Some(format!("want exactly {n}")),
            Expected::AtLeastOne if matching == 0 => Some("want at least 1".to_string()),
            Expected::None if matching > 0 => Some("want none".to_string()),
            _ => None,
        };
        match problem {
            None => Ok(()),
            Some(want) => {
                let messages: Vec<&str> = violations.iter().map(|v| v.msg.as_str()).collect();
                Err(format!(
                    "got {matching} violations{containing} but {want}: got messages {messages:?}"
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn null_fields_read_as_empty_as_gator_reads_them() {
        let suite: Suite = serde_json::from_value(json!({"tests": [
            {"name": null, "template": "t.yaml", "constraint": "c.yaml", "skip": null, "cases": [
                {"name": null, "object": "o.yaml", "inventory": null,
                 "assertions": [{"violations": "no"}]}]},
            {"name": "no-cases", "cases": null}]}))
        .unwrap();
        assert_eq!(suite.tests[0].name, "");
        assert!(!suite.tests[0].skip);
        assert_eq!(suite.tests[0].cases[0].name, "");
        assert!(suite.tests[0].cases[0].inventory.is_empty());
        assert!(suite.tests[1].cases.is_empty());
        let wrong = serde_json::from_value::<Suite>(json!({"tests": [{"name": ["a"]}]}));
        assert!(wrong.is_err());
    }
}
