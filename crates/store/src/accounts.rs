//! Accounts and sessions: who may sign in, and the sessions they hold.

use async_trait::async_trait;

use crate::StoreError;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    /// An argon2id PHC string; the password itself never reaches the store.
    pub password_hash: String,
    pub role: String,
    pub scope_code: Option<String>,
    pub created_at: String,
}

#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub scope_code: Option<String>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("scope_code", &self.scope_code)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    pub user_id: i64,
    /// "browser" or "api".
    pub kind: String,
    pub csrf: String,
    pub created_at: String,
    /// Unix seconds.
    pub expires_at: i64,
}

#[async_trait]
pub trait Accounts: Send + Sync {
    /// Adds a user; a username already taken is a [`StoreError::Conflict`].
    async fn add_user(&self, user: &NewUser) -> Result<i64, StoreError>;

    async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError>;

    async fn create_session(&self, session: &NewSession) -> Result<(), StoreError>;

    /// The user and CSRF token of a live session (`now` in Unix seconds).
    async fn session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(User, String)>, StoreError>;

    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError>;
}
