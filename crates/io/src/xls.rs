//! A legacy Excel workbook (.xls: BIFF8 from Excel 97 on, BIFF5 from Excel 95): each sheet's
//! values, and what else an import and fix-text need — the font each text cell is shown in, which
//! settles the legacy Vietnamese encodings these files were typed in (see [`crate::xlsx`]).
//!
//! The workbook stream is a sequence of records (type, length, data). Its globals list the fonts
//! (`FONT`), the number formats (`FORMAT`), the cell formats that point at them (`XF`), the shared
//! strings (`SST`, continued in `CONTINUE` records) and where each sheet begins (`BOUNDSHEET`); a
//! sheet's cell records hold a value and name their format, and its merged ranges, column widths
//! and row heights have records of their own — what fix-text carries into the .xlsx it writes.
//!
//! Everything here is read from untrusted uploads: a record that does not parse is passed over,
//! and nothing is allocated by what a file claims, only by what it holds.

use std::io::{Cursor, Read};

use calamine::{CellErrorType, Data};

use crate::package::Result;
use crate::xlsx::{CellFonts, SheetFonts};

/// The compound file's signature, which every .xls begins with.
const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const FONT: u16 = 0x0031;
const XF: u16 = 0x00E0;
const BOUNDSHEET: u16 = 0x0085;
const LABELSST: u16 = 0x00FD;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const FORMAT: u16 = 0x041E;
const MERGEDCELLS: u16 = 0x00E5;
const COLINFO: u16 = 0x007D;
const ROW: u16 = 0x0208;
const MULRK: u16 = 0x00BD;
const MULBLANK: u16 = 0x00BE;
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const BLANK: u16 = 0x0201;
const BOOLERR: u16 = 0x0205;
const FORMULA: u16 = 0x0006;
/// A formula's text result, in the record after the formula (or after its shared formula, array
/// or data table).
const STRING: u16 = 0x0207;
const SHRFMLA: u16 = 0x04BC;
const ARRAY: u16 = 0x0221;
const TABLE: u16 = 0x0236;
/// Cell records that begin with row, column and format and hold one value (or none).
const SINGLE_CELLS: [u16; 5] = [NUMBER, RK, BLANK, BOOLERR, FORMULA];
/// The columns an .xls sheet has (A to IV).
pub const COLUMNS: u32 = 256;

/// Whether the bytes are a compound file, as an .xls is.
pub fn is_xls(bytes: &[u8]) -> bool {
    bytes.starts_with(&SIGNATURE)
}

/// The records of a workbook stream from `at` on: (type, data).
fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let head = stream.get(at..at.checked_add(4)?)?;
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((kind, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// A short string at `at`: a one-byte length, then (BIFF8) a flags byte saying whether the
/// characters take one byte or two, then the characters. BIFF5 strings are bytes of the
/// system's code page, read as Windows-1252: the legacy encodings are told from those characters,
/// as from a CSV file's.
fn short_string(data: &[u8], at: usize, biff8: bool) -> Option<String> {
    let len = usize::from(*data.get(at)?);
    if !biff8 {
        return Some(bamho_text::legacy::from_cp1252(
            data.get(at + 1..at + 1 + len)?,
        ));
    }
    characters(data, at + 1, len)
}

/// A string with a two-byte length at `at`: BIFF8's flags and characters, or BIFF5's bytes.
fn string(data: &[u8], at: usize, biff8: bool) -> Option<String> {
    let len = usize::from(u16_at(data, at)?);
    if biff8 {
        characters(data, at + 2, len)
    } else {
        Some(bamho_text::legacy::from_cp1252(
            data.get(at + 2..at + 2 + len)?,
        ))
    }
}

/// `len` characters after the flags byte at `at`, which says whether each takes one byte or two.
fn characters(data: &[u8], at: usize, len: usize) -> Option<String> {
    let wide = data.get(at)? & 1 == 1;
    let chars = data.get(at + 1..)?;
    if wide {
        let units: Vec<u16> = chars
            .get(..len * 2)?
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(chars.get(..len)?.iter().map(|&b| char::from(b)).collect())
    }
}

/// A font of the workbook: its name, size in twentieths of a point, and style.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Font {
    pub name: String,
    pub height: u16,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub strikeout: bool,
}

/// A cell format (`XF`): its font, number format, alignment and borders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Format {
    /// An index into the font table as the file counts it (4 is never used).
    font: u16,
    /// A built-in number format (below 164) or one the workbook defines.
    pub number_format: u16,
    /// 0 general, 1 left, 2 centre, 3 right, 4 fill, 5 justify, 6 centre across, 7 distributed.
    pub horizontal: u8,
    /// 0 top, 1 centre, 2 bottom, 3 justify, 4 distributed.
    pub vertical: u8,
    pub wrap: bool,
    /// Left, right, top and bottom line styles, as Excel numbers them (0 none, 1 thin, …).
    pub borders: [u8; 4],
}

