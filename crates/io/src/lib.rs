//! Files in and out of bamho: households.csv, members.csv and events.csv (DESIGN.md), each told by
//! its header, parsed into validated domain records with every error located by file, row, column
//! and value.

pub mod errors;
pub mod fixtext;
pub mod households;
pub mod limits;
pub mod members;
pub mod odk;
pub mod ods;
pub mod official;
mod package;
pub mod parquet;
pub mod sheets;
pub mod table;
pub mod whole;
pub mod workbook;
pub mod xls;
pub mod xlsform;
pub mod xlsx;

use bamho_domain::{HouseholdEvent, HouseholdYear, Member};

pub use errors::{Errors, RowError, RowRef};
pub use table::Table;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Households,
    Members,
    Events,
}

impl FileKind {
    /// Tells a file's kind by its header.
    pub fn detect(table: &Table) -> Option<Self> {
        if table.has("person_no") {
            Some(Self::Members)
        } else if table.has("event") {
            Some(Self::Events)
        } else if table.has("household_code") && table.has("year") {
            Some(Self::Households)
        } else {
            None
        }
    }
}

/// Everything read from a set of files, each record with the row it came from.
#[derive(Debug, Default)]
pub struct Batch {
    pub households: Vec<(RowRef, HouseholdYear)>,
    pub members: Vec<(RowRef, Member)>,
    pub events: Vec<(RowRef, HouseholdEvent)>,
    /// ODK/KoBo CSV exports read so far, turned into records by [`Batch::finish`].
    submissions: odk::CsvSubmissions,
    /// Text cells converted from legacy encodings: (file, encoding, cells).
    pub converted: Vec<(String, bamho_text::legacy::Encoding, usize)>,
}

impl Batch {
    /// Reads one file into the batch; errors are added to `errors`. ODK/KoBo submission exports
    /// in CSV wait for [`Batch::finish`] (their members may come in another file).
    pub fn read(&mut self, name: &str, bytes: &[u8], errors: &mut Errors) {
        let trimmed = bytes.trim_ascii_start();
        if name.to_ascii_lowercase().ends_with(".json")
            || trimmed.first().is_some_and(|b| matches!(b, b'{' | b'['))
        {
            match odk::from_json(name, bytes) {
                Ok((households, members)) => self.interchange(name, &households, &members, errors),
                Err(e) => errors.extend(e),
            }
            return;
        }
        let lower = name.to_ascii_lowercase();
        if [".xlsx", ".xlsm", ".xls", ".ods"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            return self.read_workbook(name, bytes, errors);
        }
        let utf8 = std::str::from_utf8(bytes).is_ok();
        let table = match Table::read(name, bytes) {
            Ok(t)
                if utf8
                    && (FileKind::detect(&t).is_some() || odk::is_submission_csv(&t.columns)) =>
            {
                t
            }
            // Not bamho's own columns, or text in a legacy encoding: read as an official list, with
            // the text converted.
            _ => return self.read_official_csv(name, bytes, errors),
        };
        if odk::is_submission_csv(&table.columns) {
            self.submissions
                .add(name, &table.columns, &table.text_rows());
            return;
        }
        let result = match FileKind::detect(&table) {
            Some(FileKind::Households) => {
                households::parse(&table, None).map(|r| self.households.extend(r))
            }
            Some(FileKind::Members) => {
                members::parse_members(&table).map(|r| self.members.extend(r))
            }
            Some(FileKind::Events) => members::parse_events(&table).map(|r| self.events.extend(r)),
            None => {
                let at = RowRef {
                    file: table.file.clone(),
                    row: 1,
                };
                let why = "not a bamho file: the header has neither household_code and year \
                           (households), person_no (members) nor event (events)";
                errors.push(RowError::at(&at, "", "", why));
                return;
            }
        };
        if let Err(e) = result {
            errors.extend(e);
        }
    }

    /// Reads one interchange table made from another file, rows numbered as in the original.
    fn read_table(&mut self, table: &Table, errors: &mut Errors) -> bool {
        let result = match FileKind::detect(table) {
            Some(FileKind::Households) => {
                households::parse(table, None).map(|r| self.households.extend(r))
            }
            Some(FileKind::Members) => {
                members::parse_members(table).map(|r| self.members.extend(r))
            }
            Some(FileKind::Events) => members::parse_events(table).map(|r| self.events.extend(r)),
            None => return false,
        };
        if let Err(e) = result {
            errors.extend(e);
        }
        true
    }

