//! `bamho report --changes`: the year's changes in poor households (report form 7.2) and the
//! transition matrix between classes, against the year before.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use bamho_analytics::Snapshot;
use bamho_analytics::changes::changes;
use bamho_domain::{Date, Year};

use super::load::{from_db, from_file};
use super::output;
use crate::cli::Format;

/// The first review year bamho's standards cover.
const FIRST_YEAR: u16 = 2022;

pub async fn run(
    db: Option<&str>,
    input: Option<&Path>,
    year: Year,
    scope: Option<&str>,
    format: Format,
    today: Date,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    if year.get() <= FIRST_YEAR {
        bail!("--changes needs a year after {FIRST_YEAR}");
    }
    let mut snapshots: Vec<Snapshot> = Vec::new();
    for y in FIRST_YEAR..=year.get() {
        let y = Year::new(y).map_err(|e| anyhow::anyhow!("{e}"))?;
        let snapshot = match (db, input) {
            (Some(db), _) => from_db(db, y, scope, today).await?,
            (None, Some(input)) => match from_file(input, y)? {
                Some(s) => s,
                None => return Ok(ExitCode::FAILURE),
            },
            (None, None) => bail!("give --db or --input"),
        };
        snapshots.push(snapshot);
    }
    let current = snapshots.pop().unwrap_or_default();
    let previous = snapshots.pop().unwrap_or_default();
    let scope = match (db, scope) {
        (None, _) => "file",
        (Some(_), Some(s)) => s,
        (Some(_), None) => "all",
    };
    let c = changes(&snapshots, &previous, &current, scope);
    let mut w = output(out)?;
    match format {
        Format::Json => writeln!(w, "{}", serde_json::to_string_pretty(&c)?)?,
        Format::Table => {
            let p = &c.poor;
            writeln!(
                w,
                "Biến động hộ nghèo năm {} (so với {}) · phạm vi {}",
                c.year, c.previous_year, c.scope
            )?;
            for (label, n) in [
                ("(1) Hộ nghèo đầu năm", p.start),
                ("(2) Thoát nghèo, thành cận nghèo", p.to_near_poor),
                ("(3) Thoát nghèo, trên chuẩn cận nghèo", p.escaped),
                ("(4) Giảm khác", p.other_decrease),
                ("(5) Cận nghèo thành nghèo", p.from_near_poor),
                ("(6) Tái nghèo", p.relapsed),
                ("(7) Nghèo phát sinh", p.newly_poor),
                ("(8) Tăng khác", p.other_increase),
                ("(9) Hộ nghèo cuối năm", p.end),
            ] {
                writeln!(
                    w,
                    "{label:<40} {:>10}",
                    bamho_domain::classify::dot_thousands(n)
                )?;
            }
        }
    }
    w.finish()?;
    Ok(ExitCode::SUCCESS)
}
