//! Recognition in SQL.

use bamho_domain::Date;

/// Days of `[from, to]` (to open: the year's end) falling in `year`.
pub(crate) fn days_in_year(from: &str, to: Option<&str>, year: u16) -> u32 {
    let (Ok(start), Ok(end)) = (Date::new(year, 1, 1), Date::new(year, 12, 31)) else {
        return 0;
    };
    let from = Date::parse(from).map_or(start, |d| d.max(start));
    let to = to
        .and_then(|t| Date::parse(t).ok())
        .map_or(end, |d| d.min(end));
    u32::try_from(to.to_unix_days() - from.to_unix_days() + 1).unwrap_or(0)
}

macro_rules! recognitions_impl {
    ($name:ident, $db:ty) => {
        impl $name {
            const NOMINEE_COLUMNS: &'static str = "SELECT n.id, h.code, v.code, v.name, n.kind, n.name, n.organisation, \
                 n.supporter_id, g.code, n.from_class, n.to_class, n.visits, n.support, n.days, n.status \
                 FROM nominee n JOIN household h ON h.id = n.household_id JOIN village v ON v.id = h.village_id \
                 LEFT JOIN household g ON g.id = n.helper_household_id";

            fn nominee_of(r: &<$db as sqlx::Database>::Row) -> Result<NomineeRow, sqlx::Error> {
                Ok(NomineeRow {
                    id: r.try_get(0)?,
                    household_code: r.try_get(1)?,
                    village_code: r.try_get(2)?,
                    village_name: r.try_get(3)?,
                    kind: r.try_get(4)?,
                    name: r.try_get(5)?,
                    organisation: r.try_get(6)?,
                    supporter_id: r.try_get(7)?,
                    helper_household_code: r.try_get(8)?,
                    from_class: r.try_get(9)?,
                    to_class: r.try_get(10)?,
                    visits: r.try_get::<i64, _>(11)? as u32,
                    support: r.try_get::<i64, _>(12)? as u32,
                    days: r.try_get::<i64, _>(13)? as u32,
                    status: r.try_get(14)?,
                })
            }

            const RECOGNITION_COLUMNS: &'static str = "SELECT d.id, d.commune_code, d.year, d.number, d.decided_on, d.committee, d.ceremony_on, \
                 (SELECT COUNT(*) FROM nominee n WHERE n.decision_id = d.id AND n.kind = 'household'), \
                 (SELECT COUNT(*) FROM nominee n WHERE n.decision_id = d.id AND n.kind = 'helper') \
                 FROM recognition_decision d";

            fn recognition_of(r: &<$db as sqlx::Database>::Row) -> Result<RecognitionRow, sqlx::Error> {
                Ok(RecognitionRow {
                    id: r.try_get(0)?,
                    commune_code: r.try_get(1)?,
                    year: r.try_get::<i64, _>(2)? as u16,
                    number: r.try_get(3)?,
                    decided_on: r.try_get(4)?,
                    committee: r.try_get(5)?,
                    ceremony_on: r.try_get(6)?,
                    households: r.try_get::<i64, _>(7)? as u32,
                    helpers: r.try_get::<i64, _>(8)? as u32,
                })
            }

            /// Refuses changes to a commune-year already decided.
            async fn undecided(tx: &mut sqlx::Transaction<'_, $db>, commune: &str, year: u16) -> Result<(), StoreError> {
                let decided: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM recognition_decision WHERE commune_code = $1 AND year = $2")
                    .bind(commune).bind(i64::from(year))
                    .fetch_one(&mut **tx)
                    .await?;
                if decided > 0 {
                    return Err(StoreError::Conflict(format!("the recognitions of {commune} for {year} are already decided")));
                }
                Ok(())
            }

            /// Counts keyed by (household id, second column) from `head` (a query selecting
            /// household id, a second id and a count over rows `x`, ending in a WHERE clause) and
            /// `tail` (its GROUP BY, if any), over the households `ids`.
            async fn counts_by_household(tx: &mut sqlx::Transaction<'_, $db>, head: &str, tail: &str, ids: &[i64]) -> Result<HashMap<(i64, i64), u32>, sqlx::Error> {
                let mut out = HashMap::new();
                for chunk in ids.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(head);
                    qb.push(" AND x.household_id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(")").push(tail);
                    for r in qb.build().fetch_all(&mut **tx).await? {
                        out.insert((r.try_get(0)?, r.try_get::<Option<i64>, _>(1)?.unwrap_or(0)), r.try_get::<i64, _>(2)? as u32);
                    }
                }
                Ok(out)
            }
        }

        #[async_trait]
        impl Recognitions for $name {
            async fn prepare_nominees(&self, commune: &str, year: u16, actor: &str, at: &str) -> Result<u64, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                Self::undecided(&mut tx, commune, year).await?;
                let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM nominee WHERE commune_code = $1 AND year = $2")
                    .bind(commune).bind(i64::from(year))
                    .fetch_one(&mut *tx)
                    .await?;
                if existing > 0 {
                    return Ok(existing as u64);
                }
                let decided: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM classification c JOIN household h ON h.id = c.household_id JOIN village v ON v.id = h.village_id \
                     WHERE c.year = $1 AND c.decided_class IS NOT NULL AND v.commune_code = $2",
                )
                .bind(i64::from(year)).bind(commune)
                .fetch_one(&mut *tx)
                .await?;
                if decided == 0 {
                    return Err(StoreError::Conflict(format!("no review decision in {commune} for {year} yet")));
                }
                let rows = sqlx::query(
                    "SELECT h.id, p.decided_class, c.decided_class, \
                     (SELECT q.full_name FROM person q WHERE q.household_id = h.id AND q.relation = 'head' ORDER BY q.person_no LIMIT 1) \
                     FROM classification c JOIN classification p ON p.household_id = c.household_id AND p.year = c.year - 1 \
                     JOIN household h ON h.id = c.household_id JOIN village v ON v.id = h.village_id \
                     WHERE c.year = $1 AND c.decided_class IS NOT NULL AND p.decided_class IS NOT NULL AND v.commune_code = $2 \
                     ORDER BY v.code, h.code",
                )
                .bind(i64::from(year)).bind(commune)
                .fetch_all(&mut *tx)
                .await?;
                let mut escaped: Vec<(i64, String, String, String)> = Vec::new();
                for r in &rows {
                    let (before, after): (String, String) = (r.try_get(1)?, r.try_get(2)?);
                    if escapes_from(class_of(&before), class_of(&after)) {
                        let head: Option<String> = r.try_get(3)?;
                        escaped.push((r.try_get(0)?, before, after, head.unwrap_or_default()));
                    }
                }
                let ids: Vec<i64> = escaped.iter().map(|e| e.0).collect();
                // The year's bounds are written into the SQL: they are formatted from a number.
                let (first, last) = (format!("{year}-01-01"), format!("{year}-12-31"));
                let visits = Self::counts_by_household(&mut tx,
                    &format!("SELECT x.household_id, x.supporter_id, COUNT(*) FROM visit x WHERE x.visited_on >= '{first}' AND x.visited_on <= '{last}'"),
                    " GROUP BY x.household_id, x.supporter_id", &ids).await?;
                let support = Self::counts_by_household(&mut tx,
                    &format!("SELECT x.household_id, 0, COUNT(*) FROM support x WHERE x.given_on >= '{first}' AND x.given_on <= '{last}'"),
                    " GROUP BY x.household_id", &ids).await?;
                let activities = Self::counts_by_household(&mut tx,
                    &format!("SELECT x.household_id, x.id, (SELECT COUNT(*) FROM twinning_activity t WHERE t.twinning_id = x.id \
                              AND t.on_date >= '{first}' AND t.on_date <= '{last}') FROM twinning x WHERE 1 = 1"),
                    "", &ids).await?;
                let mut helpers: HashMap<i64, Vec<(Option<i64>, Option<i64>, String, Option<String>, u32, u32)>> = HashMap::new();
                for chunk in ids.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "SELECT a.household_id, s.id, s.full_name, s.organisation, a.from_date, a.to_date FROM assignment a \
                         JOIN supporter s ON s.id = a.supporter_id WHERE a.from_date <= ",
                    );
                    qb.push_bind(last.clone()).push(" AND (a.to_date IS NULL OR a.to_date >= ").push_bind(first.clone()).push(")");
                    qb.push(" AND a.household_id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(") ORDER BY a.household_id, a.from_date, s.id");
                    for r in qb.build().fetch_all(&mut *tx).await? {
                        let (hid, sid): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
                        let from: String = r.try_get(4)?;
                        let to: Option<String> = r.try_get(5)?;
                        let list = helpers.entry(hid).or_default();
                        let days = days_in_year(&from, to.as_deref(), year);
                        let n = visits.get(&(hid, sid)).copied().unwrap_or(0);
                        match list.iter_mut().find(|h| h.0 == Some(sid)) {
                            Some(h) => h.5 += days,
                            None => list.push((Some(sid), None, r.try_get(2)?, r.try_get(3)?, n, days)),
                        }
                    }
                    let mut qb = QueryBuilder::<$db>::new(
                        "SELECT t.household_id, t.id, t.helper_household_id, t.helper_name, t.from_date, t.to_date FROM twinning t WHERE t.from_date <= ",
                    );
                    qb.push_bind(last.clone()).push(" AND (t.to_date IS NULL OR t.to_date >= ").push_bind(first.clone()).push(")");
                    qb.push(" AND t.household_id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(") ORDER BY t.household_id, t.from_date, t.id");
                    for r in qb.build().fetch_all(&mut *tx).await? {
                        let (hid, tid): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
                        let from: String = r.try_get(4)?;
                        let to: Option<String> = r.try_get(5)?;
                        let n = activities.get(&(hid, tid)).copied().unwrap_or(0);
                        helpers.entry(hid).or_default().push((None, r.try_get(2)?, r.try_get(3)?, None, n, days_in_year(&from, to.as_deref(), year)));
                    }
                }
                let mut count = 0u64;
                for (hid, before, after, head) in &escaped {
                    let received = support.get(&(*hid, 0)).copied().unwrap_or(0);
                    let mut rows = vec![(HOUSEHOLD, None, None, head.clone(), None, 0, received, 0)];
                    for (sid, gid, name, org, n, days) in helpers.remove(hid).unwrap_or_default() {
                        rows.push((HELPER, sid, gid, name, org, n, 0, days));
                    }
                    for (kind, sid, gid, name, org, n, received, days) in rows {
                        sqlx::query(
                            "INSERT INTO nominee (commune_code, year, household_id, kind, supporter_id, helper_household_id, name, organisation, \
                             from_class, to_class, visits, support, days, status) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'proposed')",
                        )
                        .bind(commune).bind(i64::from(year)).bind(*hid).bind(kind).bind(sid).bind(gid).bind(name).bind(org)
                        .bind(before).bind(after).bind(i64::from(n)).bind(i64::from(received)).bind(i64::from(days))
                        .execute(&mut *tx)
                        .await?;
                        count += 1;
                    }
                }
                let key = format!("{commune}/{year}/nominees");
                let after = format!("{{\"households\":{},\"nominees\":{count}}}", escaped.len());
                let entry = Entry { at, actor, action: "propose", entity: "nominee", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(count)
            }

            async fn nominees(&self, commune: &str, year: u16) -> Result<Vec<NomineeRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(Self::NOMINEE_COLUMNS);
                qb.push(" WHERE n.commune_code = ").push_bind(commune.to_owned());
                qb.push(" AND n.year = ").push_bind(i64::from(year));
                qb.push(" ORDER BY v.code, h.code, (n.kind = 'household') DESC, n.id");
                let rows = qb.build().fetch_all(&self.pool).await?;
                Ok(rows.iter().map(Self::nominee_of).collect::<Result<_, _>>()?)
            }

            async fn set_nominee_status(&self, commune: &str, year: u16, id: i64, status: &str, actor: &str, at: &str) -> Result<(), StoreError> {
                if !["proposed", "confirmed", "removed"].contains(&status) {
                    return Err(StoreError::Invalid(format!("no nominee status {status:?}")));
                }
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                Self::undecided(&mut tx, commune, year).await?;
                let before: Option<String> = sqlx::query_scalar("SELECT status FROM nominee WHERE id = $1 AND commune_code = $2 AND year = $3")
                    .bind(id).bind(commune).bind(i64::from(year))
                    .fetch_optional(&mut *tx)
                    .await?;
                let before = before.ok_or_else(|| StoreError::NotFound(format!("nominee {id}")))?;
                sqlx::query("UPDATE nominee SET status = $1 WHERE id = $2").bind(status).bind(id).execute(&mut *tx).await?;
                let key = format!("{commune}/{year}/nominee/{id}");
                let entry = Entry { at, actor, action: "nominee-status", entity: "nominee", entity_key: &key, before: Some(&before), after: Some(status) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn confirm_all(&self, commune: &str, year: u16, actor: &str, at: &str) -> Result<u64, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                Self::undecided(&mut tx, commune, year).await?;
                let done = sqlx::query("UPDATE nominee SET status = 'confirmed' WHERE commune_code = $1 AND year = $2 AND status = 'proposed'")
                    .bind(commune).bind(i64::from(year))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let key = format!("{commune}/{year}/nominees");
                let after = done.to_string();
                let entry = Entry { at, actor, action: "confirm-all", entity: "nominee", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(done)
            }

            async fn add_nominee(&self, commune: &str, year: u16, n: &NewNominee, actor: &str, at: &str) -> Result<i64, StoreError> {
                if n.kind != HOUSEHOLD && n.kind != HELPER {
                    return Err(StoreError::Invalid(format!("no nominee kind {:?}", n.kind)));
                }
                if n.name.trim().is_empty() {
                    return Err(StoreError::Invalid("a nominee has a name".into()));
                }
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                Self::undecided(&mut tx, commune, year).await?;
                let row = sqlx::query(
                    "SELECT h.id, v.commune_code, \
                     (SELECT p.decided_class FROM classification p WHERE p.household_id = h.id AND p.year = $2), \
                     (SELECT c.decided_class FROM classification c WHERE c.household_id = h.id AND c.year = $3) \
                     FROM household h JOIN village v ON v.id = h.village_id WHERE h.code = $1",
                )
                .bind(&n.household_code).bind(i64::from(year) - 1).bind(i64::from(year))
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("household {}", n.household_code)))?;
                let (hid, in_commune): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
                if in_commune != commune {
                    return Err(StoreError::NotFound(format!("household {} in {commune}", n.household_code)));
                }
                let before: Option<String> = row.try_get(2)?;
                let after: Option<String> = row.try_get(3)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO nominee (commune_code, year, household_id, kind, name, organisation, from_class, to_class, visits, support, days, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, 0, 'confirmed') RETURNING id",
                )
                .bind(commune).bind(i64::from(year)).bind(hid).bind(&n.kind).bind(n.name.trim()).bind(&n.organisation)
                .bind(before.unwrap_or_default()).bind(after.unwrap_or_default())
                .fetch_one(&mut *tx)
                .await?;
                let key = format!("{commune}/{year}/nominee/{id}");
                let entry = Entry { at, actor, action: "add-nominee", entity: "nominee", entity_key: &key, before: None, after: Some(&n.kind) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn issue_recognition(&self, d: &RecognitionDecision, actor: &str, at: &str) -> Result<i64, StoreError> {
                if d.number.trim().is_empty() || d.committee.trim().is_empty() {
                    return Err(StoreError::Invalid("a decision has a number and a committee".into()));
                }
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                Self::undecided(&mut tx, &d.commune_code, d.year).await?;
                let counts = sqlx::query(
                    "SELECT SUM(CASE WHEN status = 'proposed' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END) \
                     FROM nominee WHERE commune_code = $1 AND year = $2",
                )
                .bind(&d.commune_code).bind(i64::from(d.year))
                .fetch_one(&mut *tx)
                .await?;
                let proposed = counts.try_get::<Option<i64>, _>(0)?.unwrap_or(0);
                let confirmed = counts.try_get::<Option<i64>, _>(1)?.unwrap_or(0);
                if proposed > 0 {
                    return Err(StoreError::Conflict(format!("{proposed} nominees are still to be confirmed or removed")));
                }
                if confirmed == 0 {
                    return Err(StoreError::Conflict("no nominee is confirmed".into()));
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO recognition_decision (commune_code, year, number, decided_on, committee, ceremony_on, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(&d.commune_code).bind(i64::from(d.year)).bind(d.number.trim()).bind(&d.decided_on).bind(d.committee.trim())
                .bind(&d.ceremony_on).bind(actor).bind(at)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("UPDATE nominee SET decision_id = $1 WHERE commune_code = $2 AND year = $3 AND status = 'confirmed'")
                    .bind(id).bind(&d.commune_code).bind(i64::from(d.year))
                    .execute(&mut *tx)
                    .await?;
                let key = format!("{}/{}/recognition", d.commune_code, d.year);
                let entry = Entry { at, actor, action: "recognise", entity: "recognition_decision", entity_key: &key, before: None, after: Some(&d.number) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn nominations(&self, communes: Option<&[String]>) -> Result<Vec<NominationRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT n.commune_code, n.year, SUM(CASE WHEN n.status = 'proposed' THEN 1 ELSE 0 END), \
                     SUM(CASE WHEN n.status = 'confirmed' THEN 1 ELSE 0 END), SUM(CASE WHEN n.status = 'removed' THEN 1 ELSE 0 END), \
                     (SELECT d.number FROM recognition_decision d WHERE d.commune_code = n.commune_code AND d.year = n.year) \
                     FROM nominee n WHERE 1 = 1",
                );
                if let Some(list) = communes {
                    Self::push_in(&mut qb, "n.commune_code", list);
                }
                qb.push(" GROUP BY n.commune_code, n.year ORDER BY n.year DESC, n.commune_code");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(NominationRow {
                        commune_code: r.try_get(0)?,
                        year: r.try_get::<i64, _>(1)? as u16,
                        proposed: r.try_get::<Option<i64>, _>(2)?.unwrap_or(0) as u32,
                        confirmed: r.try_get::<Option<i64>, _>(3)?.unwrap_or(0) as u32,
                        removed: r.try_get::<Option<i64>, _>(4)?.unwrap_or(0) as u32,
                        decision: r.try_get(5)?,
                    });
                }
                Ok(out)
            }

            async fn recognition(&self, commune: &str, year: u16) -> Result<Option<RecognitionRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(Self::RECOGNITION_COLUMNS);
                qb.push(" WHERE d.commune_code = ").push_bind(commune.to_owned()).push(" AND d.year = ").push_bind(i64::from(year));
                let row = qb.build().fetch_optional(&self.pool).await?;
                Ok(row.as_ref().map(Self::recognition_of).transpose()?)
            }

            async fn recognitions(&self, communes: Option<&[String]>, year: Option<u16>) -> Result<Vec<RecognitionRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(Self::RECOGNITION_COLUMNS);
                qb.push(" WHERE 1 = 1");
                if let Some(list) = communes {
                    Self::push_in(&mut qb, "d.commune_code", list);
                }
                if let Some(y) = year {
                    qb.push(" AND d.year = ").push_bind(i64::from(y));
                }
                qb.push(" ORDER BY d.year DESC, d.commune_code");
                let rows = qb.build().fetch_all(&self.pool).await?;
                Ok(rows.iter().map(Self::recognition_of).collect::<Result<_, _>>()?)
            }

            async fn recognitions_of(&self, household: &str) -> Result<Vec<HouseholdRecognition>, StoreError> {
                let rows = sqlx::query(
                    "SELECT n.year, n.kind, n.name, h.code, n.status, d.number, d.decided_on, d.ceremony_on FROM nominee n \
                     JOIN household h ON h.id = n.household_id LEFT JOIN household g ON g.id = n.helper_household_id \
                     LEFT JOIN recognition_decision d ON d.id = n.decision_id \
                     WHERE (h.code = $1 AND n.kind = 'household') OR g.code = $1 ORDER BY n.year DESC, n.id",
                )
                .bind(household)
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(HouseholdRecognition {
                        year: r.try_get::<i64, _>(0)? as u16,
                        kind: r.try_get(1)?,
                        name: r.try_get(2)?,
                        household_code: r.try_get(3)?,
                        status: r.try_get(4)?,
                        decision_number: r.try_get(5)?,
                        decided_on: r.try_get(6)?,
                        ceremony_on: r.try_get(7)?,
                    });
                }
                Ok(out)
            }

            async fn class_histories(&self, communes: Option<&[String]>) -> Result<Vec<ClassHistory>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT h.code, c.year, c.decided_class, v.code, v.name, v.commune_code FROM classification c \
                     JOIN household h ON h.id = c.household_id JOIN village v ON v.id = h.village_id \
                     WHERE c.decided_class IS NOT NULL",
                );
                if let Some(list) = communes {
                    Self::push_in(&mut qb, "v.commune_code", list);
                }
                qb.push(" ORDER BY h.code, c.year");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut out: Vec<ClassHistory> = Vec::new();
                for r in &rows {
                    let code: String = r.try_get(0)?;
                    if out.last().is_none_or(|h| h.household_code != code) {
                        out.push(ClassHistory {
                            household_code: code,
                            head_name: None,
                            village_code: r.try_get(3)?,
                            village_name: r.try_get(4)?,
                            commune_code: r.try_get(5)?,
                            classes: BTreeMap::new(),
                            helpers: BTreeMap::new(),
                        });
                    }
                    let class: String = r.try_get(2)?;
                    if let Some(h) = out.last_mut() {
                        h.classes.insert(r.try_get::<i64, _>(1)? as u16, class_of(&class));
                    }
                }
                let index: HashMap<String, usize> = out.iter().enumerate().map(|(i, h)| (h.household_code.clone(), i)).collect();
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT h.code, a.from_date, a.to_date, s.organisation, \
                     (SELECT p.full_name FROM person p WHERE p.household_id = h.id AND p.relation = 'head' ORDER BY p.person_no LIMIT 1) \
                     FROM assignment a JOIN supporter s ON s.id = a.supporter_id JOIN household h ON h.id = a.household_id \
                     JOIN village v ON v.id = h.village_id WHERE 1 = 1",
                );
                if let Some(list) = communes {
                    Self::push_in(&mut qb, "v.commune_code", list);
                }
                for r in qb.build().fetch_all(&self.pool).await? {
                    let code: String = r.try_get(0)?;
                    let Some(h) = index.get(&code).and_then(|i| out.get_mut(*i)) else { continue };
                    let from: String = r.try_get(1)?;
                    let to: Option<String> = r.try_get(2)?;
                    let org: String = r.try_get(3)?;
                    let first = from.get(..4).and_then(|y| y.parse::<u16>().ok()).unwrap_or(0);
                    let last = to.as_deref().and_then(|t| t.get(..4)).and_then(|y| y.parse::<u16>().ok()).unwrap_or(u16::MAX);
                    for year in h.classes.keys().copied().filter(|y| (first..=last).contains(y)).collect::<Vec<_>>() {
                        h.helpers.entry(year).or_default().push(org.clone());
                    }
                    h.head_name = r.try_get(4)?;
                }
                Ok(out)
            }
        }
    };
}
