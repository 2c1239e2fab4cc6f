//! The values of any workbook an officer uploads (.xlsx, .ods, .xls), sheet by sheet, and each
//! text cell's font: what the importer reads. An .xls is read by [`crate::xls`]; an .xlsx or an
//! .ods is measured by bamho's own reading of it, then its values read by calamine.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Ods, Reader, Xlsx, open_workbook_from_rs};

use crate::limits::MAX_SHEET_CELLS;
use crate::xlsx::{CellFonts, Extent};
use crate::{ods, xls, xlsx};

/// A sheet's values by 0-based (row, column); a later value for a cell replaces an earlier one.
pub type Values = Vec<((u32, u32), Data)>;

/// A workbook's sheets: name and values.
pub type Sheets = Vec<(String, Values)>;

/// The sheets of a workbook and the font of each text cell; the reason when it cannot be read.
pub fn read(bytes: &[u8]) -> Result<(Sheets, CellFonts), String> {
    if xls::is_xls(bytes) {
        let book = xls::Workbook::read(bytes)?;
        let fonts = book.cell_fonts();
        let sheets = book
            .sheets
            .into_iter()
            .map(|s| (s.name, s.values))
            .collect();
        Ok((sheets, fonts))
    } else if xlsx::is_xlsx(bytes) {
        let book = xlsx::Book::read(bytes)?;
        check_extents(book.extents())?;
        Ok((calamine_sheets::<Xlsx<_>>(bytes)?, book.cell_fonts()))
    } else if ods::is_ods(bytes) {
        let book = ods::Book::read(bytes)?;
        check_extents(book.extents())?;
        Ok((calamine_sheets::<Ods<_>>(bytes)?, book.cell_fonts()))
    } else {
        Err(not_a_workbook(bytes))
    }
}

/// Refuses a workbook whose values lie so far apart that the grid over them is larger than bamho
/// reads (two cells, at A1 and at XFD1048576, span seventeen billion cells; an .ods can repeat a
/// row a million times in a few bytes). Measured by bamho's own reading of the package, before
/// calamine lays the grid out.
fn check_extents<'a>(
    extents: impl Iterator<Item = (&'a str, Option<Extent>)>,
) -> Result<(), String> {
    for (name, extent) in extents {
        if let Some(extent) = extent.filter(|e| e.cells() > MAX_SHEET_CELLS) {
            return Err(format!(
                "sheet {name}: its values spread over rows {} to {} and columns {} to {}, \
                 {} cells — more than the {MAX_SHEET_CELLS} bamho reads from one sheet: remove \
                 what lies far outside the table, or split it",
                extent.rows.0,
                extent.rows.1,
                extent.columns.0,
                extent.columns.1,
                extent.cells()
            ));
        }
    }
    Ok(())
}

/// Why bytes that are neither a zip package nor a compound file are not read, in words an officer
/// can act on: portals often export a web page or an Excel 2003 XML file under an .xls name.
pub fn not_a_workbook(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let save = "open it in Excel or LibreOffice Calc and save it as an Excel workbook (.xlsx)";
    if head.starts_with('<') && (head.contains("<html") || head.contains("<table")) {
        format!("the file is a web page (HTML) under a spreadsheet's name, not a workbook: {save}")
    } else if head.starts_with("<?xml")
        && head.contains("urn:schemas-microsoft-com:office:spreadsheet")
    {
        format!("the file is an Excel 2003 XML spreadsheet, which bamho does not read: {save}")
    } else {
        "not a workbook bamho can read (neither .xlsx, .ods nor .xls)".into()
    }
}

/// The sheets of an .xlsx (`R` = [`Xlsx`]) or .ods ([`Ods`]) package, by calamine.
fn calamine_sheets<'b, R: Reader<Cursor<&'b [u8]>>>(bytes: &'b [u8]) -> Result<Sheets, String>
where
    R::Error: std::fmt::Display,
{
    let mut book = open_workbook_from_rs::<R, _>(Cursor::new(bytes))
        .map_err(|e| format!("not a workbook bamho can read: {e}"))?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("sheet {name}: {e}"))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let values = range
            .used_cells()
            .map(|(r, c, v)| ((top + r as u32, left + c as u32), v.clone()))
            .collect();
        sheets.push((name, values));
    }
    Ok(sheets)
}

