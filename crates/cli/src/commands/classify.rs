//! `bamho classify`: a year's rows of households.csv with the class filled in by the year's
//! standard and the number of deprivations appended. No database; an input class is ignored.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use bamho_domain::{Standards, Year};
use bamho_io::{Table, households};

use super::{output, report_errors};

pub fn run(input: &Path, year: u16, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let year = Year::new(year).map_err(|e| anyhow::anyhow!("--year {year}: {e}"))?;
    let standard = Standards::embedded()
        .for_year(year)
        .with_context(|| format!("no poverty standard governs {year}"))?;
    let bytes = std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    let name = input.display().to_string();
    let parsed =
        Table::read(&name, &bytes).and_then(|t| households::parse(&t, Some(year)).map(|r| (t, r)));
    let (table, records) = match parsed {
        Ok(ok) => ok,
        Err(errors) => {
            report_errors(&errors, "classification refused");
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut classes = HashMap::with_capacity(records.len());
    for (at, r) in &records {
        let c = r
            .classify(standard)
            .with_context(|| format!("{name}: row {}", at.row))?;
        classes.insert(at.row, c);
    }
    let class_column = table.columns.iter().position(|c| c == "class");
    let mut header: Vec<&str> = table.columns.iter().map(String::as_str).collect();
    if class_column.is_none() {
        header.push("class");
    }
    header.push("n_deprived");
    let mut w = csv::Writer::from_writer(output(out)?);
    w.write_record(&header)?;
    for row in table.rows() {
        let Some(c) = classes.get(&row.at.row) else {
            continue;
        };
        let mut cells: Vec<&[u8]> = row.cells().collect();
        cells.resize(table.columns.len(), b"");
        match class_column {
            Some(i) => cells[i] = c.class.as_str().as_bytes(),
            None => cells.push(c.class.as_str().as_bytes()),
        }
        let n = c.n_deprived.to_string();
        cells.push(n.as_bytes());
        w.write_record(&cells)?;
    }
    w.into_inner().map_err(|e| e.into_error())?.finish()?;
    Ok(ExitCode::SUCCESS)
}
