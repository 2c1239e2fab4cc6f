//! A household's timeline: classes by year, supporters, visits, pairing, study tours, support and
//! loans on one page, newest first, with where it stands now — and the forms that add to it
//! (support and its outcome, loans and repayments, pairing and its activities, causes of poverty).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use bamho_domain::classify::dot_thousands;
use std::collections::BTreeMap;

use bamho_domain::recognition::{Standing, standing};
use bamho_domain::{Catalogue, Class, LoanStatus, Vnd};
use bamho_store::{
    ActivityRow, LoanRow, NewLoan, NewSupport, NewTwinning, ORGANISATIONS, RepaymentRow, StoreError,
};
use serde::Deserialize;

use super::labels::{class_label, organisation_label};
use super::{Frame, date_input, household_for_entry, household_in_reach, html};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;

fn domain_lang(lang: Lang) -> bamho_domain::Lang {
    match lang {
        Lang::Vi => bamho_domain::Lang::Vi,
        Lang::En => bamho_domain::Lang::En,
    }
}

/// One dated line of the timeline.
struct Event {
    date: String,
    /// What kind of record: a class for the tag's colour.
    kind: &'static str,
    label: String,
    text: String,
}

/// A loan as the page shows it.
struct LoanLine {
    id: i64,
    text: String,
    balance: String,
    status: &'static str,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "timeline.html")]
struct TimelineView {
    frame: Frame,
    code: String,
    head: String,
    village: String,
    class_now: String,
    /// Newly escaped or relapsed, if either.
    standing: String,
    supporters_now: Vec<String>,
    pairing_now: Vec<String>,
    causes_now: Vec<String>,
    loans: Vec<LoanLine>,
    owed: String,
    events: Vec<Event>,
    may_enter: bool,
    today: String,
    year: u16,
    sources: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    causes: Vec<(String, String, bool)>,
    lenders: Vec<(String, String)>,
    loan_programmes: Vec<(String, String)>,
    organisations: Vec<(&'static str, &'static str)>,
    open_twinnings: Vec<(i64, String)>,
    pending_support: Vec<(i64, String)>,
}

fn money(v: u64) -> String {
    format!("{} đ", dot_thousands(v))
}

/// The household's timeline page (anyone who reaches it and may see names).
pub async fn view_timeline_get(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let detail = household_in_reach(&state, &s, &code).await?;
    s.require_names()?;
    let vi = s.lang == Lang::Vi;
    let lang = domain_lang(s.lang);
    let cat = Catalogue::embedded();
    let today = crate::clock::today();
    let store = &state.store;
    let (assignments, visits, twinnings, tours, support, loans, causes) = (
        store.assignments(&code).await?,
        store.visits(&code).await?,
        store.twinnings(&code).await?,
        store.tours_of(&code).await?,
        store.support(&code).await?,
        store.loans(&code).await?,
        store.causes(&code).await?,
    );
    let mut events = Vec::new();
    for y in &detail.years {
        let class = y.decided_class.as_deref().unwrap_or(&y.class);
        let text = match (&y.decision_number, vi) {
            (Some(n), true) => format!("Quyết định {n}"),
            (Some(n), false) => format!("Decision {n}"),
            (None, true) => "chưa có quyết định".to_owned(),
            (None, false) => "not yet decided".to_owned(),
        };
        events.push(Event {
            date: y
                .decision_date
                .clone()
                // An undecided year stands at its review day.
                .unwrap_or_else(|| format!("{}-09-01", y.year)),
            kind: if class == "poor" || class == "near_poor" {
                "class-poor"
            } else {
                "class-out"
            },
            label: format!(
                "{} {}: {}",
                if vi { "Năm" } else { "Year" },
                y.year,
                class_label(class, s.lang)
            ),
            text,
        });
    }
    for a in &assignments {
        let org = organisation_label(&a.organisation, s.lang);
        events.push(Event {
            date: a.from_date.clone(),
            kind: "people",
            label: if vi {
                "Phân công giúp đỡ"
            } else {
                "Supporter assigned"
            }
            .into(),
            text: format!("{} ({org}) {}", a.supporter_name, a.reason),
        });
        if let Some(to) = &a.to_date {
            events.push(Event {
                date: to.clone(),
                kind: "people",
                label: if vi {
                    "Kết thúc giúp đỡ"
                } else {
                    "Supporter ended"
                }
                .into(),
                text: a.supporter_name.clone(),
            });
        }
    }
    for v in &visits {
        let mut text = v.found.clone();
        if !v.advised.is_empty() {
            text.push_str(&format!(
                " · {}: {}",
                if vi { "tư vấn" } else { "advised" },
                v.advised
            ));
        }
        if !v.next_steps.is_empty() {
            text.push_str(&format!(
                " · {}: {}",
                if vi { "hẹn làm" } else { "next" },
                v.next_steps
            ));
        }
        events.push(Event {
            date: v.visited_on.clone(),
            kind: "visit",
            label: format!(
                "{} {}",
                if vi { "Thăm hộ" } else { "Visit" },
                v.supporter_name.as_deref().unwrap_or_default()
            ),
            text,
        });
    }
    for t in &twinnings {
        let helped = t.household_code == code;
        let other = if helped {
            t.helper_name.clone()
        } else {
            t.household_code.clone()
        };
        events.push(Event {
            date: t.from_date.clone(),
            kind: "pair",
            label: match (helped, vi) {
                (true, true) => format!("Kết nghĩa với {other}"),
                (true, false) => format!("Paired with {other}"),
                (false, true) => format!("Nhận giúp hộ {other}"),
                (false, false) => format!("Helps household {other}"),
            },
            text: t.commitments.clone(),
        });
        for a in &t.activities {
            events.push(Event {
                date: a.on_date.clone(),
                kind: "pair",
                label: if vi {
                    "Hoạt động kết nghĩa"
                } else {
                    "Pairing activity"
                }
                .into(),
                text: a.description.clone(),
            });
        }
        if let Some(to) = &t.to_date {
            events.push(Event {
                date: to.clone(),
                kind: "pair",
                label: if vi {
                    "Kết thúc kết nghĩa"
                } else {
                    "Pairing ended"
                }
                .into(),
                text: other,
            });
        }
    }
    for t in &tours {
        events.push(Event {
            date: t.held_on.clone(),
            kind: "tour",
            label: format!(
                "{}: {}",
                if vi {
                    "Tham quan mô hình"
                } else {
                    "Study tour"
                },
                t.model
            ),
            text: format!(
                "{} · {}: {}",
                t.organiser,
                if vi {
                    "dự định áp dụng"
                } else {
                    "plans to apply"
                },
                if t.plan.is_empty() { "—" } else { &t.plan }
            ),
        });
    }
    for r in &support {
        let x = &r.support;
        let kind = cat.kind(&x.kind);
        let mut text = cat.source_label(&x.programme, x.project.as_deref(), lang);
        if let Some(a) = x.amount {
            text.push_str(&format!(" · {}", money(a)));
        }
        if let (Some(q), Some(k)) = (x.quantity, kind) {
            text.push_str(&format!(" · {} {}", dot_thousands(q), k.unit));
        }
        if !x.provider.is_empty() {
            text.push_str(&format!(" · {}", x.provider));
        }
        events.push(Event {
            date: x.given_on.clone(),
            kind: "support",
            label: format!(
                "{}: {}",
                if vi { "Hỗ trợ" } else { "Support" },
                kind.map_or(x.kind.as_str(), |k| k.name(lang))
            ),
            text,
        });
        if let Some(outcome) = &x.outcome {
            events.push(Event {
                date: x.outcome_on.clone().unwrap_or_else(|| x.given_on.clone()),
                kind: "support",
                label: if vi {
                    "Kết quả hỗ trợ"
                } else {
                    "Support outcome"
                }
                .into(),
                text: outcome.clone(),
            });
        }
    }
    for l in &loans {
        events.push(Event {
            date: l.disbursed_on.clone(),
            kind: "loan",
            label: format!(
                "{}: {}",
                if vi { "Vay vốn" } else { "Loan" },
                money(l.amount)
            ),
            text: loan_text(l, lang, cat),
        });
        for r in &l.repayments {
            events.push(Event {
                date: r.paid_on.clone(),
                kind: "loan",
                label: if vi { "Trả nợ" } else { "Repayment" }.into(),
                text: money(r.amount),
            });
        }
    }
    for r in store.recognitions_of(&code).await? {
        let what = match (r.kind.as_str(), r.household_code == code, vi) {
            ("household", _, true) => format!("hộ thoát nghèo năm {}", r.year),
            ("household", _, false) => format!("escaped poverty in {}", r.year),
            (_, _, true) => format!("giúp đỡ hộ {} thoát nghèo năm {}", r.household_code, r.year),
            (_, _, false) => format!("helped household {} escape in {}", r.household_code, r.year),
        };
        let (date, label) = match (&r.decided_on, &r.decision_number) {
            (Some(on), Some(number)) => (
                on.clone(),
                format!(
                    "{} ({number})",
                    if vi {
                        "Được khen thưởng"
                    } else {
                        "Recognised"
                    }
                ),
            ),
            _ if r.status == "removed" => continue,
            _ => (
                format!("{}-12-31", r.year),
                if vi {
                    "Được đề xuất khen thưởng"
                } else {
                    "Nominated for recognition"
                }
                .to_owned(),
            ),
        };
        events.push(Event {
            date,
            kind: "merit",
            label,
            text: format!("{} — {what}", r.name),
        });
    }
    events.sort_by(|a, b| b.date.cmp(&a.date));
    let classes: BTreeMap<u16, Class> = detail
        .years
        .iter()
        .filter_map(|y| Some((y.year, Class::parse(y.decided_class.as_deref()?)?)))
        .collect();
    let standing = match standing(&classes, today.year()) {
        Some(Standing::NewlyEscaped { since, until }) => {
            if vi {
                format!("Hộ mới thoát nghèo năm {since} (đến hết năm {until})")
            } else {
                format!("Newly escaped in {since} (until the end of {until})")
            }
        }
        Some(Standing::Relapsed { escaped, year }) => {
            if vi {
                format!("Tái nghèo năm {year} (đã thoát năm {escaped})")
            } else {
                format!("Relapsed in {year} (escaped in {escaped})")
            }
        }
        None => String::new(),
    };
    let latest_causes = causes.first().map(|c| c.year);
    let causes_now: Vec<String> = causes
        .iter()
        .filter(|c| Some(c.year) == latest_causes)
        .map(|c| {
            let name = cat
                .cause(&c.cause)
                .map_or(c.cause.clone(), |e| e.name(lang).to_owned());
            if c.note.is_empty() {
                format!("{name} ({})", c.year)
            } else {
                format!("{name}: {} ({})", c.note, c.year)
            }
        })
        .collect();
    let loan_lines: Vec<LoanLine> = loans
        .iter()
        .filter(|l| l.balance() > 0)
        .map(|l| {
            let status = l.status(today);
            LoanLine {
                id: l.id,
                text: format!("{} · {}", money(l.amount), loan_text(l, lang, cat)),
                balance: money(l.balance()),
                status: status.name(lang),
                overdue: status == LoanStatus::Overdue,
            }
        })
        .collect();
    let owed = money(loans.iter().map(LoanRow::balance).sum());
    let may_enter = s.require_entry().is_ok();
    let this_year_causes: Vec<&str> = causes
        .iter()
        .filter(|c| c.year == today.year())
        .map(|c| c.cause.as_str())
        .collect();
    let view = TimelineView {
        frame: Frame::new(&s, &format!("/households/{code}/timeline")),
        head: detail
            .members
            .iter()
            .find(|m| m.relation == "head")
            .map(|m| m.full_name.clone())
            .unwrap_or_default(),
        village: detail
            .village_name
            .clone()
            .unwrap_or(detail.village_code.clone()),
        class_now: detail.years.first().map_or("—".into(), |y| {
            format!(
                "{} {}",
                class_label(y.decided_class.as_deref().unwrap_or(&y.class), s.lang),
                y.year
            )
        }),
        standing,
        supporters_now: assignments
            .iter()
            .filter(|a| a.to_date.is_none())
            .map(|a| {
                format!(
                    "{} ({})",
                    a.supporter_name,
                    organisation_label(&a.organisation, s.lang)
                )
            })
            .collect(),
        pairing_now: twinnings
            .iter()
            .filter(|t| t.to_date.is_none())
            .map(|t| {
                if t.household_code == code {
                    t.helper_name.clone()
                } else {
                    t.household_code.clone()
                }
            })
            .collect(),
        causes_now,
        loans: loan_lines,
        owed,
        events,
        may_enter,
        today: today.to_string(),
        year: today.year(),
        sources: cat
            .programmes
            .iter()
            .filter(|p| p.runs_in(today.year()) || p.runs_in(today.year() - 1))
            .flat_map(|p| {
                std::iter::once((p.code.clone(), p.name(lang).to_owned())).chain(
                    p.projects.iter().map(|x| {
                        (
                            format!("{}/{}", p.code, x.code),
                            format!("{} · {} {}", p.code, x.code, x.name(lang)),
                        )
                    }),
                )
            })
            .collect(),
        kinds: cat
            .kinds
            .iter()
            .map(|k| (k.code.clone(), k.name(lang).to_owned()))
            .collect(),
        causes: cat
            .causes
            .iter()
            .map(|k| {
                (
                    k.code.clone(),
                    k.name(lang).to_owned(),
                    this_year_causes.contains(&k.code.as_str()),
                )
            })
            .collect(),
        lenders: cat
            .lenders
            .iter()
            .map(|k| (k.code.clone(), k.name(lang).to_owned()))
            .collect(),
        loan_programmes: cat
            .loan_programmes
            .iter()
            .map(|k| {
                let rate = k
                    .rate_percent
                    .map(|r| format!(" · {r}%"))
                    .unwrap_or_default();
                (
                    k.code.clone(),
                    format!("{}{rate}", if vi { &k.vi } else { &k.en }),
                )
            })
            .collect(),
        organisations: ORGANISATIONS
            .iter()
            .map(|o| (*o, organisation_label(o, s.lang)))
            .collect(),
        open_twinnings: twinnings
            .iter()
            .filter(|t| t.to_date.is_none() && t.household_code == code)
            .map(|t| (t.id, format!("{} ({})", t.helper_name, t.from_date)))
            .collect(),
        pending_support: support
            .iter()
            .filter(|r| r.support.outcome.is_none())
            .map(|r| {
                let kind = cat
                    .kind(&r.support.kind)
                    .map_or(r.support.kind.as_str(), |k| k.name(lang));
                (r.id, format!("{} · {kind}", r.support.given_on))
            })
            .collect(),
        code,
    };
    html(&view)
}

/// "Ngân hàng Chính sách xã hội · Cho vay hộ nghèo · 6,60%/năm · 36 tháng · đến 2025-08-15".
fn loan_text(l: &LoanRow, lang: bamho_domain::Lang, cat: &Catalogue) -> String {
    let lender = cat
        .lender(&l.lender)
        .map_or(l.lender.as_str(), |e| e.name(lang));
    let programme = cat
        .loan_programme(&l.programme)
        .map_or(l.programme.clone(), |p| match lang {
            bamho_domain::Lang::Vi => p.vi.clone(),
            bamho_domain::Lang::En => p.en.clone(),
        });
    let rate = format!("{},{:02}", l.rate_bp / 100, l.rate_bp % 100);
    let mut text = match lang {
        bamho_domain::Lang::Vi => format!(
            "{lender} · {programme} · {rate}%/năm · {} tháng · hạn {}",
            l.term_months, l.due_on
        ),
        bamho_domain::Lang::En => format!(
            "{lender} · {programme} · {rate}% a year · {} months · due {}",
            l.term_months, l.due_on
        ),
    };
    if !l.savings_group.is_empty() {
        text.push_str(&format!(" · {}", l.savings_group));
    }
    if !l.purpose.is_empty() {
        text.push_str(&format!(" · {}", l.purpose));
    }
    text
}

fn back(code: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/households/{code}/timeline#{anchor}")).into_response()
}

fn filled(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn amount_field(s: &Signed, raw: &str, field_vi: &str, field_en: &str) -> Result<Vnd, WebError> {
    Vnd::parse(raw).map_err(|e| {
        s.bad_request(format!(
            "{}: {:?} — {e}",
            if s.lang == Lang::Vi {
                field_vi
            } else {
                field_en
            },
            raw
        ))
    })
}

/// A refused value becomes a 400 that says why; other store errors stay internal.
fn refused(s: &Signed, e: StoreError) -> WebError {
    match e {
        StoreError::Invalid(why) | StoreError::Conflict(why) => s.bad_request(why),
        StoreError::NotFound(_) => s.not_found(),
        other => other.into(),
    }
}

#[derive(Deserialize)]
pub struct SupportForm {
    csrf_token: String,
    given_on: String,
    source: String,
    kind: String,
    amount: Option<String>,
    quantity: Option<String>,
    provider: Option<String>,
}

pub async fn view_support_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(f): Form<SupportForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    household_for_entry(&state, &s, &code).await?;
    let given_on = date_input(&s, &f.given_on, "Ngày hỗ trợ", "Date")?;
    let (programme, project) = match f.source.split_once('/') {
        Some((p, x)) => (p.to_owned(), Some(x.to_owned())),
        None => (f.source.clone(), None),
    };
    let amount = match filled(f.amount.as_deref()) {
        Some(a) => Some(amount_field(&s, &a, "Số tiền", "Amount")?.get()),
        None => None,
    };
    let quantity = match filled(f.quantity.as_deref()) {
        Some(q) => Some(amount_field(&s, &q, "Số lượng", "Quantity")?.get()),
        None => None,
    };
    if amount.is_none() && quantity.is_none() {
        return Err(s.bad_request(if s.lang == Lang::Vi {
            "Ghi số tiền hoặc số lượng hiện vật."
        } else {
            "Give an amount or an in-kind quantity."
        }));
    }
    let support = NewSupport {
        household_code: code.clone(),
        given_on: given_on.to_string(),
        programme,
        project,
        kind: f.kind,
        amount,
        quantity,
        provider: filled(f.provider.as_deref()).unwrap_or_default(),
        outcome: None,
        outcome_on: None,
    };
    state
        .store
        .record_support(&support, &s.user.username, &crate::clock::stamp())
        .await
        .map_err(|e| refused(&s, e))?;
    Ok(back(&code, "support"))
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    csrf_token: String,
    support: i64,
    outcome: String,
    on: String,
}

pub async fn view_support_outcome_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(f): Form<OutcomeForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    household_for_entry(&state, &s, &code).await?;
    let on = date_input(&s, &f.on, "Ngày", "Date")?;
    let outcome = f.outcome.trim();
    if outcome.is_empty() {
        return Err(s.bad_request(if s.lang == Lang::Vi {
            "Ghi kết quả: nhà đã xong, vật nuôi còn sống, nghề đã dùng…"
        } else {
            "Write the outcome: the house finished, the animals alive, the training used…"
        }));
    }
    state
        .store
        .support_outcome(
            &code,
            f.support,
            outcome,
            &on.to_string(),
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await
        .map_err(|e| refused(&s, e))?;
    Ok(back(&code, "support"))
}

#[derive(Deserialize)]
pub struct LoanForm {
    csrf_token: String,
    lender: String,
    programme: String,
    amount: String,
    rate: String,
    term_months: String,
    disbursed_on: String,
    savings_group: Option<String>,
    entrusted_by: Option<String>,
    purpose: Option<String>,
}

/// "6,6" or "6.60" percent a year → 660 hundredths.
fn rate_bp(raw: &str) -> Option<u32> {
    let v: f64 = raw
        .trim()
        .trim_end_matches('%')
        .replace(',', ".")
        .parse()
        .ok()?;
    (0.0..=100.0)
        .contains(&v)
        .then(|| (v * 100.0).round() as u32)
}

pub async fn view_loan_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(f): Form<LoanForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    household_for_entry(&state, &s, &code).await?;
    let vi = s.lang == Lang::Vi;
    let amount = amount_field(&s, &f.amount, "Số tiền vay", "Amount")?;
    let rate_bp = rate_bp(&f.rate).ok_or_else(|| {
        s.bad_request(format!(
            "{}: {:?}",
            if vi {
                "Lãi suất (%/năm), ví dụ 6,6"
            } else {
                "Rate (% a year), e.g. 6.6"
            },
            f.rate
        ))
    })?;
    let term_months = f
        .term_months
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=600).contains(m))
        .ok_or_else(|| {
            s.bad_request(format!(
                "{}: {:?}",
                if vi {
                    "Thời hạn (tháng)"
                } else {
                    "Term (months)"
                },
                f.term_months
            ))
        })?;
    let disbursed_on = date_input(&s, &f.disbursed_on, "Ngày giải ngân", "Disbursed on")?;
    let entrusted_by = filled(f.entrusted_by.as_deref()).unwrap_or_default();
    if !entrusted_by.is_empty() && !ORGANISATIONS.contains(&entrusted_by.as_str()) {
        return Err(s.bad_request(format!("{entrusted_by:?}")));
    }
    let loan = NewLoan {
        household_code: code.clone(),
        lender: f.lender,
        programme: f.programme,
        amount,
        rate_bp,
        term_months,
        disbursed_on,
        savings_group: filled(f.savings_group.as_deref()).unwrap_or_default(),
        entrusted_by,
        purpose: filled(f.purpose.as_deref()).unwrap_or_default(),
    };
    state
        .store
        .record_loan(&loan, &s.user.username, &crate::clock::stamp())
        .await
        .map_err(|e| refused(&s, e))?;
    Ok(back(&code, "loans"))
}

