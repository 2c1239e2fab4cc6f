//! Reading households within a reach: the list with search and filters, and one household whole.
//! Every query is limited by a [`Reach`] computed from the user's role and scope, so a household
//! outside it is simply not there.

use async_trait::async_trait;
use serde::Serialize;

use crate::StoreError;

/// The households a user may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    All,
    /// Households whose village lies in one of these communes today.
    Communes(Vec<String>),
    /// Households of one village.
    Village(String),
    /// These households only (a supporter's).
    Households(Vec<String>),
}

#[derive(Debug, Clone, Default)]
pub struct HouseholdQuery {
    /// Name (diacritics ignored), citizen ID, or the start of a household code.
    pub q: Option<String>,
    /// A commune in force today: households whose village lies in it.
    pub commune: Option<String>,
    pub village: Option<String>,
    pub class: Option<String>,
    pub ethnicity: Option<String>,
    /// Households headed by a member of an ethnic minority (true) or by a Kinh (false).
    pub minority: Option<bool>,
    /// Households deprived in the indicator with this bit of the year's standard.
    pub deprived_bit: Option<u8>,
    /// Households that had this class (decided, else computed) in that earlier review year.
    pub was: Option<(u16, String)>,
    /// The review year; by default the latest with surveys (then households without one that year
    /// are listed too).
    pub year: Option<u16>,
    /// Household code after which the page starts.
    pub after: Option<String>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdItem {
    pub household_code: String,
    /// The commune in force at that review year.
    pub commune_code: Option<String>,
    pub village_code: String,
    pub village_name: Option<String>,
    pub head_name: Option<String>,
    pub year: Option<u16>,
    pub class: Option<String>,
    pub decided: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdPage {
    pub items: Vec<HouseholdItem>,
    pub next: Option<String>,
    pub year: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRow {
    pub person_no: u16,
    pub full_name: String,
    pub sex: String,
    pub birth_year: u16,
    pub ethnicity: String,
    pub citizen_id: Option<String>,
    pub relation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearRow {
    pub year: u16,
    pub standard: String,
    pub province_code: String,
    pub commune_code: String,
    pub area: String,
    pub agricultural: bool,
    pub members: u8,
    pub income_per_capita: Option<u64>,
    pub b1_score: Option<u16>,
    pub deprived: u16,
    /// The computed class.
    pub class: String,
    /// The class made official by a decision, if any.
    pub decided_class: Option<String>,
    pub decision_number: Option<String>,
    pub decision_date: Option<String>,
    pub decision_signer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventRow {
    pub year: u16,
    pub kind: String,
    pub other_household_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdDetail {
    pub household_code: String,
    pub village_code: String,
    pub village_name: Option<String>,
    /// The commune the village lies in today.
    pub commune_code: String,
    pub members: Vec<MemberRow>,
    /// Newest first.
    pub years: Vec<YearRow>,
    pub events: Vec<EventRow>,
    pub history: Vec<HistoryRow>,
}

/// People who may be the same person registered twice: the same citizen ID, or the same name
/// (folded) and birth year in the same village. Shown to an officer to merge or keep apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateGroup {
    /// "citizen_id" or "name_birth_village".
    pub reason: String,
    pub people: Vec<DuplicatePerson>,
    /// People of the group outside the reach, counted but not shown.
    pub elsewhere: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicatePerson {
    pub household_code: String,
    pub person_no: u16,
    pub full_name: String,
    pub birth_year: u16,
    pub village_code: String,
    pub citizen_id: Option<String>,
}

#[async_trait]
pub trait Directory: Send + Sync {
    async fn households(
        &self,
        reach: &Reach,
        query: &HouseholdQuery,
    ) -> Result<HouseholdPage, StoreError>;

    /// The villages within a reach: (code, name, commune today), by code.
    async fn villages(
        &self,
        reach: &Reach,
    ) -> Result<Vec<(String, Option<String>, String)>, StoreError>;

    /// A village: (code, name, the commune it lies in today).
    async fn village(
        &self,
        code: &str,
    ) -> Result<Option<(String, Option<String>, String)>, StoreError>;

    /// One household, or `None` when it does not exist **or lies outside the reach**.
    /// Possible duplicates with at least one person within the reach; `households`, when given,
    /// keeps the groups that touch one of them (an import's).
    async fn duplicates(
        &self,
        reach: &Reach,
        households: Option<&[String]>,
    ) -> Result<Vec<DuplicateGroup>, StoreError>;

    async fn household(
        &self,
        reach: &Reach,
        code: &str,
    ) -> Result<Option<HouseholdDetail>, StoreError>;
}
