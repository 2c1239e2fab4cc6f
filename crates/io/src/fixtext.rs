//! `fix-text`: every text cell of a CSV file or a workbook converted from whatever legacy
//! Vietnamese encoding it is in to Unicode NFC (see [`bamho_text::legacy`]), with a report of what
//! changed and of the cells that stay ambiguous.

use std::collections::BTreeMap;
use std::path::Path;

use bamho_text::legacy::{Encoding, Fixed, decode_file, fix_cells};
use calamine::{Data, Reader};

/// Where a cell is: sheet (empty for CSV), row and column counted as a spreadsheet shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub sheet: String,
    pub row: usize,
    pub column: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.sheet.is_empty() {
            write!(f, "sheet {}, ", self.sheet)?;
        }
        write!(
            f,
            "row {}, column {}",
            self.row,
            column_letters(self.column)
        )
    }
}

/// "A", "B", … "Z", "AA" for 1, 2, … 26, 27.
pub fn column_letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let d = (n - 1) % 26;
        out.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[derive(Debug, Default)]
pub struct Report {
    /// Cells converted, by the encoding they were in.
    pub converted: BTreeMap<&'static str, usize>,
    /// Cells left as they were because two encodings read them equally well, with the readings.
    pub ambiguous: Vec<(Place, Vec<(Encoding, String)>)>,
    /// Every converted cell: where, from which encoding.
    pub changes: Vec<(Place, Encoding)>,
    /// The CSV file's bytes were not UTF-8.
    pub legacy_bytes: bool,
    /// Legacy fonts of a workbook and the Unicode fonts that replaced them.
    pub fonts: Vec<(String, &'static str)>,
}

#[derive(Debug, thiserror::Error)]
pub enum FixError {
    #[error("{file}: {why}")]
    Read { file: String, why: String },
    #[error("{file}: cannot write: {why}")]
    Write { file: String, why: String },
}

fn tally(report: &mut Report, places: Vec<Place>, fixed: &[Fixed]) {
    for (place, f) in places.into_iter().zip(fixed) {
        if f.ambiguous {
            report.ambiguous.push((place, f.candidates.clone()));
        } else if f.from != Encoding::Unicode {
            *report.converted.entry(f.from.name()).or_default() += 1;
            report.changes.push((place, f.from));
        }
    }
}

/// Converts a CSV file's bytes; returns the UTF-8 text to write.
pub fn fix_csv(file: &str, bytes: &[u8]) -> Result<(String, Report), FixError> {
    let (text, utf8) = decode_file(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| FixError::Read {
            file: file.to_owned(),
            why: format!("row {}: {e}", i + 1),
        })?;
        rows.push(record.iter().map(str::to_owned).collect());
    }
    let mut places = Vec::new();
    let mut cells = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            places.push(Place {
                sheet: String::new(),
                row: r + 1,
                column: c + 1,
            });
            cells.push((cell.as_str(), None));
        }
    }
    let fixed = fix_cells(cells, utf8);
    let mut report = Report {
        legacy_bytes: !utf8,
        ..Report::default()
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut next = fixed.iter();
    for row in &rows {
        let out: Vec<&str> = row
            .iter()
            .map(|_| next.next().map_or("", |f| f.text.as_str()))
            .collect();
        writer.write_record(&out).map_err(|e| FixError::Write {
            file: file.to_owned(),
            why: e.to_string(),
        })?;
    }
    tally(&mut report, places, &fixed);
    let bytes = writer.into_inner().map_err(|e| FixError::Write {
        file: file.to_owned(),
        why: e.to_string(),
    })?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), report))
}

