//! Poverty standards as data. Each standard is a TOML file embedded in the binary, with its legal
//! source and the confidence of every threshold; `years.toml` says which standard governs the review
//! of each year. Adding a period or correcting a threshold touches no code.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::types::{Area, Year};

const FILES: [&str; 2] = [
    include_str!("../data/standards/vn-2022-2025.toml"),
    include_str!("../data/standards/vn-2027-2030.toml"),
];
const YEARS: &str = include_str!("../data/standards/years.toml");

/// At most this many indicators: deprivations are held in a `u16` bitmask.
pub const MAX_INDICATORS: usize = 16;

/// A pair of thresholds, one for rural and one for urban areas.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ByArea {
    pub rural: u64,
    pub urban: u64,
    pub confidence: String,
}

impl ByArea {
    pub fn get(&self, area: Area) -> u64 {
        match area {
            Area::Rural => self.rural,
            Area::Urban => self.urban,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PovertyRule {
    /// Poor when income is at or below the line and at least this many indicators are deprived.
    pub min_deprivations: u8,
    pub confidence: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Indicator {
    /// "d01", "d02", … in the standard's order; the column name in households.csv.
    pub code: String,
    pub dimension: String,
    pub name_vi: String,
    pub name_en: String,
    pub definition_vi: String,
    pub definition_en: String,
    pub confidence: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Standard {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    pub legal_source: String,
    pub confidence: String,
    pub poverty: PovertyRule,
    pub income_line: ByArea,
    /// The ceiling of the middle living standard; absent while unconfirmed.
    pub middle_band: Option<ByArea>,
    /// The form B1 score cut-offs; absent while unconfirmed (an income is then required).
    pub b1_cutoff: Option<ByArea>,
    pub indicators: Vec<Indicator>,
}

impl Standard {
    pub fn indicator_index(&self, code: &str) -> Option<usize> {
        self.indicators.iter().position(|i| i.code == code)
    }
}

#[derive(Debug, Deserialize)]
struct YearRange {
    from: u16,
    to: u16,
    standard: String,
}

#[derive(Debug, Deserialize)]
struct YearsFile {
    years: Vec<YearRange>,
}

/// Every standard bamho knows and the years each governs.
#[derive(Debug)]
pub struct Standards {
    standards: Vec<Standard>,
    years: Vec<YearRange>,
}

#[derive(Debug, thiserror::Error)]
pub enum StandardError {
    #[error("standard file: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("standard {0}: {1}")]
    Invalid(String, String),
}

impl Standards {
    /// The embedded standards, parsed once.
    pub fn embedded() -> &'static Standards {
        static STANDARDS: OnceLock<Standards> = OnceLock::new();
        STANDARDS.get_or_init(|| {
            Self::parse(&FILES, YEARS)
                .unwrap_or_else(|e| panic!("embedded standards are malformed: {e}"))
        })
    }

    pub fn parse(files: &[&str], years: &str) -> Result<Self, StandardError> {
        let standards = files
            .iter()
            .map(|text| toml::from_str::<Standard>(text))
            .collect::<Result<Vec<_>, _>>()?;
        for s in &standards {
            let invalid = |why: &str| StandardError::Invalid(s.id.clone(), why.to_owned());
            if s.indicators.is_empty() || s.indicators.len() > MAX_INDICATORS {
                return Err(invalid("has no indicators, or more than 16"));
            }
            for (i, ind) in s.indicators.iter().enumerate() {
                if ind.code != format!("d{:02}", i + 1) {
                    return Err(invalid("indicator codes must run d01, d02, … in order"));
                }
            }
        }
        let years: YearsFile = toml::from_str(years)?;
        for range in &years.years {
            if !standards.iter().any(|s| s.id == range.standard) {
                return Err(StandardError::Invalid(
                    range.standard.clone(),
                    "unknown".into(),
                ));
            }
        }
        Ok(Self {
            standards,
            years: years.years,
        })
    }

    pub fn all(&self) -> &[Standard] {
        &self.standards
    }

    pub fn by_id(&self, id: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.id == id)
    }

    /// The standard that governs the review of `year`.
    pub fn for_year(&self, year: Year) -> Option<&Standard> {
        let y = year.get();
        let range = self.years.iter().find(|r| r.from <= y && y <= r.to)?;
        self.by_id(&range.standard)
    }

    /// The largest number of indicators of any standard: households.csv has that many d-columns.
    pub fn max_indicators(&self) -> usize {
        self.standards
            .iter()
            .map(|s| s.indicators.len())
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2022_standard_governs_2022_to_2026_and_the_new_one_from_2027() {
        let standards = Standards::embedded();
        for y in 2022..=2026 {
            assert_eq!(
                standards.for_year(Year::new(y).unwrap()).unwrap().id,
                "vn-2022-2025"
            );
        }
        for y in 2027..=2030 {
            assert_eq!(
                standards.for_year(Year::new(y).unwrap()).unwrap().id,
                "vn-2027-2030"
            );
        }
        assert!(standards.for_year(Year::new(2021).unwrap()).is_none());
    }

    #[test]
    fn the_2022_standard_has_twelve_indicators_and_the_decree_lines() {
        let s = Standards::embedded().by_id("vn-2022-2025").unwrap();
        assert_eq!(s.indicators.len(), 12);
        assert_eq!(s.income_line.get(Area::Rural), 1_500_000);
        assert_eq!(s.income_line.get(Area::Urban), 2_000_000);
        assert_eq!(s.b1_cutoff.as_ref().unwrap().get(Area::Urban), 175);
        let new = Standards::embedded().by_id("vn-2027-2030").unwrap();
        assert_eq!(new.income_line.get(Area::Rural), 2_200_000);
        assert!(new.middle_band.is_none());
        assert_eq!(Standards::embedded().max_indicators(), 13);
    }

    #[test]
    fn a_standard_with_indicators_out_of_order_is_refused() {
        let bad = include_str!("../data/standards/vn-2022-2025.toml").replace("\"d02\"", "\"d09\"");
        assert!(Standards::parse(&[&bad], "years = []").is_err());
    }
}
