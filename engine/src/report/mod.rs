//! The one result type every output format renders, so outputs never disagree.

mod github;
mod json;
mod junit;
mod sarif;
mod stdout;
mod table;
mod tap;

use std::fmt;

use serde_json::{Map, Value};

use crate::input::Position;

/// What a finding means for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Failure,
    Warning,
    Exception,
}

/// Where a finding points: a file and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub position: Position,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.file, self.position.line, self.position.column
        )
    }
}

/// One policy result: a failure, a warning or an exception.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub message: String,
    /// Every key of the result object except `msg` and `_loc`, plus conftest's `query`.
    pub metadata: Map<String, Value>,
    /// The `_loc` a policy gave explicitly (conftest's `loc`), shown as is in JSON.
    pub explicit_location: Option<(String, u64)>,
    /// Where the finding points: the field of `path`, else the document's first line.
    pub location: Location,
}

impl Finding {
    /// A stable identifier for grouping findings: the policy's `id` when it gives one,
    /// else the rule that produced it (`data.main.deny` becomes `main.deny`).
    pub fn rule_id(&self) -> String {
        if let Some(Value::String(id)) = self.metadata.get("id") {
            return id.clone();
        }
        match self.metadata.get("query") {
            Some(Value::String(query)) => query.trim_start_matches("data.").to_string(),
            _ => "policy".into(),
        }
    }
}

/// The results of one input file (or the combined input) in one namespace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckResult {
    pub file: String,
    pub namespace: String,
    pub successes: usize,
    pub failures: Vec<Finding>,
    pub warnings: Vec<Finding>,
    pub exceptions: Vec<Finding>,
    /// Output of Rego `print` calls, in evaluation order.
    pub prints: Vec<String>,
}

impl CheckResult {
    /// How many tests this result counts: every finding and every success.
    pub fn total(&self) -> usize {
        self.failures.len() + self.warnings.len() + self.exceptions.len() + self.successes
    }

    pub fn findings(&self) -> impl Iterator<Item = (Severity, &Finding)> {
        self.failures
            .iter()
            .map(|f| (Severity::Failure, f))
            .chain(self.warnings.iter().map(|f| (Severity::Warning, f)))
            .chain(self.exceptions.iter().map(|f| (Severity::Exception, f)))
    }
}

/// A file that could not be checked, with the position when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    pub position: Option<Position>,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Counts over a whole run, as conftest's summary line gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub tests: usize,
    pub successes: usize,
    pub warnings: usize,
    pub failures: usize,
    pub exceptions: usize,
    pub skipped: usize,
}

impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{} test{}, {} passed, {} warning{}, {} failure{}, {} exception{}",
            self.tests,
            plural(self.tests),
            self.successes,
            self.warnings,
            plural(self.warnings),
            self.failures,
            plural(self.failures),
            self.exceptions,
            plural(self.exceptions)
        )
    }
}

/// Everything a run found, in a deterministic order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub results: Vec<CheckResult>,
    pub errors: Vec<FileError>,
    /// Results that count as skipped (`verify` reports `todo_` tests this way).
    pub skipped: Vec<CheckResult>,
}

impl Report {
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for result in &self.results {
            totals.successes += result.successes;
            totals.warnings += result.warnings.len();
            totals.failures += result.failures.len();
            totals.exceptions += result.exceptions.len();
        }
        totals.skipped = self.skipped.len();
        totals.tests = totals.successes
            + totals.warnings
            + totals.failures
            + totals.exceptions
            + totals.skipped;
        totals
    }

    /// conftest's exit codes: 1 on failures; with `fail_on_warn`, 2 on failures and 1 on
    /// warnings. A file that could not be checked fails the run like a failure.
    pub fn exit_code(&self, fail_on_warn: bool) -> i32 {
        let totals = self.totals();
        let failed = totals.failures > 0 || !self.errors.is_empty();
        match (fail_on_warn, failed, totals.warnings > 0) {
            (true, true, _) => 2,
            (true, false, true) => 1,
            (false, true, _) => 1,
            _ => 0,
        }
    }
}

/// The output formats of `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Stdout,
    Json,
    Tap,
    Table,
    Junit,
    Github,
    Sarif,
}

impl OutputFormat {
    pub const NAMES: [&str; 7] = ["stdout", "json", "tap", "table", "junit", "github", "sarif"];

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "stdout" => Self::Stdout,
            "json" => Self::Json,
            "tap" => Self::Tap,
            "table" => Self::Table,
            "junit" => Self::Junit,
            "github" => Self::Github,
            "sarif" => Self::Sarif,
            _ => return None,
        })
    }
}

/// Choices that change how a report is rendered, not what it contains.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub color: bool,
    pub suppress_exceptions: bool,
    pub junit_hide_message: bool,
    pub show_skipped: bool,
    pub fail_on_warn: bool,
}

/// Renders a report in one format.
pub fn render(report: &Report, format: OutputFormat, options: &RenderOptions) -> String {
    match format {
        OutputFormat::Stdout => stdout::render(report, options),
        OutputFormat::Json => json::render(report),
        OutputFormat::Tap => tap::render(report),
        OutputFormat::Table => table::render(report),
        OutputFormat::Junit => junit::render(report, options),
        OutputFormat::Github => github::render(report),
        OutputFormat::Sarif => sarif::render(report, options),
    }
}

/// What a result line names a finding by: its policy id when it has one (the bundled
/// policies do), else the namespace as conftest does.
fn policy_label<'a>(result: &'a CheckResult, finding: &'a Finding) -> &'a str {
    finding
        .metadata
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(&result.namespace)
}

/// How a result line names its file: `- file`, or just `-` for standard input.
fn file_indicator(file: &str) -> String {
    if file == "-" {
        "-".into()
    } else {
        format!("- {file}")
    }
}
