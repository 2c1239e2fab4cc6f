//! The SQL of the registry, written once and compiled for each backend by `backend!`. The
//! statements use `$N` placeholders and types both SQLite and PostgreSQL accept (every integer is
//! 64-bit, booleans are 0/1); only the migrations and the connection set-up differ.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use bamho_analytics::Snapshot;
use bamho_domain::units::{Level, Units, review_day};
use bamho_domain::{Area, Class, Date, Standards, Year};
use bamho_io::{Batch, Errors, RowError};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row};

use crate::audit::{self, Entry};
use crate::{
    Decision, ImportError, ImportOptions, ImportSummary, Store, StoreError, Totals, prepare, seed,
};

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

const SQLITE_MIGRATIONS: Embedded = Embedded(&[(
    1,
    "registry",
    include_str!("../migrations/sqlite/0001_registry.sql"),
)]);
const POSTGRES_MIGRATIONS: Embedded = Embedded(&[(
    1,
    "registry",
    include_str!("../migrations/postgres/0001_registry.sql"),
)]);

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

            /// Inserts `(code, extra…)` rows and returns their ids by code.
            async fn insert_villages(
                tx: &mut sqlx::Transaction<'_, $db>,
                rows: &[(&str, &str)],
            ) -> Result<HashMap<String, i64>, sqlx::Error> {
                let mut out = HashMap::with_capacity(rows.len());
                for chunk in rows.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("INSERT INTO village (code, commune_code) ");
                    qb.push_values(chunk, |mut b, (code, commune)| {
                        b.push_bind(code.to_string()).push_bind(commune.to_string());
                    });
                    qb.push(" RETURNING id, code");
                    for row in qb.build().fetch_all(&mut **tx).await? {
                        out.insert(row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?);
                    }
                }
                Ok(out)
            }

            async fn insert_households(
                tx: &mut sqlx::Transaction<'_, $db>,
                rows: &[(&str, i64)],
            ) -> Result<HashMap<String, i64>, sqlx::Error> {
                let mut out = HashMap::with_capacity(rows.len());
                for chunk in rows.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("INSERT INTO household (code, village_id) ");
                    qb.push_values(chunk, |mut b, (code, village)| {
                        b.push_bind(code.to_string()).push_bind(*village);
                    });
                    qb.push(" RETURNING id, code");
                    for row in qb.build().fetch_all(&mut **tx).await? {
                        out.insert(row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?);
                    }
                }
                Ok(out)
            }

            /// The (household id, year) pairs among `ids` that already have a periodic survey.
            async fn surveyed(
                tx: &mut sqlx::Transaction<'_, $db>,
                ids: &[i64],
            ) -> Result<HashSet<(i64, i64)>, sqlx::Error> {
                let mut out = HashSet::new();
                for chunk in ids.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "SELECT household_id, year FROM survey WHERE kind = 'periodic' AND household_id IN (",
                    );
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(")");
                    for row in qb.build().fetch_all(&mut **tx).await? {
                        out.insert((row.try_get::<i64, _>(0)?, row.try_get::<i64, _>(1)?));
                    }
                }
                Ok(out)
            }

            async fn import_tx(
                &self,
                tx: &mut sqlx::Transaction<'_, $db>,
                batch: &Batch,
                o: &ImportOptions,
            ) -> Result<ImportSummary, ImportError> {
                let plan = prepare::plan(batch, o.today).map_err(ImportError::Rows)?;
                Self::lock_writers(tx).await?;
                let outside = prepare::outside_codes(batch);
                let outside_refs: Vec<&str> = outside.iter().map(String::as_str).collect();
                let known = Self::ids_by_code(tx, "household", &outside_refs).await?;
                let known_codes: HashSet<String> = known.keys().cloned().collect();
                let errors = prepare::check_references(batch, &known_codes);
                if !errors.is_empty() {
                    return Err(ImportError::Rows(errors));
                }
                let mut summary = ImportSummary::default();

                let village_codes: Vec<&str> = plan.villages.keys().copied().collect();
                let mut villages = Self::ids_by_code(tx, "village", &village_codes).await?;
                let new_villages: Vec<(&str, &str)> = plan
                    .villages
                    .iter()
                    .filter(|(code, _)| !villages.contains_key(**code))
                    .map(|(code, commune)| (*code, commune.as_str()))
                    .collect();
                summary.villages_new = new_villages.len() as u64;
                villages.extend(Self::insert_villages(tx, &new_villages).await?);

                let household_codes: Vec<&str> = plan.households.keys().copied().collect();
                let mut households = Self::ids_by_code(tx, "household", &household_codes).await?;
                let existing_ids: Vec<i64> = households.values().copied().collect();
                let new_households: Vec<(&str, i64)> = plan
                    .households
                    .iter()
                    .filter(|(code, _)| !households.contains_key(**code))
                    .map(|(code, village)| (*code, villages[*village]))
                    .collect();
                summary.households_new = new_households.len() as u64;
                households.extend(Self::insert_households(tx, &new_households).await?);
                households.extend(known);

                let present = Self::surveyed(tx, &existing_ids).await?;
                let standards = Standards::embedded();
                let mut errors = Errors::default();
                let mut rows = Vec::with_capacity(batch.households.len());
                for (at, r) in &batch.households {
                    let hid = households[r.household.as_str()];
                    let year = i64::from(r.year.get());
                    let standard = standards.by_id(&r.standard).ok_or_else(|| {
                        StoreError::NotFound(format!("standard {}", r.standard))
                    })?;
                    let c = match r.classify(standard) {
                        Ok(c) => c,
                        Err(e) => {
                            errors.push(RowError::at(at, "income_per_capita", "", e.to_string()));
                            continue;
                        }
                    };
                    if present.contains(&(hid, year)) {
                        if !o.replace {
                            let why = format!(
                                "household {} already has a {} review in the database (use --replace to replace it)",
                                r.household, r.year
                            );
                            errors.push(RowError::at(at, "household_code", r.household.as_str(), why));
                            continue;
                        }
                        self.replace_survey(tx, hid, r, c.class, o).await?;
                        summary.replaced += 1;
                    }
                    rows.push((hid, r, c));
                }
                if !errors.is_empty() {
                    return Err(ImportError::Rows(errors));
                }
                let now = o.at.as_str();
                for chunk in rows.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO survey (household_id, year, kind, province_code, commune_code, village_id, area, \
                         agricultural, head_ethnicity, members, income_per_capita, b1_score, deprived, standard, source, entered_at) ",
                    );
                    qb.push_values(chunk, |mut b, (hid, r, _)| {
                        let units = Units::national();
                        let province = units.province_of(r.commune).map(|p| units.get(p).code.clone()).unwrap_or_default();
                        b.push_bind(*hid).push_bind(i64::from(r.year.get())).push_bind("periodic")
                            .push_bind(province).push_bind(units.get(r.commune).code.clone())
                            .push_bind(villages[r.village.as_str()]).push_bind(r.area.as_str())
                            .push_bind(i64::from(r.agricultural)).push_bind(r.head_ethnicity.clone())
                            .push_bind(i64::from(r.members))
                            .push_bind(r.income_per_capita.map(|v| v.get() as i64))
                            .push_bind(r.b1_score.map(i64::from))
                            .push_bind(i64::from(r.deprived.mask())).push_bind(r.standard.clone())
                            .push_bind(o.source.clone()).push_bind(now.to_owned());
                    });
                    qb.build().execute(&mut **tx).await?;
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO classification (household_id, year, standard, class, n_deprived, deprived, rule) ",
                    );
                    qb.push_values(chunk, |mut b, (hid, r, c)| {
                        let rule = serde_json::to_string(&c.rule).unwrap_or_default();
                        b.push_bind(*hid).push_bind(i64::from(r.year.get())).push_bind(r.standard.clone())
                            .push_bind(c.class.as_str()).push_bind(i64::from(c.n_deprived))
                            .push_bind(i64::from(c.deprived.mask())).push_bind(rule);
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                summary.surveys = rows.len() as u64;
                summary.members = self.import_members(tx, batch, &households).await?;
                summary.events = self.import_events(tx, batch, &households).await?;
                let after = format!(
                    "{{\"households_new\":{},\"surveys\":{},\"replaced\":{},\"members\":{},\"events\":{}}}",
                    summary.households_new, summary.surveys, summary.replaced, summary.members, summary.events
                );
                let entry = Entry {
                    at: now, actor: &o.actor, action: "import", entity: "batch",
                    entity_key: &o.source, before: None, after: Some(&after),
                };
                Self::audit(tx, &entry).await?;
                Ok(summary)
            }

            async fn replace_survey(
                &self,
                tx: &mut sqlx::Transaction<'_, $db>,
                hid: i64,
                r: &bamho_domain::HouseholdYear,
                class: Class,
                o: &ImportOptions,
            ) -> Result<(), sqlx::Error> {
                let year = i64::from(r.year.get());
                let before = sqlx::query(
                    "SELECT s.commune_code, s.income_per_capita, s.b1_score, s.deprived, c.class \
                     FROM survey s LEFT JOIN classification c ON c.household_id = s.household_id AND c.year = s.year \
                     WHERE s.household_id = $1 AND s.year = $2 AND s.kind = 'periodic'",
                )
                .bind(hid).bind(year)
                .fetch_one(&mut **tx)
                .await?;
                let before = serde_json::json!({
                    "year": year,
                    "commune": before.try_get::<String, _>(0)?,
                    "income_per_capita": before.try_get::<Option<i64>, _>(1)?,
                    "b1_score": before.try_get::<Option<i64>, _>(2)?,
                    "deprived": before.try_get::<i64, _>(3)?,
                    "class": before.try_get::<Option<String>, _>(4)?,
                })
                .to_string();
                sqlx::query("DELETE FROM classification WHERE household_id = $1 AND year = $2")
                    .bind(hid).bind(year).execute(&mut **tx).await?;
                sqlx::query("DELETE FROM survey WHERE household_id = $1 AND year = $2 AND kind = 'periodic'")
                    .bind(hid).bind(year).execute(&mut **tx).await?;
                let after = survey_json(r, class);
                let key = format!("{}/{}", r.household, r.year);
                let entry = Entry {
                    at: &o.at, actor: &o.actor, action: "replace", entity: "survey",
                    entity_key: &key, before: Some(&before), after: Some(&after),
                };
                Self::audit(tx, &entry).await
            }

            /// Replaces the member lists of the households the batch lists members for.
            async fn import_members(
                &self,
                tx: &mut sqlx::Transaction<'_, $db>,
                batch: &Batch,
                households: &HashMap<String, i64>,
            ) -> Result<u64, sqlx::Error> {
                let ids: HashSet<i64> = batch.members.iter().map(|(_, m)| households[m.household.as_str()]).collect();
                let ids: Vec<i64> = ids.into_iter().collect();
                for chunk in ids.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("DELETE FROM person WHERE household_id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(")");
                    qb.build().execute(&mut **tx).await?;
                }
                for chunk in batch.members.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO person (household_id, person_no, full_name, name_folded, sex, birth_year, \
                         ethnicity, citizen_id, relation) ",
                    );
                    qb.push_values(chunk, |mut b, (_, m)| {
                        b.push_bind(households[m.household.as_str()]).push_bind(i64::from(m.person_no))
                            .push_bind(m.full_name.clone()).push_bind(bamho_text::fold(&m.full_name))
                            .push_bind(m.sex.as_str()).push_bind(i64::from(m.birth_year))
                            .push_bind(m.ethnicity.clone())
                            .push_bind(m.citizen_id.as_ref().map(|c| c.as_str().to_owned()))
                            .push_bind(m.relation.as_str());
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(batch.members.len() as u64)
            }

            async fn import_events(
                &self,
                tx: &mut sqlx::Transaction<'_, $db>,
                batch: &Batch,
                households: &HashMap<String, i64>,
            ) -> Result<u64, sqlx::Error> {
                for chunk in batch.events.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO household_event (household_id, year, kind, other_household_code) ",
                    );
                    qb.push_values(chunk, |mut b, (_, e)| {
                        b.push_bind(households[e.household.as_str()]).push_bind(i64::from(e.year.get()))
                            .push_bind(e.kind.as_str())
                            .push_bind(e.other.as_ref().map(|o| o.as_str().to_owned()));
                    });
                    qb.push(" ON CONFLICT (household_id, year, kind) DO NOTHING");
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(batch.events.len() as u64)
            }
        }

        #[async_trait]
        impl Store for $name {
            async fn import(&self, batch: &Batch, o: &ImportOptions) -> Result<ImportSummary, ImportError> {
                let mut tx = self.pool.begin().await?;
                let result = self.import_tx(&mut tx, batch, o).await;
                match result {
                    Ok(summary) if !o.dry_run => {
                        tx.commit().await?;
                        Ok(summary)
                    }
                    other => {
                        tx.rollback().await?;
                        other
                    }
                }
            }

            async fn decide(&self, d: &Decision, actor: &str, at: &str) -> Result<u64, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let year = i64::from(d.year.get());
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO decision (number, decided_on, signer, commune_code, year, kind) \
                     VALUES ($1, $2, $3, $4, $5, 'periodic') RETURNING id",
                )
                .bind(&d.number).bind(d.decided_on.to_string()).bind(&d.signer)
                .bind(&d.commune_code).bind(year)
                .fetch_one(&mut *tx)
                .await?;
                let decided = sqlx::query(
                    "UPDATE classification SET decided_class = class, decision_id = $1 \
                     WHERE year = $2 AND decision_id IS NULL AND household_id IN \
                     (SELECT household_id FROM survey WHERE year = $2 AND commune_code = $3 AND kind = 'periodic')",
                )
                .bind(id).bind(year).bind(&d.commune_code)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let key = format!("{}/{}/{}", d.commune_code, d.year, d.number);
                let after = format!("{{\"households\":{decided}}}");
                let entry = Entry {
                    at, actor, action: "decide", entity: "decision",
                    entity_key: &key, before: None, after: Some(&after),
                };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(decided)
            }

            async fn open_review(&self, commune_code: &str, year: Year, opened_on: Date) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO review (commune_code, year, kind, state, opened_on) VALUES ($1, $2, 'periodic', 'open', $3) \
                     ON CONFLICT (commune_code, year, kind) DO NOTHING",
                )
                .bind(commune_code).bind(i64::from(year.get())).bind(opened_on.to_string())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn name_villages(&self, names: &[(String, String)], invented: bool) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                for (code, name) in names {
                    sqlx::query("UPDATE village SET name = $1, invented = $2 WHERE code = $3")
                        .bind(name).bind(i64::from(invented)).bind(code)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn snapshot(&self, year: Year, communes_today: Option<&[String]>) -> Result<Snapshot, StoreError> {
                let standard = Standards::embedded()
                    .for_year(year)
                    .ok_or_else(|| StoreError::NotFound(format!("a standard for {year}")))?;
                let rows = sqlx::query(
                    "SELECT s.commune_code, v.code, v.commune_code, s.head_ethnicity, s.area, \
                     COALESCE(c.decided_class, c.class), s.deprived \
                     FROM survey s JOIN village v ON v.id = s.village_id \
                     JOIN classification c ON c.household_id = s.household_id AND c.year = s.year \
                     WHERE s.year = $1 AND s.kind = 'periodic' ORDER BY s.household_id",
                )
                .bind(i64::from(year.get()))
                .fetch_all(&self.pool)
                .await?;
                let units = Units::national();
                let day = review_day(year);
                let wanted: Option<HashSet<&str>> = communes_today.map(|c| c.iter().map(String::as_str).collect());
                let mut snapshot = Snapshot::new(year, &standard.id);
                let mut recorded = HashMap::new();
                let mut today = HashMap::new();
                for row in rows {
                    let village_commune: String = row.try_get(2)?;
                    if wanted.as_ref().is_some_and(|w| !w.contains(village_commune.as_str())) {
                        continue;
                    }
                    let commune_code: String = row.try_get(0)?;
                    let Some(commune) = *recorded
                        .entry(commune_code.clone())
                        .or_insert_with(|| units.find(Level::Commune, &commune_code, day))
                    else {
                        continue;
                    };
                    let now = *today.entry(village_commune.clone()).or_insert_with(|| {
                        units.all_with_code(Level::Commune, &village_commune).last().copied()
                    });
                    let village = snapshot.village_id(&row.try_get::<String, _>(1)?, now);
                    let area = Area::parse(&row.try_get::<String, _>(4)?).unwrap_or(Area::Rural);
                    let class = class_of(&row.try_get::<String, _>(5)?);
                    let deprived = row.try_get::<i64, _>(6)? as u16;
                    snapshot.push(commune, village, &row.try_get::<String, _>(3)?, area, class, deprived);
                }
                Ok(snapshot)
            }

            async fn totals(&self) -> Result<Totals, StoreError> {
                let count = |sql: &'static str| {
                    let pool = self.pool.clone();
                    async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.map(|n| n as u64) }
                };
                let mut totals = Totals {
                    households: count("SELECT COUNT(*) FROM household").await?,
                    members: count("SELECT COUNT(*) FROM person").await?,
                    villages: count("SELECT COUNT(*) FROM village").await?,
                    open_reviews: count("SELECT COUNT(*) FROM review WHERE state = 'open'").await?,
                    years: Vec::new(),
                };
                let rows = sqlx::query(
                    "SELECT year, COUNT(*), SUM(CASE WHEN decision_id IS NULL THEN 0 ELSE 1 END) \
                     FROM classification GROUP BY year ORDER BY year",
                )
                .fetch_all(&self.pool)
                .await?;
                for row in rows {
                    totals.years.push((
                        row.try_get::<i64, _>(0)? as u16,
                        row.try_get::<i64, _>(1)? as u64,
                        row.try_get::<Option<i64>, _>(2)?.unwrap_or(0) as u64,
                    ));
                }
                Ok(totals)
            }

            async fn verify_audit(&self) -> Result<u64, StoreError> {
                let rows = sqlx::query(
                    "SELECT at, actor, action, entity, entity_key, before, after, prev_hash, hash FROM audit ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?;
                let mut prev = audit::GENESIS.to_owned();
                for (i, row) in rows.iter().enumerate() {
                    let text = |n: usize| row.try_get::<String, _>(n);
                    let (before, after): (Option<String>, Option<String>) = (row.try_get(5)?, row.try_get(6)?);
                    let e = Entry {
                        at: &text(0)?, actor: &text(1)?, action: &text(2)?, entity: &text(3)?,
                        entity_key: &text(4)?, before: before.as_deref(), after: after.as_deref(),
                    };
                    if text(7)? != prev || audit::chain(&prev, &e) != text(8)? {
                        return Err(StoreError::Conflict(format!("the audit trail is broken at entry {}", i + 1)));
                    }
                    prev = text(8)?;
                }
                Ok(rows.len() as u64)
            }
        }
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
