//! Administrative units identified by code **and** validity period, with their successions.
//!
//! From 1 July 2025 Vietnam has two tiers, province → commune (Law 72/2025/QH15); districts live on
//! only as a historical grouping. A code alone never identifies land across years: 23341 was Đăk Glei
//! town until 2025-06-30 and is the larger Đăk Pék commune after. The national lists are embedded
//! reference data derived by `scripts/derive_units.py` (the file names its source and version); the
//! place of each unit's fields in its list is found when bamho is built (`build.rs`).

use std::collections::hash_map::Entry;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::types::{Area, Date, Year};

const UNITS_CSV: &str = include_str!("../data/units/units.csv");
const SUCCESSIONS_CSV: &str = include_str!("../data/units/successions.csv");

/// The units of `units.csv`, a line each in its order, as `build.rs` read them when bamho was built.
static LINES: &[Line] = {
    use Level::{Commune as C, District as D, Province as P};
    &include!(concat!(env!("OUT_DIR"), "/units.rs"))
};

/// A unit's line of `units.csv` as read when bamho was built: where it begins, where its first five
/// commas lie from there (its code, name, kind and parent's code lie between them), its level,
/// and its days written as the numbers `yyyymmdd` (none as 0).
#[derive(Debug, Clone, Copy)]
struct Line {
    at: u32,
    commas: [u8; 5],
    level: Level,
    from: u32,
    to: u32,
}

impl Line {
    /// The unit of this line of `text`; none if the line does not lie there.
    fn unit(self, text: &'static str) -> Option<Unit> {
        let [a, b, c, d, e] = self
            .commas
            .map(|comma| self.at as usize + usize::from(comma));
        let field = |after: usize, before: usize| text.get(after + 1..before);
        let day = |n: u32| (n != 0).then(|| Date::from_number(n));
        Some(Unit {
            level: self.level,
            code: field(a, b)?,
            name: field(b, c)?,
            kind: field(c, d)?,
            parent_code: Some(field(d, e)?).filter(|parent| !parent.is_empty()),
            valid_from: day(self.from),
            valid_to: day(self.to),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    District,
    Commune,
}

/// Index of a unit in [`Units`]; dense, so analytics can use it as an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub level: Level,
    pub code: &'static str,
    pub name: &'static str,
    /// The kind in the official name: Tỉnh, Thành phố, Huyện, Quận, Xã, Phường, Thị trấn, Đặc khu…
    pub kind: &'static str,
    pub parent_code: Option<&'static str>,
    /// `None`: in force since before bamho's records begin.
    pub valid_from: Option<Date>,
    /// `None`: still in force.
    pub valid_to: Option<Date>,
}

impl Unit {
    pub fn in_force_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|from| from <= day) && self.valid_to.is_none_or(|to| day <= to)
    }

    /// Wards (phường) and towns (thị trấn) are urban; communes (xã) and special zones (đặc khu)
    /// rural. The special zones' status is not confirmed [U]: they are treated as rural.
    pub fn area(&self) -> Area {
        match self.kind {
            "Phường" | "Thị trấn" => Area::Urban,
            _ => Area::Rural,
        }
    }

    /// The official name with its kind, e.g. "Xã Đăk Pék".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }
}

#[derive(Debug, Clone)]
pub struct Succession {
    pub level: Level,
    pub from: UnitId,
    pub to: UnitId,
    pub effective: Date,
    pub legal_basis: String,
    /// For a unit divided between several successors: the one its records follow by default.
    pub is_default: bool,
}

