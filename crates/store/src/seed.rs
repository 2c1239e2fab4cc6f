//! Rows of the reference tables, from the embedded national lists.

use bamho_domain::units::{self, Level, Units};

fn level(l: Level) -> &'static str {
    match l {
        Level::Province => "province",
        Level::District => "district",
        Level::Commune => "commune",
    }
}

/// Identifies the embedded lists; the tables are reloaded when it changes.
pub fn version() -> String {
    let u = Units::national();
    format!(
        "{} ({} units, {} successions)",
        units::source(),
        u.len(),
        u.successions().len()
    )
}

/// (level, code, name, kind, parent_code, valid_from, valid_to)
pub type UnitRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn units() -> Vec<UnitRow> {
    Units::national()
        .iter()
        .map(|(_, u)| {
            (
                level(u.level).to_owned(),
                u.code.to_owned(),
                u.name.to_owned(),
                u.kind.to_owned(),
                u.parent_code.map(str::to_owned),
                u.valid_from.map(|d| d.to_string()),
                u.valid_to.map(|d| d.to_string()),
            )
        })
        .collect()
}

/// (level, from_code, to_code, effective, legal_basis, is_default)
pub fn successions() -> Vec<(String, String, String, String, String, i64)> {
    let u = Units::national();
    u.successions()
        .iter()
        .map(|s| {
            (
                level(s.level).to_owned(),
                u.get(s.from).code.to_owned(),
                u.get(s.to).code.to_owned(),
                s.effective.to_string(),
                s.legal_basis.clone(),
                i64::from(s.is_default),
            )
        })
        .collect()
}
