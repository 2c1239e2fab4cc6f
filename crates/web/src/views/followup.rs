//! Follow-up pages: a supporter's "my households" (small pages that work without JavaScript on a
//! weak connection), the supporters of a commune and their caseloads, the poor and near-poor
//! households nobody follows yet, and on a household's page its supporters and visits.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use bamho_domain::{Date, Role};
use bamho_store::{NewSupporter, NewVisit, ORGANISATIONS, StoreError};
use serde::Deserialize;

use super::labels::commune_name;
use super::labels::{class_label, organisation_label};
use super::{
    Frame, date_input, household_for_entry, household_in_reach, html, optional_date_input,
};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;

struct CaseLine {
    code: String,
    head: String,
    village: String,
    class: String,
    last_visit: String,
    next_due: String,
    overdue: bool,
}

fn case_lines(cases: Vec<bamho_store::CaseRow>, lang: Lang) -> Vec<CaseLine> {
    let today = crate::clock::today().to_string();
    cases
        .into_iter()
        .map(|c| CaseLine {
            overdue: c.next_due.as_deref().is_some_and(|d| d < today.as_str()),
            code: c.household_code,
            head: c.head_name.unwrap_or_default(),
            village: c.village_name.unwrap_or_default(),
            class: c
                .class
                .as_deref()
                .map_or("—".into(), |k| class_label(k, lang)),
            last_visit: c.last_visit.unwrap_or_else(|| "—".into()),
            next_due: c.next_due.unwrap_or_else(|| "—".into()),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "my.html")]
struct MyView {
    frame: Frame,
    lines: Vec<CaseLine>,
    today: String,
}

/// A supporter's own households, with what is due and a quick visit form for each.
pub async fn view_my_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    if s.role != Role::Supporter {
        return Err(WebError::Forbidden {
            api: false,
            lang: s.lang,
        });
    }
    let cases = match state.store.supporter_of_user(s.user.id).await? {
        Some(id) => state.store.caseload(id).await?,
        None => Vec::new(),
    };
    html(&MyView {
        frame: Frame::new(&s, "/my"),
        lines: case_lines(cases, s.lang),
        today: crate::clock::today().to_string(),
    })
}

#[derive(Template)]
#[template(path = "unassigned.html")]
struct UnassignedView {
    frame: Frame,
    lines: Vec<CaseLine>,
}

pub async fn view_unassigned_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    s.require_entry()?;
    let cases = state.store.unassigned(s.communes().as_deref()).await?;
    html(&UnassignedView {
        frame: Frame::new(&s, "/unassigned"),
        lines: case_lines(cases, s.lang),
    })
}

struct SupporterLine {
    name: String,
    organisation: &'static str,
    commune: String,
    username: String,
    caseload: u32,
}

#[derive(Template)]
#[template(path = "supporters.html")]
struct SupportersView {
    frame: Frame,
    lines: Vec<SupporterLine>,
    organisations: Vec<(&'static str, &'static str)>,
    communes: Vec<(String, String)>,
    error: String,
}

async fn supporters_view(
    state: &AppState,
    s: &Signed,
    error: String,
) -> Result<Response, WebError> {
    let year = crate::clock::today().year();
    let lines = state
        .store
        .supporters(s.communes().as_deref())
        .await?
        .into_iter()
        .map(|r| SupporterLine {
            name: r.full_name,
            organisation: organisation_label(&r.organisation, s.lang),
            commune: commune_name(&r.commune_code, year),
            username: r.username.unwrap_or_default(),
            caseload: r.caseload,
        })
        .collect();
    let communes = s
        .communes()
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.clone(), commune_name(&c, year)))
        .collect();
    let view = SupportersView {
        frame: Frame::new(s, "/supporters"),
        lines,
        organisations: ORGANISATIONS
            .iter()
            .map(|o| (*o, organisation_label(o, s.lang)))
            .collect(),
        communes,
        error,
    };
    html(&view)
}

pub async fn view_supporters_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    s.require_entry()?;
    supporters_view(&state, &s, String::new()).await
}

#[derive(Deserialize)]
pub struct SupporterForm {
    csrf_token: String,
    full_name: String,
    organisation: String,
    commune: String,
    phone: Option<String>,
    username: Option<String>,
}

