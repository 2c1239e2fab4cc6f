//! Inside an .xlsx package, for what calamine does not tell: the font each text cell is shown in —
//! the strongest sign of a legacy Vietnamese encoding (`.VnTime` is TCVN3, `VNI-Times` is VNI) —
//! and a rewrite that changes only chosen runs of text and font names, leaving every other part of
//! the workbook (number formats, widths, merged cells, formulas, print setup) as it was.

use std::collections::HashMap;
use std::io::Cursor;

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, BytesText, Event};

use crate::package::{Package, Result, attr, push_reference, xml_error};

/// The sheets in workbook order: (name, part).
fn sheet_parts(pkg: &Package) -> Result<Vec<(String, String)>> {
    let mut targets = HashMap::new();
    if let Some(rels) = pkg.part("xl/_rels/workbook.xml.rels") {
        let mut reader = Reader::from_reader(rels);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e))
                    if e.local_name().as_ref() == "Relationship" =>
                {
                    if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                        let part = match target.strip_prefix('/') {
                            Some(absolute) => absolute.to_owned(),
                            None => format!("xl/{}", target.trim_start_matches("./")),
                        };
                        targets.insert(id, part);
                    }
                }
                Ok(Event::Eof) => break,
                Err(e) => return Err(xml_error("xl/_rels/workbook.xml.rels", e)),
                _ => {}
            }
        }
    }
    let workbook = pkg
        .part("xl/workbook.xml")
        .ok_or("not an .xlsx workbook: it has no xl/workbook.xml")?;
    let mut sheets = Vec::new();
    let mut reader = Reader::from_reader(workbook);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sheet" => {
                let part = attr(&e, "id").and_then(|id| targets.get(&id).cloned());
                if let (Some(name), Some(part)) = (attr(&e, "name"), part) {
                    sheets.push((name, part));
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(xml_error("xl/workbook.xml", e)),
            _ => {}
        }
    }
    Ok(sheets)
}

/// The fonts of styles.xml and the font of each cell style.
#[derive(Debug, Default)]
struct Styles {
    /// Font names by font id.
    fonts: Vec<String>,
    /// Font id by cell style (`cellXfs`), which a cell's `s` attribute counts in.
    cell_fonts: Vec<usize>,
}

impl Styles {
    fn read(pkg: &Package) -> Result<Self> {
        let mut styles = Self::default();
        let Some(xml) = pkg.part("xl/styles.xml") else {
            return Ok(styles);
        };
        let (mut in_fonts, mut in_font, mut in_xfs) = (false, false, false);
        let mut reader = Reader::from_reader(xml);
        loop {
            let event = reader.read_event();
            let (e, empty) = match event {
                Ok(Event::Start(e)) => (e, false),
                Ok(Event::Empty(e)) => (e, true),
                Ok(Event::End(e)) => {
                    match e.local_name().as_ref() {
                        "fonts" => in_fonts = false,
                        "font" => in_font = false,
                        "cellXfs" => in_xfs = false,
                        _ => {}
                    }
                    continue;
                }
                Ok(Event::Eof) => break,
                Err(e) => return Err(xml_error("xl/styles.xml", e)),
                _ => continue,
            };
            match e.local_name().as_ref() {
                "fonts" => in_fonts = !empty,
                "font" if in_fonts => {
                    styles.fonts.push(String::new());
                    in_font = !empty;
                }
                "name" if in_font => {
                    if let (Some(name), Some(last)) = (attr(&e, "val"), styles.fonts.last_mut()) {
                        *last = name;
                    }
                }
                "cellXfs" => in_xfs = !empty,
                "xf" if in_xfs => styles
                    .cell_fonts
                    .push(attr(&e, "fontId").and_then(|f| f.parse().ok()).unwrap_or(0)),
                _ => {}
            }
        }
        Ok(styles)
    }

    /// The font a cell of style `s` is shown in.
    fn font(&self, style: usize) -> Option<&str> {
        let id = self.cell_fonts.get(style).copied().unwrap_or(0);
        self.fonts
            .get(id)
            .map(String::as_str)
            .filter(|f| !f.is_empty())
    }
}

