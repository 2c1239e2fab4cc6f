//! Classification of a household under a standard (Decree 07/2021/NĐ-CP, Art. 3; Decree
//! 351/2025/NĐ-CP): poor, near-poor, middle living standard or not poor, with the rule that decided
//! in words a commune officer understands.
//!
//! Income decides when it is known; otherwise the form B1 score against the standard's cut-off
//! (Circular 07/2021, App. III–IV). Income above the line is never poor or near-poor, whatever the
//! deprivations. "Middle" needs an income, and only agricultural, forestry, fishery or salt
//! households can be middle.

use std::fmt;

use serde::Serialize;

use crate::standard::Standard;
use crate::types::{Area, Vnd};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Poor,
    NearPoor,
    Middle,
    NotPoor,
}

impl Class {
    pub const ALL: [Self; 4] = [Self::Poor, Self::NearPoor, Self::Middle, Self::NotPoor];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Poor => "poor",
            Self::NearPoor => "near_poor",
            Self::Middle => "middle",
            Self::NotPoor => "not_poor",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw.trim())
    }

    /// Severity for comparisons: poor is the worst (0), not poor the best (3).
    pub const fn rank(self) -> u8 {
        self as u8
    }

    pub const fn name_vi(self) -> &'static str {
        match self {
            Self::Poor => "hộ nghèo",
            Self::NearPoor => "hộ cận nghèo",
            Self::Middle => "hộ có mức sống trung bình",
            Self::NotPoor => "hộ không nghèo",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            Self::Poor => "poor",
            Self::NearPoor => "near-poor",
            Self::Middle => "middle living standard",
            Self::NotPoor => "not poor",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The indicators a household is deprived in, as bits in the standard's order (bit 0 = d01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Deprivations(u16);

impl Deprivations {
    pub const fn from_mask(mask: u16) -> Self {
        Self(mask)
    }

    pub const fn mask(self) -> u16 {
        self.0
    }

    pub const fn count(self) -> u32 {
        self.0.count_ones()
    }

    pub const fn contains(self, index: usize) -> bool {
        index < 16 && self.0 & (1 << index) != 0
    }

    pub const fn with(self, index: usize) -> Self {
        Self(self.0 | (1 << index))
    }

    /// The codes of the deprived indicators, e.g. `["d01", "d07"]`.
    pub fn codes(self, standard: &Standard) -> Vec<&str> {
        standard
            .indicators
            .iter()
            .enumerate()
            .filter(|(i, _)| self.contains(*i))
            .map(|(_, ind)| ind.code.as_str())
            .collect()
    }
}

/// What the reviewers established about a household in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessment {
    pub area: Area,
    pub agricultural: bool,
    pub income_per_capita: Option<Vnd>,
    pub b1_score: Option<u16>,
    pub deprived: Deprivations,
}

