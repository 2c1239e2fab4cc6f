//! `bamho`: the one binary. Each subcommand lives in `commands/`; this file parses the command line
//! and reports errors.

mod cli;
mod clock;
mod commands;
mod progress;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(e) => {
            #[expect(
                clippy::print_stderr,
                reason = "the command line reports its errors on stderr"
            )]
            {
                eprintln!("error: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}
