//! Follow-up in SQL.

macro_rules! followup_impl {
    ($name:ident, $db:ty) => {
        impl $name {
            const CASE_COLUMNS: &'static str = "SELECT h.code, \
                 (SELECT p.full_name FROM person p WHERE p.household_id = h.id AND p.relation = 'head' ORDER BY p.person_no LIMIT 1), \
                 v.name, \
                 (SELECT COALESCE(c.decided_class, c.class) FROM classification c WHERE c.household_id = h.id ORDER BY c.year DESC LIMIT 1), \
                 (SELECT MAX(x.visited_on) FROM visit x WHERE x.household_id = h.id), \
                 (SELECT x.next_due FROM visit x WHERE x.household_id = h.id ORDER BY x.visited_on DESC, x.id DESC LIMIT 1) \
                 FROM household h JOIN village v ON v.id = h.village_id";

            fn case_of(r: &<$db as sqlx::Database>::Row) -> Result<CaseRow, sqlx::Error> {
                Ok(CaseRow {
                    household_code: r.try_get(0)?,
                    head_name: r.try_get(1)?,
                    village_name: r.try_get(2)?,
                    class: r.try_get(3)?,
                    last_visit: r.try_get(4)?,
                    next_due: r.try_get(5)?,
                })
            }
        }

        #[async_trait]
        impl FollowUp for $name {
            async fn add_supporter(&self, s: &NewSupporter, actor: &str, at: &str) -> Result<i64, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let user_id: Option<i64> = match &s.username {
                    Some(u) => Some(
                        sqlx::query_scalar("SELECT id FROM app_user WHERE username = $1")
                            .bind(u)
                            .fetch_optional(&mut *tx)
                            .await?
                            .ok_or_else(|| StoreError::NotFound(format!("user {u}")))?,
                    ),
                    None => None,
                };
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO supporter (full_name, organisation, commune_code, phone, user_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(&s.full_name).bind(&s.organisation).bind(&s.commune_code).bind(&s.phone).bind(user_id).bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict("this login already belongs to a supporter".into()),
                    other => other.into(),
                })?;
                let key = format!("supporter/{id}");
                let entry = Entry { at, actor, action: "create", entity: "supporter", entity_key: &key, before: None, after: Some(&s.organisation) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn supporters(&self, communes: Option<&[String]>) -> Result<Vec<SupporterRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT s.id, s.full_name, s.organisation, s.commune_code, u.username, \
                     (SELECT COUNT(*) FROM assignment a WHERE a.supporter_id = s.id AND a.to_date IS NULL) \
                     FROM supporter s LEFT JOIN app_user u ON u.id = s.user_id WHERE 1 = 1",
                );
                if let Some(list) = communes {
                    Self::push_in(&mut qb, "s.commune_code", list);
                }
                qb.push(" ORDER BY s.full_name, s.id");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(SupporterRow {
                        id: r.try_get(0)?,
                        full_name: r.try_get(1)?,
                        organisation: r.try_get(2)?,
                        commune_code: r.try_get(3)?,
                        username: r.try_get(4)?,
                        caseload: r.try_get::<i64, _>(5)? as u32,
                    });
                }
                Ok(out)
            }

            async fn supporter_of_user(&self, user_id: i64) -> Result<Option<i64>, StoreError> {
                Ok(sqlx::query_scalar("SELECT id FROM supporter WHERE user_id = $1").bind(user_id).fetch_optional(&self.pool).await?)
            }

            async fn caseload(&self, supporter_id: i64) -> Result<Vec<CaseRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(Self::CASE_COLUMNS);
                qb.push(" WHERE h.id IN (SELECT a.household_id FROM assignment a WHERE a.to_date IS NULL AND a.supporter_id = ");
                qb.push_bind(supporter_id).push(") ORDER BY h.code");
                let rows = qb.build().fetch_all(&self.pool).await?;
                Ok(rows.iter().map(Self::case_of).collect::<Result<_, _>>()?)
            }

            async fn assign(&self, supporter_id: i64, household: &str, from: &str, reason: &str, actor: &str, at: &str) -> Result<i64, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (hid, _) = Self::household_id(&mut tx, household).await?;
                let current: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM assignment WHERE supporter_id = $1 AND household_id = $2 AND to_date IS NULL",
                )
                .bind(supporter_id).bind(hid)
                .fetch_one(&mut *tx)
                .await?;
                if current > 0 {
                    return Err(StoreError::Conflict("this supporter already follows the household".into()));
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO assignment (supporter_id, household_id, from_date, reason) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(supporter_id).bind(hid).bind(from).bind(reason)
                .fetch_one(&mut *tx)
                .await?;
                let key = format!("{household}/assignment/{id}");
                let after = format!("{{\"supporter\":{supporter_id},\"from\":\"{from}\"}}");
                let entry = Entry { at, actor, action: "assign", entity: "assignment", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn end_assignment(&self, assignment_id: i64, to: &str, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let code: Option<String> = sqlx::query_scalar(
                    "SELECT h.code FROM assignment a JOIN household h ON h.id = a.household_id WHERE a.id = $1 AND a.to_date IS NULL",
                )
                .bind(assignment_id)
                .fetch_optional(&mut *tx)
                .await?;
                let code = code.ok_or_else(|| StoreError::NotFound(format!("open assignment {assignment_id}")))?;
                sqlx::query("UPDATE assignment SET to_date = $1 WHERE id = $2").bind(to).bind(assignment_id).execute(&mut *tx).await?;
                let key = format!("{code}/assignment/{assignment_id}");
                let entry = Entry { at, actor, action: "end-assignment", entity: "assignment", entity_key: &key, before: None, after: Some(to) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn assignments(&self, household: &str) -> Result<Vec<AssignmentRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT a.id, s.id, s.full_name, s.organisation, a.from_date, a.to_date, a.reason \
                     FROM assignment a JOIN supporter s ON s.id = a.supporter_id JOIN household h ON h.id = a.household_id \
                     WHERE h.code = $1 ORDER BY (a.to_date IS NULL) DESC, a.from_date DESC, a.id DESC",
                )
                .bind(household)
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(AssignmentRow {
                        id: r.try_get(0)?,
                        supporter_id: r.try_get(1)?,
                        supporter_name: r.try_get(2)?,
                        organisation: r.try_get(3)?,
                        from_date: r.try_get(4)?,
                        to_date: r.try_get(5)?,
                        reason: r.try_get(6)?,
                    });
                }
                Ok(out)
            }

            async fn record_visit(&self, v: &NewVisit, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (hid, _) = Self::household_id(&mut tx, &v.household_code).await?;
                sqlx::query(
                    "INSERT INTO visit (household_id, supporter_id, visited_on, found, advised, next_steps, next_due, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(hid).bind(v.supporter_id).bind(&v.visited_on).bind(&v.found).bind(&v.advised)
                .bind(&v.next_steps).bind(&v.next_due).bind(actor).bind(at)
                .execute(&mut *tx)
                .await?;
                let key = format!("{}/visit/{}", v.household_code, v.visited_on);
                let entry = Entry { at, actor, action: "visit", entity: "visit", entity_key: &key, before: None, after: v.next_due.as_deref() };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn visits(&self, household: &str) -> Result<Vec<VisitRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT x.visited_on, s.full_name, x.found, x.advised, x.next_steps, x.next_due FROM visit x \
                     JOIN household h ON h.id = x.household_id LEFT JOIN supporter s ON s.id = x.supporter_id \
                     WHERE h.code = $1 ORDER BY x.visited_on DESC, x.id DESC",
                )
                .bind(household)
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(VisitRow {
                        visited_on: r.try_get(0)?,
                        supporter_name: r.try_get(1)?,
                        found: r.try_get(2)?,
                        advised: r.try_get(3)?,
                        next_steps: r.try_get(4)?,
                        next_due: r.try_get(5)?,
                    });
                }
                Ok(out)
            }

            async fn unassigned(&self, communes: Option<&[String]>) -> Result<Vec<CaseRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(Self::CASE_COLUMNS);
                qb.push(
                    " WHERE (SELECT c.decided_class FROM classification c WHERE c.household_id = h.id \
                       AND c.decided_class IS NOT NULL ORDER BY c.year DESC LIMIT 1) IN ('poor', 'near_poor') \
                     AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.household_id = h.id AND a.to_date IS NULL)",
                );
                if let Some(list) = communes {
                    Self::push_in(&mut qb, "v.commune_code", list);
                }
                qb.push(" ORDER BY v.code, h.code");
                let rows = qb.build().fetch_all(&self.pool).await?;
                Ok(rows.iter().map(Self::case_of).collect::<Result<_, _>>()?)
            }
        }
    };
}
