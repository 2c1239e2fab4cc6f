//! `bamho import`: households, members and events files into a database, all rows or none.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bamho_io::{Batch, Errors};
use bamho_store::{ImportError, ImportOptions};

use super::{redact, report_errors};
use crate::{clock, progress};

/// Reads every file into one batch; every row error of every file is collected.
pub fn read_files(files: &[PathBuf]) -> anyhow::Result<Result<Batch, Errors>> {
    let mut batch = Batch::default();
    let mut errors = Errors::default();
    let bar = progress::bar(files.len() as u64, "reading");
    for path in files {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        batch.read(&path.display().to_string(), &bytes, &mut errors);
        bar.inc(1);
    }
    bar.finish_and_clear();
    batch.finish(&mut errors);
    Ok(if errors.is_empty() {
        Ok(batch)
    } else {
        Err(errors)
    })
}

pub async fn run(
    db: &str,
    dry_run: bool,
    replace: bool,
    files: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let batch = match read_files(files)? {
        Ok(b) => {
            let mut out = std::io::stdout().lock();
            for (file, encoding, n) in &b.converted {
                writeln!(
                    out,
                    "{file}: {n} text cells converted from {}",
                    encoding.name()
                )?;
            }
            b
        }
        Err(errors) => {
            report_errors(&errors, "import refused");
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = bamho_store::open(db)
        .await
        .with_context(|| format!("cannot open {}", redact(db)))?;
    let (today, at) = clock::now()?;
    let options = ImportOptions {
        replace,
        dry_run,
        actor: "cli".into(),
        at,
        today,
        source: "import".into(),
    };
    let spinner = progress::spinner("importing");
    let result = store.import(&batch, &options).await;
    spinner.finish_and_clear();
    match result {
        Ok(s) => {
            let imported: Vec<String> = batch
                .households
                .iter()
                .map(|(_, h)| h.household.as_str().to_owned())
                .chain(
                    batch
                        .members
                        .iter()
                        .map(|(_, m)| m.household.as_str().to_owned()),
                )
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let duplicates = if dry_run {
                Vec::new()
            } else {
                store
                    .duplicates(&bamho_store::Reach::All, Some(&imported))
                    .await?
            };
            let verb = if dry_run {
                "dry run, nothing written; would import"
            } else {
                "imported"
            };
            writeln!(
                std::io::stdout(),
                "{verb}: {} household-year rows ({} replaced), {} new households, {} new villages, {} members, {} events",
                s.surveys,
                s.replaced,
                s.households_new,
                s.villages_new,
                s.members,
                s.events
            )?;
            // Shown, never merged: an officer decides (household codes only, no names here).
            let mut out = std::io::stdout().lock();
            for g in &duplicates {
                let mut codes: Vec<&str> =
                    g.people.iter().map(|p| p.household_code.as_str()).collect();
                codes.dedup();
                let why = if g.reason == "citizen_id" {
                    "the same citizen ID"
                } else {
                    "the same name and birth year in one village"
                };
                writeln!(
                    out,
                    "possible duplicate, not merged: {why} in households {}",
                    codes.join(", ")
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rows(errors)) => {
            report_errors(&errors, "import refused");
            Ok(ExitCode::FAILURE)
        }
        Err(ImportError::Store(e)) => Err(e).context("the import failed; nothing was written"),
    }
}