/// A `<t>` element: its place among the part's `<t>` elements, its text, and the font of the
/// rich-text run it is in.
#[derive(Debug)]
struct Run {
    ordinal: usize,
    text: String,
    font: Option<String>,
}

#[derive(Debug)]
enum CellText {
    /// An index into the shared strings.
    Shared(usize),
    Inline(Vec<Run>),
}

/// A text cell: 1-based row and column, its style, its text.
#[derive(Debug)]
struct Cell {
    row: u32,
    column: u32,
    style: usize,
    text: CellText,
}

/// What a part holds: shared strings (`<si>`) or a sheet's text cells.
#[derive(Debug, Default)]
struct Scanned {
    strings: Vec<Vec<Run>>,
    cells: Vec<Cell>,
    /// The first and last row and column (1-based) of the cells that hold a value.
    extent: Option<Extent>,
}

/// The first and last row, and the first and last column, of a sheet's values (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    pub rows: (u32, u32),
    pub columns: (u32, u32),
}

impl Extent {
    pub(crate) fn grow(extent: Option<Self>, row: u32, column: u32) -> Self {
        match extent {
            None => Self {
                rows: (row, row),
                columns: (column, column),
            },
            Some(Self { rows, columns }) => Self {
                rows: (rows.0.min(row), rows.1.max(row)),
                columns: (columns.0.min(column), columns.1.max(column)),
            },
        }
    }

    /// How many cells a grid over the values spans.
    pub fn cells(&self) -> u64 {
        u64::from(self.rows.1 - self.rows.0 + 1) * u64::from(self.columns.1 - self.columns.0 + 1)
    }
}

/// "B3" as (3, 2).
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    let mut column = 0u32;
    for b in letters.bytes() {
        if !b.is_ascii_uppercase() {
            return None;
        }
        column = column
            .checked_mul(26)?
            .checked_add(u32::from(b - b'A') + 1)?;
    }
    let row: u32 = digits.parse().ok()?;
    (row > 0 && column > 0).then_some((row, column))
}

