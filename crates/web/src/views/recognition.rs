//! Recognition of households that escape poverty and of the people who helped them: nominees
//! proposed from the review decision, confirmed or removed by an officer, the commune's decision,
//! the certificates of merit printed in one batch, and each village's commendation list.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use bamho_domain::{Class, Date, Role};
use bamho_store::{HELPER, HOUSEHOLD, NewNominee, NomineeRow, RecognitionDecision, StoreError};
use serde::Deserialize;

use super::labels::{class_label, commune_name, organisation_label};
use super::{Frame, date_input, html, optional_date_input};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;

/// "ngày 20 tháng 01 năm 2025" from an ISO date (the text itself if it is not one).
fn long_vi(date: &str) -> String {
    match Date::parse(date) {
        Ok(d) => {
            let vi = d.vi();
            let mut parts = vi.split('/');
            let (dd, mm, yyyy) = (
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
            );
            format!("ngày {dd} tháng {mm} năm {yyyy}")
        }
        Err(_) => date.to_owned(),
    }
}

fn refused(s: &Signed, e: StoreError) -> WebError {
    match e {
        StoreError::Conflict(why) | StoreError::Invalid(why) => s.bad_request(why),
        StoreError::NotFound(_) => s.not_found(),
        other => other.into(),
    }
}

struct NominationLine {
    commune_code: String,
    commune: String,
    year: u16,
    proposed: u32,
    confirmed: u32,
    removed: u32,
    decision: String,
}

#[derive(Template)]
#[template(path = "recognitions.html")]
struct IndexView {
    frame: Frame,
    lines: Vec<NominationLine>,
    communes: Vec<(String, String)>,
    years: Vec<u16>,
}

/// Nominations and decisions of the user's communes, and the form that proposes nominees.
pub async fn view_recognitions_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    s.require_entry()?;
    let today = crate::clock::today().year();
    let lines = state
        .store
        .nominations(s.communes().as_deref())
        .await?
        .into_iter()
        .map(|n| NominationLine {
            commune: commune_name(&n.commune_code, today),
            commune_code: n.commune_code,
            year: n.year,
            proposed: n.proposed,
            confirmed: n.confirmed,
            removed: n.removed,
            decision: n.decision.unwrap_or_default(),
        })
        .collect();
    let years: Vec<u16> = state
        .store
        .decided_years()
        .await?
        .into_iter()
        .rev()
        .collect();
    let communes = s
        .communes()
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.clone(), commune_name(&c, today)))
        .collect();
    html(&IndexView {
        frame: Frame::new(&s, "/recognitions"),
        lines,
        communes,
        years,
    })
}

#[derive(Deserialize)]
pub struct PrepareForm {
    csrf_token: String,
    commune: String,
    year: u16,
}

pub async fn view_recognitions_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Form(f): Form<PrepareForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    s.require_entry()?;
    s.check_commune(&f.commune)?;
    state
        .store
        .prepare_nominees(&f.commune, f.year, &s.user.username, &crate::clock::stamp())
        .await
        .map_err(|e| refused(&s, e))?;
    Ok(Redirect::to(&format!("/recognitions/{}/{}", f.commune, f.year)).into_response())
}

struct HelperLine {
    id: i64,
    name: String,
    what: String,
    status: String,
    status_word: String,
}

struct HouseholdBlock {
    id: i64,
    code: String,
    head: String,
    change: String,
    support: u32,
    status: String,
    status_word: String,
    helpers: Vec<HelperLine>,
}

struct VillageBlock {
    code: String,
    name: String,
    households: Vec<HouseholdBlock>,
}

#[derive(Template)]
#[template(path = "nominees.html")]
struct NomineesView {
    frame: Frame,
    commune_code: String,
    commune: String,
    year: u16,
    villages: Vec<VillageBlock>,
    decision: Option<bamho_store::RecognitionRow>,
    proposed: usize,
    today: String,
}

