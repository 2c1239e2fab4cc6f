//! Accounts and sessions in SQL.

macro_rules! accounts_impl {
    ($name:ident, $db:ty) => {
        #[async_trait]
        impl Accounts for $name {
            async fn add_user(&self, u: &NewUser) -> Result<i64, StoreError> {
                let result = sqlx::query_scalar(
                    "INSERT INTO app_user (username, password_hash, role, scope_code, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&u.username).bind(&u.password_hash).bind(&u.role).bind(&u.scope_code).bind(&u.created_at)
                .fetch_one(&self.pool)
                .await;
                match result {
                    Ok(id) => Ok(id),
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        Err(StoreError::Conflict(format!("the username {} is taken", u.username)))
                    }
                    Err(e) => Err(e.into()),
                }
            }

            async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
                let row = sqlx::query("SELECT id, username, password_hash, role, scope_code FROM app_user WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|r| user_of(&r)).transpose()?)
            }

            async fn create_session(&self, s: &NewSession) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO app_session (token_hash, user_id, kind, csrf, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&s.token_hash).bind(s.user_id).bind(&s.kind).bind(&s.csrf).bind(&s.created_at).bind(s.expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session(&self, token_hash: &str, now: i64) -> Result<Option<(User, String)>, StoreError> {
                let row = sqlx::query(
                    "SELECT u.id, u.username, u.password_hash, u.role, u.scope_code, s.csrf \
                     FROM app_session s JOIN app_user u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2",
                )
                .bind(token_hash).bind(now)
                .fetch_optional(&self.pool)
                .await?;
                match row {
                    Some(r) => Ok(Some((user_of(&r)?, r.try_get(5)?))),
                    None => Ok(None),
                }
            }

            async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM app_session WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
                Ok(())
            }
        }
    };
}
