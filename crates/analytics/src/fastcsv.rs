//! households.csv read straight into a year's columns, in parallel: the file is cut into stretches
//! of 256 KiB; each thread reads a stretch at its own offset (the file is read once, and never
//! whole into memory), parses the lines that begin in it into columns, joins them to the year's
//! columns when the parts before have been joined (file order), and takes the next stretch. For a
//! rates report the columns need not be kept: each thread counts its stretch's households instead
//! ([`tally_year_file`]), and only the counts are joined, with the household keys once the codes
//! are seen not to ascend (in code order no household can repeat).
//!
//! A stretch is read a piece of 64 KiB at a time, small enough to stay in a core's cache: first
//! its separators are found, sixteen bytes at a time, and each line's fields laid out; then each
//! column is read down the piece's lines (a loop of one kind of field, with no choice per field),
//! and last each household is classified.
//!
//! It accepts exactly what the validating reader (`bamho-io`) accepts and nothing else: any row it
//! cannot vouch for — quotes, spaces, an unknown commune, a bad number, a repeated household — makes
//! it give up ([`Unsupported`]), and the caller runs the validating reader, which names the file,
//! row, column, value and reason. Fast for the common case, never a second opinion on bad input.

use bamho_domain::classify::{Assessment, Deprivations, classify};
use bamho_domain::ethnic::EthnicGroups;
use bamho_domain::units::{Level, UnitId, Units, review_day};
use bamho_domain::{Area, Class, Standard, Vnd, Year};
use std::collections::hash_map::Entry;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::rates::{Combination, Counter, Counts, Tally};
use crate::snapshot::{Codes, Snapshot, household_key, household_key_packed};

mod fields;

use fields::{
    code_at, digits_in_word, is_code_at, next_offsets, number, offsets, read_flags, same,
    separators, set_bits, small, stray_returns_or_quotes,
};

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

/// The role of each column, in order (a run of indicators side by side as one block), with the
/// column it begins at; and how many columns a row has.
#[derive(Debug, Clone)]
struct Columns {
    roles: Vec<(Role, usize)>,
    width: usize,
}

