//! `fix-text`: every text cell of a CSV file or a workbook converted from whatever legacy
//! Vietnamese encoding it is in to Unicode NFC (see [`bamho_text::legacy`]), with a report of what
//! changed and of the cells that stay ambiguous.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

use bamho_text::legacy::{Encoding, Fixed, decode_file, fix_cells, unicode_font};
use calamine::Data;

use crate::whole::Whole;
use crate::xlsx::{TextCell, TextRun};

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

/// Converts every text cell of an .xlsx workbook and returns the rewritten package. Each run of
/// text is read in the encoding its font implies (its run's font, else the font of the cells that
/// show it when they agree), or, without one, as the text itself suggests. Legacy font names
/// become the Unicode fonts the converted text is meant for. Nothing else in the package changes.
pub fn fix_xlsx(bytes: &[u8]) -> Result<(Vec<u8>, Report), String> {
    let book = crate::xlsx::Book::read(bytes)?;
    let (runs, cells) = book.texts();
    let (texts, fonts, report) = fix_runs(&runs, &cells, book.font_names());
    Ok((book.write(&runs, &texts, &fonts)?, report))
}

/// Converts every text cell of an .ods spreadsheet as [`fix_xlsx`] does an .xlsx: each run of
/// text in its span's, paragraph's or cell's font; legacy font families renamed; nothing else
/// changed.
pub fn fix_ods(bytes: &[u8]) -> Result<(Vec<u8>, Report), String> {
    let book = crate::ods::Book::read(bytes)?;
    let (runs, cells) = book.texts();
    let (texts, fonts, report) = fix_runs(&runs, &cells, book.font_names());
    Ok((book.write(&runs, &texts, &fonts)?, report))
}

