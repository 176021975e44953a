//! conftest's JSON: one object per file and namespace, findings as `{msg, loc, metadata}`,
//! with tollgate's precise `location` added beside them.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use super::{CheckResult, Finding, Report};

pub fn render(report: &Report) -> String {
    let results: Vec<ResultOut<'_>> = report.results.iter().map(ResultOut::from).collect();
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    results
        .serialize(&mut serializer)
        .expect("reports always serialize");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// One result as conftest writes it; fields borrow the report, so nothing is copied
/// (a large SBOM's report has thousands of findings, each with its policy's metadata).
#[derive(Serialize)]
struct ResultOut<'a> {
    filename: &'a str,
    namespace: &'a str,
    successes: usize,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    warnings: Vec<FindingOut<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    failures: Vec<FindingOut<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    exceptions: Vec<FindingOut<'a>>,
}

impl<'a> From<&'a CheckResult> for ResultOut<'a> {
    fn from(result: &'a CheckResult) -> Self {
        let findings = |list: &'a [Finding]| list.iter().map(FindingOut::from).collect();
        Self {
            filename: if result.file == "-" { "" } else { &result.file },
            namespace: &result.namespace,
            successes: result.successes,
            warnings: findings(&result.warnings),
            failures: findings(&result.failures),
            exceptions: findings(&result.exceptions),
        }
    }
}

#[derive(Serialize)]
struct FindingOut<'a> {
    msg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    loc: Option<ExplicitLocation<'a>>,
    #[serde(skip_serializing_if = "SortedMetadata::is_empty")]
    metadata: SortedMetadata<'a>,
    location: LocationOut<'a>,
}

impl<'a> From<&'a Finding> for FindingOut<'a> {
    fn from(finding: &'a Finding) -> Self {
        Self {
            msg: &finding.message,
            loc: finding
                .explicit_location
                .as_ref()
                .map(|(file, line)| ExplicitLocation { file, line: *line }),
            metadata: SortedMetadata(&finding.metadata),
            location: LocationOut {
                file: &finding.location.file,
                line: finding.location.position.line,
                column: finding.location.position.column,
            },
        }
    }
}

#[derive(Serialize)]
struct ExplicitLocation<'a> {
    file: &'a str,
    line: u64,
}

#[derive(Serialize)]
struct LocationOut<'a> {
    file: &'a str,
    line: u32,
    column: u32,
}

/// A finding's metadata with its keys in sorted order, as conftest writes them.
struct SortedMetadata<'a>(&'a serde_json::Map<String, Value>);

impl SortedMetadata<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for SortedMetadata<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<(&String, &Value)> = self.0.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (key, value) in entries {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
