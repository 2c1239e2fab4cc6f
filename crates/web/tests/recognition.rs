//! Recognition through the pages: an officer proposes the nominees of a decided year, removes
//! one, confirms the rest, records the decision, prints the certificates and a village's list;
//! the lasting-escape figures; scope and roles on every step.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot proceed fails"
)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, csrf};

#[tokio::test]
async fn an_officer_confirms_nominees_issues_the_decision_and_prints_certificates() {
    let app = TestApp::spawn().await;
    app.decide_all().await;
    let officer = app.login("ngoclinh").await;
    let index = app.get("/recognitions", Some(&officer)).await;
    assert_eq!(index.status, StatusCode::OK);
    let token = csrf(&index.body);
    let prepared = app
        .post_form(
            "/recognitions",
            &officer,
            &format!("csrf_token={token}&commune=23365&year=2025"),
        )
        .await;
    assert_eq!(prepared.status, StatusCode::SEE_OTHER);
    let page = app.get("/recognitions/23365/2025", Some(&officer)).await;
    assert_eq!(page.status, StatusCode::OK);
    let nominees = app.store.nominees("23365", 2025).await.unwrap();
    let households: Vec<_> = nominees.iter().filter(|n| n.kind == "household").collect();
    assert!(households.len() >= 2, "{} escapes", households.len());
    for h in &households {
        assert!(
            page.body.contains(&h.household_code),
            "{} listed",
            h.household_code
        );
    }
    let path = "/recognitions/23365/2025";
    let decide = |number: &str| {
        format!(
            "csrf_token={token}&number={number}&decided_on=2026-01-10&committee=UBND+x%C3%A3+Ng%E1%BB%8Dc+Linh&ceremony_on=20%2F01%2F2026"
        )
    };
    let early = app
        .post_form(
            &format!("{path}/decision"),
            &officer,
            &decide("5%2FQ%C4%90-UBND"),
        )
        .await;
    assert_eq!(
        early.status,
        StatusCode::BAD_REQUEST,
        "nominees are still proposed"
    );
    let removed = households[0];
    let r = app
        .post_form(
            &format!("{path}/status"),
            &officer,
            &format!("csrf_token={token}&nominee={}&status=removed", removed.id),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let added = app
        .post_form(
            &format!("{path}/add"),
            &officer,
            &format!(
                "csrf_token={token}&household={}&kind=helper&name=A+Thanh&organisation=youth_union",
                households[1].household_code
            ),
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let all = app
        .post_form(
            &format!("{path}/status"),
            &officer,
            &format!("csrf_token={token}&status=all"),
        )
        .await;
    assert_eq!(all.status, StatusCode::SEE_OTHER);
    let issued = app
        .post_form(
            &format!("{path}/decision"),
            &officer,
            &decide("5%2FQ%C4%90-UBND"),
        )
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER);
    let again = app
        .post_form(
            &format!("{path}/status"),
            &officer,
            &format!("csrf_token={token}&nominee={}&status=confirmed", removed.id),
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "a decision is final");

    let merit = app
        .get(&format!("{path}/certificates"), Some(&officer))
        .await;
    assert_eq!(merit.status, StatusCode::OK);
    let confirmed = app
        .store
        .nominees("23365", 2025)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.status == "confirmed")
        .count();
    assert_eq!(
        merit.body.matches("GIẤY KHEN").count(),
        confirmed,
        "one certificate per confirmed nominee"
    );
    assert!(
        merit.body.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
            && merit.body.contains("5/QĐ-UBND")
    );
    assert!(merit.body.contains("A Thanh") && merit.body.contains("Đoàn Thanh niên"));
    assert!(
        !merit.body.contains(&format!("ông/bà {}", removed.name))
            || households.iter().filter(|h| h.name == removed.name).count() > 1,
        "the removed household gets none"
    );
    let village = &households[1].village_code;
    let list = app
        .get(&format!("{path}/villages/{village}"), Some(&officer))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("ngày 20 tháng 01 năm 2026"),
        "the ceremony day"
    );
    assert!(list.body.contains(&households[1].name));

    // The household's timeline and the API carry the recognition.
    let timeline = app
        .get(
            &format!("/households/{}/timeline", households[1].household_code),
            Some(&officer),
        )
        .await;
    assert!(timeline.body.contains("Được khen thưởng (5/QĐ-UBND)"));
    assert!(
        timeline.body.contains("Hộ mới thoát nghèo năm 2025"),
        "newly escaped for three years"
    );
    let token_api = app.token("ngoclinh").await;
    let detail = app
        .api(
            &format!("/api/v1/households/{}", households[1].household_code),
            &token_api,
        )
        .await
        .json();
    assert_eq!(detail["recognitions"][0]["decision_number"], "5/QĐ-UBND");
    assert_eq!(detail["standing"]["status"], "newly_escaped");
    assert_eq!(detail["standing"]["until"], 2028);
    let listed = app
        .api("/api/v1/recognitions?year=2025", &token_api)
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let other_api = app
        .api("/api/v1/recognitions?year=2025", &app.token("dakpek").await)
        .await
        .json();
    assert!(
        other_api["items"].as_array().unwrap().is_empty(),
        "another commune's decisions stay out"
    );

    // Scope and roles.
    let other = app.login("dakpek").await;
    assert_eq!(
        app.get(path, Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("{path}/certificates"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let other_token = csrf(&app.get("/recognitions", Some(&other)).await.body);
    let foreign = app
        .post_form(
            "/recognitions",
            &other,
            &format!("csrf_token={other_token}&commune=23365&year=2025"),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let viewer = app.login("xem").await;
    assert_eq!(
        app.get("/recognitions", Some(&viewer)).await.status,
        StatusCode::FORBIDDEN
    );
    let head = app.login("thon").await;
    assert_eq!(
        app.get(&format!("{path}/villages/23362-T01"), Some(&head))
            .await
            .status
            == StatusCode::OK,
        app.store
            .nominees("23365", 2025)
            .await
            .unwrap()
            .iter()
            .any(|n| n.village_code == "23362-T01" && n.status == "confirmed"),
        "a village head reads their own village's list"
    );
    let elsewhere = households
        .iter()
        .find(|h| h.village_code != "23362-T01")
        .unwrap();
    assert_ne!(
        app.get(
            &format!("{path}/villages/{}", elsewhere.village_code),
            Some(&head)
        )
        .await
        .status,
        StatusCode::OK
    );
    app.store.verify_audit().await.unwrap();
}

#[tokio::test]
async fn the_lasting_escape_page_shows_figures_to_all_and_names_to_those_who_may_see_them() {
    let app = TestApp::spawn().await;
    app.decide_all().await;
    let officer = app.login("ngoclinh").await;
    let page = app.get("/lasting", Some(&officer)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sau 1 năm") && page.body.contains("Có người giúp đỡ"));
    assert!(page.body.contains("Hộ tái nghèo"));
    assert!(
        page.body.contains("Tỷ lệ thoát nghèo trong năm")
            && page.body.contains("Không có người giúp đỡ")
    );
    let viewer = app.login("xem").await;
    let figures = app.get("/lasting", Some(&viewer)).await;
    assert_eq!(figures.status, StatusCode::OK);
    assert!(
        !figures.body.contains("id=\"relapsed\""),
        "no names for a viewer"
    );
}