impl Columns {
    fn from_header(header: &[u8], standard: &Standard) -> Result<Self, Unsupported> {
        // A carriage return within the header ends it for the validating reader.
        if header.iter().any(|b| matches!(b, b'"' | b' ' | b'\r')) {
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
        let width = roles.len();
        let mut merged: Vec<(Role, usize)> = Vec::with_capacity(width);
        for (column, role) in roles.into_iter().enumerate() {
            match (merged.last_mut(), role) {
                (Some((Role::Flags { bit, count }, _)), Role::Indicator(next))
                    if *bit + *count == next =>
                {
                    *count += 1;
                }
                (_, Role::Indicator(bit)) => merged.push((Role::Flags { bit, count: 1 }, column)),
                (_, role) => merged.push((role, column)),
            }
        }
        Ok(Self {
            roles: merged,
            width,
        })
    }

    /// The column with this role.
    fn column(&self, role: Role) -> Option<usize> {
        self.roles.iter().find(|(r, _)| *r == role).map(|(_, c)| *c)
    }
}

/// A commune in force at the review: its unit, its province's code (two digits; none when the
/// code is not two digits, so that no field matches it) and its area.
#[derive(Debug, Clone, Copy)]
struct Place {
    unit: UnitId,
    province: Option<[u8; 2]>,
    area: Area,
}

/// Communes in force at the year's review, indexed by their five-digit code (up to the highest).
fn places(year: Year) -> Vec<Option<Place>> {
    let units = Units::national();
    let day = review_day(year);
    let mut out = Vec::new();
    // A commune's province follows from its parent's code and its dates alone, and the communes
    // of one parent are listed together: the last one found is asked first.
    let mut last = None;
    for (id, unit) in units.iter() {
        if unit.level != Level::Commune || !unit.in_force_on(day) {
            continue;
        }
        let asked = (unit.parent_code, unit.valid_from, unit.valid_to);
        let province = match last {
            Some((before, province)) if before == asked => province,
            _ => units
                .province_of(id)
                .map(|province| match *units.get(province).code.as_bytes() {
                    [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some([a, b]),
                    _ => None,
                }),
        };
        last = Some((asked, province));
        let (Ok(code), Some(province)) = (unit.code.parse::<usize>(), province) else {
            continue;
        };
        if code < 100_000 {
            if out.len() <= code {
                out.resize(code + 1, None);
            }
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
    villages: Codes,
    /// The first and last household codes, when every code is greater than the one before it
    /// (files are mostly in code order: then no household can repeat, and no search is needed).
    ascending: Option<(Vec<u8>, Vec<u8>)>,
    /// The part's households counted by combination, when they are counted (their villages
    /// numbered as in `villages`).
    counted: Vec<(Combination, Counts)>,
    /// Whether the households' keys were made (`rows.household`).
    keyed: bool,
}

impl Part {
    /// Emptied for the next stretch, its room kept.
    fn clear(&mut self) {
        self.rows.clear_rows();
        self.villages.clear();
        self.ascending = None;
        self.counted.clear();
        self.keyed = false;
    }
}

struct Context<'c> {
    columns: &'c Columns,
    places: &'c [Option<Place>],
    standard: &'c Standard,
    year: &'c [u8],
    /// What becomes of the parts: kept as columns, or counted (by village or not).
    keep: Keep,
    /// Whether the households' keys are made as their codes are read: always for columns; when
    /// counting, once the codes have been seen not to ascend (until then no household can be
    /// read twice, and the keys would go unused).
    keyed: &'c AtomicBool,
}

/// What becomes of a part's households once read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Kept as columns, joined into one snapshot.
    Columns,
    /// Counted by combination (village by village when `by_village`), only their keys kept.
    Counts { by_village: bool },
}

impl Keep {
    /// Whether villages are numbered (else only their codes are checked).
    fn villages(self) -> bool {
        matches!(self, Keep::Columns | Keep::Counts { by_village: true })
    }
}

/// The most columns a row may have for this reader; wider files go to the validating reader.
const MAX_COLUMNS: usize = 48;

/// What a thread keeps from piece to piece, and part to part, for its room: the piece laid out,
/// its rows' values before they are classified, and the villages of the part.
#[derive(Debug, Default)]
struct Scratch {
    layout: Layout,
    values: Values,
    /// The villages of the part being read.
    villages: VillageIndex,
    /// Room for counting a part's households.
    counter: Counter,
}

/// Where a piece's lines and fields lie.
#[derive(Debug, Default)]
struct Layout {
    /// Where each field begins: the piece's start, then one past each comma and line break, in
    /// order; longer than their count (each block of 64 bytes writes room for all of its own).
    /// A line whose first field is at `cuts[b]` has its field `c` at `cuts[b + c] ..
    /// cuts[b + c + 1] - 1`. A carriage return before a line break counts as a separator, so
    /// that the last field ends before it; the empty field it leaves after it is never read.
    cuts: Vec<u32>,
    /// The offsets of the line breaks (and of the end, when the last line has none).
    breaks: Vec<u32>,
    /// For each line with fields, the index in `cuts` of its first field.
    lines: Vec<u32>,
    /// Whether the piece has carriage returns (each one before a line break).
    returns: bool,
    /// How many separators each line has, when every line has the same number (none blank):
    /// then the lines' fields lie evenly spaced in `cuts`; else 0.
    stride: usize,
    /// The fields of the lines kept, evenly spaced, when they do not lie so in `cuts`.
    even: Vec<u32>,
}

/// The fields of a piece's lines, evenly spaced: field `c` of line `i` begins at `cuts[i *
/// stride + c]` and ends at the separator one before `cuts[i * stride + c + 1]`.
struct Rows<'l> {
    cuts: &'l [u32],
    stride: usize,
    lines: usize,
}

impl<'l> Rows<'l> {
    /// Where the field of `column` begins and ends in each line.
    #[inline]
    fn column(&self, column: usize) -> impl ExactSizeIterator<Item = (usize, usize)> + Clone + 'l {
        let fields = self.cuts[column..column + self.lines * self.stride].chunks_exact(self.stride);
        fields.map(|cut| (cut[0] as usize, cut[1] as usize - 1))
    }
}

/// The values a piece's households are classified by, a column each.
#[derive(Debug, Default)]
struct Values {
    places: Vec<Place>,
    agricultural: Vec<bool>,
    income: Vec<Option<Vnd>>,
    b1: Vec<Option<u16>>,
}

/// Where a piece's separators are written as its blocks of 64 bytes are looked at.
struct Marks<'l> {
    cuts: &'l mut [u32],
    /// How many field starts are written.
    found: usize,
    breaks: &'l mut Vec<u32>,
    returns: &'l mut bool,
}

impl Marks<'_> {
    /// Writes where the fields after the separators of the block at `at` begin, and its line
    /// breaks. Inlined into the loop over the blocks, so that nothing is reloaded per block.
    #[inline(always)]
    fn mark(&mut self, text: &[u8], at: usize, block: &[u8; 64]) -> Result<(), Unsupported> {
        let (mut comma, brk, odd) = separators(block);
        if odd != 0 {
            *self.returns = true;
            stray_returns_or_quotes(text, at, odd)?;
            comma |= odd; // only returns before line breaks are left
        }
        // Eight bits of the mask at a time, eight offsets written whatever the byte's count
        // (the room past `found` is overwritten by the next byte, or the next block): no choice
        // is made, and no offset waits for the one before, as one bit cleared after another
        // would make it.
        let room: &mut [u32; 64] = self.cuts[self.found..]
            .first_chunk_mut()
            .ok_or(Unsupported)?;
        let (mut bits, mut from, mut found) = (comma | brk, offsets(at as u32 + 1), 0);
        for _ in 0..8 {
            // Eight bits have at most eight separators: the eighth byte's come from 56 at most.
            let first = found.min(56);
            let slots =
                <&mut [u32; 8]>::try_from(&mut room[first..first + 8]).map_err(|_| Unsupported)?;
            found += set_bits(bits as u8, from, slots);
            (bits, from) = (bits >> 8, next_offsets(from));
        }
        self.found += found;
        let mut brk = brk;
        while brk != 0 {
            self.breaks.push(at as u32 + brk.trailing_zeros());
            brk &= brk - 1;
        }
        Ok(())
    }
}

