//! households.csv read straight into a year's columns, in parallel: the file is cut into stretches
//! of a megabyte; each thread reads a stretch at its own offset (the file is read once, and never
//! whole into memory), parses the lines that begin in it into columns, and takes the next; the
//! parts are joined in file order.
//!
//! It accepts exactly what the validating reader (`bamho-io`) accepts and nothing else: any row it
//! cannot vouch for — quotes, spaces, an unknown commune, a bad number, a repeated household — makes
//! it give up ([`Unsupported`]), and the caller runs the validating reader, which names the file,
//! row, column, value and reason. Fast for the common case, never a second opinion on bad input.

use bamho_domain::classify::{Assessment, Deprivations, classify};
use bamho_domain::ethnic::EthnicGroups;
use bamho_domain::units::{Level, UnitId, Units, review_day};
use bamho_domain::{Area, Standard, Vnd, Year};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::snapshot::{Snapshot, household_key};

/// The fast reader declines this input; use the validating reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported;

/// What a column of households.csv holds, as this reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Year,
    Code,
    Province,
    Commune,
    Village,
    Area,
    Agricultural,
    Ethnicity,
    Members,
    Income,
    B1,
    /// The standard's indicator with this bit.
    Indicator(u8),
    /// A run of `count` indicators side by side from `bit` on: read as one block of "0,1,0…".
    Flags {
        bit: u8,
        count: u8,
    },
    /// A deprivation column the standard lacks: it must stay empty.
    Empty,
    /// Any other column: read past.
    Other,
}

/// The role of each column, in order.
#[derive(Debug, Clone)]
struct Columns {
    roles: Vec<Role>,
}

impl Columns {
    fn from_header(header: &[u8], standard: &Standard) -> Result<Self, Unsupported> {
        if header.contains(&b'"') || header.contains(&b' ') {
            return Err(Unsupported);
        }
        let names: Vec<&[u8]> = header.split(|b| *b == b',').collect();
        if names.len() > MAX_COLUMNS {
            return Err(Unsupported);
        }
        let role = |name: &[u8]| {
            let fixed = [
                ("year", Role::Year),
                ("household_code", Role::Code),
                ("province_code", Role::Province),
                ("commune_code", Role::Commune),
                ("village_code", Role::Village),
                ("area", Role::Area),
                ("agricultural", Role::Agricultural),
                ("head_ethnicity", Role::Ethnicity),
                ("members", Role::Members),
                ("income_per_capita", Role::Income),
                ("b1_score", Role::B1),
            ];
            if let Some((_, role)) = fixed.iter().find(|(n, _)| n.as_bytes() == name) {
                return *role;
            }
            if let Some(bit) = standard
                .indicators
                .iter()
                .position(|i| i.code.as_bytes() == name)
            {
                return Role::Indicator(bit as u8);
            }
            let deprivation = name.len() == 3
                && name[0] == b'd'
                && name[1..].iter().all(u8::is_ascii_digit)
                && (1..=16).contains(&((name[1] - b'0') * 10 + (name[2] - b'0')));
            if deprivation {
                Role::Empty
            } else {
                Role::Other
            }
        };
        let roles: Vec<Role> = names.iter().map(|n| role(n)).collect();
        let needed = [
            Role::Year,
            Role::Code,
            Role::Province,
            Role::Commune,
            Role::Village,
            Role::Agricultural,
            Role::Ethnicity,
            Role::Members,
            Role::Income,
            Role::B1,
        ];
        let indicators = (0..standard.indicators.len()).map(|i| Role::Indicator(i as u8));
        for wanted in needed.into_iter().chain(indicators) {
            if roles.iter().filter(|r| **r == wanted).count() != 1 {
                return Err(Unsupported);
            }
        }
        if roles.iter().filter(|r| **r == Role::Area).count() > 1 {
            return Err(Unsupported);
        }
        // Indicators side by side, in order, are read as one block.
        let mut merged: Vec<Role> = Vec::with_capacity(roles.len());
        for role in roles {
            match (merged.last_mut(), role) {
                (Some(Role::Flags { bit, count }), Role::Indicator(next))
                    if *bit + *count == next =>
                {
                    *count += 1;
                }
                (_, Role::Indicator(bit)) => merged.push(Role::Flags { bit, count: 1 }),
                (_, role) => merged.push(role),
            }
        }
        Ok(Self { roles: merged })
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

/// One part of the file, parsed.
#[derive(Debug, Default)]
struct Part {
    /// The part's households in the snapshot's columns; their `village` indexes `villages`.
    rows: Snapshot,
    /// The part's villages, in order of first sight.
    villages: Vec<Vec<u8>>,
    /// The first and last household codes, when every code is greater than the one before it
    /// (files are mostly in code order: then no household can repeat, and no search is needed).
    ascending: Option<(Vec<u8>, Vec<u8>)>,
}

struct Context<'c> {
    columns: &'c Columns,
    places: &'c [Option<Place>],
    standard: &'c Standard,
    year: &'c [u8],
}

/// A code of up to 16 bytes as one number: its bytes, zeros after (codes hold no zero byte).
fn pack(code: &[u8]) -> Option<u128> {
    let mut word = [0u8; 16];
    word.get_mut(..code.len())?.copy_from_slice(code);
    Some(u128::from_le_bytes(word))
}

/// A village code's key in a part's map: its bytes folded eight at a time (the map checks a hit
/// against the code).
fn village_key(code: &[u8]) -> u64 {
    code.chunks(8).fold(0, |h: u64, chunk| {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95)
    })
}