/// The new text of each run (None where it stays), the Unicode font for each legacy font named,
/// and the report, for a workbook's runs and text cells.
fn fix_runs<'a>(
    runs: &[TextRun<'_>],
    cells: &[TextCell<'_>],
    font_names: impl Iterator<Item = &'a str>,
) -> (Vec<Option<String>>, HashMap<String, &'static str>, Report) {
    let fixed = fix_cells(runs.iter().map(|r| (r.text, r.font)), true);
    let mut report = Report::default();
    for cell in cells {
        let results: Vec<&Fixed> = cell.runs.iter().map(|&r| &fixed[r]).collect();
        let place = Place {
            sheet: cell.sheet.to_owned(),
            row: cell.row as usize,
            column: cell.column as usize,
        };
        if let Some(f) = results.iter().find(|f| f.ambiguous) {
            report.ambiguous.push((place, f.candidates.clone()));
        } else if let Some(f) = results.iter().find(|f| f.from != Encoding::Unicode) {
            *report.converted.entry(f.from.name()).or_default() += 1;
            report.changes.push((place, f.from));
        }
    }
    let texts = runs
        .iter()
        .zip(&fixed)
        .map(|(run, f)| (!f.ambiguous && f.text != run.text).then(|| f.text.clone()))
        .collect();
    // Legacy fonts, each replaced by the Unicode font its converted text is meant for.
    let fonts: HashMap<String, &'static str> = font_names
        .filter(|f| Encoding::of_font(f).is_some())
        .map(|f| (f.to_owned(), unicode_font(f)))
        .collect();
    report.fonts = fonts.iter().map(|(f, u)| (f.clone(), *u)).collect();
    report.fonts.sort();
    (texts, fonts, report)
}

/// Converts every text cell of a workbook and writes it to `out`. An .xlsx or an .ods keeps
/// everything but its text and its legacy font names (see [`fix_xlsx`], [`fix_ods`]); an .xls
/// becomes a new .xlsx of its values, each read in its cell's font, laid out as the .xls was
/// (see [`rewrite_xls`]; formulas become their values). `out` must name the kind written.
pub fn fix_workbook(input: &Path, out: &Path) -> Result<Report, FixError> {
    let file = input.display().to_string();
    let read_err = |why: String| FixError::Read {
        file: file.clone(),
        why,
    };
    let bytes = std::fs::read(input).map_err(|e| read_err(e.to_string()))?;
    let zipped = bytes.starts_with(b"PK");
    let (xlsx, ods) = (
        zipped && crate::xlsx::is_xlsx(&bytes),
        zipped && crate::ods::is_ods(&bytes),
    );
    if !xlsx && !ods && !crate::xls::is_xls(&bytes) {
        return Err(read_err(crate::sheets::not_a_workbook(&bytes)));
    }
    // What is written: the same kind for a package rewritten in place, else a new .xlsx.
    let (kind, extensions): (&str, &[&str]) = if ods {
        ("an .ods spreadsheet", &["ods"])
    } else if xlsx {
        ("an .xlsx workbook", &["xlsx", "xlsm"])
    } else {
        ("a new .xlsx workbook", &["xlsx"])
    };
    let extension = out.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !extensions.iter().any(|e| e.eq_ignore_ascii_case(extension)) {
        return Err(FixError::Write {
            file: out.display().to_string(),
            why: format!(
                "the converted file is {kind}: give --out a name ending in .{}",
                extensions[0]
            ),
        });
    }
    if xlsx || ods {
        let (fixed, report) = if xlsx {
            fix_xlsx(&bytes)
        } else {
            fix_ods(&bytes)
        }
        .map_err(read_err)?;
        write_whole(out, &fixed)?;
        return Ok(report);
    }
    let book = crate::xls::Workbook::read(&bytes).map_err(read_err)?;
    let (bytes, report) = rewrite_xls(&book).map_err(|e| FixError::Write {
        file: out.display().to_string(),
        why: e.to_string(),
    })?;
    write_whole(out, &bytes)?;
    Ok(report)
}

/// A new .xlsx of an .xls workbook's values with their text converted, each read in its cell's
/// font; each cell keeps its font (a legacy one becoming its Unicode counterpart), number format,
/// alignment and borders, and each sheet its merged ranges, column widths and row heights.
fn rewrite_xls(
    book: &crate::xls::Workbook,
) -> Result<(Vec<u8>, Report), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Format;
    let fonts = book.cell_fonts();
    let no_fonts = crate::xlsx::SheetFonts::new();
    let mut places = Vec::new();
    let mut cells = Vec::new();
    for sheet in &book.sheets {
        let fonts = fonts.get(&sheet.name).unwrap_or(&no_fonts);
        for ((row, column), cell) in &sheet.values {
            if let Data::String(s) = cell {
                places.push(Place {
                    sheet: sheet.name.clone(),
                    row: *row as usize + 1,
                    column: *column as usize + 1,
                });
                cells.push((s.as_str(), fonts.get(&(*row, *column)).map(String::as_str)));
            }
        }
    }
    let fixed = fix_cells(cells, true);
    let mut next = fixed.iter();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let mut formats: HashMap<u16, Format> = HashMap::new();
    for sheet in &book.sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name)?;
        let mut format_of = |r: u32, c: u32| -> Format {
            let Some(&xf) = sheet.cells.get(&(r, c)) else {
                return Format::default();
            };
            formats
                .entry(xf)
                .or_insert_with(|| carried_format(book, xf))
                .clone()
        };
        // An .xls width counts 1/256 of a character (seven pixels at the usual font), padding
        // included; pixels say it without the padding the .xlsx writer would add again.
        for &(first, last, width) in &sheet.columns {
            let pixels = (u32::from(width) * 7 + 128) / 256;
            for column in first..=last.min(16_383) {
                ws.set_column_width_pixels(column, pixels)?;
            }
        }
        for &(row, height) in &sheet.rows {
            ws.set_row_height(row, f64::from(height) / 20.0)?;
        }
        for &[r1, r2, c1, c2] in &sheet.merged {
            if (r1, c1) != (r2, c2) && r2 >= r1 && c2 >= c1 && c2 <= 16_383 {
                ws.merge_range(r1, c1 as u16, r2, c2 as u16, "", &format_of(r1, c1))?;
            }
        }
        // Blank cells that carry a format (the borders of a table's empty cells).
        let filled: std::collections::HashSet<(u32, u32)> =
            sheet.values.iter().map(|(at, _)| *at).collect();
        for &(r, c) in sheet.cells.keys() {
            if c <= 16_383 && !filled.contains(&(r, c)) {
                ws.write_blank(r, c as u16, &format_of(r, c))?;
            }
        }
        // An .xls sheet has 256 columns: every column fits.
        for &((r, c), ref cell) in &sheet.values {
            let (format, c) = (format_of(r, c), c as u16);
            match cell {
                Data::String(_) => {
                    let text = next.next().map_or("", |f| f.text.as_str());
                    ws.write_string_with_format(r, c, text, &format)?;
                }
                Data::Float(f) => {
                    ws.write_number_with_format(r, c, *f, &format)?;
                }
                Data::Bool(b) => {
                    ws.write_boolean_with_format(r, c, *b, &format)?;
                }
                Data::Empty => {}
                other => {
                    ws.write_string_with_format(r, c, other.to_string(), &format)?;
                }
            }
        }
    }
    let bytes = workbook.save_to_buffer()?;
    let mut report = Report::default();
    tally(&mut report, places, &fixed);
    Ok((bytes, report))
}

