//! Workbooks as officials expect them: a title and subtitle over each table, Vietnamese headings
//! in bold with borders, the header frozen and repeated on every printed page, whole numbers with
//! thousands separators, percentages with two decimals, A4 landscape fitted to the page width.
//!
//! A [`Sheet`] is plain data; [`write`] lays every sheet out the same way.

use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::whole::Whole;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A whole number, written with thousands separators.
    Count(u64),
    /// A percentage already multiplied by 100, written with two decimals.
    Percent(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Self {
        Self::Count(n)
    }
}

/// One sheet: a name (at most 31 characters), a title, a subtitle (year, standard, scope), the
/// column headings and the rows; `total` rows are set in bold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub title: String,
    pub subtitle: String,
    pub headers: Vec<String>,
    /// Column widths in characters; missing ones are worked out from the contents.
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<Cell>>,
    /// Indices into `rows` of the rows to set in bold (totals).
    pub bold_rows: Vec<usize>,
    /// A note under the table (sources, what the figures mean).
    pub note: String,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot write the workbook {path}: {source}")]
pub struct WorkbookError {
    path: String,
    source: XlsxError,
}

const FONT: &str = "Times New Roman";

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(12)
}

/// Writes `sheets` to `path` as one workbook, whole or not at all ([`Whole`]).
pub fn write(path: &Path, sheets: &[Sheet]) -> Result<(), WorkbookError> {
    let fail = |source| WorkbookError {
        path: path.display().to_string(),
        source,
    };
    let mut book = build(sheets).map_err(fail)?;
    let mut file = Whole::create(path).map_err(|e| fail(XlsxError::IoError(e)))?;
    book.save_to_writer(&mut file).map_err(fail)?;
    file.commit().map_err(|e| fail(XlsxError::IoError(e)))
}

/// The workbook's bytes, for answering a download.
pub fn to_bytes(sheets: &[Sheet]) -> Result<Vec<u8>, WorkbookError> {
    let fail = |source| WorkbookError {
        path: "(memory)".into(),
        source,
    };
    let mut book = build(sheets).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

fn build(sheets: &[Sheet]) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let title = base()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let subtitle = base().set_italic().set_align(FormatAlign::Center);
    let header = base()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color(0xE8EEF4);
    let text = base().set_border(FormatBorder::Thin);
    let count = base()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0");
    let percent = base().set_border(FormatBorder::Thin).set_num_format("0.00");
    let note = base().set_italic().set_font_size(10);
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&sheet.name))?;
        let columns = sheet.headers.len().max(1) as u16;
        let last = columns - 1;
        if last > 0 {
            ws.merge_range(0, 0, 0, last, &sheet.title, &title)?;
            ws.merge_range(1, 0, 1, last, &sheet.subtitle, &subtitle)?;
        } else {
            ws.write_string_with_format(0, 0, &sheet.title, &title)?;
            ws.write_string_with_format(1, 0, &sheet.subtitle, &subtitle)?;
        }
        let head_row = 3;
        ws.set_row_height(head_row, 32)?;
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(head_row, c as u16, h, &header)?;
        }
        for (i, row) in sheet.rows.iter().enumerate() {
            let r = head_row + 1 + i as u32;
            let bold = sheet.bold_rows.contains(&i);
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                let (text, count, percent) = if bold {
                    (
                        text.clone().set_bold(),
                        count.clone().set_bold(),
                        percent.clone().set_bold(),
                    )
                } else {
                    (text.clone(), count.clone(), percent.clone())
                };
                match cell {
                    Cell::Text(s) => ws.write_string_with_format(r, c, s, &text)?,
                    Cell::Count(n) => ws.write_number_with_format(r, c, *n as f64, &count)?,
                    Cell::Percent(p) => ws.write_number_with_format(r, c, *p, &percent)?,
                    Cell::Empty => ws.write_blank(r, c, &text)?,
                };
            }
        }
        if !sheet.note.is_empty() {
            let r = head_row + 2 + sheet.rows.len() as u32;
            ws.write_string_with_format(r, 0, &sheet.note, &note)?;
        }
        for c in 0..columns {
            let width = sheet.widths.get(c as usize).copied().unwrap_or_else(|| {
                let longest = std::iter::once(
                    sheet
                        .headers
                        .get(c as usize)
                        .map_or(0, |h| h.chars().count().min(24)),
                )
                .chain(sheet.rows.iter().map(|r| match r.get(c as usize) {
                    Some(Cell::Text(s)) => s.chars().count(),
                    Some(Cell::Count(n)) => n.to_string().len() + n.to_string().len() / 3,
                    Some(Cell::Percent(_)) => 6,
                    _ => 0,
                }))
                .max()
                .unwrap_or(8);
                (longest as f64 + 2.0).clamp(6.0, 48.0)
            });
            ws.set_column_width(c, width)?;
        }
        ws.set_freeze_panes(head_row + 1, 0)?;
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(head_row, head_row)?;
        ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    }
    Ok(book)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let cut: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    cut.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_cut_to_what_excel_accepts() {
        assert_eq!(
            sheet_name("Tổng hợp: theo xã/phường [2025] và thêm nữa"),
            "Tổng hợp theo xãphường 2025 và"
        );
    }

    #[test]
    fn a_workbook_is_a_zip_with_its_sheets() {
        let sheet = Sheet {
            name: "Tổng hợp".into(),
            title: "TỔNG HỢP".into(),
            subtitle: "Năm 2025".into(),
            headers: vec!["Xã".into(), "Số hộ".into(), "Tỷ lệ (%)".into()],
            rows: vec![
                vec![
                    "Xã Ngọc Linh".into(),
                    Cell::Count(1462),
                    Cell::Percent(41.5),
                ],
                vec!["Tổng".into(), Cell::Count(1462), Cell::Percent(41.5)],
            ],
            bold_rows: vec![1],
            ..Sheet::default()
        };
        let bytes = to_bytes(&[sheet]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
