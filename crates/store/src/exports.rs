//! Rows for exports: the registry's household-years and members in the interchange formats of
//! DESIGN.md, within a reach. Every export is recorded in the audit trail by the caller.

use async_trait::async_trait;

use crate::{Reach, StoreError};

/// One household-year as households.csv carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdYearRow {
    pub year: u16,
    pub household_code: String,
    pub province_code: String,
    pub commune_code: String,
    pub village_code: String,
    pub area: String,
    pub agricultural: bool,
    pub head_ethnicity: String,
    pub members: u8,
    pub income_per_capita: Option<u64>,
    pub b1_score: Option<u16>,
    pub deprived: u16,
    pub standard: String,
    /// Decided where decided, computed otherwise.
    pub class: String,
    pub head_name: Option<String>,
}

/// One member as members.csv carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberExportRow {
    pub household_code: String,
    pub person_no: u16,
    pub full_name: String,
    pub sex: String,
    pub birth_year: u16,
    pub ethnicity: String,
    pub citizen_id: Option<String>,
    pub relation: String,
}

#[async_trait]
pub trait Exports: Send + Sync {
    /// Every household-year within the reach, by year and household code.
    async fn export_household_years(
        &self,
        reach: &Reach,
    ) -> Result<Vec<HouseholdYearRow>, StoreError>;

    async fn export_members(&self, reach: &Reach) -> Result<Vec<MemberExportRow>, StoreError>;

    /// This database's secret for pseudonymous identifiers, made on first use.
    async fn pseudonym_key(&self) -> Result<String, StoreError>;

    /// Records an export in the audit trail (what, scope, rows — never the data).
    async fn record_export(
        &self,
        what: &str,
        scope: &str,
        rows: usize,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;
}
