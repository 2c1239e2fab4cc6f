//! The storage port and its two implementations: SQLite (a file, the embedded default) and
//! PostgreSQL (a province or the nation), chosen by the URL scheme. Both run the same SQL — written
//! once in [`sql`] and compiled for each backend — over their own migrations.
//!
//! Every unit of work is one transaction: an import either lands whole or changes nothing.

mod accounts;
mod audit;
mod directory;
mod editing;
mod exports;
mod followup;
mod ledger;
mod prepare;
mod recognitions;
mod reviews;
mod seed;
mod sql;

use std::sync::Arc;

use async_trait::async_trait;
use bamho_analytics::Snapshot;
use bamho_domain::{Date, Year};
use bamho_io::{Batch, Errors};

pub use accounts::{Accounts, NewSession, NewUser, User};
pub use directory::{
    Directory, DuplicateGroup, DuplicatePerson, EventRow, HistoryRow, HouseholdDetail,
    HouseholdItem, HouseholdPage, HouseholdQuery, MemberRow, Reach, YearRow,
};
pub use editing::{Editing, MemberInput};
pub use exports::{Exports, HouseholdYearRow, MemberExportRow};
pub use followup::{
    AssignmentRow, CaseRow, FollowUp, NewSupporter, NewVisit, ORGANISATIONS, SupporterRow, VisitRow,
};
pub use ledger::{
    ActivityRow, BatchVisit, CauseRow, FollowUpBatch, FollowedRow, Ledger, LoanRow, NewLoan,
    NewSupport, NewTour, NewTwinning, OverdueLoan, RepaymentRow, SupportRow, SupportSummary,
    TourPartRow, TourRow, TwinningRow,
};
pub use recognitions::{
    ClassHistory, HELPER, HOUSEHOLD, HouseholdRecognition, NewNominee, NominationRow, NomineeRow,
    RecognitionDecision, RecognitionRow, Recognitions,
};
pub use reviews::{
    Meeting, NewRequest, RequestRow, ReviewHousehold, ReviewRow, Reviews, SurveyInput,
};
pub use sql::{PostgresStore, SqliteStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A value the store refuses (an unknown code, an impossible amount).
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("the database URL is not understood: {0}")]
    Url(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Why an import did not land.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Row-level problems in the files; nothing was written.
    #[error("{0}")]
    Rows(Errors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Who acts, when, and how.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Replace household-years already present (audited) instead of refusing them.
    pub replace: bool,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// The actor recorded in the audit trail.
    pub actor: String,
    /// The moment recorded, ISO 8601.
    pub at: String,
    /// Today, for placing villages under today's communes.
    pub today: Date,
    /// Where the rows came from ("import", "demo", …).
    pub source: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub households_new: u64,
    pub villages_new: u64,
    pub surveys: u64,
    pub replaced: u64,
    pub members: u64,
    pub events: u64,
}

/// A commune decision that makes the classes of a commune's households for a year official.
#[derive(Debug, Clone)]
pub struct Decision {
    pub commune_code: String,
    pub year: Year,
    pub number: String,
    pub decided_on: Date,
    pub signer: String,
}

/// What a database holds, for summaries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub households: u64,
    pub members: u64,
    pub villages: u64,
    /// (year, surveys, decided classifications)
    pub years: Vec<(u16, u64, u64)>,
    pub open_reviews: u64,
    pub supporters: u64,
    /// Households someone follows now.
    pub followed: u64,
    pub visits: u64,
    pub twinnings: u64,
    pub tours: u64,
    pub support: u64,
    pub loans: u64,
}

/// The storage port: every capability of a database.
pub trait Store:
    Registry
    + Accounts
    + Directory
    + Reviews
    + Editing
    + FollowUp
    + Ledger
    + Recognitions
    + Exports
    + std::fmt::Debug
{
}

impl<T> Store for T where
    T: Registry
        + Accounts
        + Directory
        + Reviews
        + Editing
        + FollowUp
        + Ledger
        + Recognitions
        + Exports
        + std::fmt::Debug
{
}

/// The registry's capability: imports, decisions, reviews, snapshots and the audit trail.
#[async_trait]
pub trait Registry: Send + Sync {
    /// Imports a batch in one transaction: all rows or none.
    async fn import(
        &self,
        batch: &Batch,
        options: &ImportOptions,
    ) -> Result<ImportSummary, ImportError>;

    /// Records a decision and makes the computed classes of that commune and year official.
    /// Returns the number of households decided.
    async fn decide(&self, decision: &Decision, actor: &str, at: &str) -> Result<u64, StoreError>;

    /// Opens the periodic review of a commune (a code in force that year) for a year.
    async fn open_review(
        &self,
        commune_code: &str,
        year: Year,
        opened_on: Date,
    ) -> Result<(), StoreError>;

    /// Gives villages their names (and marks them invented, for synthetic data).
    async fn name_villages(
        &self,
        names: &[(String, String)],
        invented: bool,
    ) -> Result<(), StoreError>;

    /// The households of a review year as columns; the decided class counts where a decision
    /// exists, the computed one otherwise. `communes_today`: only villages lying in these today.
    async fn snapshot(
        &self,
        year: Year,
        communes_today: Option<&[String]>,
    ) -> Result<Snapshot, StoreError>;

    async fn totals(&self) -> Result<Totals, StoreError>;

    /// The years some commune has decided, oldest first (from the small table of decisions, not
    /// the classifications: pages ask for it on every request).
    async fn decided_years(&self) -> Result<Vec<u16>, StoreError>;

    /// Every year from the first to the last with a classification (two index look-ups).
    async fn survey_years(&self) -> Result<Vec<u16>, StoreError>;

    /// Open reviews (commune code, year, opened on), of these communes or of all.
    async fn open_reviews(
        &self,
        communes: Option<&[String]>,
    ) -> Result<Vec<(String, u16, String)>, StoreError>;

    /// Checks the audit trail's hash chain; returns the number of entries.
    async fn verify_audit(&self) -> Result<u64, StoreError>;
}

/// Opens (creating a SQLite file if needed) and migrates the database at `url`: `sqlite://PATH`,
/// `postgres://…`, or a plain path to a SQLite file.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err(StoreError::Url(url.to_owned()));
        }
        Ok(Arc::new(SqliteStore::open(path).await?))
    }
}