impl Layout {
    /// Finds the commas and line breaks of `text[from..to]`, sixty-four bytes at a time, and its
    /// lines, each with exactly `width` fields; blank lines are passed over. A quote, a carriage
    /// return anywhere but before a line break, or a line with too few or too many fields makes
    /// the stretch one for the validating reader.
    fn lay_out(
        &mut self,
        text: &[u8],
        from: usize,
        to: usize,
        width: usize,
    ) -> Result<(), Unsupported> {
        if u32::try_from(to + 64).is_err() {
            return Err(Unsupported);
        }
        let Self {
            cuts,
            breaks,
            lines,
            returns,
            stride,
            even: _,
        } = self;
        if cuts.len() < to - from + 66 {
            cuts.resize(to - from + 66, 0);
        }
        breaks.clear();
        lines.clear();
        *returns = false;
        cuts[0] = from as u32;
        let mut marks = Marks {
            cuts,
            found: 1,
            breaks,
            returns,
        };
        let (blocks, rest) = text[from..to].as_chunks::<64>();
        for (k, block) in blocks.iter().enumerate() {
            marks.mark(text, from + 64 * k, block)?;
        }
        if !rest.is_empty() {
            let mut block = [0u8; 64];
            block[..rest.len()].copy_from_slice(rest);
            marks.mark(text, to - rest.len(), &block)?;
        }
        let Marks { mut found, .. } = marks;
        if to > from && text[to - 1] != b'\n' {
            breaks.push(to as u32);
            cuts[found] = to as u32 + 1;
            found += 1;
        }
        // Each line: blank, its break its only separator; or `width - 1` commas and its break;
        // either with a carriage return before the break, one separator more.
        let cuts = &cuts[..found];
        let returns = *returns;
        let (mut line, mut blanks, mut crs) = (0, 0, 0);
        for &brk in breaks.iter() {
            let begins = cuts[line];
            let cr = usize::from(returns && brk > begins && text[brk as usize - 1] == b'\r');
            let blank = brk as usize == begins as usize + cr;
            let next = cr + if blank { line + 1 } else { line + width };
            if cuts.get(next) != Some(&(brk + 1)) {
                return Err(Unsupported);
            }
            if !blank {
                lines.push(line as u32);
            }
            (blanks, crs) = (blanks + usize::from(blank), crs + cr);
            line = next;
        }
        *stride = match (blanks, crs) {
            (0, 0) => width,
            (0, crs) if crs == lines.len() => width + 1,
            _ => 0,
        };
        Ok(())
    }

    /// The fields of the lines kept, evenly spaced: where they lie, when every line has the same
    /// separators and none has been passed over (`passed_over`: some were); else copied.
    fn rows(&mut self, width: usize, passed_over: bool) -> Result<Rows<'_>, Unsupported> {
        let lines = self.lines.len();
        let (cuts, stride) = match self.lines.first() {
            Some(first) if self.stride > 0 && !passed_over => {
                (&self.cuts[*first as usize..], self.stride)
            }
            _ => {
                self.even.clear();
                for line in &self.lines {
                    let fields = self.cuts.get(*line as usize..=*line as usize + width);
                    self.even.extend_from_slice(fields.ok_or(Unsupported)?);
                }
                // Room for the last line's chunk from any column.
                self.even.resize(self.even.len() + width, 0);
                (&self.even[..], width + 1)
            }
        };
        // Every line's chunk from any column lies within `cuts`, or some lines would go unread.
        if cuts.len() < lines * stride + width {
            return Err(Unsupported);
        }
        Ok(Rows {
            cuts,
            stride,
            lines,
        })
    }

    /// Where the field of `column` begins and ends in the line whose first field is at
    /// `cuts[line]`.
    #[inline]
    fn field(&self, line: u32, column: usize) -> (usize, usize) {
        let at = line as usize + column;
        (self.cuts[at] as usize, self.cuts[at + 1] as usize - 1)
    }
}

/// Room for `n` more values at the end of a column (`fill` until they are filled in order).
fn room<T: Copy>(column: &mut Vec<T>, n: usize, fill: T) -> &mut [T] {
    let len = column.len();
    column.resize(len + n, fill);
    &mut column[len..]
}

/// Whether a part's household codes ascend, and its first and last, as its pieces are read.
#[derive(Default)]
struct Order<'t> {
    descends: bool,
    first: Option<&'t [u8]>,
    /// The last code, and its place in code order when it has one.
    last: (&'t [u8], Option<u128>),
}

impl<'t> Order<'t> {
    fn finish(self, part: &mut Part) {
        if let (false, Some(first)) = (self.descends, self.first) {
            part.ascending = Some((first.to_vec(), self.last.0.to_vec()));
        }
    }
}

