//! The annual review's pages (Decision 24/2021/QĐ-TTg; DOMAIN.md §3): the reviews of a scope, one
//! review's households, its village meetings, the public posting and the commune decision. Dates
//! outside the periodic window are warned about and recorded, never refused.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use bamho_domain::review::{in_periodic_window, periodic_window};
use bamho_domain::units::{Level, Units, review_day};
use bamho_domain::{Date, Year};
use bamho_store::{Decision, Meeting, Reach, ReviewRow, StoreError};
use serde::Deserialize;

use super::labels::{class_label, commune_name};
use super::{Frame, html};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;

/// The review if the user reaches its commune; otherwise 404, as if it did not exist.
pub async fn review_in_reach(state: &AppState, s: &Signed, id: i64) -> Result<ReviewRow, WebError> {
    let review = state.store.review(id).await?.ok_or_else(|| s.not_found())?;
    let inside = match &s.reach {
        Reach::All => true,
        Reach::Communes(list) => list.contains(&review.commune_code),
        Reach::Village(v) => state
            .store
            .village(v)
            .await?
            .is_some_and(|(_, _, c)| c == review.commune_code),
        Reach::Households(_) => false,
    };
    if inside {
        Ok(review)
    } else {
        Err(s.not_found())
    }
}

fn warn_outside_window(lang: Lang, year: Year, day: Date) -> Option<String> {
    if in_periodic_window(year, day) {
        return None;
    }
    let (from, to) = periodic_window(year);
    Some(match lang {
        Lang::Vi => format!(
            "Lưu ý: ngày {day} nằm ngoài thời gian rà soát định kỳ ({from} – {to}). Việc này vẫn được ghi nhận."
        ),
        Lang::En => format!(
            "Note: {day} lies outside the periodic review ({from} – {to}). It is recorded all the same."
        ),
    })
}

struct ReviewLine {
    id: i64,
    commune: String,
    year: u16,
    state: String,
    opened_on: String,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ReviewsView {
    frame: Frame,
    reviews: Vec<ReviewLine>,
    communes: Vec<(String, String)>,
    year: u16,
    may_open: bool,
}

fn state_label(state: &str, lang: Lang) -> String {
    match (state, lang) {
        ("decided", Lang::Vi) => "Đã quyết định".into(),
        ("decided", Lang::En) => "Decided".into(),
        (_, Lang::Vi) => "Đang rà soát".into(),
        (_, Lang::En) => "Open".into(),
    }
}

pub async fn view_reviews_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    s.require_review()?;
    let communes = match &s.reach {
        Reach::Village(v) => state.store.village(v).await?.map(|(_, _, c)| vec![c]),
        _ => s.communes(),
    };
    let reviews = state
        .store
        .reviews(communes.as_deref())
        .await?
        .into_iter()
        .map(|r| ReviewLine {
            id: r.id,
            commune: commune_name(&r.commune_code, r.year),
            year: r.year,
            state: state_label(&r.state, s.lang),
            opened_on: r.opened_on,
        })
        .collect();
    let today = crate::clock::today();
    let openable = communes.unwrap_or_default();
    let view = ReviewsView {
        frame: Frame::new(&s, "/reviews"),
        reviews,
        communes: openable
            .iter()
            .map(|c| (c.clone(), commune_name(c, today.year())))
            .collect(),
        year: today.year(),
        may_open: s.require_entry().is_ok(),
    };
    html(&view)
}

#[derive(Deserialize)]
pub struct OpenForm {
    csrf_token: String,
    commune: String,
    year: String,
}

pub async fn view_reviews_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Form(form): Form<OpenForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&form.csrf_token)?;
    s.require_entry()?;
    let year = Year::parse(&form.year)
        .map_err(|e| s.bad_request(format!("{}: {e}", s.lang.texts().year)))?;
    let reachable = s.communes().is_none_or(|list| list.contains(&form.commune));
    let units = Units::national();
    if !reachable
        || units
            .find(Level::Commune, &form.commune, review_day(year))
            .is_none()
    {
        return Err(s.not_found());
    }
    let today = crate::clock::today();
    state.store.open_review(&form.commune, year, today).await?;
    let id = state
        .store
        .reviews(Some(std::slice::from_ref(&form.commune)))
        .await?
        .into_iter()
        .find(|r| r.year == year.get())
        .map(|r| r.id)
        .ok_or_else(|| WebError::Internal("the review just opened is missing".into()))?;
    Ok(Redirect::to(&format!("/reviews/{id}")).into_response())
}

