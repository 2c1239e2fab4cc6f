//! bamho's web application: HTML pages for commune officers, village heads and province officers,
//! and the JSON API under `/api/v1`. The database is reached only through the storage port;
//! authorisation is decided once per request by the extractors in [`auth`].

pub mod access;
pub mod api;
pub mod auth;
pub mod charts;
pub mod clock;
pub mod error;
pub mod http;
pub mod i18n;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use bamho_store::Store;

pub use auth::{Throttle, hash_password};
pub use error::WebError;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub throttle: Arc<Throttle>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            throttle: Arc::new(Throttle::default()),
        }
    }
}

/// Headers on every response: no sniffing, no framing, no referrer, a strict content policy, and
/// no caching of pages that hold personal data.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name, value| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
    );
    set(h, header::CACHE_CONTROL, "no-store");
    response
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(views::healthz))
        .route("/assets/app.css", get(views::stylesheet))
        .route("/assets/print.css", get(views::print_stylesheet))
        .route("/assets/htmx.min.js", get(views::htmx))
        .route(
            "/login",
            get(views::login::view_login_get).post(views::login::view_login_post),
        )
        .route("/logout", post(views::login::view_logout_post))
        .route("/lang/{code}", get(views::set_lang))
        .route("/", get(views::home::view_home_get))
        .route("/households", get(views::households::view_households_get))
        .route(
            "/households/{code}",
            get(views::households::view_household_get),
        )
        .route(
            "/households/{code}/survey",
            get(views::survey::view_survey_get).post(views::survey::view_survey_post),
        )
        .route(
            "/households/{code}/certificate/{year}",
            get(views::print::view_certificate_get),
        )
        .route(
            "/households/{code}/requests",
            post(views::requests::view_request_post),
        )
        .route("/requests", get(views::requests::view_requests_get))
        .route(
            "/reviews",
            get(views::review::view_reviews_get).post(views::review::view_reviews_post),
        )
        .route("/reviews/{id}", get(views::review::view_review_get))
        .route(
            "/reviews/{id}/meetings",
            post(views::review::view_meeting_post),
        )
        .route(
            "/reviews/{id}/posted",
            post(views::review::view_posted_post),
        )
        .route(
            "/reviews/{id}/decision",
            post(views::review::view_decision_post),
        )
        .route("/reviews/{id}/posting", get(views::print::view_posting_get))
        .route(
            "/households/new",
            get(views::edit::view_new_get).post(views::edit::view_new_post),
        )
        .route("/households/{code}/edit", get(views::edit::view_edit_get))
        .route(
            "/households/{code}/members/{no}",
            post(views::edit::view_member_post),
        )
        .route("/households/{code}/move", post(views::edit::view_move_post))
        .route(
            "/households/{code}/split",
            post(views::edit::view_split_post),
        )
        .route(
            "/households/{code}/merge",
            post(views::edit::view_merge_post),
        )
        .route("/my", get(views::followup::view_my_get))
        .route("/unassigned", get(views::followup::view_unassigned_get))
        .route(
            "/supporters",
            get(views::followup::view_supporters_get).post(views::followup::view_supporters_post),
        )
        .route(
            "/households/{code}/assignments",
            post(views::followup::view_assign_post),
        )
        .route(
            "/households/{code}/assignments/end",
            post(views::followup::view_end_assignment_post),
        )
        .route(
            "/households/{code}/visits",
            post(views::followup::view_visit_post),
        )
        .route("/overdue", get(views::overdue::view_overdue_get))
        .route("/lasting", get(views::lasting::view_lasting_get))
        .route("/duplicates", get(views::duplicates::view_duplicates_get))
        .route(
            "/import",
            get(views::import::view_import_get)
                .post(views::import::view_import_post)
                .layer(axum::extract::DefaultBodyLimit::max(
                    views::import::MAX_UPLOAD,
                )),
        )
        .route(
            "/recognitions",
            get(views::recognition::view_recognitions_get)
                .post(views::recognition::view_recognitions_post),
        )
        .route(
            "/recognitions/{commune}/{year}",
            get(views::recognition::view_nominees_get),
        )
        .route(
            "/recognitions/{commune}/{year}/status",
            post(views::recognition::view_nominee_status_post),
        )
        .route(
            "/recognitions/{commune}/{year}/add",
            post(views::recognition::view_nominee_add_post),
        )
        .route(
            "/recognitions/{commune}/{year}/decision",
            post(views::recognition::view_recognition_decision_post),
        )
        .route(
            "/recognitions/{commune}/{year}/certificates",
            get(views::recognition::view_merit_get),
        )
        .route(
            "/recognitions/{commune}/{year}/villages/{village}",
            get(views::recognition::view_commendation_get),
        )
        .route(
            "/tours",
            get(views::tours::view_tours_get).post(views::tours::view_tours_post),
        )
        .route(
            "/households/{code}/timeline",
            get(views::timeline::view_timeline_get),
        )
        .route(
            "/households/{code}/support",
            post(views::timeline::view_support_post),
        )
        .route(
            "/households/{code}/support/outcome",
            post(views::timeline::view_support_outcome_post),
        )
        .route(
            "/households/{code}/loans",
            post(views::timeline::view_loan_post),
        )
        .route(
            "/households/{code}/loans/repayment",
            post(views::timeline::view_repayment_post),
        )
        .route(
            "/households/{code}/twinnings",
            post(views::timeline::view_twinning_post),
        )
        .route(
            "/households/{code}/twinnings/activity",
            post(views::timeline::view_twinning_activity_post),
        )
        .route(
            "/households/{code}/causes",
            post(views::timeline::view_causes_post),
        )
        .route("/dashboard", get(views::dashboard::view_dashboard_get))
        .nest("/api/v1", api::router())
        .fallback(views::not_found)
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// A bound server, ready to run.
#[derive(Debug)]
pub struct Application {
    listener: tokio::net::TcpListener,
    state: AppState,
}

impl Application {
    /// Binds `addr` (port 0 picks a free port, for tests).
    pub async fn build(state: AppState, addr: &str) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(Self { listener, state })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until Ctrl-C.
    pub async fn run(self) -> std::io::Result<()> {
        axum::serve(self.listener, router(self.state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    }
}
