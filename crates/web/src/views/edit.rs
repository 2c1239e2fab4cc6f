//! Registering and editing households: the head and members (each field validated, errors beside
//! it), moving to another village, splitting members off into a new household and merging into
//! another — the lineage kept and every change audited.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use bamho_domain::ethnic::EthnicGroups;
use bamho_domain::{CitizenId, Relation, Sex};
use bamho_store::{HouseholdDetail, MemberInput, StoreError};

use super::{Frame, household_for_entry, html};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;

/// A member form as posted.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    birth_year: String,
    #[serde(default)]
    ethnicity: String,
    #[serde(default)]
    citizen_id: String,
    #[serde(default)]
    relation: String,
}

type FieldErrors = HashMap<&'static str, String>;

/// Validates a member form; every field's error at once.
fn member_input(form: &MemberForm, lang: Lang) -> Result<MemberInput, FieldErrors> {
    let vi = lang == Lang::Vi;
    let mut errors = FieldErrors::new();
    let name = bamho_text::nfc(&form.full_name);
    if name.is_empty() {
        errors.insert(
            "full_name",
            if vi {
                "Nhập họ và tên."
            } else {
                "Enter the full name."
            }
            .into(),
        );
    }
    let sex = Sex::parse(&form.sex)
        .map_err(|_| {
            errors.insert(
                "sex",
                if vi {
                    "Chọn giới tính."
                } else {
                    "Choose the sex."
                }
                .into(),
            )
        })
        .ok();
    let this_year = crate::clock::today().year();
    let birth_year = form
        .birth_year
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|y| (1880..=this_year).contains(y));
    if birth_year.is_none() {
        errors.insert(
            "birth_year",
            if vi {
                format!("Năm sinh từ 1880 đến {this_year}.")
            } else {
                format!("A birth year from 1880 to {this_year}.")
            },
        );
    }
    let ethnicity = EthnicGroups::national()
        .by_code(&form.ethnicity)
        .map(|g| g.code.clone());
    if ethnicity.is_none() {
        errors.insert(
            "ethnicity",
            if vi {
                "Chọn dân tộc."
            } else {
                "Choose the ethnic group."
            }
            .into(),
        );
    }
    let citizen_id = match form.citizen_id.trim() {
        "" => None,
        id => match CitizenId::parse(id) {
            Ok(c) => Some(c.as_str().to_owned()),
            Err(e) => {
                let message = if vi {
                    "Số CCCD có 12 chữ số (CMND cũ 9 chữ số).".to_owned()
                } else {
                    e.to_string()
                };
                errors.insert("citizen_id", message);
                None
            }
        },
    };
    let relation = Relation::parse(&form.relation)
        .map_err(|_| {
            errors.insert(
                "relation",
                if vi {
                    "Chọn quan hệ với chủ hộ."
                } else {
                    "Choose the relation."
                }
                .into(),
            )
        })
        .ok();
    match (errors.is_empty(), sex, birth_year, ethnicity, relation) {
        (true, Some(sex), Some(birth_year), Some(ethnicity), Some(relation)) => Ok(MemberInput {
            full_name: name,
            sex: sex.as_str().to_owned(),
            birth_year,
            ethnicity,
            citizen_id,
            relation: relation.as_str().to_owned(),
        }),
        _ => Err(errors),
    }
}

/// A member form to show: values and errors.
#[derive(Debug, Clone, Default)]
pub struct MemberFields {
    no: u16,
    full_name: String,
    sex: String,
    birth_year: String,
    ethnicity: String,
    citizen_id: String,
    relation: String,
    errors: FieldErrors,
}

impl MemberFields {
    fn from_form(no: u16, f: &MemberForm, errors: FieldErrors) -> Self {
        Self {
            no,
            full_name: f.full_name.clone(),
            sex: f.sex.clone(),
            birth_year: f.birth_year.clone(),
            ethnicity: f.ethnicity.clone(),
            citizen_id: f.citizen_id.clone(),
            relation: f.relation.clone(),
            errors,
        }
    }