fn helper_what(n: &NomineeRow, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    match (&n.organisation, &n.helper_household_code) {
        (Some(org), _) => format!(
            "{} · {} {} · {} {}",
            organisation_label(org, lang),
            n.visits,
            if vi { "lần thăm" } else { "visits" },
            n.days,
            if vi {
                "ngày phụ trách"
            } else {
                "days assigned"
            }
        ),
        (None, Some(_)) => format!(
            "{} · {} {} · {} {}",
            if vi {
                "Hộ kết nghĩa"
            } else {
                "Paired household"
            },
            n.visits,
            if vi { "hoạt động" } else { "activities" },
            n.days,
            if vi {
                "ngày kết nghĩa"
            } else {
                "days paired"
            }
        ),
        (None, None) => {
            if vi {
                "Do cán bộ bổ sung".into()
            } else {
                "Added by an officer".into()
            }
        }
    }
}

fn status_word(status: &str, lang: Lang) -> String {
    match (status, lang) {
        ("confirmed", Lang::Vi) => "đã xác nhận",
        ("removed", Lang::Vi) => "đã loại",
        (_, Lang::Vi) => "đề xuất",
        ("confirmed", Lang::En) => "confirmed",
        ("removed", Lang::En) => "removed",
        (_, Lang::En) => "proposed",
    }
    .to_owned()
}

/// Nominees grouped by village and household, helpers under their household.
fn blocks(nominees: &[NomineeRow], lang: Lang) -> Vec<VillageBlock> {
    let mut villages: BTreeMap<&str, VillageBlock> = BTreeMap::new();
    for n in nominees {
        let village = villages
            .entry(&n.village_code)
            .or_insert_with(|| VillageBlock {
                code: n.village_code.clone(),
                name: n.village_name.clone().unwrap_or(n.village_code.clone()),
                households: Vec::new(),
            });
        if n.kind == HOUSEHOLD {
            village.households.push(HouseholdBlock {
                id: n.id,
                code: n.household_code.clone(),
                head: n.name.clone(),
                change: format!(
                    "{} → {}",
                    class_label(&n.from_class, lang),
                    class_label(&n.to_class, lang)
                ),
                support: n.support,
                status: n.status.clone(),
                status_word: status_word(&n.status, lang),
                helpers: Vec::new(),
            });
        } else if let Some(h) = village
            .households
            .iter_mut()
            .rev()
            .find(|h| h.code == n.household_code)
        {
            h.helpers.push(HelperLine {
                id: n.id,
                name: n.name.clone(),
                what: helper_what(n, lang),
                status: n.status.clone(),
                status_word: status_word(&n.status, lang),
            });
        }
    }
    villages.into_values().collect()
}

async fn nominees_view(
    state: &AppState,
    s: &Signed,
    commune: &str,
    year: u16,
) -> Result<Response, WebError> {
    let nominees = state.store.nominees(commune, year).await?;
    let proposed = nominees.iter().filter(|n| n.status == "proposed").count();
    html(&NomineesView {
        frame: Frame::new(s, &format!("/recognitions/{commune}/{year}")),
        commune_code: commune.to_owned(),
        commune: commune_name(commune, crate::clock::today().year()),
        year,
        villages: blocks(&nominees, s.lang),
        decision: state.store.recognition(commune, year).await?,
        proposed,
        today: crate::clock::today().to_string(),
    })
}

pub async fn view_nominees_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path((commune, year)): Path<(String, u16)>,
) -> Result<Response, WebError> {
    s.require_entry()?;
    s.check_commune(&commune)?;
    nominees_view(&state, &s, &commune, year).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    csrf_token: String,
    /// "confirmed", "removed" or "proposed"; "all" confirms every nominee still proposed.
    status: String,
    nominee: Option<i64>,
}

pub async fn view_nominee_status_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path((commune, year)): Path<(String, u16)>,
    Form(f): Form<StatusForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    s.require_entry()?;
    s.check_commune(&commune)?;
    let (actor, at) = (&s.user.username, crate::clock::stamp());
    let store = &state.store;
    match (f.status.as_str(), f.nominee) {
        ("all", _) => store
            .confirm_all(&commune, year, actor, &at)
            .await
            .map(|_| ()),
        (status, Some(id)) => {
            store
                .set_nominee_status(&commune, year, id, status, actor, &at)
                .await
        }
        _ => return Err(s.bad_request("nominee")),
    }
    .map_err(|e| refused(&s, e))?;
    Ok(Redirect::to(&format!("/recognitions/{commune}/{year}")).into_response())
}