/// The most columns a row may have for this reader; wider files go to the validating reader.
const MAX_COLUMNS: usize = 48;

/// The field at `*at` up to the next comma or line break, which `*at` is left on; a quote makes
/// the row one for the validating reader.
fn take<'a>(text: &'a [u8], at: &mut usize) -> Result<&'a [u8], Unsupported> {
    let start = *at;
    let mut i = start;
    while let Some(&b) = text.get(i) {
        match b {
            b',' | b'\n' => break,
            b'"' => return Err(Unsupported),
            _ => i += 1,
        }
    }
    *at = i;
    let field = &text[start..i];
    Ok(field.strip_suffix(b"\r").unwrap_or(field))
}

/// The code at `*at`: 1 to 32 letters, digits and hyphens, `*at` left after it.
fn take_code<'a>(text: &'a [u8], at: &mut usize) -> Result<&'a [u8], Unsupported> {
    const CODE: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = (b as u8).is_ascii_alphanumeric() || b as u8 == b'-';
            b += 1;
        }
        table
    };
    let start = *at;
    while text.get(*at).is_some_and(|b| CODE[usize::from(*b)]) {
        *at += 1;
    }
    let code = &text[start..*at];
    if code.is_empty() || code.len() > 32 {
        return Err(Unsupported);
    }
    Ok(code)
}

/// The decimal number at `*at` (1 to 18 digits), `*at` left after its last digit.
fn take_number(text: &[u8], at: &mut usize) -> Result<(u64, usize), Unsupported> {
    let start = *at;
    let mut n = 0u64;
    while let Some(d) = text
        .get(*at)
        .map(|b| b.wrapping_sub(b'0'))
        .filter(|d| *d <= 9)
    {
        n = n * 10 + u64::from(d);
        *at += 1;
    }
    let digits = *at - start;
    if digits == 0 || digits > 18 {
        return Err(Unsupported);
    }
    Ok((n, digits))
}

/// `count` flags at `*at`, "0,1,0…" (each a 0 or 1, a comma between them), as bits from the
/// lowest; `*at` is left after the last.
#[inline]
fn read_flags(text: &[u8], at: &mut usize, count: usize) -> Result<u16, Unsupported> {
    let width = 2 * count - 1;
    let block = text.get(*at..*at + width).ok_or(Unsupported)?;
    let (mut mask, mut wrong) = (0u16, 0u8);
    for (k, pair) in block.chunks(2).enumerate() {
        let digit = pair[0] ^ b'0';
        wrong |= digit & !1;
        if let Some(comma) = pair.get(1) {
            wrong |= comma ^ b',';
        }
        mask |= u16::from(digit & 1) << k;
    }
    if wrong != 0 {
        return Err(Unsupported);
    }
    *at += width;
    Ok(mask)
}

/// One row's values, as read.
#[derive(Debug, Default)]
struct Fields<'a> {
    code: &'a [u8],
    village: &'a [u8],
    province: (u64, usize),
    commune: (u64, usize),
    area: Option<&'a [u8]>,
    agricultural: bool,
    ethnicity: (u64, usize),
    members: u64,
    income: Option<Vnd>,
    b1: Option<u16>,
    mask: u16,
}