    pub fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

fn ethnic_options() -> Vec<(String, String)> {
    EthnicGroups::national()
        .all()
        .iter()
        .map(|g| (g.code.clone(), format!("{} {}", g.code, g.name)))
        .collect()
}

fn relations(lang: Lang) -> Vec<(&'static str, &'static str)> {
    Relation::ALL
        .iter()
        .map(|r| (r.as_str(), super::labels::relation_word(r.as_str(), lang)))
        .collect()
}

#[derive(Template)]
#[template(path = "household_new.html")]
struct NewView {
    frame: Frame,
    villages: Vec<(String, String)>,
    village: String,
    head: MemberFields,
    ethnicities: Vec<(String, String)>,
    relations: Vec<(&'static str, &'static str)>,
}

async fn village_options(state: &AppState, s: &Signed) -> Result<Vec<(String, String)>, WebError> {
    Ok(state
        .store
        .villages(&s.reach)
        .await?
        .into_iter()
        .map(|(code, name, commune)| {
            let label = format!(
                "{} — {}",
                name.unwrap_or_else(|| code.clone()),
                super::labels::commune_name(&commune, crate::clock::today().year())
            );
            (code, label)
        })
        .collect())
}

pub async fn view_new_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    s.require_entry()?;
    let head = MemberFields {
        relation: "head".into(),
        ..MemberFields::default()
    };
    let view = NewView {
        frame: Frame::new(&s, "/households/new"),
        villages: village_options(&state, &s).await?,
        village: String::new(),
        head,
        ethnicities: ethnic_options(),
        relations: relations(s.lang),
    };
    html(&view)
}

#[derive(Debug, serde::Deserialize)]
pub struct NewForm {
    csrf_token: String,
    village: String,
    #[serde(flatten)]
    head: MemberForm,
}

