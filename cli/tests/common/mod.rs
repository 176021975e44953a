//! Runs the real `tollgate` binary from the workspace root.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn tollgate(args: &[&str]) -> Run {
    tollgate_in(&root(), args, None)
}

pub fn tollgate_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    command
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the tollgate binary runs");
    if let Some(bytes) = stdin {
        use std::io::Write;
        let written = child.stdin.take().expect("stdin is piped").write_all(bytes);
        // tollgate may stop reading early (a size limit); that is its answer, not an error.
        if let Err(e) = written {
            assert_eq!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe,
                "writing stdin: {e}"
            );
        }
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("tollgate finishes");
    Run {
        code: status
            .code()
            .expect("tollgate exits normally, not by a signal"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// The summary line of the stdout format.
pub fn summary(run: &Run) -> &str {
    run.stdout
        .lines()
        .rev()
        .find(|l| !l.is_empty())
        .unwrap_or_default()
}

/// Arguments that check the shipped examples.
pub const EXAMPLES: [&str; 5] = [
    "-p",
    "examples/policy",
    "-d",
    "examples/data",
    "examples/inputs",
];
