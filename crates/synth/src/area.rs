//! The places synthetic households live in: old communes (in force in 2022) with invented villages,
//! each with its share of households, ethnic mix and poverty risk.

use bamho_domain::units::{Level, UnitId, Units, review_day};
use bamho_domain::{Date, Year};
use rand::Rng;
use rand_pcg::Pcg64Mcg;

use crate::calibration as cal;

const VILLAGE_NAMES: &str = include_str!("../data/village_syllables.txt");

/// Which area to populate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaKind {
    /// The former Đăk Glei district (DOMAIN.md §5), calibrated on its 2022 figures.
    DakGlei,
    /// Every commune of the national lists.
    Nation,
}

#[derive(Debug, Clone)]
pub struct Village {
    /// bamho's own stable village identifier, e.g. "23362-T03"; invented.
    pub code: String,
}

#[derive(Debug, Clone)]
pub struct Commune {
    /// The commune in force in the first review year of the run (before July 2025 for 2022–2024).
    pub unit: UnitId,
    pub share: f64,
    pub villages: Vec<Village>,
    pub minority: f64,
    pub groups: &'static [(&'static str, f64)],
    /// Probability that a minority household of this commune is poor / near-poor in the first year.
    pub poor: f64,
    pub near_poor: f64,
    /// Two-digit code of the province households' citizen IDs are registered in.
    pub id_province: String,
}

fn villages(code: &str, count: usize) -> Vec<Village> {
    (1..=count)
        .map(|i| Village {
            code: format!("{code}-T{i:02}"),
        })
        .collect()
}

/// An invented village name for a village code: "Thôn 3 (Đăk Xây)".
pub fn village_name(code: &str) -> String {
    let names: Vec<&str> = VILLAGE_NAMES.lines().filter(|l| !l.is_empty()).collect();
    let number: usize = code
        .rsplit('T')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let hash = code
        .bytes()
        .fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
    format!("Thôn {number} ({})", names[hash % names.len()])
}

/// Poor and near-poor probabilities for minority households, scaled so that the expected rates over
/// the whole area equal the targets.
fn calibrate(communes: &mut [Commune], factors: &[f64], poor: f64, near: f64) {
    let expected: f64 = communes
        .iter()
        .zip(factors)
        .map(|(c, f)| c.share * f * (c.minority + (1.0 - c.minority) * cal::KINH_RELATIVE_RISK))
        .sum();
    for (c, f) in communes.iter_mut().zip(factors) {
        c.poor = (poor / expected * f).min(0.95);
        c.near_poor = (near / expected * f.sqrt()).min(0.95 - c.poor);
    }
}

pub fn communes(kind: AreaKind, first_year: Year, rng: &mut Pcg64Mcg) -> Vec<Commune> {
    let units = Units::national();
    let day = review_day(first_year).min(Date::new(2025, 6, 30).unwrap_or_else(|_| unreachable!()));
    match kind {
        AreaKind::DakGlei => {
            let mut list = Vec::new();
            let mut factors = Vec::new();
            for (code, share, kinh, factor) in cal::DAK_GLEI_COMMUNES {
                let Some(unit) = units.find(Level::Commune, code, day) else {
                    continue;
                };
                let count = rng.random_range(6..=11);
                list.push(Commune {
                    unit,
                    share,
                    villages: villages(code, count),
                    minority: 1.0 - kinh,
                    groups: &cal::DAK_GLEI_MINORITIES,
                    poor: 0.0,
                    near_poor: 0.0,
                    id_province: "62".into(),
                });
                factors.push(factor);
            }
            calibrate(
                &mut list,
                &factors,
                cal::DAK_GLEI_POOR_2022,
                cal::DAK_GLEI_NEAR_POOR_2022,
            );
            list
        }
        AreaKind::Nation => nation(units, day, rng),
    }
}

fn nation(units: &Units, day: Date, rng: &mut Pcg64Mcg) -> Vec<Commune> {
    let mut list = Vec::new();
    let mut total = 0.0;
    for (id, unit) in units.iter() {
        if unit.level != Level::Commune || !unit.in_force_on(day) {
            continue;
        }
        let province = units
            .province_of(id)
            .map(|p| units.get(p).code)
            .unwrap_or_default();
        let region = if cal::NORTHERN_PROVINCES.contains(&province) {
            cal::NORTHERN_MOUNTAINS
        } else if cal::HIGHLAND_PROVINCES.contains(&province) {
            cal::CENTRAL_HIGHLANDS
        } else {
            cal::ELSEWHERE
        };
        let share = rng.random_range(0.4..1.6);
        total += share;
        let factor: f64 = rng.random_range(0.5..1.5);
        let scale = factor / (region.minority + (1.0 - region.minority) * cal::KINH_RELATIVE_RISK);
        let count = rng.random_range(3..=8);
        list.push(Commune {
            unit: id,
            share,
            villages: villages(unit.code, count),
            minority: region.minority,
            groups: region.groups,
            poor: (region.poor * scale).min(0.9),
            near_poor: (region.near_poor * scale.sqrt()).min(0.09),
            id_province: province.to_owned(),
        });
    }
    for c in &mut list {
        c.share /= total;
    }
    list
}
