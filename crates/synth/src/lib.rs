//! Seeded synthetic households, calibrated on the figures of DOMAIN.md §9, written straight to
//! `households.csv`, `members.csv` and `events.csv` in the interchange format of DESIGN.md.
//!
//! Each household is simulated over all years from its own random stream (seed × household number)
//! and written at once, so a run streams: memory stays flat for 27 million households. A household's
//! class is drawn first, from calibrated probabilities and year-to-year transitions, then its income,
//! B1 score and deprivations are drawn to agree with that class under the year's standard; the class
//! written is the one the standard gives.

pub mod area;
mod calibration;
mod household;
mod people;
mod write;

use std::io::{self, Write};
use std::ops::RangeInclusive;

use bamho_domain::{Standards, Year};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

pub use area::{AreaKind, village_name};
pub use people::Names;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Households in the first year.
    pub households: u64,
    pub seed: u64,
    pub years: RangeInclusive<u16>,
    pub area: AreaKind,
}

/// Where the three files go.
#[derive(Debug)]
pub struct Sinks<W> {
    pub households: W,
    pub members: W,
    pub events: W,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Households ever generated (first-year households and those split off later).
    pub households: u64,
    pub household_rows: u64,
    pub members: u64,
    pub events: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("no poverty standard governs the review year {0}")]
    NoStandard(u16),
    #[error("years must run forwards, e.g. 2022-2025")]
    Years,
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Generates the households of `config` into `sinks`; `progress` is told how many first-year
/// households are done.
pub fn generate<W: Write>(
    config: &Config,
    sinks: &mut Sinks<W>,
    progress: &mut dyn FnMut(u64),
) -> Result<Summary, SynthError> {
    let (first, last) = (*config.years.start(), *config.years.end());
    if first > last {
        return Err(SynthError::Years);
    }
    let standards = Standards::embedded();
    let mut years = Vec::new();
    for y in first..=last {
        let year = Year::new(y).map_err(|_| SynthError::NoStandard(y))?;
        let standard = standards.for_year(year).ok_or(SynthError::NoStandard(y))?;
        years.push((year, standard));
    }
    let columns = years
        .iter()
        .map(|(_, s)| s.indicators.len())
        .max()
        .unwrap_or(0);
    let mut out = write::Writer::new(sinks, columns)?;
    let mut area_rng = Pcg64Mcg::seed_from_u64(config.seed ^ 0xA5EA);
    let communes = area::communes(config.area, years[0].0, &mut area_rng);
    let mut sim = household::Simulator::new(config.seed, &years);
    let mut cumulative = 0.0;
    for commune in &communes {
        let start = (cumulative * config.households as f64).round() as u64;
        cumulative += commune.share;
        let end = (cumulative * config.households as f64).round() as u64;
        sim.commune(commune, start..end, &mut out)?;
        progress(end);
    }
    out.finish()
}

#[cfg(test)]
mod tests;
