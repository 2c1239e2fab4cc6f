//! Study tours: poor households taken to see production models that work, and what each plans to
//! apply at home.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use bamho_store::NewTour;
use serde::Deserialize;

use super::labels::commune_name;
use super::{Frame, date_input, household_in_reach, html};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;

struct TourLine {
    held_on: String,
    commune: String,
    model: String,
    organiser: String,
    participants: u32,
}

#[derive(Template)]
#[template(path = "tours.html")]
struct ToursView {
    frame: Frame,
    lines: Vec<TourLine>,
    communes: Vec<(String, String)>,
    today: String,
}

async fn tours_view(state: &AppState, s: &Signed) -> Result<Response, WebError> {
    let year = crate::clock::today().year();
    let lines = state
        .store
        .tours(s.communes().as_deref())
        .await?
        .into_iter()
        .map(|t| TourLine {
            commune: commune_name(&t.commune_code, year),
            held_on: t.held_on,
            model: t.model,
            organiser: t.organiser,
            participants: t.participants,
        })
        .collect();
    let communes = s
        .communes()
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.clone(), commune_name(&c, year)))
        .filter(|(code, name)| code != name)
        .collect();
    html(&ToursView {
        frame: Frame::new(s, "/tours"),
        lines,
        communes,
        today: crate::clock::today().to_string(),
    })
}

pub async fn view_tours_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    s.require_entry()?;
    tours_view(&state, &s).await
}

#[derive(Deserialize)]
pub struct TourForm {
    csrf_token: String,
    commune: String,
    held_on: String,
    model: String,
    organiser: String,
    /// One household per line: `CODE` or `CODE: what it plans to apply`.
    participants: String,
}

/// `CODE: plan` lines → (code, plan); blank lines are skipped.
fn participants(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(':') {
            Some((code, plan)) => (code.trim().to_owned(), plan.trim().to_owned()),
            None => (l.to_owned(), String::new()),
        })
        .collect()
}

pub async fn view_tours_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Form(f): Form<TourForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    s.require_entry()?;
    s.check_commune(&f.commune)?;
    let vi = s.lang == Lang::Vi;
    let held_on = date_input(&s, &f.held_on, "Ngày tham quan", "Date")?;
    let list = participants(&f.participants);
    if f.model.trim().is_empty() || list.is_empty() {
        return Err(s.bad_request(if vi {
            "Ghi mô hình tham quan và ít nhất một hộ tham gia."
        } else {
            "Name the model visited and at least one household."
        }));
    }
    for (code, _) in &list {
        // Every participant must be a household the officer reaches; otherwise say which.
        if household_in_reach(&state, &s, code).await.is_err() {
            return Err(s.bad_request(format!(
                "{}: {code}",
                if vi {
                    "Không tìm thấy hộ"
                } else {
                    "No such household"
                }
            )));
        }
    }
    let tour = NewTour {
        commune_code: f.commune,
        held_on: held_on.to_string(),
        model: f.model.trim().to_owned(),
        organiser: f.organiser.trim().to_owned(),
        participants: list,
    };
    state
        .store
        .add_tour(&tour, &s.user.username, &crate::clock::stamp())
        .await
        .map_err(|e| match e {
            bamho_store::StoreError::Conflict(why) => s.bad_request(why),
            other => other.into(),
        })?;
    Ok(Redirect::to("/tours").into_response())
}

#[cfg(test)]
mod tests {
    use super::participants;

    #[test]
    fn participants_are_read_one_per_line_with_an_optional_plan() {
        assert_eq!(
            participants("HH-1: grow ginseng\n\n  HH-2  \n"),
            [
                ("HH-1".to_owned(), "grow ginseng".to_owned()),
                ("HH-2".to_owned(), String::new())
            ]
        );
    }
}
