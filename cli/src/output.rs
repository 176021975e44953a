//! Writing one report in several formats: at most one to standard output, the rest to
//! files (`-o json=out.json`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use tollgate_engine::report::{self, OutputFormat, RenderOptions, Report};

/// `print!` that survives a reader going away (`tollgate parse f.yaml | head`): the
/// process ends quietly with the status a shell reports for SIGPIPE (141), so a pipeline
/// under `set -o pipefail` still fails instead of a panic or a silent pass.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!($($arg)*)) };
}

/// `println!` with the behaviour of [`out!`].
macro_rules! outln {
    () => { $crate::output::write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use outln;

/// Exit status of a process that wrote to a closed pipe (128 + SIGPIPE).
const BROKEN_PIPE_STATUS: i32 = 141;

pub fn write_stdout(args: std::fmt::Arguments) {
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_fmt(args) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(BROKEN_PIPE_STATUS);
        }
        eprintln!("Error: cannot write to standard output: {error}");
        std::process::exit(2);
    }
}

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
            None => out!("{text}"),
        }
    }
    Ok(())
}
