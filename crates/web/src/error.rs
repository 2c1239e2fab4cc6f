//! One error type for pages and API alike. 4xx carry words the user can act on; 5xx show only a
//! request number, and their cause goes to the server's log — never personal data.

use askama::Template;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::i18n::{Lang, Texts};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not signed in: pages go to the login form, the API answers 401.
    #[error("not signed in")]
    Unauthenticated { api: bool, next: String },
    /// Absent, or outside the user's scope: the same answer for both.
    #[error("not found")]
    NotFound { api: bool, lang: Lang },
    /// Inside the scope but not allowed for the role.
    #[error("forbidden")]
    Forbidden { api: bool, lang: Lang },
    #[error("bad request: {message}")]
    BadRequest {
        api: bool,
        lang: Lang,
        message: String,
    },
    #[error("too many attempts")]
    TooManyRequests { api: bool, lang: Lang },
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<bamho_store::StoreError> for WebError {
    fn from(e: bamho_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(e.to_string())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: &'a Texts,
    title: &'a str,
    message: &'a str,
}

fn page(status: StatusCode, lang: Lang, title: &str, message: &str) -> Response {
    let t = lang.texts();
    let body = ErrorPage { t, title, message }
        .render()
        .unwrap_or_else(|_| message.to_owned());
    let mut response = (status, axum::response::Html(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The API's error answer: `{"error": message}`.
pub(crate) fn json(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// A number for an unexpected error, to quote to whoever reads the server's log.
fn request_number() -> String {
    let mut bytes = [0u8; 6];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            Self::Unauthenticated { api: true, .. } => {
                json(StatusCode::UNAUTHORIZED, "sign in first")
            }
            Self::Unauthenticated { api: false, next } => {
                let target = format!("/login?next={}", crate::http::url_encode(&next));
                Redirect::to(&target).into_response()
            }
            Self::NotFound { api: true, .. } => json(StatusCode::NOT_FOUND, "not found"),
            Self::NotFound { lang, .. } => {
                let t = lang.texts();
                page(StatusCode::NOT_FOUND, lang, t.not_found, t.not_found_text)
            }
            Self::Forbidden { api: true, .. } => {
                json(StatusCode::FORBIDDEN, "not allowed for your role")
            }
            Self::Forbidden { lang, .. } => {
                let t = lang.texts();
                page(StatusCode::FORBIDDEN, lang, t.forbidden, t.forbidden_text)
            }
            Self::BadRequest {
                api: true, message, ..
            } => json(StatusCode::BAD_REQUEST, &message),
            Self::BadRequest { lang, message, .. } => page(
                StatusCode::BAD_REQUEST,
                lang,
                lang.texts().bad_request,
                &message,
            ),
            Self::TooManyRequests { api: true, .. } => json(
                StatusCode::TOO_MANY_REQUESTS,
                "too many failed sign-ins; wait and try again",
            ),
            Self::TooManyRequests { lang, .. } => {
                let t = lang.texts();
                page(
                    StatusCode::TOO_MANY_REQUESTS,
                    lang,
                    t.too_many,
                    t.too_many_text,
                )
            }
            Self::Internal(cause) => {
                let number = request_number();
                #[expect(
                    clippy::print_stderr,
                    reason = "the server's log; the cause holds no personal data"
                )]
                {
                    eprintln!("request {number}: {cause}");
                }
                let message =
                    format!("Lỗi hệ thống / internal error — mã yêu cầu / request {number}");
                page(StatusCode::INTERNAL_SERVER_ERROR, Lang::Vi, "500", &message)
            }
        }
    }
}