pub async fn view_supporters_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Form(f): Form<SupporterForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    s.require_entry()?;
    s.check_commune(&f.commune)?;
    let vi = s.lang == Lang::Vi;
    let name = bamho_text::nfc(&f.full_name);
    if name.is_empty() || !ORGANISATIONS.contains(&f.organisation.as_str()) {
        return supporters_view(
            &state,
            &s,
            if vi {
                "Nhập họ tên và chọn tổ chức."
            } else {
                "Enter a name and choose an organisation."
            }
            .into(),
        )
        .await;
    }
    let filled = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let supporter = NewSupporter {
        full_name: name,
        organisation: f.organisation.clone(),
        commune_code: f.commune.clone(),
        phone: filled(&f.phone),
        username: filled(&f.username),
    };
    match state
        .store
        .add_supporter(&supporter, &s.user.username, &crate::clock::stamp())
        .await
    {
        Ok(_) => Ok(Redirect::to("/supporters").into_response()),
        Err(StoreError::NotFound(_)) => {
            supporters_view(
                &state,
                &s,
                if vi {
                    "Không có tài khoản này."
                } else {
                    "No such login."
                }
                .into(),
            )
            .await
        }
        Err(StoreError::Conflict(_)) => {
            supporters_view(
                &state,
                &s,
                if vi {
                    "Tài khoản này đã gắn với người khác."
                } else {
                    "That login already belongs to a supporter."
                }
                .into(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct AssignForm {
    csrf_token: String,
    supporter: i64,
    from: String,
    reason: Option<String>,
}

pub async fn view_assign_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(f): Form<AssignForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    let detail = household_for_entry(&state, &s, &code).await?;
    let from = Date::parse(&f.from).map_err(|e| s.bad_request(e.to_string()))?;
    let supporters = state
        .store
        .supporters(Some(std::slice::from_ref(&detail.commune_code)))
        .await?;
    if !supporters.iter().any(|x| x.id == f.supporter) {
        return Err(s.bad_request(if s.lang == Lang::Vi {
            "Chọn người giúp đỡ của xã."
        } else {
            "Choose a supporter of the commune."
        }));
    }
    let reason = f.reason.unwrap_or_default();
    match state
        .store
        .assign(
            f.supporter,
            &code,
            &from.to_string(),
            reason.trim(),
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await
    {
        Ok(_) | Err(StoreError::Conflict(_)) => {
            Ok(Redirect::to(&format!("/households/{code}#supporters")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct EndForm {
    csrf_token: String,
    assignment: i64,
    to: String,
}

pub async fn view_end_assignment_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(f): Form<EndForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    household_for_entry(&state, &s, &code).await?;
    if !state
        .store
        .assignments(&code)
        .await?
        .iter()
        .any(|a| a.id == f.assignment)
    {
        return Err(s.not_found());
    }
    let to = Date::parse(&f.to).map_err(|e| s.bad_request(e.to_string()))?;
    state
        .store
        .end_assignment(
            f.assignment,
            &to.to_string(),
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await?;
    Ok(Redirect::to(&format!("/households/{code}#supporters")).into_response())
}

#[derive(Deserialize)]
pub struct VisitForm {
    csrf_token: String,
    visited_on: String,
    found: String,
    advised: Option<String>,
    next_steps: Option<String>,
    next_due: Option<String>,
    back: Option<String>,
}

/// Records a visit: the household's supporter, or an officer of its commune.
pub async fn view_visit_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(f): Form<VisitForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    household_in_reach(&state, &s, &code).await?;
    if !matches!(
        s.role,
        Role::Supporter | Role::CommuneOfficer | Role::ProvinceAdmin
    ) {
        return Err(WebError::Forbidden {
            api: false,
            lang: s.lang,
        });
    }
    let vi = s.lang == Lang::Vi;
    let visited_on = date_input(&s, &f.visited_on, "Ngày thăm", "Visit date")?;
    let next_due = optional_date_input(&s, f.next_due.as_deref(), "Hẹn lần sau", "Next visit")?
        .map(|d| d.to_string());
    if f.found.trim().is_empty() {
        return Err(s.bad_request(if vi {
            "Ghi điều đã thấy khi thăm hộ."
        } else {
            "Write what you found."
        }));
    }
    let supporter_id = if s.role == Role::Supporter {
        state.store.supporter_of_user(s.user.id).await?
    } else {
        None
    };
    let visit = NewVisit {
        household_code: code.clone(),
        supporter_id,
        visited_on: visited_on.to_string(),
        found: f.found.trim().to_owned(),
        advised: f.advised.unwrap_or_default().trim().to_owned(),
        next_steps: f.next_steps.unwrap_or_default().trim().to_owned(),
        next_due,
    };
    state
        .store
        .record_visit(&visit, &s.user.username, &crate::clock::stamp())
        .await?;
    let back = if f.back.as_deref() == Some("my") {
        "/my".to_owned()
    } else {
        format!("/households/{code}#visits")
    };
    Ok(Redirect::to(&back).into_response())
}
