//! `bamho report`: poor and near-poor counts and rates for a year, from a database (decided classes
//! where decided) or from a households.csv (classes always computed), in total or by keys.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use bamho_analytics::rates::{Tally, by_village, report, unit_label, write_report_json};
use bamho_analytics::{Boundaries, Key, Report};
use bamho_domain::units::review_day;
use bamho_domain::{Date, Year};

use super::load::{from_db, from_file, tally_from_file};
use super::output;
use crate::cli::{BoundariesArg, Format, Lang, ReportFormat};
use crate::clock;

#[derive(Debug)]
pub struct Args {
    pub scope: Option<String>,
    pub year: u16,
    pub by: Vec<String>,
    pub boundaries: BoundariesArg,
    pub format: ReportFormat,
    pub lang: Lang,
    /// The year's changes (report form 7.2) and transitions instead of rates.
    pub changes: bool,
}

pub async fn run(
    db: Option<&str>,
    input: Option<&Path>,
    args: &Args,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let year = Year::new(args.year).map_err(|e| anyhow::anyhow!("--year {}: {e}", args.year))?;
    let keys = args
        .by
        .iter()
        .filter(|k| !k.trim().is_empty())
        .map(|k| Key::parse(k).with_context(|| format!("--by {k}: one of province, district, commune, village, ethnicity, minority, area")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (today, at) = clock::now()?;
    let boundaries = match args.boundaries {
        BoundariesArg::Recorded => Boundaries::Recorded,
        BoundariesArg::Current => Boundaries::Current,
    };
    let format = match args.format {
        ReportFormat::Xlsx => {
            let out = out.context("--format xlsx writes a workbook: give --out FILE.xlsx")?;
            return write_workbook(db, input, args, boundaries, (today, &at), out).await;
        }
        ReportFormat::Json => Format::Json,
        ReportFormat::Table => Format::Table,
    };
    if args.changes {
        return super::changes::run(db, input, year, args.scope.as_deref(), format, today, out)
            .await;
    }
    // From a file the households are counted as they are read; no column is kept.
    let by_village = by_village(&keys, boundaries);
    let (tally, scope) = match (db, input) {
        (Some(db), _) => (
            Tally::of(
                &from_db(db, year, args.scope.as_deref(), today).await?,
                by_village,
            ),
            args.scope.clone().unwrap_or_else(|| "all".into()),
        ),
        (None, Some(input)) => match tally_from_file(input, year, by_village)? {
            Some(tally) => (tally, "file".to_owned()),
            None => return Ok(ExitCode::FAILURE),
        },
        (None, None) => bail!("give --db or --input"),
    };
    let mut w = output(out)?;
    match format {
        Format::Json => write_report_json(&tally, &keys, boundaries, today, &scope, &mut w)?,
        Format::Table => {
            let report = report(&tally, &keys, boundaries, today, &scope);
            write_table(&mut w, &report, &keys, args.lang, today)?;
            std::mem::forget(report);
        }
    }
    w.finish()?;
    // The command ends here: the counts and rows go back to the system with the process, not
    // freed one by one (tens of thousands of them).
    std::mem::forget(tally);
    Ok(ExitCode::SUCCESS)
}

/// The first review year bamho's standards cover.
const FIRST_YEAR: u16 = 2022;

/// The official workbook of a year: every sheet a households.csv can fill, and from a database
/// the causes, the support and the list of households with their members (audited as an export).
async fn write_workbook(
    db: Option<&str>,
    input: Option<&Path>,
    args: &Args,
    boundaries: Boundaries,
    (today, at): (Date, &str),
    out: &Path,
) -> anyhow::Result<ExitCode> {
    let mut snapshots = Vec::new();
    for y in FIRST_YEAR..=args.year {
        let y = Year::new(y).map_err(|e| anyhow::anyhow!("{e}"))?;
        let snapshot = match (db, input) {
            (Some(db), _) => from_db(db, y, args.scope.as_deref(), today).await?,
            (None, Some(input)) => match from_file(input, y)? {
                Some(s) => s,
                None => return Ok(ExitCode::FAILURE),
            },
            (None, None) => bail!("give --db or --input"),
        };
        // Years before the file's first are left out: there is nothing to compare with.
        if !snapshot.is_empty() || y.get() == args.year {
            snapshots.push(snapshot);
        }
    }
    let scope = match (db, args.scope.as_deref()) {
        (None, _) => "file".to_owned(),
        (Some(_), Some(s)) => s.to_owned(),
        (Some(_), None) => "all".to_owned(),
    };
    let extras = match db {
        Some(db) => {
            let store = bamho_store::open(db)
                .await
                .with_context(|| format!("cannot open {}", super::redact(db)))?;
            let reach = super::load::reach_for(args.scope.as_deref(), today);
            let households: Vec<_> = store
                .export_household_years(&reach)
                .await?
                .into_iter()
                .filter(|h| h.year == args.year && (h.class == "poor" || h.class == "near_poor"))
                .collect();
            let wanted: std::collections::BTreeSet<&str> = households
                .iter()
                .map(|h| h.household_code.as_str())
                .collect();
            let mut members: std::collections::BTreeMap<String, Vec<_>> = Default::default();
            for m in store.export_members(&reach).await? {
                if wanted.contains(m.household_code.as_str()) {
                    members.entry(m.household_code.clone()).or_default().push(m);
                }
            }
            let extras = super::workbook::Extras {
                causes: store.cause_counts(args.year, &reach).await?,
                support: store.support_summary(args.year, &reach).await?,
                members,
                households,
            };
            store
                .record_export(
                    "report-workbook",
                    &scope,
                    extras.households.len(),
                    "cli",
                    at,
                )
                .await?;
            Some(extras)
        }
        None => None,
    };
    let inputs = super::workbook::Inputs {
        snapshots: &snapshots,
        scope: &scope,
        boundaries,
        today,
        extras,
    };
    let sheets = super::workbook::sheets(&inputs)?;
    bamho_io::workbook::write(out, &sheets)?;
    let mut w = std::io::stdout().lock();
    writeln!(w, "wrote {} ({} sheets)", out.display(), sheets.len())?;
    Ok(ExitCode::SUCCESS)
}

fn header(key: &str, lang: Lang) -> &str {
    match (key, lang) {
        (k, Lang::En) => k,
        ("province", _) => "Tỉnh",
        ("district", _) => "Huyện (cũ)",
        ("commune", _) => "Xã",
        ("village", _) => "Thôn",
        ("ethnicity", _) => "Dân tộc",
        ("minority", _) => "DTTS/Kinh",
        ("area", _) => "Khu vực",
        (k, _) => k,
    }
}

/// Vietnamese numbers: dot thousands, comma decimals.
fn number(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Vi => bamho_domain::classify::dot_thousands(n),
        Lang::En => n.to_string(),
    }
}

fn rate(r: f64, lang: Lang) -> String {
    let s = format!("{r:.2}");
    if lang == Lang::Vi {
        s.replace('.', ",")
    } else {
        s
    }
}

fn write_table(
    w: &mut dyn Write,
    report: &Report,
    keys: &[Key],
    lang: Lang,
    today: Date,
) -> anyhow::Result<()> {
    let day = review_day(Year::new(report.year).map_err(|e| anyhow::anyhow!("{e}"))?);
    let ethnic = bamho_domain::ethnic::EthnicGroups::national();
    let label = |k: Key, v: &str| match k {
        Key::Ethnicity => ethnic
            .by_code(v)
            .map_or(v.to_owned(), |g| format!("{v} {}", g.name)),
        _ if report.boundaries == Boundaries::Current => unit_label(k, v, today),
        _ => unit_label(k, v, day),
    };
    let numbers = match lang {
        Lang::Vi => [
            "Số hộ",
            "Hộ nghèo",
            "Hộ cận nghèo",
            "Tỷ lệ nghèo (%)",
            "Tỷ lệ cận nghèo (%)",
        ],
        Lang::En => [
            "households",
            "poor",
            "near_poor",
            "poor_rate",
            "near_poor_rate",
        ],
    };
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut head: Vec<String> = keys
        .iter()
        .map(|k| header(k.as_str(), lang).to_owned())
        .collect();
    head.extend(numbers.iter().map(|s| (*s).to_owned()));
    table.push(head);
    let cells = |r: &bamho_analytics::rates::Rates| {
        vec![
            number(r.households, lang),
            number(r.poor, lang),
            number(r.near_poor, lang),
            rate(r.poor_rate, lang),
            rate(r.near_poor_rate, lang),
        ]
    };
    for row in &report.rows {
        let mut line: Vec<String> = keys
            .iter()
            .zip(&row.key.0)
            .map(|(k, (_, v))| label(*k, v))
            .collect();
        line.extend(cells(&row.rates));
        table.push(line);
    }
    let mut total: Vec<String> = vec![String::new(); keys.len()];
    if let Some(first) = total.first_mut() {
        *first = if lang == Lang::Vi {
            "Tổng".into()
        } else {
            "Total".into()
        };
    }
    total.extend(cells(&report.total));
    table.push(total);
    let title = match lang {
        Lang::Vi => format!(
            "Năm {} · chuẩn {} · địa giới {} · phạm vi {}",
            report.year,
            report.standard,
            if report.boundaries == Boundaries::Current {
                "hiện nay"
            } else {
                "tại thời điểm rà soát"
            },
            report.scope
        ),
        Lang::En => format!(
            "Year {} · standard {} · {} boundaries · scope {}",
            report.year,
            report.standard,
            if report.boundaries == Boundaries::Current {
                "current"
            } else {
                "recorded"
            },
            report.scope
        ),
    };
    writeln!(w, "{title}")?;
    let columns = table[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for line in &table {
        let cells: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(c, s)| {
                let pad = " ".repeat(widths[c] - s.chars().count());
                if c < keys.len() {
                    format!("{s}{pad}")
                } else {
                    format!("{pad}{s}")
                }
            })
            .collect();
        writeln!(w, "{}", cells.join("  ").trim_end())?;
    }
    Ok(())
}