/// A sheet: its values, each cell's format, merged ranges, column widths and row heights.
#[derive(Debug, Default)]
pub struct Sheet {
    pub name: String,
    /// The values, by 0-based (row, column), in the order the file gives them (a later one for
    /// the same cell replaces an earlier). Numbers are numbers whatever their format: a date is
    /// its serial day, which the cell's number format shows as a date.
    pub values: crate::sheets::Values,
    /// The format of every cell written, text or not, by 0-based (row, column).
    pub cells: std::collections::HashMap<(u32, u32), u16>,
    /// Merged ranges: first row, last row, first column, last column (0-based).
    pub merged: Vec<[u32; 4]>,
    /// Column ranges (first, last) and their width in 1/256 of a character.
    pub columns: Vec<(u16, u16, u16)>,
    /// Rows given a height of their own, in twentieths of a point.
    pub rows: Vec<(u32, u16)>,
}

/// An .xls workbook: its worksheets' values and layout, its fonts and formats.
#[derive(Debug, Default)]
pub struct Workbook {
    fonts: Vec<Font>,
    formats: Vec<Format>,
    /// The number formats the workbook defines, by index.
    pub number_formats: std::collections::HashMap<u16, String>,
    pub sheets: Vec<Sheet>,
}

impl Workbook {
    /// Reads an .xls workbook. An encrypted workbook is refused, and so is one with a cell beyond
    /// the sheet's 256 columns (a damaged file, or one made to look larger than it is).
    pub fn read(bytes: &[u8]) -> Result<Self> {
        if !is_xls(bytes) {
            return Err("not an .xls workbook".into());
        }
        // It begins as a compound file does: what does not open is a damaged one.
        let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::UnexpectedEof {
                "the file ends before its contents do".to_owned()
            } else {
                format!("its parts do not hold together ({e})")
            };
            format!("a damaged .xls workbook: {why} — cut short in copying or uploading?")
        })?;
        let name = ["/Workbook", "/Book"]
            .into_iter()
            .find(|n| file.is_stream(n))
            .ok_or("not an .xls workbook: it has no workbook stream")?;
        let mut stream = Vec::new();
        file.open_stream(name)
            .and_then(|mut s| s.read_to_end(&mut stream))
            .map_err(|e| format!("the workbook stream is unreadable: {e}"))?;

        let mut book = Self::default();
        let mut biff8 = true;
        let mut starts: Vec<(usize, String)> = Vec::new();
        // The shared strings' record and the CONTINUE records straight after it.
        let mut sst: Vec<&[u8]> = Vec::new();
        let mut in_sst = false;
        for (i, (kind, data)) in records(&stream, 0).enumerate() {
            in_sst &= kind == CONTINUE;
            match kind {
                BOF if i == 0 => biff8 = u16_at(data, 0) == Some(0x0600),
                SST => {
                    sst = vec![data];
                    in_sst = true;
                }
                CONTINUE if in_sst => sst.push(data),
                FILEPASS => return Err("the workbook is protected by a password".into()),
                FONT => book.fonts.push(font(data, biff8)),
                XF => book.formats.push(format(data, biff8)),
                FORMAT => {
                    let text = if biff8 {
                        long_string(data, 2)
                    } else {
                        short_string(data, 2, false)
                    };
                    if let (Some(index), Some(text)) = (u16_at(data, 0), text) {
                        book.number_formats.insert(index, text);
                    }
                }
                // Worksheets only (type 0): charts and macro sheets hold no cells to read.
                BOUNDSHEET if data.get(5) == Some(&0) => {
                    if let (Some(at), Some(name)) = (u32_at(data, 0), short_string(data, 6, biff8))
                    {
                        starts.push((at as usize, name));
                    }
                }
                EOF => break,
                _ => {}
            }
        }
        let strings = shared_strings(&sst);
        for (at, name) in starts {
            book.sheets.push(sheet(&stream, at, name, &strings, biff8)?);
        }
        Ok(book)
    }

    pub fn format(&self, xf: u16) -> Option<&Format> {
        self.formats.get(usize::from(xf))
    }

    /// The font a cell format shows text in. The font table skips index 4, so 5 and up count one
    /// short.
    pub fn font(&self, xf: u16) -> Option<&Font> {
        let index = usize::from(self.format(xf)?.font);
        self.fonts
            .get(if index >= 4 { index - 1 } else { index })
            .filter(|f| !f.name.is_empty())
    }

    /// Which font each cell is shown in, by sheet and 0-based (row, column).
    pub fn cell_fonts(&self) -> CellFonts {
        let mut out = CellFonts::new();
        for sheet in &self.sheets {
            let fonts: SheetFonts = sheet
                .cells
                .iter()
                .filter_map(|(&at, &xf)| Some((at, self.font(xf)?.name.clone())))
                .collect();
            out.insert(sheet.name.clone(), fonts);
        }
        out
    }
}

