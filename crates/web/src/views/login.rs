//! Signing in and out. The login form is protected by a double-submit CSRF cookie (there is no
//! session yet); failures are throttled per username; a success starts a session whose token only
//! the browser holds (the database keeps its hash).

use std::sync::OnceLock;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bamho_store::NewSession;
use serde::Deserialize;

use super::{Next, html, local_path};
use crate::AppState;
use crate::auth::{
    self, BROWSER_SESSION, LOGIN_CSRF_COOKIE, PageUser, SESSION_COOKIE, random_token, same_secret,
    token_hash, verify_password,
};
use crate::error::WebError;
use crate::i18n::{Lang, Texts};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginView<'a> {
    t: &'a Texts,
    csrf: String,
    next: String,
    username: String,
    error: Option<&'a str>,
}

fn add_cookie(response: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn login_form(
    lang: Lang,
    next: &str,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let csrf = random_token()?;
    let view = LoginView {
        t: lang.texts(),
        csrf: csrf.clone(),
        next: next.to_owned(),
        username: username.to_owned(),
        error,
    };
    let mut response = html(&view)?;
    *response.status_mut() = status;
    add_cookie(
        &mut response,
        &format!("{LOGIN_CSRF_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict"),
    );
    Ok(response)
}

pub async fn view_login_get(
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Result<Response, WebError> {
    login_form(
        Lang::from_headers(&headers),
        &local_path(q.next.as_deref()),
        "",
        None,
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf_token: String,
    next: Option<String>,
}

/// A hash to verify against when the username does not exist, so that the answer takes as long.
fn decoy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("decoy password").unwrap_or_default())
}

pub async fn view_login_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let lang = Lang::from_headers(&headers);
    let next = local_path(form.next.as_deref());
    let csrf_ok = crate::http::cookie(&headers, LOGIN_CSRF_COOKIE)
        .is_some_and(|c| same_secret(&c, &form.csrf_token));
    if !csrf_ok {
        return login_form(
            lang,
            &next,
            &form.username,
            Some(bad_form(lang)),
            StatusCode::BAD_REQUEST,
        );
    }
    let username = form.username.trim();
    if state.throttle.is_blocked(username) {
        return Err(WebError::TooManyRequests { api: false, lang });
    }
    let user = state.store.user_by_name(username).await?;
    let ok = match &user {
        Some(u) => verify_password(&u.password_hash, &form.password),
        None => {
            let _ = verify_password(decoy_hash(), &form.password);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        state.throttle.fail(username);
        return login_form(
            lang,
            &next,
            username,
            Some(lang.texts().wrong_password),
            StatusCode::UNAUTHORIZED,
        );
    };
    state.throttle.succeed(username);
    let token = random_token()?;
    let now = crate::clock::unix_now();
    state
        .store
        .create_session(&NewSession {
            token_hash: token_hash(&token),
            user_id: user.id,
            kind: "browser".into(),
            csrf: random_token()?,
            created_at: crate::clock::stamp(),
            expires_at: now + BROWSER_SESSION,
        })
        .await?;
    let mut response = Redirect::to(&next).into_response();
    add_cookie(
        &mut response,
        &format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={BROWSER_SESSION}"
        ),
    );
    add_cookie(
        &mut response,
        &format!("{LOGIN_CSRF_COOKIE}=; Path=/login; Max-Age=0"),
    );
    Ok(response)
}

fn bad_form(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Biểu mẫu đã hết hạn. Vui lòng thử lại.",
        Lang::En => "The form has expired. Please try again.",
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf_token: String,
}

pub async fn view_logout_post(
    PageUser(signed): PageUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed.check_csrf(&form.csrf_token)?;
    if let Some(token) = crate::http::cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(&token_hash(&token)).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    add_cookie(
        &mut response,
        &format!("{SESSION_COOKIE}=; Path=/; HttpOnly; Max-Age=0"),
    );
    Ok(response)
}
