//! What follow-up records are made of, as data (`data/support.toml`): the causes of poverty of
//! report form 7.10, the kinds of support, the programmes and projects that pay for it, lenders and
//! loan programmes — and the arithmetic of a loan (maturity, balance, overdue).

use std::sync::OnceLock;

use serde::Deserialize;

use crate::classify::Lang;
use crate::types::{Date, Vnd};

const CATALOGUE: &str = include_str!("../data/support.toml");

/// A coded entry with its names and how sure its source is ("V", "P", "U").
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Entry {
    pub code: String,
    pub vi: String,
    pub en: String,
    pub confidence: String,
    /// The unit an in-kind quantity is counted in ("con", "m²"); kinds of support only.
    #[serde(default)]
    pub unit: String,
}

impl Entry {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Programme {
    pub code: String,
    pub vi: String,
    pub en: String,
    /// First and last year the programme runs.
    pub from: u16,
    pub to: u16,
    pub confidence: String,
    pub projects: Vec<Entry>,
}

impl Programme {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }

    pub fn runs_in(&self, year: u16) -> bool {
        (self.from..=self.to).contains(&year)
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct LoanProgramme {
    pub code: String,
    pub vi: String,
    pub en: String,
    /// The usual rate, percent a year.
    pub rate_percent: Option<f64>,
    /// The largest loan, in VND.
    pub ceiling: Option<u64>,
    pub confidence: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Catalogue {
    #[serde(rename = "cause")]
    pub causes: Vec<Entry>,
    #[serde(rename = "kind")]
    pub kinds: Vec<Entry>,
    #[serde(rename = "programme")]
    pub programmes: Vec<Programme>,
    #[serde(rename = "lender")]
    pub lenders: Vec<Entry>,
    #[serde(rename = "loan_programme")]
    pub loan_programmes: Vec<LoanProgramme>,
}

impl Catalogue {
    /// The catalogue built into bamho.
    pub fn embedded() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(|| match Catalogue::parse(CATALOGUE) {
            Ok(c) => c,
            Err(e) => panic!("the embedded support catalogue is invalid: {e}"),
        })
    }

    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn cause(&self, code: &str) -> Option<&Entry> {
        self.causes.iter().find(|c| c.code == code)
    }

    pub fn kind(&self, code: &str) -> Option<&Entry> {
        self.kinds.iter().find(|c| c.code == code)
    }

    pub fn programme(&self, code: &str) -> Option<&Programme> {
        self.programmes.iter().find(|p| p.code == code)
    }

    pub fn lender(&self, code: &str) -> Option<&Entry> {
        self.lenders.iter().find(|c| c.code == code)
    }

    pub fn loan_programme(&self, code: &str) -> Option<&LoanProgramme> {
        self.loan_programmes.iter().find(|c| c.code == code)
    }

    /// Checks a programme and optional project code pair: the project must belong to the
    /// programme.
    pub fn check_source(&self, programme: &str, project: Option<&str>) -> Result<(), String> {
        let Some(p) = self.programme(programme) else {
            return Err(format!("unknown programme {programme:?}"));
        };
        match project {
            Some(code) if !p.projects.iter().any(|x| x.code == code) => {
                Err(format!("programme {programme} has no project {code:?}"))
            }
            _ => Ok(()),
        }
    }

    /// "Giải quyết … (1719 · DA1)": a programme and project in words.
    pub fn source_label(&self, programme: &str, project: Option<&str>, lang: Lang) -> String {
        let Some(p) = self.programme(programme) else {
            return programme.to_owned();
        };
        match project.and_then(|c| p.projects.iter().find(|x| x.code == c)) {
            Some(x) => format!("{} ({} · {})", x.name(lang), p.code, x.code),
            None => p.name(lang).to_owned(),
        }
    }
}

/// A loan's terms and what has been paid back, for its balance and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoanTerms {
    pub amount: Vnd,
    pub disbursed_on: Date,
    pub term_months: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoanStatus {
    /// Paid back in full.
    Repaid,
    /// Outstanding, not yet due.
    Current,
    /// Past its maturity with a balance outstanding.
    Overdue,
}

impl LoanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Repaid => "repaid",
            Self::Current => "current",
            Self::Overdue => "overdue",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Repaid, Lang::Vi) => "Đã trả hết",
            (Self::Current, Lang::Vi) => "Trong hạn",
            (Self::Overdue, Lang::Vi) => "Quá hạn",
            (Self::Repaid, Lang::En) => "Repaid",
            (Self::Current, Lang::En) => "Current",
            (Self::Overdue, Lang::En) => "Overdue",
        }
    }
}

