//! Household and member edits in SQL.

macro_rules! editing_impl {
    ($name:ident, $db:ty) => {
        impl $name {
            async fn household_id(tx: &mut sqlx::Transaction<'_, $db>, code: &str) -> Result<(i64, i64), StoreError> {
                let row = sqlx::query("SELECT id, village_id FROM household WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("household {code}")))?;
                Ok((row.try_get(0)?, row.try_get(1)?))
            }

            /// The next free code `<prefix>-NNNNNN`.
            async fn next_code(tx: &mut sqlx::Transaction<'_, $db>, prefix: &str) -> Result<String, sqlx::Error> {
                let last: Option<String> = sqlx::query_scalar(
                    "SELECT code FROM household WHERE code LIKE $1 ORDER BY code DESC LIMIT 1",
                )
                .bind(format!("{prefix}-%"))
                .fetch_optional(&mut **tx)
                .await?;
                let n = last
                    .as_deref()
                    .and_then(|c| c.rsplit('-').next())
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
                Ok(format!("{prefix}-{:06}", n + 1))
            }

            async fn insert_member(
                tx: &mut sqlx::Transaction<'_, $db>,
                household_id: i64,
                no: i64,
                m: &MemberInput,
            ) -> Result<(), sqlx::Error> {
                sqlx::query(
                    "INSERT INTO person (household_id, person_no, full_name, name_folded, sex, birth_year, ethnicity, citizen_id, relation) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(household_id).bind(no).bind(&m.full_name).bind(bamho_text::fold(&m.full_name)).bind(&m.sex)
                .bind(i64::from(m.birth_year)).bind(&m.ethnicity).bind(&m.citizen_id).bind(&m.relation)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            fn member_json(m: &MemberInput) -> String {
                serde_json::json!({
                    "full_name": m.full_name, "sex": m.sex, "birth_year": m.birth_year,
                    "ethnicity": m.ethnicity, "citizen_id": m.citizen_id, "relation": m.relation,
                })
                .to_string()
            }

            async fn member_before(tx: &mut sqlx::Transaction<'_, $db>, hid: i64, no: i64) -> Result<Option<String>, sqlx::Error> {
                let row = sqlx::query(
                    "SELECT full_name, sex, birth_year, ethnicity, citizen_id, relation FROM person WHERE household_id = $1 AND person_no = $2",
                )
                .bind(hid).bind(no)
                .fetch_optional(&mut **tx)
                .await?;
                let Some(r) = row else { return Ok(None) };
                Ok(Some(Self::member_json(&MemberInput {
                    full_name: r.try_get(0)?,
                    sex: r.try_get(1)?,
                    birth_year: r.try_get::<i64, _>(2)? as u16,
                    ethnicity: r.try_get(3)?,
                    citizen_id: r.try_get(4)?,
                    relation: r.try_get(5)?,
                })))
            }

            /// Moves persons to another household, numbering them after its members.
            async fn move_members(tx: &mut sqlx::Transaction<'_, $db>, from: i64, to: i64, nos: &[i64]) -> Result<(), sqlx::Error> {
                let max: Option<i64> = sqlx::query_scalar("SELECT MAX(person_no) FROM person WHERE household_id = $1")
                    .bind(to)
                    .fetch_one(&mut **tx)
                    .await?;
                let mut next = max.unwrap_or(0);
                for no in nos {
                    next += 1;
                    sqlx::query("UPDATE person SET household_id = $1, person_no = $2 WHERE household_id = $3 AND person_no = $4")
                        .bind(to).bind(next).bind(from).bind(*no)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl Editing for $name {
            async fn create_household(&self, village_code: &str, head: &MemberInput, actor: &str, at: &str) -> Result<String, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let row = sqlx::query("SELECT id, commune_code FROM village WHERE code = $1")
                    .bind(village_code)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("village {village_code}")))?;
                let (village, commune): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
                let code = Self::next_code(&mut tx, &commune).await?;
                let id: i64 = sqlx::query_scalar("INSERT INTO household (code, village_id) VALUES ($1, $2) RETURNING id")
                    .bind(&code).bind(village)
                    .fetch_one(&mut *tx)
                    .await?;
                Self::insert_member(&mut tx, id, 1, head).await?;
                let key = format!("{code}/household");
                let after = format!("{{\"village\":\"{village_code}\"}}");
                let entry = Entry { at, actor, action: "create", entity: "household", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(code)
            }

            async fn save_member(&self, household: &str, person_no: Option<u16>, m: &MemberInput, actor: &str, at: &str) -> Result<u16, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (hid, _) = Self::household_id(&mut tx, household).await?;
                let (no, before) = match person_no {
                    Some(no) => {
                        let no = i64::from(no);
                        let before = Self::member_before(&mut tx, hid, no).await?
                            .ok_or_else(|| StoreError::NotFound(format!("member {no} of {household}")))?;
                        sqlx::query(
                            "UPDATE person SET full_name = $1, name_folded = $2, sex = $3, birth_year = $4, ethnicity = $5, \
                             citizen_id = $6, relation = $7 WHERE household_id = $8 AND person_no = $9",
                        )
                        .bind(&m.full_name).bind(bamho_text::fold(&m.full_name)).bind(&m.sex).bind(i64::from(m.birth_year))
                        .bind(&m.ethnicity).bind(&m.citizen_id).bind(&m.relation).bind(hid).bind(no)
                        .execute(&mut *tx)
                        .await?;
                        (no, Some(before))
                    }
                    None => {
                        let max: Option<i64> = sqlx::query_scalar("SELECT MAX(person_no) FROM person WHERE household_id = $1")
                            .bind(hid)
                            .fetch_one(&mut *tx)
                            .await?;
                        let no = max.unwrap_or(0) + 1;
                        Self::insert_member(&mut tx, hid, no, m).await?;
                        (no, None)
                    }
                };
                let key = format!("{household}/member/{no}");
                let after = Self::member_json(m);
                let entry = Entry {
                    at, actor, action: if before.is_some() { "update" } else { "add" }, entity: "person",
                    entity_key: &key, before: before.as_deref(), after: Some(&after),
                };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(no as u16)
            }

            async fn remove_member(&self, household: &str, person_no: u16, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (hid, _) = Self::household_id(&mut tx, household).await?;
                let no = i64::from(person_no);
                let before = Self::member_before(&mut tx, hid, no).await?
                    .ok_or_else(|| StoreError::NotFound(format!("member {no} of {household}")))?;
                sqlx::query("DELETE FROM person WHERE household_id = $1 AND person_no = $2").bind(hid).bind(no).execute(&mut *tx).await?;
                let key = format!("{household}/member/{no}");
                let entry = Entry { at, actor, action: "remove", entity: "person", entity_key: &key, before: Some(&before), after: None };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn move_household(&self, household: &str, village_code: &str, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (hid, old) = Self::household_id(&mut tx, household).await?;
                let village: i64 = sqlx::query_scalar("SELECT id FROM village WHERE code = $1")
                    .bind(village_code)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("village {village_code}")))?;
                let before: String = sqlx::query_scalar("SELECT code FROM village WHERE id = $1").bind(old).fetch_one(&mut *tx).await?;
                sqlx::query("UPDATE household SET village_id = $1 WHERE id = $2").bind(village).bind(hid).execute(&mut *tx).await?;
                let key = format!("{household}/village");
                let entry = Entry { at, actor, action: "move", entity: "household", entity_key: &key, before: Some(&before), after: Some(village_code) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn split_household(&self, household: &str, person_nos: &[u16], year: u16, actor: &str, at: &str) -> Result<String, StoreError> {
                if person_nos.is_empty() {
                    return Err(StoreError::Conflict("choose the members who leave".into()));
                }
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (hid, village) = Self::household_id(&mut tx, household).await?;
                let commune: String = sqlx::query_scalar("SELECT commune_code FROM village WHERE id = $1").bind(village).fetch_one(&mut *tx).await?;
                let remaining: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person WHERE household_id = $1").bind(hid).fetch_one(&mut *tx).await?;
                if remaining <= person_nos.len() as i64 {
                    return Err(StoreError::Conflict("at least one member stays in the household".into()));
                }
                let code = Self::next_code(&mut tx, &commune).await?;
                let new_id: i64 = sqlx::query_scalar("INSERT INTO household (code, village_id) VALUES ($1, $2) RETURNING id")
                    .bind(&code).bind(village)
                    .fetch_one(&mut *tx)
                    .await?;
                let nos: Vec<i64> = person_nos.iter().map(|n| i64::from(*n)).collect();
                Self::move_members(&mut tx, hid, new_id, &nos).await?;
                sqlx::query("UPDATE person SET relation = 'head' WHERE household_id = $1 AND person_no = 1 AND NOT EXISTS \
                             (SELECT 1 FROM person p WHERE p.household_id = $1 AND p.relation = 'head')")
                    .bind(new_id).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO household_event (household_id, year, kind, other_household_code) VALUES ($1, $2, 'split', $3)")
                    .bind(new_id).bind(i64::from(year)).bind(household)
                    .execute(&mut *tx)
                    .await?;
                let after = format!("{{\"new_household\":\"{code}\",\"members\":{}}}", nos.len());
                for key in [format!("{household}/split"), format!("{code}/split")] {
                    let entry = Entry { at, actor, action: "split", entity: "household", entity_key: &key, before: None, after: Some(&after) };
                    Self::audit(&mut tx, &entry).await?;
                }
                tx.commit().await?;
                Ok(code)
            }

            async fn merge_household(&self, household: &str, into: &str, year: u16, actor: &str, at: &str) -> Result<(), StoreError> {
                if household == into {
                    return Err(StoreError::Conflict("a household cannot merge into itself".into()));
                }
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let (from, _) = Self::household_id(&mut tx, household).await?;
                let (to, _) = Self::household_id(&mut tx, into).await?;
                let nos: Vec<i64> = sqlx::query_scalar("SELECT person_no FROM person WHERE household_id = $1 ORDER BY person_no")
                    .bind(from)
                    .fetch_all(&mut *tx)
                    .await?;
                Self::move_members(&mut tx, from, to, &nos).await?;
                sqlx::query("UPDATE person SET relation = 'other' WHERE household_id = $1 AND relation = 'head' AND person_no > \
                             (SELECT MIN(person_no) FROM person p WHERE p.household_id = $1 AND p.relation = 'head')")
                    .bind(to).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO household_event (household_id, year, kind, other_household_code) VALUES ($1, $2, 'merge', $3)")
                    .bind(from).bind(i64::from(year)).bind(into)
                    .execute(&mut *tx)
                    .await?;
                let after = format!("{{\"into\":\"{into}\",\"members\":{}}}", nos.len());
                for key in [format!("{household}/merge"), format!("{into}/merge")] {
                    let entry = Entry { at, actor, action: "merge", entity: "household", entity_key: &key, before: None, after: Some(&after) };
                    Self::audit(&mut tx, &entry).await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
