//! `tollgate policies list|show`: the bundled catalogue, read from the policies' own
//! `# METADATA` annotations.

use anyhow::{Result, bail};
use serde_json::{Value, json};
use tollgate_engine::annotations::Annotations;

use crate::args::{PoliciesArgs, PoliciesCommand};
use crate::output::outln;

/// Every bundled policy with an id, sorted by id.
pub fn catalogue() -> Result<Vec<Annotations>> {
    let mut entries = Vec::new();
    for (path, source) in tollgate_policies::POLICIES {
        let annotations = Annotations::parse(source)
            .map_err(|e| anyhow::anyhow!("bundled policy {path}: {e}"))?;
        if let Some(annotations) = annotations.filter(|a| a.id().is_some()) {
            entries.push(annotations);
        }
    }
    entries.sort_by(|a, b| a.id().cmp(&b.id()));
    Ok(entries)
}

pub fn run(args: &PoliciesArgs) -> Result<u8> {
    let catalogue = catalogue()?;
    match &args.command {
        PoliciesCommand::List { format } if format == "json" => {
            let list: Vec<Value> = catalogue
                .iter()
                .map(|a| {
                    json!({
                        "id": a.id(),
                        "severity": a.custom_str("severity"),
                        "input": a.custom_str("input"),
                        "title": a.title,
                        "remediation": a.custom_str("remediation"),
                        "reference": a.custom_str("reference"),
                    })
                })
                .collect();
            outln!("{}", serde_json::to_string_pretty(&list)?);
        }
        PoliciesCommand::List { .. } => {
            let width = catalogue
                .iter()
                .filter_map(|a| a.id())
                .map(str::len)
                .max()
                .unwrap_or(0);
            for a in &catalogue {
                outln!(
                    "{:width$}  {:5}  {:14}  {}",
                    a.id().unwrap_or_default(),
                    a.custom_str("severity").unwrap_or_default(),
                    a.custom_str("input").unwrap_or_default(),
                    a.title.as_deref().unwrap_or_default(),
                );
            }
        }
        PoliciesCommand::Show { id } => {
            let Some(a) = catalogue.iter().find(|a| a.id() == Some(id.as_str())) else {
                bail!("no bundled policy {id:?} (see `tollgate policies list`)");
            };
            outln!("{id}: {}", a.title.as_deref().unwrap_or_default());
            outln!(
                "severity:    {}",
                a.custom_str("severity").unwrap_or_default()
            );
            outln!("input:       {}", a.custom_str("input").unwrap_or_default());
            outln!(
                "remediation: {}",
                a.custom_str("remediation").unwrap_or_default()
            );
            outln!(
                "reference:   {}",
                a.custom_str("reference").unwrap_or_default()
            );
            if let Some(description) = &a.description {
                outln!("\n{}", description.trim());
            }
            for (label, key) in [("Passes", "example_pass"), ("Fails", "example_fail")] {
                if let Some(example) = a.custom_str(key) {
                    outln!("\n{label}:\n{}", indent(example));
                }
            }
        }
    }
    Ok(0)
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
