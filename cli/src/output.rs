//! Writing one report in several formats: at most one to standard output, the rest to
//! files (`-o json=out.json`).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use tollgate_engine::report::{self, OutputFormat, RenderOptions, Report};

pub struct Output {
    pub format: OutputFormat,
    pub file: Option<PathBuf>,
}

pub fn parse_outputs(specs: &[String]) -> Result<Vec<Output>> {
    let mut outputs = Vec::new();
    for spec in specs {
        let (name, file) = match spec.split_once('=') {
            Some((name, file)) => (name, Some(PathBuf::from(file))),
            None => (spec.as_str(), None),
        };
        let Some(format) = OutputFormat::from_name(name) else {
            bail!(
                "unknown output format {name:?} (supported: {})",
                OutputFormat::NAMES.join(", ")
            );
        };
        outputs.push(Output { format, file });
    }
    if outputs.iter().filter(|o| o.file.is_none()).count() > 1 {
        bail!(
            "only one output can go to standard output; send the others to files with FORMAT=FILE"
        );
    }
    Ok(outputs)
}

pub fn write(report: &Report, outputs: &[Output], options: &RenderOptions) -> Result<()> {
    for output in outputs {
        let text = report::render(report, output.format, options);
        match &output.file {
            Some(file) => std::fs::write(file, text)
                .with_context(|| format!("cannot write {}", file.display()))?,
            None => print!("{text}"),
        }
    }
    Ok(())
}
