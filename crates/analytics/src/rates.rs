//! Poor and near-poor counts and rates by any combination of keys (DESIGN.md "report --format
//! json"). Poverty rate = poor households ÷ households × 100, rounded to 2 decimals.

use std::borrow::Cow;

use bamho_domain::units::{Level, UnitId, Units};
use bamho_domain::{Area, Class, Date, Year};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::snapshot::{Snapshot, Villages};

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
pub(crate) struct Counts {
    pub(crate) households: u64,
    pub(crate) poor: u64,
    pub(crate) near_poor: u64,
}

impl Counts {
    pub(crate) fn add(&mut self, other: Counts) {
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

/// `part` of `whole` in hundredths of a percent, rounded half up (1 of 3 is 3,333); 0 of none.
fn hundredths(part: u64, whole: u64) -> u64 {
    if whole == 0 {
        return 0;
    }
    // (2 · 10,000 · part + whole) / (2 · whole), rounded down: in 64 bits, or in 128 where 64
    // would overflow (never, for counts of households).
    let numerator = part.checked_mul(20_000).and_then(|n| n.checked_add(whole));
    match (numerator, whole.checked_mul(2)) {
        (Some(numerator), Some(denominator)) => numerator / denominator,
        _ => {
            let wide = (u128::from(part) * 20_000 + u128::from(whole)) / (2 * u128::from(whole));
            u64::try_from(wide).unwrap_or(u64::MAX)
        }
    }
}

/// `part` of `whole` as a percent rounded to two decimals.
fn percent(part: u64, whole: u64) -> f64 {
    hundredths(part, whole) as f64 / 100.0
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

/// A group and its counts: `{"key": {...}, "households": …, "poor": …, …}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: GroupKey,
    pub rates: Rates,
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let r = &self.rates;
        let mut row = s.serialize_struct("Row", 6)?;
        row.serialize_field("key", &self.key)?;
        row.serialize_field("households", &r.households)?;
        row.serialize_field("poor", &r.poor)?;
        row.serialize_field("near_poor", &r.near_poor)?;
        row.serialize_field("poor_rate", &r.poor_rate)?;
        row.serialize_field("near_poor_rate", &r.near_poor_rate)?;
        row.end()
    }
}

impl Row {
    /// The row as serde writes it, `{"key":{…},"households":…}`, written directly: a report has
    /// tens of thousands of rows, and most of their text is the same names and plain codes.
    fn write_json(&self, json: &mut Vec<u8>) -> serde_json::Result<()> {
        json.extend_from_slice(b"{\"key\":{");
        for (i, (name, value)) in self.key.0.iter().enumerate() {
            if i > 0 {
                json.push(b',');
            }
            write_key_value(json, name, value)?;
        }
        let r = &self.rates;
        write_counts(json, [r.households, r.poor, r.near_poor]);
        json.extend_from_slice(b",\"poor_rate\":");
        json_rate(json, r.poor_rate)?;
        json.extend_from_slice(b",\"near_poor_rate\":");
        json_rate(json, r.near_poor_rate)?;
        json.push(b'}');
        Ok(())
    }
}

/// One key of a row's key as serde writes it: `"commune":"00004"`.
fn write_key_value(json: &mut Vec<u8>, name: &str, value: &str) -> serde_json::Result<()> {
    json_string(json, name)?;
    json.push(b':');
    json_string(json, value)
}

/// A group's row of its key, as [`write_key_value`] writes each of its keys, and `counts`, as
/// serde writes the [`Row`] of their [`Rates`]: the rates written from their hundredths, with
/// no floating point.
fn write_row<'k>(
    json: &mut Vec<u8>,
    key: impl Iterator<Item = &'k [u8]>,
    c: Counts,
) -> serde_json::Result<()> {
    json.extend_from_slice(b"{\"key\":{");
    for (i, written) in key.enumerate() {
        if i > 0 {
            json.push(b',');
        }
        json.extend_from_slice(written);
    }
    write_counts(json, [c.households, c.poor, c.near_poor]);
    json.extend_from_slice(b",\"poor_rate\":");
    json_hundredths(json, hundredths(c.poor, c.households))?;
    json.extend_from_slice(b",\"near_poor_rate\":");
    json_hundredths(json, hundredths(c.near_poor, c.households))?;
    json.push(b'}');
    Ok(())
}

/// A row's counts as serde writes them after its key: households, poor and near-poor.
fn write_counts(json: &mut Vec<u8>, [households, poor, near_poor]: [u64; 3]) {
    let mut digits = itoa::Buffer::new();
    for (name, n) in [
        (&b"},\"households\":"[..], households),
        (b",\"poor\":", poor),
        (b",\"near_poor\":", near_poor),
    ] {
        json.extend_from_slice(name);
        json.extend_from_slice(digits.format(n).as_bytes());
    }
}

