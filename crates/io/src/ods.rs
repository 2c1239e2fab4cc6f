//! Inside an OpenDocument spreadsheet (.ods), for what calamine does not tell: the font each text
//! cell is shown in (see [`crate::xlsx`] for why it matters), and a rewrite that changes only
//! chosen runs of text and the legacy font names, leaving every other part and byte as it was.
//!
//! A cell's text is a paragraph of character data broken by spans (`text:span`, each possibly in
//! its own font) and by spaces, tabs and line breaks written as elements; each unbroken stretch
//! of character data is one *run*, counted in document order.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer, XmlVersion};

use crate::package::{Package, Result, attr, push_reference, xml_error};
use crate::xlsx::{CellFonts, Extent, TextCell, TextRun};

const CONTENT: &str = "content.xml";
const STYLES: &str = "styles.xml";
/// A cell repeated past this many times has its font told for the first ones only.
const MAX_REPEATS: u32 = 4096;

/// Whether a zip archive is an OpenDocument spreadsheet.
pub fn is_ods(bytes: &[u8]) -> bool {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return false;
    };
    let Ok(mut mimetype) = archive.by_name("mimetype") else {
        return false;
    };
    let mut kind = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(&mut mimetype, 100), &mut kind).is_ok()
        && kind.trim() == "application/vnd.oasis.opendocument.spreadsheet"
}

/// The first family of a font-family list, unquoted: `'Times New Roman', serif` → Times New Roman.
fn first_family(list: &str) -> &str {
    let first = list.split(',').next().unwrap_or("").trim();
    first.trim_matches(|c| c == '\'' || c == '"')
}

/// A style being read: its family, its name (none for a family's default style), its parent, its
/// own font.
#[derive(Debug)]
struct StyleDef {
    family: String,
    name: Option<String>,
    parent: Option<String>,
    font: Option<String>,
}

/// The font faces and the styles of both parts that hold them, each style's own font.
#[derive(Debug, Default)]
struct Styles {
    /// Font family by font-face name.
    faces: HashMap<String, String>,
    /// (parent style, font) by (family, name).
    styles: HashMap<(String, String), (Option<String>, Option<String>)>,
    /// The default style's font by family.
    defaults: HashMap<String, String>,
}

