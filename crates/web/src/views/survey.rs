//! Survey entry: the form follows the year's standard (its indicators, with their definitions; an
//! income or a B1 score). "Preview" shows the class the standard gives before saving — it works
//! without JavaScript; errors are shown beside their fields.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use bamho_domain::classify::{Assessment, Deprivations};
use bamho_domain::units::{Level, Units, review_day};
use bamho_domain::{Standard, Standards, Vnd, Year, classify};
use bamho_store::{HouseholdDetail, StoreError, SurveyInput};
use serde::Deserialize;

use super::labels::class_label;
use super::{Frame, household_for_entry, html};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;

struct IndicatorField {
    code: String,
    name: String,
    definition: String,
    checked: bool,
}

/// The live preview alone, for htmx.
#[derive(Template)]
#[template(path = "survey_preview.html")]
struct PreviewFragment {
    frame: Frame,
    preview: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyView {
    frame: Frame,
    code: String,
    year: u16,
    review: String,
    standard: String,
    members: String,
    agricultural: bool,
    income: String,
    b1: String,
    b1_allowed: bool,
    indicators: Vec<IndicatorField>,
    errors: HashMap<&'static str, String>,
    preview: Option<(String, String)>,
}

impl SurveyView {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct SurveyQuery {
    year: Option<String>,
    review: Option<String>,
}

/// The household (404 outside the reach), the right to enter (403), the year and its standard.
async fn context(
    state: &AppState,
    s: &Signed,
    code: &str,
    year: Option<&str>,
) -> Result<(HouseholdDetail, Year, &'static Standard), WebError> {
    let detail = household_for_entry(state, s, code).await?;
    let year = match year {
        Some(y) => {
            Year::parse(y).map_err(|e| s.bad_request(format!("{}: {e}", s.lang.texts().year)))?
        }
        None => Year::new(crate::clock::today().year())
            .map_err(|e| WebError::Internal(e.to_string()))?,
    };
    let standard = Standards::embedded()
        .for_year(year)
        .ok_or_else(|| s.bad_request(format!("no standard governs {year}")))?;
    if Units::national()
        .find(Level::Commune, &detail.commune_code, review_day(year))
        .is_none()
    {
        let message = match s.lang {
            Lang::Vi => format!(
                "Xã hiện nay của hộ chưa tồn tại vào năm {year}: hãy nhập phiếu năm đó bằng tệp."
            ),
            Lang::En => format!(
                "The household's commune of today did not exist in {year}: import that year's survey from a file."
            ),
        };
        return Err(s.bad_request(message));
    }
    Ok((detail, year, standard))
}

fn standard_name(standard: &Standard, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{} ({})", standard.name_vi, standard.legal_source),
        Lang::En => format!("{} ({})", standard.name_en, standard.legal_source),
    }
}

fn fields(standard: &Standard, lang: Lang, deprived: Deprivations) -> Vec<IndicatorField> {
    standard
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| IndicatorField {
            code: ind.code.clone(),
            name: if lang == Lang::Vi {
                ind.name_vi.clone()
            } else {
                ind.name_en.clone()
            },
            definition: if lang == Lang::Vi {
                ind.definition_vi.clone()
            } else {
                ind.definition_en.clone()
            },
            checked: deprived.contains(i),
        })
        .collect()
}

pub async fn view_survey_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<SurveyQuery>,
) -> Result<Response, WebError> {
    let (detail, year, standard) = context(&state, &s, &code, q.year.as_deref()).await?;
    let same = detail.years.iter().find(|y| y.year == year.get());
    let latest = detail.years.first();
    let deprived = Deprivations::from_mask(same.map_or(0, |y| y.deprived));
    let view = SurveyView {
        frame: Frame::new(&s, &format!("/households/{code}/survey")),
        code: detail.household_code.clone(),
        year: year.get(),
        review: q.review.unwrap_or_default(),
        standard: standard_name(standard, s.lang),
        members: latest.map_or(String::new(), |y| y.members.to_string()),
        agricultural: latest.is_some_and(|y| y.agricultural),
        income: same
            .and_then(|y| y.income_per_capita)
            .map_or(String::new(), |v| v.to_string()),
        b1: same
            .and_then(|y| y.b1_score)
            .map_or(String::new(), |v| v.to_string()),
        b1_allowed: standard.b1_cutoff.is_some(),
        indicators: fields(standard, s.lang, deprived),
        errors: HashMap::new(),
        preview: None,
    };
    html(&view)
}

