//! HTML views: each handler gathers what its page shows and renders a typed template.

pub mod dashboard;
pub mod duplicates;
pub mod edit;
pub mod followup;
pub mod home;
pub mod households;
pub mod import;
pub mod labels;
pub mod lasting;
pub mod login;
pub mod overdue;
pub mod print;
pub mod recognition;
pub mod requests;
pub mod review;
pub mod survey;
pub mod timeline;
pub mod tours;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::i18n::{Lang, Texts};

const STYLESHEET: &str = include_str!("../../assets/app.css");
const PRINT_STYLESHEET: &str = include_str!("../../assets/print.css");
const HTMX: &str = include_str!("../../assets/vendor/htmx-2.0.11.min.js");

/// 200 once the database answers.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.decided_years().await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response(),
    }
}

pub async fn stylesheet() -> Response {
    css(STYLESHEET)
}

pub async fn print_stylesheet() -> Response {
    css(PRINT_STYLESHEET)
}

pub async fn htmx() -> Response {
    let mut r = (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        HTMX,
    )
        .into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    r
}

fn css(text: &'static str) -> Response {
    let mut r = ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], text).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

pub async fn not_found(headers: HeaderMap) -> WebError {
    WebError::NotFound {
        api: false,
        lang: Lang::from_headers(&headers),
    }
}

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only paths of this site: never an open redirect.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_owned(),
        _ => "/".to_owned(),
    }
}

pub async fn set_lang(Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let lang = if code == "en" { "en" } else { "vi" };
    let mut r = Redirect::to(&local_path(q.next.as_deref())).into_response();
    let cookie = format!("lang={lang}; Path=/; Max-Age=31536000; SameSite=Lax");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// What the page frame needs: texts, who is signed in, the CSRF token for the sign-out form.
#[derive(Debug, Clone)]
pub struct Frame {
    pub t: &'static Texts,
    /// Which links the menu shows: "supporter", "entry" (officers), "review" (village heads) or ""
    /// (viewers).
    pub menu: &'static str,
    pub username: String,
    pub role: String,
    pub csrf: String,
    pub path: String,
}

impl Frame {
    pub fn new(s: &crate::auth::Signed, path: &str) -> Self {
        let role = match s.lang {
            Lang::Vi => s.role.name_vi(),
            Lang::En => s.role.name_en(),
        };
        let menu = match s.role {
            bamho_domain::Role::Supporter => "supporter",
            bamho_domain::Role::CommuneOfficer | bamho_domain::Role::ProvinceAdmin => "entry",
            bamho_domain::Role::VillageHead => "review",
            bamho_domain::Role::Viewer => "",
        };
        Self {
            menu,
            t: s.lang.texts(),
            username: s.user.username.clone(),
            role: role.to_owned(),
            csrf: s.csrf.clone(),
            path: crate::http::url_encode(path),
        }
    }
}

/// A household the user reaches — 404 otherwise, with no hint that it exists.
pub async fn household_in_reach(
    state: &AppState,
    s: &crate::auth::Signed,
    code: &str,
) -> Result<bamho_store::HouseholdDetail, WebError> {
    state
        .store
        .household(&s.reach, code)
        .await?
        .ok_or_else(|| s.not_found())
}

/// A household the user reaches and may enter data for (404 outside the scope, then 403 for the role).
pub async fn household_for_entry(
    state: &AppState,
    s: &crate::auth::Signed,
    code: &str,
) -> Result<bamho_store::HouseholdDetail, WebError> {
    let detail = household_in_reach(state, s, code).await?;
    s.require_entry()?;
    Ok(detail)
}

/// A date from a form field ("2026-01-20" or "20/01/2026"); a 400 naming the field and the value
/// otherwise.
pub fn date_input(
    s: &crate::auth::Signed,
    raw: &str,
    field_vi: &str,
    field_en: &str,
) -> Result<bamho_domain::Date, WebError> {
    bamho_domain::Date::parse(raw).map_err(|e| {
        s.bad_request(format!(
            "{}: {:?} — {e}",
            if s.lang == Lang::Vi {
                field_vi
            } else {
                field_en
            },
            raw
        ))
    })
}

/// An optional date: empty is none, anything else must be a date.
pub fn optional_date_input(
    s: &crate::auth::Signed,
    raw: Option<&str>,
    field_vi: &str,
    field_en: &str,
) -> Result<Option<bamho_domain::Date>, WebError> {
    match raw.map(str::trim).filter(|t| !t.is_empty()) {
        Some(d) => date_input(s, d, field_vi, field_en).map(Some),
        None => Ok(None),
    }
}

/// Renders a template into an HTML response.
pub fn html<T: askama::Template>(template: &T) -> Result<Response, WebError> {
    Ok(axum::response::Html(template.render()?).into_response())
}
