//! Policy unit tests, as `opa test` and `conftest verify` run them: every `test_` rule
//! must evaluate to true; `todo_test_` rules are skipped.

use std::time::{Duration, Instant};

use crate::input::Position;
use crate::policy::PolicySet;
use crate::report::{CheckResult, Finding, Location, Report};

/// The outcome of one test rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// The rule's full path, e.g. `data.main.test_deny_privileged`.
    pub name: String,
    pub file: String,
    pub line: u32,
    pub status: TestStatus,
    pub duration: Duration,
    pub prints: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestStatus {
    Passed,
    Failed,
    /// Evaluation failed (e.g. a builtin error or the time limit), with the reason.
    Error(String),
    Skipped,
}

/// Runs every test rule of the policy set, in namespace and definition order.
pub fn run_tests(policies: &mut PolicySet) -> Vec<TestOutcome> {
    let engine = &mut policies.engine;
    engine.set_input(regorus::Value::new_object());
    let mut outcomes = Vec::new();
    for namespace in &policies.namespaces {
        for test in &namespace.tests {
            let name = namespace.rule_path(&test.name);
            let start = Instant::now();
            let status = if test.name.starts_with("todo_") {
                TestStatus::Skipped
            } else {
                match engine.eval_rule(name.clone()) {
                    Ok(value) if value == regorus::Value::from(true) => TestStatus::Passed,
                    Ok(_) => TestStatus::Failed,
                    Err(e) => TestStatus::Error(e.to_string()),
                }
            };
            outcomes.push(TestOutcome {
                name,
                file: test.file.clone(),
                line: test.line,
                status,
                duration: start.elapsed(),
                prints: engine.take_prints().unwrap_or_default(),
            });
        }
    }
    outcomes
}

/// Test outcomes as a report: one result per test, failures named by the test rule.
pub fn report(outcomes: &[TestOutcome]) -> Report {
    let mut report = Report::default();
    for outcome in outcomes {
        let mut result = CheckResult {
            file: outcome.file.clone(),
            namespace: String::new(),
            prints: outcome.prints.clone(),
            ..CheckResult::default()
        };
        let finding = |message: String| Finding {
            message,
            metadata: serde_json::Map::new(),
            explicit_location: None,
            location: Location {
                file: outcome.file.clone(),
                position: Position::new(outcome.line as usize, 1),
            },
        };
        match &outcome.status {
            TestStatus::Passed => result.successes = 1,
            TestStatus::Failed => result.failures.push(finding(outcome.name.clone())),
            TestStatus::Error(e) => result
                .failures
                .push(finding(format!("{}: {e}", outcome.name))),
            TestStatus::Skipped => {
                result.failures.push(finding(outcome.name.clone()));
                report.skipped.push(result);
                continue;
            }
        }
        report.results.push(result);
    }
    report
}

/// Lines covered per policy file by the evaluations run so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCoverage {
    pub path: String,
    pub covered: usize,
    pub not_covered: Vec<u32>,
}

impl FileCoverage {
    pub fn percent(&self) -> f64 {
        let total = self.covered + self.not_covered.len();
        if total == 0 {
            100.0
        } else {
            self.covered as f64 * 100.0 / total as f64
        }
    }
}

/// Coverage per file; empty unless the set was loaded with coverage enabled.
pub fn coverage(policies: &PolicySet) -> Vec<FileCoverage> {
    let Ok(report) = policies.engine.get_coverage_report() else {
        return Vec::new();
    };
    report
        .files
        .into_iter()
        .filter(|file| !file.path.starts_with(crate::policy::GENERATED_PREFIX))
        .map(|file| FileCoverage {
            path: file.path,
            covered: file.covered.len(),
            not_covered: file.not_covered.into_iter().collect(),
        })
        .collect()
}