/// Reads one row from `*at` (a line of the year or not): `Ok(None)` for a row of another year,
/// which is skipped, as the validating reader skips it, once its year reads. `*at` is left on
/// the next line.
fn read_row<'a>(
    text: &'a [u8],
    at: &mut usize,
    cx: &Context<'_>,
) -> Result<Option<Fields<'a>>, Unsupported> {
    let mut row = Fields::default();
    let last = cx.columns.roles.len() - 1;
    for (i, role) in cx.columns.roles.iter().enumerate() {
        match role {
            Role::Flags { bit, count } => {
                row.mask |= read_flags(text, at, usize::from(*count))? << bit;
            }
            Role::Indicator(_) => return Err(Unsupported), // merged into Flags by from_header
            Role::Year => {
                let start = *at;
                if text.get(start..start + 4).is_some_and(|y| same(y, cx.year))
                    && matches!(text.get(start + 4), Some(b',' | b'\r' | b'\n') | None)
                {
                    *at += 4;
                } else if take_number(text, at)?.1 != 4 {
                    return Err(Unsupported);
                }
                if !same(&text[start..*at], cx.year) {
                    *at = memchr::memchr(b'\n', &text[*at..]).map_or(text.len(), |n| *at + n + 1);
                    return Ok(None);
                }
            }
            Role::Code => row.code = take_code(text, at)?,
            Role::Village => row.village = take_code(text, at)?,
            Role::Province => row.province = take_number(text, at)?,
            Role::Commune => row.commune = take_number(text, at)?,
            Role::Area => row.area = Some(take(text, at)?),
            Role::Agricultural => {
                row.agricultural = match text.get(*at) {
                    Some(b'0') => false,
                    Some(b'1') => true,
                    _ => return Err(Unsupported),
                };
                *at += 1;
            }
            Role::Ethnicity => row.ethnicity = take_number(text, at)?,
            Role::Members => row.members = take_number(text, at)?.0,
            Role::Income => {
                let start = *at;
                row.income = match text.get(*at) {
                    Some(b',' | b'\n' | b'\r') | None => None,
                    _ => {
                        let (n, _) = take_number(text, at)?;
                        if text.get(*at) == Some(&b'.') {
                            *at = start;
                            let field =
                                std::str::from_utf8(take(text, at)?).map_err(|_| Unsupported)?;
                            Some(Vnd::parse(field).map_err(|_| Unsupported)?)
                        } else {
                            Some(Vnd::new(n))
                        }
                    }
                };
            }
            Role::B1 => {
                row.b1 = match text.get(*at) {
                    Some(b',' | b'\n' | b'\r') | None => None,
                    _ => Some(
                        u16::try_from(take_number(text, at)?.0)
                            .ok()
                            .filter(|v| *v <= 999)
                            .ok_or(Unsupported)?,
                    ),
                };
            }
            Role::Empty => {
                if !take(text, at)?.is_empty() {
                    return Err(Unsupported);
                }
            }
            Role::Other => {
                take(text, at)?;
            }
        }
        if i < last {
            if text.get(*at) != Some(&b',') {
                return Err(Unsupported);
            }
            *at += 1;
        } else {
            match text.get(*at) {
                None => {}
                Some(b'\n') => *at += 1,
                Some(b'\r') if text.get(*at + 1) == Some(&b'\n') => *at += 2,
                _ => return Err(Unsupported),
            }
        }
    }
    Ok(Some(row))
}

/// Byte strings compared in line: most fields here are a few bytes long.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