    fn read_prepared(
        &mut self,
        label: &str,
        rows: &[Vec<String>],
        unicode: &dyn Fn(usize) -> bool,
        fonts: &xlsx::SheetFonts,
        errors: &mut Errors,
    ) -> bool {
        let Some(p) = official::prepare(label, rows, unicode, fonts, errors) else {
            return false;
        };
        for (encoding, n) in &p.converted {
            self.converted.push((label.to_owned(), *encoding, *n));
        }
        match Table::read(label, &p.csv) {
            Ok(t) => self.read_table(&t.with_offset(p.offset), errors),
            Err(e) => {
                errors.extend(e);
                true
            }
        }
    }

    fn read_official_csv(&mut self, name: &str, bytes: &[u8], errors: &mut Errors) {
        let (text, lines) = bamho_text::legacy::decode_lines(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        // Each record remembers whether the line it starts on was UTF-8.
        let mut utf8 = Vec::new();
        let mut rows: Vec<Vec<String>> = Vec::new();
        for record in reader.records().filter_map(Result::ok) {
            let line = record
                .position()
                .map_or(0, |p| p.line().saturating_sub(1) as usize);
            utf8.push(lines.get(line).copied().unwrap_or(true));
            rows.push(record.iter().map(str::to_owned).collect());
        }
        let unicode = |r: usize| utf8.get(r).copied().unwrap_or(true);
        if !self.read_prepared(name, &rows, &unicode, &Default::default(), errors) {
            errors.push(RowError::at(
                &RowRef {
                    file: name.into(),
                    row: 1,
                },
                "",
                "",
                "not a file bamho knows: no header with bamho's columns or the headings of an \
                 official list (Mã hộ, Họ và tên, Năm sinh, …) in the first ten rows",
            ));
        }
    }

    fn read_workbook(&mut self, name: &str, bytes: &[u8], errors: &mut Errors) {
        let at = RowRef {
            file: name.into(),
            row: 1,
        };
        if bytes.starts_with(b"PK")
            && let Err(why) = limits::check_workbook(bytes)
        {
            errors.push(RowError::at(&at, "", "", why));
            return;
        }
        // The cells' fonts come along: they settle legacy encodings.
        let (sheets, fonts) = match sheets::read(bytes) {
            Ok(read) => read,
            Err(why) => return errors.push(RowError::at(&at, "", "", why)),
        };
        let no_fonts = xlsx::SheetFonts::new();
        let mut any = false;
        for (sheet, values) in &sheets {
            let rows = match sheets::rows(sheet, values) {
                Ok(rows) => rows,
                Err(why) => return errors.push(RowError::at(&at, "", "", why)),
            };
            let label = format!("{name}, sheet {sheet}");
            let sheet_fonts = fonts.get(sheet).unwrap_or(&no_fonts);
            any |= self.read_prepared(&label, &rows, &|_| true, sheet_fonts, errors);
        }
        if !any {
            errors.push(RowError::at(
                &at,
                "",
                "",
                "no sheet has a header bamho knows (bamho's columns, or Mã hộ, Họ và tên, Năm \
                 sinh, … in its first ten rows)",
            ));
        }
    }

    /// Reads the interchange files made from a submission export.
    fn interchange(&mut self, name: &str, households: &[u8], members: &[u8], errors: &mut Errors) {
        let label = format!("{name} (submissions)");
        for bytes in [households, members] {
            let table = match Table::read(&label, bytes) {
                Ok(t) => t,
                Err(e) => return errors.extend(e),
            };
            if table.is_empty() {
                continue;
            }
            let result = match FileKind::detect(&table) {
                Some(FileKind::Members) => {
                    members::parse_members(&table).map(|r| self.members.extend(r))
                }
                _ => households::parse(&table, None).map(|r| self.households.extend(r)),
            };
            if let Err(e) = result {
                errors.extend(e);
            }
        }
    }

    /// Turns the submission exports read so far into records. Call once every file is read.
    pub fn finish(&mut self, errors: &mut Errors) {
        let submissions = std::mem::take(&mut self.submissions);
        if submissions.is_empty() {
            return;
        }
        let (households, members) = submissions.finish(errors);
        self.interchange("ODK/KoBo export", &households, &members, errors);
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever a user uploads — CSV, "JSON", "xlsx" — reading it ends in records or row
        /// errors, never a panic.
        #[test]
        fn any_file_is_read_or_refused_without_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..512),
            name in prop::sample::select(vec!["a.csv", "a.json", "a.xlsx", "a.ods"]),
        ) {
            let mut batch = Batch::default();
            let mut errors = Errors::default();
            batch.read(name, &bytes, &mut errors);
            batch.finish(&mut errors);
        }