/// A rate as serde writes it: one of whole hundredths (as [`percent`] makes them) from its
/// digits, any other by serde. The shortest decimal that reads back as the nearest double to
/// k/100 is k/100 itself, trailing zeros aside.
fn json_rate(json: &mut Vec<u8>, rate: f64) -> serde_json::Result<()> {
    let hundredths = (rate * 100.0).round();
    if rate.is_sign_positive() && hundredths < 1e15 && hundredths / 100.0 == rate {
        json_hundredths(json, hundredths as u64)
    } else {
        serde_json::to_writer(json, &rate)
    }
}

/// A rate of `k` hundredths as serde writes the double nearest to k/100: "12.5", "0.0",
/// "33.33"; from its digits below 10^15.
fn json_hundredths(json: &mut Vec<u8>, k: u64) -> serde_json::Result<()> {
    if k >= 1_000_000_000_000_000 {
        return serde_json::to_writer(json, &(k as f64 / 100.0));
    }
    let (whole, part) = (k / 100, (k % 100) as u8);
    json.extend_from_slice(itoa::Buffer::new().format(whole).as_bytes());
    json.extend_from_slice(&[b'.', b'0' + part / 10]);
    if part % 10 != 0 {
        json.push(b'0' + part % 10);
    }
    Ok(())
}

/// A JSON string: a plain one (no quote, backslash or control character) as it is, any other
/// escaped by serde.
fn json_string(json: &mut Vec<u8>, text: &str) -> serde_json::Result<()> {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        json.push(b'"');
        json.extend_from_slice(text.as_bytes());
        json.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(json, text)
    }
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

impl Report {
    /// The report as JSON (DESIGN.md "report --format json") with a row a line: as readable as one
    /// field a line, at half the size and in a fraction of the time.
    pub fn write_json(&self, json: &mut Vec<u8>) -> serde_json::Result<()> {
        let head = Head {
            year: self.year,
            standard: &self.standard,
            scope: &self.scope,
            boundaries: self.boundaries,
        };
        head.write_json(json, &self.total, &self.rows, |json, row| {
            row.write_json(json)
        })
    }
}

/// What a report says besides its rows.
struct Head<'r> {
    year: u16,
    standard: &'r str,
    scope: &'r str,
    boundaries: Boundaries,
}

impl Head<'_> {
    /// The report as JSON with `rows`, each written by `row`.
    fn write_json<R>(
        &self,
        json: &mut Vec<u8>,
        total: &Rates,
        rows: impl IntoIterator<Item = R>,
        mut row: impl FnMut(&mut Vec<u8>, R) -> serde_json::Result<()>,
    ) -> serde_json::Result<()> {
        let field = |json: &mut Vec<u8>, name: &str| {
            json.extend_from_slice(b"  \"");
            json.extend_from_slice(name.as_bytes());
            json.extend_from_slice(b"\": ");
        };
        json.extend_from_slice(b"{\n");
        field(json, "year");
        serde_json::to_writer(&mut *json, &self.year)?;
        for (name, value) in [("standard", self.standard), ("scope", self.scope)] {
            json.extend_from_slice(b",\n");
            field(json, name);
            serde_json::to_writer(&mut *json, value)?;
        }
        json.extend_from_slice(b",\n");
        field(json, "boundaries");
        serde_json::to_writer(&mut *json, &self.boundaries)?;
        json.extend_from_slice(b",\n");
        field(json, "rows");
        json.push(b'[');
        let mut none = true;
        for r in rows {
            json.extend_from_slice(if none { b"\n    " } else { b",\n    " });
            row(json, r)?;
            none = false;
        }
        json.extend_from_slice(if none { b"]" } else { b"\n  ]" });
        json.extend_from_slice(b",\n");
        field(json, "total");
        serde_json::to_writer(&mut *json, total)?;
        json.extend_from_slice(b"\n}\n");
        Ok(())
    }
}

/// Resolves each commune of a snapshot to its province, former district and itself (the first
/// two only when asked for), under the boundaries asked for, once per commune.
struct Places<'u> {
    units: &'u Units,
    boundaries: Boundaries,
    today: Date,
    /// Whether provinces are asked for.
    provinces: bool,
    /// Whether former districts are asked for (finding one follows the successions).
    districts: bool,
    /// For each commune, by its index, where in `resolved` it has been resolved (`u32::MAX`: not
    /// yet): a table, as every combination asks.
    at: Vec<u32>,
    resolved: Vec<[Option<UnitId>; 3]>,
    /// Communes whose village the registry places in a commune of today's.
    with_village: FxHashMap<(UnitId, UnitId), [Option<UnitId>; 3]>,
}

impl<'u> Places<'u> {
    /// Places for a report by `keys`: a province or a former district is found only when a key
    /// asks for it.
    fn new(units: &'u Units, boundaries: Boundaries, today: Date, keys: &[Key]) -> Self {
        Self {
            units,
            boundaries,
            today,
            provinces: keys.contains(&Key::Province),
            districts: keys.contains(&Key::District),
            at: vec![u32::MAX; units.len()],
            resolved: Vec::new(),
            with_village: FxHashMap::default(),
        }
    }