pub async fn view_new_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Form(form): Form<NewForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&form.csrf_token)?;
    s.require_entry()?;
    let villages = village_options(&state, &s).await?;
    if !villages.iter().any(|(c, _)| c == &form.village) {
        return Err(s.not_found());
    }
    let head_form = MemberForm {
        relation: "head".into(),
        ..form.head.clone()
    };
    match member_input(&head_form, s.lang) {
        Ok(head) => {
            let code = state
                .store
                .create_household(
                    &form.village,
                    &head,
                    &s.user.username,
                    &crate::clock::stamp(),
                )
                .await?;
            Ok(Redirect::to(&format!("/households/{code}")).into_response())
        }
        Err(errors) => {
            let view = NewView {
                frame: Frame::new(&s, "/households/new"),
                villages,
                village: form.village.clone(),
                head: MemberFields::from_form(0, &head_form, errors),
                ethnicities: ethnic_options(),
                relations: relations(s.lang),
            };
            let mut r = html(&view)?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

#[derive(Template)]
#[template(path = "household_edit.html")]
struct EditView {
    frame: Frame,
    code: String,
    village: String,
    villages: Vec<(String, String)>,
    members: Vec<MemberFields>,
    adding: MemberFields,
    ethnicities: Vec<(String, String)>,
    relations: Vec<(&'static str, &'static str)>,
    year: u16,
    message: String,
}

async fn edit_view(
    state: &AppState,
    s: &Signed,
    detail: &HouseholdDetail,
    failed: Option<MemberFields>,
    message: String,
) -> Result<Response, WebError> {
    let mut members: Vec<MemberFields> = detail
        .members
        .iter()
        .map(|m| MemberFields {
            no: m.person_no,
            full_name: m.full_name.clone(),
            sex: m.sex.clone(),
            birth_year: m.birth_year.to_string(),
            ethnicity: m.ethnicity.clone(),
            citizen_id: m.citizen_id.clone().unwrap_or_default(),
            relation: m.relation.clone(),
            errors: FieldErrors::new(),
        })
        .collect();
    let mut adding = MemberFields {
        relation: "child".into(),
        ..MemberFields::default()
    };
    if let Some(f) = failed {
        match members.iter_mut().find(|m| m.no == f.no && f.no > 0) {
            Some(slot) => *slot = f,
            None => adding = f,
        }
    }
    let code = detail.household_code.clone();
    let view = EditView {
        frame: Frame::new(s, &format!("/households/{code}/edit")),
        village: detail.village_code.clone(),
        villages: village_options(state, s).await?,
        members,
        adding,
        ethnicities: ethnic_options(),
        relations: relations(s.lang),
        year: crate::clock::today().year(),
        message,
        code,
    };
    let failed =
        !view.adding.errors.is_empty() || view.members.iter().any(|m| !m.errors.is_empty());
    let mut r = html(&view)?;
    if failed {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub async fn view_edit_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let detail = household_for_entry(&state, &s, &code).await?;
    edit_view(&state, &s, &detail, None, String::new()).await
}

#[derive(Debug, serde::Deserialize)]
pub struct MemberPost {
    csrf_token: String,
    #[serde(default)]
    action: String,
    #[serde(flatten)]
    member: MemberForm,
}

/// Adds a member (`no` = 0) or saves/removes member `no`.
pub async fn view_member_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path((code, no)): Path<(String, u16)>,
    Form(form): Form<MemberPost>,
) -> Result<Response, WebError> {
    s.check_csrf(&form.csrf_token)?;
    let detail = household_for_entry(&state, &s, &code).await?;
    let at = crate::clock::stamp();
    if no > 0 && !detail.members.iter().any(|m| m.person_no == no) {
        return Err(s.not_found());
    }
    if form.action == "remove" && no > 0 {
        state
            .store
            .remove_member(&code, no, &s.user.username, &at)
            .await?;
        return Ok(Redirect::to(&format!("/households/{code}/edit")).into_response());
    }
    match member_input(&form.member, s.lang) {
        Ok(m) => {
            state
                .store
                .save_member(&code, (no > 0).then_some(no), &m, &s.user.username, &at)
                .await?;
            Ok(Redirect::to(&format!("/households/{code}/edit")).into_response())
        }
        Err(errors) => {
            edit_view(
                &state,
                &s,
                &detail,
                Some(MemberFields::from_form(no, &form.member, errors)),
                String::new(),
            )
            .await
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct MoveForm {
    csrf_token: String,
    village: String,
}

pub async fn view_move_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(form): Form<MoveForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&form.csrf_token)?;
    household_for_entry(&state, &s, &code).await?;
    if !village_options(&state, &s)
        .await?
        .iter()
        .any(|(c, _)| c == &form.village)
    {
        return Err(s.not_found());
    }
    state
        .store
        .move_household(
            &code,
            &form.village,
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await?;
    Ok(Redirect::to(&format!("/households/{code}")).into_response())
}

pub async fn view_split_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    s.check_csrf(form.get("csrf_token").map_or("", String::as_str))?;
    let detail = household_for_entry(&state, &s, &code).await?;
    let leaving: Vec<u16> = detail
        .members
        .iter()
        .map(|m| m.person_no)
        .filter(|n| form.get(&format!("m{n}")).is_some_and(|v| v == "1"))
        .collect();
    let year = crate::clock::today().year();
    match state
        .store
        .split_household(
            &code,
            &leaving,
            year,
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await
    {
        Ok(new) => Ok(Redirect::to(&format!("/households/{new}")).into_response()),
        Err(StoreError::Conflict(_)) => {
            let message = if s.lang == Lang::Vi {
                "Chọn người tách đi; ít nhất một người ở lại hộ."
            } else {
                "Choose who leaves; at least one member stays."
            };
            edit_view(&state, &s, &detail, None, message.into()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct MergeForm {
    csrf_token: String,
    into: String,
}

pub async fn view_merge_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(form): Form<MergeForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&form.csrf_token)?;
    let detail = household_for_entry(&state, &s, &code).await?;
    let into = form.into.trim();
    if into == code || state.store.household(&s.reach, into).await?.is_none() {
        let message = if s.lang == Lang::Vi {
            format!("Không có hộ {into} trong phạm vi của bạn.")
        } else {
            format!("No household {into} in your scope.")
        };
        return edit_view(&state, &s, &detail, None, message).await;
    }
    state
        .store
        .merge_household(
            &code,
            into,
            crate::clock::today().year(),
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await?;
    Ok(Redirect::to(&format!("/households/{into}")).into_response())
}
