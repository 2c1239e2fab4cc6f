//! Inside a legacy Excel workbook (.xls: BIFF8 from Excel 97 on, BIFF5 from Excel 95), for what
//! calamine does not tell: the font each text cell is shown in, which settles the legacy
//! Vietnamese encodings these files were typed in (see [`crate::xlsx`]).
//!
//! The workbook stream is a sequence of records (type, length, data). Its globals list the fonts
//! (`FONT`), the cell formats that point at them (`XF`) and where each sheet begins
//! (`BOUNDSHEET`); a sheet's text cells (`LABELSST`, `LABEL`, `RSTRING`) name their format.

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
    let wide = data.get(at + 1)? & 1 == 1;
    let chars = data.get(at + 2..)?;
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

/// Reads which font each text cell of an .xls workbook is shown in, by sheet and 0-based (row,
/// column). An encrypted workbook is refused.
pub fn cell_fonts(bytes: &[u8]) -> Result<CellFonts> {
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

    let mut biff8 = true;
    let mut fonts: Vec<String> = Vec::new();
    let mut formats: Vec<u16> = Vec::new();
    let mut sheets: Vec<(usize, String)> = Vec::new();
    for (i, (kind, data)) in records(&stream, 0).enumerate() {
        match kind {
            BOF if i == 0 => biff8 = u16_at(data, 0) == Some(0x0600),
            FILEPASS => return Err("the workbook is protected by a password".into()),
            FONT => fonts.push(short_string(data, 14, biff8).unwrap_or_default()),
            XF => formats.push(u16_at(data, 0).unwrap_or(0)),
            BOUNDSHEET => {
                if let (Some(at), Some(name)) = (u32_at(data, 0), short_string(data, 6, biff8)) {
                    sheets.push((at as usize, name));
                }
            }
            EOF => break,
            _ => {}
        }
    }
    // A format's font: the font table skips index 4, so 5 and up count one short.
    let font_of = |xf: u16| -> Option<&str> {
        let index = usize::from(*formats.get(usize::from(xf))?);
        let index = if index >= 4 { index - 1 } else { index };
        fonts
            .get(index)
            .map(String::as_str)
            .filter(|f| !f.is_empty())
    };

    let mut out = CellFonts::new();
    for (at, name) in sheets {
        let mut cells = SheetFonts::new();
        for (i, (kind, data)) in records(&stream, at).enumerate() {
            match kind {
                EOF => break,
                BOF if i > 0 => break,
                LABELSST | LABEL | RSTRING => {
                    let (Some(row), Some(column), Some(xf)) =
                        (u16_at(data, 0), u16_at(data, 2), u16_at(data, 4))
                    else {
                        continue;
                    };
                    if let Some(font) = font_of(xf) {
                        cells.insert((u32::from(row), u32::from(column)), font.to_owned());
                    }
                }
                _ => {}
            }
        }
        out.insert(name, cells);
    }
    Ok(out)
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
        let sheet = &fonts["Danh sách"];
        let font = |r, c| sheet.get(&(r, c)).map(String::as_str);
        assert_eq!(font(0, 0), Some(".VnTimeH"));
        assert_eq!(font(1, 0), Some(".VnTime"));
        assert_eq!(font(2, 0), Some("VNI-Times"));
        assert_eq!(font(4, 0), Some("Calibri"));
        // A number is no text cell.
        assert_eq!(font(4, 1), None);
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