    fn of(&mut self, recorded: UnitId, village_today: Option<UnitId>) -> [Option<UnitId>; 3] {
        match village_today {
            None => match self.at.get(recorded.0 as usize) {
                Some(&at) if at != u32::MAX => self.resolved[at as usize],
                _ => {
                    let place = self.resolve(recorded, None);
                    if let Some(at) = self.at.get_mut(recorded.0 as usize) {
                        *at = self.resolved.len() as u32;
                        self.resolved.push(place);
                    }
                    place
                }
            },
            Some(now) => match self.with_village.get(&(recorded, now)) {
                Some(place) => *place,
                None => {
                    let place = self.resolve(recorded, Some(now));
                    self.with_village.insert((recorded, now), place);
                    place
                }
            },
        }
    }

    fn resolve(&self, recorded: UnitId, village_today: Option<UnitId>) -> [Option<UnitId>; 3] {
        let units = self.units;
        let commune = match self.boundaries {
            Boundaries::Recorded => recorded,
            Boundaries::Current => village_today
                .or_else(|| units.successor_on(recorded, self.today))
                .unwrap_or(recorded),
        };
        [
            self.provinces.then(|| units.province_of(commune)).flatten(),
            self.districts.then(|| units.district_of(commune)).flatten(),
            Some(commune),
        ]
    }
}

/// Whether a report by `keys` under `boundaries` counts households village by village (the
/// village is a key, or today's boundaries follow a village's commune where the registry knows it).
pub fn by_village(keys: &[Key], boundaries: Boundaries) -> bool {
    keys.contains(&Key::Village) || boundaries == Boundaries::Current
}

/// Counts and rates of `snapshot` grouped by `keys` (none: the total only), sorted by key.
pub fn rates(
    snapshot: &Snapshot,
    keys: &[Key],
    boundaries: Boundaries,
    today: Date,
    scope: &str,
) -> Report {
    let tally = Tally::of(snapshot, by_village(keys, boundaries));
    report(&tally, keys, boundaries, today, scope)
}

/// Counts and rates of a year's tally grouped by `keys` (none: the total only), sorted by key.
/// The tally must have been counted by village when [`by_village`] says so.
pub fn report(
    tally: &Tally,
    keys: &[Key],
    boundaries: Boundaries,
    today: Date,
    scope: &str,
) -> Report {
    let grouped = group(tally, keys, boundaries, today);
    let rows: Vec<Row> = grouped
        .iter()
        .map(|(ranks, c)| Row {
            key: GroupKey(
                grouped
                    .key(keys, ranks)
                    .map(|(name, value)| (name, value.to_owned()))
                    .collect(),
            ),
            rates: c.into(),
        })
        .collect();
    Report {
        year: tally.year.map_or(0, |y| y.get()),
        standard: tally.standard.clone(),
        scope: scope.to_owned(),
        boundaries,
        rows,
        total: grouped.total.into(),
    }
}

/// The JSON of the report [`report`] makes ([`Report::write_json`]'s text), written to `out` from
/// its groups without making its rows (a report by village has hundreds of thousands), 64 KiB at
/// a time.
pub fn write_report_json(
    tally: &Tally,
    keys: &[Key],
    boundaries: Boundaries,
    today: Date,
    scope: &str,
    out: &mut dyn std::io::Write,
) -> serde_json::Result<()> {
    const ROOM: usize = 1 << 16;
    let grouped = group(tally, keys, boundaries, today);
    let mut json = Vec::with_capacity(ROOM);
    let head = Head {
        year: tally.year.map_or(0, |y| y.get()),
        standard: &tally.standard,
        scope,
        boundaries,
    };
    // Each key's values as a row's key holds them, `"commune":"00004"`, written once.
    let written = keys
        .iter()
        .zip(&grouped.names)
        .map(|(k, names)| Written::of(k.as_str(), names))
        .collect::<serde_json::Result<Vec<_>>>()?;
    head.write_json(
        &mut json,
        &grouped.total.into(),
        grouped.iter(),
        |json, (ranks, counts)| {
            let key = ranks.iter().zip(&written).map(|(rank, w)| w.get(*rank));
            write_row(json, key, counts)?;
            if json.len() > ROOM - 1024 {
                out.write_all(json).map_err(serde_json::Error::io)?;
                json.clear();
            }
            Ok(())
        },
    )?;
    out.write_all(&json).map_err(serde_json::Error::io)
}

/// A key's values as [`write_key_value`] writes them, side by side, by rank.
struct Written {
    text: Vec<u8>,
    /// Where each value's text ends.
    ends: Vec<usize>,
}