/// Reads the runs of text of a shared-strings or sheet part, and a sheet's text cells. Phonetic
/// guides (`<rPh>`) are not the cell's text and are left out.
fn scan(part: &str, xml: &[u8]) -> Result<Scanned> {
    let mut out = Scanned::default();
    let mut reader = Reader::from_reader(xml);
    let mut ordinal = 0usize;
    let mut text: Option<String> = None;
    let mut value: Option<String> = None;
    let (mut phonetic, mut run_font) = (0usize, None::<String>);
    // The cell being read: (row, column, style, type), and its inline runs.
    let (mut row, mut column) = (0u32, 0u32);
    let mut cell: Option<(u32, u32, usize, String)> = None;
    let mut inline: Vec<Run> = Vec::new();
    let mut in_inline = false;
    let mut in_si = false;
    loop {
        let event = reader.read_event().map_err(|e| xml_error(part, e))?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(ref e) | Event::Empty(ref e)
                if matches!(e.local_name().as_ref(), "rFont" | "t" | "row" | "c") =>
            {
                match e.local_name().as_ref() {
                    "rFont" => run_font = attr(e, "val"),
                    "t" => {
                        ordinal += 1;
                        if empty {
                            continue;
                        }
                        text = Some(String::new());
                    }
                    "row" => {
                        row = attr(e, "r")
                            .and_then(|r| r.parse().ok())
                            .unwrap_or(row.saturating_add(1));
                        column = 0;
                    }
                    _ => {
                        let (r, c) = attr(e, "r")
                            .and_then(|r| cell_ref(&r))
                            .unwrap_or((row, column.saturating_add(1)));
                        (row, column) = (r, c);
                        let style = attr(e, "s").and_then(|s| s.parse().ok()).unwrap_or(0);
                        let kind = attr(e, "t").unwrap_or_default();
                        if !empty {
                            cell = Some((r, c, style, kind));
                            inline.clear();
                        }
                    }
                }
            }
            Event::Start(e) => match e.local_name().as_ref() {
                "si" => {
                    out.strings.push(Vec::new());
                    in_si = true;
                }
                "r" => run_font = None,
                "rPh" => phonetic += 1,
                "is" => in_inline = true,
                "v" => value = Some(String::new()),
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == "si" => out.strings.push(Vec::new()),
            Event::Text(t) => {
                if let Some(s) = text.as_mut().or(value.as_mut()) {
                    s.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(s) = text.as_mut().or(value.as_mut()) {
                    s.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(s) = text.as_mut().or(value.as_mut()) {
                    push_reference(s, &r);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "t" => {
                    if let Some(t) = text.take()
                        && phonetic == 0
                    {
                        let run = Run {
                            ordinal: ordinal - 1,
                            text: t,
                            font: run_font.clone(),
                        };
                        if in_inline {
                            inline.push(run);
                        } else if in_si && let Some(si) = out.strings.last_mut() {
                            si.push(run);
                        }
                    }
                }
                "r" => run_font = None,
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "si" => in_si = false,
                "is" => in_inline = false,
                "c" => {
                    let v = value.take();
                    if let Some((row, column, _, kind)) = &cell
                        && (v.is_some() || kind == "inlineStr")
                    {
                        out.extent = Some(Extent::grow(out.extent, *row, *column));
                    }
                    if let Some((row, column, style, kind)) = cell.take() {
                        let text = match kind.as_str() {
                            "s" => v.and_then(|v| v.trim().parse().ok()).map(CellText::Shared),
                            "inlineStr" => Some(CellText::Inline(std::mem::take(&mut inline))),
                            _ => None,
                        };
                        if let Some(text) = text {
                            out.cells.push(Cell {
                                row,
                                column,
                                style,
                                text,
                            });
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Whether a zip archive is an Office Open XML workbook (rather than, say, an OpenDocument one).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes))
        .is_ok_and(|archive| archive.index_for_name("xl/workbook.xml").is_some())
}

/// A workbook read far enough to know each text cell's runs and font.
#[derive(Debug)]
pub struct Book {
    pkg: Package,
    styles: Styles,
    /// The shared strings part's index in the package, and its strings.
    strings: Option<(usize, Vec<Vec<Run>>)>,
    /// (name, part index, text cells) in workbook order.
    sheets: Vec<(String, usize, Vec<Cell>)>,
    /// Where each sheet's values lie, in workbook order (`None`: it has none).
    extents: Vec<Option<Extent>>,
}

impl Book {
    pub fn read(bytes: &[u8]) -> Result<Self> {
        let pkg = Package::read(bytes, ".xlsx")?;
        let styles = Styles::read(&pkg)?;
        let strings = match pkg.index("xl/sharedStrings.xml") {
            Some(i) => Some((i, scan(&pkg.parts[i].0, &pkg.parts[i].1)?.strings)),
            None => None,
        };
        let (mut sheets, mut extents) = (Vec::new(), Vec::new());
        for (name, part) in sheet_parts(&pkg)? {
            let Some(i) = pkg.index(&part) else {
                continue;
            };
            let scanned = scan(&part, &pkg.parts[i].1)?;
            sheets.push((name, i, scanned.cells));
            extents.push(scanned.extent);
        }
        Ok(Self {
            pkg,
            styles,
            strings,
            sheets,
            extents,
        })
    }

    /// Each sheet's name and where its values lie.
    pub fn extents(&self) -> impl Iterator<Item = (&str, Option<Extent>)> {
        self.sheets
            .iter()
            .zip(&self.extents)
            .map(|((name, ..), extent)| (name.as_str(), *extent))
    }

    /// Which font each text cell is shown in, by sheet and 0-based (row, column).
    pub fn cell_fonts(&self) -> CellFonts {
        let mut out = CellFonts::new();
        for (name, _, cells) in &self.sheets {
            let fonts = out.entry(name.clone()).or_default();
            for cell in cells {
                if let Some(font) = self.font(cell) {
                    // Rows and columns count from 1; a file that says 0 has no such cell.
                    if let (Some(row), Some(column)) =
                        (cell.row.checked_sub(1), cell.column.checked_sub(1))
                    {
                        fonts.insert((row, column), font.to_owned());
                    }
                }
            }
        }
        out
    }

    fn shared(&self, i: usize) -> &[Run] {
        self.strings
            .as_ref()
            .and_then(|(_, s)| s.get(i))
            .map_or(&[], Vec::as_slice)
    }

    fn runs<'a>(&'a self, cell: &'a Cell) -> &'a [Run] {
        match &cell.text {
            CellText::Shared(i) => self.shared(*i),
            CellText::Inline(runs) => runs,
        }
    }

    /// The font a cell's text is shown in: its runs' own font when they name one, else its style's.
    fn font<'a>(&'a self, cell: &'a Cell) -> Option<&'a str> {
        self.runs(cell)
            .iter()
            .find_map(|r| r.font.as_deref())
            .or_else(|| self.styles.font(cell.style))
    }
}

/// The font of a sheet's text cells by 0-based (row, column).
pub type SheetFonts = HashMap<(u32, u32), String>;
/// The fonts of each sheet's text cells, by sheet name.
pub type CellFonts = HashMap<String, SheetFonts>;

/// Reads which font each text cell of an .xlsx workbook is shown in.
pub fn cell_fonts(bytes: &[u8]) -> Result<CellFonts> {
    Ok(Book::read(bytes)?.cell_fonts())
}

/// A run of text in the package: its text, and the font it is shown in — its own, else that of
/// the cells that show it when they agree.
#[derive(Debug)]
pub struct TextRun<'a> {
    pub text: &'a str,
    pub font: Option<&'a str>,
    /// The part it is in, and its place among that part's runs of text.
    pub(crate) part: usize,
    pub(crate) ordinal: usize,
}

/// A text cell: its sheet, row and column (from 1), and the runs that make its text (indices
/// into the runs [`Book::texts`] gives).
#[derive(Debug)]
pub struct TextCell<'a> {
    pub sheet: &'a str,
    pub row: u32,
    pub column: u32,
    pub runs: Vec<usize>,
}

impl Book {
    /// Every run of text (shared strings first, then each sheet's inline strings), and every text
    /// cell, sheet by sheet in workbook order, row by row.
    pub fn texts(&self) -> (Vec<TextRun<'_>>, Vec<TextCell<'_>>) {
        // The font each shared string is shown in, when every cell showing it agrees.
        let mut shared_font: HashMap<usize, Option<&str>> = HashMap::new();
        for cell in self.sheets.iter().flat_map(|(_, _, cells)| cells) {
            if let CellText::Shared(i) = cell.text {
                let font = self.styles.font(cell.style);
                shared_font
                    .entry(i)
                    .and_modify(|f| {
                        if *f != font {
                            *f = None;
                        }
                    })
                    .or_insert(font);
            }
        }
        let mut runs = Vec::new();
        let mut shared_runs: HashMap<usize, Vec<usize>> = HashMap::new();
        if let Some((part, strings)) = &self.strings {
            for (i, si) in strings.iter().enumerate() {
                let cell_font = shared_font.get(&i).copied().flatten();
                for run in si {
                    shared_runs.entry(i).or_default().push(runs.len());
                    runs.push(TextRun {
                        text: &run.text,
                        font: run.font.as_deref().or(cell_font),
                        part: *part,
                        ordinal: run.ordinal,
                    });
                }
            }
        }
        let mut cells = Vec::new();
        for (sheet, part, sheet_cells) in &self.sheets {
            let mut order: Vec<&Cell> = sheet_cells.iter().collect();
            order.sort_by_key(|c| (c.row, c.column));
            for cell in order {
                let indices = match &cell.text {
                    CellText::Shared(i) => shared_runs.get(i).cloned().unwrap_or_default(),
                    CellText::Inline(inline) => inline
                        .iter()
                        .map(|run| {
                            runs.push(TextRun {
                                text: &run.text,
                                font: run.font.as_deref().or(self.styles.font(cell.style)),
                                part: *part,
                                ordinal: run.ordinal,
                            });
                            runs.len() - 1
                        })
                        .collect(),
                };
                cells.push(TextCell {
                    sheet,
                    row: cell.row,
                    column: cell.column,
                    runs: indices,
                });
            }
        }
        (runs, cells)
    }

    /// Every font name the workbook uses: its styles' and its rich-text runs'.
    pub fn font_names(&self) -> impl Iterator<Item = &str> {
        let shared = self.strings.iter().flat_map(|(_, s)| s.iter().flatten());
        let inline = self
            .sheets
            .iter()
            .flat_map(|(_, _, cells)| cells)
            .flat_map(|c| match &c.text {
                CellText::Inline(runs) => runs.as_slice(),
                CellText::Shared(_) => &[],
            });
        self.styles
            .fonts
            .iter()
            .map(String::as_str)
            .chain(shared.chain(inline).filter_map(|r| r.font.as_deref()))
    }

    /// The package again, each run given a new text in `texts` (by its index in `runs`) written
    /// with it, and the fonts in `fonts` renamed. Every other part and byte stays as it was read.
    pub fn write(
        &self,
        runs: &[TextRun<'_>],
        texts: &[Option<String>],
        fonts: &HashMap<String, &'static str>,
    ) -> Result<Vec<u8>> {
        // The new text of each part's `<t>` elements, by ordinal.
        let mut by_part: HashMap<usize, HashMap<usize, String>> = HashMap::new();
        for (run, text) in runs.iter().zip(texts) {
            if let Some(text) = text {
                by_part
                    .entry(run.part)
                    .or_default()
                    .insert(run.ordinal, text.clone());
            }
        }
        let styles = self.pkg.index("xl/styles.xml");
        let no_texts = HashMap::new();
        let mut replaced = HashMap::new();
        for (i, (name, data)) in self.pkg.parts.iter().enumerate() {
            let part_texts = by_part.get(&i).unwrap_or(&no_texts);
            let has_fonts = Some(i) == styles
                || self.strings.as_ref().is_some_and(|(p, _)| *p == i)
                || self.sheets.iter().any(|(_, p, _)| *p == i);
            if !part_texts.is_empty() || (!fonts.is_empty() && has_fonts) {
                replaced.insert(i, rewrite(name, data, part_texts, fonts)?);
            }
        }
        self.pkg.write(&replaced)
    }
}

/// The part again, with the text of the `<t>` elements in `texts` (by ordinal) replaced and the
/// legacy font names (a font's `<name>`, a run's `<rFont>`) renamed.
fn rewrite(
    part: &str,
    xml: &[u8],
    texts: &HashMap<usize, String>,
    fonts: &HashMap<String, &'static str>,
) -> Result<Vec<u8>> {
    let mut reader = Reader::from_reader(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len()));
    let mut ordinal = 0usize;
    let mut replacing: Option<&String> = None;
    let write_error = |e: std::io::Error| format!("cannot write part {part}: {e}");
    loop {
        let event = reader.read_event().map_err(|e| xml_error(part, e))?;
        match event {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) if e.local_name().as_ref() == "t" => {
                if matches!(event, Event::Start(_)) {
                    replacing = texts.get(&ordinal);
                }
                ordinal += 1;
                writer.write_event(event).map_err(write_error)?;
            }
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) if replacing.is_some() => {}
            Event::End(e) if e.local_name().as_ref() == "t" => {
                if let Some(text) = replacing.take() {
                    writer
                        .write_event(Event::Text(BytesText::new(text)))
                        .map_err(write_error)?;
                }
                writer.write_event(Event::End(e)).map_err(write_error)?;
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if matches!(e.local_name().as_ref(), "name" | "rFont")
                    && attr(e, "val").is_some_and(|v| fonts.contains_key(&v))
                    // Rebuilt from its attributes only when they all read: else it would change.
                    && e.attributes().all(|a| a.is_ok()) =>
            {
                let tag = e.name().as_ref().to_owned();
                let mut renamed = BytesStart::new(tag);
                for a in e.attributes().flatten() {
                    if a.key.local_name().as_ref() == "val" {
                        let old = a
                            .normalized_value(XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                        let new = fonts.get(&old).copied().unwrap_or("Times New Roman");
                        renamed.push_attribute(("val", new));
                    } else {
                        renamed.push_attribute(a);
                    }
                }
                let out = if matches!(event, Event::Empty(_)) {
                    Event::Empty(renamed)
                } else {
                    Event::Start(renamed)
                };
                writer.write_event(out).map_err(write_error)?;
            }
            other => writer.write_event(other).map_err(write_error)?,
        }
    }
    Ok(writer.into_inner())
}

#[cfg(test)]
pub(crate) mod tests {
    use bamho_text::legacy::from_cp1252;
    use rust_xlsxwriter::{Format, Workbook};

    use std::io::Write;

    use super::*;

    /// A commune's sheet as old offices keep it: a heading in `.VnTimeH` (TCVN3 drawn as
    /// capitals), names in `.VnTime` and `VNI-Times`, a rich-text cell whose run names its font,
    /// a Unicode cell, a number, a date, a merged title, a wide column, a bordered empty cell.
    /// (`testdata/legacy.xls` and `.ods` are this workbook saved by LibreOffice Calc.)
    pub(crate) fn legacy_book() -> Vec<u8> {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("Danh sách").unwrap();
        let capitals = Format::new().set_font_name(".VnTimeH").set_bold();
        let tcvn3 = Format::new().set_font_name(".VnTime");
        let vni = Format::new().set_font_name("VNI-Times");
        ws.merge_range(0, 0, 0, 2, &from_cp1252(b"h\xb5 n\xe9i"), &capitals)
            .unwrap();
        ws.set_column_width(0, 31.5).unwrap();
        ws.write_string_with_format(1, 0, from_cp1252(b"Nguy\xd4n V\xa8n H\xefng"), &tcvn3)
            .unwrap();
        ws.write_string_with_format(2, 0, "Nguyeãn Thò Hoa", &vni)
            .unwrap();
        let plain = Format::new();
        let run = from_cp1252(b"Th\xabn Kon Ri\xaang");
        ws.write_rich_string(3, 0, &[(&plain, "x "), (&tcvn3, &run)])
            .unwrap();
        ws.write_string(4, 0, "Đắk Glei").unwrap();
        ws.write_number(4, 1, 1250.0).unwrap();
        // 5 March 2025, shown as a date; an empty cell with a border, as tables have.
        let date = Format::new().set_num_format("dd/mm/yyyy");
        ws.write_number_with_format(4, 2, 45721.0, &date).unwrap();
        let boxed = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
        ws.write_blank(5, 0, &boxed).unwrap();
        book.save_to_buffer().unwrap()
    }

    /// A part of the package as text.
    pub(crate) fn part(bytes: &[u8], name: &str) -> String {
        let pkg = Package::read(bytes, ".xlsx").unwrap();
        String::from_utf8(pkg.part(name).unwrap().to_vec()).unwrap()
    }

    #[test]
    fn cell_references_read_as_row_and_column() {
        assert_eq!(cell_ref("A1"), Some((1, 1)));
        assert_eq!(cell_ref("AB12"), Some((12, 28)));
        assert_eq!(cell_ref("12"), None);
        assert_eq!(cell_ref("a1"), None);
        assert_eq!(cell_ref("A0"), None);
    }

    /// The fonts every reader finds in [`legacy_book`], saved as whichever kind of workbook:
    /// the heading's, the names', and the workbook's default font. Returns the sheet's fonts.
    pub(crate) fn assert_legacy_fonts(fonts: &CellFonts) -> &SheetFonts {
        let sheet = &fonts["Danh sách"];
        let font = |r, c| sheet.get(&(r, c)).map(String::as_str);
        assert_eq!(font(0, 0), Some(".VnTimeH"));
        assert_eq!(font(1, 0), Some(".VnTime"));
        assert_eq!(font(2, 0), Some("VNI-Times"));
        assert_eq!(font(4, 0), Some("Calibri"), "the workbook's default font");
        sheet
    }

    #[test]
    fn each_text_cell_is_read_with_its_font() {
        let fonts = cell_fonts(&legacy_book()).unwrap();
        let sheet = assert_legacy_fonts(&fonts);
        assert_eq!(sheet[&(3, 0)], ".VnTime", "the run names its font");
        assert!(!sheet.contains_key(&(4, 1)), "numbers have no text");
    }

    #[test]
    fn a_broken_package_is_refused_with_the_reason() {
        assert!(Book::read(b"PK\x03\x04 not really").is_err());
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"<workbook><sheets><sheet name=\"a\"")
            .unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let why = Book::read(&bytes).err().unwrap();
        assert!(why.contains("xl/workbook.xml"), "{why}");
    }

    #[test]
    #[ignore = "writes the workbook testdata/legacy.xls and .ods are saved from"]
    fn write_legacy_book() {
        std::fs::write("legacy.xlsx", legacy_book()).unwrap();
    }
}