#[derive(Deserialize)]
pub struct RepaymentForm {
    csrf_token: String,
    loan: i64,
    paid_on: String,
    amount: String,
}

pub async fn view_repayment_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(f): Form<RepaymentForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    household_for_entry(&state, &s, &code).await?;
    let paid_on = date_input(&s, &f.paid_on, "Ngày trả", "Paid on")?;
    let amount = amount_field(&s, &f.amount, "Số tiền trả", "Amount")?;
    let repayment = RepaymentRow {
        paid_on: paid_on.to_string(),
        amount: amount.get(),
    };
    state
        .store
        .record_repayment(
            &code,
            f.loan,
            &repayment,
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await
        .map_err(|e| refused(&s, e))?;
    Ok(back(&code, "loans"))
}

#[derive(Deserialize)]
pub struct TwinningForm {
    csrf_token: String,
    helper_code: Option<String>,
    helper_name: String,
    from: String,
    commitments: String,
}

pub async fn view_twinning_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(f): Form<TwinningForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    household_for_entry(&state, &s, &code).await?;
    let from = date_input(&s, &f.from, "Từ ngày", "From")?;
    let helper_code = filled(f.helper_code.as_deref());
    if let Some(helper) = &helper_code {
        // The helping household must be one the officer reaches too.
        household_in_reach(&state, &s, helper).await?;
    }
    let name = bamho_text::nfc(f.helper_name.trim());
    if name.is_empty() || f.commitments.trim().is_empty() {
        return Err(s.bad_request(if s.lang == Lang::Vi {
            "Ghi tên hộ giúp đỡ và nội dung cam kết."
        } else {
            "Give the helping household's name and the commitments."
        }));
    }
    let twinning = NewTwinning {
        household_code: code.clone(),
        helper_code,
        helper_name: name,
        from_date: from.to_string(),
        commitments: f.commitments.trim().to_owned(),
    };
    state
        .store
        .add_twinning(&twinning, &s.user.username, &crate::clock::stamp())
        .await
        .map_err(|e| refused(&s, e))?;
    Ok(back(&code, "pairing"))
}

