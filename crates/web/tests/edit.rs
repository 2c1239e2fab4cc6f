//! Registering and editing households through the pages, and the survey's live preview.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot proceed fails"
)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TestApp, csrf};

fn head(extra: &str) -> String {
    format!(
        "full_name=Y+L%C3%AAn&sex=f&birth_year=1990&ethnicity=29&citizen_id={extra}&relation=head"
    )
}

#[tokio::test]
async fn an_officer_registers_edits_splits_and_merges_households() {
    let app = TestApp::spawn().await;
    let cookie = app.login("ngoclinh").await;
    let form = app.get("/households/new", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK);
    let token = csrf(&form.body);
    let village = form
        .body
        .split("<option value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let bad = app
        .post_form(
            "/households/new",
            &cookie,
            &format!("csrf_token={token}&village={village}&{}", head("12345")),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Số CCCD có 12 chữ số"),
        "the error stands beside the field"
    );
    assert!(
        bad.body.contains("value=\"Y Lên\""),
        "what was typed is kept"
    );
    let created = app
        .post_form(
            "/households/new",
            &cookie,
            &format!(
                "csrf_token={token}&village={village}&{}",
                head("062190001234")
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let code = created.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .trim_start_matches("/households/")
        .to_owned();
    let page = app.get(&format!("/households/{code}"), Some(&cookie)).await;
    assert!(page.body.contains("Y Lên") && page.body.contains("062190001234"));
    let add = |name: &str| {
        format!(
            "csrf_token={token}&action=save&full_name={name}&sex=m&birth_year=2010&ethnicity=29&citizen_id=&relation=child"
        )
    };
    assert_eq!(
        app.post_form(
            &format!("/households/{code}/members/0"),
            &cookie,
            &add("A+Blong")
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.post_form(
            &format!("/households/{code}/members/0"),
            &cookie,
            &add("A+Nhong")
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let wrong = app.post_form(&format!("/households/{code}/members/2"), &cookie, &format!("csrf_token={token}&action=save&full_name=A+Blong&sex=m&birth_year=3000&ethnicity=29&relation=child")).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Năm sinh từ 1880 đến"));
    let split = app
        .post_form(
            &format!("/households/{code}/split"),
            &cookie,
            &format!("csrf_token={token}&m3=1"),
        )
        .await;
    assert_eq!(split.status, StatusCode::SEE_OTHER);
    let new = split.headers[header::LOCATION].to_str().unwrap().to_owned();
    let new_page = app.get(&new, Some(&cookie)).await;
    assert!(
        new_page.body.contains("A Nhong") && new_page.body.contains(&format!("tách từ hộ {code}")),
        "the lineage shows"
    );
    let other = app.household_in("23341").await;
    let refused = app
        .post_form(
            &format!("{new}/merge"),
            &cookie,
            &format!("csrf_token={token}&into={other}"),
        )
        .await;
    assert!(
        refused
            .body
            .contains(&format!("Không có hộ {other} trong phạm vi của bạn.")),
        "no merging across scopes"
    );
    let merged = app
        .post_form(
            &format!("{new}/merge"),
            &cookie,
            &format!("csrf_token={token}&into={code}"),
        )
        .await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER);
    let history = app.get(&format!("/households/{code}"), Some(&cookie)).await;
    assert!(
        history.body.contains("merge")
            && history.body.contains("split")
            && history.body.contains("create"),
        "every change is in the history"
    );
}

#[tokio::test]
async fn editing_keeps_to_role_and_scope() {
    let app = TestApp::spawn().await;
    let mine = app.household_in("23365").await;
    let theirs = app.household_in("23341").await;
    for (user, path, expected) in [
        ("ngoclinh", format!("/households/{mine}/edit"), 200),
        ("ngoclinh", format!("/households/{theirs}/edit"), 404),
        ("tinh", format!("/households/{theirs}/edit"), 200),
        ("xem", format!("/households/{mine}/edit"), 403),
        ("hotro", format!("/households/{mine}/edit"), 404),
        ("xem", "/households/new".to_owned(), 403),
        ("thon", "/households/new".to_owned(), 403),
    ] {
        let cookie = app.login(user).await;
        assert_eq!(
            app.get(&path, Some(&cookie)).await.status.as_u16(),
            expected,
            "{user} {path}"
        );
    }
    let cookie = app.login("dakpek").await;
    let token = csrf(&app.get("/", Some(&cookie)).await.body);
    let post = app
        .post_form(
            &format!("/households/{mine}/members/1"),
            &cookie,
            &format!("csrf_token={token}&action=remove"),
        )
        .await;
    assert_eq!(
        post.status,
        StatusCode::NOT_FOUND,
        "writes outside the scope answer 404 too"
    );
}

#[tokio::test]
async fn the_survey_preview_comes_back_as_a_fragment_for_htmx() {
    let app = TestApp::spawn().await;
    let cookie = app.login("ngoclinh").await;
    let code = app.household_in("23365").await;
    let form = app
        .get(
            &format!("/households/{code}/survey?year=2026"),
            Some(&cookie),
        )
        .await;
    assert!(form.body.contains("hx-post=") && form.body.contains("/assets/htmx.min.js"));
    let token = csrf(&form.body);
    let request = Request::post(format!("/households/{code}/survey"))
        .header(header::COOKIE, &cookie)
        .header("HX-Request", "true")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf_token={token}&year=2026&members=4&income=900000&d01=1&d02=1&action=preview"
        )))
        .unwrap();
    let fragment = app.send(request).await;
    assert_eq!(fragment.status, StatusCode::OK);
    assert!(
        fragment
            .body
            .trim_start()
            .starts_with("<div id=\"preview\""),
        "{}",
        fragment.body
    );
    assert!(fragment.body.contains("hộ cận nghèo") && !fragment.body.contains("<html"));
    let script = app.get("/assets/htmx.min.js", None).await;
    assert_eq!(script.status, StatusCode::OK);
}
