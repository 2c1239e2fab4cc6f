//! One module per subcommand; each returns the process's exit code.

mod af;
mod changes;
mod classify;
mod demo;
mod demo_followup;
mod export;
mod fixtext;
mod generate;
mod import;
mod load;
mod report;
mod serve;
mod user;
mod workbook;

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use bamho_io::whole::Whole;

use crate::cli::{Cli, Command, UserCommand};

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let lang = cli.lang;
    match cli.command {
        Command::Demo { db, addr, no_serve } => {
            runtime()?.block_on(demo::run(&db, (!no_serve).then_some(addr.as_str()), lang))
        }
        Command::Serve { db, addr } => runtime()?.block_on(serve::run(&db, &addr)),
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    username,
                    role,
                    scope,
                },
        } => runtime()?.block_on(user::add(&db, &username, &role, scope.as_deref())),
        Command::Migrate { db } => runtime()?.block_on(migrate(&db)),
        Command::FixText { input, out } => fixtext::run(&input, &out),
        Command::Xlsform { year, out } => xlsform(year, &out),
        Command::Generate {
            households,
            seed,
            years,
            area,
            out,
        } => generate::run(households, seed, &years, area, &out),
        Command::Import {
            db,
            dry_run,
            replace,
            files,
        } => runtime()?.block_on(import::run(&db, dry_run, replace, &files)),
        Command::Classify { input, year, out } => classify::run(&input, year, out.as_deref()),
        Command::Af {
            input,
            k,
            weights,
            by,
            year,
            format,
            out,
        } => af::run(&af::Args {
            input: &input,
            k: &k,
            weights: weights.as_deref(),
            by: by.as_deref(),
            year,
            format,
            out: out.as_deref(),
        }),
        Command::Export {
            db,
            what,
            format,
            scope,
            with_names,
            out,
        } => {
            let args = export::Args {
                what,
                format,
                scope,
                with_names,
            };
            runtime()?.block_on(export::run(&db, &args, &out))
        }
        Command::Report {
            db,
            scope,
            input,
            year,
            by,
            boundaries,
            format,
            changes,
            out,
        } => {
            let args = report::Args {
                scope,
                year,
                by,
                boundaries,
                format,
                lang,
                changes,
            };
            // From a file nothing waits on the network: no worker threads to start and stop.
            let runtime = match db {
                Some(_) => runtime()?,
                None => local_runtime()?,
            };
            runtime.block_on(report::run(
                db.as_deref(),
                input.as_deref(),
                &args,
                out.as_deref(),
            ))
        }
    }
}

/// `bamho xlsform`: the year's questionnaire for field teams.
fn xlsform(year: u16, out: &std::path::Path) -> anyhow::Result<ExitCode> {
    let y = bamho_domain::Year::new(year).map_err(|e| anyhow::anyhow!("--year {year}: {e}"))?;
    let standard = bamho_domain::Standards::embedded()
        .for_year(y)
        .ok_or_else(|| anyhow::anyhow!("--year {year}: no poverty standard governs that year"))?;
    bamho_io::xlsform::write(standard, year, out)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
    let mut w = std::io::stdout().lock();
    writeln!(
        w,
        "wrote {}: form {} under {} ({} indicators)",
        out.display(),
        bamho_io::xlsform::form_id(year),
        standard.id,
        standard.indicators.len()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")
}

/// A runtime on the calling thread alone, without drivers: for a command that only reads and
/// writes files, over in milliseconds.
fn local_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the runtime")
}

/// A database URL fit to print: any password is hidden.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if scheme < at => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Standard output or a file written whole, buffered; [`Output::finish`] ends it.
pub fn output(path: Option<&Path>) -> anyhow::Result<Output> {
    Ok(match path {
        Some(p) => Output::File(
            Whole::create(p).with_context(|| format!("cannot create {}", p.display()))?,
            p.to_owned(),
        ),
        None => Output::Stdout(BufWriter::new(io::stdout().lock())),
    })
}

/// Where a command writes its answer.
pub enum Output {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// A file that takes its path's name once complete: a command that fails as it writes leaves
    /// the file there before.
    File(Whole, PathBuf),
}

impl Output {
    fn sink(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(out) => out,
            Output::File(file, _) => file,
        }
    }

    /// Writes out what is buffered; a file is put in place.
    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut out) => Ok(out.flush()?),
            Output::File(file, path) => file
                .commit()
                .with_context(|| format!("cannot write {}", path.display())),
        }
    }
}

impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.sink().write(bytes)
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sink().write_all(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sink().flush()
    }
}

/// Prints a row-level error report on stderr.
pub fn report_errors(errors: &bamho_io::Errors, what: &str) {
    let count = errors.list.len() as u64 + errors.more;
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{what}: {count} error(s); nothing was written");
    let _ = write!(err, "{errors}");
}

async fn migrate(db: &str) -> anyhow::Result<ExitCode> {
    bamho_store::open(db)
        .await
        .with_context(|| format!("cannot open {}", redact(db)))?;
    writeln!(io::stdout(), "database ready: {}", redact(db))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_the_terminal() {
        assert_eq!(
            super::redact("postgres://bamho:s3cret@db/x"),
            "postgres://bamho:***@db/x"
        );
        assert_eq!(
            super::redact("postgres://bamho@db/x"),
            "postgres://bamho@db/x"
        );
        assert_eq!(super::redact("./demo.sqlite"), "./demo.sqlite");
    }
}