/// An .xls cell format as an .xlsx one: its font (a legacy font becoming the Unicode font its
/// converted text is meant for), number format, alignment, wrapping and borders.
fn carried_format(book: &crate::xls::Workbook, xf: u16) -> rust_xlsxwriter::Format {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, FormatUnderline};
    let mut out = Format::new();
    if let Some(font) = book.font(xf) {
        let name = if Encoding::of_font(&font.name).is_some() {
            unicode_font(&font.name)
        } else {
            font.name.as_str()
        };
        out = out.set_font_name(name);
        if font.height > 0 {
            out = out.set_font_size(f64::from(font.height) / 20.0);
        }
        if font.bold {
            out = out.set_bold();
        }
        if font.italic {
            out = out.set_italic();
        }
        if font.underline {
            out = out.set_underline(FormatUnderline::Single);
        }
        if font.strikeout {
            out = out.set_font_strikethrough();
        }
    }
    let Some(format) = book.format(xf) else {
        return out;
    };
    let index = format.number_format;
    if let Some(custom) = book.number_formats.get(&index) {
        out = out.set_num_format(custom);
    } else if let Ok(builtin) = u8::try_from(index)
        && builtin > 0
    {
        out = out.set_num_format_index(builtin);
    }
    let horizontal = match format.horizontal {
        1 => Some(FormatAlign::Left),
        2 => Some(FormatAlign::Center),
        3 => Some(FormatAlign::Right),
        4 => Some(FormatAlign::Fill),
        5 => Some(FormatAlign::Justify),
        6 => Some(FormatAlign::CenterAcross),
        7 => Some(FormatAlign::Distributed),
        _ => None,
    };
    let vertical = match format.vertical {
        0 => Some(FormatAlign::Top),
        1 => Some(FormatAlign::VerticalCenter),
        3 => Some(FormatAlign::VerticalJustify),
        4 => Some(FormatAlign::VerticalDistributed),
        _ => None,
    };
    for align in horizontal.into_iter().chain(vertical) {
        out = out.set_align(align);
    }
    if format.wrap {
        out = out.set_text_wrap();
    }
    let line = |style: u8| match style {
        1 => FormatBorder::Thin,
        2 => FormatBorder::Medium,
        3 => FormatBorder::Dashed,
        4 => FormatBorder::Dotted,
        5 => FormatBorder::Thick,
        6 => FormatBorder::Double,
        7 => FormatBorder::Hair,
        8 => FormatBorder::MediumDashed,
        9 => FormatBorder::DashDot,
        10 => FormatBorder::MediumDashDot,
        11 => FormatBorder::DashDotDot,
        12 => FormatBorder::MediumDashDotDot,
        13 => FormatBorder::SlantDashDot,
        _ => FormatBorder::None,
    };
    let [left, right, top, bottom] = format.borders.map(line);
    out.set_border_left(left)
        .set_border_right(right)
        .set_border_top(top)
        .set_border_bottom(bottom)
}

