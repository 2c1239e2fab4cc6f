//! What is late: households whose next visit is past due, counted by village and by supporter
//! and listed one by one, and loans past their due day with money still owed.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use bamho_domain::classify::dot_thousands;
use bamho_domain::{Date, Role};
use bamho_store::{FollowedRow, Reach};

use super::labels::organisation_label;
use super::{Frame, html};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;

struct Tally {
    name: String,
    followed: usize,
    overdue: usize,
}

struct LateVisit {
    code: String,
    head: String,
    village: String,
    supporters: String,
    due: String,
    days: i64,
}

struct LateLoan {
    code: String,
    head: String,
    village: String,
    due: String,
    balance: String,
}

#[derive(Template)]
#[template(path = "overdue.html")]
struct OverdueView {
    frame: Frame,
    today: String,
    villages: Vec<Tally>,
    supporters: Vec<Tally>,
    visits: Vec<LateVisit>,
    loans: Vec<LateLoan>,
}

/// The communes to ask the store for, and for a village head the one village to keep.
fn scope(s: &Signed) -> (Option<Vec<String>>, Option<String>) {
    match &s.reach {
        Reach::Village(code) => {
            let commune = code.split('-').next().unwrap_or_default().to_owned();
            (Some(vec![commune]), Some(code.clone()))
        }
        _ => (s.communes(), None),
    }
}

fn days_late(due: &str, today: Date) -> i64 {
    Date::parse(due).map_or(0, |d| today.to_unix_days() - d.to_unix_days())
}

/// Officers of a commune or province, and village heads for their village.
pub async fn view_overdue_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    if !matches!(
        s.role,
        Role::CommuneOfficer | Role::ProvinceAdmin | Role::VillageHead
    ) {
        return Err(WebError::Forbidden {
            api: false,
            lang: s.lang,
        });
    }
    let today = crate::clock::today();
    let today_text = today.to_string();
    let (communes, village) = scope(&s);
    let keep = |village_code: &str| village.as_deref().is_none_or(|v| v == village_code);
    let rows: Vec<FollowedRow> = state
        .store
        .followed(communes.as_deref())
        .await?
        .into_iter()
        .filter(|r| keep(&r.village_code))
        .collect();
    let late = |r: &FollowedRow| r.due() < today_text.as_str();
    let mut villages: BTreeMap<String, Tally> = BTreeMap::new();
    let mut supporters: BTreeMap<i64, Tally> = BTreeMap::new();
    let mut households: BTreeMap<&str, (&FollowedRow, Vec<String>)> = BTreeMap::new();
    for r in &rows {
        let t = supporters.entry(r.supporter_id).or_insert_with(|| Tally {
            name: format!(
                "{} ({})",
                r.supporter_name,
                organisation_label(&r.organisation, s.lang)
            ),
            followed: 0,
            overdue: 0,
        });
        t.followed += 1;
        t.overdue += usize::from(late(r));
        let entry = households
            .entry(&r.household_code)
            .or_insert_with(|| (r, Vec::new()));
        entry.1.push(r.supporter_name.clone());
    }
    let mut visits = Vec::new();
    for (code, (r, names)) in &households {
        let v = villages
            .entry(r.village_code.clone())
            .or_insert_with(|| Tally {
                name: r.village_name.clone().unwrap_or(r.village_code.clone()),
                followed: 0,
                overdue: 0,
            });
        v.followed += 1;
        if late(r) {
            v.overdue += 1;
            visits.push(LateVisit {
                code: (*code).to_owned(),
                head: r.head_name.clone().unwrap_or_default(),
                village: v.name.clone(),
                supporters: names.join(", "),
                due: r.due().to_owned(),
                days: days_late(r.due(), today),
            });
        }
    }
    visits.sort_by(|a, b| b.days.cmp(&a.days).then(a.code.cmp(&b.code)));
    let loans = state
        .store
        .overdue_loans(communes.as_deref(), &today_text)
        .await?
        .into_iter()
        .filter(|o| keep(&o.village_code))
        .map(|o| LateLoan {
            code: o.loan.household_code.clone(),
            head: o.head_name.clone().unwrap_or_default(),
            village: o.village_name.clone().unwrap_or_default(),
            due: o.loan.due_on.clone(),
            balance: format!("{} đ", dot_thousands(o.loan.balance())),
        })
        .collect();
    let mut supporters: Vec<Tally> = supporters.into_values().collect();
    supporters.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.name.cmp(&b.name)));
    html(&OverdueView {
        frame: Frame::new(&s, "/overdue"),
        today: today_text,
        villages: villages.into_values().collect(),
        supporters,
        visits,
        loans,
    })
}