impl Written {
    fn of(key: &str, names: &[Cow<'_, str>]) -> serde_json::Result<Self> {
        let mut written = Self {
            text: Vec::new(),
            ends: Vec::with_capacity(names.len()),
        };
        for name in names {
            write_key_value(&mut written.text, key, name)?;
            written.ends.push(written.text.len());
        }
        Ok(written)
    }

    fn get(&self, rank: u32) -> &[u8] {
        let rank = rank as usize;
        let start = match rank {
            0 => 0,
            _ => self.ends[rank - 1],
        };
        &self.text[start..self.ends[rank]]
    }
}

/// A report's groups: for each key, its values' names in order (their ranks); each
/// combination's ranks, and the combinations in order of their ranks, those of one group side
/// by side; and the total.
struct Groups<'t> {
    names: Vec<Vec<Cow<'t, str>>>,
    /// The ranks of each combination, one for each key.
    ranks: Vec<u32>,
    /// How many keys.
    width: usize,
    /// The combinations, by their index in `combinations`, in order of their ranks.
    order: Vec<u32>,
    combinations: &'t [(Combination, Counts)],
    total: Counts,
}

impl<'t> Groups<'t> {
    /// The ranks of the combination at `c`.
    fn ranks_of(&self, c: u32) -> &[u32] {
        let at = c as usize * self.width;
        &self.ranks[at..at + self.width]
    }

    /// Each group's ranks and its combinations' counts added up, in order.
    fn iter(&self) -> impl Iterator<Item = (&[u32], Counts)> + '_ {
        let combinations = self.combinations;
        let mut order = self
            .order
            .iter()
            .map(move |&c| (self.ranks_of(c), combinations[c as usize].1))
            .peekable();
        std::iter::from_fn(move || {
            let (ranks, mut sum) = order.next()?;
            // Compared in line: a report has a few keys.
            let same = |next: &[u32]| next.iter().zip(ranks).all(|(a, b)| a == b);
            while let Some((_, counts)) = order.next_if(|(next, _)| same(next)) {
                sum.add(counts);
            }
            Some((ranks, sum))
        })
    }

    /// The key of a group by its ranks: each key's name and the group's value of it.
    fn key<'g>(
        &'g self,
        keys: &'g [Key],
        ranks: &'g [u32],
    ) -> impl Iterator<Item = (&'static str, &'g str)> + 'g {
        let named = keys.iter().zip(ranks).zip(&self.names);
        named.map(|((k, rank), by_rank)| (k.as_str(), by_rank[*rank as usize].as_ref()))
    }
}