pub async fn view_survey_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: axum::http::HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    s.check_csrf(&get("csrf_token"))?;
    let (detail, year, standard) = context(&state, &s, &code, Some(&get("year"))).await?;
    let vi = s.lang == Lang::Vi;
    let mut errors: HashMap<&'static str, String> = HashMap::new();
    let members = get("members")
        .parse::<u8>()
        .ok()
        .filter(|m| (1..=99).contains(m));
    if members.is_none() {
        errors.insert(
            "members",
            if vi {
                "Nhập số thành viên từ 1 đến 99."
            } else {
                "Enter 1 to 99 members."
            }
            .into(),
        );
    }
    let income = match get("income").as_str() {
        "" => None,
        text => match Vnd::parse(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let message = if vi {
                    "Thu nhập là số đồng nguyên, không âm (ví dụ 1.500.000).".to_owned()
                } else {
                    e.to_string()
                };
                errors.insert("income", message);
                None
            }
        },
    };
    let b1 = match get("b1").as_str() {
        "" => None,
        text => match text.parse::<u16>() {
            Ok(v) if v <= 999 => Some(v),
            _ => {
                errors.insert(
                    "b1",
                    if vi {
                        "Điểm B1 là số nguyên từ 0 đến 999."
                    } else {
                        "A B1 score is a whole number from 0 to 999."
                    }
                    .into(),
                );
                None
            }
        },
    };
    let mut deprived = Deprivations::default();
    for (i, ind) in standard.indicators.iter().enumerate() {
        if get(&ind.code) == "1" {
            deprived = deprived.with(i);
        }
    }
    let units = Units::national();
    let unit = units
        .find(Level::Commune, &detail.commune_code, review_day(year))
        .ok_or_else(|| WebError::Internal("commune checked in context".into()))?;
    let agricultural = get("agricultural") == "1";
    let assessment = Assessment {
        area: units.get(unit).area(),
        agricultural,
        income_per_capita: income,
        b1_score: b1,
        deprived,
    };
    let result = match classify(standard, &assessment) {
        Ok(c) => Some(c),
        Err(e) => {
            if !errors.contains_key("income") && !errors.contains_key("b1") {
                errors.insert("income", e.to_string());
            }
            None
        }
    };
    let review = get("review");
    if get("action") == "save"
        && errors.is_empty()
        && let (Some(c), Some(members)) = (result, members)
    {
        let head_ethnicity = detail
            .members
            .iter()
            .find(|m| m.relation == "head")
            .map_or_else(|| "01".to_owned(), |m| m.ethnicity.clone());
        let survey = SurveyInput {
            household_code: detail.household_code.clone(),
            year: year.get(),
            province_code: units
                .province_of(unit)
                .map(|p| units.get(p).code.to_owned())
                .unwrap_or_default(),
            commune_code: units.get(unit).code.to_owned(),
            area: assessment.area.as_str().to_owned(),
            agricultural,
            head_ethnicity,
            members,
            income_per_capita: income.map(Vnd::get),
            b1_score: b1,
            deprived: deprived.mask(),
            standard: standard.id.clone(),
            class: c.class.as_str().to_owned(),
            n_deprived: c.n_deprived,
            rule: serde_json::to_string(&c.rule).unwrap_or_default(),
        };
        return match state
            .store
            .save_survey(&survey, &s.user.username, &crate::clock::stamp())
            .await
        {
            Ok(()) => {
                let target = match review.parse::<i64>() {
                    Ok(id) => format!("/reviews/{id}"),
                    Err(_) => format!("/households/{code}"),
                };
                Ok(Redirect::to(&target).into_response())
            }
            Err(StoreError::Conflict(_)) => Err(s.bad_request(if vi {
                "Năm này đã có quyết định: không sửa phiếu được nữa."
            } else {
                "This year is decided: its survey can no longer change."
            })),
            Err(e) => Err(e.into()),
        };
    }
    let preview = result.map(|c| {
        (
            class_label(c.class.as_str(), s.lang),
            c.explain(s.lang.domain()),
        )
    });
    if headers.contains_key("hx-request") {
        return html(&PreviewFragment {
            frame: Frame::new(&s, &format!("/households/{code}/survey")),
            preview,
        });
    }
    let view = SurveyView {
        frame: Frame::new(&s, &format!("/households/{code}/survey")),
        code: detail.household_code.clone(),
        year: year.get(),
        review,
        standard: standard_name(standard, s.lang),
        members: get("members"),
        agricultural,
        income: get("income"),
        b1: get("b1"),
        b1_allowed: standard.b1_cutoff.is_some(),
        indicators: fields(standard, s.lang, deprived),
        preview: result.map(|c| {
            (
                class_label(c.class.as_str(), s.lang),
                c.explain(s.lang.domain()),
            )
        }),
        errors,
    };
    let mut response = html(&view)?;
    if !view.errors.is_empty() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}
