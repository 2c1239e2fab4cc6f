//! Whether escaping poverty lasts: the share of escaped households still out of the class they
//! escaped from after 1, 2 and 3 years, by commune, by the organisation of their supporters and
//! with or without a supporter; and the households that relapsed.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use bamho_analytics::lasting::{EscapeHistory, EscapeRow, LastingRow, escape_rates, lasting};
use bamho_domain::recognition::{Standing, standing};

use super::labels::{commune_name, organisation_label};
use super::{Frame, html};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;

struct Line {
    label: String,
    escaped: u32,
    /// "82,5% (33/40)" or "—" for each of 1, 2, 3 years.
    after: [String; 3],
}

fn line(label: String, r: &LastingRow) -> Line {
    let after = [1, 2, 3].map(|k| match r.share(k) {
        Some(p) => format!(
            "{}% ({}/{})",
            format!("{p:.1}").replace('.', ","),
            r.after[k - 1].1,
            r.after[k - 1].0
        ),
        None => "—".to_owned(),
    });
    Line {
        label,
        escaped: r.escaped,
        after,
    }
}

/// An escape rate: "37,5% (120/320)".
struct RateLine {
    label: String,
    rate: String,
}

fn rate_line(label: String, r: &EscapeRow) -> RateLine {
    RateLine {
        label,
        rate: r.rate().map_or("—".to_owned(), |p| {
            format!(
                "{}% ({}/{})",
                format!("{p:.1}").replace('.', ","),
                r.escaped,
                r.at_risk
            )
        }),
    }
}

struct Relapse {
    code: String,
    head: String,
    village: String,
    commune: String,
    escaped: u16,
    relapsed: u16,
}

#[derive(Template)]
#[template(path = "lasting.html")]
struct LastingView {
    frame: Frame,
    total: Line,
    /// (title, lines): by commune, by organisation, with or without a supporter.
    sections: Vec<(String, Vec<Line>)>,
    /// Escape rates: total, with and without a supporter, by organisation.
    rates: Vec<RateLine>,
    newly_escaped: usize,
    latest: u16,
    relapses: Vec<Relapse>,
    names: bool,
}

/// Lasting-escape figures for the user's communes; the relapsed list for those who see names.
pub async fn view_lasting_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    let histories = state.store.class_histories(s.communes().as_deref()).await?;
    let year = crate::clock::today().year();
    let measured = lasting(histories.iter().map(|h| EscapeHistory {
        group: &h.commune_code,
        classes: &h.classes,
        helpers: &h.helpers,
    }));
    let vi = s.lang == Lang::Vi;
    let escapes = escape_rates(histories.iter().map(|h| EscapeHistory {
        group: &h.commune_code,
        classes: &h.classes,
        helpers: &h.helpers,
    }));
    let mut rates = vec![rate_line(
        if vi { "Tất cả" } else { "All" }.into(),
        &escapes.total,
    )];
    for r in &escapes.by_supporter {
        let label = match (r.key.as_str(), vi) {
            ("with", true) => "Có người giúp đỡ trong năm",
            ("with", false) => "With a supporter during the year",
            (_, true) => "Không có người giúp đỡ",
            (_, false) => "Without a supporter",
        };
        rates.push(rate_line(label.to_owned(), r));
    }
    for r in &escapes.by_organisation {
        rates.push(rate_line(
            format!("  {}", organisation_label(&r.key, s.lang)),
            r,
        ));
    }
    let latest = histories
        .iter()
        .filter_map(|h| h.classes.keys().next_back().copied())
        .max()
        .unwrap_or(year);
    let mut newly_escaped = 0;
    let mut relapses = Vec::new();
    for h in &histories {
        match standing(&h.classes, latest) {
            Some(Standing::NewlyEscaped { .. }) => newly_escaped += 1,
            Some(Standing::Relapsed { escaped, year }) => relapses.push(Relapse {
                code: h.household_code.clone(),
                head: h.head_name.clone().unwrap_or_default(),
                village: h.village_name.clone().unwrap_or(h.village_code.clone()),
                commune: commune_name(&h.commune_code, latest),
                escaped,
                relapsed: year,
            }),
            None => {}
        }
    }
    relapses.sort_by(|a, b| b.relapsed.cmp(&a.relapsed).then(a.code.cmp(&b.code)));
    let names = s.require_names().is_ok();
    if !names {
        relapses.clear();
    }
    html(&LastingView {
        frame: Frame::new(&s, "/lasting"),
        total: line(if vi { "Tổng" } else { "Total" }.into(), &measured.total),
        sections: vec![
            (
                if vi { "Theo xã" } else { "By commune" }.to_owned(),
                std::iter::once(line(
                    if vi { "Tổng" } else { "Total" }.into(),
                    &measured.total,
                ))
                .chain(
                    measured
                        .by_group
                        .iter()
                        .map(|r| line(commune_name(&r.key, year), r)),
                )
                .collect(),
            ),
            (
                if vi {
                    "Theo tổ chức của người giúp đỡ"
                } else {
                    "By the helpers' organisation"
                }
                .to_owned(),
                measured
                    .by_organisation
                    .iter()
                    .map(|r| line(organisation_label(&r.key, s.lang).to_owned(), r))
                    .collect(),
            ),
            (
                if vi {
                    "Có hay không có người giúp đỡ trong năm thoát nghèo"
                } else {
                    "With or without a supporter in the year of escape"
                }
                .to_owned(),
                measured
                    .by_supporter
                    .iter()
                    .map(|r| {
                        let label = match (r.key.as_str(), vi) {
                            ("with", true) => "Có người giúp đỡ",
                            ("with", false) => "With a supporter",
                            (_, true) => "Không có người giúp đỡ",
                            (_, false) => "Without a supporter",
                        };
                        line(label.to_owned(), r)
                    })
                    .collect(),
            ),
        ],
        rates,
        newly_escaped,
        latest,
        relapses,
        names,
    })
}