fn parse_part(text: &[u8], cx: &Context<'_>) -> Result<Part, Unsupported> {
    let mut part = Part::default();
    // Room for the rows the part holds, judged by its first line.
    let line = memchr::memchr(b'\n', text).map_or(text.len(), |n| n + 1);
    part.rows
        .reserve(text.len() / line.max(1) + text.len() / line.max(1) / 4);
    // Villages by their code: codes of up to 16 bytes are packed into a number (exact), longer
    // ones by hash, a hit checked against the code itself. The last few villages seen are tried
    // first: households of a commune come together, and a commune has few villages.
    let mut by_packed: FxHashMap<u128, u32> = FxHashMap::default();
    let mut by_hash: FxHashMap<u64, u32> = FxHashMap::default();
    let mut recent = [(u128::MAX, 0u32); 4];
    let groups = EthnicGroups::national().all().len() as u64;
    let (mut ascending, mut first, mut previous): (bool, &[u8], &[u8]) = (true, &[], &[]);
    let mut at = 0;
    while at < text.len() {
        match text[at..] {
            [b'\n', ..] => {
                at += 1;
                continue;
            }
            [b'\r', b'\n', ..] => {
                at += 2;
                continue;
            }
            _ => {}
        }
        let Some(row) = read_row(text, &mut at, cx)? else {
            continue;
        };
        let place = match row.commune {
            (commune, 5) => cx.places.get(commune as usize).copied().flatten(),
            _ => None,
        }
        .ok_or(Unsupported)?;
        if row.province != (u64::from(place.province), 2) {
            return Err(Unsupported);
        }
        match row.area {
            None | Some(b"") => {}
            Some(b"rural") if place.area == Area::Rural => {}
            Some(b"urban") if place.area == Area::Urban => {}
            _ => return Err(Unsupported),
        }
        let (ethnicity, digits) = row.ethnicity;
        if !(1..=groups).contains(&ethnicity) || digits > 2 {
            return Err(Unsupported);
        }
        if !(1..=99).contains(&row.members) {
            return Err(Unsupported);
        }
        let assessment = Assessment {
            area: place.area,
            agricultural: row.agricultural,
            income_per_capita: row.income,
            b1_score: row.b1,
            deprived: Deprivations::from_mask(row.mask),
        };
        let classification = classify(cx.standard, &assessment).map_err(|_| Unsupported)?;
        let village = row.village;
        let next = part.villages.len() as u32;
        let v = if let Some(packed) = pack(village) {
            match recent.iter().find(|(p, _)| *p == packed) {
                Some((_, v)) => *v,
                None => {
                    let v = *by_packed.entry(packed).or_insert_with(|| {
                        part.villages.push(village.to_vec());
                        next
                    });
                    recent.rotate_right(1);
                    recent[0] = (packed, v);
                    v
                }
            }
        } else {
            let v = *by_hash.entry(village_key(village)).or_insert_with(|| {
                part.villages.push(village.to_vec());
                next
            });
            if !same(&part.villages[v as usize], village) {
                return Err(Unsupported); // two codes, one hash: let the reader judge
            }
            v
        };
        part.rows.commune.push(place.unit);
        part.rows.village.push(v);
        part.rows.ethnicity.push(ethnicity as u8);
        part.rows.area.push(place.area);
        part.rows.class.push(classification.class);
        part.rows.deprived.push(row.mask);
        part.rows.household.push(household_key(row.code));
        if first.is_empty() {
            first = row.code;
        } else {
            ascending &= row.code > previous;
        }
        previous = row.code;
    }
    if ascending && !first.is_empty() {
        part.ascending = Some((first.to_vec(), previous.to_vec()));
    }
    Ok(part)
}

/// How much of the file one thread parses at a time: small enough to stay in a core's cache
/// between reading and parsing, and for the threads to finish together.
const CHUNK: usize = 1 << 20;

/// Where the bytes come from: a file, which each thread reads at its own offsets, or bytes
/// already in memory, parsed where they lie.
#[derive(Clone, Copy)]
enum Source<'a> {
    File(&'a std::fs::File, u64),
    Bytes(&'a [u8]),
}

impl Source<'_> {
    fn len(&self) -> u64 {
        match self {
            Source::File(_, len) => *len,
            Source::Bytes(bytes) => bytes.len() as u64,
        }
    }

    /// The bytes from `start` to `end` (or the end of the source): read into `buf` from a file.
    fn get<'b>(
        &'b self,
        start: u64,
        end: u64,
        buf: &'b mut Vec<u8>,
    ) -> Result<&'b [u8], Unsupported> {
        let end = end.min(self.len());
        let start = start.min(end);
        match self {
            Source::Bytes(bytes) => Ok(&bytes[start as usize..end as usize]),
            Source::File(file, _) => {
                buf.resize((end - start) as usize, 0);
                read_exact_at(file, buf, start).map_err(|_| Unsupported)?;
                Ok(buf)
            }
        }
    }
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

