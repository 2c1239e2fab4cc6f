//! The household list (search ignoring diacritics, filters, pages that stay fast) and a household's
//! page (members, the class of every year with its standard and each deprivation in plain words,
//! events and the change history).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use bamho_domain::classify::{Assessment, Deprivations};
use bamho_domain::ethnic::EthnicGroups;
use bamho_domain::units::{Level, Units, review_day};
use bamho_domain::{Area, Class, Standards, Vnd, Year, classify};
use bamho_store::{HouseholdQuery, YearRow};
use serde::Deserialize;

use super::labels::{class_label, relation_word};
use super::{Frame, household_in_reach, html};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::http::url_encode;
use crate::i18n::Lang;

/// Query of the list, shared by the page and the API.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    /// A commune in force today (the drill-down from a dashboard figure).
    pub commune: Option<String>,
    pub village: Option<String>,
    pub class: Option<String>,
    pub ethnicity: Option<String>,
    /// "1": households headed by a member of an ethnic minority; "0": by a Kinh.
    pub minority: Option<String>,
    /// An indicator code of the year's standard ("d05"): households deprived in it.
    pub deprivation: Option<String>,
    /// A class households had in `was_year` (the drill-down from a transition).
    pub was: Option<String>,
    pub was_year: Option<String>,
    pub year: Option<String>,
    /// Page start: a household code (the page's `after`, the API's `cursor`).
    pub after: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

