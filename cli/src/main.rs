//! `tollgate`: policy checks for configuration files, conftest-compatible.

mod args;
mod commands;
mod config;
mod inputs;
mod output;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match config::parse_with_config() {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let result = match cli.command {
        args::Command::Test(args) => commands::test::run(&args),
        args::Command::Verify(args) => commands::verify::run(&args),
        args::Command::Parse(args) => commands::parse::run(&args),
        args::Command::Policies(args) => commands::policies::run(&args),
        args::Command::Webhook(args) => commands::webhook::run(&args),
        args::Command::Blob(args) => commands::blob::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("Error: {error:#}");
            ExitCode::from(1)
        }
    }
}