/// The households of a tally grouped by `keys`, under `boundaries`.
fn group<'t>(tally: &'t Tally, keys: &[Key], boundaries: Boundaries, today: Date) -> Groups<'t> {
    debug_assert!(
        tally.by_village || !by_village(keys, boundaries),
        "a report by village from households counted without their villages"
    );
    let units = Units::national();
    let mut places = Places::new(units, boundaries, today, keys);
    // Each combination of (commune, village, ethnicity, area) is valued by the keys asked for,
    // as numbers; the values are named and ranked, and the combinations put in order of their
    // ranks, so that those of one group come together and are added up.
    let width = keys.len();
    let combinations = if keys.is_empty() {
        &[][..]
    } else {
        &tally.combinations[..]
    };
    let mut ranks: Vec<u32> = Vec::with_capacity(combinations.len() * width);
    for (combo, _) in combinations {
        let today = tally
            .village_commune_today
            .get(combo.village as usize)
            .copied()
            .flatten();
        let [province, district, commune] = places.of(combo.commune, today);
        let id = |unit: Option<UnitId>| unit.map_or(u32::MAX, |u| u.0);
        ranks.extend(keys.iter().map(|k| match k {
            Key::Province => id(province),
            Key::District => id(district),
            Key::Commune => id(commune),
            Key::Village => combo.village,
            Key::Ethnicity => u32::from(combo.ethnicity),
            Key::Minority => u32::from(combo.ethnicity != 1),
            Key::Area => combo.area as u32,
        }));
    }
    let name = |k: Key, value: u32| -> Cow<'t, str> {
        match k {
            Key::Province | Key::District | Key::Commune => match value {
                u32::MAX => Cow::Borrowed(""), // a commune without a former district
                _ => Cow::Borrowed(units.get(UnitId(value)).code),
            },
            Key::Village => Cow::Borrowed(tally.villages.get(value as usize).unwrap_or_default()),
            Key::Ethnicity => Cow::Owned(format!("{value:02}")),
            Key::Minority => Cow::Borrowed(if value == 0 { "kinh" } else { "minority" }),
            Key::Area => Cow::Borrowed(match value == Area::Urban as u32 {
                true => Area::Urban.as_str(),
                false => Area::Rural.as_str(),
            }),
        }
    };
    // For each key: the rank of each value's name, and the names by rank.
    let names: Vec<(Ranks, Vec<Cow<'t, str>>)> = keys
        .iter()
        .enumerate()
        .map(|(at, k)| {
            let values = ranks.iter().skip(at).step_by(width).copied();
            let mut ranked = Ranks::meeting(values);
            let mut named: Vec<(Cow<'t, str>, u32)> =
                ranked.met().map(|v| (name(*k, v), v)).collect();
            named.sort_unstable();
            let mut by_rank = Vec::<Cow<'t, str>>::with_capacity(named.len());
            for (name, value) in named {
                if by_rank.last() != Some(&name) {
                    by_rank.push(name);
                }
                ranked.set(value, by_rank.len() as u32 - 1);
            }
            (ranked, by_rank)
        })
        .collect();
    if width > 0 {
        for values in ranks.chunks_exact_mut(width) {
            for (value, (ranked, _)) in values.iter_mut().zip(&names) {
                *value = ranked.of(*value);
            }
        }
    }
    let first = names.first().map_or(0, |(_, by_rank)| by_rank.len());
    let order = in_rank_order(&ranks, width, first);
    Groups {
        names: names.into_iter().map(|(_, by_rank)| by_rank).collect(),
        ranks,
        width,
        order,
        combinations,
        total: tally
            .combinations
            .iter()
            .fold(Counts::default(), |mut total, (_, c)| {
                total.add(*c);
                total
            }),
    }
}

/// The combinations whose ranks are `ranks` (`width` a combination) in order of their ranks:
/// counted out by the first rank (the first key's ranks run from 0 to `first` - 1), then each
/// stretch of one first rank put in order by all the ranks. A report has tens of thousands of
/// combinations, and each value of its first key only a few: this takes a fraction of a general
/// sort's time, and moves only indexes.
fn in_rank_order(ranks: &[u32], width: usize, first: usize) -> Vec<u32> {
    if width == 0 {
        return Vec::new();
    }
    let of = |c: u32| &ranks[c as usize * width..(c as usize + 1) * width];
    let firsts = ranks.iter().step_by(width).map(|r| *r as usize);
    // Where each first rank's stretch begins; then where its next combination goes.
    let mut at = vec![0usize; first + 1];
    for r in firsts.clone() {
        at[r + 1] += 1;
    }
    for i in 1..at.len() {
        at[i] += at[i - 1];
    }
    let starts = at.clone();
    let mut order = vec![0u32; ranks.len() / width];
    for (c, r) in firsts.enumerate() {
        order[at[r]] = c as u32;
        at[r] += 1;
    }
    for stretch in starts.windows(2) {
        order[stretch[0]..stretch[1]].sort_unstable_by(|a, b| of(*a).cmp(of(*b)));
    }
    order
}

/// The rank of each value of a key. The values are small numbers (indexes of units and villages,
/// ethnic codes), so the ranks are a table indexed by value; `u32::MAX` (no former district) has
/// its own.
struct Ranks {
    by_value: Vec<u32>,
    none: u32,
}

impl Ranks {
    /// A value not met.
    const UNMET: u32 = u32::MAX;

    /// A table with room for `values`, each marked as met (its rank not yet set).
    fn meeting(values: impl Iterator<Item = u32> + Clone) -> Self {
        let highest = values.clone().filter(|v| *v != u32::MAX).max();
        let mut ranks = Self {
            by_value: vec![Self::UNMET; highest.map_or(0, |h| h as usize + 1)],
            none: Self::UNMET,
        };
        for value in values {
            ranks.set(value, 0);
        }
        ranks
    }

    /// The values met, each once.
    fn met(&self) -> impl Iterator<Item = u32> + '_ {
        let met = self.by_value.iter().enumerate();
        met.filter(|(_, rank)| **rank != Self::UNMET)
            .map(|(value, _)| value as u32)
            .chain((self.none != Self::UNMET).then_some(u32::MAX))
    }

    fn set(&mut self, value: u32, rank: u32) {
        match self.by_value.get_mut(value as usize) {
            Some(slot) => *slot = rank,
            None => self.none = rank,
        }
    }

    fn of(&self, value: u32) -> u32 {
        self.by_value
            .get(value as usize)
            .copied()
            .unwrap_or(self.none)
    }
}

/// What a household's group is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Combination {
    pub(crate) commune: UnitId,
    pub(crate) village: u32,
    pub(crate) ethnicity: u8,
    pub(crate) area: Area,
}

/// A year's households counted by what their groups are made of — commune, village (when counted
/// by village), ethnic group and area — with the villages named: all a rates report needs, from a
/// snapshot or straight from a file.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub year: Option<Year>,
    pub standard: String,
    /// Whether households were counted village by village.
    pub by_village: bool,
    /// The villages counts are kept by (none unless counted by village).
    pub villages: Villages,
    /// For each village, the commune it lies in today, where known.
    pub village_commune_today: Vec<Option<UnitId>>,
    /// The counts by combination; a combination may come more than once (met in several parts
    /// of a file), and its counts then add up.
    pub(crate) combinations: Vec<(Combination, Counts)>,
}