fn font(data: &[u8], biff8: bool) -> Font {
    let style = u16_at(data, 2).unwrap_or(0);
    Font {
        name: short_string(data, 14, biff8).unwrap_or_default(),
        height: u16_at(data, 0).unwrap_or(0),
        bold: u16_at(data, 6).unwrap_or(400) >= 700,
        italic: style & 0x2 != 0,
        strikeout: style & 0x8 != 0,
        underline: data.get(10).is_some_and(|&u| u != 0),
    }
}

fn format(data: &[u8], biff8: bool) -> Format {
    let align = data.get(6).copied().unwrap_or(0);
    // BIFF8 keeps four line styles in a word at 10; BIFF5's borders are left out.
    let lines = u32_at(data, 10).filter(|_| biff8).unwrap_or(0);
    Format {
        font: u16_at(data, 0).unwrap_or(0),
        number_format: u16_at(data, 2).unwrap_or(0),
        horizontal: align & 0x7,
        vertical: (align >> 4) & 0x7,
        wrap: align & 0x8 != 0,
        borders: [0, 4, 8, 12].map(|shift| ((lines >> shift) & 0xF) as u8),
    }
}

/// A string with a two-byte length (BIFF8's number formats), then flags and characters.
fn long_string(data: &[u8], at: usize) -> Option<String> {
    characters(data, at + 2, usize::from(u16_at(data, at)?))
}

/// The shared strings of the SST record's `pieces` (the record and its CONTINUE records).
fn shared_strings(pieces: &[&[u8]]) -> Vec<String> {
    let mut strings = Vec::new();
    let mut cursor = Pieces {
        pieces,
        piece: 0,
        at: 8, // past the counts of strings used and of strings kept, which nothing needs
    };
    while let Some(text) = cursor.rich_string() {
        strings.push(text);
    }
    strings
}

