//! Inside a legacy Excel workbook (.xls: BIFF8 from Excel 97 on, BIFF5 from Excel 95), for what
//! calamine does not tell: the font each text cell is shown in, which settles the legacy
//! Vietnamese encodings these files were typed in (see [`crate::xlsx`]).
//!
//! The workbook stream is a sequence of records (type, length, data). Its globals list the fonts
//! (`FONT`), the number formats (`FORMAT`), the cell formats that point at them (`XF`) and where
//! each sheet begins (`BOUNDSHEET`); a sheet's cell records name their format, and its merged
//! ranges, column widths and row heights have records of their own — what fix-text carries into
//! the .xlsx it writes.

use std::io::{Cursor, Read};

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
/// Cell records that begin with row, column and format: NUMBER, RK, BLANK, BOOLERR, FORMULA.
const SINGLE_CELLS: [u16; 5] = [0x0203, 0x027E, 0x0201, 0x0205, 0x0006];

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
/// characters take one byte or two, then the characters. BIFF5 strings are single bytes, read
/// as Latin-1 (font and sheet names there are plain ASCII in practice).
fn short_string(data: &[u8], at: usize, biff8: bool) -> Option<String> {
    let len = usize::from(*data.get(at)?);
    if !biff8 {
        return Some(
            data.get(at + 1..at + 1 + len)?
                .iter()
                .map(|&b| char::from(b))
                .collect(),
        );
    }
    characters(data, at + 1, len)
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

/// A sheet's layout: each cell's format, merged ranges, column widths and row heights.
#[derive(Debug, Default)]
pub struct Sheet {
    pub name: String,
    /// The format of every cell written, text or not, by 0-based (row, column).
    pub cells: std::collections::HashMap<(u32, u32), u16>,
    /// Merged ranges: first row, last row, first column, last column (0-based).
    pub merged: Vec<[u32; 4]>,
    /// Column ranges (first, last) and their width in 1/256 of a character.
    pub columns: Vec<(u16, u16, u16)>,
    /// Rows given a height of their own, in twentieths of a point.
    pub rows: Vec<(u32, u16)>,
}

/// What an .xls workbook says beyond its values: fonts, formats, and each sheet's layout.
#[derive(Debug, Default)]
pub struct Workbook {
    fonts: Vec<Font>,
    formats: Vec<Format>,
    /// The number formats the workbook defines, by index.
    pub number_formats: std::collections::HashMap<u16, String>,
    pub sheets: Vec<Sheet>,
}

impl Workbook {
    /// Reads an .xls workbook's fonts, formats and layout. An encrypted workbook is refused.
    pub fn read(bytes: &[u8]) -> Result<Self> {
        let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
            .map_err(|e| format!("not an .xls workbook: {e}"))?;
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
        for (i, (kind, data)) in records(&stream, 0).enumerate() {
            match kind {
                BOF if i == 0 => biff8 = u16_at(data, 0) == Some(0x0600),
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
                BOUNDSHEET => {
                    if let (Some(at), Some(name)) = (u32_at(data, 0), short_string(data, 6, biff8))
                    {
                        starts.push((at as usize, name));
                    }
                }
                EOF => break,
                _ => {}
            }
        }
        for (at, name) in starts {
            book.sheets.push(sheet(&stream, at, name));
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

/// A sheet's records from its BOF at `at` to its EOF.
fn sheet(stream: &[u8], at: usize, name: String) -> Sheet {
    let mut sheet = Sheet {
        name,
        ..Sheet::default()
    };
    for (i, (kind, data)) in records(stream, at).enumerate() {
        let (row, column) = (u16_at(data, 0), u16_at(data, 2));
        match kind {
            EOF => break,
            BOF if i > 0 => break,
            kind if kind == LABELSST
                || kind == LABEL
                || kind == RSTRING
                || SINGLE_CELLS.contains(&kind) =>
            {
                if let (Some(row), Some(column), Some(xf)) = (row, column, u16_at(data, 4)) {
                    sheet.cells.insert((u32::from(row), u32::from(column)), xf);
                }
            }
            // Runs of cells in one row: row, first column, then a format (and, for MULRK, a
            // number) per cell, then the last column.
            MULRK | MULBLANK => {
                let step = if kind == MULRK { 6 } else { 2 };
                let (Some(row), Some(first)) = (row, column) else {
                    continue;
                };
                let cells = data.len().saturating_sub(6) / step;
                for k in 0..cells {
                    if let Some(xf) = u16_at(data, 4 + k * step) {
                        let column = u32::from(first) + k as u32;
                        sheet.cells.insert((u32::from(row), column), xf);
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
    sheet
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
