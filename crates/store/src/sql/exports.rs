//! Export rows in SQL.

macro_rules! exports_impl {
    ($name:ident, $db:ty) => {
        #[async_trait]
        impl Exports for $name {
            async fn export_household_years(&self, reach: &Reach) -> Result<Vec<HouseholdYearRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT s.year, h.code, s.province_code, s.commune_code, sv.code, s.area, s.agricultural, s.head_ethnicity, \
                     s.members, s.income_per_capita, s.b1_score, s.deprived, s.standard, COALESCE(c.decided_class, c.class, ''), \
                     (SELECT p.full_name FROM person p WHERE p.household_id = h.id AND p.relation = 'head' ORDER BY p.person_no LIMIT 1) \
                     FROM survey s JOIN household h ON h.id = s.household_id JOIN village v ON v.id = h.village_id \
                     JOIN village sv ON sv.id = s.village_id \
                     LEFT JOIN classification c ON c.household_id = s.household_id AND c.year = s.year \
                     WHERE s.kind = 'periodic'",
                );
                Self::push_reach(&mut qb, reach);
                qb.push(" ORDER BY s.year, h.code");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(HouseholdYearRow {
                        year: r.try_get::<i64, _>(0)? as u16,
                        household_code: r.try_get(1)?,
                        province_code: r.try_get(2)?,
                        commune_code: r.try_get(3)?,
                        village_code: r.try_get(4)?,
                        area: r.try_get(5)?,
                        agricultural: r.try_get::<i64, _>(6)? == 1,
                        head_ethnicity: r.try_get(7)?,
                        members: r.try_get::<i64, _>(8)? as u8,
                        income_per_capita: r.try_get::<Option<i64>, _>(9)?.map(|v| v as u64),
                        b1_score: r.try_get::<Option<i64>, _>(10)?.map(|v| v as u16),
                        deprived: r.try_get::<i64, _>(11)? as u16,
                        standard: r.try_get(12)?,
                        class: r.try_get(13)?,
                        head_name: r.try_get(14)?,
                    });
                }
                Ok(out)
            }

            async fn export_members(&self, reach: &Reach) -> Result<Vec<MemberExportRow>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT h.code, p.person_no, p.full_name, p.sex, p.birth_year, p.ethnicity, p.citizen_id, p.relation \
                     FROM person p JOIN household h ON h.id = p.household_id JOIN village v ON v.id = h.village_id WHERE 1 = 1",
                );
                Self::push_reach(&mut qb, reach);
                qb.push(" ORDER BY h.code, p.person_no");
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(MemberExportRow {
                        household_code: r.try_get(0)?,
                        person_no: r.try_get::<i64, _>(1)? as u16,
                        full_name: r.try_get(2)?,
                        sex: r.try_get(3)?,
                        birth_year: r.try_get::<i64, _>(4)? as u16,
                        ethnicity: r.try_get(5)?,
                        citizen_id: r.try_get(6)?,
                        relation: r.try_get(7)?,
                    });
                }
                Ok(out)
            }

            async fn pseudonym_key(&self) -> Result<String, StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let key: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'pseudonym_key'")
                    .fetch_optional(&mut *tx)
                    .await?;
                let key = match key {
                    Some(k) => k,
                    None => {
                        let mut bytes = [0u8; 32];
                        getrandom::fill(&mut bytes).map_err(|e| StoreError::Conflict(format!("no randomness: {e}")))?;
                        let k: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                        sqlx::query("INSERT INTO meta (key, value) VALUES ('pseudonym_key', $1)").bind(&k).execute(&mut *tx).await?;
                        k
                    }
                };
                tx.commit().await?;
                Ok(key)
            }

            async fn record_export(&self, what: &str, scope: &str, rows: usize, actor: &str, at: &str) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::lock_writers(&mut tx).await?;
                let key = format!("export/{what}/{scope}");
                let after = format!("{{\"rows\":{rows}}}");
                let entry = Entry { at, actor, action: "export", entity: "export", entity_key: &key, before: None, after: Some(&after) };
                Self::audit(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