#[derive(Deserialize)]
pub struct AddForm {
    csrf_token: String,
    household: String,
    kind: String,
    name: String,
    organisation: Option<String>,
}

pub async fn view_nominee_add_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path((commune, year)): Path<(String, u16)>,
    Form(f): Form<AddForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    s.require_entry()?;
    s.check_commune(&commune)?;
    let organisation = f
        .organisation
        .filter(|o| bamho_store::ORGANISATIONS.contains(&o.as_str()));
    let nominee = NewNominee {
        household_code: f.household.trim().to_owned(),
        kind: if f.kind == HELPER { HELPER } else { HOUSEHOLD }.to_owned(),
        name: bamho_text::nfc(f.name.trim()),
        organisation,
    };
    state
        .store
        .add_nominee(
            &commune,
            year,
            &nominee,
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => s.bad_request(format!(
                "{}: {}",
                if s.lang == Lang::Vi {
                    "Không có hộ này trong xã"
                } else {
                    "No such household in the commune"
                },
                nominee.household_code
            )),
            other => refused(&s, other),
        })?;
    Ok(Redirect::to(&format!("/recognitions/{commune}/{year}")).into_response())
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf_token: String,
    number: String,
    decided_on: String,
    committee: String,
    ceremony_on: Option<String>,
}

pub async fn view_recognition_decision_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path((commune, year)): Path<(String, u16)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    s.require_entry()?;
    s.check_commune(&commune)?;
    let decided_on = date_input(&s, &f.decided_on, "Ngày quyết định", "Date")?;
    let ceremony_on =
        optional_date_input(&s, f.ceremony_on.as_deref(), "Ngày biểu dương", "Ceremony")?
            .map(|d| d.to_string());
    let decision = RecognitionDecision {
        commune_code: commune.clone(),
        year,
        number: f.number.trim().to_owned(),
        decided_on: decided_on.to_string(),
        committee: f.committee.trim().to_owned(),
        ceremony_on,
    };
    state
        .store
        .issue_recognition(&decision, &s.user.username, &crate::clock::stamp())
        .await
        .map_err(|e| refused(&s, e))?;
    Ok(Redirect::to(&format!("/recognitions/{commune}/{year}")).into_response())
}

/// One certificate of merit.
struct Merit {
    /// "Hộ ông A Nhong", "Bà Y Hoa".
    to: String,
    place: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "merit.html")]
struct MeritView {
    commune: String,
    committee: String,
    number: String,
    decided_on: String,
    signed_on: String,
    year: u16,
    merits: Vec<Merit>,
}

#[derive(Deserialize)]
pub struct VillageQuery {
    village: Option<String>,
}

/// The confirmed nominees of a decided commune-year, the helped household's name with each helper.
async fn decided(
    state: &AppState,
    s: &Signed,
    commune: &str,
    year: u16,
) -> Result<
    (
        bamho_store::RecognitionRow,
        Vec<NomineeRow>,
        BTreeMap<String, String>,
    ),
    WebError,
> {
    let decision = state
        .store
        .recognition(commune, year)
        .await?
        .ok_or_else(|| {
            s.bad_request(if s.lang == Lang::Vi {
                "Chưa có quyết định khen thưởng."
            } else {
                "The recognition is not decided yet."
            })
        })?;
    let nominees: Vec<NomineeRow> = state
        .store
        .nominees(commune, year)
        .await?
        .into_iter()
        .filter(|n| n.status == "confirmed")
        .collect();
    let heads = nominees
        .iter()
        .filter(|n| n.kind == HOUSEHOLD)
        .map(|n| (n.household_code.clone(), n.name.clone()))
        .collect();
    Ok((decision, nominees, heads))
}