/// The national lists: every unit with its validity, and the successions between them.
#[derive(Debug)]
pub struct Units {
    units: Vec<Unit>,
    /// Per level (province, district, commune): every unit that ever had a code, indexed when a
    /// unit of the level is first looked up by code (a report from a file looks up provinces and
    /// districts, never the thirteen thousand communes).
    by_code: [OnceLock<FxHashMap<&'static str, Ids>>; 3],
    /// The list of successions, read when first followed: most commands never follow one.
    successions_csv: &'static str,
    links: OnceLock<Links>,
}

/// The successions between units, and for each unit the successions it leaves by and comes by.
#[derive(Debug, Default)]
struct Links {
    successors: FxHashMap<UnitId, Vec<usize>>,
    predecessors: FxHashMap<UnitId, Vec<usize>>,
    successions: Vec<Succession>,
}

/// The embedded lists were not what bamho expects: which list, which line, why.
#[derive(Debug, thiserror::Error)]
#[error("{list}, line {line}: {why}")]
pub struct ListError {
    list: &'static str,
    line: usize,
    why: String,
}

/// The units that have had one code, oldest first: nearly always one or two (a commune of
/// before July 2025 and the one of after that kept its code), kept without an allocation.
#[derive(Debug, Clone)]
enum Ids {
    One(UnitId),
    Two([UnitId; 2]),
    Many(Vec<UnitId>),
}

impl Ids {
    fn as_slice(&self) -> &[UnitId] {
        match self {
            Ids::One(id) => std::slice::from_ref(id),
            Ids::Two(ids) => ids,
            Ids::Many(ids) => ids,
        }
    }

    fn push(&mut self, id: UnitId) {
        match self {
            Ids::One(first) => *self = Ids::Two([*first, id]),
            Ids::Two([first, second]) => *self = Ids::Many(vec![*first, *second, id]),
            Ids::Many(ids) => ids.push(id),
        }
    }
}

/// The data lines of an embedded list with their line numbers, each split at its commas into
/// exactly `N` fields; comment lines (`#`) and the header are skipped. The lists hold no quoted
/// fields, so a plain split reads them, many times faster than a general CSV reader; a quote or
/// a wrong count of fields is an error. A line's commas and its end are found in one pass.
fn records<'a, const N: usize>(
    list: &'static str,
    text: &'a str,
) -> impl Iterator<Item = Result<(usize, [&'a str; N]), ListError>> + 'a {
    let quoted = memchr::memchr(b'"', text.as_bytes()).is_some();
    let bytes = text.as_bytes();
    let (mut at, mut line, mut header) = (0, 0, true);
    std::iter::from_fn(move || {
        while at < bytes.len() {
            line += 1;
            let start = at;
            let mut row = [""; N];
            let (mut fields, mut from, mut end) = (0, start, bytes.len());
            for sep in separators(bytes, start) {
                if bytes[sep] == b'\n' {
                    end = sep;
                    break;
                }
                if let Some(field) = row.get_mut(fields) {
                    *field = &text[from..sep];
                }
                fields += 1;
                from = sep + 1;
            }
            at = end + 1;
            let whole = &text[start..end];
            let whole = whole.strip_suffix('\r').unwrap_or(whole);
            if whole.is_empty() || whole.starts_with('#') || std::mem::take(&mut header) {
                continue;
            }
            if fields != N - 1 || (quoted && whole.contains('"')) {
                return Some(Err(ListError {
                    list,
                    line,
                    why: format!("expected {N} fields without quotes"),
                }));
            }
            let last = &text[from..end];
            row[N - 1] = last.strip_suffix('\r').unwrap_or(last);
            return Some(Ok((line, row)));
        }
        None
    })
}

/// Where the commas and line breaks of `text` are from `from` on, found eight bytes at a time in
/// a machine word (a search set up for each field, or each short line, costs more than it).
fn separators(text: &[u8], from: usize) -> Separators<'_> {
    Separators {
        text,
        next: from,
        found: 0,
    }
}

/// The commas and line breaks of a text, as [`separators`] finds them.
struct Separators<'t> {
    text: &'t [u8],
    /// Where the next word begins.
    next: usize,
    /// The top bit of each byte of the last word read that is a comma or a line break not yet
    /// given.
    found: u64,
}

