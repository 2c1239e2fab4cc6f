//! households.csv read straight into a year's columns, in parallel: the file is split at line
//! boundaries, each part parsed by one thread into columns, the parts joined in file order.
//!
//! It accepts exactly what the validating reader (`bamho-io`) accepts and nothing else: any row it
//! cannot vouch for — quotes, spaces, an unknown commune, a bad number, a repeated household — makes
//! it give up ([`Unsupported`]), and the caller runs the validating reader, which names the file,
//! row, column, value and reason. Fast for the common case, never a second opinion on bad input.

use bamho_domain::classify::{Assessment, Deprivations, classify};
use bamho_domain::ethnic::EthnicGroups;
use bamho_domain::units::{Level, UnitId, Units, review_day};
use bamho_domain::{Area, Class, Standard, Vnd, Year};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::snapshot::{Snapshot, household_key};

/// The fast reader declines this input; use the validating reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported;

/// Where each needed column sits in a row.
#[derive(Debug, Clone)]
struct Columns {
    count: usize,
    year: usize,
    code: usize,
    province: usize,
    commune: usize,
    village: usize,
    area: Option<usize>,
    agricultural: usize,
    ethnicity: usize,
    members: usize,
    income: usize,
    b1: usize,
    /// d01, d02, … of the standard, then any further d-columns that must stay empty.
    indicators: Vec<usize>,
    extra: Vec<usize>,
}

impl Columns {
    fn from_header(header: &[u8], standard: &Standard) -> Result<Self, Unsupported> {
        let names: Vec<&[u8]> = header.split(|b| *b == b',').collect();
        if header.contains(&b'"') || header.contains(&b' ') {
            return Err(Unsupported);
        }
        let find = |name: &str| {
            names
                .iter()
                .position(|n| *n == name.as_bytes())
                .ok_or(Unsupported)
        };
        let indicators = standard
            .indicators
            .iter()
            .map(|i| find(&i.code))
            .collect::<Result<Vec<_>, _>>()?;
        let extra = (standard.indicators.len() + 1..=16)
            .filter_map(|i| {
                names
                    .iter()
                    .position(|n| *n == format!("d{i:02}").as_bytes())
            })
            .collect();
        Ok(Self {
            count: names.len(),
            year: find("year")?,
            code: find("household_code")?,
            province: find("province_code")?,
            commune: find("commune_code")?,
            village: find("village_code")?,
            area: find("area").ok(),
            agricultural: find("agricultural")?,
            ethnicity: find("head_ethnicity")?,
            members: find("members")?,
            income: find("income_per_capita")?,
            b1: find("b1_score")?,
            indicators,
            extra,
        })
    }
}

/// A commune in force at the review: its unit, its province's code and its area.
#[derive(Debug, Clone, Copy)]
struct Place {
    unit: UnitId,
    province: u32,
    area: Area,
}

/// Communes in force at the year's review, indexed by their five-digit code.
fn places(year: Year) -> Vec<Option<Place>> {
    let units = Units::national();
    let day = review_day(year);
    let mut out = vec![None; 100_000];
    for (id, unit) in units.iter() {
        if unit.level != Level::Commune || !unit.in_force_on(day) {
            continue;
        }
        let (Ok(code), Some(province)) = (unit.code.parse::<usize>(), units.province_of(id)) else {
            continue;
        };
        let Ok(province) = units.get(province).code.parse::<u32>() else {
            continue;
        };
        if code < out.len() {
            out[code] = Some(Place {
                unit: id,
                province,
                area: unit.area(),
            });
        }
    }
    out
}

fn number(field: &[u8]) -> Result<u64, Unsupported> {
    if field.is_empty() || field.len() > 18 || !field.iter().all(u8::is_ascii_digit) {
        return Err(Unsupported);
    }
    Ok(field.iter().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')))
}

fn flag(field: &[u8]) -> Result<bool, Unsupported> {
    match field {
        b"0" => Ok(false),
        b"1" => Ok(true),
        _ => Err(Unsupported),
    }
}

fn code_ok(field: &[u8]) -> bool {
    !field.is_empty()
        && field.len() <= 32
        && field
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// One part of the file, parsed.
#[derive(Debug, Default)]
struct Part<'a> {
    commune: Vec<UnitId>,
    village: Vec<u32>,
    villages: Vec<&'a [u8]>,
    ethnicity: Vec<u8>,
    area: Vec<Area>,
    class: Vec<Class>,
    deprived: Vec<u16>,
    codes: Vec<u64>,
}

struct Context<'c> {
    columns: &'c Columns,
    places: &'c [Option<Place>],
    standard: &'c Standard,
    year: &'c [u8],
}