impl Styles {
    fn read(&mut self, part: &str, xml: &[u8]) -> Result<()> {
        let mut reader = Reader::from_reader(xml);
        let mut open: Option<StyleDef> = None;
        loop {
            let event = reader.read_event().map_err(|e| xml_error(part, e))?;
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => match e.local_name().as_ref() {
                    "font-face" => {
                        if let Some(name) = attr(e, "name") {
                            let family = attr(e, "font-family")
                                .map(|f| first_family(&f).to_owned())
                                .unwrap_or_else(|| name.clone());
                            self.faces.insert(name, family);
                        }
                    }
                    tag @ ("style" | "default-style") => {
                        let style = StyleDef {
                            family: attr(e, "family").unwrap_or_default(),
                            name: (tag == "style").then(|| attr(e, "name")).flatten(),
                            parent: attr(e, "parent-style-name"),
                            font: None,
                        };
                        if empty {
                            self.close(style);
                        } else {
                            open = Some(style);
                        }
                    }
                    "text-properties" => {
                        if let Some(StyleDef { font, .. }) = open.as_mut() {
                            *font = attr(e, "font-name")
                                .map(|n| self.faces.get(&n).cloned().unwrap_or(n));
                            if font.is_none() {
                                *font = attr(e, "font-family").map(|f| first_family(&f).to_owned());
                            }
                        }
                    }
                    _ => {}
                },
                Event::End(e) if matches!(e.local_name().as_ref(), "style" | "default-style") => {
                    if let Some(style) = open.take() {
                        self.close(style);
                    }
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    fn close(&mut self, style: StyleDef) {
        match style.name {
            Some(name) => {
                self.styles
                    .insert((style.family, name), (style.parent, style.font));
            }
            None => {
                if let Some(font) = style.font {
                    self.defaults.insert(style.family, font);
                }
            }
        }
    }

    /// The font a style shows text in: its own, else its parents'.
    fn own_font(&self, family: &str, name: &str) -> Option<&str> {
        let mut name = name;
        // A bounded walk: a file may name a style its own parent.
        for _ in 0..32 {
            let (parent, font) = self.styles.get(&(family.to_owned(), name.to_owned()))?;
            if let Some(font) = font {
                return Some(font);
            }
            name = parent.as_deref()?;
        }
        None
    }

    /// The font of a cell style, down to the default cell style.
    fn cell_font(&self, name: Option<&str>) -> Option<&str> {
        name.and_then(|n| self.own_font("table-cell", n))
            .or_else(|| self.defaults.get("table-cell").map(String::as_str))
    }
}

/// A stretch of a cell's character data: its place among the runs, its text, and the font of the
/// span or paragraph it is in, when that names one.
#[derive(Debug)]
struct Run {
    ordinal: usize,
    text: String,
    font: Option<String>,
}

/// A text cell: 0-based row and column, how often it repeats down and across, its style's font,
/// its runs (indices into [`Book::runs`]).
#[derive(Debug)]
struct Cell {
    sheet: usize,
    row: u32,
    column: u32,
    rows: u32,
    columns: u32,
    font: Option<String>,
    runs: std::ops::Range<usize>,
}

/// What an event of content.xml is to a reader of cells.
enum Step {
    /// Character data of a cell's run; `new` on the run's first piece.
    Text {
        ordinal: usize,
        new: bool,
    },
    /// A cell ended: (row, column, rows, columns, style).
    CellEnd(u32, u32, u32, u32, Option<String>),
    Other,
}

/// Follows content.xml's tables, rows, cells and paragraphs, the same way for reading and for
/// rewriting, so that both count runs alike.
#[derive(Debug, Default)]
struct Walker {
    /// Each table column's default cell style, with how many columns it stands for.
    columns: Vec<(u32, Option<String>)>,
    row: u32,
    /// The row being read: how often it repeats, its default cell style.
    open_row: Option<(u32, Option<String>)>,
    column: u32,
    /// The cell being read: how often it repeats across, its style.
    cell: Option<(u32, Option<String>)>,
    /// The style names of the open paragraphs and spans inside the cell, with their families.
    nesting: Vec<(&'static str, Option<String>)>,
    /// Inside an annotation (a comment on the cell), whose text is not the cell's.
    annotation: usize,
    in_run: bool,
    runs: usize,
}

fn count(e: &BytesStart, name: &str) -> u32 {
    attr(e, name)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1u32)
        .max(1)
}

impl Walker {
    fn column_style(&self, column: u32) -> Option<String> {
        let mut first = 0u32;
        for (n, style) in &self.columns {
            first = first.saturating_add(*n);
            if column < first {
                return style.clone();
            }
        }
        None
    }

    fn step(&mut self, event: &Event) -> Step {
        let text = matches!(
            event,
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_)
        );
        if !text {
            self.in_run = false;
        }
        match event {
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) => {
                if self.cell.is_none() || self.nesting.is_empty() || self.annotation > 0 {
                    return Step::Other;
                }
                let new = !self.in_run;
                if new {
                    self.in_run = true;
                    self.runs += 1;
                }
                Step::Text {
                    ordinal: self.runs - 1,
                    new,
                }
            }
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    "table" => {
                        self.columns.clear();
                        self.row = 0;
                    }
                    "table-column" => self.columns.push((
                        count(e, "number-columns-repeated"),
                        attr(e, "default-cell-style-name"),
                    )),
                    "table-row" => {
                        let repeat = count(e, "number-rows-repeated");
                        if empty {
                            self.row = self.row.saturating_add(repeat);
                        } else {
                            self.open_row = Some((repeat, attr(e, "default-cell-style-name")));
                            self.column = 0;
                        }
                    }
                    "table-cell" | "covered-table-cell" => {
                        let repeat = count(e, "number-columns-repeated");
                        if empty {
                            self.column = self.column.saturating_add(repeat);
                        } else {
                            let style = attr(e, "style-name")
                                .or_else(|| self.open_row.as_ref().and_then(|(_, s)| s.clone()))
                                .or_else(|| self.column_style(self.column));
                            self.cell = Some((repeat, style));
                        }
                    }
                    "annotation" if !empty => self.annotation += 1,
                    tag @ ("p" | "h" | "span") if !empty && self.cell.is_some() => {
                        let family = if tag == "span" { "text" } else { "paragraph" };
                        self.nesting.push((family, attr(e, "style-name")));
                    }
                    _ => {}
                }
                Step::Other
            }
            Event::End(e) => match e.local_name().as_ref() {
                "table-row" => {
                    let (repeat, _) = self.open_row.take().unwrap_or((1, None));
                    self.row = self.row.saturating_add(repeat);
                    Step::Other
                }
                "table-cell" | "covered-table-cell" => {
                    let (repeat, style) = self.cell.take().unwrap_or((1, None));
                    let rows = self.open_row.as_ref().map_or(1, |(n, _)| *n);
                    let at = Step::CellEnd(self.row, self.column, rows, repeat, style);
                    self.column = self.column.saturating_add(repeat);
                    self.nesting.clear();
                    at
                }
                "annotation" => {
                    self.annotation = self.annotation.saturating_sub(1);
                    Step::Other
                }
                "p" | "h" | "span" if self.cell.is_some() => {
                    self.nesting.pop();
                    Step::Other
                }
                _ => Step::Other,
            },
            _ => Step::Other,
        }
    }
}