impl Tally {
    /// The households of `snapshot` counted, in parallel over chunks of households; village by
    /// village when `by_village`.
    pub fn of(snapshot: &Snapshot, by_village: bool) -> Self {
        let counted = (0..snapshot.len().div_ceil(Counter::CHUNK))
            .into_par_iter()
            .fold(Counter::default, |mut counter, chunk| {
                let rows =
                    chunk * Counter::CHUNK..((chunk + 1) * Counter::CHUNK).min(snapshot.len());
                counter.count(snapshot, rows, by_village);
                counter
            })
            .map(|counter| counter.counted)
            .reduce(Vec::new, |mut a, mut b| {
                a.append(&mut b);
                a
            });
        let (villages, village_commune_today) = if by_village {
            (
                snapshot.villages.clone(),
                snapshot.village_commune_today.clone(),
            )
        } else {
            Default::default()
        };
        Self {
            year: snapshot.year,
            standard: snapshot.standard.clone(),
            by_village,
            villages,
            village_commune_today,
            combinations: counted,
        }
    }
}

/// Counts households by combination, a chunk at a time. Within a chunk, each (commune, village)
/// seen gets a block of counters indexed by ethnicity and area, so most households only add to
/// an array: one addition a household, its three counts packed in one word. Its room is kept
/// from chunk to chunk (a chunk of a few hundred communes has hundreds of kilobytes of counters).
#[derive(Debug, Default)]
pub(crate) struct Counter {
    /// The counts by combination, chunk after chunk; within a chunk in the order of its
    /// places' first households, then of ethnic group and area, so that a file in code order
    /// gives them nearly in the order a report puts them. A combination met in several chunks
    /// comes once from each.
    pub(crate) counted: Vec<(Combination, Counts)>,
    places: Vec<(UnitId, u32)>,
    blocks: FxHashMap<(UnitId, u32), usize>,
    counters: Vec<u64>,
}

impl Counter {
    /// At most 2^16 households a chunk: each count fits in 21 bits of a packed word.
    const CHUNK: usize = 1 << 16;
    const BITS: u32 = 21;
    const POOR: u64 = 1 << Self::BITS;
    const NEAR_POOR: u64 = 1 << (2 * Self::BITS);
    /// Ethnic codes run 1 … 54; two areas each.
    const SLOTS: usize = 64 * 2;

    /// Adds the households `rows` of `columns` to the counts (the village left out unless
    /// `by_village`).
    pub(crate) fn count(
        &mut self,
        columns: &Snapshot,
        rows: std::ops::Range<usize>,
        by_village: bool,
    ) {
        let mut from = rows.start;
        while from < rows.end {
            let to = (from + Self::CHUNK).min(rows.end);
            self.count_chunk(columns, from..to, by_village);
            from = to;
        }
    }

    fn count_chunk(&mut self, columns: &Snapshot, rows: std::ops::Range<usize>, by_village: bool) {
        let Self {
            counted,
            places,
            blocks,
            counters,
        } = self;
        places.clear();
        blocks.clear();
        counters.clear();
        let mut last = None;
        for i in rows {
            let place = (
                columns.commune[i],
                if by_village { columns.village[i] } else { 0 },
            );
            let base = match last {
                Some((p, base)) if p == place => base,
                _ => {
                    let base = *blocks.entry(place).or_insert_with(|| {
                        places.push(place);
                        counters.resize(counters.len() + Self::SLOTS, 0);
                        counters.len() - Self::SLOTS
                    });
                    last = Some((place, base));
                    base
                }
            };
            let slot = usize::from(columns.ethnicity[i] & 63) * 2 + columns.area[i] as usize;
            let class = columns.class[i];
            counters[base + slot] += 1
                + Self::POOR * u64::from(class == Class::Poor)
                + Self::NEAR_POOR * u64::from(class == Class::NearPoor);
        }
        let unpack = |word: u64| Counts {
            households: word & (Self::POOR - 1),
            poor: (word >> Self::BITS) & (Self::POOR - 1),
            near_poor: word >> (2 * Self::BITS),
        };
        for ((commune, village), block) in places.iter().zip(counters.chunks(Self::SLOTS)) {
            for (slot, &word) in block.iter().enumerate() {
                if word == 0 {
                    continue;
                }
                let combo = Combination {
                    commune: *commune,
                    village: *village,
                    ethnicity: (slot / 2) as u8,
                    area: if slot % 2 == Area::Urban as usize {
                        Area::Urban
                    } else {
                        Area::Rural
                    },
                };
                counted.push((combo, unpack(word)));
            }
        }
    }
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

#[cfg(test)]
mod json_tests {
    use super::{Boundaries, GroupKey, Rates, Report, Row};

    fn rates(households: u64, poor: u64) -> Rates {
        Rates {
            households,
            poor,
            near_poor: 1,
            poor_rate: poor as f64 * 100.0 / households as f64,
            near_poor_rate: 100.0 / households as f64,
        }
    }