impl LoanTerms {
    /// The day the whole loan falls due.
    pub fn maturity(&self) -> Date {
        self.disbursed_on.add_months(self.term_months)
    }

    /// What remains of the principal after these repayments (never below nothing).
    pub fn balance(&self, repaid: impl IntoIterator<Item = Vnd>) -> Vnd {
        let paid: u64 = repaid.into_iter().map(Vnd::get).sum();
        Vnd::new(self.amount.get().saturating_sub(paid))
    }

    pub fn status(&self, balance: Vnd, today: Date) -> LoanStatus {
        if balance.get() == 0 {
            LoanStatus::Repaid
        } else if today > self.maturity() {
            LoanStatus::Overdue
        } else {
            LoanStatus::Current
        }
    }

    /// Short (≤ 12 months), medium (12–60) or long (> 60), as the bank counts terms.
    pub fn term_kind(&self, lang: Lang) -> &'static str {
        match (self.term_months, lang) {
            (0..=12, Lang::Vi) => "ngắn hạn",
            (13..=60, Lang::Vi) => "trung hạn",
            (_, Lang::Vi) => "dài hạn",
            (0..=12, Lang::En) => "short-term",
            (13..=60, Lang::En) => "medium-term",
            (_, Lang::En) => "long-term",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn the_catalogue_has_the_eight_causes_and_ten_kinds() {
        let c = Catalogue::embedded();
        assert_eq!(c.causes.len(), 8);
        assert_eq!(c.kinds.len(), 10);
        assert_eq!(c.cause("no_land").unwrap().vi, "Không có đất sản xuất");
        assert_eq!(c.programme("1719").unwrap().projects.len(), 10);
        assert_eq!(c.programme("90").unwrap().projects.len(), 7);
        assert!(c.programme("2026").unwrap().runs_in(2026));
        assert!(!c.programme("90").unwrap().runs_in(2026));
        assert_eq!(c.loan_programme("poor").unwrap().rate_percent, Some(6.6));
        for e in c.causes.iter().chain(&c.kinds).chain(&c.lenders) {
            assert!(
                ["V", "P", "U"].contains(&e.confidence.as_str()),
                "{}",
                e.code
            );
        }
    }

    #[test]
    fn a_project_must_belong_to_its_programme() {
        let c = Catalogue::embedded();
        assert!(c.check_source("90", Some("DA5")).is_ok());
        assert!(c.check_source("90", None).is_ok());
        assert!(c.check_source("90", Some("DA9")).is_err());
        assert!(c.check_source("135", None).is_err());
        assert_eq!(
            c.source_label("90", Some("DA5"), Lang::En),
            "Housing for poor and near-poor households (90 · DA5)"
        );
    }

    #[test]
    fn a_loan_falls_due_after_its_term_and_is_overdue_while_unpaid() {
        let loan = LoanTerms {
            amount: Vnd::new(50_000_000),
            disbursed_on: date("2023-01-31"),
            term_months: 13,
        };
        assert_eq!(loan.maturity(), date("2024-02-29"));
        let balance = loan.balance([Vnd::new(20_000_000), Vnd::new(10_000_000)]);
        assert_eq!(balance, Vnd::new(20_000_000));
        assert_eq!(
            loan.status(balance, date("2024-02-29")),
            LoanStatus::Current
        );
        assert_eq!(
            loan.status(balance, date("2024-03-01")),
            LoanStatus::Overdue
        );
        let paid = loan.balance([Vnd::new(60_000_000)]);
        assert_eq!(paid, Vnd::new(0));
        assert_eq!(loan.status(paid, date("2030-01-01")), LoanStatus::Repaid);
        assert_eq!(loan.term_kind(Lang::Vi), "trung hạn");
    }
}
