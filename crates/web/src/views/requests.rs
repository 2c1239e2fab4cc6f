//! Households' requests: form 01 (to be reviewed in the periodic review) and form 04 (a regular
//! review any month, decided within 15 days), and the list of requests due.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use bamho_domain::review::request_due;
use bamho_domain::{Date, Year};
use bamho_store::NewRequest;
use serde::Deserialize;

use super::labels::commune_name;
use super::{Frame, household_for_entry, html};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;

struct RequestLine {
    code: String,
    head: String,
    commune: String,
    form: &'static str,
    received_on: String,
    due_on: String,
    overdue: bool,
    reason: String,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsView {
    frame: Frame,
    lines: Vec<RequestLine>,
}

pub async fn view_requests_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    s.require_entry()?;
    let today = crate::clock::today().to_string();
    let lines = state
        .store
        .open_requests(s.communes().as_deref())
        .await?
        .into_iter()
        .map(|r| RequestLine {
            commune: commune_name(&r.commune_code, r.year),
            form: if r.form == "form01" { "01" } else { "04" },
            overdue: r.due_on < today,
            code: r.household_code,
            head: r.head_name.unwrap_or_default(),
            received_on: r.received_on,
            due_on: r.due_on,
            reason: r.reason,
        })
        .collect();
    html(&RequestsView {
        frame: Frame::new(&s, "/requests"),
        lines,
    })
}

#[derive(Deserialize)]
pub struct RequestForm {
    csrf_token: String,
    form: String,
    received_on: String,
    reason: Option<String>,
}

pub async fn view_request_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(f): Form<RequestForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    let detail = household_for_entry(&state, &s, &code).await?;
    let received = Date::parse(&f.received_on).map_err(|e| s.bad_request(e.to_string()))?;
    let form = match f.form.as_str() {
        "form01" | "form04" => f.form.clone(),
        _ => {
            return Err(s.bad_request(if s.lang == Lang::Vi {
                "Mẫu đề nghị là 01 hoặc 04."
            } else {
                "The form is 01 or 04."
            }));
        }
    };
    let year = Year::new(received.year()).map_err(|e| s.bad_request(e.to_string()))?;
    let request = NewRequest {
        household_code: detail.household_code.clone(),
        year: year.get(),
        due_on: request_due(&form, year, received).to_string(),
        form,
        received_on: received.to_string(),
        reason: f.reason.unwrap_or_default().trim().to_owned(),
    };
    state
        .store
        .add_request(&request, &s.user.username, &crate::clock::stamp())
        .await?;
    Ok(Redirect::to("/requests").into_response())
}
