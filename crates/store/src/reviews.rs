//! The annual review (Decision 24/2021/QĐ-TTg; Circular 07/2021/TT-BLĐTBXH): the households to
//! review, surveys entered through the review, village meetings, the public posting, the commune
//! decision, and households' requests (form 01 in the periodic review, form 04 any month).

use async_trait::async_trait;
use serde::Serialize;

use crate::{Decision, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewRow {
    pub id: i64,
    pub commune_code: String,
    pub year: u16,
    /// "periodic".
    pub kind: String,
    /// "open" or "decided".
    pub state: String,
    pub opened_on: String,
    pub posted_on: Option<String>,
    pub decision_number: Option<String>,
    pub decision_date: Option<String>,
    pub decision_signer: Option<String>,
}

/// A household on a review's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewHousehold {
    pub household_code: String,
    pub head_name: Option<String>,
    pub village_code: String,
    pub village_name: Option<String>,
    /// The official class of the year before.
    pub previous_class: Option<String>,
    /// This year's class: decided, or as computed from the survey.
    pub class: Option<String>,
    pub decided: bool,
    /// The household asked to be reviewed (form 01).
    pub requested: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub village_code: String,
    pub held_on: String,
    pub attendees: u32,
    pub agreeing: u32,
    pub minutes: String,
}

impl Meeting {
    /// The meeting's results stand with at least half of the attendees agreeing; otherwise the
    /// survey and the meeting are repeated.
    pub fn passed(&self) -> bool {
        self.attendees > 0 && self.agreeing * 2 >= self.attendees
    }
}

/// A survey entered for a household and year, already classified by the caller.
#[derive(Debug, Clone)]
pub struct SurveyInput {
    pub household_code: String,
    pub year: u16,
    pub province_code: String,
    pub commune_code: String,
    pub area: String,
    pub agricultural: bool,
    pub head_ethnicity: String,
    pub members: u8,
    pub income_per_capita: Option<u64>,
    pub b1_score: Option<u16>,
    pub deprived: u16,
    pub standard: String,
    pub class: String,
    pub n_deprived: u32,
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRow {
    pub id: i64,
    pub household_code: String,
    pub head_name: Option<String>,
    pub commune_code: String,
    pub year: u16,
    /// "form01" or "form04".
    pub form: String,
    pub received_on: String,
    pub due_on: String,
    pub reason: String,
    pub resolved_on: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewRequest {
    pub household_code: String,
    pub year: u16,
    pub form: String,
    pub received_on: String,
    pub due_on: String,
    pub reason: String,
}

#[async_trait]
pub trait Reviews: Send + Sync {
    /// Reviews of these communes (or all), newest first.
    async fn reviews(&self, communes: Option<&[String]>) -> Result<Vec<ReviewRow>, StoreError>;

    async fn review(&self, id: i64) -> Result<Option<ReviewRow>, StoreError>;

    /// The households to review: last year's poor and near-poor, those who asked, and any already
    /// surveyed this year, of villages lying in the review's commune.
    async fn review_households(
        &self,
        review: &ReviewRow,
    ) -> Result<Vec<ReviewHousehold>, StoreError>;

    /// Enters (or re-enters, audited) a household's survey for a year; a decided year is refused.
    async fn save_survey(
        &self,
        survey: &SurveyInput,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    async fn record_meeting(
        &self,
        review_id: i64,
        meeting: &Meeting,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    async fn meetings(&self, review_id: i64) -> Result<Vec<Meeting>, StoreError>;

    async fn mark_posted(
        &self,
        review_id: i64,
        on: &str,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    /// Records the commune decision of a review and makes its classes official.
    async fn decide_review(
        &self,
        review_id: i64,
        decision: &Decision,
        actor: &str,
        at: &str,
    ) -> Result<u64, StoreError>;

    async fn add_request(
        &self,
        request: &NewRequest,
        actor: &str,
        at: &str,
    ) -> Result<i64, StoreError>;

    /// Unresolved requests of these communes (or all), oldest due first.
    async fn open_requests(
        &self,
        communes: Option<&[String]>,
    ) -> Result<Vec<RequestRow>, StoreError>;
}