/// The household codes of a piece's rows: their keys (when the part's are made), and whether
/// they ascend.
fn codes<'t>(
    text: &'t [u8],
    fields: impl ExactSizeIterator<Item = (usize, usize)>,
    part: &mut Part,
    order: &mut Order<'t>,
) -> Result<(), Unsupported> {
    let keys: &mut [u64] = match part.keyed {
        true => room(&mut part.rows.household, fields.len(), 0),
        false => &mut [],
    };
    let mut keys = keys.iter_mut();
    // The order so far, kept in locals through the loop.
    let (mut descends, mut last) = (order.descends, order.last);
    for (start, end) in fields {
        // A code of up to 16 bytes is one number, and its bytes read big-endian its place in
        // code order.
        let (code, packed) = code_at(text, start, end)?;
        if let Some(key) = keys.next() {
            *key = match packed {
                Some(packed) => household_key_packed(code.len(), packed),
                None => household_key(code),
            };
        }
        let place = packed.map(u128::swap_bytes);
        if order.first.is_none() {
            order.first = Some(code);
        } else {
            descends |= match (last.1, place) {
                (Some(before), Some(after)) => after <= before,
                _ => code <= last.0,
            };
        }
        last = (code, place);
    }
    (order.descends, order.last) = (descends, last);
    Ok(())
}

/// Villages numbered in order of first sight in a part. Codes of up to 16 bytes are packed into
/// a number (exact), longer ones found by hash, a hit checked against the code itself. A packed
/// code is first looked for in a small table indexed by a few bits of it: a commune's households
/// come together, so the few villages in use at a time are nearly always there, and the map is
/// asked about once a village.
#[derive(Debug)]
struct VillageIndex {
    by_packed: FxHashMap<u128, u32>,
    by_hash: FxHashMap<u64, u32>,
    /// Villages by a few bits of their packed code, each with its code to check a hit against
    /// (none is 0: a code has at least one byte, and no zero).
    recent: Vec<(u128, u32)>,
}

impl Default for VillageIndex {
    fn default() -> Self {
        Self {
            by_packed: FxHashMap::default(),
            by_hash: FxHashMap::default(),
            recent: vec![(0, 0); 1 << VillageIndex::RECENT_BITS],
        }
    }
}

impl VillageIndex {
    const RECENT_BITS: u32 = 8;

    /// Ready for the next part (its room kept).
    fn clear(&mut self) {
        self.by_packed.clear();
        self.by_hash.clear();
        self.recent.fill((0, 0));
    }

    /// A packed code's slot in `recent`.
    #[inline]
    fn slot(packed: u128) -> usize {
        let folded = (packed as u64) ^ ((packed >> 64) as u64).rotate_left(29);
        (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - Self::RECENT_BITS)) as usize
    }

    /// The villages of a piece's rows.
    fn read(
        &mut self,
        text: &[u8],
        fields: impl ExactSizeIterator<Item = (usize, usize)>,
        part: &mut Part,
        number: bool,
    ) -> Result<(), Unsupported> {
        let ids = room(&mut part.rows.village, fields.len(), 0);
        if !number {
            // Only checked: a village code is a code. Any that is not is found out once the
            // column is read.
            let codes = fields.fold(true, |good, (start, end)| {
                good & is_code_at(text, start, end)
            });
            return if codes { Ok(()) } else { Err(Unsupported) };
        }
        for (id, (start, end)) in ids.iter_mut().zip(fields) {
            let (village, packed) = code_at(text, start, end)?;
            *id = match packed {
                Some(packed) => {
                    let slot = Self::slot(packed);
                    match self.recent.get(slot) {
                        Some((seen, v)) if *seen == packed => *v,
                        _ => {
                            let v =
                                match self.by_packed.entry(packed) {
                                    Entry::Occupied(seen) => *seen.get(),
                                    Entry::Vacant(slot) => *slot.insert(part.villages.push(
                                        std::str::from_utf8(village).map_err(|_| Unsupported)?,
                                    )),
                                };
                            if let Some(entry) = self.recent.get_mut(slot) {
                                *entry = (packed, v);
                            }
                            v
                        }
                    }
                }
                None => self.unpacked(village, &mut part.villages)?,
            };
        }
        Ok(())
    }

    /// A village whose code is longer than 16 bytes.
    #[cold]
    fn unpacked(&mut self, village: &[u8], villages: &mut Codes) -> Result<u32, Unsupported> {
        let village = std::str::from_utf8(village).map_err(|_| Unsupported)?;
        let v = *self
            .by_hash
            .entry(household_key(village.as_bytes())) // the same hash as household codes'
            .or_insert_with(|| villages.push(village));
        if villages.get(v as usize) != Some(village) {
            return Err(Unsupported); // two codes, one hash: let the reader judge
        }
        Ok(v)
    }
}

/// How many bytes of a stretch are laid out and read a column at a time: small enough for the
/// piece, its field starts and its values to stay in a core's cache while its columns are read.
const PIECE: usize = 1 << 16;

