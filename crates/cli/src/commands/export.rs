//! `bamho export`: lists and data out of a database, within a scope, each export recorded in the
//! audit trail. Microdata carries pseudonymous identifiers (a keyed hash of the household code with
//! this database's secret) and no names unless `--with-names`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use bamho_domain::Standards;
use bamho_store::{HouseholdYearRow, Reach, Store};
use sha2::{Digest, Sha256};

use super::redact;
use crate::cli::{ExportFormat, ExportWhat};
use crate::clock;

#[derive(Debug)]
pub struct Args {
    pub what: ExportWhat,
    pub format: ExportFormat,
    pub scope: Option<String>,
    pub with_names: bool,
}

async fn reach(store: &dyn Store, scope: Option<&str>) -> anyhow::Result<Reach> {
    let Some(code) = scope else {
        return Ok(Reach::All);
    };
    if let Some(communes) = bamho_web::access::communes_of(code, bamho_web::clock::today()) {
        return Ok(Reach::Communes(communes));
    }
    if store.village(code).await?.is_some() {
        return Ok(Reach::Village(code.to_owned()));
    }
    bail!("--scope {code}: no province or commune in force today, and no village, has this code")
}

fn pseudonym(key: &str, code: &str) -> String {
    let digest = Sha256::new()
        .chain_update(key.as_bytes())
        .chain_update([0u8])
        .chain_update(code.as_bytes())
        .finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// households.csv's header for these rows: as many d-columns as their largest standard.
fn household_header(rows: &[HouseholdYearRow]) -> (Vec<String>, usize) {
    let standards = Standards::embedded();
    let columns = rows
        .iter()
        .filter_map(|r| standards.by_id(&r.standard).map(|s| s.indicators.len()))
        .max()
        .unwrap_or(12);
    let mut header: Vec<String> = bamho_io::households::COLUMNS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    header.extend((1..=columns).map(|i| format!("d{i:02}")));
    header.push("class".into());
    (header, columns)
}

fn household_record(r: &HouseholdYearRow, id: &str, columns: usize) -> Vec<String> {
    let indicators = Standards::embedded()
        .by_id(&r.standard)
        .map_or(columns, |s| s.indicators.len());
    let mut cells = vec![
        r.year.to_string(),
        id.to_owned(),
        r.province_code.clone(),
        r.commune_code.clone(),
        r.village_code.clone(),
        r.area.clone(),
        u8::from(r.agricultural).to_string(),
        r.head_ethnicity.clone(),
        r.members.to_string(),
        r.income_per_capita
            .map(|v| v.to_string())
            .unwrap_or_default(),
        r.b1_score.map(|v| v.to_string()).unwrap_or_default(),
    ];
    for i in 0..columns {
        cells.push(if i < indicators {
            ((r.deprived >> i) & 1).to_string()
        } else {
            String::new()
        });
    }
    cells.push(r.class.clone());
    cells
}

/// Rows gathered before they are written in the chosen format.
#[derive(Default)]
struct Rows {
    header: Vec<String>,
    records: Vec<Vec<String>>,
}

impl Rows {
    fn write_record<I, T>(&mut self, record: I) -> anyhow::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let record: Vec<String> = record.into_iter().map(|c| c.as_ref().to_owned()).collect();
        if self.header.is_empty() {
            self.header = record;
        } else {
            self.records.push(record);
        }
        Ok(())
    }
}

/// Columns that hold counts (written as numbers in a workbook); codes stay text.
const NUMERIC: [&str; 6] = [
    "year",
    "members",
    "income_per_capita",
    "b1_score",
    "person_no",
    "birth_year",
];

fn title(what: ExportWhat) -> &'static str {
    match what {
        ExportWhat::PostingList => "DANH SÁCH NIÊM YẾT KẾT QUẢ RÀ SOÁT",
        ExportWhat::Households => "CÁC HỘ VÀ KẾT QUẢ RÀ SOÁT THEO NĂM",
        ExportWhat::Members => "THÀNH VIÊN CÁC HỘ",
        ExportWhat::Caseloads => "HỘ ĐƯỢC PHÂN CÔNG GIÚP ĐỠ",
        ExportWhat::Microdata => "SỐ LIỆU VI MÔ (ĐỊNH DANH GIẢ)",
    }
}

