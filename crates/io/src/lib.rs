//! Files in and out of bamho: households.csv, members.csv and events.csv (DESIGN.md), each told by
//! its header, parsed into validated domain records with every error located by file, row, column
//! and value.

pub mod errors;
pub mod fixtext;
pub mod households;
pub mod members;
pub mod odk;
pub mod table;
pub mod workbook;
pub mod xlsform;

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
        let table = match Table::read(name, bytes) {
            Ok(t) => t,
            Err(e) => return errors.extend(e),
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
