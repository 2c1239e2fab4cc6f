//! `bamho af`: Alkire–Foster measures of any CSV with 0/1 indicator columns (DESIGN.md "af
//! --format json"). Analysis, not the official count.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use bamho_analytics::af::{self, Units};
use bamho_io::{Errors, Table};

use super::{output, report_errors};
use crate::cli::Format;

/// Reads "0.25" or "3/12".
fn parse_k(text: &str) -> anyhow::Result<f64> {
    let k = match text.split_once('/') {
        Some((a, b)) => a.trim().parse::<f64>()? / b.trim().parse::<f64>()?,
        None => text.trim().parse::<f64>()?,
    };
    if !(k > 0.0 && k <= 1.0) {
        bail!("--k {text}: the cut-off lies in (0, 1], e.g. 0.25 or 3/12");
    }
    Ok(k)
}

/// Indicator weights from a TOML file (`indicator = weight`, summing to 1), in the file's column
/// order; by default equal weights over every `d`+digits column that holds a value.
fn weights(table: &Table, file: Option<&Path>) -> anyhow::Result<Vec<(String, f64)>> {
    let Some(file) = file else {
        let mut names: Vec<String> = table
            .columns
            .iter()
            .filter(|c| {
                c.len() > 1 && c.starts_with('d') && c[1..].bytes().all(|b| b.is_ascii_digit())
            })
            .filter(|c| {
                let mut e = Errors::default();
                table
                    .rows()
                    .any(|r| r.text(c, &mut e).is_some_and(|t| !t.is_empty()))
            })
            .cloned()
            .collect();
        names.sort();
        if names.is_empty() {
            bail!("no indicator columns (d01, d02, …) with values, and no --weights file");
        }
        let w = 1.0 / names.len() as f64;
        return Ok(names.into_iter().map(|n| (n, w)).collect());
    };
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let parsed: toml::Table =
        toml::from_str(&text).with_context(|| format!("{}: not TOML", file.display()))?;
    let mut out = Vec::new();
    for (name, value) in parsed {
        let w = value
            .as_float()
            .or_else(|| value.as_integer().map(|i| i as f64));
        match w {
            Some(w) if w > 0.0 => out.push((name, w)),
            _ => bail!(
                "{}: weight of {name} must be a positive number",
                file.display()
            ),
        }
        if !table.has(&out[out.len() - 1].0) {
            bail!(
                "{}: indicator {} is not a column of the input",
                file.display(),
                out[out.len() - 1].0
            );
        }
    }
    let sum: f64 = out.iter().map(|(_, w)| w).sum();
    if out.is_empty() || (sum - 1.0).abs() > 1e-6 {
        bail!("{}: the weights sum to {sum}, not 1", file.display());
    }
    if out.len() > 64 {
        bail!("{}: at most 64 indicators", file.display());
    }
    let position = |n: &str| table.columns.iter().position(|c| c == n);
    out.sort_by_key(|(n, _)| position(n));
    Ok(out)
}

pub struct Args<'a> {
    pub input: &'a Path,
    pub k: &'a str,
    pub weights: Option<&'a Path>,
    pub by: Option<&'a str>,
    pub year: Option<u16>,
    pub format: Format,
    pub out: Option<&'a Path>,
}

pub fn run(args: &Args<'_>) -> anyhow::Result<ExitCode> {
    let k = parse_k(args.k)?;
    let bytes = std::fs::read(args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let table = match Table::read(&args.input.display().to_string(), &bytes) {
        Ok(t) => t,
        Err(e) => {
            report_errors(&e, "af refused");
            return Ok(ExitCode::FAILURE);
        }
    };
    if let Some(by) = args.by
        && !table.has(by)
    {
        bail!("--by {by}: no such column in {}", args.input.display());
    }
    let weights = weights(&table, args.weights)?;
    let mut units = Units {
        indicators: weights.iter().map(|(n, _)| n.clone()).collect(),
        weights: weights.iter().map(|(_, w)| *w).collect(),
        ..Units::default()
    };
    let mut errors = Errors::default();
    let mut groups: HashMap<String, u32> = HashMap::new();
    let year = args.year.map(|y| y.to_string());
    for row in table.rows() {
        if let Some(y) = &year
            && row.text("year", &mut errors) != Some(y.as_str())
        {
            continue;
        }
        let weight = row.optional("weight", &mut errors, |t| match t.parse::<f64>() {
            Ok(w) if w >= 0.0 && w.is_finite() => Ok(w),
            _ => Err("a sampling weight is a non-negative number"),
        });
        let mut mask = 0u64;
        for (j, name) in units.indicators.iter().enumerate() {
            if row.parse(name, &mut errors, bamho_io::table::flag) == Some(true) {
                mask |= 1 << j;
            }
        }
        let Some(weight) = weight else { continue };
        units.sample_weight.push(weight.unwrap_or(1.0));
        units.deprived.push(mask);
        if let Some(by) = args.by {
            let key = row.text(by, &mut errors).unwrap_or_default().to_owned();
            let next = groups.len() as u32;
            let g = *groups.entry(key.clone()).or_insert_with(|| {
                units.groups.push(key);
                next
            });
            units.group.push(g);
        }
    }
    if !errors.is_empty() {
        report_errors(&errors, "af refused");
        return Ok(ExitCode::FAILURE);
    }
    let report = af::measure(&units, k);
    let mut w = output(args.out)?;
    match args.format {
        Format::Json => writeln!(w, "{}", serde_json::to_string_pretty(&report)?)?,
        Format::Table => write_table(&mut w, &report)?,
    }
    w.finish()?;
    Ok(ExitCode::SUCCESS)
}

fn write_table(w: &mut dyn Write, r: &af::Report) -> anyhow::Result<()> {
    let a = r.total.a.map_or("—".to_owned(), |a| format!("{a:.4}"));
    writeln!(
        w,
        "Alkire–Foster (analysis, not the official count) · k = {:.4} · n = {}",
        r.k, r.total.n
    )?;
    writeln!(w, "H = {:.4}  A = {a}  M0 = {:.4}", r.total.h, r.total.m0)?;
    writeln!(
        w,
        "{:<12} {:>10} {:>10} {:>12}",
        "indicator", "uncensored", "censored", "contribution"
    )?;
    for (i, (name, u)) in r.total.uncensored.0.iter().enumerate() {
        let c = r.total.censored.0[i].1;
        let share = r.total.contribution.0[i].1;
        writeln!(w, "{name:<12} {u:>10.4} {c:>10.4} {share:>12.4}")?;
    }
    if !r.groups.is_empty() {
        writeln!(
            w,
            "{:<16} {:>8} {:>8} {:>8} {:>8}",
            "group", "n", "H", "A", "M0"
        )?;
        for g in &r.groups {
            let a = g.a.map_or("—".to_owned(), |a| format!("{a:.4}"));
            writeln!(
                w,
                "{:<16} {:>8} {:>8.4} {a:>8} {:>8.4}",
                g.key, g.n, g.h, g.m0
            )?;
        }
    }
    Ok(())
}