/// A reading position in a record's data and the CONTINUE records that carry it on.
struct Pieces<'a> {
    pieces: &'a [&'a [u8]],
    piece: usize,
    at: usize,
}

impl Pieces<'_> {
    fn byte(&mut self) -> Option<u8> {
        loop {
            let piece = self.pieces.get(self.piece)?;
            if let Some(&b) = piece.get(self.at) {
                self.at += 1;
                return Some(b);
            }
            self.piece += 1;
            self.at = 0;
        }
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([
            self.byte()?,
            self.byte()?,
            self.byte()?,
            self.byte()?,
        ]))
    }

    fn skip(&mut self, mut n: usize) -> Option<()> {
        while n > 0 {
            let piece = self.pieces.get(self.piece)?;
            let here = piece.len().saturating_sub(self.at).min(n);
            if here == 0 {
                self.piece += 1;
                self.at = 0;
            }
            self.at += here;
            n -= here;
        }
        Some(())
    }

    /// `count` characters of one or two bytes each; where they run on into the next piece, it
    /// begins with a flags byte saying how wide the rest are.
    fn characters(&mut self, count: usize, mut wide: bool) -> Option<String> {
        let mut units: Vec<u16> = Vec::new();
        let mut left = count;
        while left > 0 {
            let piece = self.pieces.get(self.piece)?;
            if self.at >= piece.len() {
                self.piece += 1;
                wide = self.pieces.get(self.piece)?.first()? & 1 == 1;
                self.at = 1;
                continue;
            }
            let width = if wide { 2 } else { 1 };
            let here = ((piece.len() - self.at) / width).min(left);
            if here == 0 {
                return None; // half a character
            }
            let bytes = &piece[self.at..self.at + here * width];
            if wide {
                units.extend(
                    bytes
                        .chunks_exact(2)
                        .map(|p| u16::from_le_bytes([p[0], p[1]])),
                );
            } else {
                units.extend(bytes.iter().map(|&b| u16::from(b)));
            }
            self.at += here * width;
            left -= here;
        }
        Some(String::from_utf16_lossy(&units))
    }

    /// A shared string: its length, flags, the counts of its formatting runs and of its phonetic
    /// data when it has them, its characters, then those runs and that data, passed over.
    fn rich_string(&mut self) -> Option<String> {
        let count = usize::from(self.u16()?);
        let flags = self.byte()?;
        let runs = if flags & 0x8 != 0 { self.u16()? } else { 0 };
        let phonetic = if flags & 0x4 != 0 { self.u32()? } else { 0 };
        let text = self.characters(count, flags & 1 == 1)?;
        self.skip(usize::from(runs) * 4)?;
        self.skip(phonetic as usize)?;
        Some(text)
    }
}

/// An RK number: a 30-bit integer or the top of a double, perhaps hundredths.
fn rk(rk: u32) -> f64 {
    let value = if rk & 2 != 0 {
        f64::from((rk as i32) >> 2)
    } else {
        f64::from_bits(u64::from(rk & !3) << 32)
    };
    if rk & 1 != 0 { value / 100.0 } else { value }
}

/// An error value's code as the file keeps it.
fn error(code: u8) -> Data {
    Data::Error(match code {
        0x00 => CellErrorType::Null,
        0x07 => CellErrorType::Div0,
        0x17 => CellErrorType::Ref,
        0x1D => CellErrorType::Name,
        0x24 => CellErrorType::Num,
        0x2A => CellErrorType::NA,
        _ => CellErrorType::Value,
    })
}