/// How the class was reached: the figures and the thresholds they were held against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// Income at or below the line.
    IncomeAtOrBelowLine {
        income: u64,
        line: u64,
        deprived: u32,
        threshold: u8,
    },
    /// B1 score at or below the cut-off.
    ScoreAtOrBelowCutoff {
        score: u16,
        cutoff: u64,
        deprived: u32,
        threshold: u8,
    },
    /// Income above the line, within the middle band, agricultural household.
    IncomeInMiddleBand {
        income: u64,
        line: u64,
        ceiling: u64,
    },
    /// Income above the line.
    IncomeAboveLine { income: u64, line: u64 },
    /// B1 score above the cut-off.
    ScoreAboveCutoff { score: u16, cutoff: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Classification {
    pub class: Class,
    pub n_deprived: u32,
    pub deprived: Deprivations,
    pub rule: Rule,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassifyError {
    #[error("neither an income per person nor a B1 score was given")]
    NoMeansEstimate,
    #[error("standard {0} has no confirmed B1 cut-off: give the income per person")]
    NoScoreCutoff(String),
}

/// Classifies a household under `standard`. Pure; the same inputs always give the same class.
#[inline]
pub fn classify(standard: &Standard, a: &Assessment) -> Result<Classification, ClassifyError> {
    let valid = if standard.indicators.len() >= 16 {
        u16::MAX
    } else {
        (1u16 << standard.indicators.len()) - 1
    };
    let deprived = Deprivations(a.deprived.0 & valid);
    let n = deprived.count();
    let threshold = standard.poverty.min_deprivations;
    let many = n >= u32::from(threshold);
    let below_class = if many { Class::Poor } else { Class::NearPoor };
    let rule_and_class = if let Some(income) = a.income_per_capita {
        let income = income.get();
        let line = standard.income_line.get(a.area);
        let ceiling = standard.middle_band.as_ref().map(|b| b.get(a.area));
        if income <= line {
            (
                Rule::IncomeAtOrBelowLine {
                    income,
                    line,
                    deprived: n,
                    threshold,
                },
                below_class,
            )
        } else if let Some(ceiling) = ceiling.filter(|c| a.agricultural && income <= *c) {
            (
                Rule::IncomeInMiddleBand {
                    income,
                    line,
                    ceiling,
                },
                Class::Middle,
            )
        } else {
            (Rule::IncomeAboveLine { income, line }, Class::NotPoor)
        }
    } else if let Some(score) = a.b1_score {
        let cutoff = standard
            .b1_cutoff
            .as_ref()
            .ok_or_else(|| ClassifyError::NoScoreCutoff(standard.id.clone()))?
            .get(a.area);
        if u64::from(score) <= cutoff {
            (
                Rule::ScoreAtOrBelowCutoff {
                    score,
                    cutoff,
                    deprived: n,
                    threshold,
                },
                below_class,
            )
        } else {
            (Rule::ScoreAboveCutoff { score, cutoff }, Class::NotPoor)
        }
    } else {
        return Err(ClassifyError::NoMeansEstimate);
    };
    let (rule, class) = rule_and_class;
    Ok(Classification {
        class,
        n_deprived: n,
        deprived,
        rule,
    })
}

/// Language of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

/// Writes a whole number with dot thousands, as Vietnamese documents do: 1.500.000.
pub fn dot_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

impl Classification {
    /// The rule that decided, in the officer's words.
    pub fn explain(&self, lang: Lang) -> String {
        let class = match lang {
            Lang::Vi => self.class.name_vi(),
            Lang::En => self.class.name_en(),
        };
        let d = dot_thousands;
        match (self.rule, lang) {
            (
                Rule::IncomeAtOrBelowLine {
                    income,
                    line,
                    deprived,
                    threshold,
                },
                Lang::Vi,
            ) => format!(
                "Thu nhập bình quân {} đồng/người/tháng không vượt chuẩn {} đồng; thiếu hụt {deprived} \
                 chỉ số ({} {threshold}): {class}.",
                d(income),
                d(line),
                if deprived >= u32::from(threshold) {
                    "từ"
                } else {
                    "dưới"
                }
            ),
            (
                Rule::IncomeAtOrBelowLine {
                    income,
                    line,
                    deprived,
                    threshold,
                },
                Lang::En,
            ) => format!(
                "Income of {} VND per person per month is at or below the line of {} VND; \
                 {deprived} indicators deprived ({} {threshold}): {class}.",
                d(income),
                d(line),
                if deprived >= u32::from(threshold) {
                    "at least"
                } else {
                    "fewer than"
                }
            ),
            (
                Rule::ScoreAtOrBelowCutoff {
                    score,
                    cutoff,
                    deprived,
                    threshold,
                },
                Lang::Vi,
            ) => format!(
                "Điểm B1 là {score}, không vượt ngưỡng {cutoff} điểm; điểm B2 là {} ({deprived} chỉ số \
                 thiếu hụt, ngưỡng {} điểm): {class}.",
                deprived * 10,
                u32::from(threshold) * 10
            ),
            (
                Rule::ScoreAtOrBelowCutoff {
                    score,
                    cutoff,
                    deprived,
                    threshold,
                },
                Lang::En,
            ) => format!(
                "B1 score {score} is at or below the cut-off of {cutoff}; B2 score {} ({deprived} \
                 indicators deprived, threshold {}): {class}.",
                deprived * 10,
                u32::from(threshold) * 10
            ),
            (
                Rule::IncomeInMiddleBand {
                    income,
                    line,
                    ceiling,
                },
                Lang::Vi,
            ) => format!(
                "Hộ làm nông, lâm, ngư, diêm nghiệp có thu nhập bình quân {} đồng/người/tháng, trên chuẩn \
                 {} đồng và không vượt {} đồng: {class}.",
                d(income),
                d(line),
                d(ceiling)
            ),
            (
                Rule::IncomeInMiddleBand {
                    income,
                    line,
                    ceiling,
                },
                Lang::En,
            ) => format!(
                "Agricultural household with income of {} VND per person per month, above the line of \
                 {} VND and at most {} VND: {class}.",
                d(income),
                d(line),
                d(ceiling)
            ),
            (Rule::IncomeAboveLine { income, line }, Lang::Vi) => format!(
                "Thu nhập bình quân {} đồng/người/tháng vượt chuẩn {} đồng: {class}.",
                d(income),
                d(line)
            ),
            (Rule::IncomeAboveLine { income, line }, Lang::En) => format!(
                "Income of {} VND per person per month is above the line of {} VND: {class}.",
                d(income),
                d(line)
            ),
            (Rule::ScoreAboveCutoff { score, cutoff }, Lang::Vi) => {
                format!("Điểm B1 là {score}, vượt ngưỡng {cutoff} điểm: {class}.")
            }
            (Rule::ScoreAboveCutoff { score, cutoff }, Lang::En) => {
                format!("B1 score {score} is above the cut-off of {cutoff}: {class}.")
            }
        }
    }
}

#[cfg(test)]
mod tests;
