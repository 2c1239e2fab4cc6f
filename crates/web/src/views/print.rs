//! Printable documents on A4: the public posting list of a review (names and class only — never
//! deprivations or ethnicity, DOMAIN.md §8) and the certificate of a poor or near-poor household.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use bamho_domain::ethnic::EthnicGroups;
use bamho_domain::units::{Level, Units, review_day};
use bamho_domain::{Class, Year};

use super::labels::class_label;
use super::labels::commune_name;
use super::review::review_in_reach;
use super::{household_in_reach, html};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;

struct PostingLine {
    no: usize,
    head: String,
    village: String,
    class: String,
}

#[derive(Template)]
#[template(path = "posting.html")]
struct PostingView {
    commune: String,
    province: String,
    year: u16,
    lines: Vec<PostingLine>,
}

pub async fn view_posting_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let review = review_in_reach(&state, &s, id).await?;
    s.require_review()?;
    let households = state.store.review_households(&review).await?;
    let lines = households
        .iter()
        .filter_map(|h| {
            let class = h.class.as_deref()?;
            Some((h, class))
        })
        .enumerate()
        .map(|(i, (h, class))| PostingLine {
            no: i + 1,
            head: h.head_name.clone().unwrap_or_default(),
            village: h
                .village_name
                .clone()
                .unwrap_or_else(|| h.village_code.clone()),
            class: class_label(class, Lang::Vi),
        })
        .collect();
    let units = Units::national();
    let day = Year::new(review.year)
        .map(review_day)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let province = units
        .find(Level::Commune, &review.commune_code, day)
        .and_then(|c| units.province_of(c))
        .map_or(String::new(), |p| units.get(p).full_name());
    html(&PostingView {
        commune: commune_name(&review.commune_code, review.year),
        province,
        year: review.year,
        lines,
    })
}

struct CertificateMember {
    no: u16,
    name: String,
    birth_year: u16,
    relation: &'static str,
    citizen_id: String,
}

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificateView {
    commune: String,
    kind: &'static str,
    year: u16,
    code: String,
    head: String,
    ethnicity: String,
    citizen_id: String,
    residence: String,
    members: Vec<CertificateMember>,
    decision: String,
    signer: String,
    decided_on: String,
}

fn relation_vi(r: &str) -> &'static str {
    match r {
        "head" => "Chủ hộ",
        "spouse" => "Vợ/chồng",
        "child" => "Con",
        "parent" => "Cha/mẹ",
        _ => "Khác",
    }
}

/// The certificate of a poor or near-poor household for a decided year (Circular 07/2021 form).
pub async fn view_certificate_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path((code, year)): Path<(String, u16)>,
) -> Result<Response, WebError> {
    let detail = household_in_reach(&state, &s, &code).await?;
    s.require_names()?;
    let y = detail
        .years
        .iter()
        .find(|r| r.year == year)
        .ok_or_else(|| s.not_found())?;
    let vi = s.lang == Lang::Vi;
    let decided = y.decided_class.as_deref().and_then(Class::parse);
    let kind = match decided {
        Some(Class::Poor) => "HỘ NGHÈO",
        Some(Class::NearPoor) => "HỘ CẬN NGHÈO",
        _ => {
            return Err(s.bad_request(if vi {
                "Chỉ cấp giấy chứng nhận cho hộ nghèo, hộ cận nghèo đã có quyết định công nhận."
            } else {
                "A certificate is issued only for a poor or near-poor household with a decision."
            }));
        }
    };
    let units = Units::national();
    let day = Year::new(year)
        .map(review_day)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let commune_unit = units.find(Level::Commune, &y.commune_code, day);
    let commune = commune_unit.map_or(y.commune_code.clone(), |u| units.get(u).full_name());
    let province = commune_unit
        .and_then(|u| units.province_of(u))
        .map_or(String::new(), |p| units.get(p).full_name());
    let head = detail.members.iter().find(|m| m.relation == "head");
    let ethnic = EthnicGroups::national();
    let village = detail
        .village_name
        .clone()
        .unwrap_or_else(|| detail.village_code.clone());
    let view = CertificateView {
        residence: format!("{village}, {commune}, {province}"),
        commune,
        kind,
        year,
        code: detail.household_code.clone(),
        head: head.map_or(String::new(), |h| h.full_name.clone()),
        ethnicity: head
            .and_then(|h| ethnic.by_code(&h.ethnicity))
            .map_or(String::new(), |g| g.name.clone()),
        citizen_id: head.and_then(|h| h.citizen_id.clone()).unwrap_or_default(),
        members: detail
            .members
            .iter()
            .map(|m| CertificateMember {
                no: m.person_no,
                name: m.full_name.clone(),
                birth_year: m.birth_year,
                relation: relation_vi(&m.relation),
                citizen_id: m.citizen_id.clone().unwrap_or_default(),
            })
            .collect(),
        decision: y.decision_number.clone().unwrap_or_default(),
        decided_on: y
            .decision_date
            .as_deref()
            .and_then(|d| bamho_domain::Date::parse(d).ok())
            .map_or(String::new(), |d| d.vi()),
        signer: y.decision_signer.clone().unwrap_or_default(),
    };
    html(&view)
}