fn parse_part<'a>(text: &'a [u8], cx: &Context<'_>) -> Result<Part<'a>, Unsupported> {
    let mut part = Part::default();
    let mut village_ids: FxHashMap<&'a [u8], u32> = FxHashMap::default();
    let mut fields: Vec<&'a [u8]> = Vec::with_capacity(cx.columns.count);
    let groups = EthnicGroups::national().all().len() as u64;
    let c = cx.columns;
    let mut start = 0;
    while start < text.len() {
        let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
        let raw = &text[start..end];
        start = end + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() {
            continue;
        }
        if c.year == 0 && !line.starts_with(cx.year) {
            // Another year: skipped, as the validating reader skips it — once its year reads.
            let first = memchr::memchr(b',', line).map_or(line, |i| &line[..i]);
            number(first)?;
            continue;
        }
        if memchr::memchr(b'"', line).is_some() {
            return Err(Unsupported);
        }
        fields.clear();
        let mut from = 0;
        for comma in memchr::memchr_iter(b',', line) {
            fields.push(&line[from..comma]);
            from = comma + 1;
        }
        fields.push(&line[from..]);
        if fields.len() != c.count {
            return Err(Unsupported);
        }
        let year = fields[c.year];
        if year != cx.year {
            number(year)?;
            continue;
        }
        let code = fields[c.code];
        let village = fields[c.village];
        if !code_ok(code) || !code_ok(village) {
            return Err(Unsupported);
        }
        let commune = usize::try_from(number(fields[c.commune])?).map_err(|_| Unsupported)?;
        if fields[c.commune].len() != 5 {
            return Err(Unsupported);
        }
        let place = cx
            .places
            .get(commune)
            .copied()
            .flatten()
            .ok_or(Unsupported)?;
        if fields[c.province].len() != 2 || number(fields[c.province])? != u64::from(place.province)
        {
            return Err(Unsupported);
        }
        if let Some(a) = c.area {
            match fields[a] {
                b"" => {}
                b"rural" if place.area == Area::Rural => {}
                b"urban" if place.area == Area::Urban => {}
                _ => return Err(Unsupported),
            }
        }
        let agricultural = flag(fields[c.agricultural])?;
        let ethnicity = number(fields[c.ethnicity])?;
        if !(1..=groups).contains(&ethnicity) || fields[c.ethnicity].len() > 2 {
            return Err(Unsupported);
        }
        let members = number(fields[c.members])?;
        if !(1..=99).contains(&members) {
            return Err(Unsupported);
        }
        let income = match fields[c.income] {
            b"" => None,
            f if f.contains(&b'.') => Some(
                std::str::from_utf8(f)
                    .ok()
                    .and_then(|t| Vnd::parse(t).ok())
                    .ok_or(Unsupported)?,
            ),
            f => Some(Vnd::new(number(f)?)),
        };
        let b1 = match fields[c.b1] {
            b"" => None,
            f => Some(
                u16::try_from(number(f)?)
                    .ok()
                    .filter(|v| *v <= 999)
                    .ok_or(Unsupported)?,
            ),
        };
        let mut mask = 0u16;
        for (i, col) in c.indicators.iter().enumerate() {
            if flag(fields[*col])? {
                mask |= 1 << i;
            }
        }
        if c.extra.iter().any(|col| !fields[*col].is_empty()) {
            return Err(Unsupported);
        }
        let assessment = Assessment {
            area: place.area,
            agricultural,
            income_per_capita: income,
            b1_score: b1,
            deprived: Deprivations::from_mask(mask),
        };
        let classification = classify(cx.standard, &assessment).map_err(|_| Unsupported)?;
        let next = village_ids.len() as u32;
        let v = *village_ids.entry(village).or_insert_with(|| {
            part.villages.push(village);
            next
        });
        part.commune.push(place.unit);
        part.village.push(v);
        part.ethnicity.push(ethnicity as u8);
        part.area.push(place.area);
        part.class.push(classification.class);
        part.deprived.push(mask);
        part.codes.push(household_key(code));
    }
    Ok(part)
}

/// Splits `body` into about `n` pieces, each ending at a line break.
fn split_lines(body: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(n);
    let target = body.len() / n.max(1) + 1;
    let mut start = 0;
    while start < body.len() {
        let mut end = (start + target).min(body.len());
        if let Some(nl) = body[end..].iter().position(|b| *b == b'\n') {
            end += nl + 1;
        } else {
            end = body.len();
        }
        parts.push(&body[start..end]);
        start = end;
    }
    parts
}

/// The columns of `year` from a households.csv, or [`Unsupported`] when the validating reader must
/// look at the file.
pub fn read_year(bytes: &[u8], year: Year, standard: &Standard) -> Result<Snapshot, Unsupported> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let header_end = bytes.iter().position(|b| *b == b'\n').ok_or(Unsupported)?;
    let header = bytes[..header_end]
        .strip_suffix(b"\r")
        .unwrap_or(&bytes[..header_end]);
    let columns = Columns::from_header(header, standard)?;
    let places = places(year);
    let year_text = year.get().to_string();
    let cx = Context {
        columns: &columns,
        places: &places,
        standard,
        year: year_text.as_bytes(),
    };
    let body = &bytes[header_end + 1..];
    let pieces = split_lines(body, rayon::current_num_threads() * 8);
    let parts = pieces
        .par_iter()
        .map(|p| parse_part(p, &cx))
        .collect::<Result<Vec<_>, _>>()?;
    let mut codes: Vec<u64> = parts.iter().flat_map(|p| p.codes.iter().copied()).collect();
    let households = codes.clone();
    codes.par_sort_unstable();
    if codes.windows(2).any(|w| w[0] == w[1]) {
        return Err(Unsupported); // a repeated household (or a hash collision): let the reader judge
    }
    let mut snapshot = Snapshot::new(year, &standard.id);
    let rows: usize = parts.iter().map(|p| p.class.len()).sum();
    snapshot.reserve(rows);
    for part in parts {
        let global: Vec<u32> = part
            .villages
            .iter()
            .map(|v| snapshot.village_id(std::str::from_utf8(v).unwrap_or_default(), None))
            .collect();
        snapshot.commune.extend(part.commune);
        snapshot
            .village
            .extend(part.village.iter().map(|v| global[*v as usize]));
        snapshot.ethnicity.extend(part.ethnicity);
        snapshot.area.extend(part.area);
        snapshot.class.extend(part.class);
        snapshot.deprived.extend(part.deprived);
    }
    snapshot.household = households;
    Ok(snapshot)
}

#[cfg(test)]
mod tests;
