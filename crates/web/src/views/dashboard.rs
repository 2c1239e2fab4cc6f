//! The dashboard of a user's scope: the trend of poor and near-poor rates, communes side by side
//! and the villages of one commune side by side, the deprivation profile of poor households, minority and Kinh, and the year's changes — charts
//! drawn on the server as SVG, every figure also in a table. Groups of fewer than
//! [`SMALL_CELL`] households are suppressed for viewers.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use bamho_analytics::changes::{PoorChanges, changes};
use bamho_analytics::rates::{Rates, unit_label};
use bamho_analytics::{Boundaries, Key, Snapshot, rates};
use bamho_domain::{Class, Role, Standards, Year};

use super::home::snapshot_in_reach;
use super::{Frame, html};
use crate::AppState;
use crate::auth::PageUser;
use crate::charts::{Series, bars, lines, matrix};
use crate::error::WebError;
use crate::i18n::Lang;

/// Groups smaller than this are not shown to viewers.
pub const SMALL_CELL: u64 = 10;

struct GroupLine {
    /// The unit's code (communes), for the choice of a commune's villages.
    code: String,
    label: String,
    /// The households behind the figures, for users who may see them: "/households?…" without
    /// the class.
    drill: String,
    households: String,
    poor_rate: String,
    near_poor_rate: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardView {
    frame: Frame,
    year: u16,
    trend: String,
    trend_rows: Vec<(u16, String, String)>,
    /// Whether the figures link down to the households behind them.
    drills: bool,
    communes: String,
    commune_rows: Vec<GroupLine>,
    /// The commune whose villages are shown, with its villages' chart and lines.
    village_commune: Option<(String, String)>,
    /// Its code, or empty.
    chosen: String,
    villages: String,
    village_rows: Vec<GroupLine>,
    profile: String,
    groups: Vec<GroupLine>,
    changes: Option<PoorChanges>,
    /// The year-to-year transitions: the chart, then (class last year, counts this year) lines.
    transitions: String,
    /// The year the transitions start from (the decided year before `year`).
    previous: u16,
    transition_rows: Vec<(String, Vec<(u64, String)>)>,
    transition_columns: Vec<String>,
    suppressed: bool,
}

fn pct(v: f64, lang: Lang) -> String {
    let s = format!("{v:.2}");
    if lang == Lang::Vi {
        s.replace('.', ",")
    } else {
        s
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DashboardQuery {
    /// The commune whose villages are shown side by side (the only one, when the scope has one).
    pub commune: Option<String>,
}

/// Groups side by side: a bar of each one's poor rate (unless its figures are hidden) and a line
/// of each in the table.
#[derive(Default)]
struct SideBySide {
    lines: Vec<GroupLine>,
    bars: Vec<(String, f64, Option<String>)>,
}

impl SideBySide {
    fn add(&mut self, line: GroupLine, r: &Rates, hide: bool) {
        if !(hide && r.households < SMALL_CELL) {
            let link = (!line.drill.is_empty()).then(|| format!("{}&class=poor", line.drill));
            self.bars.push((line.label.clone(), r.poor_rate, link));
        }
        self.lines.push(line);
    }
}

/// Households, poor and near-poor rates of a group, with its figures hidden from viewers when
/// the group is small.
fn group_line(
    code: String,
    label: String,
    drill: String,
    r: &Rates,
    hide: bool,
    lang: Lang,
) -> GroupLine {
    let small = hide && r.households < SMALL_CELL;
    let rate = |v: f64| {
        if small {
            "—".to_owned()
        } else {
            pct(v, lang)
        }
    };
    GroupLine {
        code,
        label,
        drill,
        households: r.households.to_string(),
        poor_rate: rate(r.poor_rate),
        near_poor_rate: rate(r.near_poor_rate),
    }
}

pub async fn view_dashboard_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let today = crate::clock::today();
    let years = super::home::decided_years(state.store.as_ref()).await?;
    let mut snapshots: Vec<Snapshot> = Vec::new();
    for y in &years {
        let year = Year::new(*y).map_err(|e| WebError::Internal(e.to_string()))?;
        snapshots.push(snapshot_in_reach(state.store.as_ref(), &s.reach, year).await?);
    }
    let lang = s.lang;
    let t = lang.texts();
    let suppress = s.role == Role::Viewer;
    // Only those who may read the households get links down to them.
    let drills = s.require_names().is_ok();
    let totals_by_year: Vec<_> = snapshots
        .iter()
        .map(|snap| rates(snap, &[], Boundaries::Recorded, today, "").total)
        .collect();
    let labels: Vec<String> = years.iter().map(u16::to_string).collect();
    let trend = lines(
        t.poor,
        &labels,
        &[
            Series {
                name: t.poor.to_owned(),
                colour: "#9a3412",
                values: totals_by_year.iter().map(|r| r.poor_rate).collect(),
            },
            Series {
                name: t.near_poor.to_owned(),
                colour: "#b08400",
                values: totals_by_year.iter().map(|r| r.near_poor_rate).collect(),
            },
        ],
    );
    let trend_rows = years
        .iter()
        .zip(&totals_by_year)
        .map(|(y, r)| (*y, pct(r.poor_rate, lang), pct(r.near_poor_rate, lang)))
        .collect();
    let year = years.last().copied().unwrap_or_default();
    let latest = snapshots.last().cloned().unwrap_or_default();
    let by_commune = rates(&latest, &[Key::Commune], Boundaries::Current, today, "");
    let mut by_communes = SideBySide::default();
    for row in &by_commune.rows {
        let code = &row.key.0[0].1;
        let drill = if drills {
            format!("/households?commune={code}&year={year}")
        } else {
            String::new()
        };
        let label = unit_label(Key::Commune, code, today);
        let line = group_line(code.clone(), label, drill, &row.rates, suppress, lang);
        by_communes.add(line, &row.rates, suppress);
    }
    let communes = bars(t.commune, &by_communes.bars, "#9a3412");
    let commune_rows = by_communes.lines;

    // The villages of one commune side by side: the scope's only commune, or the one chosen.
    let chosen = match (commune_rows.as_slice(), q.commune.as_deref()) {
        ([only], _) => Some(only),
        (rows, Some(code)) => rows.iter().find(|r| r.code == code),
        _ => None,
    };
    let mut by_villages = SideBySide::default();
    if let Some(commune) = chosen {
        // The chosen commune is one of the scope's own (a line of its table): its villages only.
        let commune_reach = bamho_store::Reach::Communes(vec![commune.code.clone()]);
        let names: std::collections::HashMap<String, String> = state
            .store
            .villages(&commune_reach)
            .await?
            .into_iter()
            .filter_map(|(code, name, _)| name.map(|n| (code, n)))
            .collect();
        let by_village = rates(
            &latest,
            &[Key::Commune, Key::Village],
            Boundaries::Current,
            today,
            "",
        );
        for row in by_village
            .rows
            .iter()
            .filter(|r| r.key.0[0].1 == commune.code)
        {
            let code = &row.key.0[1].1;
            let drill = if drills {
                format!("/households?village={code}&year={year}")
            } else {
                String::new()
            };
            let label = names.get(code).cloned().unwrap_or_else(|| code.clone());
            let line = group_line(code.clone(), label, drill, &row.rates, suppress, lang);
            by_villages.add(line, &row.rates, suppress);
        }
    }
    let village_commune = chosen.map(|c| (c.code.clone(), c.label.clone()));
    let villages = bars(t.village, &by_villages.bars, "#7c2d12");
    let village_rows = by_villages.lines;
    let standard = Year::new(year)
        .ok()
        .and_then(|y| Standards::embedded().for_year(y));
    let poor: Vec<u16> = latest
        .class
        .iter()
        .zip(&latest.deprived)
        .filter(|(c, _)| **c == Class::Poor)
        .map(|(_, d)| *d)
        .collect();
    let profile_rows: Vec<(String, f64, Option<String>)> = standard.map_or_else(Vec::new, |st| {
        st.indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                let n = poor.iter().filter(|d| *d & (1 << i) != 0).count();
                let share = if poor.is_empty() {
                    0.0
                } else {
                    n as f64 * 100.0 / poor.len() as f64
                };
                (
                    if lang == Lang::Vi {
                        ind.name_vi.clone()
                    } else {
                        ind.name_en.clone()
                    },
                    share,
                    drills.then(|| {
                        format!(
                            "/households?year={year}&class=poor&deprivation={}",
                            ind.code
                        )
                    }),
                )
            })
            .collect()
    });
    let profile = bars(t.deprivations, &profile_rows, "#1f6f4a");
    let by_minority = rates(&latest, &[Key::Minority], Boundaries::Recorded, today, "");
    let groups = by_minority
        .rows
        .iter()
        .map(|row| {
            let kinh = row.key.0[0].1 == "kinh";
            let label = match (kinh, lang) {
                (true, _) => "Kinh".to_owned(),
                (false, Lang::Vi) => "Dân tộc thiểu số".to_owned(),
                (false, Lang::En) => "Ethnic minorities".to_owned(),
            };
            let drill = if drills {
                format!("/households?year={year}&minority={}", u8::from(!kinh))
            } else {
                String::new()
            };
            group_line(String::new(), label, drill, &row.rates, suppress, lang)
        })
        .collect();
    let year_changes = (snapshots.len() >= 2).then(|| {
        let n = snapshots.len();
        changes(
            &snapshots[..n - 2],
            &snapshots[n - 2],
            &snapshots[n - 1],
            "",
        )
    });
    // Classes from last year's (rows) to this year's (columns); households new to the list or
    // gone from it in the last row and column.
    let states = ["poor", "near_poor", "middle", "not_poor", "absent"];
    let state_label = |state: &str| match (state, lang) {
        ("absent", Lang::Vi) => "Không có trong danh sách".to_owned(),
        ("absent", Lang::En) => "Not on the list".to_owned(),
        (class, _) => super::labels::class_label(class, lang),
    };
    let transition_columns: Vec<String> = states.iter().map(|s| state_label(s)).collect();
    let previous = years.iter().rev().nth(1).copied().unwrap_or_default();
    // Each count links to its households (for those who may see them), but those that joined or
    // left the list.
    let transition_rows: Vec<(String, Vec<(u64, String)>)> = year_changes
        .as_ref()
        .map(|c| {
            states
                .iter()
                .map(|from| {
                    let line = states
                        .iter()
                        .map(|to| {
                            let n = c.transitions.0.get(&(*from, *to)).copied().unwrap_or(0);
                            let link = if drills && *from != "absent" && *to != "absent" {
                                format!(
                                    "/households?year={year}&class={to}&was={from}&was_year={previous}"
                                )
                            } else {
                                String::new()
                            };
                            (n, link)
                        })
                        .collect();
                    (state_label(from), line)
                })
                .collect()
        })
        .unwrap_or_default();
    let transitions = if transition_rows.is_empty() {
        String::new()
    } else {
        // The chart's cells are narrow: short words there, the full ones in the table.
        let short: Vec<String> = states
            .iter()
            .map(|state| {
                match (*state, lang) {
                    ("poor", Lang::Vi) => "Nghèo",
                    ("near_poor", Lang::Vi) => "Cận nghèo",
                    ("middle", Lang::Vi) => "Mức sống TB",
                    ("not_poor", Lang::Vi) => "Không nghèo",
                    (_, Lang::Vi) => "Không có",
                    ("poor", Lang::En) => "Poor",
                    ("near_poor", Lang::En) => "Near-poor",
                    ("middle", Lang::En) => "Middle",
                    ("not_poor", Lang::En) => "Not poor",
                    (_, Lang::En) => "Not listed",
                }
                .to_owned()
            })
            .collect();
        let counts: Vec<Vec<(u64, Option<String>)>> = transition_rows
            .iter()
            .map(|(_, line)| {
                line.iter()
                    .map(|(n, link)| (*n, (!link.is_empty()).then(|| link.clone())))
                    .collect()
            })
            .collect();
        let title = match lang {
            Lang::Vi => "Chuyển dịch giữa các nhóm hộ",
            Lang::En => "Transitions between classes",
        };
        matrix(title, &short, &short, &counts)
    };
    let changes = year_changes.map(|c| c.poor);
    let view = DashboardView {
        frame: Frame::new(&s, "/dashboard"),
        year,
        trend,
        trend_rows,
        drills,
        communes,
        commune_rows,
        chosen: village_commune
            .as_ref()
            .map(|(code, _)| code.clone())
            .unwrap_or_default(),
        village_commune,
        villages,
        village_rows,
        profile,
        groups,
        changes,
        transitions,
        previous,
        transition_rows,
        transition_columns,
        suppressed: suppress,
    };
    html(&view)
}