/// A spreadsheet read far enough to know each text cell's runs and font.
#[derive(Debug)]
pub struct Book {
    pkg: Package,
    styles: Styles,
    sheets: Vec<String>,
    runs: Vec<Run>,
    cells: Vec<Cell>,
    /// Where each sheet's values lie, repeated rows and cells counted (`None`: it has none).
    extents: Vec<Option<Extent>>,
}

impl Book {
    pub fn read(bytes: &[u8]) -> Result<Self> {
        let pkg = Package::read(bytes, ".ods")?;
        let mut styles = Styles::default();
        if let Some(xml) = pkg.part(STYLES) {
            styles.read(STYLES, xml)?;
        }
        let content = pkg
            .part(CONTENT)
            .ok_or("not an .ods spreadsheet: it has no content.xml")?;
        styles.read(CONTENT, content)?;
        let Scanned {
            sheets,
            runs,
            cells,
            extents,
        } = scan(content, &styles)?;
        Ok(Self {
            pkg,
            styles,
            sheets,
            runs,
            cells,
            extents,
        })
    }

    /// Each sheet's name and where its values lie.
    pub fn extents(&self) -> impl Iterator<Item = (&str, Option<Extent>)> {
        self.sheets
            .iter()
            .zip(&self.extents)
            .map(|(name, extent)| (name.as_str(), *extent))
    }

    /// The font a cell's text is shown in: its runs' own font when they name one, else its style's.
    fn font<'a>(&'a self, cell: &'a Cell) -> Option<&'a str> {
        self.runs[cell.runs.clone()]
            .iter()
            .find_map(|r| r.font.as_deref())
            .or(cell.font.as_deref())
    }

    /// Every run of text and every text cell, sheet by sheet, row by row; a repeated cell is
    /// told once, at its first place (1-based, as [`crate::xlsx::Book::texts`]).
    pub fn texts(&self) -> (Vec<TextRun<'_>>, Vec<TextCell<'_>>) {
        let mut runs = Vec::with_capacity(self.runs.len());
        let mut cells = Vec::with_capacity(self.cells.len());
        for cell in &self.cells {
            let first = runs.len();
            for run in &self.runs[cell.runs.clone()] {
                runs.push(TextRun {
                    text: &run.text,
                    font: run.font.as_deref().or(cell.font.as_deref()),
                    part: 0,
                    ordinal: run.ordinal,
                });
            }
            cells.push(TextCell {
                sheet: &self.sheets[cell.sheet],
                row: cell.row.saturating_add(1),
                column: cell.column.saturating_add(1),
                runs: (first..runs.len()).collect(),
            });
        }
        (runs, cells)
    }

    /// Every font family the spreadsheet's faces and styles name.
    pub fn font_names(&self) -> impl Iterator<Item = &str> {
        self.styles
            .faces
            .values()
            .chain(self.styles.styles.values().filter_map(|(_, f)| f.as_ref()))
            .chain(self.styles.defaults.values())
            .map(String::as_str)
    }