/// Converts every text cell of a workbook and writes it to `out`. An .xlsx keeps everything but its
/// text and its legacy font names (see [`crate::xlsx::fix`]); an .xls or .ods becomes a new .xlsx
/// of its values (numbers stay numbers, formatting is not carried over).
pub fn fix_workbook(input: &Path, out: &Path) -> Result<Report, FixError> {
    let file = input.display().to_string();
    let read_err = |why: String| FixError::Read {
        file: file.clone(),
        why,
    };
    let bytes = std::fs::read(input).map_err(|e| read_err(e.to_string()))?;
    if bytes.starts_with(b"PK") && crate::xlsx::is_xlsx(&bytes) {
        let (fixed, report) = crate::xlsx::fix(&bytes).map_err(read_err)?;
        // Written beside the destination and renamed once whole: a failure leaves no half file.
        let part = out.with_extension("xlsx.part");
        std::fs::write(&part, fixed)
            .and_then(|()| std::fs::rename(&part, out))
            .map_err(|e| {
                let _ = std::fs::remove_file(&part);
                FixError::Write {
                    file: out.display().to_string(),
                    why: e.to_string(),
                }
            })?;
        return Ok(report);
    }
    if bytes.starts_with(b"PK") {
        crate::limits::check_workbook(&bytes).map_err(read_err)?;
    }
    let mut book = calamine::open_workbook_auto(input).map_err(|e| read_err(e.to_string()))?;
    let names = book.sheet_names();
    let mut sheets = Vec::new();
    for name in &names {
        let range = book
            .worksheet_range(name)
            .map_err(|e| read_err(format!("sheet {name}: {e}")))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        sheets.push((name.clone(), top, left, range));
    }
    let mut places = Vec::new();
    let mut cells = Vec::new();
    for (name, top, left, range) in &sheets {
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let Data::String(s) = cell {
                    places.push(Place {
                        sheet: name.clone(),
                        row: *top as usize + r + 1,
                        column: *left as usize + c + 1,
                    });
                    cells.push((s.as_str(), None));
                }
            }
        }
    }
    let fixed = fix_cells(cells, true);
    let mut report = Report::default();
    let write_err = |e: rust_xlsxwriter::XlsxError| FixError::Write {
        file: out.display().to_string(),
        why: e.to_string(),
    };
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let mut next = fixed.iter();
    for (name, top, left, range) in &sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(name).map_err(write_err)?;
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (*top + r as u32, (*left as usize + c) as u16);
                match cell {
                    Data::String(_) => {
                        let text = next.next().map_or("", |f| f.text.as_str());
                        ws.write_string(r, c, text).map_err(write_err)?;
                    }
                    Data::Float(f) => {
                        ws.write_number(r, c, *f).map_err(write_err)?;
                    }
                    Data::Int(i) => {
                        ws.write_number(r, c, *i as f64).map_err(write_err)?;
                    }
                    Data::Bool(b) => {
                        ws.write_boolean(r, c, *b).map_err(write_err)?;
                    }
                    Data::Empty => {}
                    other => {
                        ws.write_string(r, c, other.to_string())
                            .map_err(write_err)?;
                    }
                };
            }
        }
    }
    workbook.save(out).map_err(write_err)?;
    tally(&mut report, places, &fixed);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
    }

    #[test]
    fn a_csv_in_tcvn3_bytes_comes_out_in_unicode_with_a_report() {
        // "Họ và tên,Thôn" / "Nguyễn Văn Hùng,Kon Riêng" in TCVN3 bytes, and a Unicode cell.
        let bytes = b"H\xe4 v\xb5 t\xaan,Th\xabn\nNguy\xd4n V\xa8n H\xefng,Kon Ri\xaang\nL\xaa \xa7\xf8c,\"Pl\xa9y, x\xb7\"\n";
        let (text, report) = fix_csv("in.csv", bytes).unwrap();
        assert!(report.legacy_bytes);
        assert_eq!(
            text,
            "Họ và tên,Thôn\nNguyễn Văn Hùng,Kon Riêng\nLê Đức,\"Plây, xã\"\n"
        );
        assert_eq!(report.converted.get("TCVN3 (ABC)"), Some(&6));
        assert!(report.ambiguous.is_empty());
        assert_eq!(report.changes[0].0.to_string(), "row 1, column A");
    }
}