fn filled(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl ListQuery {
    /// Validates the query; a malformed year, class or limit is a 400 naming the field.
    pub fn to_store(&self, s: &Signed, default_limit: u32) -> Result<HouseholdQuery, WebError> {
        let bad = |message: String| s.bad_request(message);
        let year = match filled(&self.year) {
            Some(y) => Some(
                Year::parse(&y)
                    .map_err(|e| bad(format!("year: {e}")))?
                    .get(),
            ),
            None => None,
        };
        let class = match filled(&self.class) {
            Some(c) => Some(
                Class::parse(&c)
                    .ok_or_else(|| bad("class: poor, near_poor, middle or not_poor".into()))?,
            ),
            None => None,
        };
        let minority = match filled(&self.minority).as_deref() {
            None => None,
            Some("1") => Some(true),
            Some("0") => Some(false),
            Some(_) => return Err(bad("minority: 1 (ethnic minorities) or 0 (Kinh)".into())),
        };
        let deprived_bit = match filled(&self.deprivation) {
            None => None,
            Some(code) => {
                let standard = year
                    .and_then(|y| Year::new(y).ok())
                    .and_then(|y| Standards::embedded().for_year(y))
                    .ok_or_else(|| bad("deprivation: give the review year too".into()))?;
                let bit = standard
                    .indicators
                    .iter()
                    .position(|i| i.code == code)
                    .ok_or_else(|| {
                        bad(format!(
                            "deprivation: {code} is not an indicator of that year's standard"
                        ))
                    })?;
                Some(bit as u8)
            }
        };
        let was = match (filled(&self.was), filled(&self.was_year)) {
            (None, None) => None,
            (Some(class), Some(y)) => {
                let class = Class::parse(&class)
                    .ok_or_else(|| bad("was: poor, near_poor, middle or not_poor".into()))?;
                let y = Year::parse(&y).map_err(|e| bad(format!("was_year: {e}")))?;
                Some((y.get(), class.as_str().to_owned()))
            }
            _ => return Err(bad("was and was_year go together".into())),
        };
        let limit = match filled(&self.limit) {
            Some(l) => l
                .parse::<u32>()
                .ok()
                .filter(|l| (1..=500).contains(l))
                .ok_or_else(|| bad("limit: 1 to 500".into()))?,
            None => default_limit,
        };
        Ok(HouseholdQuery {
            q: filled(&self.q),
            commune: filled(&self.commune),
            village: filled(&self.village),
            class: class.map(|c| c.as_str().to_owned()),
            ethnicity: filled(&self.ethnicity).map(|e| {
                EthnicGroups::national()
                    .by_code(&e)
                    .map_or(e, |g| g.code.clone())
            }),
            minority,
            deprived_bit,
            was,
            year,
            after: filled(&self.after).or_else(|| filled(&self.cursor)),
            limit,
        })
    }
}

/// The minority, deprivation and earlier-class filters in words ("Dân tộc thiểu số · Thiếu hụt: Nước sinh hoạt").
fn drilled_label(query: &HouseholdQuery, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let mut parts = Vec::new();
    match query.minority {
        Some(true) => parts.push(
            if vi {
                "Dân tộc thiểu số"
            } else {
                "Ethnic minorities"
            }
            .to_owned(),
        ),
        Some(false) => parts.push("Kinh".to_owned()),
        None => {}
    }
    let standard = query
        .year
        .and_then(|y| Year::new(y).ok())
        .and_then(|y| Standards::embedded().for_year(y));
    if let (Some(bit), Some(standard)) = (query.deprived_bit, standard)
        && let Some(indicator) = standard.indicators.get(usize::from(bit))
    {
        let name = if vi {
            &indicator.name_vi
        } else {
            &indicator.name_en
        };
        parts.push(format!(
            "{}: {name}",
            if vi { "Thiếu hụt" } else { "Deprived in" }
        ));
    }
    if let Some((year, class)) = &query.was {
        let (word, label) = (if vi { "Năm" } else { "In" }, class_label(class, lang));
        parts.push(format!("{word} {year}: {label}"));
    }
    parts.join(" · ")
}

struct ListRow {
    code: String,
    head: String,
    village: String,
    commune: String,
    class_code: String,
    class_label: String,
}

#[derive(Template)]
#[template(path = "households.html")]
struct HouseholdsView {
    frame: Frame,
    q: String,
    /// The commune filter and its name, when drilled down from a figure.
    commune: String,
    commune_name: String,
    village: String,
    ethnicity: String,
    /// Filters that come from a dashboard figure, kept by the form: "1"/"0", an indicator code.
    minority: String,
    deprivation: String,
    /// The class of an earlier year and that year, or empty.
    was: String,
    was_year: String,
    /// Those filters in words, when set.
    drilled: String,
    year_input: String,
    year: Option<u16>,
    classes: Vec<(&'static str, String, bool)>,
    rows: Vec<ListRow>,
    next: Option<String>,
    may_enter: bool,
}

pub async fn view_households_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    s.require_names()?;
    let query = q.to_store(&s, 50)?;
    let page = state.store.households(&s.reach, &query).await?;
    let units = Units::national();
    let day = page.year.and_then(|y| Year::new(y).ok()).map(review_day);
    let rows = page
        .items
        .iter()
        .map(|i| ListRow {
            code: i.household_code.clone(),
            head: i.head_name.clone().unwrap_or_default(),
            village: i
                .village_name
                .clone()
                .unwrap_or_else(|| i.village_code.clone()),
            commune: match (&i.commune_code, day) {
                (Some(c), Some(d)) => units
                    .find(Level::Commune, c, d)
                    .map_or(c.clone(), |u| units.get(u).full_name()),
                (Some(c), None) => c.clone(),
                _ => String::new(),
            },
            class_code: i.class.clone().unwrap_or_default(),
            class_label: i
                .class
                .as_deref()
                .map_or("—".into(), |c| class_label(c, s.lang)),
        })
        .collect();
    let keep = |name: &str, v: &Option<String>| {
        filled(v)
            .map(|v| format!("{name}={}&", url_encode(&v)))
            .unwrap_or_default()
    };
    let next = page.next.as_ref().map(|after| {
        format!(
            "/households?{}{}{}{}{}{}{}{}{}{}after={}",
            keep("q", &q.q),
            keep("commune", &q.commune),
            keep("village", &q.village),
            keep("class", &q.class),
            keep("ethnicity", &q.ethnicity),
            keep("minority", &q.minority),
            keep("deprivation", &q.deprivation),
            keep("was", &q.was),
            keep("was_year", &q.was_year),
            keep("year", &q.year),
            url_encode(after)
        )
    });
    let selected = query.class.clone().unwrap_or_default();
    let classes = Class::ALL
        .iter()
        .map(|c| {
            (
                c.as_str(),
                class_label(c.as_str(), s.lang),
                c.as_str() == selected,
            )
        })
        .collect();
    let view = HouseholdsView {
        frame: Frame::new(&s, "/households"),
        q: query.q.clone().unwrap_or_default(),
        commune: query.commune.clone().unwrap_or_default(),
        commune_name: query.commune.as_deref().map_or(String::new(), |c| {
            super::labels::commune_name(c, crate::clock::today().year())
        }),
        village: query.village.clone().unwrap_or_default(),
        ethnicity: query.ethnicity.clone().unwrap_or_default(),
        minority: filled(&q.minority).unwrap_or_default(),
        deprivation: filled(&q.deprivation).unwrap_or_default(),
        was: query.was.clone().map(|(_, c)| c).unwrap_or_default(),
        was_year: query
            .was
            .as_ref()
            .map(|(y, _)| y.to_string())
            .unwrap_or_default(),
        drilled: drilled_label(&query, s.lang),
        year_input: query.year.map(|y| y.to_string()).unwrap_or_default(),
        year: page.year,
        classes,
        rows,
        next,
        may_enter: s.require_entry().is_ok(),
    };
    html(&view)
}

struct MemberView {
    no: u16,
    name: String,
    sex: &'static str,
    birth_year: u16,
    ethnicity: String,
    citizen_id: String,
    relation: &'static str,
}

struct YearView {
    year: u16,
    class_code: String,
    class_label: String,
    decided: String,
    standard: String,
    commune: String,
    explanation: String,
    deprivations: Vec<String>,
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdView {
    frame: Frame,
    code: String,
    village: String,
    commune: String,
    members: Vec<MemberView>,
    years: Vec<YearView>,
    events: Vec<String>,
    history: Vec<String>,
    may_enter: bool,
    may_visit: bool,
    today: String,
    certificates: Vec<u16>,
    assignments: Vec<AssignmentLine>,
    supporters: Vec<(i64, String)>,
    visits: Vec<VisitLine>,
}

struct AssignmentLine {
    id: i64,
    name: String,
    organisation: &'static str,
    from_date: String,
    to_date: String,
    reason: String,
    current: bool,
}

struct VisitLine {
    visited_on: String,
    who: String,
    found: String,
    advised: String,
    next_steps: String,
    next_due: String,
}

/// One year's class, the rule that decided it and its deprivations, in the reader's language.
fn year_view(y: &YearRow, lang: Lang) -> YearView {
    let t = lang.texts();
    let standard = Standards::embedded().by_id(&y.standard);
    let units = Units::national();
    let day = Year::new(y.year).map(review_day).ok();
    let commune = day
        .and_then(|d| units.find(Level::Commune, &y.commune_code, d))
        .map_or(y.commune_code.clone(), |u| units.get(u).full_name());
    let assessment = Assessment {
        area: Area::parse(&y.area).unwrap_or(Area::Rural),
        agricultural: y.agricultural,
        income_per_capita: y.income_per_capita.map(Vnd::new),
        b1_score: y.b1_score,
        deprived: Deprivations::from_mask(y.deprived),
    };
    let computed = standard.and_then(|s| classify(s, &assessment).ok());
    let class = y.decided_class.clone().unwrap_or_else(|| y.class.clone());
    let deprivations = standard.map_or_else(Vec::new, |s| {
        s.indicators
            .iter()
            .enumerate()
            .filter(|(i, _)| assessment.deprived.contains(*i))
            .map(|(_, ind)| match lang {
                Lang::Vi => format!("{} — {}", ind.name_vi, ind.definition_vi),
                Lang::En => format!("{} — {}", ind.name_en, ind.definition_en),
            })
            .collect()
    });
    let decided = match (&y.decision_number, &y.decision_date) {
        (Some(n), Some(d)) => format!("{}: {n} ({d})", t.decision),
        _ => t.not_decided.to_owned(),
    };
    YearView {
        year: y.year,
        class_label: class_label(&class, lang),
        class_code: class,
        decided,
        standard: standard.map_or(y.standard.clone(), |s| match lang {
            Lang::Vi => format!("{} ({})", s.name_vi, s.legal_source),
            Lang::En => format!("{} ({})", s.name_en, s.legal_source),
        }),
        commune,
        explanation: computed
            .map(|c| c.explain(lang.domain()))
            .unwrap_or_default(),
        deprivations,
    }
}

pub async fn view_household_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let detail = household_in_reach(&state, &s, &code).await?;
    s.require_names()?;
    let today = crate::clock::today();
    let units = Units::national();
    let ethnic = EthnicGroups::national();
    let lang = s.lang;
    let members = detail
        .members
        .iter()
        .map(|m| MemberView {
            no: m.person_no,
            name: m.full_name.clone(),
            sex: match (m.sex.as_str(), lang) {
                ("f", Lang::Vi) => "Nữ",
                (_, Lang::Vi) => "Nam",
                ("f", Lang::En) => "F",
                (_, Lang::En) => "M",
            },
            birth_year: m.birth_year,
            ethnicity: ethnic
                .by_code(&m.ethnicity)
                .map_or(m.ethnicity.clone(), |g| g.name.clone()),
            citizen_id: m.citizen_id.clone().unwrap_or_default(),
            relation: relation_word(&m.relation, lang),
        })
        .collect();
    let events = detail
        .events
        .iter()
        .map(|e| {
            let other = e.other_household_code.clone().unwrap_or_default();
            match (e.kind.as_str(), lang) {
                ("split", Lang::Vi) => format!("{}: tách từ hộ {other}", e.year),
                ("merge", Lang::Vi) => format!("{}: nhập vào hộ {other}", e.year),
                (_, Lang::Vi) => format!("{}: chuyển đi", e.year),
                ("split", Lang::En) => format!("{}: split off from {other}", e.year),
                ("merge", Lang::En) => format!("{}: merged into {other}", e.year),
                (_, Lang::En) => format!("{}: moved away", e.year),
            }
        })
        .collect();
    let history = detail
        .history
        .iter()
        .map(|h| {
            format!(
                "{} · {} · {}: {} → {}",
                h.at,
                h.actor,
                h.action,
                h.before.as_deref().unwrap_or("—"),
                h.after.as_deref().unwrap_or("—")
            )
        })
        .collect();
    let organisation = |o: &str| super::labels::organisation_label(o, lang);
    let assignments = state
        .store
        .assignments(&code)
        .await?
        .into_iter()
        .map(|a| AssignmentLine {
            id: a.id,
            organisation: organisation(&a.organisation),
            name: a.supporter_name,
            from_date: a.from_date,
            current: a.to_date.is_none(),
            to_date: a.to_date.unwrap_or_default(),
            reason: a.reason,
        })
        .collect();
    let supporters = state
        .store
        .supporters(Some(std::slice::from_ref(&detail.commune_code)))
        .await?
        .into_iter()
        .map(|x| {
            (
                x.id,
                format!("{} ({})", x.full_name, organisation(&x.organisation)),
            )
        })
        .collect();
    let visits = state
        .store
        .visits(&code)
        .await?
        .into_iter()
        .map(|v| VisitLine {
            visited_on: v.visited_on,
            who: v.supporter_name.unwrap_or_default(),
            found: v.found,
            advised: v.advised,
            next_steps: v.next_steps,
            next_due: v.next_due.unwrap_or_default(),
        })
        .collect();
    let view = HouseholdView {
        frame: Frame::new(&s, &format!("/households/{code}")),
        code: detail.household_code.clone(),
        village: detail
            .village_name
            .clone()
            .unwrap_or_else(|| detail.village_code.clone()),
        commune: units
            .find(Level::Commune, &detail.commune_code, today)
            .map_or(detail.commune_code.clone(), |u| units.get(u).full_name()),
        members,
        years: detail.years.iter().map(|y| year_view(y, lang)).collect(),
        events,
        history,
        may_enter: s.require_entry().is_ok(),
        may_visit: matches!(
            s.role,
            bamho_domain::Role::Supporter
                | bamho_domain::Role::CommuneOfficer
                | bamho_domain::Role::ProvinceAdmin
        ),
        assignments,
        supporters,
        visits,
        today: today.to_string(),
        certificates: detail
            .years
            .iter()
            .filter(|y| matches!(y.decided_class.as_deref(), Some("poor" | "near_poor")))
            .map(|y| y.year)
            .collect(),
    };
    html(&view)
}