    /// Which font each text cell is shown in, by sheet and 0-based (row, column).
    pub fn cell_fonts(&self) -> CellFonts {
        let mut out = CellFonts::new();
        for cell in &self.cells {
            let Some(font) = self.font(cell) else {
                continue;
            };
            let fonts = out.entry(self.sheets[cell.sheet].clone()).or_default();
            let mut told = 0u32;
            'rows: for r in 0..cell.rows {
                for c in 0..cell.columns {
                    if told == MAX_REPEATS {
                        break 'rows;
                    }
                    told += 1;
                    let at = (cell.row.saturating_add(r), cell.column.saturating_add(c));
                    fonts.insert(at, font.to_owned());
                }
            }
        }
        out
    }

    /// The package again, each run given a new text in `texts` (by its index in `runs`, as
    /// [`Book::texts`] gave them) and the legacy font families in `fonts` renamed.
    pub fn write(
        &self,
        runs: &[TextRun<'_>],
        texts: &[Option<String>],
        fonts: &HashMap<String, &'static str>,
    ) -> Result<Vec<u8>> {
        let by_ordinal: HashMap<usize, &str> = runs
            .iter()
            .zip(texts)
            .filter_map(|(run, text)| Some((run.ordinal, text.as_deref()?)))
            .collect();
        let mut replaced = HashMap::new();
        for (i, (name, data)) in self.pkg.parts.iter().enumerate() {
            if name == CONTENT {
                replaced.insert(i, rewrite(name, data, &by_ordinal, fonts)?);
            } else if name == STYLES && !fonts.is_empty() {
                replaced.insert(i, rewrite(name, data, &HashMap::new(), fonts)?);
            }
        }
        self.pkg.write(&replaced)
    }
}

/// The sheet names, the runs and the text cells of content.xml.
/// What content.xml holds: the sheets' names, the runs of text, the text cells, and where each
/// sheet's values lie.
struct Scanned {
    sheets: Vec<String>,
    runs: Vec<Run>,
    cells: Vec<Cell>,
    extents: Vec<Option<Extent>>,
}

fn scan(xml: &[u8], styles: &Styles) -> Result<Scanned> {
    let (mut sheets, mut runs, mut cells) = (Vec::new(), Vec::<Run>::new(), Vec::new());
    let mut extents: Vec<Option<Extent>> = Vec::new();
    let mut reader = Reader::from_reader(xml);
    let mut walker = Walker::default();
    let mut first_run = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| xml_error(CONTENT, e))?;
        if let Event::Start(e) = &event
            && e.local_name().as_ref() == "table"
        {
            sheets.push(attr(e, "name").unwrap_or_default());
            extents.push(None);
        }
        // A cell with a value (or with content), repeated down its row's repeats and across its
        // own: the corners of the block it fills.
        if let Event::Start(e) | Event::Empty(e) = &event
            && e.local_name().as_ref() == "table-cell"
            && (matches!(event, Event::Start(_)) || attr(e, "value-type").is_some())
            && let Some(extent) = extents.last_mut()
        {
            let rows = walker.open_row.as_ref().map_or(1, |(n, _)| *n);
            let columns = count(e, "number-columns-repeated");
            let (row, column) = (
                walker.row.saturating_add(1),
                walker.column.saturating_add(1),
            );
            let grown = Extent::grow(*extent, row, column);
            *extent = Some(Extent::grow(
                Some(grown),
                row.saturating_add(rows - 1),
                column.saturating_add(columns - 1),
            ));
        }
        match walker.step(&event) {
            Step::Text { ordinal, new } => {
                if new {
                    let font = walker.nesting.iter().rev().find_map(|(family, style)| {
                        style.as_deref().and_then(|s| styles.own_font(family, s))
                    });
                    runs.push(Run {
                        ordinal,
                        text: String::new(),
                        font: font.map(str::to_owned),
                    });
                }
                if let Some(run) = runs.last_mut() {
                    match &event {
                        Event::Text(t) => run.text.push_str(&t.xml10_content()),
                        Event::CData(t) => run.text.push_str(&t.xml10_content()),
                        Event::GeneralRef(r) => push_reference(&mut run.text, r),
                        _ => {}
                    }
                }
            }
            Step::CellEnd(row, column, rows, columns, style) => {
                if runs.len() > first_run && !sheets.is_empty() {
                    cells.push(Cell {
                        sheet: sheets.len() - 1,
                        row,
                        column,
                        rows,
                        columns,
                        font: styles.cell_font(style.as_deref()).map(str::to_owned),
                        runs: first_run..runs.len(),
                    });
                }
                first_run = runs.len();
            }
            Step::Other => {}
        }
        if matches!(event, Event::Eof) {
            return Ok(Scanned {
                sheets,
                runs,
                cells,
                extents,
            });
        }
    }
}