impl Iterator for Separators<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
        const COMMAS: u64 = 0x2C2C_2C2C_2C2C_2C2C;
        const BREAKS: u64 = 0x0A0A_0A0A_0A0A_0A0A;
        // The top bit of each zero byte of `x`, exactly (no carry between bytes).
        let zeros = |x: u64| !(((x & LOW) + LOW) | x | LOW);
        while self.found == 0 {
            let rest = self.text.get(self.next..).filter(|rest| !rest.is_empty())?;
            // Eight bytes read as one word; only the text's last few are copied into one (a copy
            // of a length not known here is a call, and a word read back from bytes just written
            // stalls). Bytes past the end are zeros, neither commas nor breaks.
            let word = match rest.first_chunk::<8>() {
                Some(eight) => *eight,
                None => {
                    let mut word = [0u8; 8];
                    word[..rest.len()].copy_from_slice(rest);
                    word
                }
            };
            let word = u64::from_le_bytes(word);
            self.found = zeros(word ^ COMMAS) | zeros(word ^ BREAKS);
            self.next += 8;
        }
        let at = self.next - 8 + self.found.trailing_zeros() as usize / 8;
        self.found &= self.found - 1;
        Some(at)
    }
}

fn level(list: &'static str, line: usize, raw: &str) -> Result<Level, ListError> {
    match raw {
        "province" => Ok(Level::Province),
        "district" => Ok(Level::District),
        "commune" => Ok(Level::Commune),
        other => Err(ListError {
            list,
            line,
            why: format!("unknown level {other:?}"),
        }),
    }
}

/// Where the embedded lists come from: the first line of the units file.
pub fn source() -> &'static str {
    UNITS_CSV
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("# ")
}

/// The day whose units a review year is recorded under: 1 September, the first day of the periodic
/// review (Decision 24/2021/QĐ-TTg). The review of 2025 is therefore under the units of 1 July 2025.
pub fn review_day(year: Year) -> Date {
    Date::new(year.get(), 9, 1).unwrap_or_else(|_| unreachable!("1 September exists every year"))
}

/// A day of a list, or none when the field is empty.
fn date(list: &'static str, line: usize, raw: &str) -> Result<Option<Date>, ListError> {
    if raw.is_empty() {
        return Ok(None);
    }
    Date::parse(raw).map(Some).map_err(|e| ListError {
        list,
        line,
        why: format!("{raw:?}: {e}"),
    })
}

