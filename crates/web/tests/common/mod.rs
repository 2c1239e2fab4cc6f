//! The test harness: a fresh SQLite database with a small synthetic district, one account per
//! role, and the router driven in process.

#![allow(dead_code, reason = "each test binary uses part of the harness")]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bamho_domain::Date;
use bamho_io::{Batch, Errors};
use bamho_store::{ImportOptions, NewUser, Store};
use bamho_synth::{AreaKind, Config, Sinks, generate};
use bamho_web::{AppState, router};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The CSRF token of the first form on a page.
pub fn csrf(body: &str) -> String {
    body.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

pub struct TestApp {
    pub app: Router,
    pub store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

/// Accounts: (username, role, scope). Ngọc Linh (23365) and Đăk Pék (23341) are communes of today.
pub const USERS: [(&str, &str, Option<&str>); 6] = [
    ("tinh", "province_admin", Some("51")),
    ("ngoclinh", "commune_officer", Some("23365")),
    ("dakpek", "commune_officer", Some("23341")),
    ("thon", "village_head", Some("23362-T01")),
    ("hotro", "supporter", None),
    ("xem", "viewer", Some("51")),
];
pub const PASSWORD: &str = "correct horse";

/// The synthetic households every test app holds: 400 of the demo area, reviewed 2024 and 2025.
fn synthetic() -> Batch {
    let mut sinks = Sinks {
        households: Vec::new(),
        members: Vec::new(),
        events: Vec::new(),
    };
    let config = Config {
        households: 400,
        seed: 5,
        years: 2024..=2025,
        area: AreaKind::DakGlei,
    };
    generate(&config, &mut sinks, &mut |_| {}).unwrap();
    let mut batch = Batch::default();
    let mut errors = Errors::default();
    batch.read("h.csv", &sinks.households, &mut errors);
    batch.read("m.csv", &sinks.members, &mut errors);
    assert!(errors.is_empty(), "{errors}");
    batch
}

impl TestApp {
    /// Decides every commune's review of 2024 and 2025, as the commune chairs would in December.
    pub async fn decide_all(&self) {
        let units = bamho_domain::Units::national();
        let mut done = std::collections::BTreeSet::new();
        for (_, r) in &synthetic().households {
            let key = (r.year, units.get(r.commune).code.to_owned());
            if done.insert(key.clone()) {
                let decision = bamho_store::Decision {
                    commune_code: key.1,
                    year: key.0,
                    number: format!("{}/QĐ-UBND", done.len()),
                    decided_on: Date::new(key.0.get(), 12, 20).unwrap(),
                    signer: "Chủ tịch UBND xã".into(),
                };
                self.store.decide(&decision, "test", "t").await.unwrap();
            }
        }
    }

    pub async fn spawn() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = bamho_store::open(&dir.path().join("t.sqlite").to_string_lossy())
            .await
            .unwrap();
        let batch = synthetic();
        let options = ImportOptions {
            replace: false,
            dry_run: false,
            actor: "test".into(),
            at: "2026-01-01T00:00:00Z".into(),
            today: Date::parse("2026-01-01").unwrap(),
            source: "test".into(),
        };
        store.import(&batch, &options).await.unwrap();
        let hash = bamho_web::hash_password(PASSWORD).unwrap();
        for (username, role, scope) in USERS {
            let user = NewUser {
                username: username.into(),
                password_hash: hash.clone(),
                role: role.into(),
                scope_code: scope.map(str::to_owned),
                created_at: "2026-01-01T00:00:00Z".into(),
            };
            store.add_user(&user).await.unwrap();
        }
        let app = router(AppState::new(store.clone()));
        Self {
            app,
            store,
            _dir: dir,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut r = Request::get(path);
        if let Some(c) = cookie {
            r = r.header(header::COOKIE, c);
        }
        self.send(r.body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&self, path: &str, cookie: &str, body: &str) -> Reply {
        let r = Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(r).await
    }

    /// The login form's CSRF token and cookie.
    pub async fn login_form(&self) -> (String, String) {
        let page = self.get("/login", None).await;
        let token = page
            .body
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let cookie = page.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        (token, cookie)
    }

    pub async fn try_login(&self, username: &str, password: &str) -> Reply {
        let (token, cookie) = self.login_form().await;
        self.post_form(
            "/login",
            &cookie,
            &format!("username={username}&password={password}&csrf_token={token}&next=/households"),
        )
        .await
    }

    /// Signs in and returns the session cookie.
    pub async fn login(&self, username: &str) -> String {
        let reply = self.try_login(username, &PASSWORD.replace(' ', "+")).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{username}: {}",
            reply.body
        );
        assert_eq!(reply.headers[header::LOCATION], "/households");
        let cookie = reply
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .find(|c| c.to_str().unwrap().starts_with("bamho_session="))
            .unwrap();
        cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    }

    pub async fn token(&self, username: &str) -> String {
        let body = format!("{{\"username\":\"{username}\",\"password\":\"{PASSWORD}\"}}");
        let r = Request::post("/api/v1/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap();
        let reply = self.send(r).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json()["token"].as_str().unwrap().to_owned()
    }

    pub async fn api(&self, path: &str, token: &str) -> Reply {
        let r = Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        self.send(r).await
    }

    /// A household whose village lies today in `commune`.
    pub async fn household_in(&self, commune: &str) -> String {
        let reach = bamho_store::Reach::Communes(vec![commune.to_owned()]);
        let q = bamho_store::HouseholdQuery {
            limit: 1,
            ..Default::default()
        };
        self.store.households(&reach, &q).await.unwrap().items[0]
            .household_code
            .clone()
    }
}