/// Reads which font each text cell of an .ods spreadsheet is shown in.
pub fn cell_fonts(bytes: &[u8]) -> Result<CellFonts> {
    Ok(Book::read(bytes)?.cell_fonts())
}

/// The part again with the runs in `texts` (by ordinal) replaced and legacy font families
/// (a font face's `svg:font-family`, a text style's `fo:font-family`) renamed.
fn rewrite(
    part: &str,
    xml: &[u8],
    texts: &HashMap<usize, &str>,
    fonts: &HashMap<String, &'static str>,
) -> Result<Vec<u8>> {
    let mut reader = Reader::from_reader(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len()));
    let write_error = |e: std::io::Error| format!("cannot write part {part}: {e}");
    let mut walker = Walker::default();
    let mut replacing = false;
    loop {
        let event = reader.read_event().map_err(|e| xml_error(part, e))?;
        if matches!(event, Event::Eof) {
            break;
        }
        match walker.step(&event) {
            Step::Text { ordinal, new } => {
                if new {
                    replacing = false;
                    if let Some(text) = texts.get(&ordinal) {
                        replacing = true;
                        writer
                            .write_event(Event::Text(BytesText::new(text)))
                            .map_err(write_error)?;
                    }
                }
                if replacing {
                    continue;
                }
            }
            _ => replacing = false,
        }
        let event = match event {
            Event::Start(ref e) | Event::Empty(ref e) if !fonts.is_empty() => {
                match renamed(e, fonts) {
                    Some(e) if matches!(event, Event::Start(_)) => Event::Start(e),
                    Some(e) => Event::Empty(e),
                    None => event,
                }
            }
            other => other,
        };
        writer.write_event(event).map_err(write_error)?;
    }
    Ok(writer.into_inner())
}

