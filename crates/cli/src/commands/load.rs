//! A year's columns for reports: from a households.csv (the parallel reader, or the validating
//! one when it declines) or from a database within a scope.

use std::path::Path;

use anyhow::{Context, bail};
use bamho_analytics::rates::Tally;
use bamho_analytics::{Snapshot, snapshot_from_records};
use bamho_domain::units::{Level, Units};
use bamho_domain::{Date, Standard, Standards, Year};
use bamho_io::{Table, households};

use super::{redact, report_errors};

pub fn from_file(input: &Path, year: Year) -> anyhow::Result<Option<Snapshot>> {
    let standard = standard(year)?;
    // The parallel column reader takes the common case; anything it cannot vouch for goes to the
    // validating reader, which reports the file, row, column and value.
    if let Ok(file) = std::fs::File::open(input)
        && let Ok(snapshot) = bamho_analytics::fastcsv::read_year_file(&file, year, standard)
    {
        return Ok(Some(snapshot));
    }
    validated(input, year, standard)
}

/// The households of a year in a households.csv, counted for a rates report (village by village
/// when `by_village`): by the parallel reader as it reads, keeping no columns, or from the
/// validating reader's columns when the parallel one declines the file.
pub fn tally_from_file(
    input: &Path,
    year: Year,
    by_village: bool,
) -> anyhow::Result<Option<Tally>> {
    let standard = standard(year)?;
    if let Ok(file) = std::fs::File::open(input)
        && let Ok(tally) =
            bamho_analytics::fastcsv::tally_year_file(&file, year, standard, by_village)
    {
        return Ok(Some(tally));
    }
    Ok(validated(input, year, standard)?.map(|snapshot| Tally::of(&snapshot, by_village)))
}

fn standard(year: Year) -> anyhow::Result<&'static Standard> {
    Standards::embedded()
        .for_year(year)
        .with_context(|| format!("no poverty standard governs {year}"))
}

/// A year's columns from the validating reader, or none when it refuses the file (its errors
/// reported).
fn validated(input: &Path, year: Year, standard: &Standard) -> anyhow::Result<Option<Snapshot>> {
    let bytes = std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    let parsed = Table::read(&input.display().to_string(), &bytes)
        .and_then(|t| households::parse(&t, Some(year)));
    match parsed {
        Ok(records) => Ok(Some(snapshot_from_records(
            year,
            standard,
            records.iter().map(|(_, r)| r),
        )?)),
        Err(errors) => {
            report_errors(&errors, "report refused");
            Ok(None)
        }
    }
}

/// The reach a `--scope` gives: a province's or a commune's communes in force today, a village,
/// or everything.
pub fn reach_for(scope: Option<&str>, today: Date) -> bamho_store::Reach {
    let units = Units::national();
    let Some(code) = scope else {
        return bamho_store::Reach::All;
    };
    if let Some(province) = units.find(Level::Province, code, today) {
        return bamho_store::Reach::Communes(
            units
                .children(province)
                .into_iter()
                .filter(|c| {
                    units.get(*c).level == Level::Commune && units.get(*c).in_force_on(today)
                })
                .map(|c| units.get(c).code.to_owned())
                .collect(),
        );
    }
    if units.find(Level::Commune, code, today).is_some() {
        return bamho_store::Reach::Communes(vec![code.to_owned()]);
    }
    bamho_store::Reach::Village(code.to_owned())
}

pub async fn from_db(
    db: &str,
    year: Year,
    scope: Option<&str>,
    today: Date,
) -> anyhow::Result<Snapshot> {
    let store = bamho_store::open(db)
        .await
        .with_context(|| format!("cannot open {}", redact(db)))?;
    match reach_for(scope, today) {
        bamho_store::Reach::Communes(communes) => Ok(store.snapshot(year, Some(&communes)).await?),
        bamho_store::Reach::Village(code) => {
            let mut snapshot = store.snapshot(year, None).await?;
            if !snapshot.villages.contains(&code) {
                bail!(
                    "--scope {code}: no province or commune in force today, and no village, has this code"
                );
            }
            snapshot.retain_village(&code);
            Ok(snapshot)
        }
        _ => Ok(store.snapshot(year, None).await?),
    }
}