/// A sheet's records from its BOF at `at` to its EOF.
fn sheet(stream: &[u8], at: usize, name: String, strings: &[String], biff8: bool) -> Result<Sheet> {
    let mut sheet = Sheet {
        name,
        ..Sheet::default()
    };
    // A formula whose text result comes in the STRING record after it.
    let mut awaiting: Option<(u32, u32)> = None;
    for (i, (kind, data)) in records(stream, at).enumerate() {
        let (row, column) = (u16_at(data, 0), u16_at(data, 2));
        let cell = row.zip(column).map(|(r, c)| (u32::from(r), u32::from(c)));
        if let Some((r, c)) = cell.filter(|_| is_cell(kind))
            && c >= COLUMNS
        {
            return Err(format!(
                "sheet {}: a cell at row {}, column {} — beyond the {COLUMNS} columns an .xls \
                 sheet has: the file is damaged",
                sheet.name,
                r + 1,
                c + 1
            ));
        }
        if !matches!(kind, STRING | SHRFMLA | ARRAY | TABLE) {
            awaiting = None;
        }
        match kind {
            EOF => break,
            BOF if i > 0 => break,
            STRING => {
                if let (Some(at), Some(text)) = (awaiting.take(), string(data, 0, biff8)) {
                    sheet.values.push((at, Data::String(text)));
                }
            }
            kind if kind == LABELSST
                || kind == LABEL
                || kind == RSTRING
                || SINGLE_CELLS.contains(&kind) =>
            {
                let (Some(at), Some(xf)) = (cell, u16_at(data, 4)) else {
                    continue;
                };
                sheet.cells.insert(at, xf);
                let value = match kind {
                    LABELSST => u32_at(data, 6)
                        .and_then(|i| strings.get(i as usize))
                        .map(|s| Data::String(s.clone())),
                    LABEL | RSTRING => string(data, 6, biff8).map(Data::String),
                    NUMBER => data
                        .get(6..14)
                        .map(|b| Data::Float(f64::from_le_bytes(b.try_into().unwrap_or_default()))),
                    RK => u32_at(data, 6).map(|v| Data::Float(rk(v))),
                    BOOLERR => match (data.get(6), data.get(7)) {
                        (Some(&v), Some(0)) => Some(Data::Bool(v != 0)),
                        (Some(&code), Some(_)) => Some(error(code)),
                        _ => None,
                    },
                    FORMULA => match data.get(6..14) {
                        // A result that is not a number: its kind in the first byte.
                        Some(result) if result[6..] == [0xFF, 0xFF] => match result[0] {
                            0 => {
                                awaiting = Some(at);
                                None
                            }
                            1 => Some(Data::Bool(result[2] != 0)),
                            2 => Some(error(result[2])),
                            _ => None, // an empty text
                        },
                        Some(result) => Some(Data::Float(f64::from_le_bytes(
                            result.try_into().unwrap_or_default(),
                        ))),
                        None => None,
                    },
                    _ => None, // BLANK
                };
                if let Some(value) = value {
                    sheet.values.push((at, value));
                }
            }
            // Runs of cells in one row: row, first column, then a format (and, for MULRK, a
            // number) per cell, then the last column.
            MULRK | MULBLANK => {
                let step = if kind == MULRK { 6 } else { 2 };
                let Some((row, first)) = cell else {
                    continue;
                };
                let cells = data.len().saturating_sub(6) / step;
                if first + cells as u32 > COLUMNS {
                    return Err(format!(
                        "sheet {}: row {} runs past the {COLUMNS} columns an .xls sheet has: \
                         the file is damaged",
                        sheet.name,
                        row + 1
                    ));
                }
                for k in 0..cells {
                    let at = (row, first + k as u32);
                    if let Some(xf) = u16_at(data, 4 + k * step) {
                        sheet.cells.insert(at, xf);
                    }
                    if kind == MULRK
                        && let Some(v) = u32_at(data, 6 + k * step)
                    {
                        sheet.values.push((at, Data::Float(rk(v))));
                    }
                }
            }
            MERGEDCELLS => {
                let count = usize::from(row.unwrap_or(0));
                for k in 0..count {
                    let at = 2 + k * 8;
                    let read: Option<Vec<u32>> = (0..4)
                        .map(|j| u16_at(data, at + j * 2).map(u32::from))
                        .collect();
                    if let Some(&[r1, r2, c1, c2]) = read.as_deref() {
                        sheet.merged.push([r1, r2, c1, c2]);
                    }
                }
            }
            COLINFO => {
                if let (Some(first), Some(last), Some(width)) = (row, column, u16_at(data, 4)) {
                    sheet.columns.push((first, last, width));
                }
            }
            // A row's own height: bit 15 set means the default height.
            ROW => {
                if let (Some(row), Some(height)) = (row, u16_at(data, 6))
                    && height & 0x8000 == 0
                {
                    sheet.rows.push((u32::from(row), height));
                }
            }
            _ => {}
        }
    }
    Ok(sheet)
}

