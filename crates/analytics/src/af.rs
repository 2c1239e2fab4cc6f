//! Alkire–Foster multidimensional poverty measures (Alkire & Foster 2011, "Counting and
//! multidimensional poverty measurement"): the headcount ratio H, the intensity A, the adjusted
//! headcount ratio M0 = H × A, uncensored and censored headcount ratios, each indicator's
//! contribution, and the same by subgroup.
//!
//! These are **analysis**, not the official count: the official standard counts deprivations
//! against a fixed threshold and never publishes an MPI.

use serde::Serialize;

/// Scores within this distance of the cut-off count as reaching it, so that a score of exactly
/// 1/3 is poor at k = 1/3 despite floating-point sums.
pub const TOLERANCE: f64 = 1e-9;

/// The units to measure: one row per unit, its sampling weight, its deprivations (bit j set when
/// deprived in indicator j) and its subgroup.
#[derive(Debug, Clone, Default)]
pub struct Units {
    pub indicators: Vec<String>,
    /// Indicator weights, summing to 1.
    pub weights: Vec<f64>,
    pub sample_weight: Vec<f64>,
    pub deprived: Vec<u64>,
    /// Index into `groups`; empty when no subgroups are asked for.
    pub group: Vec<u32>,
    pub groups: Vec<String>,
}

/// Measures of a population or subgroup. Maps are keyed by indicator, in the input's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measures {
    pub n: u64,
    #[serde(rename = "H")]
    pub h: f64,
    /// Null when nobody is poor.
    #[serde(rename = "A")]
    pub a: Option<f64>,
    #[serde(rename = "M0")]
    pub m0: f64,
    pub uncensored: Indexed,
    pub censored: Indexed,
    pub contribution: Indexed,
    pub contribution_abs: Indexed,
}

/// Values by indicator, serialised as a JSON object in the indicators' order.
#[derive(Debug, Clone, PartialEq)]
pub struct Indexed(pub Vec<(String, f64)>);

impl Serialize for Indexed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub key: String,
    pub n: u64,
    #[serde(rename = "H")]
    pub h: f64,
    #[serde(rename = "A")]
    pub a: Option<f64>,
    #[serde(rename = "M0")]
    pub m0: f64,
    pub censored: Indexed,
    pub contribution: Indexed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub k: f64,
    #[serde(flatten)]
    pub total: Measures,
    pub groups: Vec<Group>,
}

/// Weighted sums over a set of units.
#[derive(Debug, Clone)]
struct Sums {
    n: u64,
    population: f64,
    poor: f64,
    poor_score: f64,
    deprived: Vec<f64>,
    deprived_poor: Vec<f64>,
}

impl Sums {
    fn new(indicators: usize) -> Self {
        Self {
            n: 0,
            population: 0.0,
            poor: 0.0,
            poor_score: 0.0,
            deprived: vec![0.0; indicators],
            deprived_poor: vec![0.0; indicators],
        }
    }

    fn add(&mut self, units: &Units, i: usize, k: f64) {
        let w = units.sample_weight[i];
        let mask = units.deprived[i];
        let score: f64 = units
            .weights
            .iter()
            .enumerate()
            .filter(|(j, _)| mask & (1 << j) != 0)
            .map(|(_, v)| v)
            .sum();
        let poor = score >= k - TOLERANCE;
        self.n += 1;
        self.population += w;
        if poor {
            self.poor += w;
            self.poor_score += w * score;
        }
        for j in 0..units.weights.len() {
            if mask & (1 << j) != 0 {
                self.deprived[j] += w;
                if poor {
                    self.deprived_poor[j] += w;
                }
            }
        }
    }

    fn measures(&self, units: &Units) -> Measures {
        let ratio = |x: f64| {
            if self.population > 0.0 {
                x / self.population
            } else {
                0.0
            }
        };
        let h = ratio(self.poor);
        let m0 = ratio(self.poor_score);
        let a = (self.poor > 0.0).then(|| self.poor_score / self.poor);
        let names = &units.indicators;
        let by = |f: &dyn Fn(usize) -> f64| {
            Indexed(
                names
                    .iter()
                    .enumerate()
                    .map(|(j, n)| (n.clone(), f(j)))
                    .collect(),
            )
        };
        let censored = |j: usize| ratio(self.deprived_poor[j]);
        Measures {
            n: self.n,
            h,
            a,
            m0,
            uncensored: by(&|j| ratio(self.deprived[j])),
            censored: by(&censored),
            contribution: by(&|j| {
                if m0 > 0.0 {
                    units.weights[j] * censored(j) / m0
                } else {
                    0.0
                }
            }),
            contribution_abs: by(&|j| units.weights[j] * censored(j)),
        }
    }
}

/// The measures at cut-off `k` (0 < k ≤ 1) for all units and, when groups are given, by group
/// (sorted by key).
pub fn measure(units: &Units, k: f64) -> Report {
    let indicators = units.weights.len();
    let mut total = Sums::new(indicators);
    let mut groups = vec![Sums::new(indicators); units.groups.len()];
    for i in 0..units.deprived.len() {
        total.add(units, i, k);
        if let Some(g) = units.group.get(i) {
            groups[*g as usize].add(units, i, k);
        }
    }
    let mut out: Vec<Group> = groups
        .iter()
        .zip(&units.groups)
        .map(|(sums, key)| {
            let m = sums.measures(units);
            Group {
                key: key.clone(),
                n: m.n,
                h: m.h,
                a: m.a,
                m0: m.m0,
                censored: m.censored,
                contribution: m.contribution,
            }
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Report {
        k,
        total: total.measures(units),
        groups: out,
    }
}

#[cfg(test)]
mod tests;