        /// A header bamho knows over rows of anything.
        #[test]
        fn any_rows_under_a_known_header_are_read_or_refused(
            rows in proptest::collection::vec(proptest::collection::vec("[^\\n\\r\"]{0,12}", 8), 0..6),
        ) {
            let mut text = String::from("Mã hộ,STT trong hộ,Họ và tên,Giới tính,Năm sinh,Dân tộc,Số CCCD,Quan hệ\n");
            for r in &rows {
                text.push_str(&r.join(","));
                text.push('\n');
            }
            let mut batch = Batch::default();
            let mut errors = Errors::default();
            batch.read("list.csv", text.as_bytes(), &mut errors);
            prop_assert!(
                rows.is_empty() || !batch.members.is_empty() || !errors.is_empty(),
                "every row is either read or refused"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use bamho_text::legacy::{Encoding, from_cp1252};
    use rust_xlsxwriter::{Format, Workbook};

    use super::*;

    /// A list of members with names typed in .VnTimeH, which draws TCVN3's small letters as
    /// capitals, and in VNI-Times: only the font says the first is "HÀ THỊ LAN", not "Hà Thị Lan".
    /// (`testdata/official-list.xls` and `.ods` are this workbook saved by LibreOffice Calc.)
    fn official_list() -> Vec<u8> {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        let headings = [
            "Mã hộ",
            "STT trong hộ",
            "Họ và tên",
            "Giới tính",
            "Năm sinh",
            "Dân tộc",
            "Quan hệ",
        ];
        for (c, h) in headings.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        let capitals = Format::new().set_font_name(".VnTimeH");
        let vni = Format::new().set_font_name("VNI-Times");
        for (r, name, format) in [
            (1, from_cp1252(b"h\xb5 th\xde lan"), &capitals),
            (2, "Nguyeãn Vaên Huøng".to_owned(), &vni),
        ] {
            let row = [
                "HH-7",
                &r.to_string(),
                "",
                if r == 1 { "Nữ" } else { "Nam" },
                "1980",
                "Kinh",
                if r == 1 { "Chủ hộ" } else { "Chồng" },
            ];
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r, c as u16, *v).unwrap();
            }
            ws.write_string_with_format(r, 2, &name, format).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    /// Reads an official list and checks each name was read in its cell's font.
    fn assert_read_in_each_cells_font(name: &str, bytes: &[u8]) {
        let mut batch = Batch::default();
        let mut errors = Errors::default();
        batch.read(name, bytes, &mut errors);
        assert!(errors.is_empty(), "{errors}");
        let names: Vec<&str> = batch
            .members
            .iter()
            .map(|(_, m)| m.full_name.as_str())
            .collect();
        assert_eq!(names, ["HÀ THỊ LAN", "Nguyễn Văn Hùng"]);
        let encodings: Vec<Encoding> = batch.converted.iter().map(|(_, e, _)| *e).collect();
        assert_eq!(encodings, [Encoding::Tcvn3, Encoding::Vni]);
    }

    #[test]
    fn an_official_list_in_a_workbook_is_read_in_each_cells_font() {
        assert_read_in_each_cells_font("list.xlsx", &official_list());
        assert_read_in_each_cells_font("list.xls", include_bytes!("../testdata/official-list.xls"));
        assert_read_in_each_cells_font("list.ods", include_bytes!("../testdata/official-list.ods"));
    }

    #[test]
    #[ignore = "writes the workbook the .xls and .ods test files are saved from"]
    fn write_official_list() {
        std::fs::write("official-list.xlsx", official_list()).unwrap();
    }
}
