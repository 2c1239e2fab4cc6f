//! The home page of a user's scope: households, poor and near-poor this year against last year,
//! and what needs doing.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use bamho_analytics::{Boundaries, Snapshot, rates};
use bamho_domain::units::{Level, Units};
use bamho_domain::{Date, Year};
use bamho_store::{Reach, Store};

use super::{Frame, html};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "home.html")]
struct HomeView {
    frame: Frame,
    scope_name: String,
    year: String,
    households: String,
    poor: String,
    poor_rate: String,
    poor_change: String,
    near_poor: String,
    near_poor_rate: String,
    near_poor_change: String,
    reviews: Vec<String>,
    requests: usize,
    overdue: usize,
}

/// The name of a user's scope, for the page title.
pub fn scope_name(s: &Signed, today: Date) -> String {
    let units = Units::national();
    let code = s.user.scope_code.as_deref();
    let unit = code.and_then(|c| {
        units
            .find(Level::Province, c, today)
            .or_else(|| units.find(Level::Commune, c, today))
    });
    match (unit, code, s.lang) {
        (Some(u), _, _) => units.get(u).full_name(),
        (None, Some(c), Lang::Vi) => format!("Thôn {c}"),
        (None, Some(c), Lang::En) => format!("Village {c}"),
        (None, None, Lang::Vi) => "Toàn quốc".into(),
        (None, None, Lang::En) => "All of Vietnam".into(),
    }
}

/// The columns of a year within a reach.
pub async fn snapshot_in_reach(
    store: &dyn Store,
    reach: &Reach,
    year: Year,
) -> Result<Snapshot, WebError> {
    Ok(match reach {
        Reach::All => store.snapshot(year, None).await?,
        Reach::Communes(list) => store.snapshot(year, Some(list)).await?,
        Reach::Village(code) => {
            let mut s = store.snapshot(year, None).await?;
            s.retain_village(code);
            s
        }
        Reach::Households(_) => Snapshot::new(year, ""),
    })
}

fn points(now: f64, before: Option<f64>, lang: Lang) -> String {
    match before {
        Some(b) => {
            let d = now - b;
            let text = format!("{d:+.2}");
            if lang == Lang::Vi {
                text.replace('.', ",")
            } else {
                text
            }
        }
        None => "—".into(),
    }
}

/// The years with decisions, oldest first; every year with surveys when none is decided yet (a
/// new database — the only case that reads the classifications).
pub async fn decided_years(store: &dyn bamho_store::Store) -> Result<Vec<u16>, WebError> {
    let decided = store.decided_years().await?;
    if !decided.is_empty() {
        return Ok(decided);
    }
    Ok(store.survey_years().await?)
}

pub async fn view_home_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    let today = crate::clock::today();
    // The latest decided year against the one before; an open review's partial surveys would mislead.
    let years = decided_years(state.store.as_ref()).await?;
    let mut current = None;
    let mut previous = None;
    if let Some(&latest) = years.last() {
        let year = Year::new(latest).map_err(|e| WebError::Internal(e.to_string()))?;
        let snap = snapshot_in_reach(state.store.as_ref(), &s.reach, year).await?;
        current = Some((latest, rates(&snap, &[], Boundaries::Recorded, today, "")));
        if let Some(&before) = years.iter().rev().nth(1) {
            let year = Year::new(before).map_err(|e| WebError::Internal(e.to_string()))?;
            let snap = snapshot_in_reach(state.store.as_ref(), &s.reach, year).await?;
            previous = Some(rates(&snap, &[], Boundaries::Recorded, today, "").total);
        }
    }
    let communes = match &s.reach {
        Reach::All => None,
        Reach::Communes(list) => Some(list.clone()),
        Reach::Village(_) | Reach::Households(_) => Some(Vec::new()),
    };
    let units = Units::national();
    let reviews = state
        .store
        .open_reviews(communes.as_deref())
        .await?
        .into_iter()
        .map(|(commune, year, opened)| {
            let name = units
                .find(Level::Commune, &commune, today)
                .map_or(commune.clone(), |u| units.get(u).full_name());
            format!("{name} — {year} ({opened})")
        })
        .collect();
    let requests = if s.require_entry().is_ok() {
        state.store.open_requests(communes.as_deref()).await?
    } else {
        Vec::new()
    };
    let today_text = today.to_string();
    let overdue = requests.iter().filter(|r| r.due_on < today_text).count();
    let n = |v: u64| bamho_domain::classify::dot_thousands(v);
    let pct = |v: f64| {
        if s.lang == Lang::Vi {
            format!("{v:.2}").replace('.', ",")
        } else {
            format!("{v:.2}")
        }
    };
    let (year, total) = current.map_or((String::from("—"), None), |(y, r)| {
        (y.to_string(), Some(r.total))
    });
    let view = HomeView {
        frame: Frame::new(&s, "/"),
        scope_name: scope_name(&s, today),
        year,
        households: total.as_ref().map_or("0".into(), |t| n(t.households)),
        poor: total.as_ref().map_or("0".into(), |t| n(t.poor)),
        poor_rate: total.as_ref().map_or("0".into(), |t| pct(t.poor_rate)),
        poor_change: total.as_ref().map_or("—".into(), |t| {
            points(t.poor_rate, previous.as_ref().map(|p| p.poor_rate), s.lang)
        }),
        near_poor: total.as_ref().map_or("0".into(), |t| n(t.near_poor)),
        near_poor_rate: total.as_ref().map_or("0".into(), |t| pct(t.near_poor_rate)),
        near_poor_change: total.as_ref().map_or("—".into(), |t| {
            points(
                t.near_poor_rate,
                previous.as_ref().map(|p| p.near_poor_rate),
                s.lang,
            )
        }),
        reviews,
        requests: requests.len(),
        overdue,
    };
    html(&view)
}
