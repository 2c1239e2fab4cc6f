//! Poor and near-poor counts and rates by any combination of keys (DESIGN.md "report --format
//! json"). Poverty rate = poor households ÷ households × 100, rounded to 2 decimals.

use std::collections::HashMap;

use bamho_domain::units::{Level, UnitId, Units};
use bamho_domain::{Class, Date};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::snapshot::Snapshot;

/// What a report row is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Province,
    /// The former district (districts were abolished on 1 July 2025).
    District,
    Commune,
    Village,
    Ethnicity,
    /// "minority" or "kinh".
    Minority,
    Area,
}

impl Key {
    pub const ALL: [Self; 7] = [
        Self::Province,
        Self::District,
        Self::Commune,
        Self::Village,
        Self::Ethnicity,
        Self::Minority,
        Self::Area,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::District => "district",
            Self::Commune => "commune",
            Self::Village => "village",
            Self::Ethnicity => "ethnicity",
            Self::Minority => "minority",
            Self::Area => "area",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }
}

/// Which units rows are grouped under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Boundaries {
    /// The units in force at the review.
    Recorded,
    /// Today's units, through the successions.
    Current,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    households: u64,
    poor: u64,
    near_poor: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.households += other.households;
        self.poor += other.poor;
        self.near_poor += other.near_poor;
    }
}

/// Counts and rates of one group (or of the total).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rates {
    pub households: u64,
    pub poor: u64,
    pub near_poor: u64,
    pub poor_rate: f64,
    pub near_poor_rate: f64,
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 10_000.0 / whole as f64).round() / 100.0
    }
}

impl From<Counts> for Rates {
    fn from(c: Counts) -> Self {
        Self {
            households: c.households,
            poor: c.poor,
            near_poor: c.near_poor,
            poor_rate: percent(c.poor, c.households),
            near_poor_rate: percent(c.near_poor, c.households),
        }
    }
}

/// A group's key: (key name, value) in the order asked for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey(pub Vec<(&'static str, String)>);

impl Serialize for GroupKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub key: GroupKey,
    #[serde(flatten)]
    pub rates: Rates,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub year: u16,
    pub standard: String,
    pub scope: String,
    pub boundaries: Boundaries,
    pub rows: Vec<Row>,
    pub total: Rates,
}

/// Resolves each commune of a snapshot to the values of the unit keys, once per commune.
struct Places<'u> {
    units: &'u Units,
    boundaries: Boundaries,
    today: Date,
    cache: HashMap<UnitId, [String; 3]>,
}

impl Places<'_> {
    fn of(&mut self, recorded: UnitId, village_today: Option<UnitId>) -> &[String; 3] {
        let commune = match self.boundaries {
            Boundaries::Recorded => recorded,
            Boundaries::Current => village_today
                .or_else(|| self.units.successor_on(recorded, self.today))
                .unwrap_or(recorded),
        };
        let units = self.units;
        self.cache.entry(commune).or_insert_with(|| {
            let code =
                |id: Option<UnitId>| id.map(|i| units.get(i).code.clone()).unwrap_or_default();
            [
                code(units.province_of(commune)),
                code(units.district_of(commune)),
                units.get(commune).code.clone(),
            ]
        })
    }
}

/// Counts and rates of `snapshot` grouped by `keys` (none: the total only), sorted by key.
pub fn rates(
    snapshot: &Snapshot,
    keys: &[Key],
    boundaries: Boundaries,
    today: Date,
    scope: &str,
) -> Report {
    let units = Units::national();
    let mut places = Places {
        units,
        boundaries,
        today,
        cache: HashMap::new(),
    };
    // Group ids: each household's key is resolved to a small integer per distinct combination of
    // (commune, village, ethnicity, area), so the per-household pass only adds counts.
    let mut combos: FxHashMap<(UnitId, u32, u8, bamho_domain::Area), u32> = FxHashMap::default();
    let mut combo_of = Vec::with_capacity(snapshot.len());
    let mut combo_keys: Vec<(UnitId, u32, u8, bamho_domain::Area)> = Vec::new();
    for i in 0..snapshot.len() {
        let village = if keys.contains(&Key::Village) || boundaries == Boundaries::Current {
            snapshot.village[i]
        } else {
            0
        };
        let c = (
            snapshot.commune[i],
            village,
            snapshot.ethnicity[i],
            snapshot.area[i],
        );
        let next = combo_keys.len() as u32;
        let id = *combos.entry(c).or_insert_with(|| {
            combo_keys.push(c);
            next
        });
        combo_of.push(id);
    }
    let counts = count_by(&combo_of, &snapshot.class, combo_keys.len());
    let mut groups: HashMap<GroupKey, Counts> = HashMap::new();
    let mut total = Counts::default();
    for (combo, c) in combo_keys.iter().zip(counts) {
        total.add(c);
        let (commune, village, ethnicity, area) = *combo;
        let today = snapshot
            .village_commune_today
            .get(village as usize)
            .copied()
            .flatten();
        let [province, district, commune] = places.of(commune, today).clone();
        let key = keys
            .iter()
            .map(|k| {
                let value = match k {
                    Key::Province => province.clone(),
                    Key::District => district.clone(),
                    Key::Commune => commune.clone(),
                    Key::Village => snapshot
                        .villages
                        .get(village as usize)
                        .cloned()
                        .unwrap_or_default(),
                    Key::Ethnicity => format!("{ethnicity:02}"),
                    Key::Minority => if ethnicity == 1 { "kinh" } else { "minority" }.to_owned(),
                    Key::Area => area.as_str().to_owned(),
                };
                (k.as_str(), value)
            })
            .collect();
        groups.entry(GroupKey(key)).or_default().add(c);
    }
    let mut rows: Vec<Row> = if keys.is_empty() {
        Vec::new()
    } else {
        groups
            .into_iter()
            .map(|(key, c)| Row {
                key,
                rates: c.into(),
            })
            .collect()
    };
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    Report {
        year: snapshot.year.map_or(0, |y| y.get()),
        standard: snapshot.standard.clone(),
        scope: scope.to_owned(),
        boundaries,
        rows,
        total: total.into(),
    }
}

/// Counts per group id, in parallel over chunks of households.
fn count_by(group: &[u32], class: &[Class], groups: usize) -> Vec<Counts> {
    const CHUNK: usize = 1 << 16;
    group
        .par_chunks(CHUNK)
        .zip(class.par_chunks(CHUNK))
        .fold(
            || vec![Counts::default(); groups],
            |mut acc, (g, c)| {
                for (&g, &c) in g.iter().zip(c) {
                    let slot = &mut acc[g as usize];
                    slot.households += 1;
                    slot.poor += u64::from(c == Class::Poor);
                    slot.near_poor += u64::from(c == Class::NearPoor);
                }
                acc
            },
        )
        .reduce(
            || vec![Counts::default(); groups],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    x.add(y);
                }
                a
            },
        )
}

/// Looks a unit key's code up for display: "23341 Xã Đăk Pék".
pub fn unit_label(key: Key, code: &str, year_day: Date) -> String {
    let units = Units::national();
    let level = match key {
        Key::Province => Level::Province,
        Key::District => Level::District,
        Key::Commune => Level::Commune,
        _ => return code.to_owned(),
    };
    let found = units
        .find(level, code, year_day)
        .or_else(|| units.all_with_code(level, code).last().copied());
    match found {
        Some(id) => format!("{code} {}", units.get(id).full_name()),
        None => code.to_owned(),
    }
}
