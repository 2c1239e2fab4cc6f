//! The registry's writes and reads: imports, decisions, reviews, snapshots, the audit check.

macro_rules! registry_impl {
    ($name:ident, $db:ty) => {
        impl $name {
            /// Records a decision and makes the computed classes of its commune and year official;
            /// returns the decision's id and the number of households decided.
            async fn decide_tx(
                tx: &mut sqlx::Transaction<'_, $db>,
                d: &Decision,
                actor: &str,
                at: &str,
            ) -> Result<(i64, u64), sqlx::Error> {
                let year = i64::from(d.year.get());
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO decision (number, decided_on, signer, commune_code, year, kind) \
                     VALUES ($1, $2, $3, $4, $5, 'periodic') RETURNING id",
                )
                .bind(&d.number).bind(d.decided_on.to_string()).bind(&d.signer)
                .bind(&d.commune_code).bind(year)
                .fetch_one(&mut **tx)
                .await?;
                let decided = sqlx::query(
                    "UPDATE classification SET decided_class = class, decision_id = $1 \
                     WHERE year = $2 AND decision_id IS NULL AND household_id IN \
                     (SELECT household_id FROM survey WHERE year = $2 AND commune_code = $3 AND kind = 'periodic')",
                )
                .bind(id).bind(year).bind(&d.commune_code)
                .execute(&mut **tx)
                .await?
                .rows_affected();
                let key = format!("{}/{}/{}", d.commune_code, d.year, d.number);
                let after = format!("{{\"households\":{decided}}}");
                let entry = Entry {
                    at, actor, action: "decide", entity: "decision",
                    entity_key: &key, before: None, after: Some(&after),
                };
                Self::audit(tx, &entry).await?;
                Ok((id, decided))
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
                        let province = units.province_of(r.commune).map(|p| units.get(p).code.to_owned()).unwrap_or_default();
                        b.push_bind(*hid).push_bind(i64::from(r.year.get())).push_bind("periodic")
                            .push_bind(province).push_bind(units.get(r.commune).code.to_owned())
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
        impl Registry for $name {
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
                let (_, decided) = Self::decide_tx(&mut tx, d, actor, at).await?;
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
                // Every household of the registry that year: its survey of the year, or — not
                // reviewed again, as most non-poor households are not — its latest one before,
                // carried forward under the units of the year. Households that merged or moved away
                // by then are gone. The scope follows the village the household lives in today.
                let y = i64::from(year.get());
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT s.commune_code, v.code, hv.commune_code, s.head_ethnicity, s.area, \
                     COALESCE(c.decided_class, c.class), s.deprived, h.code, s.year \
                     FROM household h JOIN village hv ON hv.id = h.village_id \
                     JOIN survey s ON s.household_id = h.id AND s.kind = 'periodic' AND s.year = \
                       (SELECT MAX(s2.year) FROM survey s2 WHERE s2.household_id = h.id AND s2.kind = 'periodic' AND s2.year <= ",
                );
                qb.push_bind(y);
                qb.push(
                    ") JOIN village v ON v.id = s.village_id \
                     JOIN classification c ON c.household_id = s.household_id AND c.year = s.year \
                     WHERE NOT EXISTS (SELECT 1 FROM household_event e WHERE e.household_id = h.id \
                       AND e.kind IN ('merge', 'move') AND e.year <= ",
                );
                qb.push_bind(y).push(")");
                if let Some(list) = communes_today {
                    if list.is_empty() {
                        return Ok(Snapshot::new(year, &standard.id));
                    }
                    Self::push_in(&mut qb, "hv.commune_code", list);
                }
                qb.push(" ORDER BY h.id");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let units = Units::national();
                let day = review_day(year);
                let mut snapshot = Snapshot::new(year, &standard.id);
                let mut recorded: HashMap<(String, i64), Option<bamho_domain::UnitId>> = HashMap::new();
                let mut today = HashMap::new();
                for row in rows {
                    let village_commune: String = row.try_get(2)?;
                    let commune_code: String = row.try_get(0)?;
                    let surveyed: i64 = row.try_get(8)?;
                    // The unit of the survey's own review, then the one in force this year.
                    let Some(commune) = *recorded.entry((commune_code.clone(), surveyed)).or_insert_with(|| {
                        let then = Year::new(surveyed as u16).ok().map(review_day)?;
                        let unit = units.find(Level::Commune, &commune_code, then)?;
                        units.successor_on(unit, day)
                    }) else {
                        continue;
                    };
                    let now = *today.entry(village_commune.clone()).or_insert_with(|| {
                        units.all_with_code(Level::Commune, &village_commune).last().copied()
                    });
                    let village = snapshot.village_id(&row.try_get::<String, _>(1)?, now);
                    let area = if surveyed == y {
                        Area::parse(&row.try_get::<String, _>(4)?).unwrap_or(Area::Rural)
                    } else {
                        units.get(commune).area()
                    };
                    let class = class_of(&row.try_get::<String, _>(5)?);
                    let deprived = row.try_get::<i64, _>(6)? as u16;
                    let code: String = row.try_get(7)?;
                    snapshot.push(&code, commune, village, &row.try_get::<String, _>(3)?, area, class, deprived);
                }
                Ok(snapshot)
            }

            async fn decided_years(&self) -> Result<Vec<u16>, StoreError> {
                let years: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT year FROM decision ORDER BY year")
                    .fetch_all(&self.pool)
                    .await?;
                Ok(years.into_iter().map(|y| y as u16).collect())
            }

            async fn survey_years(&self) -> Result<Vec<u16>, StoreError> {
                // MIN and MAX asked apart: each is one look-up in the index on the year.
                let first: Option<i64> = sqlx::query_scalar("SELECT MIN(year) FROM classification")
                    .fetch_one(&self.pool)
                    .await?;
                let last: Option<i64> = sqlx::query_scalar("SELECT MAX(year) FROM classification")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(match (first, last) {
                    (Some(a), Some(b)) => (a..=b).map(|y| y as u16).collect(),
                    _ => Vec::new(),
                })
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
                    supporters: count("SELECT COUNT(*) FROM supporter").await?,
                    followed: count("SELECT COUNT(DISTINCT household_id) FROM assignment WHERE to_date IS NULL").await?,
                    visits: count("SELECT COUNT(*) FROM visit").await?,
                    twinnings: count("SELECT COUNT(*) FROM twinning").await?,
                    tours: count("SELECT COUNT(*) FROM study_tour").await?,
                    support: count("SELECT COUNT(*) FROM support").await?,
                    loans: count("SELECT COUNT(*) FROM loan").await?,
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

            async fn open_reviews(&self, communes: Option<&[String]>) -> Result<Vec<(String, u16, String)>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT commune_code, year, opened_on FROM review WHERE state = 'open'",
                );
                if let Some(list) = communes {
                    if list.is_empty() {
                        return Ok(Vec::new());
                    }
                    Self::push_in(&mut qb, "commune_code", list);
                }
                qb.push(" ORDER BY year DESC, commune_code");
                let rows = qb.build().fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get::<i64, _>(1)? as u16, r.try_get(2)?)))
                    .collect::<Result<Vec<_>, sqlx::Error>>()
                    .map_err(Into::into)
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
