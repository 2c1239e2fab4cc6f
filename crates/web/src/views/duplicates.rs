//! Possible duplicates in the officer's reach: the same citizen ID, or the same name and birth
//! year in one village. Listed to be merged or kept apart by hand — never merged silently.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Frame, html};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;

struct Group {
    reason: &'static str,
    people: Vec<bamho_store::DuplicatePerson>,
    elsewhere: u32,
}

#[derive(Template)]
#[template(path = "duplicates.html")]
struct DuplicatesView {
    frame: Frame,
    groups: Vec<Group>,
}

pub async fn view_duplicates_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    s.require_entry()?;
    let vi = s.lang == crate::i18n::Lang::Vi;
    let groups = state
        .store
        .duplicates(&s.reach, None)
        .await?
        .into_iter()
        .map(|g| Group {
            reason: match (g.reason.as_str(), vi) {
                ("citizen_id", true) => "Trùng số định danh cá nhân",
                ("citizen_id", false) => "The same citizen ID",
                (_, true) => "Trùng họ tên và năm sinh trong một thôn",
                (_, false) => "The same name and birth year in one village",
            },
            people: g.people,
            elsewhere: g.elsewhere,
        })
        .collect();
    html(&DuplicatesView {
        frame: Frame::new(&s, "/duplicates"),
        groups,
    })
}
