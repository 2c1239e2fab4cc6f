//! `bamho fix-text`: a CSV file or a workbook with its text converted to Unicode NFC, cell by cell,
//! from whatever legacy Vietnamese encoding each cell is in; prints what it changed.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use bamho_io::fixtext::{Report, fix_csv, fix_workbook};

/// Changed cells listed one by one, at most.
const LISTED: usize = 50;

pub fn run(input: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    if input == out {
        bail!("--out must differ from --input: the original is kept");
    }
    let extension = input
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let report = match extension.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => fix_workbook(input, out)?,
        "csv" | "txt" | "tsv" => {
            let bytes =
                std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
            let (text, report) = fix_csv(&input.display().to_string(), &bytes)?;
            std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
            report
        }
        other => bail!(
            "{}: fix-text reads .csv, .txt, .xlsx, .xls and .ods files, not .{other}",
            input.display()
        ),
    };
    print(&report, input, out)?;
    Ok(ExitCode::SUCCESS)
}

fn print(report: &Report, input: &Path, out: &Path) -> anyhow::Result<()> {
    let mut w = std::io::stdout().lock();
    let total: usize = report.converted.values().sum();
    writeln!(
        w,
        "{}: {total} cells converted, {} ambiguous → {}",
        input.display(),
        report.ambiguous.len(),
        out.display()
    )?;
    if report.legacy_bytes {
        writeln!(w, "  the file was not UTF-8: read byte by byte")?;
    }
    for (encoding, n) in &report.converted {
        writeln!(w, "  {encoding}: {n}")?;
    }
    for (legacy, unicode) in &report.fonts {
        writeln!(w, "  font {legacy} → {unicode}")?;
    }
    for (place, encoding) in report.changes.iter().take(LISTED) {
        writeln!(w, "  {place}: {}", encoding.name())?;
    }
    if report.changes.len() > LISTED {
        writeln!(w, "  … and {} more", report.changes.len() - LISTED)?;
    }
    for (place, readings) in &report.ambiguous {
        let readings: Vec<String> = readings
            .iter()
            .map(|(e, t)| format!("{} \"{t}\"", e.name()))
            .collect();
        writeln!(
            w,
            "  {place}: left as it was; it reads as {}",
            readings.join(" or ")
        )?;
    }
    Ok(())
}
