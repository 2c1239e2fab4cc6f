//! The SQL of the registry, written once and compiled for each backend by `backend!`. The
//! statements use `$N` placeholders and types both SQLite and PostgreSQL accept (every integer is
//! 64-bit, booleans are 0/1); only the migrations and the connection set-up differ.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use bamho_analytics::Snapshot;
use bamho_domain::recognition::escapes_from;
use bamho_domain::units::{Level, Units, review_day};
use bamho_domain::{Area, Catalogue, Class, Date, LoanTerms, Standards, Year};
use bamho_io::{Batch, Errors, RowError};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row};

use crate::audit::{self, Entry};
use crate::directory::{
    Directory, DuplicateGroup, DuplicatePerson, EventRow, HistoryRow, HouseholdDetail,
    HouseholdItem, HouseholdPage, HouseholdQuery, MemberRow, Reach, YearRow,
};
use crate::editing::{Editing, MemberInput};
use crate::exports::{Exports, HouseholdYearRow, MemberExportRow};
use crate::followup::{
    AssignmentRow, CaseRow, FollowUp, NewSupporter, NewVisit, SupporterRow, VisitRow,
};
use crate::ledger::{
    ActivityRow, CauseRow, FollowUpBatch, FollowedRow, Ledger, LoanRow, NewLoan, NewSupport,
    NewTour, NewTwinning, OverdueLoan, RepaymentRow, SupportRow, SupportSummary, TourPartRow,
    TourRow, TwinningRow,
};
use crate::recognitions::{
    ClassHistory, HELPER, HOUSEHOLD, HouseholdRecognition, NewNominee, NominationRow, NomineeRow,
    RecognitionDecision, RecognitionRow, Recognitions,
};
use crate::reviews::{
    Meeting, NewRequest, RequestRow, ReviewHousehold, ReviewRow, Reviews, SurveyInput,
};
use crate::{
    Accounts, Decision, ImportError, ImportOptions, ImportSummary, NewSession, NewUser, Registry,
    StoreError, Totals, User, prepare, seed,
};
use recognitions::days_in_year;

#[macro_use]
mod accounts;
#[macro_use]
mod directory;
#[macro_use]
mod editing;
#[macro_use]
mod exports;
#[macro_use]
mod followup;
#[macro_use]
mod ledger;
#[macro_use]
mod recognitions;
#[macro_use]
mod registry;
#[macro_use]
mod reviews;

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's limits on bound values.
const CHUNK: usize = 500;

/// Migrations embedded in the binary, one list per backend.
#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> BoxFuture<'s, Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, name, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(name),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// Embeds one backend's migrations: `(version, name)` of `migrations/<backend>/<version>_<name>.sql`.
macro_rules! embed {
    ($backend:literal: $($file:literal => ($version:literal, $name:literal)),* $(,)?) => {
        Embedded(&[$(($version, $name, include_str!(concat!("../../migrations/", $backend, "/", $file)))),*])
    };
}

const SQLITE_MIGRATIONS: Embedded = embed!("sqlite":
    "0001_registry.sql" => (1, "registry"),
    "0002_accounts.sql" => (2, "accounts"),
    "0003_review.sql" => (3, "review"),
    "0004_followup.sql" => (4, "followup"),
    "0005_support.sql" => (5, "support"),
    "0006_recognition.sql" => (6, "recognition"),
);
const POSTGRES_MIGRATIONS: Embedded = embed!("postgres":
    "0001_registry.sql" => (1, "registry"),
    "0002_accounts.sql" => (2, "accounts"),
    "0003_review.sql" => (3, "review"),
    "0004_followup.sql" => (4, "followup"),
    "0005_support.sql" => (5, "support"),
    "0006_recognition.sql" => (6, "recognition"),
);

/// A household-year's summary for the audit trail: the figures and class, no names.
fn survey_json(r: &bamho_domain::HouseholdYear, class: Class) -> String {
    serde_json::json!({
        "year": r.year.get(),
        "commune": Units::national().get(r.commune).code,
        "village": r.village.as_str(),
        "income_per_capita": r.income_per_capita.map(|v| v.get()),
        "b1_score": r.b1_score,
        "deprived": r.deprived.mask(),
        "class": class.as_str(),
    })
    .to_string()
}

fn user_of<R: Row>(r: &R) -> Result<User, sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(User {
        id: r.try_get(0)?,
        username: r.try_get(1)?,
        password_hash: r.try_get(2)?,
        role: r.try_get(3)?,
        scope_code: r.try_get(4)?,
    })
}

fn class_of(text: &str) -> Class {
    Class::parse(text).unwrap_or(Class::NotPoor)
}

