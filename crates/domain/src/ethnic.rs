//! The 54 ethnic groups of Vietnam as a versioned code list with aliases (Decision 1019/QĐ-TCTK,
//! 2008). Lookup by name ignores case, diacritics, hyphens and spaces; an alias that two groups share
//! is reported as ambiguous rather than guessed.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

const ETHNIC_CSV: &str = include_str!("../data/ethnic_groups.csv");

/// The code list's version.
pub const LIST_VERSION: &str = "tctk-2008";
/// The code of the Kinh majority; every other group is an ethnic minority.
pub const KINH: &str = "01";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthnicGroup {
    /// "01" … "54".
    pub code: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// "V": the code's place in the list read in a public source; "U": not confirmed.
    pub confidence: String,
}

impl EthnicGroup {
    pub fn is_minority(&self) -> bool {
        self.code != KINH
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    Found(&'a EthnicGroup),
    Ambiguous(Vec<&'a EthnicGroup>),
    Unknown,
}

#[derive(Debug)]
pub struct EthnicGroups {
    groups: Vec<EthnicGroup>,
    /// The groups by folded name and alias, made when a group is first looked up by name (most
    /// commands only read codes).
    names: OnceLock<Names>,
}

#[derive(Debug, Default)]
struct Names {
    by_name: HashMap<String, usize>,
    by_alias: HashMap<String, Vec<usize>>,
}

impl Names {
    fn of(groups: &[EthnicGroup]) -> Self {
        let mut names = Self::default();
        for (index, group) in groups.iter().enumerate() {
            names
                .by_name
                .insert(bamho_text::match_key(&group.name), index);
            for alias in &group.aliases {
                let holders = names
                    .by_alias
                    .entry(bamho_text::match_key(alias))
                    .or_default();
                if !holders.contains(&index) {
                    holders.push(index);
                }
            }
        }
        names
    }
}

#[derive(Deserialize)]
struct Row {
    code: String,
    name: String,
    aliases: String,
    confidence: String,
}

impl EthnicGroups {
    pub fn national() -> &'static EthnicGroups {
        static GROUPS: OnceLock<EthnicGroups> = OnceLock::new();
        GROUPS.get_or_init(|| {
            Self::from_csv(ETHNIC_CSV)
                .unwrap_or_else(|e| panic!("embedded ethnic group list is malformed: {e}"))
        })
    }

    fn from_csv(text: &str) -> Result<Self, csv::Error> {
        let mut this = Self {
            groups: Vec::new(),
            names: OnceLock::new(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        for row in reader.deserialize::<Row>() {
            let row = row?;
            let aliases: Vec<String> = row
                .aliases
                .split(';')
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect();
            this.groups.push(EthnicGroup {
                code: row.code,
                name: row.name,
                aliases,
                confidence: row.confidence,
            });
        }
        Ok(this)
    }

    pub fn all(&self) -> &[EthnicGroup] {
        &self.groups
    }

    /// The group with this code ("01" … "54"; "1" is read as "01").
    pub fn by_code(&self, code: &str) -> Option<&EthnicGroup> {
        let n: usize = code.trim().parse().ok()?;
        self.groups
            .get(n.checked_sub(1)?)
            .filter(|g| g.code.parse() == Ok(n))
    }

    /// Finds a group by its code, its name or an alias, in any spelling.
    pub fn lookup(&self, text: &str) -> Lookup<'_> {
        if let Some(group) = self.by_code(text) {
            return Lookup::Found(group);
        }
        let names = self.names.get_or_init(|| Names::of(&self.groups));
        let key = bamho_text::match_key(text);
        if let Some(&i) = names.by_name.get(&key) {
            return Lookup::Found(&self.groups[i]);
        }
        match names.by_alias.get(&key).map(Vec::as_slice) {
            Some([i]) => Lookup::Found(&self.groups[*i]),
            Some(many) => Lookup::Ambiguous(many.iter().map(|i| &self.groups[*i]).collect()),
            None => Lookup::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_54_groups_numbered_in_order() {
        let groups = EthnicGroups::national();
        assert_eq!(groups.all().len(), 54);
        assert_eq!(groups.by_code("16").unwrap().name, "Xơ-đăng");
        assert_eq!(groups.by_code("1").unwrap().name, "Kinh");
        assert!(groups.by_code("55").is_none());
        assert!(groups.by_code("0").is_none());
    }

    #[test]
    fn names_match_without_diacritics_or_hyphens() {
        let groups = EthnicGroups::national();
        let code = |s| match groups.lookup(s) {
            Lookup::Found(g) => g.code.clone(),
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(code("Gie Trieng"), "29");
        assert_eq!(code("giẻ-triêng"), "29");
        assert_eq!(code("XO DANG"), "16");
        assert_eq!(code("Ca Dong"), "16");
        assert_eq!(code("H'Mông"), "08");
        assert!(matches!(groups.lookup("Xá Khao"), Lookup::Ambiguous(g) if g.len() == 2));
        assert_eq!(groups.lookup("Martian"), Lookup::Unknown);
    }
}