fn save(rows: &Rows, args: &Args, out: &Path) -> anyhow::Result<()> {
    match args.format {
        ExportFormat::Csv => {
            let file = bamho_io::whole::Whole::create(out)
                .with_context(|| format!("cannot create {}", out.display()))?;
            let mut w = csv::Writer::from_writer(file);
            w.write_record(&rows.header)?;
            for r in &rows.records {
                w.write_record(r)?;
            }
            w.into_inner()
                .map_err(|e| e.into_error())?
                .commit()
                .with_context(|| format!("cannot write {}", out.display()))?;
        }
        ExportFormat::Xlsx => {
            use bamho_io::workbook::{Cell, Sheet};
            let numeric: Vec<bool> = rows
                .header
                .iter()
                .map(|h| NUMERIC.contains(&h.as_str()))
                .collect();
            let cells = rows
                .records
                .iter()
                .map(|r| {
                    r.iter()
                        .zip(&numeric)
                        .map(|(v, n)| match (n, v.parse::<u64>()) {
                            (true, Ok(k)) => Cell::Count(k),
                            _ if v.is_empty() => Cell::Empty,
                            _ => Cell::Text(v.clone()),
                        })
                        .collect()
                })
                .collect();
            let sheet = Sheet {
                name: format!("{:?}", args.what),
                title: title(args.what).into(),
                subtitle: format!(
                    "Phạm vi {} · xuất ngày {}",
                    args.scope.as_deref().unwrap_or("tất cả"),
                    bamho_web::clock::today().vi()
                ),
                headers: rows.header.clone(),
                rows: cells,
                ..Sheet::default()
            };
            bamho_io::workbook::write(out, &[sheet])?;
        }
        ExportFormat::Parquet => {
            let numeric: Vec<bool> = rows
                .header
                .iter()
                .map(|h| NUMERIC.contains(&h.as_str()))
                .collect();
            bamho_io::parquet::write(out, &rows.header, &numeric, &rows.records)
                .with_context(|| format!("cannot write {}", out.display()))?;
        }
    }
    Ok(())
}

pub async fn run(db: &str, args: &Args, out: &Path) -> anyhow::Result<ExitCode> {
    let store = bamho_store::open(db)
        .await
        .with_context(|| format!("cannot open {}", redact(db)))?;
    let reach = reach(store.as_ref(), args.scope.as_deref()).await?;
    let mut w = Rows::default();
    let rows = match args.what {
        ExportWhat::Households | ExportWhat::Microdata => {
            let rows = store.export_household_years(&reach).await?;
            let (mut header, columns) = household_header(&rows);
            let microdata = args.what == ExportWhat::Microdata;
            let key = if microdata {
                store.pseudonym_key().await?
            } else {
                String::new()
            };
            if microdata {
                header[1] = "pseudo_id".into();
                if args.with_names {
                    header.push("household_code".into());
                    header.push("head_name".into());
                }
            }
            w.write_record(&header)?;
            for r in &rows {
                let id = if microdata {
                    pseudonym(&key, &r.household_code)
                } else {
                    r.household_code.clone()
                };
                let mut record = household_record(r, &id, columns);
                if microdata && args.with_names {
                    record.push(r.household_code.clone());
                    record.push(r.head_name.clone().unwrap_or_default());
                }
                w.write_record(&record)?;
            }
            rows.len()
        }
        ExportWhat::Members => {
            let rows = store.export_members(&reach).await?;
            w.write_record(bamho_io::members::MEMBER_COLUMNS)?;
            for m in &rows {
                w.write_record([
                    m.household_code.as_str(),
                    &m.person_no.to_string(),
                    &m.full_name,
                    &m.sex,
                    &m.birth_year.to_string(),
                    &m.ethnicity,
                    m.citizen_id.as_deref().unwrap_or_default(),
                    &m.relation,
                ])?;
            }
            rows.len()
        }
        ExportWhat::PostingList => {
            // The latest year's results: names and class only, never deprivations or ethnicity.
            let rows = store.export_household_years(&reach).await?;
            let latest = rows.iter().map(|r| r.year).max().unwrap_or_default();
            w.write_record(["year", "village_code", "head_name", "class"])?;
            let mut n = 0;
            for r in rows.iter().filter(|r| r.year == latest) {
                w.write_record([
                    r.year.to_string().as_str(),
                    &r.village_code,
                    r.head_name.as_deref().unwrap_or_default(),
                    &r.class,
                ])?;
                n += 1;
            }
            n
        }
        ExportWhat::Caseloads => {
            let communes = match &reach {
                Reach::All => None,
                Reach::Communes(list) => Some(list.clone()),
                Reach::Village(v) => store.village(v).await?.map(|(_, _, c)| vec![c]),
                Reach::Households(_) => Some(Vec::new()),
            };
            w.write_record([
                "supporter",
                "organisation",
                "commune_code",
                "household_code",
                "head_name",
                "last_visit",
                "next_due",
            ])?;
            let mut n = 0;
            for s in store.supporters(communes.as_deref()).await? {
                for c in store.caseload(s.id).await? {
                    w.write_record([
                        s.full_name.as_str(),
                        &s.organisation,
                        &s.commune_code,
                        &c.household_code,
                        c.head_name.as_deref().unwrap_or_default(),
                        c.last_visit.as_deref().unwrap_or_default(),
                        c.next_due.as_deref().unwrap_or_default(),
                    ])?;
                    n += 1;
                }
            }
            n
        }
    };
    save(&w, args, out)?;
    let (_, at) = clock::now()?;
    let what = format!("{:?}", args.what).to_lowercase();
    let scope = args.scope.clone().unwrap_or_else(|| "all".into());
    store.record_export(&what, &scope, rows, "cli", &at).await?;
    writeln!(
        std::io::stdout(),
        "{rows} rows written to {}",
        out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