/// Whether a record is one of a cell (or a run of cells), beginning with row and column.
fn is_cell(kind: u16) -> bool {
    matches!(kind, LABELSST | LABEL | RSTRING | MULRK | MULBLANK) || SINGLE_CELLS.contains(&kind)
}

/// Reads which font each cell of an .xls workbook is shown in, by sheet and 0-based (row,
/// column). An encrypted workbook is refused.
pub fn cell_fonts(bytes: &[u8]) -> Result<CellFonts> {
    Ok(Workbook::read(bytes)?.cell_fonts())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sheet of [`crate::xlsx::tests::legacy_book`], saved as .xls by LibreOffice Calc.
    const LEGACY: &[u8] = include_bytes!("../testdata/legacy.xls");

    #[test]
    fn each_text_cell_is_read_in_its_formats_font() {
        assert!(is_xls(LEGACY));
        let fonts = cell_fonts(LEGACY).unwrap();
        let sheet = crate::xlsx::tests::assert_legacy_fonts(&fonts);
        assert_eq!(sheet[&(4, 1)], "Calibri", "a number's font too");
    }

    /// Each sheet's values as calamine reads them from the same (well-formed) file: numbers of
    /// any format, and whole ones, as numbers.
    fn calamine_values(bytes: &[u8]) -> crate::sheets::Sheets {
        use calamine::Reader as _;
        let mut book: calamine::Xls<_> =
            calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        book.sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                let (top, left) = range.start().unwrap_or((0, 0));
                let values = range
                    .used_cells()
                    .map(|(r, c, v)| {
                        let v = match v {
                            Data::DateTime(d) => Data::Float(d.as_f64()),
                            Data::Int(i) => Data::Float(*i as f64),
                            other => other.clone(),
                        };
                        ((top + r as u32, left + c as u32), v)
                    })
                    .collect();
                (name, values)
            })
            .collect()
    }

    #[test]
    fn values_are_read_as_an_independent_reader_reads_them() {
        for bytes in [LEGACY, include_bytes!("../testdata/official-list.xls")] {
            let book = Workbook::read(bytes).unwrap();
            let mut ours: crate::sheets::Sheets = book
                .sheets
                .iter()
                .map(|s| (s.name.clone(), s.values.clone()))
                .collect();
            for (_, values) in &mut ours {
                values.sort_by_key(|(at, _)| *at);
            }
            let theirs = calamine_values(bytes);
            assert!(
                theirs.iter().map(|(_, v)| v.len()).sum::<usize>() >= 6,
                "{theirs:?}"
            );
            assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn a_shared_string_runs_on_into_the_next_record_in_a_width_of_its_own() {
        // The SST record: two counts, "Hà" in two-byte characters, then "Lào Cai" whose "Lào"
        // ends the record; the CONTINUE record begins with a flags byte (one-byte characters).
        let mut sst = vec![2, 0, 0, 0, 2, 0, 0, 0];
        sst.extend([2, 0, 1, b'H', 0, 0xE0, 0]);
        sst.extend([7, 0, 1, b'L', 0, 0xE0, 0, b'o', 0]);
        let next = [&[0u8][..], b" Cai"].concat();
        // A rich string with one formatting run, which is passed over.
        let rich = [&[1u8, 0, 0x8, 1, 0, b'X'][..], &[0, 0, 0, 0]].concat();
        let strings = shared_strings(&[&sst, &next, &rich]);
        assert_eq!(strings, ["Hà", "Lào Cai", "X"]);
        // Half a character at the end of the data: the strings before it stand.
        assert_eq!(shared_strings(&[&sst[..sst.len() - 1]]), ["Hà"]);
    }

    #[test]
    fn numbers_kept_as_rk_are_read() {
        assert_eq!(rk(1985 << 2 | 2), 1985.0);
        assert_eq!(rk(12_345 << 2 | 3), 123.45);
        assert_eq!(rk((1.5f64.to_bits() >> 32) as u32), 1.5);
    }

    /// A workbook stream of these records: type, length, data.
    fn stream(records: &[(u16, &[u8])]) -> Vec<u8> {
        let mut stream = Vec::new();
        for (kind, data) in records {
            stream.extend(kind.to_le_bytes());
            stream.extend((data.len() as u16).to_le_bytes());
            stream.extend(*data);
        }
        stream
    }

    #[test]
    fn a_formulas_text_comes_in_the_record_after_it() {
        // Row 1, column 2: a text result (kind 0, then 0xFFFF), then its shared formula, then the
        // text; row 2: a number result; row 3: a text result whose STRING never comes.
        let text_result = [0, 0, 0, 0, 0, 0, 0xFF, 0xFF];
        let formula =
            |row: u8, result: &[u8]| [&[row, 0, 1, 0, 15, 0][..], result, &[0; 6]].concat();
        let stream = stream(&[
            (BOF, &[0, 6, 0x10, 0]),
            (FORMULA, &formula(0, &text_result)),
            (SHRFMLA, &[0; 10]),
            (STRING, &[7, 0, 0, b'L', b'a', b'o', b' ', b'C', b'a', b'i']),
            (FORMULA, &formula(1, &2.5f64.to_le_bytes())),
            (FORMULA, &formula(2, &text_result)),
            (NUMBER, &[3, 0, 1, 0, 15, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F]),
            (STRING, &[1, 0, 0, b'X']),
            (EOF, &[]),
        ]);
        let read = sheet(&stream, 0, "A".into(), &[], true).unwrap();
        assert_eq!(
            read.values,
            [
                ((0, 1), Data::String("Lao Cai".into())),
                ((1, 1), Data::Float(2.5)),
                ((3, 1), Data::Float(1.0)),
            ]
        );
    }

    #[test]
    fn a_cell_beyond_the_sheets_columns_is_refused() {
        let stream = stream(&[
            (BOF, &[0, 6, 0x10, 0]),
            (RK, &[0, 0, 0x2C, 1, 15, 0, 2, 0, 0, 0]), // row 1, column 301
            (EOF, &[]),
        ]);
        let err = sheet(&stream, 0, "A".into(), &[], true).unwrap_err();
        assert!(err.contains("row 1, column 301"), "{err}");
    }

    #[test]
    fn what_is_not_an_xls_workbook_is_refused() {
        assert!(!is_xls(b"PK\x03\x04"));
        assert!(cell_fonts(b"not a workbook").is_err());
        // A compound file without a workbook stream (a Word document, say).
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream("/WordDocument").unwrap();
        let bytes = file.into_inner().into_inner();
        let err = cell_fonts(&bytes).unwrap_err();
        assert!(err.contains("no workbook stream"), "{err}");
    }

    #[test]
    fn records_stop_at_a_truncated_one() {
        let stream = [
            0x31, 0x00, 0x02, 0x00, 0xAA, 0xBB, 0x31, 0x00, 0x09, 0x00, 0x01,
        ];
        let read: Vec<(u16, &[u8])> = records(&stream, 0).collect();
        assert_eq!(read, [(FONT, &[0xAA, 0xBB][..])]);
        assert_eq!(records(&stream, 100).count(), 0);
    }
}
