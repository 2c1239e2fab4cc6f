//! Follow-up: supporters, their assignments to households (with dates; reassignment keeps the
//! history), and visits with what was found, advised and agreed, and when the next is due.

use async_trait::async_trait;
use serde::Serialize;

use crate::StoreError;

/// Organisations a supporter belongs to (DOMAIN.md §1).
pub const ORGANISATIONS: [&str; 6] = [
    "party",
    "youth_union",
    "womens_union",
    "farmers_association",
    "veterans_association",
    "other",
];

#[derive(Debug, Clone)]
pub struct NewSupporter {
    pub full_name: String,
    pub organisation: String,
    pub commune_code: String,
    pub phone: Option<String>,
    /// The login of the supporter, if they have one.
    pub username: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupporterRow {
    pub id: i64,
    pub full_name: String,
    pub organisation: String,
    pub commune_code: String,
    pub username: Option<String>,
    /// Households assigned now.
    pub caseload: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentRow {
    pub id: i64,
    pub supporter_id: i64,
    pub supporter_name: String,
    pub organisation: String,
    pub from_date: String,
    pub to_date: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitRow {
    pub visited_on: String,
    pub supporter_name: Option<String>,
    pub found: String,
    pub advised: String,
    pub next_steps: String,
    pub next_due: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewVisit {
    pub household_code: String,
    pub supporter_id: Option<i64>,
    pub visited_on: String,
    pub found: String,
    pub advised: String,
    pub next_steps: String,
    pub next_due: Option<String>,
}

/// A household a supporter follows, with where the follow-up stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRow {
    pub household_code: String,
    pub head_name: Option<String>,
    pub village_name: Option<String>,
    pub class: Option<String>,
    pub last_visit: Option<String>,
    pub next_due: Option<String>,
}

#[async_trait]
pub trait FollowUp: Send + Sync {
    async fn add_supporter(
        &self,
        supporter: &NewSupporter,
        actor: &str,
        at: &str,
    ) -> Result<i64, StoreError>;

    /// Supporters of these communes (or all), with their current caseloads.
    async fn supporters(
        &self,
        communes: Option<&[String]>,
    ) -> Result<Vec<SupporterRow>, StoreError>;

    /// The supporter record linked to a login.
    async fn supporter_of_user(&self, user_id: i64) -> Result<Option<i64>, StoreError>;

    /// Household codes a supporter follows now.
    async fn caseload(&self, supporter_id: i64) -> Result<Vec<CaseRow>, StoreError>;

    async fn assign(
        &self,
        supporter_id: i64,
        household: &str,
        from: &str,
        reason: &str,
        actor: &str,
        at: &str,
    ) -> Result<i64, StoreError>;

    async fn end_assignment(
        &self,
        assignment_id: i64,
        to: &str,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    /// Every assignment of a household, current first.
    async fn assignments(&self, household: &str) -> Result<Vec<AssignmentRow>, StoreError>;

    async fn record_visit(&self, visit: &NewVisit, actor: &str, at: &str)
    -> Result<(), StoreError>;

    /// Visits to a household, newest first.
    async fn visits(&self, household: &str) -> Result<Vec<VisitRow>, StoreError>;

    /// Poor and near-poor households (by the latest decided year) of these communes that nobody
    /// follows now — the gap to close first.
    async fn unassigned(&self, communes: Option<&[String]>) -> Result<Vec<CaseRow>, StoreError>;
}
