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
}
