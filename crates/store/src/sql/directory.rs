//! Household reads in SQL, always filtered by the reader's reach.

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(super) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The smallest string after every string that starts with `prefix` (its last character bumped).
pub(super) fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    "\u{10FFFF}".to_owned()
}

macro_rules! directory_impl {
    ($name:ident, $db:ty) => {
        impl $name {
            /// Appends the reach as `AND …` over `h` (household) and `v` (village).
            fn push_reach(qb: &mut QueryBuilder<'_, $db>, reach: &Reach) {
                let (column, list): (&str, &[String]) = match reach {
                    Reach::All => return,
                    Reach::Communes(list) => ("v.commune_code", list),
                    Reach::Village(code) => ("v.code", std::slice::from_ref(code)),
                    Reach::Households(list) => ("h.code", list),
                };
                Self::push_in(qb, column, list);
            }
        }

        #[async_trait]
        impl Directory for $name {
            async fn duplicates(&self, reach: &Reach, households: Option<&[String]>) -> Result<Vec<DuplicateGroup>, StoreError> {
                const PEOPLE: &str = "SELECT h.code, p.person_no, p.full_name, p.birth_year, v.code, p.citizen_id, v.commune_code, ";
                let by_id = format!(
                    "{PEOPLE} p.citizen_id FROM person p JOIN household h ON h.id = p.household_id JOIN village v ON v.id = h.village_id \
                     WHERE p.citizen_id IN (SELECT citizen_id FROM person WHERE citizen_id IS NOT NULL AND citizen_id <> '' \
                     GROUP BY citizen_id HAVING COUNT(*) > 1) ORDER BY p.citizen_id, h.code, p.person_no"
                );
                let by_name = format!(
                    "{PEOPLE} p.name_folded || '|' || CAST(p.birth_year AS TEXT) || '|' || v.code FROM person p \
                     JOIN household h ON h.id = p.household_id JOIN village v ON v.id = h.village_id \
                     WHERE (p.name_folded, p.birth_year, h.village_id) IN (SELECT q.name_folded, q.birth_year, g.village_id \
                     FROM person q JOIN household g ON g.id = q.household_id GROUP BY q.name_folded, q.birth_year, g.village_id \
                     HAVING COUNT(*) > 1) ORDER BY p.name_folded, p.birth_year, v.code, h.code, p.person_no"
                );
                let within = |code: &str, village: &str, commune: &str| match reach {
                    Reach::All => true,
                    Reach::Communes(list) => list.iter().any(|c| c == commune),
                    Reach::Village(v) => v == village,
                    Reach::Households(list) => list.iter().any(|h| h == code),
                };
                let mut out = Vec::new();
                for (reason, sql) in [("citizen_id", by_id), ("name_birth_village", by_name)] {
                    let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
                    let mut groups: Vec<(String, DuplicateGroup, bool)> = Vec::new();
                    for r in &rows {
                        let key: String = r.try_get(7)?;
                        let person = DuplicatePerson {
                            household_code: r.try_get(0)?,
                            person_no: r.try_get::<i64, _>(1)? as u16,
                            full_name: r.try_get(2)?,
                            birth_year: r.try_get::<i64, _>(3)? as u16,
                            village_code: r.try_get(4)?,
                            citizen_id: r.try_get(5)?,
                        };
                        let commune: String = r.try_get(6)?;
                        if groups.last().is_none_or(|g| g.0 != key) {
                            groups.push((key, DuplicateGroup { reason: reason.to_owned(), people: Vec::new(), elsewhere: 0 }, false));
                        }
                        let Some(group) = groups.last_mut() else { continue };
                        group.2 |= households.is_none_or(|list| list.contains(&person.household_code));
                        if within(&person.household_code, &person.village_code, &commune) {
                            group.1.people.push(person);
                        } else {
                            group.1.elsewhere += 1;
                        }
                    }
                    out.extend(groups.into_iter().filter(|g| g.2 && !g.1.people.is_empty()).map(|g| g.1));
                }
                Ok(out)
            }

            async fn households(&self, reach: &Reach, q: &HouseholdQuery) -> Result<HouseholdPage, StoreError> {
                let year: Option<i64> = match q.year {
                    Some(y) => Some(i64::from(y)),
                    None => sqlx::query_scalar("SELECT MAX(year) FROM survey").fetch_one(&self.pool).await?,
                };
                let y = year.unwrap_or(0);
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT h.code, s.commune_code, v.code, v.name, \
                     (SELECT p.full_name FROM person p WHERE p.household_id = h.id AND p.relation = 'head' \
                      ORDER BY p.person_no LIMIT 1), \
                     s.year, COALESCE(c.decided_class, c.class), c.decision_id \
                     FROM household h JOIN village v ON v.id = h.village_id \
                     LEFT JOIN survey s ON s.household_id = h.id AND s.kind = 'periodic' AND s.year = ",
                );
                qb.push_bind(y);
                qb.push(" LEFT JOIN classification c ON c.household_id = h.id AND c.year = ");
                qb.push_bind(y);
                qb.push(" WHERE 1 = 1");
                Self::push_reach(&mut qb, reach);
                if q.year.is_some() {
                    qb.push(" AND s.household_id IS NOT NULL");
                }
                if let Some(after) = &q.after {
                    qb.push(" AND h.code > ").push_bind(after.clone());
                }
                if let Some(commune) = &q.commune {
                    qb.push(" AND v.commune_code = ").push_bind(commune.clone());
                }
                if let Some(village) = &q.village {
                    qb.push(" AND v.code = ").push_bind(village.clone());
                }
                if let Some(class) = &q.class {
                    qb.push(" AND COALESCE(c.decided_class, c.class) = ").push_bind(class.clone());
                }
                if let Some(ethnicity) = &q.ethnicity {
                    qb.push(" AND s.head_ethnicity = ").push_bind(ethnicity.clone());
                }
                match q.minority {
                    Some(true) => qb.push(" AND s.head_ethnicity <> '01'"),
                    Some(false) => qb.push(" AND s.head_ethnicity = '01'"),
                    None => &mut qb,
                };
                if let Some(bit) = q.deprived_bit.filter(|b| *b < 16) {
                    qb.push(" AND (s.deprived & ").push_bind(1_i64 << bit).push(") <> 0");
                }
                if let Some((was_year, was_class)) = &q.was {
                    qb.push(" AND EXISTS (SELECT 1 FROM classification w WHERE w.household_id = h.id AND w.year = ");
                    qb.push_bind(i64::from(*was_year));
                    qb.push(" AND COALESCE(w.decided_class, w.class) = ").push_bind(was_class.clone()).push(")");
                }
                if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    // A code prefix as an index range; a number is also a citizen ID; text without
                    // digits also matches folded names (names hold no digits, so codes never scan them).
                    let upper = text.to_uppercase();
                    qb.push(" AND ((h.code >= ").push_bind(upper.clone());
                    qb.push(" AND h.code < ").push_bind(directory::prefix_end(&upper)).push(")");
                    if upper != text {
                        qb.push(" OR (h.code >= ").push_bind(text.to_owned());
                        qb.push(" AND h.code < ").push_bind(directory::prefix_end(text)).push(")");
                    }
                    if text.bytes().all(|b| b.is_ascii_digit()) {
                        qb.push(" OR h.id IN (SELECT household_id FROM person WHERE citizen_id = ");
                        qb.push_bind(text.to_owned()).push(")");
                    } else if !text.bytes().any(|b| b.is_ascii_digit()) {
                        let name = format!("%{}%", directory::like_escape(&bamho_text::fold(text)));
                        qb.push(" OR h.id IN (SELECT household_id FROM person WHERE name_folded LIKE ");
                        qb.push_bind(name).push(" ESCAPE '\\')");
                    }
                    qb.push(")");
                }
                let limit = q.limit.clamp(1, 500);
                qb.push(" ORDER BY h.code LIMIT ").push_bind(i64::from(limit) + 1);
                let rows = qb.build().fetch_all(&self.pool).await?;
                let mut items = Vec::with_capacity(rows.len());
                for r in &rows {
                    items.push(HouseholdItem {
                        household_code: r.try_get(0)?,
                        commune_code: r.try_get(1)?,
                        village_code: r.try_get(2)?,
                        village_name: r.try_get(3)?,
                        head_name: r.try_get(4)?,
                        year: r.try_get::<Option<i64>, _>(5)?.map(|y| y as u16),
                        class: r.try_get(6)?,
                        decided: r.try_get::<Option<i64>, _>(7)?.is_some(),
                    });
                }
                let next = if items.len() > limit as usize {
                    items.truncate(limit as usize);
                    items.last().map(|i| i.household_code.clone())
                } else {
                    None
                };
                Ok(HouseholdPage { items, next, year: year.map(|y| y as u16) })
            }

            async fn villages(&self, reach: &Reach) -> Result<Vec<(String, Option<String>, String)>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new("SELECT v.code, v.name, v.commune_code FROM village v WHERE 1 = 1");
                match reach {
                    Reach::Households(_) => return Ok(Vec::new()),
                    other => Self::push_reach(&mut qb, other),
                }
                qb.push(" ORDER BY v.code");
                let rows = qb.build().fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                    .collect::<Result<Vec<_>, sqlx::Error>>()
                    .map_err(Into::into)
            }

            async fn village(&self, code: &str) -> Result<Option<(String, Option<String>, String)>, StoreError> {
                let row = sqlx::query("SELECT code, name, commune_code FROM village WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    Some(r) => Ok(Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))),
                    None => Ok(None),
                }
            }

            async fn household(&self, reach: &Reach, code: &str) -> Result<Option<HouseholdDetail>, StoreError> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT h.id, h.code, v.code, v.name, v.commune_code FROM household h \
                     JOIN village v ON v.id = h.village_id WHERE h.code = ",
                );
                qb.push_bind(code.to_owned());
                Self::push_reach(&mut qb, reach);
                let Some(row) = qb.build().fetch_optional(&self.pool).await? else { return Ok(None) };
                let id: i64 = row.try_get(0)?;
                let members = sqlx::query(
                    "SELECT person_no, full_name, sex, birth_year, ethnicity, citizen_id, relation \
                     FROM person WHERE household_id = $1 ORDER BY person_no",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| -> Result<MemberRow, sqlx::Error> {
                    Ok(MemberRow {
                        person_no: r.try_get::<i64, _>(0)? as u16,
                        full_name: r.try_get(1)?,
                        sex: r.try_get(2)?,
                        birth_year: r.try_get::<i64, _>(3)? as u16,
                        ethnicity: r.try_get(4)?,
                        citizen_id: r.try_get(5)?,
                        relation: r.try_get(6)?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
                let years = sqlx::query(
                    "SELECT s.year, s.standard, s.province_code, s.commune_code, s.area, s.members, \
                     s.income_per_capita, s.b1_score, s.deprived, COALESCE(c.class, ''), c.decided_class, \
                     d.number, d.decided_on, s.agricultural, d.signer \
                     FROM survey s LEFT JOIN classification c ON c.household_id = s.household_id AND c.year = s.year \
                     LEFT JOIN decision d ON d.id = c.decision_id \
                     WHERE s.household_id = $1 AND s.kind = 'periodic' ORDER BY s.year DESC",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| -> Result<YearRow, sqlx::Error> {
                    Ok(YearRow {
                        year: r.try_get::<i64, _>(0)? as u16,
                        standard: r.try_get(1)?,
                        province_code: r.try_get(2)?,
                        commune_code: r.try_get(3)?,
                        area: r.try_get(4)?,
                        agricultural: r.try_get::<i64, _>(13)? == 1,
                        members: r.try_get::<i64, _>(5)? as u8,
                        income_per_capita: r.try_get::<Option<i64>, _>(6)?.map(|v| v as u64),
                        b1_score: r.try_get::<Option<i64>, _>(7)?.map(|v| v as u16),
                        deprived: r.try_get::<i64, _>(8)? as u16,
                        class: r.try_get(9)?,
                        decided_class: r.try_get(10)?,
                        decision_number: r.try_get(11)?,
                        decision_date: r.try_get(12)?,
                        decision_signer: r.try_get(14)?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
                let events = sqlx::query(
                    "SELECT year, kind, other_household_code FROM household_event WHERE household_id = $1 ORDER BY year",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| -> Result<EventRow, sqlx::Error> {
                    Ok(EventRow {
                        year: r.try_get::<i64, _>(0)? as u16,
                        kind: r.try_get(1)?,
                        other_household_code: r.try_get(2)?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
                let history = sqlx::query(
                    "SELECT at, actor, action, before, after FROM audit \
                     WHERE entity_key >= $1 AND entity_key < $2 ORDER BY id DESC",
                )
                .bind(format!("{code}/"))
                .bind(format!("{code}0"))
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| -> Result<HistoryRow, sqlx::Error> {
                    Ok(HistoryRow {
                        at: r.try_get(0)?,
                        actor: r.try_get(1)?,
                        action: r.try_get(2)?,
                        before: r.try_get(3)?,
                        after: r.try_get(4)?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
                Ok(Some(HouseholdDetail {
                    household_code: row.try_get(1)?,
                    village_code: row.try_get(2)?,
                    village_name: row.try_get(3)?,
                    commune_code: row.try_get(4)?,
                    members,
                    years,
                    events,
                    history,
                }))
            }
        }
    };
}