    #[test]
    fn the_json_report_is_the_designed_shape_with_a_row_a_line() {
        let row = |commune: &str, eth: &str, n| Row {
            key: GroupKey(vec![
                ("commune", commune.to_owned()),
                ("ethnicity", eth.to_owned()),
            ]),
            rates: rates(n, 2),
        };
        let mut report = Report {
            year: 2025,
            standard: "vn-2022-2025".into(),
            scope: "file \"quoted\"".into(),
            boundaries: Boundaries::Recorded,
            rows: vec![row("23341", "01", 40), row("23341", "16", 8)],
            total: rates(48, 4),
        };
        let mut json = Vec::new();
        report.write_json(&mut json).unwrap();
        let text = String::from_utf8(json).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value, serde_json::to_value(&report).unwrap());
        assert_eq!(value["rows"][1]["key"]["ethnicity"], "16");
        assert_eq!(value["rows"][1]["households"], 8);
        assert_eq!(value["scope"], "file \"quoted\"");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[6],
            r#"    {"key":{"commune":"23341","ethnicity":"01"},"households":40,"poor":2,"near_poor":1,"poor_rate":5.0,"near_poor_rate":2.5},"#
        );
        assert_eq!(lines.len(), 11);

        // A row is written as serde writes it, whatever its codes hold.
        for code in [
            "a\"b",
            "back\\slash",
            "tab\tnew\nline",
            "\u{1}",
            "Đăk Pék",
            "x\u{7f}",
        ] {
            let row = row(code, code, 1_234_567);
            let mut json = Vec::new();
            row.write_json(&mut json).unwrap();
            assert_eq!(
                String::from_utf8(json).unwrap(),
                serde_json::to_string(&row).unwrap()
            );
        }

        report.rows.clear();
        let mut json = Vec::new();
        report.write_json(&mut json).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["rows"], serde_json::json!([]));
    }

    #[test]
    fn a_group_s_row_written_from_its_counts_is_its_row_as_serde_writes_it() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |below: u64| crate::tests::xorshift(&mut state) % below;
        let mut counts: Vec<(u64, u64, u64)> = (0..=300)
            .flat_map(|whole| (0..=whole).map(move |part| (whole, part, whole - part)))
            .collect();
        for _ in 0..20_000 {
            let bits = next(48);
            let whole = next(1 << bits) + 1;
            counts.push((whole, next(whole + 1), next(whole + 1)));
        }
        counts.extend([(u64::MAX, u64::MAX, 0), (1, 5, u64::MAX / 3), (7, 0, 7)]);
        for (households, poor, near_poor) in counts {
            let c = super::Counts {
                households,
                poor,
                near_poor,
            };
            let key = [("commune", "00004"), ("ethnicity", "01")];
            let written: Vec<Vec<u8>> = key
                .iter()
                .map(|(name, value)| {
                    let mut text = Vec::new();
                    super::write_key_value(&mut text, name, value).unwrap();
                    text
                })
                .collect();
            let mut fast = Vec::new();
            super::write_row(&mut fast, written.iter().map(Vec::as_slice), c).unwrap();
            let row = Row {
                key: GroupKey(key.iter().map(|(k, v)| (*k, v.to_string())).collect()),
                rates: c.into(),
            };
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                serde_json::to_string(&row).unwrap(),
                "{households} {poor} {near_poor}"
            );
        }
    }

    #[test]
    fn hundredths_round_as_the_double_division_rounds() {
        let double = |part: u64, whole: u64| (part as f64 * 10_000.0 / whole as f64).round() as u64;
        for whole in 1..=2_000u64 {
            for part in 0..=whole {
                assert_eq!(
                    super::hundredths(part, whole),
                    double(part, whole),
                    "{part}/{whole}"
                );
            }
        }
        assert_eq!(super::hundredths(1, 3), 3_333);
        assert_eq!(super::hundredths(1, 8), 1_250);
        assert_eq!(super::hundredths(1, 20_000), 1); // 0.005% rounds half up
        assert_eq!(super::hundredths(1, 20_001), 0);
        assert_eq!(super::hundredths(5, 0), 0);
        assert_eq!(super::hundredths(u64::MAX, u64::MAX), 10_000);
    }

    #[test]
    fn rates_are_written_as_serde_writes_them() {
        let written = |rate: f64| {
            let mut json = Vec::new();
            super::json_rate(&mut json, rate).unwrap();
            String::from_utf8(json).unwrap()
        };
        // Every rate a report can hold up to 1,000 (and any count of households up to 400)…
        let hundredths = (0..=100_000u32).map(|k| f64::from(k) / 100.0);
        let percents =
            (1..=400u64).flat_map(|whole| (0..=whole).map(move |part| super::percent(part, whole)));
        for rate in hundredths.chain(percents) {
            assert_eq!(
                written(rate),
                serde_json::to_string(&rate).unwrap(),
                "{rate}"
            );
        }
        // … and any other number, through serde.
        for rate in [
            0.1 + 0.2,
            1e-7,
            2.0 / 3.0,
            123_456.789,
            1e15,
            1e20,
            -0.0,
            -1.5,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert_eq!(
                written(rate),
                serde_json::to_string(&rate).unwrap(),
                "{rate}"
            );
        }
        assert_eq!(written(7.0), "7.0");
        assert_eq!(written(0.05), "0.05");
        assert_eq!(written(12.5), "12.5");
    }
}

