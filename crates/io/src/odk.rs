//! Submissions of bamho's XLSForm (see [`crate::xlsform`]) as ODK Central and KoBoToolbox export
//! them — CSV (groups in the column names: `household-household_code`, `household/household_code`;
//! the members repeat in a file of its own, linked by `PARENT_KEY`) or JSON (groups as nested
//! objects or `group/field` keys, the members repeat as an array) — turned into the interchange
//! files households.csv and members.csv, which the ordinary readers then check row by row.
//!
//! A submission's row is the row of the export (the header is row 1), or its place in a JSON
//! export plus one.

use std::collections::HashMap;

use serde_json::Value;

use crate::errors::{Errors, RowError, RowRef};
use crate::households::COLUMNS as HOUSEHOLD;
use crate::members::MEMBER_COLUMNS;

/// Columns by which an export tells itself apart from bamho's own files.
const MARKERS: [&str; 8] = [
    "KEY",
    "PARENT_KEY",
    "meta-instanceID",
    "meta/instanceID",
    "instanceID",
    "_uuid",
    "__id",
    "_id",
];

/// A field's name without its groups: `household-household_code` → `household_code`.
pub fn field(name: &str) -> &str {
    name.rsplit(['/', '-', ':']).next().unwrap_or(name).trim()
}

/// Whether a CSV header is a submission export rather than one of bamho's own files.
pub fn is_submission_csv(header: &[String]) -> bool {
    header.iter().any(|h| MARKERS.contains(&h.as_str()))
        && header
            .iter()
            .any(|h| matches!(field(h), "household_code" | "full_name"))
}

/// One submission flattened: field → text, and its members.
#[derive(Debug, Default)]
struct Submission {
    fields: HashMap<String, String>,
    members: Vec<HashMap<String, String>>,
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        _ => None,
    }
}

fn flatten(value: &Value, into: &mut Submission, depth: usize) {
    let Value::Object(map) = value else {
        return;
    };
    for (k, v) in map {
        match v {
            Value::Object(_) if depth < 8 => flatten(v, into, depth + 1),
            Value::Array(items) if field(k) == "member" => {
                for item in items {
                    let mut m = Submission::default();
                    flatten(item, &mut m, depth + 1);
                    into.members.push(m.fields);
                }
            }
            other => {
                if let Some(t) = text(other) {
                    into.fields.insert(field(k).to_owned(), t);
                }
            }
        }
    }
}

fn csv_line(cells: &[String]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(cells);
    w.into_inner().unwrap_or_default()
}

/// The interchange files for `subs`: households.csv and members.csv text.
fn interchange(subs: &[Submission]) -> (Vec<u8>, Vec<u8>) {
    let indicators: Vec<String> = {
        let mut d: Vec<String> = subs
            .iter()
            .flat_map(|s| s.fields.keys())
            .filter(|k| {
                k.len() == 3 && k.starts_with('d') && k[1..].bytes().all(|b| b.is_ascii_digit())
            })
            .cloned()
            .collect();
        d.sort();
        d.dedup();
        d
    };
    let mut header: Vec<String> = HOUSEHOLD.iter().map(|s| (*s).to_owned()).collect();
    header.extend(indicators.iter().cloned());
    header.push("class".into());
    let mut households = csv_line(&header);
    let mut members = csv_line(&MEMBER_COLUMNS.map(str::to_owned));
    for s in subs {
        let get = |k: &str| s.fields.get(k).cloned().unwrap_or_default();
        let mut row: Vec<String> = HOUSEHOLD.iter().map(|k| get(k)).collect();
        row.extend(indicators.iter().map(|k| get(k)));
        row.push(String::new());
        households.extend(csv_line(&row));
        for (i, m) in s.members.iter().enumerate() {
            let mut cells = vec![get("household_code"), (i + 1).to_string()];
            // The member's own fields: every members.csv column after the household and number.
            cells.extend(
                MEMBER_COLUMNS[2..]
                    .iter()
                    .map(|k| m.get(*k).cloned().unwrap_or_default()),
            );
            members.extend(csv_line(&cells));
        }
    }
    (households, members)
}

/// Reads a JSON export (ODK Central's `{"value": […]}`, KoBo's `[…]` or `{"results": […]}`).
pub fn from_json(file: &str, bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Errors> {
    let at = RowRef {
        file: file.into(),
        row: 1,
    };
    let fail = |why: String| {
        let mut e = Errors::default();
        e.push(RowError::at(&at, "", "", why));
        e
    };
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| fail(format!("not valid JSON: {e}")))?;
    let items = match &value {
        Value::Array(items) => items.clone(),
        Value::Object(map) => match map.get("value").or_else(|| map.get("results")) {
            Some(Value::Array(items)) => items.clone(),
            _ => vec![value.clone()],
        },
        _ => return Err(fail("a submission export is a JSON array or object".into())),
    };
    let subs: Vec<Submission> = items
        .iter()
        .map(|item| {
            let mut s = Submission::default();
            flatten(item, &mut s, 0);
            s
        })
        .collect();
    if !subs.iter().any(|s| s.fields.contains_key("household_code")) {
        return Err(fail(
            "no submission of bamho's form: no household_code field".into(),
        ));
    }
    Ok(interchange(&subs))
}