/// Certificates of merit, A4 landscape, one per page: every confirmed nominee, or one village's.
pub async fn view_merit_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path((commune, year)): Path<(String, u16)>,
    Query(q): Query<VillageQuery>,
) -> Result<Response, WebError> {
    s.require_entry()?;
    s.check_commune(&commune)?;
    let (decision, nominees, heads) = decided(&state, &s, &commune, year).await?;
    let commune_full = commune_name(&commune, crate::clock::today().year());
    let merits = nominees
        .iter()
        .filter(|n| q.village.as_deref().is_none_or(|v| v == n.village_code))
        .map(|n| {
            let village = n.village_name.clone().unwrap_or(n.village_code.clone());
            let helped = heads.get(&n.household_code).cloned().unwrap_or_default();
            match (n.kind.as_str(), &n.organisation) {
                (HOUSEHOLD, _) => Merit {
                    to: format!("Hộ gia đình ông/bà {}", n.name),
                    place: format!("{village}, {commune_full}"),
                    reason: format!(
                        "Đã có thành tích vượt khó, vươn lên thoát {} năm {year}",
                        if Class::parse(&n.from_class) == Some(Class::NearPoor) {
                            "cận nghèo"
                        } else {
                            "nghèo"
                        }
                    ),
                },
                (_, Some(org)) => Merit {
                    to: format!("Ông/Bà {}", n.name),
                    place: format!("{}, {commune_full}", organisation_label(org, Lang::Vi)),
                    reason: format!(
                        "Đã có thành tích giúp đỡ hộ {helped} ({village}) thoát nghèo năm {year}"
                    ),
                },
                _ => Merit {
                    to: n.name.clone(),
                    place: format!("{village}, {commune_full}"),
                    reason: format!(
                        "Đã có thành tích kết nghĩa, giúp đỡ hộ {helped} thoát nghèo năm {year}"
                    ),
                },
            }
        })
        .collect();
    html(&MeritView {
        committee: decision.committee.clone(),
        number: decision.number.clone(),
        decided_on: long_vi(&decision.decided_on),
        signed_on: long_vi(&decision.decided_on),
        commune: commune_full,
        year,
        merits,
    })
}

struct CommendLine {
    no: usize,
    name: String,
    role: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "commendation.html")]
struct CommendationView {
    commune: String,
    village: String,
    year: u16,
    number: String,
    decided_on: String,
    ceremony: String,
    lines: Vec<CommendLine>,
}

/// The list read out at a village's ceremony: households that escaped and their helpers.
/// Officers of the commune, and the village head of that village.
pub async fn view_commendation_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path((commune, year, village)): Path<(String, u16, String)>,
) -> Result<Response, WebError> {
    match (&s.reach, s.role) {
        (bamho_store::Reach::Village(own), Role::VillageHead) if *own == village => {}
        _ => {
            s.require_entry()?;
            s.check_commune(&commune)?;
        }
    }
    let (decision, nominees, heads) = decided(&state, &s, &commune, year).await?;
    let in_village: Vec<&NomineeRow> = nominees
        .iter()
        .filter(|n| n.village_code == village)
        .collect();
    let Some(first) = in_village.first() else {
        return Err(s.not_found());
    };
    let lines = in_village
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let helped = heads.get(&n.household_code).cloned().unwrap_or_default();
            let (role, reason) = if n.kind == HOUSEHOLD {
                (
                    "Hộ thoát nghèo".to_owned(),
                    format!(
                        "{} → {}",
                        class_label(&n.from_class, Lang::Vi),
                        class_label(&n.to_class, Lang::Vi)
                    ),
                )
            } else {
                (
                    n.organisation
                        .as_deref()
                        .map_or("Hộ kết nghĩa".to_owned(), |o| {
                            organisation_label(o, Lang::Vi).to_owned()
                        }),
                    format!("Giúp đỡ hộ {helped}"),
                )
            };
            CommendLine {
                no: i + 1,
                name: n.name.clone(),
                role,
                reason,
            }
        })
        .collect();
    html(&CommendationView {
        commune: commune_name(&commune, crate::clock::today().year()),
        village: first.village_name.clone().unwrap_or(village.clone()),
        year,
        number: decision.number.clone(),
        decided_on: long_vi(&decision.decided_on),
        ceremony: decision
            .ceremony_on
            .as_deref()
            .map_or("……".to_owned(), long_vi),
        lines,
    })
}
