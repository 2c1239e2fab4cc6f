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

/// The value after `marker` up to the next quote, in a page.
fn after(body: &str, marker: &str) -> String {
    body.split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("{marker} not in the page"))
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_officer_records_support_loans_pairing_tours_and_causes_and_reads_the_timeline() {
    let app = TestApp::spawn().await;
    let officer = app.login("ngoclinh").await;
    let code = app.household_in("23365").await;
    let helper = {
        let reach = bamho_store::Reach::Communes(vec!["23365".to_owned()]);
        let q = bamho_store::HouseholdQuery {
            limit: 2,
            ..Default::default()
        };
        app.store.households(&reach, &q).await.unwrap().items[1]
            .household_code
            .clone()
    };
    let path = format!("/households/{code}/timeline");
    let page = app.get(&path, Some(&officer)).await;
    assert_eq!(page.status, StatusCode::OK);
    let token = csrf(&page.body);
    let post = |what: &str, body: String| {
        let app = &app;
        let officer = &officer;
        let url = format!("/households/{code}/{what}");
        async move { app.post_form(&url, officer, &body).await }
    };

    // Support: housing from NTP 90's project 5, then its outcome.
    let given = post("support", format!("csrf_token={token}&given_on=15%2F06%2F2024&source=90%2FDA5&kind=housing&amount=40.000.000&quantity=1&provider=UBND+x%C3%A3")).await;
    assert_eq!(given.status, StatusCode::SEE_OTHER);
    let wrong = post(
        "support",
        format!("csrf_token={token}&given_on=2024-06-15&source=90%2FDA9&kind=housing&amount=1"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    let page = app.get(&path, Some(&officer)).await;
    let item = after(&page.body, "name=\"support\"><option value=\"");
    let outcome = post(
        "support/outcome",
        format!(
            "csrf_token={token}&support={item}&outcome=nh%C3%A0+%C4%91%C3%A3+xong&on=2024-12-01"
        ),
    )
    .await;
    assert_eq!(outcome.status, StatusCode::SEE_OTHER);

    // A loan from the bank for the poor, two repayments; it is past due with money owed.
    let loan = post("loans", format!("csrf_token={token}&lender=vbsp&programme=poor&amount=50000000&rate=6%2C6&term_months=36&disbursed_on=2022-08-15&savings_group=T%E1%BB%95+1&entrusted_by=womens_union&purpose=nu%C3%B4i+b%C3%B2")).await;
    assert_eq!(loan.status, StatusCode::SEE_OTHER);
    let bad = post("loans", format!("csrf_token={token}&lender=vbsp&programme=poor&amount=abc&rate=6.6&term_months=36&disbursed_on=2022-08-15")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("abc"), "the error names the value");
    let page = app.get(&path, Some(&officer)).await;
    let loan_id = after(&page.body, "name=\"loan\" value=\"");
    for (on, amount) in [("2023-08-15", "10.000.000"), ("2024-08-15", "15000000")] {
        let r = post(
            "loans/repayment",
            format!("csrf_token={token}&loan={loan_id}&paid_on={on}&amount={amount}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let too_much = post(
        "loans/repayment",
        format!("csrf_token={token}&loan={loan_id}&paid_on=2025-01-01&amount=99000000"),
    )
    .await;
    assert_eq!(too_much.status, StatusCode::BAD_REQUEST);

    // Pairing with a registered household, one activity; causes for this year.
    let paired = post("twinnings", format!("csrf_token={token}&helper_name=H%E1%BB%99+A+Bl%C3%B4ng&helper_code={helper}&from=2024-03-01&commitments=gi%E1%BB%91ng+c%C3%A0+ph%C3%AA")).await;
    assert_eq!(paired.status, StatusCode::SEE_OTHER);
    let page = app.get(&path, Some(&officer)).await;
    let twinning = after(&page.body, "name=\"twinning\"><option value=\"");
    let activity = post("twinnings/activity", format!("csrf_token={token}&twinning={twinning}&on=2024-04-01&description=gh%C3%A9p+c%C3%A2y&action=activity")).await;
    assert_eq!(activity.status, StatusCode::SEE_OTHER);
    let causes = post("causes", format!("csrf_token={token}&year=2026&cause=no_land&cause=other&note=thi%E1%BA%BFu+n%C6%B0%E1%BB%9Bc")).await;
    assert_eq!(causes.status, StatusCode::SEE_OTHER);

    // A study tour with this household.
    let tours = app.get("/tours", Some(&officer)).await;
    assert_eq!(tours.status, StatusCode::OK);
    let tour = app.post_form("/tours", &officer, &format!("csrf_token={token}&commune=23365&held_on=2025-04-10&model=S%C3%A2m+Ng%E1%BB%8Dc+Linh&organiser=H%E1%BB%99i+N%C3%B4ng+d%C3%A2n&participants={code}%3A+tr%E1%BB%93ng+s%C3%A2m")).await;
    assert_eq!(tour.status, StatusCode::SEE_OTHER);
    let stranger = app.household_in("23341").await;
    let refused = app.post_form("/tours", &officer, &format!("csrf_token={token}&commune=23365&held_on=2025-04-10&model=x&organiser=y&participants={stranger}")).await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "a household out of reach is named, not added"
    );

    // The timeline shows it all, newest first, with the balance and the overdue loan.
    let page = app.get(&path, Some(&officer)).await;
    for text in [
        "nhà đã xong",
        "Nhà ở",
        "25.000.000 đ",
        "Quá hạn",
        "Hộ A Blông",
        "ghép cây",
        "Sâm Ngọc Linh",
        "trồng sâm",
        "Không có đất sản xuất",
        "thiếu nước",
    ] {
        assert!(page.body.contains(text), "the timeline shows {text}");
    }
    let timeline = page.body.split("class=\"timeline\"").nth(1).unwrap();
    let dates: Vec<&str> = timeline.split("<time>").skip(1).map(|t| &t[..10]).collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );
    assert!(
        app.get(&format!("/households/{helper}/timeline"), Some(&officer))
            .await
            .body
            .contains("Nhận giúp hộ"),
        "the helper's timeline shows the pairing too"
    );

    // The API carries the same parts.
    let api = app
        .api(
            &format!("/api/v1/households/{code}"),
            &app.token("ngoclinh").await,
        )
        .await
        .json();
    assert_eq!(api["loans"][0]["balance"], 25_000_000);
    assert_eq!(api["loans"][0]["status"], "overdue");
    assert_eq!(api["support"][0]["project"], "DA5");
    assert_eq!(
        api["twinnings"][0]["activities"][0]["description"],
        "ghép cây"
    );
    assert_eq!(api["study_tours"][0]["plan"], "trồng sâm");
    assert_eq!(api["causes"].as_array().unwrap().len(), 2);

    // The overdue list carries the loan; scope and role hold on every form.
    let overdue = app.get("/overdue", Some(&officer)).await;
    assert_eq!(overdue.status, StatusCode::OK);
    assert!(
        overdue
            .body
            .contains(&format!("/households/{code}/timeline#loans"))
    );
    let other = app.login("dakpek").await;
    assert!(!app.get("/overdue", Some(&other)).await.body.contains(&code));
    let other_token = csrf(&app.get("/tours", Some(&other)).await.body);
    let foreign = app
        .post_form(
            &format!("/households/{code}/support"),
            &other,
            &format!(
                "csrf_token={other_token}&given_on=2024-06-15&source=90&kind=housing&amount=1"
            ),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&path, Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    let viewer = app.login("xem").await;
    assert_eq!(
        app.get(&path, Some(&viewer)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/overdue", Some(&viewer)).await.status,
        StatusCode::FORBIDDEN
    );
    app.store.verify_audit().await.unwrap();
}

#[tokio::test]
async fn the_overdue_list_counts_late_visits_by_village_and_supporter() {
    let app = TestApp::spawn().await;
    let code = app.household_in("23365").await;
    let supporter = bamho_store::NewSupporter {
        full_name: "A Thanh".into(),
        organisation: "youth_union".into(),
        commune_code: "23365".into(),
        phone: None,
        username: Some("hotro".into()),
    };
    let sid = app.store.add_supporter(&supporter, "t", "t").await.unwrap();
    app.store
        .assign(sid, &code, "2026-01-05", "poor", "t", "t")
        .await
        .unwrap();
    let visit = bamho_store::NewVisit {
        household_code: code.clone(),
        supporter_id: Some(sid),
        visited_on: "2026-02-01".into(),
        found: "ok".into(),
        advised: String::new(),
        next_steps: String::new(),
        next_due: Some("2026-03-01".into()),
    };
    app.store.record_visit(&visit, "t", "t").await.unwrap();
    let officer = app.login("ngoclinh").await;
    let page = app.get("/overdue", Some(&officer)).await;
    assert_eq!(page.status, StatusCode::OK);
    let late = page.body.split("id=\"visits\"").nth(1).unwrap();
    assert!(late.contains(&code) && late.contains("2026-03-01") && late.contains("A Thanh"));
    assert!(
        page.body
            .contains("A Thanh (Đoàn Thanh niên)</td><td>1</td><td><span class=\"error\">1</span>")
    );
    let me = app.login("hotro").await;
    assert_eq!(
        app.get("/overdue", Some(&me)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/households/{code}/timeline"), Some(&me))
            .await
            .status,
        StatusCode::OK,
        "a supporter reads the timeline of their household"
    );
    let token = csrf(&app.get("/my", Some(&me)).await.body);
    let write = app.post_form(&format!("/households/{code}/loans"), &me, &format!("csrf_token={token}&lender=vbsp&programme=poor&amount=1&rate=6.6&term_months=1&disbursed_on=2026-01-01")).await;
    assert_eq!(
        write.status,
        StatusCode::FORBIDDEN,
        "a supporter records visits, not loans"
    );
}
