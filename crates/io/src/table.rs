//! Reading a CSV file as a table of named columns, with every problem reported against its row and
//! column. A UTF-8 byte-order mark is accepted; text that is not UTF-8 is refused cell by cell.

use std::collections::HashMap;
use std::sync::Arc;

use crate::errors::{Errors, RowError, RowRef};

/// A CSV file's header and records, read whole.
#[derive(Debug)]
pub struct Table {
    pub file: Arc<str>,
    pub columns: Vec<String>,
    index: HashMap<String, usize>,
    records: Vec<csv::ByteRecord>,
    /// Rows above the header in the original spreadsheet (a title), so rows keep their numbers.
    offset: u64,
}

/// One record, with the means to read its cells and report problems.
#[derive(Debug)]
pub struct Row<'t> {
    table: &'t Table,
    record: &'t csv::ByteRecord,
    pub at: RowRef,
}

impl Table {
    pub fn read(file: &str, bytes: &[u8]) -> Result<Self, Errors> {
        let file: Arc<str> = Arc::from(file);
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let mut errors = Errors::default();
        let header = reader.byte_headers().cloned().map_err(|e| {
            let at = RowRef {
                file: file.clone(),
                row: 1,
            };
            let mut errors = Errors::default();
            errors.push(RowError::at(
                &at,
                "",
                "",
                format!("cannot read the header: {e}"),
            ));
            errors
        })?;
        let mut columns = Vec::new();
        for (i, cell) in header.iter().enumerate() {
            match std::str::from_utf8(cell) {
                Ok(name) => columns.push(name.trim().to_owned()),
                Err(_) => {
                    let at = RowRef {
                        file: file.clone(),
                        row: 1,
                    };
                    errors.push(RowError::at(&at, &format!("#{}", i + 1), "", not_utf8()));
                    columns.push(String::new());
                }
            }
        }
        let mut records = Vec::new();
        for (i, record) in reader.byte_records().enumerate() {
            match record {
                Ok(r) => records.push(r),
                Err(e) => {
                    let at = RowRef {
                        file: file.clone(),
                        row: i as u64 + 2,
                    };
                    errors.push(RowError::at(
                        &at,
                        "",
                        "",
                        format!("not a valid CSV row: {e}"),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let index = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect();
        Ok(Self {
            file,
            columns,
            index,
            records,
            offset: 0,
        })
    }

    pub fn has(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    /// The header stood on row `offset + 1` of the spreadsheet: rows are numbered from there.
    pub fn with_offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Reports each of `required` that the header lacks, against row 1.
    pub fn require(&self, required: &[&str], errors: &mut Errors) -> bool {
        let at = RowRef {
            file: self.file.clone(),
            row: 1 + self.offset,
        };
        let mut ok = true;
        for column in required {
            if !self.has(column) {
                errors.push(RowError::at(
                    &at,
                    column,
                    "",
                    "this column is missing from the header",
                ));
                ok = false;
            }
        }
        ok
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().enumerate().map(|(i, record)| Row {
            table: self,
            record,
            at: RowRef {
                file: self.file.clone(),
                row: i as u64 + 2 + self.offset,
            },
        })
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Every record as text (bytes that are not UTF-8 replaced), for adapters that reshape a file.
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        self.records
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect()
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

fn not_utf8() -> String {
    "the text is not UTF-8 (a legacy Vietnamese encoding such as TCVN3 or VNI?): save the file as \
     CSV UTF-8"
        .into()
}

impl Row<'_> {
    pub fn has(&self, column: &str) -> bool {
        self.table.has(column)
    }

    /// The trimmed text of a cell; an absent column or cell reads as empty.
    pub fn text(&self, column: &str, errors: &mut Errors) -> Option<&str> {
        let Some(&i) = self.table.index.get(column) else {
            return Some("");
        };
        let raw = self.record.get(i).unwrap_or_default();
        match std::str::from_utf8(raw) {
            Ok(s) => Some(s.trim()),
            Err(_) => {
                let shown = String::from_utf8_lossy(raw);
                errors.push(RowError::at(&self.at, column, &shown, not_utf8()));
                None
            }
        }
    }

    /// A required cell parsed by `parse`; an empty cell or a refused value is reported.
    pub fn parse<T, E: ToString>(
        &self,
        column: &str,
        errors: &mut Errors,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let text = self.text(column, errors)?;
        if text.is_empty() {
            self.error(column, "", "a value is required", errors);
            return None;
        }
        match parse(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(column, text, &e.to_string(), errors);
                None
            }
        }
    }

    /// An optional cell: `Some(None)` when empty, `None` when refused (and reported).
    pub fn optional<T, E: ToString>(
        &self,
        column: &str,
        errors: &mut Errors,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<Option<T>> {
        let text = self.text(column, errors)?;
        if text.is_empty() {
            return Some(None);
        }
        match parse(text) {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                self.error(column, text, &e.to_string(), errors);
                None
            }
        }
    }

    pub fn error(&self, column: &str, value: &str, reason: &str, errors: &mut Errors) {
        errors.push(RowError::at(&self.at, column, value, reason));
    }

    /// The raw cells, for rewriting the row.
    pub fn cells(&self) -> impl Iterator<Item = &[u8]> {
        self.record.iter()
    }
}

/// Parses "0"/"1".
pub fn flag(text: &str) -> Result<bool, &'static str> {
    match text {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err("write 0 or 1"),
    }
}

/// Parses a whole number within `range`.
pub fn number<T>(range: std::ops::RangeInclusive<T>) -> impl FnOnce(&str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    move |text| match text.parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "a whole number from {} to {} is expected",
            range.start(),
            range.end()
        )),
    }
}
