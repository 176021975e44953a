//! JUnit XML: one test suite per namespace, one test case per finding and per success.

use std::collections::BTreeMap;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{Finding, RenderOptions, Report};

enum Case<'a> {
    Failed(&'a Finding),
    Skipped(&'a Finding),
    Passed,
}

pub fn render(report: &Report, options: &RenderOptions) -> String {
    let mut suites: BTreeMap<&str, Vec<(&str, Case)>> = BTreeMap::new();
    for result in &report.results {
        let cases = suites.entry(result.namespace.as_str()).or_default();
        for finding in result.warnings.iter().chain(&result.failures) {
            cases.push((&result.file, Case::Failed(finding)));
        }
        for finding in &result.exceptions {
            cases.push((&result.file, Case::Skipped(finding)));
        }
        for _ in 0..result.successes {
            cases.push((&result.file, Case::Passed));
        }
    }
    let mut writer = Writer::new_with_indent(Vec::new(), b'\t', 1);
    let write = |writer: &mut Writer<Vec<u8>>, event: Event| {
        writer
            .write_event(event)
            .expect("writing to memory cannot fail");
    };
    write(
        &mut writer,
        Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)),
    );
    write(&mut writer, Event::Start(BytesStart::new("testsuites")));
    for (namespace, cases) in &suites {
        let failures = cases
            .iter()
            .filter(|(_, c)| matches!(c, Case::Failed(_)))
            .count();
        let skipped = cases
            .iter()
            .filter(|(_, c)| matches!(c, Case::Skipped(_)))
            .count();
        let name = format!("tollgate.{namespace}");
        let tests = cases.len().to_string();
        let failures = failures.to_string();
        let skipped = skipped.to_string();
        let suite = BytesStart::new("testsuite").with_attributes([
            ("name", name.as_str()),
            ("tests", tests.as_str()),
            ("failures", failures.as_str()),
            ("skipped", skipped.as_str()),
            ("time", "0.000"),
        ]);
        write(&mut writer, Event::Start(suite));
        for (file, case) in cases {
            let test_name = match case {
                Case::Failed(f) | Case::Skipped(f) if !options.junit_hide_message => {
                    let first_line = f.message.lines().next().unwrap_or_default();
                    match f.metadata.get("id").and_then(|id| id.as_str()) {
                        Some(id) => format!("{} - {id} - {first_line}", f.location),
                        None => format!("{} - {first_line}", f.location),
                    }
                }
                Case::Failed(f) | Case::Skipped(f) => f.location.to_string(),
                Case::Passed => file.to_string(),
            };
            let testcase = BytesStart::new("testcase").with_attributes([
                ("classname", name.as_str()),
                ("name", test_name.as_str()),
                ("time", "0.000"),
            ]);
            match case {
                Case::Passed => write(&mut writer, Event::Empty(testcase)),
                Case::Failed(f) => {
                    write(&mut writer, Event::Start(testcase));
                    let failure = BytesStart::new("failure")
                        .with_attributes([("message", "Failed"), ("type", "")]);
                    write(&mut writer, Event::Start(failure));
                    write(&mut writer, Event::Text(BytesText::new(&f.message)));
                    write(&mut writer, Event::End(BytesEnd::new("failure")));
                    write(&mut writer, Event::End(BytesEnd::new("testcase")));
                }
                Case::Skipped(f) => {
                    write(&mut writer, Event::Start(testcase));
                    let skipped = BytesStart::new("skipped")
                        .with_attributes([("message", f.message.as_str())]);
                    write(&mut writer, Event::Empty(skipped));
                    write(&mut writer, Event::End(BytesEnd::new("testcase")));
                }
            }
        }
        write(&mut writer, Event::End(BytesEnd::new("testsuite")));
    }
    write(&mut writer, Event::End(BytesEnd::new("testsuites")));
    let mut out = String::from_utf8(writer.into_inner()).expect("quick-xml writes UTF-8");
    out.push('\n');
    out
}
