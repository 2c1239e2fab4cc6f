//! Whether escaping poverty lasts: of the households that escaped, the share still out of the class
//! they escaped from 1, 2 and 3 years later — by commune, by the organisation of the supporters
//! who followed them in the year of the escape, and with or without a supporter at all.

use std::collections::BTreeMap;

use bamho_domain::Class;
use bamho_domain::recognition::escapes;
use serde::Serialize;

/// One household's decided classes and who followed it, as the measure needs them.
#[derive(Debug, Clone)]
pub struct EscapeHistory<'a> {
    /// The group it is reported under (a commune code).
    pub group: &'a str,
    pub classes: &'a BTreeMap<u16, Class>,
    /// Organisations of the supporters assigned at some time in each year.
    pub helpers: &'a BTreeMap<u16, Vec<String>>,
}

/// Escapes of a group and how many lasted: `after[k - 1]` is (escapes observed `k` years later,
/// of which still out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LastingRow {
    pub key: String,
    pub escaped: u32,
    pub after: [(u32, u32); 3],
}

impl LastingRow {
    fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            ..Self::default()
        }
    }

    /// Percent still out `k` (1–3) years later, or `None` before any escape is that old.
    pub fn share(&self, k: usize) -> Option<f64> {
        let (seen, out) = *self.after.get(k.checked_sub(1)?)?;
        (seen > 0).then(|| 100.0 * f64::from(out) / f64::from(seen))
    }

    fn add(&mut self, lasted: &[Option<bool>; 3]) {
        self.escaped += 1;
        for (slot, l) in self.after.iter_mut().zip(lasted) {
            if let Some(out) = l {
                slot.0 += 1;
                slot.1 += u32::from(*out);
            }
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Lasting {
    pub total: LastingRow,
    pub by_group: Vec<LastingRow>,
    /// Keyed by organisation code; an escape followed by two organisations counts in both.
    pub by_organisation: Vec<LastingRow>,
    /// "with" and "without" a supporter in the year of the escape.
    pub by_supporter: Vec<LastingRow>,
}

/// Measures every escape in `histories`.
pub fn lasting<'a>(histories: impl IntoIterator<Item = EscapeHistory<'a>>) -> Lasting {
    let mut total = LastingRow::new("total");
    let mut groups: BTreeMap<&str, LastingRow> = BTreeMap::new();
    let mut organisations: BTreeMap<String, LastingRow> = BTreeMap::new();
    let mut with = LastingRow::new("with");
    let mut without = LastingRow::new("without");
    for h in histories {
        for e in escapes(h.classes) {
            let lasted = [1, 2, 3].map(|k| e.lasted(h.classes, k));
            total.add(&lasted);
            groups
                .entry(h.group)
                .or_insert_with(|| LastingRow::new(h.group))
                .add(&lasted);
            let mut orgs: Vec<&String> = h.helpers.get(&e.year).into_iter().flatten().collect();
            orgs.sort();
            orgs.dedup();
            if orgs.is_empty() {
                without.add(&lasted);
            } else {
                with.add(&lasted);
            }
            for org in orgs {
                organisations
                    .entry(org.clone())
                    .or_insert_with(|| LastingRow::new(org))
                    .add(&lasted);
            }
        }
    }
    Lasting {
        total,
        by_group: groups.into_values().collect(),
        by_organisation: organisations.into_values().collect(),
        by_supporter: vec![with, without],
    }
}

/// Households poor or near-poor one year, and how many of them escaped the next.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EscapeRow {
    pub key: String,
    /// Household-years poor or near-poor in the year before a decided year.
    pub at_risk: u32,
    pub escaped: u32,
}

