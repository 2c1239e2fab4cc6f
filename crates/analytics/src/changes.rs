//! Changes in poor households during a year, in the terms of report form 7.2 (Circular 07/2021,
//! Appendix VII): poor at the start; decreases — escaped to near-poor, escaped above the near-poor
//! line, other decreases (households gone: moved away, merged); increases — near-poor becoming poor,
//! relapsed (listed in an earlier year), newly poor (never listed), other increases (households that
//! appeared: split off, moved in); poor at the end = start − decreases + increases. And the year-to-year
//! transition matrix between classes.

use bamho_domain::Class;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::snapshot::Snapshot;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PoorChanges {
    /// (1) Poor at the start of the year.
    pub start: u64,
    /// (2) Escaped poverty, now near-poor.
    pub to_near_poor: u64,
    /// (3) Escaped poverty above the near-poor line.
    pub escaped: u64,
    /// (4) Other decreases: no longer in the registry this year.
    pub other_decrease: u64,
    /// (5) Near-poor households become poor.
    pub from_near_poor: u64,
    /// (6) Relapsed: outside both lists last year, listed in an earlier one.
    pub relapsed: u64,
    /// (7) Newly poor: never listed before.
    pub newly_poor: u64,
    /// (8) Other increases: households not in the registry last year.
    pub other_increase: u64,
    /// (9) Poor at the end of the year.
    pub end: u64,
}

/// Households by (class last year, class this year); "absent" where a household is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transitions(pub FxHashMap<(&'static str, &'static str), u64>);

const STATES: [&str; 5] = ["poor", "near_poor", "middle", "not_poor", "absent"];

impl Serialize for Transitions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut outer = s.serialize_map(Some(STATES.len()))?;
        for from in STATES {
            let row: Vec<(&str, u64)> = STATES
                .iter()
                .map(|to| (*to, self.0.get(&(from, *to)).copied().unwrap_or(0)))
                .collect();
            outer.serialize_entry(from, &Row(row))?;
        }
        outer.end()
    }
}

struct Row(Vec<(&'static str, u64)>);

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub year: u16,
    pub previous_year: u16,
    pub scope: String,
    pub poor: PoorChanges,
    pub transitions: Transitions,
}

fn classes(s: &Snapshot) -> FxHashMap<u64, Class> {
    s.household
        .iter()
        .copied()
        .zip(s.class.iter().copied())
        .collect()
}

fn listed(c: Class) -> bool {
    matches!(c, Class::Poor | Class::NearPoor)
}

/// The changes of the last snapshot's year against the one before; `earlier` are the years before
/// those two (for telling relapses from newly poor households).
pub fn changes(
    earlier: &[Snapshot],
    previous: &Snapshot,
    current: &Snapshot,
    scope: &str,
) -> Changes {
    let ever: FxHashSet<u64> = earlier
        .iter()
        .flat_map(|s| {
            s.household
                .iter()
                .zip(&s.class)
                .filter(|(_, c)| listed(**c))
                .map(|(h, _)| *h)
        })
        .collect();
    let (before, now) = (classes(previous), classes(current));
    let mut poor = PoorChanges::default();
    let mut transitions = Transitions::default();
    for (h, was) in &before {
        let is = now.get(h).copied();
        *transitions
            .0
            .entry((was.as_str(), is.map_or("absent", Class::as_str)))
            .or_default() += 1;
        if *was == Class::Poor {
            poor.start += 1;
            match is {
                None => poor.other_decrease += 1,
                Some(Class::NearPoor) => poor.to_near_poor += 1,
                Some(Class::Middle | Class::NotPoor) => poor.escaped += 1,
                Some(Class::Poor) => {}
            }
        }
    }
    for (h, is) in &now {
        let was = before.get(h).copied();
        if was.is_none() {
            *transitions.0.entry(("absent", is.as_str())).or_default() += 1;
        }
        if *is != Class::Poor {
            continue;
        }
        poor.end += 1;
        match was {
            None => poor.other_increase += 1,
            Some(Class::NearPoor) => poor.from_near_poor += 1,
            Some(Class::Middle | Class::NotPoor) if ever.contains(h) => poor.relapsed += 1,
            Some(Class::Middle | Class::NotPoor) => poor.newly_poor += 1,
            Some(Class::Poor) => {}
        }
    }
    Changes {
        year: current.year.map_or(0, |y| y.get()),
        previous_year: previous.year.map_or(0, |y| y.get()),
        scope: scope.to_owned(),
        poor,
        transitions,
    }
}

#[cfg(test)]
mod tests {
    use bamho_domain::units::{Level, Units};
    use bamho_domain::{Area, Date, Year};

    use super::*;

    fn year(y: u16, households: &[(&str, Class)]) -> Snapshot {
        let units = Units::national();
        let commune = units
            .find(Level::Commune, "23365", Date::parse("2025-09-01").unwrap())
            .unwrap();
        let mut s = Snapshot::new(Year::new(y).unwrap(), "vn-2022-2025");
        let v = s.village_id("V", None);
        for (code, class) in households {
            s.push(code, commune, v, "29", Area::Rural, *class, 0);
        }
        s
    }

    #[test]
    fn form_7_2_adds_up_and_tells_relapses_from_newly_poor() {
        use Class::*;
        let y2023 = year(2023, &[("R", NearPoor), ("N", NotPoor)]);
        let y2024 = year(
            2024,
            &[
                ("A", Poor),
                ("B", Poor),
                ("C", Poor),
                ("D", Poor),
                ("E", NearPoor),
                ("R", NotPoor),
                ("N", NotPoor),
            ],
        );
        let y2025 = year(
            2025,
            &[
                ("A", Poor),
                ("B", NearPoor),
                ("C", Middle),
                ("E", Poor),
                ("R", Poor),
                ("N", Poor),
                ("S", Poor),
            ],
        );
        let c = changes(&[y2023], &y2024, &y2025, "test");
        let p = &c.poor;
        assert_eq!(
            (p.start, p.to_near_poor, p.escaped, p.other_decrease),
            (4, 1, 1, 1)
        );
        assert_eq!(
            (
                p.from_near_poor,
                p.relapsed,
                p.newly_poor,
                p.other_increase,
                p.end
            ),
            (1, 1, 1, 1, 5)
        );
        assert_eq!(
            p.end,
            p.start - p.to_near_poor - p.escaped - p.other_decrease
                + p.from_near_poor
                + p.relapsed
                + p.newly_poor
                + p.other_increase
        );
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["transitions"]["poor"]["poor"], 1);
        assert_eq!(json["transitions"]["poor"]["absent"], 1);
        assert_eq!(json["transitions"]["absent"]["poor"], 1);
        assert_eq!(json["transitions"]["not_poor"]["poor"], 2);
    }
}