macro_rules! backend {
    ($name:ident, $db:ty, $pool:ty, $migrations:expr) => {
        #[derive(Debug, Clone)]
        pub struct $name {
            pool: $pool,
        }

        impl $name {
            async fn prepare(pool: $pool) -> Result<Self, StoreError> {
                Migrator::new($migrations).await?.run(&pool).await?;
                let this = Self { pool };
                this.seed_units().await?;
                Ok(this)
            }

            /// Loads the embedded national lists into the reference tables when they changed.
            async fn seed_units(&self) -> Result<(), StoreError> {
                let version = seed::version();
                let current: Option<String> =
                    sqlx::query_scalar("SELECT value FROM meta WHERE key = 'units'")
                        .fetch_optional(&self.pool)
                        .await?;
                if current.as_deref() == Some(version.as_str()) {
                    return Ok(());
                }
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM admin_unit").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM unit_succession").execute(&mut *tx).await?;
                let units = seed::units();
                for chunk in units.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO admin_unit (level, code, name, kind, parent_code, valid_from, valid_to) ",
                    );
                    qb.push_values(chunk, |mut b, u| {
                        b.push_bind(u.0.clone()).push_bind(u.1.clone()).push_bind(u.2.clone())
                            .push_bind(u.3.clone()).push_bind(u.4.clone()).push_bind(u.5.clone())
                            .push_bind(u.6.clone());
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                let successions = seed::successions();
                for chunk in successions.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO unit_succession (level, from_code, to_code, effective, legal_basis, is_default) ",
                    );
                    qb.push_values(chunk, |mut b, s| {
                        b.push_bind(s.0.clone()).push_bind(s.1.clone()).push_bind(s.2.clone())
                            .push_bind(s.3.clone()).push_bind(s.4.clone()).push_bind(s.5);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                sqlx::query("DELETE FROM meta WHERE key = 'units'").execute(&mut *tx).await?;
                sqlx::query("INSERT INTO meta (key, value) VALUES ('units', $1)")
                    .bind(version)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO meta (key, value) SELECT 'writer', '' WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'writer')")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            /// Serialises writers: every writing transaction first takes this row lock, so the
            /// audit chain never forks (SQLite takes its write lock here, PostgreSQL a row lock).
            async fn lock_writers(tx: &mut sqlx::Transaction<'_, $db>) -> Result<(), sqlx::Error> {
                sqlx::query("UPDATE meta SET value = value WHERE key = 'writer'").execute(&mut **tx).await?;
                Ok(())
            }

            async fn audit(tx: &mut sqlx::Transaction<'_, $db>, e: &Entry<'_>) -> Result<(), sqlx::Error> {
                let prev: Option<String> = sqlx::query_scalar("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
                    .fetch_optional(&mut **tx)
                    .await?;
                let prev = prev.unwrap_or_else(|| audit::GENESIS.to_owned());
                let hash = audit::chain(&prev, e);
                sqlx::query(
                    "INSERT INTO audit (at, actor, action, entity, entity_key, before, after, prev_hash, hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(e.at).bind(e.actor).bind(e.action).bind(e.entity).bind(e.entity_key)
                .bind(e.before).bind(e.after).bind(&prev).bind(&hash)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Appends `AND column IN (…)` with the values bound (`AND 1 = 0` for none).
            fn push_in(qb: &mut QueryBuilder<'_, $db>, column: &str, list: &[String]) {
                if list.is_empty() {
                    qb.push(" AND 1 = 0");
                    return;
                }
                qb.push(format!(" AND {column} IN ("));
                let mut items = qb.separated(", ");
                for item in list {
                    items.push_bind(item.clone());
                }
                qb.push(")");
            }

            /// Ids of the rows of `table` whose `code` is among `codes`.
            async fn ids_by_code(
                tx: &mut sqlx::Transaction<'_, $db>,
                table: &str,
                codes: &[&str],
            ) -> Result<HashMap<String, i64>, sqlx::Error> {
                let mut out = HashMap::with_capacity(codes.len());
                for chunk in codes.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(format!("SELECT id, code FROM {table} WHERE code IN ("));
                    let mut list = qb.separated(", ");
                    for code in chunk {
                        list.push_bind(code.to_string());
                    }
                    qb.push(")");
                    for row in qb.build().fetch_all(&mut **tx).await? {
                        out.insert(row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?);
                    }
                }
                Ok(out)
            }
        }

        registry_impl!($name, $db);
        accounts_impl!($name, $db);
        directory_impl!($name, $db);
        reviews_impl!($name, $db);
        editing_impl!($name, $db);
        followup_impl!($name, $db);
        ledger_impl!($name, $db);
        recognitions_impl!($name, $db);
        exports_impl!($name, $db);
    };
}

backend!(SqliteStore, sqlx::Sqlite, SqlitePool, SQLITE_MIGRATIONS);
backend!(PostgresStore, sqlx::Postgres, PgPool, POSTGRES_MIGRATIONS);

impl SqliteStore {
    /// Opens a SQLite file (created if absent) in WAL mode with foreign keys on.
    pub async fn open(path: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Self::prepare(pool).await
    }
}

impl PostgresStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Self::prepare(pool).await
    }
}