/// The columns of `year` from a households.csv held in memory, or [`Unsupported`] when the
/// validating reader must look at it.
pub fn read_year(bytes: &[u8], year: Year, standard: &Standard) -> Result<Snapshot, Unsupported> {
    read_chunked(Source::Bytes(bytes), year, standard, CHUNK)
}

/// The columns of `year` from a households.csv file, read once: each thread reads a stretch of
/// the file at its own offset and parses the lines that begin in it, so the file never sits whole
/// in memory. [`Unsupported`] when the validating reader must look at the file (or it cannot be
/// read: that reader then says why).
pub fn read_year_file(
    file: &std::fs::File,
    year: Year,
    standard: &Standard,
) -> Result<Snapshot, Unsupported> {
    let len = file.metadata().map_err(|_| Unsupported)?.len();
    read_chunked(Source::File(file, len), year, standard, CHUNK)
}

/// Reads the source in stretches of `chunk` bytes after the header: stretch k holds the lines that
/// begin in it, wherever they end.
fn read_chunked(
    source: Source<'_>,
    year: Year,
    standard: &Standard,
    chunk: usize,
) -> Result<Snapshot, Unsupported> {
    // The header line, however long.
    let mut buf = Vec::new();
    let mut want = 64 * 1024;
    let (header, body) = loop {
        let head = source.get(0, want, &mut buf)?;
        if let Some(end) = memchr::memchr(b'\n', head) {
            break (head[..end].to_vec(), end as u64 + 1);
        }
        if want >= source.len() {
            return Err(Unsupported);
        }
        want *= 4;
    };
    let header = header.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&header);
    let columns = Columns::from_header(header.strip_suffix(b"\r").unwrap_or(header), standard)?;
    let places = places(year);
    let year_text = year.get().to_string();
    let cx = Context {
        columns: &columns,
        places: &places,
        standard,
        year: year_text.as_bytes(),
    };
    let chunk = chunk.max(1) as u64;
    let stretches = (source.len() - body).div_ceil(chunk) as usize;
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut parts = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(stretches.max(1)))
            .map(|_| {
                let (next, failed, cx) = (&next, &failed, &cx);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    let mut buf = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        if k >= stretches || failed.load(Ordering::Relaxed) {
                            break;
                        }
                        let start = body + k as u64 * chunk;
                        let part = stretch(source, start, start + chunk, k == 0, &mut buf)
                            .and_then(|lines| parse_part(lines, cx));
                        if part.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        done.push((k, part));
                    }
                    done
                })
            })
            .collect();
        let mut parts = Vec::with_capacity(stretches);
        for worker in workers {
            parts.extend(worker.join().map_err(|_| Unsupported)?);
        }
        Ok(parts)
    })?;
    if failed.load(Ordering::Relaxed) {
        return Err(Unsupported);
    }
    parts.sort_unstable_by_key(|(index, _)| *index);
    let parts = parts
        .into_iter()
        .map(|(_, part)| part)
        .collect::<Result<Vec<_>, _>>()?;
    assemble(year, standard, parts)
}

/// The lines that begin between `start` and `end` (the first of the body begins at `start`),
/// whole: read with some room past `end`, and more when a line runs on beyond it.
fn stretch<'b>(
    source: Source<'b>,
    start: u64,
    end: u64,
    first: bool,
    buf: &'b mut Vec<u8>,
) -> Result<&'b [u8], Unsupported> {
    // From the byte before `start`: a line break there means a line begins at `start`.
    let from = if first { start } else { start - 1 };
    // The last byte a line beginning in the stretch can follow, counted from `from`.
    let last = (end - 1 - from) as usize;
    let mut room = (end - start) / 8 + 256;
    let (begin, finish) = loop {
        let until = end.saturating_add(room);
        let bytes = source.get(from, until, buf)?;
        let begin = if first {
            0
        } else {
            match memchr::memchr(b'\n', &bytes[..bytes.len().min(last)]) {
                Some(i) => i + 1,
                None => return Ok(&[]), // one line runs through the whole stretch
            }
        };
        match bytes.get(last..).map(|rest| memchr::memchr(b'\n', rest)) {
            None => break (begin, bytes.len()), // the source ends within the stretch
            Some(Some(i)) => break (begin, last + i + 1),
            Some(None) if until >= source.len() => break (begin, bytes.len()),
            Some(None) => room *= 4,
        }
    };
    Ok(match source {
        Source::Bytes(bytes) => &bytes[from as usize + begin..from as usize + finish],
        Source::File(..) => &buf[begin..finish],
    })
}

