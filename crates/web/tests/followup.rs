//! Follow-up through the pages: an officer names a supporter and assigns a household; the
//! supporter sees only their households and logs a visit from the phone view.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot proceed fails"
)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, csrf};

#[tokio::test]
async fn a_supporter_follows_only_the_households_assigned_to_them() {
    let app = TestApp::spawn().await;
    let decision = bamho_store::Decision {
        commune_code: "23365".into(),
        year: bamho_domain::Year::new(2025).unwrap(),
        number: "9/QĐ-UBND".into(),
        decided_on: bamho_domain::Date::parse("2025-12-20").unwrap(),
        signer: "Chủ tịch".into(),
    };
    app.store.decide(&decision, "t", "t").await.unwrap();
    let officer = app.login("ngoclinh").await;
    let gap = app.get("/unassigned", Some(&officer)).await;
    assert_eq!(gap.status, StatusCode::OK);
    let code = gap
        .body
        .split("href=\"/households/")
        .nth(1)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .to_owned();
    let token = csrf(&app.get("/supporters", Some(&officer)).await.body);
    let added = app.post_form("/supporters", &officer, &format!("csrf_token={token}&full_name=Y+Hoa&organisation=womens_union&commune=23365&phone=&username=hotro")).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let page = app
        .get(&format!("/households/{code}"), Some(&officer))
        .await;
    let supporter = page
        .body
        .split("name=\"supporter\"><option value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let assigned = app.post_form(&format!("/households/{code}/assignments"), &officer, &format!("csrf_token={token}&supporter={supporter}&from=2026-01-05&reason=h%E1%BB%99+ngh%C3%A8o")).await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER);
    assert!(
        !app.get("/unassigned", Some(&officer))
            .await
            .body
            .contains(&format!("/households/{code}#")),
        "the gap closes"
    );
    let me = app.login("hotro").await;
    let my = app.get("/my", Some(&me)).await;
    assert_eq!(my.status, StatusCode::OK);
    assert!(my.body.contains(&code));
    assert!(
        my.body.len() < 40_000,
        "a page for a cheap phone: {} bytes",
        my.body.len()
    );
    let visit = app.post_form(&format!("/households/{code}/visits"), &me, &format!("csrf_token={}&back=my&visited_on=2026-02-01&found=m%C3%A1i+d%E1%BB%99t&next_steps=n%E1%BB%99p+h%E1%BB%93+s%C6%A1&next_due=2026-01-20", csrf(&my.body))).await;
    assert_eq!(visit.status, StatusCode::SEE_OTHER);
    let my = app.get("/my", Some(&me)).await;
    assert!(
        my.body.contains("2026-02-01") && my.body.contains("quá hạn"),
        "the next visit is overdue"
    );
    assert_eq!(
        app.get(&format!("/households/{code}"), Some(&me))
            .await
            .status,
        StatusCode::OK
    );
    let other = app.household_in("23341").await;
    assert_eq!(
        app.get(&format!("/households/{other}"), Some(&me))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = app.get("/households?limit=500", Some(&me)).await;
    assert!(list.body.contains(&code) && !list.body.contains(&other));
    let history = app
        .get(&format!("/households/{code}"), Some(&officer))
        .await;
    assert!(
        history.body.contains("mái dột") && history.body.contains("Y Hoa"),
        "the officer reads the visit"
    );
    assert_eq!(
        app.get("/supporters", Some(&me)).await.status,
        StatusCode::FORBIDDEN
    );
}