/// Writes a file whole ([`Whole`]): a failure leaves no half file.
fn write_whole(out: &Path, bytes: &[u8]) -> Result<(), FixError> {
    let written = Whole::create(out).and_then(|mut file| {
        file.write_all(bytes)?;
        file.commit()
    });
    written.map_err(|e| FixError::Write {
        file: out.display().to_string(),
        why: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use bamho_text::legacy::from_cp1252;
    use calamine::Reader as _;
    use rust_xlsxwriter::{Format, Workbook};

    use super::*;
    use crate::xlsx::tests::{legacy_book, part};

    /// The sheet of [`legacy_book`] once fixed, in whichever kind of workbook.
    fn assert_legacy_sheet_fixed(range: &calamine::Range<Data>) {
        let text = |r: u32, c: u32| range.get_value((r, c)).map(ToString::to_string);
        // The font settles it: .VnTimeH draws capitals, which the text alone would not say.
        assert_eq!(text(0, 0).as_deref(), Some("HÀ NỘI"));
        assert_eq!(text(1, 0).as_deref(), Some("Nguyễn Văn Hùng"));
        assert_eq!(text(2, 0).as_deref(), Some("Nguyễn Thị Hoa"));
        assert_eq!(text(3, 0).as_deref(), Some("x Thôn Kon Riêng"));
        assert_eq!(text(4, 0).as_deref(), Some("Đắk Glei"));
        assert_eq!(range.get_value((4, 1)), Some(&Data::Float(1250.0)));
    }

    /// What fixing [`legacy_book`] reports, in whichever kind of workbook that keeps its fonts.
    fn assert_legacy_report(report: &Report) {
        assert_eq!(report.converted.get("TCVN3 (ABC)"), Some(&3));
        assert_eq!(report.converted.get("VNI-Windows"), Some(&1));
        assert!(report.ambiguous.is_empty());
        assert_eq!(
            report.changes[0].0.to_string(),
            "sheet Danh sách, row 1, column A"
        );
        assert_eq!(
            report.fonts,
            vec![
                (".VnTime".to_owned(), "Times New Roman"),
                (".VnTimeH".to_owned(), "Times New Roman"),
                ("VNI-Times".to_owned(), "Times New Roman"),
            ]
        );
    }

    #[test]
    fn fix_rewrites_the_text_and_the_fonts_and_keeps_the_rest() {
        let original = legacy_book();
        let (fixed, report) = fix_xlsx(&original).unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(Cursor::new(&fixed)).unwrap();
        assert_legacy_sheet_fixed(&book.worksheet_range("Danh sách").unwrap());
        assert_legacy_report(&report);

        // Formatting stays: the merged title, the column width, bold; fonts are Unicode ones.
        let sheet = part(&fixed, "xl/worksheets/sheet1.xml");
        assert_eq!(sheet, part(&original, "xl/worksheets/sheet1.xml"));
        assert!(sheet.contains(r#"<mergeCell ref="A1:C1"/>"#), "{sheet}");
        let styles = part(&fixed, "xl/styles.xml");
        assert!(
            !styles.contains("VnTime") && !styles.contains("VNI-"),
            "{styles}"
        );
        assert!(styles.contains(r#"<name val="Times New Roman"/>"#) && styles.contains("<b/>"));
        let strings = part(&fixed, "xl/sharedStrings.xml");
        assert!(
            strings.contains(r#"<rFont val="Times New Roman"/>"#),
            "{strings}"
        );
    }

    #[test]
    fn an_ods_keeps_its_formatting_and_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let (input, out) = (dir.path().join("ds.ods"), dir.path().join("ds-unicode.ods"));
        std::fs::write(&input, crate::ods::tests::LEGACY).unwrap();
        let report = fix_workbook(&input, &out).unwrap();
        assert_legacy_report(&report);
        let mut book: calamine::Ods<_> = calamine::open_workbook(&out).unwrap();
        assert_legacy_sheet_fixed(&book.worksheet_range("Danh sách").unwrap());

        // The merged heading, the column width and bold stay; the faces are Unicode fonts.
        let fixed = std::fs::read(&out).unwrap();
        let content = part(&fixed, "content.xml");
        assert!(content.contains(r#"table:number-columns-spanned="3""#));
        assert!(content.contains(r#"style:column-width="3.139in""#));
        assert!(content.contains(r#"fo:font-weight="bold""#));
        assert!(!content.contains(r#"svg:font-family=".Vn"#));
        assert!(!content.contains(r#"svg:font-family="VNI"#));
        let styles = part(&fixed, "styles.xml");
        assert!(!styles.contains(r#"svg:font-family=".Vn"#));
        assert!(styles.contains(r#"svg:font-family="&apos;Times New Roman&apos;""#));
        for unchanged in ["settings.xml", "meta.xml", "mimetype"] {
            assert!(
                part(&fixed, unchanged) == part(crate::ods::tests::LEGACY, unchanged),
                "{unchanged} changed"
            );
        }
    }

    #[test]
    fn an_xls_becomes_an_xlsx_read_in_its_cells_fonts() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("ds.xls");
        std::fs::write(&input, include_bytes!("../testdata/legacy.xls")).unwrap();

        // An .xls is not written back as one: the name must say .xlsx, and nothing is written.
        let wrong = dir.path().join("ds-unicode.xls");
        let err = fix_workbook(&input, &wrong).unwrap_err().to_string();
        assert!(err.contains("ending in .xlsx"), "{err}");
        assert!(!wrong.exists());

        let out = dir.path().join("ds-unicode.xlsx");
        let report = fix_workbook(&input, &out).unwrap();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
        let range = book.worksheet_range("Danh sách").unwrap();
        assert_legacy_sheet_fixed(&range);
        assert_eq!(report.converted.get("TCVN3 (ABC)"), Some(&3));
        assert_eq!(report.converted.get("VNI-Windows"), Some(&1));

        // The layout comes along: the merged heading, the wide column, bold, the date's format,
        // the empty bordered cell; legacy fonts become Unicode ones.
        let fixed = std::fs::read(&out).unwrap();
        let sheet = part(&fixed, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains(r#"<mergeCell ref="A1:C1"/>"#), "{sheet}");
        assert!(
            sheet.contains(r#"<col min="1" max="1" width="32.28"#),
            "{sheet}"
        );
        assert!(sheet.contains(r#"<c r="A6" s="#), "{sheet}");
        let styles = part(&fixed, "xl/styles.xml");
        assert!(!styles.contains("VnTime") && !styles.contains("VNI-"));
        assert!(styles.contains(r#"<name val="Times New Roman"/>"#) && styles.contains("<b/>"));
        assert!(styles.contains(r#"<left style="thin">"#));
        assert_eq!(
            book.worksheet_range("Danh sách").unwrap().get_value((4, 2)),
            Some(&Data::DateTime(calamine::ExcelDateTime::new(
                45721.0,
                calamine::ExcelDateTimeType::DateTime,
                false
            )))
        );
    }

    #[test]
    fn text_with_markup_characters_survives_the_rewrite() {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        let tcvn3 = Format::new().set_font_name(".VnTime");
        let stored = format!("A & B <{}>", from_cp1252(b"Th\xabn"));
        ws.write_string_with_format(0, 0, &stored, &tcvn3).unwrap();
        ws.write_string(1, 0, "R&D \"x\" 'y'").unwrap();
        let (fixed, _) = fix_xlsx(&book.save_to_buffer().unwrap()).unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(Cursor::new(&fixed)).unwrap();
        let range = book.worksheet_range("Sheet1").unwrap();
        assert_eq!(range.get_value((0, 0)).unwrap().to_string(), "A & B <Thôn>");
        assert_eq!(
            range.get_value((1, 0)).unwrap().to_string(),
            "R&D \"x\" 'y'"
        );
    }

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