#[derive(Deserialize)]
pub struct ActivityForm {
    csrf_token: String,
    twinning: i64,
    on: String,
    description: Option<String>,
    /// "end" ends the pairing on that day instead.
    action: Option<String>,
}

pub async fn view_twinning_activity_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(f): Form<ActivityForm>,
) -> Result<Response, WebError> {
    s.check_csrf(&f.csrf_token)?;
    household_for_entry(&state, &s, &code).await?;
    if !state
        .store
        .twinnings(&code)
        .await?
        .iter()
        .any(|t| t.id == f.twinning && t.household_code == code)
    {
        return Err(s.not_found());
    }
    let on = date_input(&s, &f.on, "Ngày", "Date")?.to_string();
    let (actor, at) = (&s.user.username, crate::clock::stamp());
    if f.action.as_deref() == Some("end") {
        state
            .store
            .end_twinning(f.twinning, &on, actor, &at)
            .await
            .map_err(|e| refused(&s, e))?;
        return Ok(back(&code, "pairing"));
    }
    let Some(description) = filled(f.description.as_deref()) else {
        return Err(s.bad_request(if s.lang == Lang::Vi {
            "Ghi nội dung hoạt động."
        } else {
            "Describe the activity."
        }));
    };
    let activity = ActivityRow {
        on_date: on,
        description,
    };
    state
        .store
        .add_twinning_activity(f.twinning, &activity, actor, &at)
        .await
        .map_err(|e| refused(&s, e))?;
    Ok(back(&code, "pairing"))
}