/// Submissions read from CSV exports: main files and member repeat files, linked by key.
#[derive(Debug, Default)]
pub struct CsvSubmissions {
    subs: Vec<Submission>,
    /// Submission key (`KEY`, `meta-instanceID`) → index in `subs`.
    keys: HashMap<String, usize>,
    /// Member rows waiting for their submission: (where, parent key, fields).
    pending: Vec<(RowRef, String, HashMap<String, String>)>,
}

impl CsvSubmissions {
    /// Adds one CSV export (main submissions or the members repeat).
    pub fn add(&mut self, file: &str, header: &[String], rows: &[Vec<String>]) {
        let is_repeat = header.iter().any(|h| h == "PARENT_KEY");
        for (i, row) in rows.iter().enumerate() {
            let mut fields: HashMap<String, String> = HashMap::new();
            let mut key = String::new();
            let mut parent = String::new();
            for (h, v) in header.iter().zip(row) {
                match h.as_str() {
                    "KEY" | "meta-instanceID" | "meta/instanceID" | "_uuid" => {
                        if key.is_empty() {
                            key = v.clone();
                        }
                    }
                    "PARENT_KEY" => parent = v.clone(),
                    _ => {
                        fields.insert(field(h).to_owned(), v.trim().to_owned());
                    }
                }
            }
            if is_repeat {
                let at = RowRef {
                    file: file.into(),
                    row: i as u64 + 2,
                };
                self.pending.push((at, parent, fields));
            } else {
                if !key.is_empty() {
                    self.keys.insert(key, self.subs.len());
                }
                self.subs.push(Submission {
                    fields,
                    members: Vec::new(),
                });
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.subs.is_empty() && self.pending.is_empty()
    }

    /// The interchange files, once every export is added; a member whose submission is missing
    /// is an error.
    pub fn finish(mut self, errors: &mut Errors) -> (Vec<u8>, Vec<u8>) {
        for (at, parent, fields) in std::mem::take(&mut self.pending) {
            // ODK Central's repeat keys are the submission key followed by the repeat's path.
            let owner = self.keys.get(&parent).copied().or_else(|| {
                self.keys
                    .iter()
                    .find(|(k, _)| parent.starts_with(k.as_str()))
                    .map(|(_, i)| *i)
            });
            match owner {
                Some(i) => self.subs[i].members.push(fields),
                None => errors.push(RowError::at(
                    &at,
                    "PARENT_KEY",
                    &parent,
                    "no submission in the files given has this key: give the main export too",
                )),
            }
        }
        interchange(&self.subs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_lose_their_groups() {
        assert_eq!(field("household-household_code"), "household_code");
        assert_eq!(field("household/member/full_name"), "full_name");
        assert_eq!(field("d01"), "d01");
    }

    #[test]
    fn an_odk_central_json_export_becomes_the_interchange_files() {
        let json = br#"{"value": [{"__id": "uuid:1", "year": "2026",
            "household": {"household_code": "23365-900001", "province_code": "51", "commune_code": "23365",
              "village_code": "23365-T01", "area": "rural", "agricultural": "1", "head_name": "A Nhong",
              "head_ethnicity": "16", "members": 2},
            "member": [{"full_name": "A Nhong", "sex": "m", "birth_year": 1980, "ethnicity": "16", "relation": "head"},
                       {"full_name": "Y Hoa", "sex": "f", "birth_year": 1984, "ethnicity": "16", "relation": "spouse"}],
            "means": {"income_per_capita": 1200000},
            "deprivations": {"d01": "1", "d02": "0", "d03": "1"}}]}"#;
        let (households, members) = from_json("subs.json", json).unwrap();
        let households = String::from_utf8(households).unwrap();
        assert!(households.starts_with("year,household_code,province_code,commune_code,village_code,area,agricultural,head_ethnicity,members,income_per_capita,b1_score,d01,d02,d03,class\n"));
        assert!(
            households
                .contains("2026,23365-900001,51,23365,23365-T01,rural,1,16,2,1200000,,1,0,1,\n")
        );
        let members = String::from_utf8(members).unwrap();
        assert!(members.contains("23365-900001,2,Y Hoa,f,1984,16,,spouse\n"));
    }

    #[test]
    fn a_repeat_csv_finds_its_submission_by_key() {
        let mut subs = CsvSubmissions::default();
        let main = ["KEY", "year", "household-household_code"].map(str::to_owned);
        subs.add(
            "main.csv",
            &main,
            &[["uuid:9", "2026", "HH-1"].map(str::to_owned).to_vec()],
        );
        let repeat =
            ["member-full_name", "member-relation", "PARENT_KEY", "KEY"].map(str::to_owned);
        subs.add(
            "member.csv",
            &repeat,
            &[
                ["Y Hoa", "head", "uuid:9", "uuid:9/member[1]"]
                    .map(str::to_owned)
                    .to_vec(),
                ["A Lo", "child", "uuid:7", "uuid:7/member[1]"]
                    .map(str::to_owned)
                    .to_vec(),
            ],
        );
        let mut errors = Errors::default();
        let (_, members) = subs.finish(&mut errors);
        assert!(
            String::from_utf8(members)
                .unwrap()
                .contains("HH-1,1,Y Hoa,,,,,head")
        );
        assert_eq!(errors.list.len(), 1, "the member of a submission not given");
        assert!(errors.to_string().contains("member.csv") && errors.to_string().contains("uuid:7"));
    }
}
