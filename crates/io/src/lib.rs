//! Files in and out of bamho: households.csv, members.csv and events.csv (DESIGN.md), each told by
//! its header, parsed into validated domain records with every error located by file, row, column
//! and value.

pub mod errors;
pub mod fixtext;
pub mod households;
pub mod members;
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
}

impl Batch {
    /// Reads one file into the batch; errors are added to `errors`.
    pub fn read(&mut self, name: &str, bytes: &[u8], errors: &mut Errors) {
        let table = match Table::read(name, bytes) {
            Ok(t) => t,
            Err(e) => return errors.extend(e),
        };
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
}