#[cfg(test)]
mod group_tests {
    use super::{
        Boundaries, Combination, Counts, Key, Tally, in_rank_order, report, write_report_json,
    };
    use bamho_domain::units::{Level, UnitId, Units};
    use bamho_domain::{Area, Date, Year};

    #[test]
    fn communes_without_a_former_district_are_one_group_named_empty_first_and_repeats_add_up() {
        let units = Units::national();
        let day = Date::parse("2025-09-01").unwrap();
        let communes: Vec<UnitId> = units
            .iter()
            .filter(|(_, u)| u.level == Level::Commune && u.in_force_on(day))
            .map(|(id, _)| id)
            .collect();
        let without: Vec<UnitId> = communes
            .iter()
            .copied()
            .filter(|c| units.district_of(*c).is_none())
            .take(2)
            .collect();
        let with = communes
            .iter()
            .copied()
            .find(|c| units.district_of(*c).is_some())
            .unwrap();
        assert_eq!(
            without.len(),
            2,
            "two communes of 2025 without one former district"
        );
        let combo = |commune, ethnicity| Combination {
            commune,
            village: 0,
            ethnicity,
            area: Area::Rural,
        };
        let counts = |households, poor, near_poor| Counts {
            households,
            poor,
            near_poor,
        };
        let tally = Tally {
            year: Some(Year::new(2025).unwrap()),
            standard: "vn-2022-2025".into(),
            combinations: vec![
                (combo(with, 1), counts(10, 1, 2)),
                (combo(without[0], 1), counts(5, 1, 0)),
                (combo(without[1], 5), counts(4, 2, 1)),
                // Met again in another part of a file.
                (combo(with, 1), counts(6, 0, 1)),
                (combo(without[0], 1), counts(1, 1, 1)),
            ],
            ..Tally::default()
        };
        let today = Date::parse("2026-01-01").unwrap();
        let by = |keys: &[Key]| {
            let report = report(&tally, keys, Boundaries::Recorded, today, "t");
            let mut direct = Vec::new();
            write_report_json(&tally, keys, Boundaries::Recorded, today, "t", &mut direct).unwrap();
            let mut json = Vec::new();
            report.write_json(&mut json).unwrap();
            assert_eq!(String::from_utf8(direct), String::from_utf8(json));
            report
                .rows
                .iter()
                .map(|r| {
                    let key: Vec<&str> = r.key.0.iter().map(|(_, v)| v.as_str()).collect();
                    (key.join("/"), r.rates.households, r.rates.poor)
                })
                .collect::<Vec<_>>()
        };
        let district = units.get(units.district_of(with).unwrap()).code;
        assert_eq!(
            by(&[Key::District]),
            [("".to_owned(), 10, 4), (district.to_owned(), 16, 1)]
        );
        assert_eq!(
            by(&[Key::District, Key::Ethnicity]),
            [
                ("/01".to_owned(), 6, 2),
                ("/05".to_owned(), 4, 2),
                (format!("{district}/01"), 16, 1)
            ]
        );
    }

    #[test]
    fn combinations_come_in_the_order_of_their_ranks_as_a_sort_puts_them() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |below: u32| (crate::tests::xorshift(&mut state) % u64::from(below)) as u32;
        for (width, n, highest) in [
            (1, 500, 40),
            (2, 3_000, 300),
            (3, 2_000, 5),
            (4, 100, 2),
            (2, 1, 1),
        ] {
            let ranks: Vec<u32> = (0..n * width).map(|_| next(highest)).collect();
            let of = |c: u32| &ranks[c as usize * width..(c as usize + 1) * width];
            let order = in_rank_order(&ranks, width, highest as usize);
            let mut sorted: Vec<u32> = (0..n as u32).collect();
            sorted.sort_by(|a, b| of(*a).cmp(of(*b)));
            let seen: Vec<&[u32]> = order.iter().map(|c| of(*c)).collect();
            let wanted: Vec<&[u32]> = sorted.iter().map(|c| of(*c)).collect();
            assert_eq!(seen, wanted, "width {width}");
            // Each combination once.
            let mut each = order.clone();
            each.sort_unstable();
            assert_eq!(each, (0..n as u32).collect::<Vec<_>>());
        }
        assert!(in_rank_order(&[], 0, 0).is_empty());
    }
}
