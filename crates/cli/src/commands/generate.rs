//! `bamho generate`: synthetic households for demos, tests and benchmarks.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use bamho_synth::{AreaKind, Config, Sinks, generate};

use crate::cli::AreaArg;
use crate::progress;

/// Reads "2022-2025" or "2025".
pub fn parse_years(text: &str) -> anyhow::Result<std::ops::RangeInclusive<u16>> {
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let (a, b): (u16, u16) = (a.trim().parse()?, b.trim().parse()?);
    if a > b {
        bail!("years run forwards: {text}");
    }
    Ok(a..=b)
}

pub fn run(
    households: u64,
    seed: u64,
    years: &str,
    area: AreaArg,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    let years =
        parse_years(years).with_context(|| format!("--years {years}: write e.g. 2022-2025"))?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let file = |name: &str| -> anyhow::Result<BufWriter<File>> {
        let path = out.join(name);
        let f = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(BufWriter::with_capacity(1 << 20, f))
    };
    let mut sinks = Sinks {
        households: file("households.csv")?,
        members: file("members.csv")?,
        events: file("events.csv")?,
    };
    let area = match area {
        AreaArg::DakGlei => AreaKind::DakGlei,
        AreaArg::Nation => AreaKind::Nation,
    };
    let config = Config {
        households,
        seed,
        years,
        area,
    };
    let bar = progress::bar(households, "generating");
    let summary = generate(&config, &mut sinks, &mut |done| bar.set_position(done))?;
    bar.finish_and_clear();
    writeln!(
        std::io::stdout(),
        "{} households ({} household-year rows), {} members, {} events written to {}",
        summary.households,
        summary.household_rows,
        summary.members,
        summary.events,
        out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