struct ListLine {
    code: String,
    head: String,
    village: String,
    previous: String,
    class_code: String,
    class: String,
    change: String,
    requested: bool,
}

struct MeetingLine {
    village: String,
    held_on: String,
    attendees: u32,
    agreeing: u32,
    outcome: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewView {
    frame: Frame,
    id: i64,
    commune: String,
    year: u16,
    state: String,
    decided: bool,
    opened_on: String,
    warning: Option<String>,
    surveyed: usize,
    lines: Vec<ListLine>,
    villages: Vec<(String, String)>,
    meetings: Vec<MeetingLine>,
    posted_on: String,
    decision: String,
    may_enter: bool,
    today: String,
    signer: String,
}

/// The change a decision would record, in the words of report form 7.2.
fn change(previous: Option<&str>, now: Option<&str>, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    match (previous, now) {
        (Some("poor"), Some("near_poor")) => {
            if vi {
                "Thoát nghèo, thành cận nghèo"
            } else {
                "Escaped poverty, now near-poor"
            }
        }
        (Some("poor"), Some("middle" | "not_poor")) => {
            if vi {
                "Thoát nghèo"
            } else {
                "Escaped poverty"
            }
        }
        (Some("near_poor"), Some("middle" | "not_poor")) => {
            if vi {
                "Thoát cận nghèo"
            } else {
                "Escaped near-poverty"
            }
        }
        (Some("near_poor"), Some("poor")) => {
            if vi {
                "Cận nghèo thành nghèo"
            } else {
                "Near-poor became poor"
            }
        }
        (Some("poor"), Some("poor")) => {
            if vi {
                "Tiếp tục nghèo"
            } else {
                "Still poor"
            }
        }
        (Some("near_poor"), Some("near_poor")) => {
            if vi {
                "Tiếp tục cận nghèo"
            } else {
                "Still near-poor"
            }
        }
        (_, Some("poor")) => {
            if vi {
                "Nghèo phát sinh"
            } else {
                "Newly poor"
            }
        }
        (_, Some("near_poor")) => {
            if vi {
                "Cận nghèo phát sinh"
            } else {
                "Newly near-poor"
            }
        }
        (_, None) => {
            if vi {
                "Chưa rà soát"
            } else {
                "Not yet surveyed"
            }
        }
        _ => "",
    }
    .to_owned()
}

pub async fn view_review_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let review = review_in_reach(&state, &s, id).await?;
    s.require_review()?;
    let year = Year::new(review.year).map_err(|e| WebError::Internal(e.to_string()))?;
    let mut households = state.store.review_households(&review).await?;
    if let Reach::Village(v) = &s.reach {
        households.retain(|h| &h.village_code == v);
    }
    let lang = s.lang;
    let mut villages: Vec<(String, String)> = Vec::new();
    let lines: Vec<ListLine> = households
        .iter()
        .map(|h| {
            let village = h
                .village_name
                .clone()
                .unwrap_or_else(|| h.village_code.clone());
            if !villages.iter().any(|(c, _)| c == &h.village_code) {
                villages.push((h.village_code.clone(), village.clone()));
            }
            ListLine {
                code: h.household_code.clone(),
                head: h.head_name.clone().unwrap_or_default(),
                village,
                previous: h
                    .previous_class
                    .as_deref()
                    .map_or("—".into(), |c| class_label(c, lang)),
                class_code: h.class.clone().unwrap_or_default(),
                class: h
                    .class
                    .as_deref()
                    .map_or("—".into(), |c| class_label(c, lang)),
                change: change(h.previous_class.as_deref(), h.class.as_deref(), lang),
                requested: h.requested,
            }
        })
        .collect();
    let meetings = state
        .store
        .meetings(review.id)
        .await?
        .into_iter()
        .map(|m| MeetingLine {
            outcome: match (m.passed(), lang) {
                (true, Lang::Vi) => "Đạt (từ 50% đồng ý)".into(),
                (true, Lang::En) => "Agreed (at least 50%)".into(),
                (false, Lang::Vi) => "Chưa đạt: rà soát và họp lại".into(),
                (false, Lang::En) => "Not agreed: survey and meet again".into(),
            },
            village: m.village_code,
            held_on: m.held_on,
            attendees: m.attendees,
            agreeing: m.agreeing,
        })
        .collect();
    let today = crate::clock::today();
    let commune = commune_name(&review.commune_code, review.year);
    let view = ReviewView {
        frame: Frame::new(&s, &format!("/reviews/{id}")),
        id,
        year: review.year,
        state: state_label(&review.state, lang),
        decided: review.state == "decided",
        opened_on: review.opened_on.clone(),
        warning: warn_outside_window(lang, year, today).filter(|_| review.state != "decided"),
        surveyed: lines.iter().filter(|l| !l.class_code.is_empty()).count(),
        lines,
        villages,
        meetings,
        posted_on: review.posted_on.clone().unwrap_or_default(),
        decision: match (&review.decision_number, &review.decision_date) {
            (Some(n), Some(d)) => format!(
                "{n} ({d}) — {}",
                review.decision_signer.clone().unwrap_or_default()
            ),
            _ => String::new(),
        },
        may_enter: s.require_entry().is_ok(),
        today: today.to_string(),
        signer: format!("Chủ tịch UBND {commune}"),
        commune,
    };
    html(&view)
}

