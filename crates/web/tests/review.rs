//! The annual review through the pages, as a commune officer carries it: open the review, enter a
//! survey (preview, then save), record the village meeting, post, decide, print the certificate.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot proceed fails"
)]

mod common;

use axum::http::{StatusCode, header};
use common::{TestApp, csrf};

#[tokio::test]
async fn a_commune_officer_carries_a_review_from_survey_to_certificate() {
    let app = TestApp::spawn().await;
    let decision = bamho_store::Decision {
        commune_code: "23365".into(),
        year: bamho_domain::Year::new(2025).unwrap(),
        number: "88/QĐ-UBND".into(),
        decided_on: bamho_domain::Date::parse("2025-12-20").unwrap(),
        signer: "Chủ tịch UBND xã".into(),
    };
    assert!(app.store.decide(&decision, "test", "t").await.unwrap() > 0);
    let cookie = app.login("ngoclinh").await;
    let page = app.get("/reviews", Some(&cookie)).await;
    let token = csrf(&page.body);
    let opened = app
        .post_form(
            "/reviews",
            &cookie,
            &format!("csrf_token={token}&commune=23365&year=2026"),
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let review_path = opened.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let review = app.get(&review_path, Some(&cookie)).await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(
        review.body.contains("Rà soát năm 2026 · Xã Ngọc Linh"),
        "{}",
        &review.body[..2000.min(review.body.len())]
    );
    // The first household on the list: last year's poor or near-poor.
    let code = review
        .body
        .split("/survey?year=2026")
        .next()
        .unwrap()
        .rsplit("/households/")
        .next()
        .unwrap()
        .to_owned();
    let survey_path = format!("/households/{code}/survey");
    let form = app
        .get(&format!("{survey_path}?year=2026"), Some(&cookie))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("d12") && form.body.contains("Phương tiện phục vụ tiếp cận thông tin"),
        "the 2026 form follows the 2022–2025 standard"
    );
    let body = |action: &str, income: &str| {
        format!(
            "csrf_token={token}&year=2026&review=&members=5&income={income}&agricultural=1&d01=1&d03=1&d07=1&action={action}"
        )
    };
    let bad = app
        .post_form(&survey_path, &cookie, &body("save", "abc"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Thu nhập là số đồng nguyên"),
        "the error stands beside its field"
    );
    let preview = app
        .post_form(&survey_path, &cookie, &body("preview", "1.200.000"))
        .await;
    assert!(
        preview.body.contains("Kết quả theo chuẩn: hộ nghèo"),
        "preview before saving"
    );
    assert!(preview.body.contains("thiếu hụt 3 chỉ số (từ 3)"));
    let saved = app
        .post_form(&survey_path, &cookie, &body("save", "1.200.000"))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let village = {
        let detail = app
            .store
            .household(&bamho_store::Reach::All, &code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(detail.years[0].year, 2026);
        assert_eq!(detail.years[0].class, "poor");
        detail.village_code
    };
    let id = review_path.rsplit('/').next().unwrap();
    let met = app
        .post_form(
            &format!("/reviews/{id}/meetings"),
            &cookie,
            &format!(
                "csrf_token={token}&village={village}&held_on=2026-11-20&attendees=40&agreeing=19"
            ),
        )
        .await;
    assert_eq!(met.status, StatusCode::SEE_OTHER);
    let review = app.get(&review_path, Some(&cookie)).await;
    assert!(
        review.body.contains("Chưa đạt: rà soát và họp lại"),
        "below half the village repeats"
    );
    app.post_form(
        &format!("/reviews/{id}/meetings"),
        &cookie,
        &format!(
            "csrf_token={token}&village={village}&held_on=2026-11-25&attendees=40&agreeing=30"
        ),
    )
    .await;
    let posting = app
        .get(&format!("/reviews/{id}/posting"), Some(&cookie))
        .await;
    assert!(posting.body.contains("DANH SÁCH NIÊM YẾT CÔNG KHAI"));
    assert!(posting.body.contains("hộ nghèo"));
    assert!(
        !posting.body.contains("Giẻ-Triêng") && !posting.body.contains("Xơ-đăng"),
        "no ethnicity on a public list"
    );
    app.post_form(
        &format!("/reviews/{id}/posted"),
        &cookie,
        &format!("csrf_token={token}&posted_on=2026-11-26"),
    )
    .await;
    let decided = app
        .post_form(
            &format!("/reviews/{id}/decision"),
            &cookie,
            &format!(
                "csrf_token={token}&number=215%2FQĐ-UBND&decided_on=2026-12-10&signer=Nguyễn+Văn+A"
            ),
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER);
    let review = app.get(&review_path, Some(&cookie)).await;
    assert!(
        review.body.contains("215/QĐ-UBND (2026-12-10)"),
        "the decision shows"
    );
    let again = app
        .post_form(
            &format!("/reviews/{id}/decision"),
            &cookie,
            &format!("csrf_token={token}&number=216&decided_on=2026-12-11&signer=X"),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::BAD_REQUEST,
        "a review is decided once"
    );
    let certificate = app
        .get(
            &format!("/households/{code}/certificate/2026"),
            Some(&cookie),
        )
        .await;
    assert_eq!(certificate.status, StatusCode::OK);
    assert!(
        certificate
            .body
            .contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    );
    assert!(certificate.body.contains("GIẤY CHỨNG NHẬN HỘ NGHÈO"));
    assert!(certificate.body.contains("215/QĐ-UBND ngày 10/12/2026"));
    let locked = app
        .post_form(&survey_path, &cookie, &body("save", "3.000.000"))
        .await;
    assert_eq!(
        locked.status,
        StatusCode::BAD_REQUEST,
        "a decided year no longer changes"
    );
}

#[tokio::test]
async fn reviews_keep_to_scope_and_role() {
    let app = TestApp::spawn().await;
    app.store
        .open_review(
            "23365",
            bamho_domain::Year::new(2026).unwrap(),
            bamho_domain::Date::parse("2026-09-01").unwrap(),
        )
        .await
        .unwrap();
    let id = app.store.reviews(None).await.unwrap()[0].id;
    let path = format!("/reviews/{id}");
    for (user, expected) in [
        ("tinh", 200),
        ("ngoclinh", 200),
        ("thon", 200),
        ("dakpek", 404),
        ("hotro", 404),
        ("xem", 403),
    ] {
        let cookie = app.login(user).await;
        assert_eq!(
            app.get(&path, Some(&cookie)).await.status.as_u16(),
            expected,
            "{user}"
        );
    }
    let other = app.household_in("23341").await;
    let cookie = app.login("ngoclinh").await;
    assert_eq!(
        app.get(
            &format!("/households/{other}/survey?year=2026"),
            Some(&cookie)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let mine = app.household_in("23365").await;
    let village_head = app.login("thon").await;
    let status = app
        .get(
            &format!("/households/{mine}/survey?year=2026"),
            Some(&village_head),
        )
        .await
        .status;
    assert!(
        matches!(status.as_u16(), 403 | 404),
        "a village head does not enter surveys: {status}"
    );
}

#[tokio::test]
async fn a_regular_review_request_is_due_in_fifteen_days() {
    let app = TestApp::spawn().await;
    let cookie = app.login("ngoclinh").await;
    let code = app.household_in("23365").await;
    let page = app.get(&format!("/households/{code}"), Some(&cookie)).await;
    let token = csrf(&page.body);
    let r = app
        .post_form(
            &format!("/households/{code}/requests"),
            &cookie,
            &format!("csrf_token={token}&form=form04&received_on=2026-11-20&reason=mất+mùa"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = app.get("/requests", Some(&cookie)).await;
    assert!(
        list.body.contains(&code) && list.body.contains("2026-12-05"),
        "{}",
        list.body
    );
    let other = app.login("dakpek").await;
    assert!(
        !app.get("/requests", Some(&other))
            .await
            .body
            .contains(&code)
    );
}