/// A part as its pieces are read: its rows so far, and whether their codes ascend.
#[derive(Default)]
struct Reading<'t> {
    part: Part,
    order: Order<'t>,
}

/// Parses the lines of `text` into a part, a piece at a time, in the room of `part` (a part
/// joined before, its columns emptied).
fn parse_part(
    text: &[u8],
    cx: &Context<'_>,
    scratch: &mut Scratch,
    mut part: Part,
) -> Result<Part, Unsupported> {
    part.clear();
    part.keyed = cx.keyed.load(Ordering::Relaxed);
    let mut reading = Reading {
        part,
        order: Order::default(),
    };
    scratch.villages.clear();
    // Room for the rows the part holds, judged by its first line.
    let line = memchr::memchr(b'\n', text).map_or(text.len(), |n| n + 1);
    reading
        .part
        .rows
        .reserve(text.len() / line.max(1) + text.len() / line.max(1) / 4);
    let mut from = 0;
    while from < text.len() {
        let to = match text.get(from + PIECE..) {
            Some(rest) => memchr::memchr(b'\n', rest).map_or(text.len(), |n| from + PIECE + n + 1),
            None => text.len(),
        };
        parse_piece(text, from..to, cx, scratch, &mut reading)?;
        from = to;
    }
    let Reading { mut part, order } = reading;
    if order.descends {
        cx.keyed.store(true, Ordering::Relaxed); // the codes do not ascend: keys are wanted
    }
    order.finish(&mut part);
    Ok(part)
}

/// Whether a year field of another year names a review year at all (the validating reader
/// refuses one that does not).
fn review_year((year, digits): (u64, usize)) -> bool {
    digits == 4 && u16::try_from(year).is_ok_and(|y| Year::new(y).is_ok())
}

