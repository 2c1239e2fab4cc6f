//! Row-level errors: which file, row, column and value, and why — enough for an officer to fix the
//! spreadsheet. Rows are counted as a spreadsheet counts them: the header is row 1.

use std::fmt;
use std::sync::Arc;

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowRef {
    pub file: Arc<str>,
    pub row: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: Arc<str>,
    pub row: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: row {}", self.file, self.row)?;
        if !self.column.is_empty() {
            write!(f, ", column {}", self.column)?;
        }
        if !self.value.is_empty() {
            write!(f, ", value \"{}\"", self.value)?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl RowError {
    pub fn at(at: &RowRef, column: &str, value: &str, reason: impl Into<String>) -> Self {
        Self {
            file: at.file.clone(),
            row: at.row,
            column: column.to_owned(),
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Errors collected over a whole import, so the officer sees them all at once. Past `LIMIT` the
/// rest are counted, not kept.
#[derive(Debug, Default)]
pub struct Errors {
    pub list: Vec<RowError>,
    pub more: u64,
}

impl Errors {
    pub const LIMIT: usize = 500;

    pub fn push(&mut self, e: RowError) {
        if self.list.len() < Self::LIMIT {
            self.list.push(e);
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn extend(&mut self, other: Errors) {
        for e in other.list {
            self.push(e);
        }
        self.more += other.more;
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.list {
            writeln!(f, "{e}")?;
        }
        if self.more > 0 {
            writeln!(f, "… and {} more errors", self.more)?;
        }
        Ok(())
    }
}
