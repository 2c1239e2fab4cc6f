//! Who is asking: argon2id passwords, random session tokens (only their hash is stored), CSRF
//! tokens, the throttle on failed sign-ins, and the extractors that turn a request into a signed-in
//! user with a role and a reach — checked in this one place for pages and API alike.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use bamho_domain::Role;
use bamho_store::{Reach, User};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::access;
use crate::error::WebError;
use crate::http::cookie;
use crate::i18n::Lang;

pub const SESSION_COOKIE: &str = "bamho_session";
pub const LOGIN_CSRF_COOKIE: &str = "bamho_login_csrf";
/// Browser sessions last a working day; API tokens a day.
pub const BROWSER_SESSION: i64 = 12 * 3600;
pub const API_SESSION: i64 = 24 * 3600;

/// An argon2id hash (PHC string) of a password, with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| WebError::Internal(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| WebError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(e.to_string()))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A 256-bit random token, hex.
pub fn random_token() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(hex(&bytes))
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Failed sign-ins per username: after `LIMIT` failures within `WINDOW`, sign-in is refused until
/// the window has passed. Kept in memory: one server process.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    pub const LIMIT: u32 = 5;
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    pub fn is_blocked(&self, username: &str) -> bool {
        let Ok(map) = self.failures.lock() else {
            return true;
        };
        map.get(&Self::key(username))
            .is_some_and(|(n, since)| *n >= Self::LIMIT && since.elapsed() < Self::WINDOW)
    }

    pub fn fail(&self, username: &str) {
        if let Ok(mut map) = self.failures.lock() {
            let entry = map
                .entry(Self::key(username))
                .or_insert((0, Instant::now()));
            if entry.1.elapsed() >= Self::WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
    }

    pub fn succeed(&self, username: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&Self::key(username));
        }
    }
}

/// A signed-in user, with what their role and scope let them reach.
#[derive(Debug, Clone)]
pub struct Signed {
    pub user: User,
    pub role: Role,
    pub reach: Reach,
    pub csrf: String,
    pub lang: Lang,
    pub api: bool,
}

impl Signed {
    /// Refuses roles that may not see names (403), after a household outside the scope has already
    /// answered 404.
    pub fn require_names(&self) -> Result<(), WebError> {
        if self.role.sees_names() {
            Ok(())
        } else {
            Err(WebError::Forbidden {
                api: self.api,
                lang: self.lang,
            })
        }
    }

    /// Entering surveys and deciding: commune officers and province officers.
    pub fn require_entry(&self) -> Result<(), WebError> {
        if matches!(self.role, Role::CommuneOfficer | Role::ProvinceAdmin) {
            Ok(())
        } else {
            Err(WebError::Forbidden {
                api: self.api,
                lang: self.lang,
            })
        }
    }

    /// Reading a review and recording its village meetings: also village heads.
    pub fn require_review(&self) -> Result<(), WebError> {
        if matches!(
            self.role,
            Role::CommuneOfficer | Role::ProvinceAdmin | Role::VillageHead
        ) {
            Ok(())
        } else {
            Err(WebError::Forbidden {
                api: self.api,
                lang: self.lang,
            })
        }
    }

    /// The communes the user reaches, `None` for all of them.
    pub fn communes(&self) -> Option<Vec<String>> {
        match &self.reach {
            Reach::All => None,
            Reach::Communes(list) => Some(list.clone()),
            Reach::Village(_) | Reach::Households(_) => Some(Vec::new()),
        }
    }

    /// A commune (in force today) the user may handle: 404 otherwise, as for a household.
    pub fn check_commune(&self, commune: &str) -> Result<(), WebError> {
        if self
            .communes()
            .is_none_or(|list| list.iter().any(|c| c == commune))
        {
            Ok(())
        } else {
            Err(self.not_found())
        }
    }

    pub fn bad_request(&self, message: impl Into<String>) -> WebError {
        WebError::BadRequest {
            api: self.api,
            lang: self.lang,
            message: message.into(),
        }
    }

    pub fn not_found(&self) -> WebError {
        WebError::NotFound {
            api: self.api,
            lang: self.lang,
        }
    }

    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), WebError> {
        if same_secret(token, &self.csrf) {
            Ok(())
        } else {
            Err(WebError::BadRequest {
                api: self.api,
                lang: self.lang,
                message: "the form has expired; reload the page and try again".into(),
            })
        }
    }
}

async fn signed(parts: &Parts, state: &AppState, api: bool) -> Result<Signed, WebError> {
    let lang = Lang::from_headers(&parts.headers);
    let next = parts
        .uri
        .path_and_query()
        .map_or("/".to_owned(), |p| p.as_str().to_owned());
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let token = if api {
        bearer
    } else {
        cookie(&parts.headers, SESSION_COOKIE)
    };
    let unauthenticated = || WebError::Unauthenticated {
        api,
        next: next.clone(),
    };
    let token = token.ok_or_else(unauthenticated)?;
    let (user, csrf) = state
        .store
        .session(&token_hash(&token), crate::clock::unix_now())
        .await?
        .ok_or_else(unauthenticated)?;
    let role = Role::parse(&user.role).map_err(|e| WebError::Internal(e.to_string()))?;
    let reach = if role == Role::Supporter {
        // A supporter reaches the households assigned to them now.
        let codes = match state.store.supporter_of_user(user.id).await? {
            Some(id) => state
                .store
                .caseload(id)
                .await?
                .into_iter()
                .map(|c| c.household_code)
                .collect(),
            None => Vec::new(),
        };
        Reach::Households(codes)
    } else {
        access::reach(role, user.scope_code.as_deref(), crate::clock::today())
    };
    Ok(Signed {
        user,
        role,
        reach,
        csrf,
        lang,
        api,
    })
}

/// A signed-in browser user (session cookie); others are sent to the login form.
#[derive(Debug, Clone)]
pub struct PageUser(pub Signed);

/// A signed-in API client (bearer token); others get 401.
#[derive(Debug, Clone)]
pub struct ApiUser(pub Signed);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        signed(parts, state, false).await.map(Self)
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        signed(parts, state, true).await.map(Self)
    }
}