#[derive(Deserialize)]
pub struct MeetingForm {
    csrf_token: String,
    village: String,
    held_on: String,
    attendees: String,
    agreeing: String,
    minutes: Option<String>,
}

pub async fn view_meeting_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<MeetingForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&form.csrf_token)?;
    let review = review_in_reach(&state, &s, id).await?;
    s.require_review()?;
    if let Reach::Village(v) = &s.reach
        && v != &form.village
    {
        return Err(s.not_found());
    }
    let vi = s.lang == Lang::Vi;
    let held_on = Date::parse(&form.held_on)
        .map_err(|e| s.bad_request(format!("{}: {e}", if vi { "Ngày họp" } else { "Date" })))?;
    let count = |text: &str, what: &str| {
        text.trim().parse::<u32>().map_err(|_| {
            s.bad_request(format!(
                "{what}: {}",
                if vi {
                    "nhập một số nguyên"
                } else {
                    "a whole number"
                }
            ))
        })
    };
    let attendees = count(
        &form.attendees,
        if vi {
            "Số người dự"
        } else {
            "Attendees"
        },
    )?;
    let agreeing = count(
        &form.agreeing,
        if vi {
            "Số người đồng ý"
        } else {
            "Agreeing"
        },
    )?;
    if attendees == 0 || agreeing > attendees {
        return Err(s.bad_request(if vi {
            "Số người đồng ý phải từ 0 đến số người dự họp (lớn hơn 0)."
        } else {
            "Agreeing must lie between 0 and the attendees (more than 0)."
        }));
    }
    let meeting = Meeting {
        village_code: form.village.trim().to_owned(),
        held_on: held_on.to_string(),
        attendees,
        agreeing,
        minutes: form.minutes.unwrap_or_default(),
    };
    state
        .store
        .record_meeting(
            review.id,
            &meeting,
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await?;
    Ok(Redirect::to(&format!("/reviews/{id}#meetings")).into_response())
}

#[derive(Deserialize)]
pub struct PostedForm {
    csrf_token: String,
    posted_on: String,
}

pub async fn view_posted_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<PostedForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&form.csrf_token)?;
    let review = review_in_reach(&state, &s, id).await?;
    s.require_entry()?;
    let on = Date::parse(&form.posted_on).map_err(|e| s.bad_request(e.to_string()))?;
    state
        .store
        .mark_posted(
            review.id,
            &on.to_string(),
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await?;
    Ok(Redirect::to(&format!("/reviews/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf_token: String,
    number: String,
    decided_on: String,
    signer: String,
}

pub async fn view_decision_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&form.csrf_token)?;
    let review = review_in_reach(&state, &s, id).await?;
    s.require_entry()?;
    let vi = s.lang == Lang::Vi;
    let decided_on = Date::parse(&form.decided_on).map_err(|e| s.bad_request(e.to_string()))?;
    if form.number.trim().is_empty() || form.signer.trim().is_empty() {
        return Err(s.bad_request(if vi {
            "Cần số quyết định và người ký."
        } else {
            "A decision needs a number and a signer."
        }));
    }
    let decision = Decision {
        commune_code: review.commune_code.clone(),
        year: Year::new(review.year).map_err(|e| WebError::Internal(e.to_string()))?,
        number: form.number.trim().to_owned(),
        decided_on,
        signer: form.signer.trim().to_owned(),
    };
    match state
        .store
        .decide_review(
            review.id,
            &decision,
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/reviews/{id}")).into_response()),
        Err(StoreError::Conflict(_)) => Err(s.bad_request(if vi {
            "Đợt rà soát này đã có quyết định."
        } else {
            "This review is already decided."
        })),
        Err(e) => Err(e.into()),
    }
}
