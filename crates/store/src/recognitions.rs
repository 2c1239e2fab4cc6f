//! Recognition: after a review decision, the households of a commune that escaped are proposed
//! as nominees with the people who helped them (supporters assigned during the year, paired
//! households); an officer confirms, removes or adds nominees and records the commune's decision
//! awarding certificates of merit. Also each household's decided classes and helpers by year, for
//! whether escaping lasts.

use std::collections::BTreeMap;

use async_trait::async_trait;
use bamho_domain::Class;
use serde::Serialize;

use crate::StoreError;

/// Nominee kinds: the household that escaped, or someone who helped it.
pub const HOUSEHOLD: &str = "household";
pub const HELPER: &str = "helper";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NomineeRow {
    pub id: i64,
    /// The household that escaped (for a helper, the one it helped).
    pub household_code: String,
    pub village_code: String,
    pub village_name: Option<String>,
    /// "household" or "helper".
    pub kind: String,
    /// The head of the household, the supporter, or the helping household.
    pub name: String,
    /// The supporter's organisation; none for households.
    pub organisation: Option<String>,
    pub supporter_id: Option<i64>,
    pub helper_household_code: Option<String>,
    pub from_class: String,
    pub to_class: String,
    /// Visits made (supporter) or pairing activities (paired household) in the year.
    pub visits: u32,
    /// Support items the household received in the year.
    pub support: u32,
    /// Days assigned or paired in the year.
    pub days: u32,
    /// "proposed", "confirmed" or "removed".
    pub status: String,
}

#[derive(Debug, Clone)]
pub struct NewNominee {
    pub household_code: String,
    pub kind: String,
    pub name: String,
    pub organisation: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RecognitionDecision {
    /// The commune (in force today) whose committee decides.
    pub commune_code: String,
    pub year: u16,
    pub number: String,
    pub decided_on: String,
    /// "UBND xã Ngọc Linh".
    pub committee: String,
    /// The day of the village ceremonies.
    pub ceremony_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecognitionRow {
    pub id: i64,
    pub commune_code: String,
    pub year: u16,
    pub number: String,
    pub decided_on: String,
    pub committee: String,
    pub ceremony_on: Option<String>,
    pub households: u32,
    pub helpers: u32,
}

/// Where the nominations of a commune and year stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NominationRow {
    pub commune_code: String,
    pub year: u16,
    pub proposed: u32,
    pub confirmed: u32,
    pub removed: u32,
    /// The decision's number once issued.
    pub decision: Option<String>,
}

/// A recognition a household received, as the escaped household or as a helper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdRecognition {
    pub year: u16,
    pub kind: String,
    pub name: String,
    /// The household that escaped.
    pub household_code: String,
    pub status: String,
    pub decision_number: Option<String>,
    pub decided_on: Option<String>,
    pub ceremony_on: Option<String>,
}

/// A household's decided classes and the organisations that followed it, by year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassHistory {
    pub household_code: String,
    pub head_name: Option<String>,
    pub village_code: String,
    pub village_name: Option<String>,
    pub commune_code: String,
    pub classes: BTreeMap<u16, Class>,
    pub helpers: BTreeMap<u16, Vec<String>>,
}

#[async_trait]
pub trait Recognitions: Send + Sync {
    /// Proposes the nominees of a commune (in force today) for a decided year: every household
    /// that escaped and its helpers. Does nothing when nominees exist; refused once decided.
    /// Returns the number of nominees.
    async fn prepare_nominees(
        &self,
        commune: &str,
        year: u16,
        actor: &str,
        at: &str,
    ) -> Result<u64, StoreError>;

    /// The nominees of a commune and year, by village and household, the household first.
    async fn nominees(&self, commune: &str, year: u16) -> Result<Vec<NomineeRow>, StoreError>;

    /// Confirms or removes a nominee (before the decision).
    async fn set_nominee_status(
        &self,
        commune: &str,
        year: u16,
        id: i64,
        status: &str,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    /// Confirms every nominee still proposed; returns how many.
    async fn confirm_all(
        &self,
        commune: &str,
        year: u16,
        actor: &str,
        at: &str,
    ) -> Result<u64, StoreError>;

    /// Adds a nominee the proposal missed (confirmed at once).
    async fn add_nominee(
        &self,
        commune: &str,
        year: u16,
        nominee: &NewNominee,
        actor: &str,
        at: &str,
    ) -> Result<i64, StoreError>;

    /// Records the decision over the confirmed nominees; refused while any is still proposed.
    async fn issue_recognition(
        &self,
        decision: &RecognitionDecision,
        actor: &str,
        at: &str,
    ) -> Result<i64, StoreError>;

    /// Nominations by commune and year (newest first), of these communes or all.
    async fn nominations(
        &self,
        communes: Option<&[String]>,
    ) -> Result<Vec<NominationRow>, StoreError>;

    /// The decision of a commune and year, if issued.
    async fn recognition(
        &self,
        commune: &str,
        year: u16,
    ) -> Result<Option<RecognitionRow>, StoreError>;

    /// Decisions of these communes (or all) for a year (or every year).
    async fn recognitions(
        &self,
        communes: Option<&[String]>,
        year: Option<u16>,
    ) -> Result<Vec<RecognitionRow>, StoreError>;

    /// Nominations and recognitions of a household, as the escaped one or as a helper household.
    async fn recognitions_of(
        &self,
        household: &str,
    ) -> Result<Vec<HouseholdRecognition>, StoreError>;

    /// Decided classes and helpers by year of the households of these communes.
    async fn class_histories(
        &self,
        communes: Option<&[String]>,
    ) -> Result<Vec<ClassHistory>, StoreError>;
}