impl Units {
    /// The national lists: the units as compiled in, made once with their index by code; the
    /// successions read when first followed.
    pub fn national() -> &'static Units {
        static UNITS: OnceLock<Units> = OnceLock::new();
        UNITS.get_or_init(|| {
            let mut units = Vec::with_capacity(LINES.len());
            for line in LINES {
                let unit = line.unit(UNITS_CSV);
                units.push(unit.unwrap_or_else(|| panic!("units.csv is not the list compiled in")));
            }
            Self::new(units, SUCCESSIONS_CSV)
        })
    }

    /// The units of `units_csv`, and the successions of `successions_csv`, which are read when
    /// first followed (a malformed list of successions then stops the program).
    pub fn from_csv(
        units_csv: &'static str,
        successions_csv: &'static str,
    ) -> Result<Self, ListError> {
        let lines = memchr::memchr_iter(b'\n', units_csv.as_bytes()).count() + 1;
        let mut units = Vec::with_capacity(lines);
        for row in records::<7>("units.csv", units_csv) {
            let (line, [lvl, code, name, kind, parent_code, valid_from, valid_to]) = row?;
            units.push(Unit {
                level: level("units.csv", line, lvl)?,
                code,
                name,
                kind,
                parent_code: (!parent_code.is_empty()).then_some(parent_code),
                valid_from: date("units.csv", line, valid_from)?,
                valid_to: date("units.csv", line, valid_to)?,
            });
        }
        Ok(Self::new(units, successions_csv))
    }

    fn new(units: Vec<Unit>, successions_csv: &'static str) -> Self {
        Self {
            units,
            by_code: Default::default(),
            successions_csv,
            links: OnceLock::new(),
        }
    }

    /// The units of `level` by their code, indexed on first use.
    fn by_code(&self, level: Level) -> &FxHashMap<&'static str, Ids> {
        self.by_code[level as usize].get_or_init(|| {
            let of_level = || self.iter().filter(|(_, unit)| unit.level == level);
            // Room for every unit of the level, so that the index never grows.
            let mut by_code = FxHashMap::default();
            by_code.reserve(of_level().count());
            for (id, unit) in of_level() {
                match by_code.entry(unit.code) {
                    Entry::Vacant(slot) => {
                        slot.insert(Ids::One(id));
                    }
                    Entry::Occupied(mut slot) => slot.get_mut().push(id),
                }
            }
            by_code
        })
    }

    fn links(&self) -> &Links {
        self.links.get_or_init(|| {
            self.read_links()
                .unwrap_or_else(|e| panic!("the list of successions is malformed: {e}"))
        })
    }

    /// Reads the successions between the units; one naming a unit not in force on its day is
    /// left out.
    fn read_links(&self) -> Result<Links, ListError> {
        let mut links = Links::default();
        for row in records::<6>("successions.csv", self.successions_csv) {
            let (line, [lvl, from_code, to_code, effective, legal_basis, default]) = row?;
            let level = level("successions.csv", line, lvl)?;
            let Some(effective) = date("successions.csv", line, effective)? else {
                continue;
            };
            let (Some(from), Some(to)) = (
                self.find(level, from_code, effective.pred()),
                self.find(level, to_code, effective),
            ) else {
                continue;
            };
            let index = links.successions.len();
            links.successors.entry(from).or_default().push(index);
            links.predecessors.entry(to).or_default().push(index);
            links.successions.push(Succession {
                level,
                from,
                to,
                effective,
                legal_basis: legal_basis.to_owned(),
                is_default: default == "1",
            });
        }
        Ok(links)
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    pub fn get(&self, id: UnitId) -> &Unit {
        &self.units[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (UnitId, &Unit)> {
        self.units
            .iter()
            .enumerate()
            .map(|(i, u)| (UnitId(i as u32), u))
    }

    pub fn successions(&self) -> &[Succession] {
        &self.links().successions
    }

    /// The unit with this code in force on `day`.
    pub fn find(&self, level: Level, code: &str, day: Date) -> Option<UnitId> {
        self.by_code(level)
            .get(code)?
            .as_slice()
            .iter()
            .copied()
            .find(|id| self.get(*id).in_force_on(day))
    }

    /// Every unit that ever had this code, oldest first.
    pub fn all_with_code(&self, level: Level, code: &str) -> &[UnitId] {
        self.by_code(level).get(code).map_or(&[], Ids::as_slice)
    }

    /// The parent unit (district or province) in force on the child's last day.
    pub fn parent(&self, id: UnitId) -> Option<UnitId> {
        let unit = self.get(id);
        let parent_code = unit.parent_code?;
        let day = unit.valid_to.or(unit.valid_from)?;
        let level = match (unit.level, unit.valid_to.is_some()) {
            (Level::Commune, true) => Level::District,
            _ => Level::Province,
        };
        self.find(level, parent_code, day)
            .or_else(|| self.find(Level::Province, parent_code, day))
    }

    /// The province a unit belongs to.
    pub fn province_of(&self, id: UnitId) -> Option<UnitId> {
        let mut current = id;
        while self.get(current).level != Level::Province {
            current = self.parent(current)?;
        }
        Some(current)
    }

    /// The (former) district of a commune: its own district before 1 July 2025; after, the district
    /// its predecessors shared, if they all lay in one.
    pub fn district_of(&self, commune: UnitId) -> Option<UnitId> {
        if let Some(parent) = self.parent(commune)
            && self.get(parent).level == Level::District
        {
            return Some(parent);
        }
        let mut found = None;
        let links = self.links();
        for &index in links.predecessors.get(&commune)? {
            let district = self.district_of(links.successions[index].from)?;
            if found.is_some_and(|d| d != district) {
                return None;
            }
            found = Some(district);
        }
        found
    }

    /// The unit in force on `day` that `id`'s land belongs to now, following the default
    /// successions (a unit in force on `day` is its own successor).
    pub fn successor_on(&self, id: UnitId, day: Date) -> Option<UnitId> {
        let mut current = id;
        for _ in 0..8 {
            if self.get(current).in_force_on(day) {
                return Some(current);
            }
            let links = self.links();
            let next = links.successors.get(&current)?;
            let chosen = next
                .iter()
                .find(|i| links.successions[**i].is_default)
                .or_else(|| next.first())?;
            current = links.successions[*chosen].to;
        }
        None
    }

    /// Units directly below `parent` (communes of a district or province, districts of a province).
    pub fn children(&self, parent: UnitId) -> Vec<UnitId> {
        self.iter()
            .filter(|(id, _)| self.parent(*id) == Some(parent))
            .map(|(id, _)| id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    #[should_panic(expected = "successions.csv, line 2: unknown level")]
    fn a_malformed_list_of_successions_stops_the_program_when_first_followed() {
        let units = "level,code,name,kind,parent_code,valid_from,valid_to\n";
        let successions = "level,from_code,to_code,effective,legal_basis,is_default\n\
                           region,1,2,2025-07-01,x,1\n";
        let units = Units::from_csv(units, successions).unwrap();
        let _ = units.successions();
    }

    #[test]
    fn commas_and_line_breaks_are_found_in_words_as_one_by_one() {
        for text in [
            "",
            ",",
            "\n",
            "commune,23341,Đăk Pék,Xã,62,2025-07-01,",
            "commune,23341,Đăk Pék,Xã,62,2025-07-01,\r\nprovince,31,Hải Phòng,,,\n",
            ",,,,,,,,,,,,,,,,,",
            "\n\n,\n,,\n\n\n\n\n\n,",
            "Hải Phòng,Thành phố,\u{2c00},\u{ac2c},x",
            "abcdefgh,ijklmnop,",
            // Whole words only, the last byte a comma.
            "abcdefg,abcdefg,",
        ] {
            for from in 0..=text.len() {
                let one_by_one: Vec<usize> = text
                    .bytes()
                    .enumerate()
                    .skip(from)
                    .filter(|(_, b)| matches!(b, b',' | b'\n'))
                    .map(|(at, _)| at)
                    .collect();
                assert_eq!(
                    separators(text.as_bytes(), from).collect::<Vec<_>>(),
                    one_by_one,
                    "{text:?} from {from}"
                );
            }
        }
    }

    #[test]
    fn every_unit_that_had_a_code_is_found_by_it_oldest_first() {
        let list = "level,code,name,kind,parent_code,valid_from,valid_to\n\
                    province,31,Hải Phòng,Thành phố,,,\n\
                    commune,00001,A,Xã,31,,2019-12-31\n\
                    commune,00002,B,Xã,31,,\n\
                    commune,00001,C,Phường,31,2020-01-01,2025-06-30\n\
                    commune,00001,D,Phường,31,2025-07-01,\n";
        let successions = "level,from_code,to_code,effective,legal_basis,is_default\n";
        let units = Units::from_csv(list, successions).unwrap();
        let names = |code| {
            let ids = units.all_with_code(Level::Commune, code);
            ids.iter().map(|id| units.get(*id).name).collect::<Vec<_>>()
        };
        assert_eq!(names("00001"), ["A", "C", "D"]);
        assert_eq!(names("00002"), ["B"]);
        assert!(names("00003").is_empty());
        let found = |on| {
            units
                .find(Level::Commune, "00001", day(on))
                .map(|id| units.get(id).name)
        };
        assert_eq!(found("2019-06-01"), Some("A"));
        assert_eq!(found("2024-06-01"), Some("C"));
        assert_eq!(found("2025-09-01"), Some("D"));
        assert_eq!(units.all_with_code(Level::Province, "31").len(), 1);
    }

    #[test]
    fn a_malformed_list_is_refused_with_its_line() {
        let header = "# source\nlevel,code,name,kind,parent_code,valid_from,valid_to\n";
        let successions = "level,from_code,to_code,effective,legal_basis,is_default\n";
        let good = "province,31,Hải Phòng,Thành phố,,,\n";
        let units = Units::from_csv(format!("{header}{good}").leak(), successions).unwrap();
        assert_eq!(units.len(), 1);
        for (bad, why) in [
            (
                "province,31,\"Hải, Phòng\",Thành phố,,,\n",
                "without quotes",
            ),
            ("province,31,Hải Phòng,Thành phố,,\n", "expected 7 fields"),
            ("province,31,Hải Phòng,Thành phố,,,,\n", "expected 7 fields"),
            ("region,31,Hải Phòng,Thành phố,,,\n", "unknown level"),
            (
                "province,31,Hải Phòng,Thành phố,,2025-02-30,\n",
                "\"2025-02-30\": no such day",
            ),
            (
                "province,31,Hải Phòng,Thành phố,,,next year\n",
                "YYYY-MM-DD",
            ),
        ] {
            let err = Units::from_csv(format!("{header}{good}{bad}").leak(), successions)
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("units.csv, line 4: "), "{err}");
            assert!(err.contains(why), "{err}");
        }
    }

    #[test]
    fn the_compiled_list_is_its_file_as_read_when_the_program_runs() {
        let read = Units::from_csv(UNITS_CSV, SUCCESSIONS_CSV).unwrap();
        let compiled = Units::national();
        assert_eq!(compiled.len(), read.len());
        assert!(compiled.len() > 14_000);
        for ((id, a), (_, b)) in compiled.iter().zip(read.iter()) {
            // Every day of the file is a real one (the reader refuses any other): so is every
            // day compiled, when equal.
            assert_eq!(a, b, "unit {id:?}");
        }
        for level in [Level::Province, Level::District, Level::Commune] {
            assert_eq!(compiled.by_code(level).len(), read.by_code(level).len());
            for (code, ids) in read.by_code(level) {
                assert_eq!(compiled.all_with_code(level, code), ids.as_slice());
            }
        }
    }

    #[test]
    fn the_national_lists_have_34_provinces_and_3321_communes_from_july_2025() {
        let units = Units::national();
        let today = day("2026-01-01");
        let count = |level| {
            units
                .iter()
                .filter(|(_, u)| u.level == level && u.in_force_on(today))
                .count()
        };
        assert_eq!(count(Level::Province), 34);
        assert_eq!(count(Level::Commune), 3321);
        assert_eq!(count(Level::District), 0);
        let before = day("2025-06-30");
        let old = units
            .iter()
            .filter(|(_, u)| u.level == Level::Commune && u.in_force_on(before));
        assert_eq!(old.count(), 10035);
    }

    #[test]
    fn a_code_names_different_land_before_and_after_the_reform() {
        let units = Units::national();
        let town = units
            .find(Level::Commune, "23341", day("2024-09-01"))
            .unwrap();
        let pek = units
            .find(Level::Commune, "23341", day("2025-09-01"))
            .unwrap();
        assert_eq!(units.get(town).full_name(), "Thị trấn Đăk Glei");
        assert_eq!(units.get(town).area(), Area::Urban);
        assert_eq!(units.get(pek).full_name(), "Xã Đăk Pék");
        assert_eq!(units.get(pek).area(), Area::Rural);
        let choong = units
            .find(Level::Commune, "23356", day("2024-09-01"))
            .unwrap();
        assert_eq!(units.get(choong).name, "Đăk Choong");
    }

    #[test]
    fn the_former_dak_glei_district_maps_to_six_communes_of_quang_ngai() {
        let units = Units::national();
        let today = day("2026-01-01");
        let expected = [
            ("23341", "23341"),
            ("23353", "23341"),
            ("23344", "23344"),
            ("23347", "23344"),
            ("23350", "23344"),
            ("23356", "23356"),
            ("23359", "23356"),
            ("23362", "23365"),
            ("23365", "23365"),
            ("23368", "23368"),
            ("23371", "23374"),
            ("23374", "23374"),
        ];
        for (old, new) in expected {
            let id = units.find(Level::Commune, old, day("2025-06-30")).unwrap();
            let district = units.district_of(id).unwrap();
            assert_eq!(units.get(district).code, "610");
            let now = units.successor_on(id, today).unwrap();
            assert_eq!(units.get(now).code, new, "{old}");
            let province = units.province_of(now).unwrap();
            assert_eq!(units.get(province).code, "51");
            assert_eq!(units.get(units.district_of(now).unwrap()).code, "610");
        }
        let old_province = units
            .province_of(
                units
                    .find(Level::Commune, "23362", day("2024-01-01"))
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(units.get(old_province).name, "Kon Tum");
    }
}