impl EscapeRow {
    fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            ..Self::default()
        }
    }

    /// Percent that escaped.
    pub fn rate(&self) -> Option<f64> {
        (self.at_risk > 0).then(|| 100.0 * f64::from(self.escaped) / f64::from(self.at_risk))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EscapeRates {
    pub total: EscapeRow,
    /// "with" and "without" a supporter during the year.
    pub by_supporter: Vec<EscapeRow>,
    /// By the organisation of the supporters during the year.
    pub by_organisation: Vec<EscapeRow>,
}

/// Escape rates: of the households poor or near-poor in a year, the share that escaped the next,
/// with or without a supporter during that next year, and by the supporters' organisation.
pub fn escape_rates<'a>(histories: impl IntoIterator<Item = EscapeHistory<'a>>) -> EscapeRates {
    let mut total = EscapeRow::new("total");
    let (mut with, mut without) = (EscapeRow::new("with"), EscapeRow::new("without"));
    let mut organisations: BTreeMap<String, EscapeRow> = BTreeMap::new();
    for h in histories {
        for (year, class) in h.classes {
            let Some(before) = h.classes.get(&(year - 1)) else {
                continue;
            };
            if !matches!(before, Class::Poor | Class::NearPoor) {
                continue;
            }
            let escaped = u32::from(bamho_domain::recognition::escapes_from(*before, *class));
            let mut orgs: Vec<&String> = h.helpers.get(year).into_iter().flatten().collect();
            orgs.sort();
            orgs.dedup();
            for row in std::iter::once(&mut total).chain(std::iter::once(if orgs.is_empty() {
                &mut without
            } else {
                &mut with
            })) {
                row.at_risk += 1;
                row.escaped += escaped;
            }
            for org in orgs {
                let row = organisations
                    .entry(org.clone())
                    .or_insert_with(|| EscapeRow::new(org));
                row.at_risk += 1;
                row.escaped += escaped;
            }
        }
    }
    EscapeRates {
        total,
        by_supporter: vec![with, without],
        by_organisation: organisations.into_values().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Class::{NearPoor, NotPoor, Poor};

    #[test]
    fn escapes_are_followed_for_three_years_by_group_organisation_and_supporter() {
        let lasting_one: BTreeMap<u16, Class> = [
            (2022, Poor),
            (2023, NotPoor),
            (2024, NotPoor),
            (2025, NearPoor),
        ]
        .into();
        let relapsing: BTreeMap<u16, Class> = [
            (2022, NearPoor),
            (2023, NotPoor),
            (2024, Poor),
            (2025, Poor),
        ]
        .into();
        let recent: BTreeMap<u16, Class> = [(2024, Poor), (2025, NearPoor)].into();
        let helped: BTreeMap<u16, Vec<String>> =
            [(2023, vec!["party".to_owned(), "womens_union".to_owned()])].into();
        let nobody = BTreeMap::new();
        let result = lasting([
            EscapeHistory {
                group: "A",
                classes: &lasting_one,
                helpers: &helped,
            },
            EscapeHistory {
                group: "A",
                classes: &relapsing,
                helpers: &nobody,
            },
            EscapeHistory {
                group: "B",
                classes: &recent,
                helpers: &nobody,
            },
        ]);
        assert_eq!(result.total.escaped, 3);
        // After one year: two escapes observed (2023 ones), one still out.
        assert_eq!(result.total.after, [(2, 1), (2, 1), (0, 0)]);
        assert_eq!(result.total.share(1), Some(50.0));
        assert_eq!(result.total.share(3), None);
        assert_eq!(result.by_group[0].key, "A");
        assert_eq!(result.by_group[1].after, [(0, 0); 3]);
        assert_eq!(
            result
                .by_organisation
                .iter()
                .map(|r| (r.key.as_str(), r.after[0]))
                .collect::<Vec<_>>(),
            [("party", (1, 1)), ("womens_union", (1, 1))]
        );
        assert_eq!(result.by_supporter[0].after[0], (1, 1));
        assert_eq!(result.by_supporter[1].after[0], (1, 0));
        assert_eq!(result.by_supporter[1].escaped, 2);
    }

    #[test]
    fn escape_rates_compare_households_with_and_without_a_supporter() {
        let escaped: BTreeMap<u16, Class> = [(2022, Poor), (2023, NotPoor)].into();
        let stayed: BTreeMap<u16, Class> = [(2022, Poor), (2023, Poor), (2024, NearPoor)].into();
        let helped: BTreeMap<u16, Vec<String>> = [(2023, vec!["party".to_owned()])].into();
        let nobody = BTreeMap::new();
        let r = escape_rates([
            EscapeHistory {
                group: "A",
                classes: &escaped,
                helpers: &helped,
            },
            EscapeHistory {
                group: "A",
                classes: &stayed,
                helpers: &nobody,
            },
        ]);
        assert_eq!((r.total.at_risk, r.total.escaped), (3, 2));
        assert_eq!(
            (r.by_supporter[0].at_risk, r.by_supporter[0].escaped),
            (1, 1)
        );
        assert_eq!(
            (r.by_supporter[1].at_risk, r.by_supporter[1].escaped),
            (2, 1)
        );
        assert_eq!(r.by_supporter[1].rate(), Some(50.0));
        assert_eq!(r.by_organisation[0].key, "party");
    }
}
