//! Causes, pairing, study tours, support and loans in SQL.

macro_rules! ledger_impl {
    ($name:ident, $db:ty) => {
        impl $name {
            const LOAN_COLUMNS: &'static str = "SELECT l.id, h.code, l.lender, l.programme, l.amount, l.rate_bp, l.term_months, \
                 l.disbursed_on, l.due_on, l.savings_group, l.entrusted_by, l.purpose, \
                 (SELECT p.full_name FROM person p WHERE p.household_id = h.id AND p.relation = 'head' ORDER BY p.person_no LIMIT 1), \
                 v.name, v.code \
                 FROM loan l JOIN household h ON h.id = l.household_id JOIN village v ON v.id = h.village_id";

            fn loan_of(r: &<$db as sqlx::Database>::Row) -> Result<LoanRow, sqlx::Error> {
                Ok(LoanRow {
                    id: r.try_get(0)?,
                    household_code: r.try_get(1)?,
                    lender: r.try_get(2)?,
                    programme: r.try_get(3)?,
                    amount: r.try_get::<i64, _>(4)? as u64,
                    rate_bp: r.try_get::<i64, _>(5)? as u32,
                    term_months: r.try_get::<i64, _>(6)? as u32,
                    disbursed_on: r.try_get(7)?,
                    due_on: r.try_get(8)?,
                    savings_group: r.try_get(9)?,
                    entrusted_by: r.try_get(10)?,
                    purpose: r.try_get(11)?,
                    repayments: Vec::new(),
                })
            }

            /// Fills in the repayments of these loans.
            async fn with_repayments(&self, loans: &mut [LoanRow]) -> Result<(), sqlx::Error> {
                for chunk in loans.chunks_mut(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("SELECT loan_id, paid_on, amount FROM repayment WHERE loan_id IN (");
                    let mut ids = qb.separated(", ");
                    for l in chunk.iter() {
                        ids.push_bind(l.id);
                    }
                    qb.push(") ORDER BY paid_on, id");
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    let mut by_loan: HashMap<i64, Vec<RepaymentRow>> = HashMap::new();
                    for r in &rows {
                        by_loan.entry(r.try_get(0)?).or_default().push(RepaymentRow {
                            paid_on: r.try_get(1)?,
                            amount: r.try_get::<i64, _>(2)? as u64,
                        });
                    }
                    for l in chunk.iter_mut() {
                        l.repayments = by_loan.remove(&l.id).unwrap_or_default();
                    }
                }
                Ok(())
            }

            async fn insert_twinning(tx: &mut sqlx::Transaction<'_, $db>, t: &NewTwinning, hid: i64, helper: Option<i64>, to: Option<&str>) -> Result<i64, sqlx::Error> {
                sqlx::query_scalar(
                    "INSERT INTO twinning (household_id, helper_household_id, helper_name, from_date, to_date, commitments) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(hid).bind(helper).bind(&t.helper_name).bind(&t.from_date).bind(to).bind(&t.commitments)
                .fetch_one(&mut **tx)
                .await
            }

            async fn insert_tour(tx: &mut sqlx::Transaction<'_, $db>, t: &NewTour, ids: &HashMap<String, i64>) -> Result<i64, StoreError> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO study_tour (commune_code, held_on, model, organiser) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&t.commune_code).bind(&t.held_on).bind(&t.model).bind(&t.organiser)
                .fetch_one(&mut **tx)
                .await?;
                for chunk in t.participants.chunks(CHUNK) {
                    let mut rows = Vec::with_capacity(chunk.len());
                    for (code, plan) in chunk {
                        let hid = ids.get(code).ok_or_else(|| StoreError::NotFound(format!("household {code}")))?;
                        rows.push((*hid, plan));
                    }
                    let mut qb = QueryBuilder::<$db>::new("INSERT INTO tour_participant (tour_id, household_id, plan) ");
                    qb.push_values(rows, |mut b, (hid, plan)| {
                        b.push_bind(id).push_bind(hid).push_bind(plan.clone());
                    });
                    qb.build().execute(&mut **tx).await.map_err(|e| match e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict("a household is listed twice on the tour".into()),
                        other => other.into(),
                    })?;
                }
                Ok(id)
            }

            async fn insert_support(tx: &mut sqlx::Transaction<'_, $db>, rows: &[(i64, &NewSupport)]) -> Result<(), sqlx::Error> {
                for chunk in rows.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO support (household_id, given_on, programme, project, kind, amount, quantity, provider, outcome, outcome_on) ",
                    );
                    qb.push_values(chunk, |mut b, (hid, s)| {
                        b.push_bind(*hid).push_bind(s.given_on.clone()).push_bind(s.programme.clone()).push_bind(s.project.clone())
                            .push_bind(s.kind.clone()).push_bind(s.amount.map(|v| v as i64)).push_bind(s.quantity.map(|v| v as i64))
                            .push_bind(s.provider.clone()).push_bind(s.outcome.clone()).push_bind(s.outcome_on.clone());
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            async fn insert_loan(tx: &mut sqlx::Transaction<'_, $db>, hid: i64, l: &NewLoan) -> Result<i64, sqlx::Error> {
                let terms = LoanTerms { amount: l.amount, disbursed_on: l.disbursed_on, term_months: l.term_months };
                sqlx::query_scalar(
                    "INSERT INTO loan (household_id, lender, programme, amount, rate_bp, term_months, disbursed_on, due_on, savings_group, entrusted_by, purpose) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(hid).bind(&l.lender).bind(&l.programme).bind(l.amount.get() as i64).bind(i64::from(l.rate_bp))
                .bind(i64::from(l.term_months)).bind(l.disbursed_on.to_string()).bind(terms.maturity().to_string())
                .bind(&l.savings_group).bind(&l.entrusted_by).bind(&l.purpose)
                .fetch_one(&mut **tx)
                .await
            }

            async fn insert_repayments(tx: &mut sqlx::Transaction<'_, $db>, rows: &[(i64, &RepaymentRow)]) -> Result<(), sqlx::Error> {
                for chunk in rows.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("INSERT INTO repayment (loan_id, paid_on, amount) ");
                    qb.push_values(chunk, |mut b, (loan, r)| {
                        b.push_bind(*loan).push_bind(r.paid_on.clone()).push_bind(r.amount as i64);
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// The household id of a loan, checked to belong to `household`.
            async fn loan_household(tx: &mut sqlx::Transaction<'_, $db>, household: &str, loan_id: i64) -> Result<i64, StoreError> {
                let hid: Option<i64> = sqlx::query_scalar(
                    "SELECT h.id FROM loan l JOIN household h ON h.id = l.household_id WHERE l.id = $1 AND h.code = $2",
                )
                .bind(loan_id).bind(household)
                .fetch_optional(&mut **tx)
                .await?;
                hid.ok_or_else(|| StoreError::NotFound(format!("loan {loan_id} of household {household}")))
            }
        }

        #[async_trait]
        impl Ledger for $name {
            async fn set_causes(&self, household: &str, year: u16, causes: &[(String, String)], actor: &str, at: &str) -> Result<(), StoreError> {
                let catalogue = Catalogue::embedded();
                if let Some((bad, _)) = causes.iter().find(|(c, _)| catalogue.cause(c).is_none()) {
                    return Err(StoreError::Invalid(format!("unknown cause of poverty {bad:?}")));
                }
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (hid, _) = Self::household_id(&mut tx, household).await?;
                sqlx::query("DELETE FROM poverty_cause WHERE household_id = $1 AND year = $2")
                    .bind(hid).bind(i64::from(year))
                    .execute(&mut *tx)
                    .await?;
                for (cause, note) in causes {
                    sqlx::query("INSERT INTO poverty_cause (household_id, year, cause, note) VALUES ($1, $2, $3, $4)")
                        .bind(hid).bind(i64::from(year)).bind(cause).bind(note)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| match e {
                            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Invalid(format!("the cause {cause} is given twice")),
                            other => other.into(),
                        })?;
                }
                let key = format!("{household}/causes/{year}");
                let after = causes.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(",");
                let entry = Entry { at, actor, action: "set-causes", entity: "poverty_cause", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn causes(&self, household: &str) -> Result<Vec<CauseRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT c.year, c.cause, c.note FROM poverty_cause c JOIN household h ON h.id = c.household_id \
                     WHERE h.code = $1 ORDER BY c.year DESC, c.cause",
                )
                .bind(household)
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(CauseRow { year: r.try_get::<i64, _>(0)? as u16, cause: r.try_get(1)?, note: r.try_get(2)? });
                }
                Ok(out)
            }

            async fn add_twinning(&self, t: &NewTwinning, actor: &str, at: &str) -> Result<i64, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (hid, _) = Self::household_id(&mut tx, &t.household_code).await?;
                let helper = match &t.helper_code {
                    Some(code) => {
                        if code == &t.household_code {
                            return Err(StoreError::Invalid("a household cannot be paired with itself".into()));
                        }
                        Some(Self::household_id(&mut tx, code).await?.0)
                    }
                    None => None,
                };
                let id = Self::insert_twinning(&mut tx, t, hid, helper, None).await?;
                let key = format!("{}/twinning/{id}", t.household_code);
                let entry = Entry { at, actor, action: "create", entity: "twinning", entity_key: &key, before: None, after: Some(&t.from_date) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn end_twinning(&self, id: i64, to: &str, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let code: Option<String> = sqlx::query_scalar(
                    "SELECT h.code FROM twinning t JOIN household h ON h.id = t.household_id WHERE t.id = $1 AND t.to_date IS NULL",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let code = code.ok_or_else(|| StoreError::NotFound(format!("current pairing {id}")))?;
                sqlx::query("UPDATE twinning SET to_date = $1 WHERE id = $2").bind(to).bind(id).execute(&mut *tx).await?;
                let key = format!("{code}/twinning/{id}");
                let entry = Entry { at, actor, action: "end-twinning", entity: "twinning", entity_key: &key, before: None, after: Some(to) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn add_twinning_activity(&self, id: i64, a: &ActivityRow, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let code: Option<String> = sqlx::query_scalar(
                    "SELECT h.code FROM twinning t JOIN household h ON h.id = t.household_id WHERE t.id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let code = code.ok_or_else(|| StoreError::NotFound(format!("pairing {id}")))?;
                sqlx::query("INSERT INTO twinning_activity (twinning_id, on_date, description) VALUES ($1, $2, $3)")
                    .bind(id).bind(&a.on_date).bind(&a.description)
                    .execute(&mut *tx)
                    .await?;
                let key = format!("{code}/twinning/{id}/activity");
                let entry = Entry { at, actor, action: "create", entity: "twinning_activity", entity_key: &key, before: None, after: Some(&a.on_date) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn twinnings(&self, household: &str) -> Result<Vec<TwinningRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT t.id, h.code, g.code, t.helper_name, t.from_date, t.to_date, t.commitments \
                     FROM twinning t JOIN household h ON h.id = t.household_id LEFT JOIN household g ON g.id = t.helper_household_id \
                     WHERE h.code = $1 OR g.code = $1 ORDER BY (t.to_date IS NULL) DESC, t.from_date DESC, t.id DESC",
                )
                .bind(household)
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let id: i64 = r.try_get(0)?;
                    let activities = sqlx::query(
                        "SELECT on_date, description FROM twinning_activity WHERE twinning_id = $1 ORDER BY on_date, id",
                    )
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|a| Ok(ActivityRow { on_date: a.try_get(0)?, description: a.try_get(1)? }))
                    .collect::<Result<_, sqlx::Error>>()?;
                    out.push(TwinningRow {
                        id,
                        household_code: r.try_get(1)?,
                        helper_code: r.try_get(2)?,
                        helper_name: r.try_get(3)?,
                        from_date: r.try_get(4)?,
                        to_date: r.try_get(5)?,
                        commitments: r.try_get(6)?,
                        activities,
                    });
                }
                Ok(out)
            }

            async fn add_tour(&self, t: &NewTour, actor: &str, at: &str) -> Result<i64, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let codes: Vec<&str> = t.participants.iter().map(|(c, _)| c.as_str()).collect();
                let ids = Self::ids_by_code(&mut tx, "household", &codes).await?;
                let id = Self::insert_tour(&mut tx, t, &ids).await?;
                let key = format!("{}/study_tour/{id}", t.commune_code);
                let after = format!("{{\"held_on\":\"{}\",\"participants\":{}}}", t.held_on, t.participants.len());
                let entry = Entry { at, actor, action: "create", entity: "study_tour", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn tours(&self, communes: Option<&[String]>) -> Result<Vec<TourRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT t.id, t.commune_code, t.held_on, t.model, t.organiser, \
                     (SELECT COUNT(*) FROM tour_participant p WHERE p.tour_id = t.id) FROM study_tour t WHERE 1 = 1",
                );
                if let Some(list) = communes {
                    Self::push_in(&mut qb, "t.commune_code", list);
                }
                qb.push(" ORDER BY t.held_on DESC, t.id DESC");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(TourRow {
                        id: r.try_get(0)?,
                        commune_code: r.try_get(1)?,
                        held_on: r.try_get(2)?,
                        model: r.try_get(3)?,
                        organiser: r.try_get(4)?,
                        participants: r.try_get::<i64, _>(5)? as u32,
                    });
                }
                Ok(out)
            }

            async fn tours_of(&self, household: &str) -> Result<Vec<TourPartRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT t.id, t.held_on, t.model, t.organiser, p.plan FROM tour_participant p \
                     JOIN study_tour t ON t.id = p.tour_id JOIN household h ON h.id = p.household_id \
                     WHERE h.code = $1 ORDER BY t.held_on DESC, t.id DESC",
                )
                .bind(household)
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(TourPartRow {
                        tour_id: r.try_get(0)?,
                        held_on: r.try_get(1)?,
                        model: r.try_get(2)?,
                        organiser: r.try_get(3)?,
                        plan: r.try_get(4)?,
                    });
                }
                Ok(out)
            }

            async fn record_support(&self, s: &NewSupport, actor: &str, at: &str) -> Result<i64, StoreError> {
                let catalogue = Catalogue::embedded();
                catalogue.check_source(&s.programme, s.project.as_deref()).map_err(StoreError::Invalid)?;
                if catalogue.kind(&s.kind).is_none() {
                    return Err(StoreError::Invalid(format!("unknown kind of support {:?}", s.kind)));
                }
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (hid, _) = Self::household_id(&mut tx, &s.household_code).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO support (household_id, given_on, programme, project, kind, amount, quantity, provider, outcome, outcome_on) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(hid).bind(&s.given_on).bind(&s.programme).bind(&s.project).bind(&s.kind)
                .bind(s.amount.map(|v| v as i64)).bind(s.quantity.map(|v| v as i64)).bind(&s.provider)
                .bind(&s.outcome).bind(&s.outcome_on)
                .fetch_one(&mut *tx)
                .await?;
                let key = format!("{}/support/{id}", s.household_code);
                let after = format!("{{\"programme\":\"{}\",\"kind\":\"{}\",\"amount\":{}}}", s.programme, s.kind, s.amount.unwrap_or(0));
                let entry = Entry { at, actor, action: "create", entity: "support", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn support_outcome(&self, household: &str, id: i64, outcome: &str, on: &str, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let before: Option<Option<String>> = sqlx::query_scalar(
                    "SELECT s.outcome FROM support s JOIN household h ON h.id = s.household_id WHERE s.id = $1 AND h.code = $2",
                )
                .bind(id).bind(household)
                .fetch_optional(&mut *tx)
                .await?;
                let before = before.ok_or_else(|| StoreError::NotFound(format!("support {id} of household {household}")))?;
                sqlx::query("UPDATE support SET outcome = $1, outcome_on = $2 WHERE id = $3").bind(outcome).bind(on).bind(id).execute(&mut *tx).await?;
                let key = format!("{household}/support/{id}");
                let entry = Entry { at, actor, action: "support-outcome", entity: "support", entity_key: &key, before: before.as_deref(), after: Some(outcome) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn support(&self, household: &str) -> Result<Vec<SupportRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT s.id, s.given_on, s.programme, s.project, s.kind, s.amount, s.quantity, s.provider, s.outcome, s.outcome_on \
                     FROM support s JOIN household h ON h.id = s.household_id WHERE h.code = $1 ORDER BY s.given_on DESC, s.id DESC",
                )
                .bind(household)
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(SupportRow {
                        id: r.try_get(0)?,
                        support: NewSupport {
                            household_code: household.to_owned(),
                            given_on: r.try_get(1)?,
                            programme: r.try_get(2)?,
                            project: r.try_get(3)?,
                            kind: r.try_get(4)?,
                            amount: r.try_get::<Option<i64>, _>(5)?.map(|v| v as u64),
                            quantity: r.try_get::<Option<i64>, _>(6)?.map(|v| v as u64),
                            provider: r.try_get(7)?,
                            outcome: r.try_get(8)?,
                            outcome_on: r.try_get(9)?,
                        },
                    });
                }
                Ok(out)
            }

            async fn record_loan(&self, l: &NewLoan, actor: &str, at: &str) -> Result<i64, StoreError> {
                let catalogue = Catalogue::embedded();
                if catalogue.lender(&l.lender).is_none() || catalogue.loan_programme(&l.programme).is_none() {
                    return Err(StoreError::Invalid(format!("unknown lender {:?} or loan programme {:?}", l.lender, l.programme)));
                }
                if l.amount.get() == 0 || l.term_months == 0 {
                    return Err(StoreError::Invalid("a loan has an amount and a term".into()));
                }
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (hid, _) = Self::household_id(&mut tx, &l.household_code).await?;
                let id = Self::insert_loan(&mut tx, hid, l).await?;
                let key = format!("{}/loan/{id}", l.household_code);
                let after = format!("{{\"programme\":\"{}\",\"amount\":{},\"term_months\":{}}}", l.programme, l.amount.get(), l.term_months);
                let entry = Entry { at, actor, action: "create", entity: "loan", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn record_repayment(&self, household: &str, loan_id: i64, r: &RepaymentRow, actor: &str, at: &str) -> Result<(), StoreError> {
                if r.amount == 0 {
                    return Err(StoreError::Invalid("a repayment has an amount".into()));
                }
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                Self::loan_household(&mut tx, household, loan_id).await?;
                let owed: i64 = sqlx::query_scalar(
                    "SELECT CAST(l.amount - COALESCE((SELECT SUM(r.amount) FROM repayment r WHERE r.loan_id = l.id), 0) AS BIGINT) FROM loan l WHERE l.id = $1",
                )
                .bind(loan_id)
                .fetch_one(&mut *tx)
                .await?;
                if r.amount as i64 > owed {
                    return Err(StoreError::Invalid(format!("the repayment is more than the {owed} still owed")));
                }
                Self::insert_repayments(&mut tx, &[(loan_id, r)]).await?;
                let key = format!("{household}/loan/{loan_id}/repayment");
                let after = r.amount.to_string();
                let entry = Entry { at, actor, action: "repayment", entity: "repayment", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn loans(&self, household: &str) -> Result<Vec<LoanRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(Self::LOAN_COLUMNS);
                qb.push(" WHERE h.code = ").push_bind(household.to_owned()).push(" ORDER BY l.disbursed_on DESC, l.id DESC");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut loans = rows.iter().map(Self::loan_of).collect::<Result<Vec<_>, _>>()?;
                self.with_repayments(&mut loans).await?;
                Ok(loans)
            }

            async fn overdue_loans(&self, communes: Option<&[String]>, before: &str) -> Result<Vec<OverdueLoan>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(Self::LOAN_COLUMNS);
                qb.push(" WHERE l.due_on < ").push_bind(before.to_owned());
                qb.push(" AND l.amount > COALESCE((SELECT SUM(r.amount) FROM repayment r WHERE r.loan_id = l.id), 0)");
                if let Some(list) = communes {
                    Self::push_in(&mut qb, "v.commune_code", list);
                }
                qb.push(" ORDER BY l.due_on, h.code");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut loans = rows.iter().map(Self::loan_of).collect::<Result<Vec<_>, _>>()?;
                self.with_repayments(&mut loans).await?;
                let mut out = Vec::with_capacity(loans.len());
                for (loan, r) in loans.into_iter().zip(&rows) {
                    out.push(OverdueLoan { loan, head_name: r.try_get(12)?, village_name: r.try_get(13)?, village_code: r.try_get(14)? });
                }
                Ok(out)
            }

            async fn followed(&self, communes: Option<&[String]>) -> Result<Vec<FollowedRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT h.code, \
                     (SELECT p.full_name FROM person p WHERE p.household_id = h.id AND p.relation = 'head' ORDER BY p.person_no LIMIT 1), \
                     v.code, v.name, s.id, s.full_name, s.organisation, a.from_date, \
                     (SELECT MAX(x.visited_on) FROM visit x WHERE x.household_id = h.id), \
                     (SELECT x.next_due FROM visit x WHERE x.household_id = h.id ORDER BY x.visited_on DESC, x.id DESC LIMIT 1) \
                     FROM assignment a JOIN supporter s ON s.id = a.supporter_id JOIN household h ON h.id = a.household_id \
                     JOIN village v ON v.id = h.village_id WHERE a.to_date IS NULL",
                );
                if let Some(list) = communes {
                    Self::push_in(&mut qb, "v.commune_code", list);
                }
                qb.push(" ORDER BY v.code, h.code, s.full_name");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(FollowedRow {
                        household_code: r.try_get(0)?,
                        head_name: r.try_get(1)?,
                        village_code: r.try_get(2)?,
                        village_name: r.try_get(3)?,
                        supporter_id: r.try_get(4)?,
                        supporter_name: r.try_get(5)?,
                        organisation: r.try_get(6)?,
                        assigned_from: r.try_get(7)?,
                        last_visit: r.try_get(8)?,
                        next_due: r.try_get(9)?,
                    });
                }
                Ok(out)
            }

            async fn cause_counts(&self, year: u16, reach: &Reach) -> Result<Vec<(String, String, u64)>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT pc.cause, COALESCE(c.decided_class, c.class), COUNT(DISTINCT pc.household_id) FROM poverty_cause pc \
                     JOIN household h ON h.id = pc.household_id JOIN village v ON v.id = h.village_id \
                     JOIN classification c ON c.household_id = pc.household_id AND c.year = pc.year WHERE pc.year = ",
                );
                qb.push_bind(i64::from(year));
                Self::push_reach(&mut qb, reach);
                qb.push(" GROUP BY pc.cause, COALESCE(c.decided_class, c.class) ORDER BY pc.cause");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push((r.try_get(0)?, r.try_get(1)?, r.try_get::<i64, _>(2)? as u64));
                }
                Ok(out)
            }

            async fn support_summary(&self, year: u16, reach: &Reach) -> Result<Vec<SupportSummary>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT s.programme, s.project, s.kind, COUNT(DISTINCT s.household_id), COUNT(*), \
                     CAST(SUM(COALESCE(s.amount, 0)) AS BIGINT), CAST(SUM(COALESCE(s.quantity, 0)) AS BIGINT) FROM support s \
                     JOIN household h ON h.id = s.household_id JOIN village v ON v.id = h.village_id WHERE s.given_on >= ",
                );
                qb.push_bind(format!("{year}-01-01")).push(" AND s.given_on <= ").push_bind(format!("{year}-12-31"));
                Self::push_reach(&mut qb, reach);
                qb.push(" GROUP BY s.programme, s.project, s.kind ORDER BY s.programme, s.project, s.kind");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(SupportSummary {
                        programme: r.try_get(0)?,
                        project: r.try_get(1)?,
                        kind: r.try_get(2)?,
                        households: r.try_get::<i64, _>(3)? as u64,
                        items: r.try_get::<i64, _>(4)? as u64,
                        amount: r.try_get::<i64, _>(5)? as u64,
                        quantity: r.try_get::<i64, _>(6)? as u64,
                    });
                }
                Ok(out)
            }

            async fn load_followup(&self, batch: &FollowUpBatch, actor: &str, at: &str) -> Result<u64, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let mut codes: Vec<&str> = Vec::new();
                codes.extend(batch.assignments.iter().map(|a| a.1.as_str()));
                codes.extend(batch.visits.iter().map(|v| v.household_code.as_str()));
                codes.extend(batch.causes.iter().map(|c| c.0.as_str()));
                for (t, _, _) in &batch.twinnings {
                    codes.push(&t.household_code);
                    codes.extend(t.helper_code.as_deref());
                }
                codes.extend(batch.tours.iter().flat_map(|t| t.participants.iter().map(|p| p.0.as_str())));
                codes.extend(batch.support.iter().map(|s| s.household_code.as_str()));
                codes.extend(batch.loans.iter().map(|l| l.0.household_code.as_str()));
                codes.sort_unstable();
                codes.dedup();
                let ids = Self::ids_by_code(&mut tx, "household", &codes).await?;
                let hid = |code: &str| ids.get(code).copied().ok_or_else(|| StoreError::NotFound(format!("household {code}")));
                let mut rows = 0u64;
                let mut supporters = Vec::with_capacity(batch.supporters.len());
                for s in &batch.supporters {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO supporter (full_name, organisation, commune_code, phone, user_id, created_at) \
                         VALUES ($1, $2, $3, $4, (SELECT id FROM app_user WHERE username = $5), $6) RETURNING id",
                    )
                    .bind(&s.full_name).bind(&s.organisation).bind(&s.commune_code).bind(&s.phone).bind(&s.username).bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    supporters.push(id);
                }
                rows += supporters.len() as u64;
                let supporter = |i: usize| supporters.get(i).copied().ok_or_else(|| StoreError::NotFound(format!("supporter #{i} of the batch")));
                let mut assignments = Vec::with_capacity(batch.assignments.len());
                for (s, code, from, to, reason) in &batch.assignments {
                    assignments.push((supporter(*s)?, hid(code)?, from, to, reason));
                }
                for chunk in assignments.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("INSERT INTO assignment (supporter_id, household_id, from_date, to_date, reason) ");
                    qb.push_values(chunk, |mut b, (s, h, from, to, reason)| {
                        b.push_bind(*s).push_bind(*h).push_bind((*from).clone()).push_bind((*to).clone()).push_bind((*reason).clone());
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                rows += assignments.len() as u64;
                let mut visits = Vec::with_capacity(batch.visits.len());
                for v in &batch.visits {
                    visits.push((hid(&v.household_code)?, supporter(v.supporter)?, v));
                }
                for chunk in visits.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO visit (household_id, supporter_id, visited_on, found, advised, next_steps, next_due, recorded_by, recorded_at) ",
                    );
                    qb.push_values(chunk, |mut b, (h, s, v)| {
                        b.push_bind(*h).push_bind(*s).push_bind(v.visited_on.clone()).push_bind(v.found.clone()).push_bind(v.advised.clone())
                            .push_bind(v.next_steps.clone()).push_bind(v.next_due.clone()).push_bind(actor.to_owned()).push_bind(at.to_owned());
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                rows += visits.len() as u64;
                let mut causes = Vec::with_capacity(batch.causes.len());
                for (code, year, cause) in &batch.causes {
                    causes.push((hid(code)?, i64::from(*year), cause));
                }
                for chunk in causes.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("INSERT INTO poverty_cause (household_id, year, cause, note) ");
                    qb.push_values(chunk, |mut b, (h, y, c)| {
                        b.push_bind(*h).push_bind(*y).push_bind((*c).clone()).push_bind(String::new());
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                rows += causes.len() as u64;
                for (t, to, activities) in &batch.twinnings {
                    let helper = t.helper_code.as_deref().map(hid).transpose()?;
                    let id = Self::insert_twinning(&mut tx, t, hid(&t.household_code)?, helper, to.as_deref()).await?;
                    for a in activities {
                        sqlx::query("INSERT INTO twinning_activity (twinning_id, on_date, description) VALUES ($1, $2, $3)")
                            .bind(id).bind(&a.on_date).bind(&a.description)
                            .execute(&mut *tx)
                            .await?;
                    }
                    rows += 1 + activities.len() as u64;
                }
                for t in &batch.tours {
                    Self::insert_tour(&mut tx, t, &ids).await?;
                    rows += 1 + t.participants.len() as u64;
                }
                let mut support = Vec::with_capacity(batch.support.len());
                for s in &batch.support {
                    support.push((hid(&s.household_code)?, s));
                }
                Self::insert_support(&mut tx, &support).await?;
                rows += support.len() as u64;
                let mut repayments = Vec::new();
                for (l, paid) in &batch.loans {
                    let id = Self::insert_loan(&mut tx, hid(&l.household_code)?, l).await?;
                    repayments.extend(paid.iter().map(|r| (id, r)));
                }
                Self::insert_repayments(&mut tx, &repayments).await?;
                rows += (batch.loans.len() + repayments.len()) as u64;
                let after = format!("{{\"rows\":{rows}}}");
                let entry = Entry { at, actor, action: "load", entity: "followup", entity_key: "followup", before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(rows)
            }
        }
    };
}