/// Joins the parts in file order, refusing a repeated household (looked for meanwhile, unless
/// the codes ascend through the whole file).
fn assemble(year: Year, standard: &Standard, parts: Vec<Part>) -> Result<Snapshot, Unsupported> {
    let (repeats, snapshot) = rayon::join(
        || !ascending(&parts) && has_repeats(&parts),
        || {
            let mut snapshot = Snapshot::new(year, &standard.id);
            // Each part's villages by their index in the snapshot.
            let global: Vec<Vec<u32>> = parts
                .iter()
                .map(|part| {
                    part.villages
                        .iter()
                        .map(|v| {
                            snapshot.village_id(std::str::from_utf8(v).unwrap_or_default(), None)
                        })
                        .collect()
                })
                .collect();
            let Snapshot {
                commune,
                village,
                ethnicity,
                area,
                class,
                deprived,
                household,
                ..
            } = &mut snapshot;
            rayon::join(
                || {
                    concat(commune, &parts, |p| &p.rows.commune);
                    concat(ethnicity, &parts, |p| &p.rows.ethnicity);
                    concat(area, &parts, |p| &p.rows.area);
                    concat(class, &parts, |p| &p.rows.class);
                    concat(deprived, &parts, |p| &p.rows.deprived);
                },
                || {
                    concat(household, &parts, |p| &p.rows.household);
                    village.reserve(parts.iter().map(|p| p.rows.village.len()).sum());
                    for (part, global) in parts.iter().zip(&global) {
                        village.extend(part.rows.village.iter().map(|v| global[*v as usize]));
                    }
                },
            );
            snapshot
        },
    );
    if repeats {
        return Err(Unsupported); // a repeated household (or a hash collision): let the reader judge
    }
    Ok(snapshot)
}

/// One column of every part, in order.
fn concat<T: Copy>(column: &mut Vec<T>, parts: &[Part], of: impl Fn(&Part) -> &Vec<T>) {
    column.reserve(parts.iter().map(|p| of(p).len()).sum());
    for part in parts {
        column.extend_from_slice(of(part));
    }
}

/// Whether the household codes ascend through every part and from each part to the next: then no
/// household appears twice.
fn ascending(parts: &[Part]) -> bool {
    let mut last: Option<&[u8]> = None;
    for part in parts.iter().filter(|p| !p.rows.household.is_empty()) {
        let Some((first, end)) = &part.ascending else {
            return false;
        };
        if last.is_some_and(|last| first.as_slice() <= last) {
            return false;
        }
        last = Some(end);
    }
    true
}

/// Whether any household key appears twice. The keys are hashes, spread evenly: they are dealt
/// into buckets by their top bits, and the buckets, small enough to sort in cache, are sorted in
/// parallel.
fn has_repeats(parts: &[Part]) -> bool {
    const BITS: u32 = 12;
    let bucket = |key: u64| (key >> (64 - BITS)) as usize;
    let mut sizes = vec![0usize; 1 << BITS];
    for key in parts.iter().flat_map(|p| &p.rows.household) {
        sizes[bucket(*key)] += 1;
    }
    let mut next: Vec<usize> = sizes
        .iter()
        .scan(0, |start, size| {
            let here = *start;
            *start += size;
            Some(here)
        })
        .collect();
    let mut dealt = vec![0u64; sizes.iter().sum()];
    for key in parts.iter().flat_map(|p| &p.rows.household) {
        let slot = &mut next[bucket(*key)];
        dealt[*slot] = *key;
        *slot += 1;
    }
    let mut buckets = Vec::with_capacity(sizes.len());
    let mut rest = dealt.as_mut_slice();
    for size in sizes {
        let (bucket, tail) = rest.split_at_mut(size);
        buckets.push(bucket);
        rest = tail;
    }
    buckets.into_par_iter().any(|bucket| {
        bucket.sort_unstable();
        bucket.windows(2).any(|w| w[0] == w[1])
    })
}

#[cfg(test)]
mod tests;
