//! The JSON API under `/api/v1` (DESIGN.md "Web and API"): bearer tokens from `POST /session`, the
//! same scope rules as the pages (404 outside the scope, 403 for a role), cursor pagination.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bamho_analytics::{Boundaries, Key, rates};
use bamho_domain::classify::Deprivations;
use bamho_domain::{Standards, Year};
use bamho_store::NewSession;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{API_SESSION, ApiUser, random_token, token_hash, verify_password};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::households::ListQuery;

const OPENAPI: &str = include_str!("../assets/openapi.json");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/session", post(create_session))
        .route("/households", get(list_households))
        .route("/households/{code}", get(get_household))
        .route("/households/{code}/members", get(get_members))
        .route("/households/{code}/surveys", get(get_surveys))
        .route(
            "/households/{code}/classifications",
            get(get_classifications),
        )
        .route("/reports/rates", get(report_rates))
        .route("/reports/changes", get(report_changes))
        .route("/recognitions", get(list_recognitions))
        .fallback(|| async {
            WebError::NotFound {
                api: true,
                lang: Lang::Vi,
            }
        })
}

/// A query string read as `T`, or a JSON 400 naming what is wrong with it.
struct ApiQuery<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| Self(q))
            .map_err(|e: QueryRejection| crate::error::json(e.status(), &e.body_text()))
    }
}

/// A JSON body read as `T`, or a JSON error (400, 415 or 422) naming what is wrong with it.
struct ApiJson<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(v)| Self(v))
            .map_err(|e: JsonRejection| crate::error::json(e.status(), &e.body_text()))
    }
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

async fn create_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(c): ApiJson<Credentials>,
) -> Result<Response, WebError> {
    let lang = Lang::from_headers(&headers);
    let username = c.username.trim();
    if state.throttle.is_blocked(username) {
        return Err(WebError::TooManyRequests { api: true, lang });
    }
    let user = state.store.user_by_name(username).await?;
    let Some(user) = user.filter(|u| verify_password(&u.password_hash, &c.password)) else {
        state.throttle.fail(username);
        return Err(WebError::Unauthenticated {
            api: true,
            next: String::new(),
        });
    };
    state.throttle.succeed(username);
    let token = random_token()?;
    state
        .store
        .create_session(&NewSession {
            token_hash: token_hash(&token),
            user_id: user.id,
            kind: "api".into(),
            csrf: random_token()?,
            created_at: crate::clock::stamp(),
            expires_at: crate::clock::unix_now() + API_SESSION,
        })
        .await?;
    Ok(Json(json!({ "token": token, "expires_in": API_SESSION })).into_response())
}