/// The element with its legacy `font-family` attribute renamed, when it has one.
fn renamed(e: &BytesStart, fonts: &HashMap<String, &'static str>) -> Option<BytesStart<'static>> {
    let legacy = |a: &quick_xml::events::attributes::Attribute| {
        a.key.local_name().as_ref() == "font-family"
            && a.normalized_value(XmlVersion::Implicit1_0)
                .is_ok_and(|v| fonts.contains_key(first_family(&v)))
    };
    // An element whose attributes do not all read is left as it is: rebuilding it from the ones
    // that do would change it.
    let attributes: Vec<_> = e.attributes().collect::<std::result::Result<_, _>>().ok()?;
    if !attributes.iter().any(legacy) {
        return None;
    }
    let mut out = BytesStart::new(e.name().as_ref().to_owned());
    for a in attributes {
        if legacy(&a) {
            let old = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map(|v| first_family(&v).to_owned())
                .unwrap_or_default();
            let new = fonts.get(&old).copied().unwrap_or("Times New Roman");
            let key = a.key.as_ref().to_owned();
            out.push_attribute((key.as_str(), format!("'{new}'").as_str()));
        } else {
            out.push_attribute(a);
        }
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::{Cursor, Write};

    use super::*;
    use crate::xlsx::tests::part;

    /// The sheet of [`crate::xlsx::tests::legacy_book`], saved as .ods by LibreOffice Calc: a
    /// merged heading in `.VnTimeH`, names in `.VnTime` and `VNI-Times`, a span in `.VnTime`
    /// inside a cell of the default font, a Unicode cell, a number.
    pub(crate) const LEGACY: &[u8] = include_bytes!("../testdata/legacy.ods");

    /// A spreadsheet of one sheet whose content.xml body is `table`, with a cell style `vn` in
    /// `.VnTime` and a text style `vni` in `VNI-Times`.
    pub(crate) fn spreadsheet(table: &str) -> Vec<u8> {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"><office:font-face-decls><style:font-face style:name="VnTime1" svg:font-family="'.VnTime'"/></office:font-face-decls><office:automatic-styles><style:style style:name="vn" style:family="table-cell"><style:text-properties style:font-name="VnTime1"/></style:style><style:style style:name="vni" style:family="text"><style:text-properties fo:font-family="VNI-Times"/></style:style></office:automatic-styles><office:body><office:spreadsheet><table:table table:name="S">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", stored).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.start_file("META-INF/manifest.xml", stored).unwrap();
        zip.write_all(
            br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#,
        )
        .unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn each_text_cell_is_read_in_its_font() {
        assert!(is_ods(LEGACY));
        assert!(!is_ods(&crate::xlsx::tests::legacy_book()));
        let fonts = cell_fonts(LEGACY).unwrap();
        let sheet = crate::xlsx::tests::assert_legacy_fonts(&fonts);
        let font = |r, c| sheet.get(&(r, c)).map(String::as_str);
        // The cell's own style is the default font; its span names .VnTime.
        assert_eq!(font(3, 0), Some(".VnTime"));
        assert_eq!(font(4, 1), Some("Calibri"), "a number's text is shown too");
        assert_eq!(font(0, 1), None, "a covered cell has no text");
    }

    #[test]
    fn repeats_spaces_spans_and_comments_are_read_as_a_spreadsheet_shows_them() {
        let bytes = spreadsheet(
            r#"<table:table-column table:number-columns-repeated="2" table:default-cell-style-name="vn"/>
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"><text:p>Th&#171;n<text:s/>A</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell/><table:table-cell><office:annotation><text:p>ghi ch&#250;</text:p></office:annotation><text:p>x <text:span text:style-name="vni">Nguyeãn</text:span></text:p></table:table-cell></table:table-row>"#,
        );
        let book = Book::read(&bytes).unwrap();
        let (runs, cells) = book.texts();
        let texts: Vec<(&str, Option<&str>)> = runs.iter().map(|r| (r.text, r.font)).collect();
        assert_eq!(
            texts,
            [
                ("Th«n", Some(".VnTime")),
                ("A", Some(".VnTime")),
                ("x ", Some(".VnTime")),
                ("Nguyeãn", Some("VNI-Times")),
            ]
        );
        let places: Vec<(u32, u32)> = cells.iter().map(|c| (c.row, c.column)).collect();
        assert_eq!(places, [(1, 1), (3, 2)]);
        let fonts = &book.cell_fonts()["S"];
        assert_eq!(
            fonts.len(),
            5,
            "four repeats of one cell and one more: {fonts:?}"
        );
        assert_eq!(fonts[&(2, 1)], "VNI-Times");
    }

    #[test]
    fn a_rewrite_changes_only_the_chosen_runs_and_font_families() {
        let bytes = spreadsheet(
            r#"<table:table-row><table:table-cell table:style-name="vn"><office:annotation><text:p>a</text:p></office:annotation><text:p>Th&#171;n<text:s/>A &amp; B</text:p></table:table-cell></table:table-row>"#,
        );
        let book = Book::read(&bytes).unwrap();
        let (runs, _) = book.texts();
        let texts = vec![Some("Thôn".to_owned()), None];
        let fonts = HashMap::from([(".VnTime".to_owned(), "Times New Roman")]);
        let out = book.write(&runs, &texts, &fonts).unwrap();
        let xml = part(&out, CONTENT);
        assert!(
            xml.contains("<text:p>Thôn<text:s/>A &amp; B</text:p>"),
            "{xml}"
        );
        assert!(xml.contains("<office:annotation><text:p>a</text:p>"));
        assert!(xml.contains(r#"svg:font-family="&apos;Times New Roman&apos;""#));
        assert!(
            xml.contains(r#"style:name="VnTime1""#),
            "the face keeps its name"
        );
        // The mimetype stays first and uncompressed, as OpenDocument requires.
        let mut archive = zip::ZipArchive::new(Cursor::new(&out)).unwrap();
        let first = archive.by_index(0).unwrap();
        assert_eq!(first.name().unwrap(), "mimetype");
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    }

    #[test]
    fn an_element_whose_attributes_do_not_read_is_left_as_it_is() {
        let xml = br#"<s><f svg:font-family=".VnTime" junk/><f svg:font-family=".VnTime"/></s>"#;
        let fonts = HashMap::from([(".VnTime".to_owned(), "Times New Roman")]);
        let out = rewrite(STYLES, xml, &HashMap::new(), &fonts).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<s><f svg:font-family=".VnTime" junk/><f svg:font-family="&apos;Times New Roman&apos;"/></s>"#
        );
    }

    #[test]
    fn a_broken_spreadsheet_is_refused_with_the_part_named() {
        let bytes = spreadsheet("<table:table-row>");
        let err = Book::read(&bytes).unwrap_err();
        assert!(err.contains("content.xml"), "{err}");
    }
}