/// Parses the lines of `text[piece]` onto the end of the part being read, a column at a time.
fn parse_piece<'t>(
    text: &'t [u8],
    piece: std::ops::Range<usize>,
    cx: &Context<'_>,
    scratch: &mut Scratch,
    reading: &mut Reading<'t>,
) -> Result<(), Unsupported> {
    let Reading { part, order } = reading;
    let Scratch {
        layout,
        villages,
        values:
            Values {
                places,
                agricultural,
                income,
                b1,
            },
        counter: _,
    } = scratch;
    let (from, to) = (piece.start, piece.end);
    let width = cx.columns.width;
    layout.lay_out(text, from, to, width)?;
    // The lines of the year; a line of another year is passed over, as the validating reader
    // passes over it, once its year reads.
    let year = cx.columns.column(Role::Year).ok_or(Unsupported)?;
    let mut kept = 0;
    for i in 0..layout.lines.len() {
        let line = layout.lines[i];
        let (start, end) = layout.field(line, year);
        let field = &text[start..end];
        if same(field, cx.year) {
            layout.lines[kept] = line;
            kept += 1;
        } else if !review_year(number(field)?) {
            return Err(Unsupported);
        }
    }
    let passed_over = kept < layout.lines.len();
    layout.lines.truncate(kept);
    let lines = layout.rows(width, passed_over)?;
    let rows = part.rows.len();

    // The commune first: the province and the area are checked against it.
    let commune = cx.columns.column(Role::Commune).ok_or(Unsupported)?;
    places.clear();
    // Households of a commune come together: a commune like the last is not looked up again.
    let mut last: Option<(&[u8], Place)> = None;
    for (start, end) in lines.column(commune) {
        let code = &text[start..end];
        let place = match last {
            Some((before, place)) if same(before, code) => place,
            _ => {
                let place = match number(code)? {
                    (code, 5) => cx.places.get(code as usize).copied().flatten(),
                    _ => None,
                }
                .ok_or(Unsupported)?;
                last = Some((code, place));
                place
            }
        };
        places.push(place);
    }
    part.rows.commune.extend(places.iter().map(|p| p.unit));
    part.rows.area.extend(places.iter().map(|p| p.area));
    room(&mut part.rows.deprived, kept, 0);
    for &(role, column) in &cx.columns.roles {
        let fields = lines.column(column);
        let mut values = fields.clone().map(|(start, end)| &text[start..end]);
        match role {
            Role::Year | Role::Commune | Role::Other => {}
            Role::Indicator(_) => return Err(Unsupported), // merged into Flags by from_header
            Role::Code => codes(text, fields, part, order)?,
            Role::Village => villages.read(text, fields, part, cx.keep.villages())?,
            Role::Province => {
                for (field, place) in values.zip(places.iter()) {
                    if place.province.as_ref().map(<[u8; 2]>::as_slice) != Some(field) {
                        return Err(Unsupported);
                    }
                }
            }
            Role::Area => {
                for (field, place) in values.zip(places.iter()) {
                    match (field, place.area) {
                        (b"", _) | (b"rural", Area::Rural) | (b"urban", Area::Urban) => {}
                        _ => return Err(Unsupported),
                    }
                }
            }
            Role::Agricultural => {
                agricultural.clear();
                agricultural.resize(kept, false);
                // "0" or "1", told apart without a branch (either is as likely), any other
                // field found out once the column is read.
                let mut wrong = false;
                for (slot, field) in agricultural.iter_mut().zip(values) {
                    let flag = match *field {
                        [flag] => flag,
                        _ => 0,
                    };
                    wrong |= flag | 1 != b'1';
                    *slot = flag == b'1';
                }
                if wrong {
                    return Err(Unsupported);
                }
            }
            Role::Ethnicity => {
                let groups = EthnicGroups::national().all().len() as u16;
                for (slot, field) in room(&mut part.rows.ethnicity, kept, 0)
                    .iter_mut()
                    .zip(values)
                {
                    // One or two digits.
                    *slot = match small(field) {
                        Some(group) if field.len() <= 2 && (1..=groups).contains(&group) => {
                            group as u8
                        }
                        _ => return Err(Unsupported),
                    };
                }
            }
            Role::Members => {
                let members = |field| match small(field) {
                    Some(n) => (1..=99).contains(&n),
                    None => number(field).is_ok_and(|(n, _)| (1..=99).contains(&n)),
                };
                if !values.all(members) {
                    return Err(Unsupported);
                }
            }
            Role::Income => {
                income.clear();
                income.resize(kept, None);
                for (slot, (start, end)) in income.iter_mut().zip(fields) {
                    let field = &text[start..end];
                    *slot = match digits_in_word(text, start, end)
                        .ok_or(Unsupported)
                        .or_else(|_| number(field))
                    {
                        _ if field.is_empty() => None,
                        Ok((n, _)) => Some(Vnd::new(n)),
                        // Dot thousands, "1.500.000", which the validating reader reads too.
                        Err(_) if field.iter().all(|b| b.is_ascii_digit() || *b == b'.') => {
                            let field = std::str::from_utf8(field).map_err(|_| Unsupported)?;
                            Some(Vnd::parse(field).map_err(|_| Unsupported)?)
                        }
                        Err(_) => return Err(Unsupported),
                    };
                }
            }
            Role::B1 => {
                b1.clear();
                b1.resize(kept, None);
                for (slot, field) in b1.iter_mut().zip(values) {
                    *slot = match (field, small(field)) {
                        (b"", _) => None,
                        (_, Some(score)) => Some(score),
                        _ => Some(
                            u16::try_from(number(field)?.0)
                                .ok()
                                .filter(|v| *v <= 999)
                                .ok_or(Unsupported)?,
                        ),
                    };
                }
            }
            Role::Flags { bit, count } => {
                // The block runs from this column's start to its last flag's end.
                let ends = lines.column(column + usize::from(count) - 1);
                let masks = part.rows.deprived[rows..].iter_mut();
                for (mask, ((start, _), (_, end))) in masks.zip(fields.zip(ends)) {
                    *mask |= read_flags(text, start, end, usize::from(count))? << bit;
                }
            }
            Role::Empty => {
                if !values.all(<[u8]>::is_empty) {
                    return Err(Unsupported);
                }
            }
        }
    }
    // Each household classified under the standard.
    let classes = room(&mut part.rows.class, kept, Class::NotPoor);
    let deprived = &part.rows.deprived[rows..];
    for (i, (class, place)) in classes.iter_mut().zip(places.iter()).enumerate() {
        let assessment = Assessment {
            area: place.area,
            agricultural: agricultural[i],
            income_per_capita: income[i],
            b1_score: b1[i],
            deprived: Deprivations::from_mask(deprived[i]),
        };
        *class = classify(cx.standard, &assessment)
            .map_err(|_| Unsupported)?
            .class;
    }
    Ok(())
}

/// How much of the file one thread parses at a time: small enough to stay in a core's cache
/// between reading and parsing (a megabyte did not: 1.7 ms more a run at 1 million households),
/// and for the threads to finish together.
const CHUNK: usize = 1 << 18;

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
    read_chunked(
        Source::Bytes(bytes),
        year,
        standard,
        CHUNK,
        columns(year, standard),
    )
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
    let source = Source::File(file, len);
    read_chunked(source, year, standard, CHUNK, columns(year, standard))
}

/// The households of `year` in a households.csv file counted for a rates report (village by
/// village when `by_village`), read as [`read_year_file`] reads it: each thread counts the
/// households of its stretch as it reads them, and no column is kept but the household keys.
pub fn tally_year_file(
    file: &std::fs::File,
    year: Year,
    standard: &Standard,
    by_village: bool,
) -> Result<Tally, Unsupported> {
    let len = file.metadata().map_err(|_| Unsupported)?.len();
    tally(Source::File(file, len), year, standard, by_village, CHUNK)
}