async fn list_households(
    ApiUser(s): ApiUser,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Value>, WebError> {
    s.require_names()?;
    let query = q.to_store(&s, 50)?;
    let page = state.store.households(&s.reach, &query).await?;
    Ok(Json(
        json!({ "items": page.items, "next": page.next, "year": page.year }),
    ))
}

/// A household the user reaches, for a client with the right to names: 404 outside the reach
/// first (a household out of scope is not told to exist), then 403 without that right.
async fn named_household(
    state: &AppState,
    s: &crate::auth::Signed,
    code: &str,
) -> Result<bamho_store::HouseholdDetail, WebError> {
    let detail = crate::views::household_in_reach(state, s, code).await?;
    s.require_names()?;
    Ok(detail)
}

async fn get_household(
    ApiUser(s): ApiUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, WebError> {
    let detail = named_household(&state, &s, &code).await?;
    let classifications: Vec<Value> = detail.years.iter().map(classification_json).collect();
    let supporters = state.store.assignments(&code).await?;
    let visits = state.store.visits(&code).await?;
    let today = crate::clock::today();
    let loans: Vec<Value> = state
        .store
        .loans(&code)
        .await?
        .into_iter()
        .map(|l| {
            let (balance, status) = (l.balance(), l.status(today).as_str());
            let mut v = json!(l);
            v["balance"] = json!(balance);
            v["status"] = json!(status);
            v
        })
        .collect();
    Ok(Json(json!({
        "household_code": detail.household_code,
        "village_code": detail.village_code,
        "village_name": detail.village_name,
        "commune_code": detail.commune_code,
        "area": detail.years.first().map(|y| y.area.clone()),
        "members": detail.members,
        "classifications": classifications,
        "events": detail.events,
        "supporters": supporters,
        "visits": visits,
        "twinnings": state.store.twinnings(&code).await?,
        "study_tours": state.store.tours_of(&code).await?,
        "support": state.store.support(&code).await?,
        "loans": loans,
        "causes": state.store.causes(&code).await?,
        "recognitions": state.store.recognitions_of(&code).await?,
        "standing": standing_json(&detail.years, today.year()),
    })))
}

/// The indicator codes of a year's deprivations under its standard.
fn deprivation_codes(y: &bamho_store::YearRow) -> Vec<String> {
    Standards::embedded()
        .by_id(&y.standard)
        .map(|s| {
            Deprivations::from_mask(y.deprived)
                .codes(s)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// One review year's classification: the decided class where a decision exists, else the
/// computed one, with the survey it rests on.
fn classification_json(y: &bamho_store::YearRow) -> Value {
    json!({
        "year": y.year,
        "standard": y.standard,
        "class": y.decided_class.clone().unwrap_or_else(|| y.class.clone()),
        "computed_class": y.class,
        "deprivations": deprivation_codes(y),
        "decided": y.decided_class.is_some(),
        "decision": y.decision_number.as_ref().map(|n| json!({"number": n, "date": y.decision_date})),
        "commune_code": y.commune_code,
        "province_code": y.province_code,
        "area": y.area,
        "members": y.members,
        "income_per_capita": y.income_per_capita,
        "b1_score": y.b1_score,
    })
}

/// The household's members, head first.
async fn get_members(
    ApiUser(s): ApiUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, WebError> {
    let detail = named_household(&state, &s, &code).await?;
    Ok(Json(
        json!({ "household_code": detail.household_code, "members": detail.members }),
    ))
}

/// The household's surveys, one per review year: what was found, before any decision.
async fn get_surveys(
    ApiUser(s): ApiUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, WebError> {
    let detail = named_household(&state, &s, &code).await?;
    let surveys: Vec<Value> = detail
        .years
        .iter()
        .map(|y| {
            json!({
                "year": y.year,
                "standard": y.standard,
                "commune_code": y.commune_code,
                "province_code": y.province_code,
                "area": y.area,
                "members": y.members,
                "income_per_capita": y.income_per_capita,
                "b1_score": y.b1_score,
                "deprivations": deprivation_codes(y),
                "computed_class": y.class,
            })
        })
        .collect();
    Ok(Json(
        json!({ "household_code": detail.household_code, "surveys": surveys }),
    ))
}

/// The household's classification year by year.
async fn get_classifications(
    ApiUser(s): ApiUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, WebError> {
    let detail = named_household(&state, &s, &code).await?;
    let classifications: Vec<Value> = detail.years.iter().map(classification_json).collect();
    Ok(Json(json!({
        "household_code": detail.household_code,
        "classifications": classifications,
    })))
}

/// `{"status": "newly_escaped", "since", "until"}`, `{"status": "relapsed", "escaped", "year"}`
/// or null.
fn standing_json(years: &[bamho_store::YearRow], year: u16) -> Value {
    use bamho_domain::recognition::{Standing, standing};
    let classes = years
        .iter()
        .filter_map(|y| {
            Some((
                y.year,
                bamho_domain::Class::parse(y.decided_class.as_deref()?)?,
            ))
        })
        .collect();
    match standing(&classes, year) {
        Some(Standing::NewlyEscaped { since, until }) => {
            json!({"status": "newly_escaped", "since": since, "until": until})
        }
        Some(Standing::Relapsed { escaped, year }) => {
            json!({"status": "relapsed", "escaped": escaped, "year": year})
        }
        None => Value::Null,
    }
}

#[derive(Deserialize)]
struct RecognitionsQuery {
    year: Option<u16>,
}

/// Recognition decisions of the user's communes (names stay with the pages and the household
/// detail: this list carries counts only).
async fn list_recognitions(
    ApiUser(s): ApiUser,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RecognitionsQuery>,
) -> Result<Json<Value>, WebError> {
    let items = state
        .store
        .recognitions(s.communes().as_deref(), q.year)
        .await?;
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
struct RatesQuery {
    year: String,
    by: Option<String>,
    boundaries: Option<String>,
}

/// The `report --format json` shape, over the user's reach.
async fn report_rates(
    ApiUser(s): ApiUser,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RatesQuery>,
) -> Result<Json<Value>, WebError> {
    let bad = |message: String| s.bad_request(message);
    let year = Year::parse(&q.year).map_err(|e| bad(format!("year: {e}")))?;
    let keys =
        q.by.as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|k| !k.trim().is_empty())
            .map(|k| Key::parse(k).ok_or_else(|| bad(format!("by: unknown key {k}"))))
            .collect::<Result<Vec<_>, _>>()?;
    if !s.role.sees_names() && keys.contains(&Key::Village) {
        // Viewers see aggregates, but not down to a village's few households.
        return Err(WebError::Forbidden {
            api: true,
            lang: s.lang,
        });
    }
    let boundaries = match q.boundaries.as_deref() {
        None | Some("recorded") => Boundaries::Recorded,
        Some("current") => Boundaries::Current,
        Some(other) => return Err(bad(format!("boundaries: recorded or current, not {other}"))),
    };
    let snapshot =
        crate::views::home::snapshot_in_reach(state.store.as_ref(), &s.reach, year).await?;
    let scope = s.user.scope_code.clone().unwrap_or_else(|| "all".into());
    let report = rates(&snapshot, &keys, boundaries, crate::clock::today(), &scope);
    serde_json::to_value(report)
        .map(Json)
        .map_err(|e| WebError::Internal(e.to_string()))
}

#[derive(Deserialize)]
struct ChangesQuery {
    year: String,
}

/// The `report --changes --format json` shape (report form 7.2 and the transition matrix) of a
/// year against the one before, over the user's reach.
async fn report_changes(
    ApiUser(s): ApiUser,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ChangesQuery>,
) -> Result<Json<Value>, WebError> {
    let bad = |message: String| s.bad_request(message);
    let year = Year::parse(&q.year).map_err(|e| bad(format!("year: {e}")))?;
    let this_year = crate::clock::today().year();
    if year.get() <= FIRST_YEAR || year.get() > this_year {
        return Err(bad(format!(
            "year: changes need a review year from {} to {this_year}",
            FIRST_YEAR + 1
        )));
    }
    let store = state.store.as_ref();
    let mut snapshots = Vec::new();
    for y in FIRST_YEAR..=year.get() {
        let y = Year::new(y).map_err(|e| bad(format!("year: {e}")))?;
        snapshots.push(crate::views::home::snapshot_in_reach(store, &s.reach, y).await?);
    }
    let current = snapshots.pop().unwrap_or_default();
    let previous = snapshots.pop().unwrap_or_default();
    let scope = s.user.scope_code.clone().unwrap_or_else(|| "all".into());
    let report = bamho_analytics::changes::changes(&snapshots, &previous, &current, &scope);
    serde_json::to_value(report)
        .map(Json)
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// The first review year bamho's standards cover.
const FIRST_YEAR: u16 = 2022;
