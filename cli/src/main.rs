//! `tollgate`: policy checks for configuration files, conftest-compatible.

mod args;
mod commands;
mod config;
mod inputs;
mod output;

use std::process::ExitCode;

/// Rego evaluation allocates and frees many small values; mimalloc serves them much faster
/// than the system allocator (see bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // regorus's parser creates and drops thousands of anyhow errors while it loads the
    // bundled policies; under RUST_BACKTRACE=1 (common in CI) anyhow would capture a
    // backtrace for each, which costs more CPU than checking 1,000 manifests. Errors are
    // printed without backtraces anyway, and panics keep theirs (RUST_BACKTRACE).
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: the first statement of main: no other thread reads the environment yet.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
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
        args::Command::Image(args) => commands::image::run(&args),
        args::Command::Sign(args) => commands::sign::sign(&args),
        args::Command::Attest(args) => commands::sign::attest(&args),
        args::Command::GenerateKeyPair(args) => commands::sign::generate_key_pair(&args),
        args::Command::Sbom(args) => commands::sbom::run(&args),
        args::Command::Blob(args) => commands::blob::run(&args),
        args::Command::Gator(args) => commands::gator::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("Error: {error:#}");
            ExitCode::from(1)
        }
    }
}