/// A sheet's values as rows of text, each row as long as its last value (a whole number written
/// without decimals). Refused when that grid would hold more than [`MAX_SHEET_CELLS`].
pub fn rows(name: &str, values: &Values) -> Result<Vec<Vec<String>>, String> {
    let mut widths: BTreeMap<u32, u32> = BTreeMap::new();
    for &((r, c), _) in values {
        let width = widths.entry(r).or_default();
        *width = (*width).max(c.saturating_add(1));
    }
    let height = widths
        .last_key_value()
        .map_or(0, |(r, _)| u64::from(*r) + 1);
    let cells = height + widths.values().map(|w| u64::from(*w)).sum::<u64>();
    if cells > MAX_SHEET_CELLS {
        return Err(format!(
            "sheet {name} spreads over {height} rows and {} columns, more than the {MAX_SHEET_CELLS} \
             cells bamho reads from one sheet: split it, or remove what lies far outside the table",
            widths.values().max().copied().unwrap_or(0)
        ));
    }
    let mut rows = vec![Vec::new(); height as usize];
    for (&r, &width) in &widths {
        rows[r as usize] = vec![String::new(); width as usize];
    }
    for ((r, c), value) in values {
        rows[*r as usize][*c as usize] = match value {
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            other => other.to_string(),
        };
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_as_long_as_their_last_value_and_numbers_read_as_written() {
        let values = vec![
            ((0, 0), Data::String("Họ và tên".into())),
            ((0, 2), Data::Float(1985.0)),
            ((2, 1), Data::Float(2.5)),
            ((2, 1), Data::Bool(true)),
        ];
        let rows = rows("A", &values).unwrap();
        assert_eq!(
            rows,
            [
                vec!["Họ và tên".to_owned(), String::new(), "1985".into()],
                vec![],
                vec![String::new(), "true".into()],
            ]
        );
    }

    #[test]
    fn a_damaged_xls_is_refused_with_the_reason() {
        for (name, reason) in [
            ("truncated-fat", "the file ends before its contents do"),
            ("odd-sector", "the file ends before its contents do"),
            (
                "sector-past-end",
                "its parts do not hold together (Malformed FAT",
            ),
        ] {
            let path = format!("{}/testdata/damaged-{name}.xls", env!("CARGO_MANIFEST_DIR"));
            let why = read(&std::fs::read(path).unwrap()).unwrap_err();
            assert!(
                why.starts_with("a damaged .xls workbook: "),
                "{name}: {why}"
            );
            assert!(why.contains(reason), "{name}: {why}");
        }
    }

    #[test]
    fn an_xlsx_with_values_far_apart_is_refused_before_it_is_laid_out() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("Danh sách").unwrap();
        ws.write_string(0, 0, "Họ và tên").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let why = read(&bytes).unwrap_err();
        assert!(
            why.contains(
                "sheet Danh sách: its values spread over rows 1 to 1048576 and columns 1 to 16384"
            ),
            "{why}"
        );
        assert!(why.contains("17179869184 cells"), "{why}");
    }

    #[test]
    fn a_web_page_or_an_xml_spreadsheet_under_an_xls_name_is_named_as_such() {
        let page = "\u{feff}<html><body><table><tr><td>Họ và tên</td></tr></table></body></html>";
        let why = read(page.as_bytes()).unwrap_err();
        assert!(why.contains("a web page (HTML)"), "{why}");
        assert!(
            why.contains("save it as an Excel workbook (.xlsx)"),
            "{why}"
        );
        let xml = r#"<?xml version="1.0"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="A"/></Workbook>"#;
        let why = read(xml.as_bytes()).unwrap_err();
        assert!(why.contains("Excel 2003 XML spreadsheet"), "{why}");
        assert_eq!(
            read(b"Ho va ten;Nam sinh").unwrap_err(),
            "not a workbook bamho can read (neither .xlsx, .ods nor .xls)"
        );
    }

    #[test]
    fn an_ods_that_repeats_a_row_a_million_times_is_refused_before_it_is_laid_out() {
        let cell = |text: &str| {
            format!(
                r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
            )
        };
        let table = |repeats: u32| {
            format!(
                r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="{repeats}"><table:table-cell table:number-columns-repeated="100"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="99"/>{}</table:table-row>"#,
                cell("Họ và tên"),
                cell("y")
            )
        };
        // 990,002 rows of 100 columns: refused from 825 bytes, before anything is laid out.
        let bomb = crate::ods::tests::spreadsheet(&table(990_000));
        let why = read(&bomb).unwrap_err();
        assert!(
            why.contains("sheet S: its values spread over rows 1 to 990002 and columns 1 to 100"),
            "{why}"
        );
        // The same shape a few rows deep is read: the empty cells repeated across hold nothing.
        let (sheets, _) = read(&crate::ods::tests::spreadsheet(&table(3))).unwrap();
        let values: Vec<_> = sheets[0]
            .1
            .iter()
            .map(|(at, v)| (*at, v.to_string()))
            .collect();
        assert_eq!(
            values,
            [((0, 0), "Họ và tên".to_owned()), ((4, 99), "y".to_owned())]
        );
    }

    #[test]
    fn a_sheet_spread_far_beyond_its_values_is_refused() {
        let values: Values = (0..70_000)
            .map(|r| ((r, 255), Data::String("x".into())))
            .collect();
        let err = rows("Danh sách", &values).unwrap_err();
        assert!(
            err.contains("sheet Danh sách spreads over 70000 rows and 256 columns"),
            "{err}"
        );
    }
}