/// Causes of poverty for a year: one checkbox per cause (`cause=CODE`, repeated) and a note for
/// "other".
pub async fn view_causes_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    s.check_csrf(field("csrf_token").unwrap_or_default())?;
    household_for_entry(&state, &s, &code).await?;
    let year = field("year")
        .and_then(|y| y.trim().parse::<u16>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| {
            s.bad_request(if s.lang == Lang::Vi {
                "Năm không hợp lệ."
            } else {
                "Not a year."
            })
        })?;
    let note = filled(field("note")).unwrap_or_default();
    let causes: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k == "cause")
        .map(|(_, c)| {
            (
                c.clone(),
                if c == "other" {
                    note.clone()
                } else {
                    String::new()
                },
            )
        })
        .collect();
    state
        .store
        .set_causes(
            &code,
            year,
            &causes,
            &s.user.username,
            &crate::clock::stamp(),
        )
        .await
        .map_err(|e| refused(&s, e))?;
    Ok(back(&code, "causes"))
}

#[cfg(test)]
mod tests {
    use super::rate_bp;

    #[test]
    fn rates_are_read_with_a_comma_or_a_point() {
        assert_eq!(rate_bp("6,6"), Some(660));
        assert_eq!(rate_bp("7.92%"), Some(792));
        assert_eq!(rate_bp("abc"), None);
        assert_eq!(rate_bp("-1"), None);
    }
}
