//! The annual review in SQL.

macro_rules! reviews_impl {
    ($name:ident, $db:ty) => {
        impl $name {
            const REVIEW_COLUMNS: &'static str = "SELECT r.id, r.commune_code, r.year, r.kind, r.state, r.opened_on, \
                 r.posted_on, d.number, d.decided_on, d.signer FROM review r LEFT JOIN decision d ON d.id = r.decision_id";

            fn review_of(r: &<$db as sqlx::Database>::Row) -> Result<ReviewRow, sqlx::Error> {
                Ok(ReviewRow {
                    id: r.try_get(0)?,
                    commune_code: r.try_get(1)?,
                    year: r.try_get::<i64, _>(2)? as u16,
                    kind: r.try_get(3)?,
                    state: r.try_get(4)?,
                    opened_on: r.try_get(5)?,
                    posted_on: r.try_get(6)?,
                    decision_number: r.try_get(7)?,
                    decision_date: r.try_get(8)?,
                    decision_signer: r.try_get(9)?,
                })
            }
        }

        #[async_trait]
        impl Reviews for $name {
            async fn reviews(&self, communes: Option<&[String]>) -> Result<Vec<ReviewRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(Self::REVIEW_COLUMNS);
                qb.push(" WHERE 1 = 1");
                if let Some(list) = communes {
                    if list.is_empty() {
                        return Ok(Vec::new());
                    }
                    Self::push_in(&mut qb, "r.commune_code", list);
                }
                qb.push(" ORDER BY r.year DESC, r.commune_code");
                let rows = qb.build().fetch_all(&self.pool).await?;
                Ok(rows.iter().map(Self::review_of).collect::<Result<_, _>>()?)
            }

            async fn review(&self, id: i64) -> Result<Option<ReviewRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(Self::REVIEW_COLUMNS);
                qb.push(" WHERE r.id = ").push_bind(id);
                let row = qb.build().fetch_optional(&self.pool).await?;
                Ok(row.as_ref().map(Self::review_of).transpose()?)
            }

            async fn review_households(&self, review: &ReviewRow) -> Result<Vec<ReviewHousehold>, StoreError> {
                let year = i64::from(review.year);
                let rows = sqlx::query(
                    "SELECT h.code, \
                     (SELECT p.full_name FROM person p WHERE p.household_id = h.id AND p.relation = 'head' ORDER BY p.person_no LIMIT 1), \
                     v.code, v.name, prev.decided_class, COALESCE(cur.decided_class, cur.class), cur.decision_id, \
                     (SELECT COUNT(*) FROM review_request q WHERE q.household_id = h.id AND q.year = $2 AND q.form = 'form01') \
                     FROM household h JOIN village v ON v.id = h.village_id \
                     LEFT JOIN classification prev ON prev.household_id = h.id AND prev.year = $3 \
                     LEFT JOIN classification cur ON cur.household_id = h.id AND cur.year = $2 \
                     WHERE v.commune_code = $1 AND (prev.decided_class IN ('poor', 'near_poor') \
                       OR cur.household_id IS NOT NULL \
                       OR EXISTS (SELECT 1 FROM review_request q WHERE q.household_id = h.id AND q.year = $2)) \
                     ORDER BY v.code, h.code",
                )
                .bind(&review.commune_code).bind(year).bind(year - 1)
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(ReviewHousehold {
                        household_code: r.try_get(0)?,
                        head_name: r.try_get(1)?,
                        village_code: r.try_get(2)?,
                        village_name: r.try_get(3)?,
                        previous_class: r.try_get(4)?,
                        class: r.try_get(5)?,
                        decided: r.try_get::<Option<i64>, _>(6)?.is_some(),
                        requested: r.try_get::<i64, _>(7)? > 0,
                    });
                }
                Ok(out)
            }

            async fn save_survey(&self, s: &SurveyInput, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let row = sqlx::query("SELECT id, village_id FROM household WHERE code = $1")
                    .bind(&s.household_code)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("household {}", s.household_code)))?;
                let (hid, village): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
                let year = i64::from(s.year);
                let previous = sqlx::query(
                    "SELECT c.class, c.decision_id, s.income_per_capita, s.b1_score, s.deprived FROM survey s \
                     LEFT JOIN classification c ON c.household_id = s.household_id AND c.year = s.year \
                     WHERE s.household_id = $1 AND s.year = $2 AND s.kind = 'periodic'",
                )
                .bind(hid).bind(year)
                .fetch_optional(&mut *tx)
                .await?;
                let before = match &previous {
                    Some(p) if p.try_get::<Option<i64>, _>(1)?.is_some() => {
                        return Err(StoreError::Conflict(format!(
                            "the {} review of household {} is already decided",
                            s.year, s.household_code
                        )));
                    }
                    Some(p) => Some(serde_json::json!({
                        "class": p.try_get::<Option<String>, _>(0)?,
                        "income_per_capita": p.try_get::<Option<i64>, _>(2)?,
                        "b1_score": p.try_get::<Option<i64>, _>(3)?,
                        "deprived": p.try_get::<i64, _>(4)?,
                    }).to_string()),
                    None => None,
                };
                sqlx::query("DELETE FROM classification WHERE household_id = $1 AND year = $2")
                    .bind(hid).bind(year).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM survey WHERE household_id = $1 AND year = $2 AND kind = 'periodic'")
                    .bind(hid).bind(year).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO survey (household_id, year, kind, province_code, commune_code, village_id, area, \
                     agricultural, head_ethnicity, members, income_per_capita, b1_score, deprived, standard, source, entered_at) \
                     VALUES ($1, $2, 'periodic', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'form', $14)",
                )
                .bind(hid).bind(year).bind(&s.province_code).bind(&s.commune_code).bind(village).bind(&s.area)
                .bind(i64::from(s.agricultural)).bind(&s.head_ethnicity).bind(i64::from(s.members))
                .bind(s.income_per_capita.map(|v| v as i64)).bind(s.b1_score.map(i64::from))
                .bind(i64::from(s.deprived)).bind(&s.standard).bind(at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO classification (household_id, year, standard, class, n_deprived, deprived, rule) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(hid).bind(year).bind(&s.standard).bind(&s.class).bind(i64::from(s.n_deprived))
                .bind(i64::from(s.deprived)).bind(&s.rule)
                .execute(&mut *tx)
                .await?;
                let after = serde_json::json!({
                    "class": s.class,
                    "income_per_capita": s.income_per_capita,
                    "b1_score": s.b1_score,
                    "deprived": s.deprived,
                })
                .to_string();
                // Entering the survey answers the household's open requests of that year.
                sqlx::query("UPDATE review_request SET resolved_on = $1 WHERE household_id = $2 AND year = $3 AND resolved_on IS NULL")
                    .bind(at.get(..10).unwrap_or(at)).bind(hid).bind(year)
                    .execute(&mut *tx)
                    .await?;
                let key = format!("{}/{}", s.household_code, s.year);
                let entry = Entry {
                    at, actor, action: if before.is_some() { "survey-change" } else { "survey" },
                    entity: "survey", entity_key: &key, before: before.as_deref(), after: Some(&after),
                };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn record_meeting(&self, review_id: i64, m: &Meeting, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                sqlx::query(
                    "INSERT INTO village_meeting (review_id, village_code, held_on, attendees, agreeing, minutes, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(review_id).bind(&m.village_code).bind(&m.held_on).bind(i64::from(m.attendees))
                .bind(i64::from(m.agreeing)).bind(&m.minutes).bind(actor).bind(at)
                .execute(&mut *tx)
                .await?;
                let key = format!("review/{review_id}/{}", m.village_code);
                let after = format!("{{\"attendees\":{},\"agreeing\":{}}}", m.attendees, m.agreeing);
                let entry = Entry { at, actor, action: "meeting", entity: "review", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn meetings(&self, review_id: i64) -> Result<Vec<Meeting>, StoreError> {
                let rows = sqlx::query(
                    "SELECT village_code, held_on, attendees, agreeing, minutes FROM village_meeting \
                     WHERE review_id = $1 ORDER BY village_code, id",
                )
                .bind(review_id)
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(Meeting {
                        village_code: r.try_get(0)?,
                        held_on: r.try_get(1)?,
                        attendees: r.try_get::<i64, _>(2)? as u32,
                        agreeing: r.try_get::<i64, _>(3)? as u32,
                        minutes: r.try_get(4)?,
                    });
                }
                Ok(out)
            }

            async fn mark_posted(&self, review_id: i64, on: &str, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                sqlx::query("UPDATE review SET posted_on = $1 WHERE id = $2").bind(on).bind(review_id).execute(&mut *tx).await?;
                let key = format!("review/{review_id}");
                let entry = Entry { at, actor, action: "posted", entity: "review", entity_key: &key, before: None, after: Some(on) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn decide_review(&self, review_id: i64, d: &Decision, actor: &str, at: &str) -> Result<u64, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let state: Option<String> = sqlx::query_scalar("SELECT state FROM review WHERE id = $1")
                    .bind(review_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                match state.as_deref() {
                    None => return Err(StoreError::NotFound(format!("review {review_id}"))),
                    Some("decided") => return Err(StoreError::Conflict("this review is already decided".into())),
                    _ => {}
                }
                let (id, decided) = Self::decide_tx(&mut tx, d, actor, at).await?;
                sqlx::query("UPDATE review SET state = 'decided', decision_id = $1 WHERE id = $2")
                    .bind(id).bind(review_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(decided)
            }

            async fn add_request(&self, q: &NewRequest, actor: &str, at: &str) -> Result<i64, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let hid: i64 = sqlx::query_scalar("SELECT id FROM household WHERE code = $1")
                    .bind(&q.household_code)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("household {}", q.household_code)))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO review_request (household_id, year, form, received_on, due_on, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(hid).bind(i64::from(q.year)).bind(&q.form).bind(&q.received_on).bind(&q.due_on).bind(&q.reason)
                .fetch_one(&mut *tx)
                .await?;
                let key = format!("{}/{}", q.household_code, q.year);
                let after = format!("{{\"form\":\"{}\",\"due_on\":\"{}\"}}", q.form, q.due_on);
                let entry = Entry { at, actor, action: "request", entity: "request", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn open_requests(&self, communes: Option<&[String]>) -> Result<Vec<RequestRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT q.id, h.code, \
                     (SELECT p.full_name FROM person p WHERE p.household_id = h.id AND p.relation = 'head' ORDER BY p.person_no LIMIT 1), \
                     v.commune_code, q.year, q.form, q.received_on, q.due_on, q.reason, q.resolved_on \
                     FROM review_request q JOIN household h ON h.id = q.household_id JOIN village v ON v.id = h.village_id \
                     WHERE q.resolved_on IS NULL",
                );
                if let Some(list) = communes {
                    if list.is_empty() {
                        return Ok(Vec::new());
                    }
                    Self::push_in(&mut qb, "v.commune_code", list);
                }
                qb.push(" ORDER BY q.due_on, h.code");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(RequestRow {
                        id: r.try_get(0)?,
                        household_code: r.try_get(1)?,
                        head_name: r.try_get(2)?,
                        commune_code: r.try_get(3)?,
                        year: r.try_get::<i64, _>(4)? as u16,
                        form: r.try_get(5)?,
                        received_on: r.try_get(6)?,
                        due_on: r.try_get(7)?,
                        reason: r.try_get(8)?,
                        resolved_on: r.try_get(9)?,
                    });
                }
                Ok(out)
            }
        }
    };
}