fn tally(
    source: Source<'_>,
    year: Year,
    standard: &Standard,
    by_village: bool,
    chunk: usize,
) -> Result<Tally, Unsupported> {
    let make = |rows: usize| Tallied {
        tally: Tally {
            year: Some(year),
            standard: standard.id.clone(),
            by_village,
            // Room judged by the rows (a part's households fall in far fewer combinations), so
            // that the counts are not copied as they grow; room never used is never touched.
            combinations: Vec::with_capacity(rows / 16),
            ..Tally::default()
        },
        household: Vec::new(),
        unkept: Vec::new(),
    };
    let tallied = read_chunked(source, year, standard, chunk, make)?;
    Ok(tallied.finish())
}

/// A snapshot with room for the rows a file is judged to hold.
fn columns(year: Year, standard: &Standard) -> impl FnOnce(usize) -> Snapshot {
    move |rows| {
        let mut snapshot = Snapshot::new(year, &standard.id);
        snapshot.reserve(rows);
        snapshot
    }
}

/// Reads the source in stretches of `chunk` bytes after the header: stretch k holds the lines that
/// begin in it, wherever they end. Its parts are joined in file order into what `make` makes
/// with room for the rows the file is judged to hold, and kept as that asks.
fn read_chunked<J: Join + Send>(
    source: Source<'_>,
    year: Year,
    standard: &Standard,
    chunk: usize,
    make: impl FnOnce(usize) -> J,
) -> Result<J, Unsupported> {
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
    // Room for the rows, judged by the first line (only the room used is ever touched).
    let first = source.get(body, body + 4096, &mut buf)?;
    let line = memchr::memchr(b'\n', first).map_or(first.len().max(1), |n| n + 1);
    let rows = (source.len() - body) as usize / line;
    let into = make(rows + rows / 4);
    let places = places(year);
    let year_text = year.get().to_string();
    let keyed = AtomicBool::new(into.keep() == Keep::Columns);
    let cx = Context {
        columns: &columns,
        places: &places,
        standard,
        year: year_text.as_bytes(),
        keep: into.keep(),
        keyed: &keyed,
    };
    let chunk = chunk.max(1) as u64;
    let stretches = (source.len() - body).div_ceil(chunk) as usize;
    let joined = Mutex::new(InOrder::new(into));
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(stretches.max(1)))
            .map(|_| {
                let (next, failed, joined, cx) = (&next, &failed, &joined, &cx);
                scope.spawn(move || {
                    let (mut buf, mut scratch) = (Vec::new(), Scratch::default());
                    // The room of a part already joined, for the next.
                    let mut room = Part::default();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        if k >= stretches || failed.load(Ordering::Relaxed) {
                            break;
                        }
                        let start = body + k as u64 * chunk;
                        let part = stretch(source, start, start + chunk, k == 0, &mut buf)
                            .and_then(|lines| {
                                parse_part(lines, cx, &mut scratch, std::mem::take(&mut room))
                            })
                            .map(|part| counted(part, cx.keep, &mut scratch.counter));
                        match (part, joined.lock()) {
                            (Ok(part), Ok(mut joined)) => {
                                room = joined.add(k, part);
                                if !joined.ascending {
                                    cx.keyed.store(true, Ordering::Relaxed);
                                }
                            }
                            _ => failed.store(true, Ordering::Relaxed),
                        }
                    }
                })
            })
            .collect();
        for worker in workers {
            if worker.join().is_err() {
                failed.store(true, Ordering::Relaxed);
            }
        }
    });
    let joined = joined.into_inner().map_err(|_| Unsupported)?;
    if failed.load(Ordering::Relaxed) || joined.next != stretches {
        return Err(Unsupported);
    }
    if !joined.ascending {
        // The parts read before the codes were seen not to ascend have no keys: read again.
        keyed.store(true, Ordering::Relaxed);
        let again = joined
            .into
            .unkept()
            .par_iter()
            .map_init(
                || (Vec::new(), Scratch::default()),
                |(buf, scratch), &k| {
                    let start = body + k as u64 * chunk;
                    let lines = stretch(source, start, start + chunk, k == 0, buf)?;
                    Ok(parse_part(lines, &cx, scratch, Part::default())?
                        .rows
                        .household)
                },
            )
            .collect::<Result<Vec<Vec<u64>>, Unsupported>>()?;
        let keys = joined
            .into
            .households()
            .chain(again.iter().map(Vec::as_slice));
        if has_repeats(keys) {
            return Err(Unsupported); // a repeated household (or a hash collision): let the reader judge
        }
    }
    Ok(joined.into)
}

