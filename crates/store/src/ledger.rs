//! What helps a household and what held it back: causes of poverty by year, pairing with a
//! better-off household (kết nghĩa) and its activities, study tours, the support ledger and loans
//! with their repayments. Also the bulk load that brings a whole district's follow-up records in
//! one transaction.

use async_trait::async_trait;
use bamho_domain::{Date, LoanStatus, LoanTerms, Vnd};
use serde::Serialize;

use crate::StoreError;
use crate::followup::NewSupporter;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CauseRow {
    pub year: u16,
    pub cause: String,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct NewTwinning {
    /// The poor household being helped.
    pub household_code: String,
    /// The helping household, when it is registered.
    pub helper_code: Option<String>,
    pub helper_name: String,
    pub from_date: String,
    pub commitments: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityRow {
    pub on_date: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TwinningRow {
    pub id: i64,
    /// The household helped.
    pub household_code: String,
    pub helper_code: Option<String>,
    pub helper_name: String,
    pub from_date: String,
    pub to_date: Option<String>,
    pub commitments: String,
    pub activities: Vec<ActivityRow>,
}

#[derive(Debug, Clone)]
pub struct NewTour {
    pub commune_code: String,
    pub held_on: String,
    pub model: String,
    pub organiser: String,
    /// (household code, what it plans to apply)
    pub participants: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TourRow {
    pub id: i64,
    pub commune_code: String,
    pub held_on: String,
    pub model: String,
    pub organiser: String,
    pub participants: u32,
}

/// A household's part in a study tour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TourPartRow {
    pub tour_id: i64,
    pub held_on: String,
    pub model: String,
    pub organiser: String,
    pub plan: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewSupport {
    pub household_code: String,
    pub given_on: String,
    pub programme: String,
    pub project: Option<String>,
    pub kind: String,
    /// Money, in VND.
    pub amount: Option<u64>,
    /// In kind, counted in the kind's unit.
    pub quantity: Option<u64>,
    /// Who delivered it ("UBND xã", "Hội Nông dân").
    pub provider: String,
    /// What became of it: the house finished, the animals alive, the training used.
    pub outcome: Option<String>,
    pub outcome_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupportRow {
    pub id: i64,
    #[serde(flatten)]
    pub support: NewSupport,
}

#[derive(Debug, Clone)]
pub struct NewLoan {
    pub household_code: String,
    pub lender: String,
    pub programme: String,
    pub amount: Vnd,
    /// Percent a year in hundredths (660 = 6.60%).
    pub rate_bp: u32,
    pub term_months: u32,
    pub disbursed_on: Date,
    pub savings_group: String,
    /// The union or association the bank entrusts the loan through.
    pub entrusted_by: String,
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepaymentRow {
    pub paid_on: String,
    pub amount: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanRow {
    pub id: i64,
    pub household_code: String,
    pub lender: String,
    pub programme: String,
    pub amount: u64,
    pub rate_bp: u32,
    pub term_months: u32,
    pub disbursed_on: String,
    pub due_on: String,
    pub savings_group: String,
    pub entrusted_by: String,
    pub purpose: String,
    pub repayments: Vec<RepaymentRow>,
}

impl LoanRow {
    fn terms(&self) -> Option<LoanTerms> {
        Some(LoanTerms {
            amount: Vnd::new(self.amount),
            disbursed_on: Date::parse(&self.disbursed_on).ok()?,
            term_months: self.term_months,
        })
    }

    /// What is still owed.
    pub fn balance(&self) -> u64 {
        let paid: u64 = self.repayments.iter().map(|r| r.amount).sum();
        self.amount.saturating_sub(paid)
    }

    pub fn status(&self, today: Date) -> LoanStatus {
        let balance = Vnd::new(self.balance());
        self.terms()
            .map_or(LoanStatus::Current, |t| t.status(balance, today))
    }
}

/// A loan past its due day with money owed, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueLoan {
    pub loan: LoanRow,
    pub head_name: Option<String>,
    pub village_code: String,
    pub village_name: Option<String>,
}

/// A household someone follows now, with its supporter and where the visits stand — the rows of
/// the overdue lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowedRow {
    pub household_code: String,
    pub head_name: Option<String>,
    pub village_code: String,
    pub village_name: Option<String>,
    pub supporter_id: i64,
    pub supporter_name: String,
    pub organisation: String,
    pub assigned_from: String,
    pub last_visit: Option<String>,
    pub next_due: Option<String>,
}

impl FollowedRow {
    /// When the next visit is due: as agreed at the last visit, or at once for a household not
    /// visited since it was assigned.
    pub fn due(&self) -> &str {
        match (&self.last_visit, &self.next_due) {
            (Some(_), Some(due)) => due,
            (Some(last), None) => last,
            (None, _) => &self.assigned_from,
        }
    }
}

/// Support given in a year, summed by programme, project and kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupportSummary {
    pub programme: String,
    pub project: Option<String>,
    pub kind: String,
    pub households: u64,
    pub items: u64,
    pub amount: u64,
    pub quantity: u64,
}

/// A whole district's follow-up records, loaded at once (the demo, a migration from another
/// system). Supporters are referred to by their place in `supporters`, households by code.
#[derive(Debug, Clone, Default)]
pub struct FollowUpBatch {
    pub supporters: Vec<NewSupporter>,
    /// (supporter, household, from, to, reason)
    pub assignments: Vec<(usize, String, String, Option<String>, String)>,
    /// (supporter, household, date, found, advised, next steps, next due)
    pub visits: Vec<BatchVisit>,
    /// (household, year, cause)
    pub causes: Vec<(String, u16, String)>,
    pub twinnings: Vec<(NewTwinning, Option<String>, Vec<ActivityRow>)>,
    pub tours: Vec<NewTour>,
    pub support: Vec<NewSupport>,
    pub loans: Vec<(NewLoan, Vec<RepaymentRow>)>,
}

#[derive(Debug, Clone)]
pub struct BatchVisit {
    pub supporter: usize,
    pub household_code: String,
    pub visited_on: String,
    pub found: String,
    pub advised: String,
    pub next_steps: String,
    pub next_due: Option<String>,
}

#[async_trait]
pub trait Ledger: Send + Sync {
    /// Replaces a household's causes of poverty for a year.
    async fn set_causes(
        &self,
        household: &str,
        year: u16,
        causes: &[(String, String)],
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    /// Every year's causes, newest first.
    async fn causes(&self, household: &str) -> Result<Vec<CauseRow>, StoreError>;

    async fn add_twinning(&self, t: &NewTwinning, actor: &str, at: &str)
    -> Result<i64, StoreError>;

    async fn end_twinning(
        &self,
        id: i64,
        to: &str,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    async fn add_twinning_activity(
        &self,
        id: i64,
        activity: &ActivityRow,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    /// Pairings where the household is helped or helps, current first.
    async fn twinnings(&self, household: &str) -> Result<Vec<TwinningRow>, StoreError>;

    async fn add_tour(&self, tour: &NewTour, actor: &str, at: &str) -> Result<i64, StoreError>;

    /// Study tours of these communes (or all), newest first.
    async fn tours(&self, communes: Option<&[String]>) -> Result<Vec<TourRow>, StoreError>;

    /// The tours a household went on, newest first.
    async fn tours_of(&self, household: &str) -> Result<Vec<TourPartRow>, StoreError>;

    async fn record_support(
        &self,
        s: &NewSupport,
        actor: &str,
        at: &str,
    ) -> Result<i64, StoreError>;

    /// Records what became of a support item (of this household).
    async fn support_outcome(
        &self,
        household: &str,
        id: i64,
        outcome: &str,
        on: &str,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    /// The support a household received, newest first.
    async fn support(&self, household: &str) -> Result<Vec<SupportRow>, StoreError>;

    async fn record_loan(&self, loan: &NewLoan, actor: &str, at: &str) -> Result<i64, StoreError>;

    /// Records a repayment of a loan of this household.
    async fn record_repayment(
        &self,
        household: &str,
        loan_id: i64,
        repayment: &RepaymentRow,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    /// A household's loans with their repayments, newest first.
    async fn loans(&self, household: &str) -> Result<Vec<LoanRow>, StoreError>;

    /// Loans of households of these communes past their due day (`before`) with money still
    /// owed, oldest due first.
    async fn overdue_loans(
        &self,
        communes: Option<&[String]>,
        before: &str,
    ) -> Result<Vec<OverdueLoan>, StoreError>;

    /// Households of these communes someone follows now, one row per supporter, by village.
    async fn followed(&self, communes: Option<&[String]>) -> Result<Vec<FollowedRow>, StoreError>;

    /// Households by cause of poverty and by their class in `year` (a household with two causes
    /// counts under both): (cause, class, households).
    async fn cause_counts(
        &self,
        year: u16,
        reach: &crate::Reach,
    ) -> Result<Vec<(String, String, u64)>, StoreError>;

    /// Support given in `year` to households within the reach.
    async fn support_summary(
        &self,
        year: u16,
        reach: &crate::Reach,
    ) -> Result<Vec<SupportSummary>, StoreError>;

    /// Loads a batch of follow-up records in one transaction; returns how many rows landed.
    async fn load_followup(
        &self,
        batch: &FollowUpBatch,
        actor: &str,
        at: &str,
    ) -> Result<u64, StoreError>;
}