/// A part with its households counted, when they are counted: by the thread that read it, while
/// its columns are still in the core's cache.
fn counted(mut part: Part, keep: Keep, counter: &mut Counter) -> Part {
    if let Keep::Counts { by_village } = keep {
        counter.count(&part.rows, 0..part.rows.len(), by_village);
        part.counted.append(&mut counter.counted);
    }
    part
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
    // Room for the last line to run on past `end`: a line of households is about a hundred bytes.
    let mut room = 4096;
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

/// What parts are joined into, one after another in file order.
trait Join {
    /// What becomes of each part's households.
    fn keep(&self) -> Keep;
    /// Takes what it keeps of part `k` (whose room then serves another).
    fn join(&mut self, k: usize, part: &mut Part);
    /// The household keys kept, a run at a time, to look for a household read twice.
    fn households(&self) -> impl Iterator<Item = &[u64]> + Clone;
    /// The parts whose household keys were not made.
    fn unkept(&self) -> &[usize] {
        &[]
    }
}

impl Join for Snapshot {
    fn keep(&self) -> Keep {
        Keep::Columns
    }

    fn join(&mut self, _k: usize, part: &mut Part) {
        // The part's villages by their index in the snapshot.
        let global: Vec<u32> = part
            .villages
            .iter()
            .map(|v| self.village_id(v, None))
            .collect();
        let rows = &part.rows;
        self.commune.extend_from_slice(&rows.commune);
        self.ethnicity.extend_from_slice(&rows.ethnicity);
        self.area.extend_from_slice(&rows.area);
        self.class.extend_from_slice(&rows.class);
        self.deprived.extend_from_slice(&rows.deprived);
        self.household.extend_from_slice(&rows.household);
        let villages = rows.village.iter().map(|v| global[*v as usize]);
        self.village.extend(villages);
    }

    fn households(&self) -> impl Iterator<Item = &[u64]> + Clone {
        std::iter::once(&self.household[..])
    }
}

/// Parts' counts one after another, their villages numbered for the whole file; and each part's
/// household keys once the codes have been seen not to ascend (until then no household can be
/// read twice, and no keys are made: should the codes stop ascending, the parts read without them
/// are read again for them).
struct Tallied {
    tally: Tally,
    household: Vec<Vec<u64>>,
    /// The parts whose keys were not made.
    unkept: Vec<usize>,
}

impl Tallied {
    fn finish(self) -> Tally {
        let mut tally = self.tally;
        tally.village_commune_today = vec![None; tally.villages.len()];
        tally
    }
}

impl Join for Tallied {
    fn keep(&self) -> Keep {
        Keep::Counts {
            by_village: self.tally.by_village,
        }
    }

    fn join(&mut self, k: usize, part: &mut Part) {
        if part.keyed {
            self.household
                .push(std::mem::take(&mut part.rows.household));
        } else {
            self.unkept.push(k);
        }
        let tally = &mut self.tally;
        if tally.by_village {
            let villages = &mut tally.villages;
            let global: Vec<u32> = part.villages.iter().map(|v| villages.id(v).0).collect();
            for (combo, _) in &mut part.counted {
                combo.village = global[combo.village as usize];
            }
        }
        // A combination met in several parts comes once from each; the report adds them up.
        tally.combinations.append(&mut part.counted);
    }

    fn households(&self) -> impl Iterator<Item = &[u64]> + Clone {
        self.household.iter().map(Vec::as_slice)
    }

    fn unkept(&self) -> &[usize] {
        &self.unkept
    }
}

/// The parts joined in file order as they come: a part that comes before its turn waits for
/// the parts before it. A part joined is kept empty, its room to serve for a part to come.
struct InOrder<J> {
    into: J,
    /// The index of the next part to join.
    next: usize,
    waiting: Vec<(usize, Part)>,
    /// Parts joined, to be filled again.
    spare: Vec<Part>,
    /// Whether the household codes joined so far ascend, and the last of them.
    ascending: bool,
    last: Option<Vec<u8>>,
}

impl<J: Join> InOrder<J> {
    fn new(into: J) -> Self {
        Self {
            into,
            next: 0,
            waiting: Vec::new(),
            spare: Vec::new(),
            ascending: true,
            last: None,
        }
    }

    /// Part `k`, joined now if its turn has come (with any waiting after it), else kept waiting;
    /// and the room of a part joined, to read the next into.
    fn add(&mut self, k: usize, part: Part) -> Part {
        self.waiting.push((k, part));
        while let Some(at) = self.waiting.iter().position(|(k, _)| *k == self.next) {
            let (_, mut part) = self.waiting.swap_remove(at);
            self.ascending = self.still_ascending(&mut part);
            self.into.join(self.next, &mut part);
            self.next += 1;
            self.spare.push(part);
        }
        self.spare.pop().unwrap_or_default()
    }

    /// Whether the codes still ascend with the next part's: then no household appears twice.
    fn still_ascending(&mut self, part: &mut Part) -> bool {
        if part.rows.is_empty() {
            return self.ascending;
        }
        let Some((first, last)) = part.ascending.take() else {
            return false;
        };
        let ascends = self.last.as_ref().is_none_or(|before| first > *before);
        self.last = Some(last);
        self.ascending && ascends
    }
}

/// Whether any household key appears twice. The keys are hashes, spread evenly: they are dealt
/// into buckets by their top bits, and the buckets, small enough to sort in cache, are sorted in
/// parallel.
fn has_repeats<'k>(runs: impl Iterator<Item = &'k [u64]> + Clone) -> bool {
    const BITS: u32 = 12;
    let bucket = |key: u64| (key >> (64 - BITS)) as usize;
    let keys = runs.flatten();
    let mut sizes = vec![0usize; 1 << BITS];
    for key in keys.clone() {
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
    for key in keys {
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
