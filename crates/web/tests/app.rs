//! The web application driven in process: sign-in, CSRF, throttling, and every route tried by every
//! role inside and outside its scope.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot proceed fails"
)]

mod common;

use axum::http::{StatusCode, header};
use common::{PASSWORD, TestApp};

#[tokio::test]
async fn the_login_form_carries_a_csrf_token_and_a_wrong_password_shows_it_again() {
    let app = TestApp::spawn().await;
    let (token, _) = app.login_form().await;
    assert_eq!(token.len(), 64);
    let reply = app.try_login("ngoclinh", "wrong").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        reply
            .body
            .contains("Tên đăng nhập hoặc mật khẩu không đúng."),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("name=\"csrf_token\""));
    let forged = app
        .post_form(
            "/login",
            "bamho_login_csrf=abc",
            "username=ngoclinh&password=correct+horse&csrf_token=def",
        )
        .await;
    assert_eq!(
        forged.status,
        StatusCode::BAD_REQUEST,
        "a login without its CSRF cookie is refused"
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        assert_eq!(
            app.try_login("dakpek", "nope").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let blocked = app.try_login("dakpek", &PASSWORD.replace(' ', "+")).await;
    assert_eq!(
        blocked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert_eq!(
        app.try_login("ngoclinh", &PASSWORD.replace(' ', "+"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn pages_need_a_session_and_carry_security_headers() {
    let app = TestApp::spawn().await;
    let reply = app.get("/households?q=a", None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.headers[header::LOCATION],
        "/login?next=/households%3Fq%3Da"
    );
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    let cookie = app.login("ngoclinh").await;
    let home = app.get("/", Some(&cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Xã Ngọc Linh"), "{}", home.body);
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(home.headers[name], value);
    }
    assert!(
        home.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    let english = app.get("/", Some(&format!("{cookie}; lang=en"))).await;
    assert!(english.body.contains("Households") && english.body.contains("Sign out"));
}

#[tokio::test]
async fn search_ignores_diacritics_and_finds_citizen_ids_and_codes() {
    let app = TestApp::spawn().await;
    let cookie = app.login("tinh").await;
    let code = app.household_in("23341").await;
    let detail = app
        .store
        .household(&bamho_store::Reach::All, &code)
        .await
        .unwrap()
        .unwrap();
    let head = detail
        .members
        .iter()
        .find(|m| m.relation == "head")
        .unwrap();
    let folded = bamho_text::fold(&head.full_name).replace(' ', "+");
    let by_name = app
        .get(&format!("/households?q={folded}"), Some(&cookie))
        .await;
    assert!(
        by_name.body.contains(&code),
        "searching {folded} finds {code}"
    );
    assert!(
        by_name.body.contains(&head.full_name),
        "the name shows with its diacritics"
    );
    if let Some(id) = detail.members.iter().find_map(|m| m.citizen_id.clone()) {
        let by_id = app.get(&format!("/households?q={id}"), Some(&cookie)).await;
        assert!(by_id.body.contains(&code));
    }
    let by_code = app
        .get(&format!("/households?q={}", &code[..9]), Some(&cookie))
        .await;
    assert!(by_code.body.contains(&code));
}

#[tokio::test]
async fn a_commune_officer_cannot_open_a_household_of_another_commune() {
    let app = TestApp::spawn().await;
    let mine = app.household_in("23365").await;
    let theirs = app.household_in("23341").await;
    let cookie = app.login("ngoclinh").await;
    assert_eq!(
        app.get(&format!("/households/{mine}"), Some(&cookie))
            .await
            .status,
        StatusCode::OK
    );
    let other = app
        .get(&format!("/households/{theirs}"), Some(&cookie))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(
        !other.body.contains(&theirs),
        "no hint that the household exists"
    );
    assert_eq!(
        app.get("/households/NO-SUCH", Some(&cookie)).await.status,
        StatusCode::NOT_FOUND
    );
    let list = app.get("/households?limit=500", Some(&cookie)).await;
    assert!(
        !list.body.contains("23341-"),
        "the list holds only the officer's commune"
    );
    let token = app.token("ngoclinh").await;
    assert_eq!(
        app.api(&format!("/api/v1/households/{theirs}"), &token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let json = app
        .api(&format!("/api/v1/households/{mine}"), &token)
        .await
        .json();
    assert_eq!(json["household_code"], mine);
    assert!(json["classifications"][0]["deprivations"].is_array());
    assert_eq!(json["classifications"][0]["decided"], false);
    // The parts of the household, each on its own.
    let members = app
        .api(&format!("/api/v1/households/{mine}/members"), &token)
        .await
        .json();
    assert_eq!(members["members"], json["members"]);
    assert_eq!(members["members"][0]["relation"], "head");
    let classifications = app
        .api(
            &format!("/api/v1/households/{mine}/classifications"),
            &token,
        )
        .await
        .json();
    assert_eq!(classifications["classifications"], json["classifications"]);
    let surveys = app
        .api(&format!("/api/v1/households/{mine}/surveys"), &token)
        .await
        .json();
    let (survey, class) = (&surveys["surveys"][0], &json["classifications"][0]);
    assert_eq!(survey["year"], class["year"]);
    assert_eq!(survey["deprivations"], class["deprivations"]);
    assert_eq!(survey["computed_class"], class["computed_class"]);
    assert!(
        survey.get("decided").is_none(),
        "a survey is what was found, not decided"
    );
}

/// Every route, every role, inside and outside its scope.
#[tokio::test]
async fn every_route_answers_every_role_as_its_scope_allows() {
    let app = TestApp::spawn().await;
    let in_ngoc_linh = app.household_in("23365").await;
    let in_dak_pek = app.household_in("23341").await;
    let village_head_home = {
        let q = bamho_store::HouseholdQuery {
            limit: 1,
            ..Default::default()
        };
        let reach = bamho_store::Reach::Village("23362-T01".into());
        app.store.households(&reach, &q).await.unwrap().items[0]
            .household_code
            .clone()
    };
    // (user, household, expected page status)
    let cases = [
        ("tinh", &in_ngoc_linh, 200),
        ("tinh", &in_dak_pek, 200),
        ("ngoclinh", &in_ngoc_linh, 200),
        ("ngoclinh", &in_dak_pek, 404),
        ("dakpek", &in_ngoc_linh, 404),
        ("dakpek", &in_dak_pek, 200),
        ("thon", &village_head_home, 200),
        ("thon", &in_dak_pek, 404),
        ("hotro", &in_ngoc_linh, 404),
        ("xem", &in_ngoc_linh, 403),
    ];
    for (user, household, expected) in cases {
        let cookie = app.login(user).await;
        let page = app
            .get(&format!("/households/{household}"), Some(&cookie))
            .await;
        assert_eq!(page.status.as_u16(), expected, "{user} opens {household}");
        let token = app.token(user).await;
        let api = app
            .api(&format!("/api/v1/households/{household}"), &token)
            .await;
        assert_eq!(
            api.status.as_u16(),
            expected,
            "{user} reads {household} through the API"
        );
        let list = app.get("/households", Some(&cookie)).await;
        let list_api = app.api("/api/v1/households", &token).await;
        let expected_list = if user == "xem" { 403 } else { 200 };
        assert_eq!(
            (list.status.as_u16(), list_api.status.as_u16()),
            (expected_list, expected_list),
            "{user} lists"
        );
        assert_eq!(
            app.get("/", Some(&cookie)).await.status,
            StatusCode::OK,
            "{user} home"
        );
        let rates = app
            .api("/api/v1/reports/rates?year=2025&by=commune", &token)
            .await;
        assert_eq!(rates.status, StatusCode::OK, "{user} rates");
    }
    let supporter = app.token("hotro").await;
    assert_eq!(
        app.api("/api/v1/households", &supporter).await.json()["items"],
        serde_json::json!([])
    );
    let village_head = app.token("thon").await;
    let items = app
        .api("/api/v1/households?limit=500", &village_head)
        .await
        .json();
    assert!(
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["village_code"] == "23362-T01")
    );
    let viewer = app.token("xem").await;
    assert_eq!(
        app.api("/api/v1/reports/rates?year=2025&by=village", &viewer)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_api_pages_with_a_cursor_and_refuses_bad_queries() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.api("/api/v1/households", "not-a-token").await.status,
        StatusCode::UNAUTHORIZED
    );
    let token = app.token("tinh").await;
    let first = app
        .api("/api/v1/households?limit=3&year=2025", &token)
        .await
        .json();
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    assert_eq!(first["items"][0]["year"], 2025);
    let cursor = first["next"].as_str().unwrap();
    let second = app
        .api(
            &format!("/api/v1/households?limit=3&year=2025&cursor={cursor}"),
            &token,
        )
        .await
        .json();
    assert!(second["items"][0]["household_code"].as_str().unwrap() > cursor);
    for bad in ["limit=501", "year=abc", "class=rich"] {
        assert_eq!(
            app.api(&format!("/api/v1/households?{bad}"), &token)
                .await
                .status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let rates = app
        .api("/api/v1/reports/rates?year=2025", &token)
        .await
        .json();
    assert_eq!(rates["standard"], "vn-2022-2025");
    assert!(rates["total"]["households"].as_u64().unwrap() > 300);
    let changes = app
        .api("/api/v1/reports/changes?year=2025", &token)
        .await
        .json();
    assert_eq!(changes["previous_year"], 2024);
    let moved: u64 = changes["transitions"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|row| row.as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert!(moved >= rates["total"]["households"].as_u64().unwrap());
    for bad in ["2022", "2999", "x"] {
        assert_eq!(
            app.api(&format!("/api/v1/reports/changes?year={bad}"), &token)
                .await
                .status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let spec = app.get("/api/v1/openapi.json", None).await.json();
    assert_eq!(spec["openapi"], "3.0.3");
    for path in [
        "/households/{household_code}",
        "/households/{household_code}/members",
        "/households/{household_code}/surveys",
        "/households/{household_code}/classifications",
        "/reports/rates",
        "/reports/changes",
    ] {
        assert!(spec["paths"][path]["get"].is_object(), "{path}");
    }
}

#[tokio::test]
async fn signing_out_needs_the_form_token_and_ends_the_session() {
    let app = TestApp::spawn().await;
    let cookie = app.login("ngoclinh").await;
    let forged = app.post_form("/logout", &cookie, "csrf_token=forged").await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    let home = app.get("/", Some(&cookie)).await;
    let token = home
        .body
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let out = app
        .post_form("/logout", &cookie, &format!("csrf_token={token}"))
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER,
        "the old cookie opens nothing"
    );
}

/// The whole matrix: every page route, every role, a household inside and one outside the scope.
#[tokio::test]
async fn the_authorisation_matrix_holds_for_every_route() {
    let app = TestApp::spawn().await;
    let inside = {
        let q = bamho_store::HouseholdQuery {
            limit: 1,
            ..Default::default()
        };
        let reach = bamho_store::Reach::Village("23362-T01".into());
        app.store.households(&reach, &q).await.unwrap().items[0]
            .household_code
            .clone()
    };
    let outside = app.household_in("23341").await;
    app.store
        .open_review(
            "23365",
            bamho_domain::Year::new(2026).unwrap(),
            bamho_domain::Date::parse("2026-09-01").unwrap(),
        )
        .await
        .unwrap();
    let review = app.store.reviews(None).await.unwrap()[0].id;
    let users = ["tinh", "ngoclinh", "dakpek", "thon", "hotro", "xem"];
    let matrix: Vec<(String, [u16; 6])> = vec![
        ("/".into(), [200, 200, 200, 200, 200, 200]),
        ("/dashboard".into(), [200, 200, 200, 200, 200, 200]),
        ("/households".into(), [200, 200, 200, 200, 200, 403]),
        (
            format!("/households/{inside}"),
            [200, 200, 404, 200, 404, 403],
        ),
        (
            format!("/households/{outside}"),
            [200, 404, 200, 404, 404, 403],
        ),
        ("/households/new".into(), [200, 200, 200, 403, 403, 403]),
        (
            format!("/households/{inside}/edit"),
            [200, 200, 404, 403, 404, 403],
        ),
        (
            format!("/households/{inside}/survey?year=2026"),
            [200, 200, 404, 403, 404, 403],
        ),
        ("/reviews".into(), [200, 200, 200, 200, 403, 403]),
        (format!("/reviews/{review}"), [200, 200, 404, 200, 404, 403]),
        (
            format!("/reviews/{review}/posting"),
            [200, 200, 404, 200, 404, 403],
        ),
        ("/requests".into(), [200, 200, 200, 403, 403, 403]),
        ("/my".into(), [403, 403, 403, 403, 200, 403]),
        ("/unassigned".into(), [200, 200, 200, 403, 403, 403]),
        ("/supporters".into(), [200, 200, 200, 403, 403, 403]),
        ("/tours".into(), [200, 200, 200, 403, 403, 403]),
        ("/overdue".into(), [200, 200, 200, 200, 403, 403]),
        ("/recognitions".into(), [200, 200, 200, 403, 403, 403]),
        ("/lasting".into(), [200, 200, 200, 200, 200, 200]),
        ("/duplicates".into(), [200, 200, 200, 403, 403, 403]),
        ("/import".into(), [200, 200, 200, 403, 403, 403]),
        (
            format!("/households/{inside}/timeline"),
            [200, 200, 404, 200, 404, 403],
        ),
        (
            format!("/households/{outside}/timeline"),
            [200, 404, 200, 404, 404, 403],
        ),
    ];
    let mut api: Vec<(String, [u16; 6])> = vec![
        ("/api/v1/households".into(), [200, 200, 200, 200, 200, 403]),
        (
            format!("/api/v1/households/{inside}"),
            [200, 200, 404, 200, 404, 403],
        ),
        (
            format!("/api/v1/households/{outside}"),
            [200, 404, 200, 404, 404, 403],
        ),
        (
            "/api/v1/reports/rates?year=2025&by=commune".into(),
            [200, 200, 200, 200, 200, 200],
        ),
        (
            "/api/v1/reports/changes?year=2025".into(),
            [200, 200, 200, 200, 200, 200],
        ),
    ];
    for part in ["members", "surveys", "classifications"] {
        api.push((
            format!("/api/v1/households/{inside}/{part}"),
            [200, 200, 404, 200, 404, 403],
        ));
        api.push((
            format!("/api/v1/households/{outside}/{part}"),
            [200, 404, 200, 404, 404, 403],
        ));
    }
    for (i, user) in users.iter().enumerate() {
        let cookie = app.login(user).await;
        let token = app.token(user).await;
        for (path, expected) in &matrix {
            assert_eq!(
                app.get(path, Some(&cookie)).await.status.as_u16(),
                expected[i],
                "{user} GET {path}"
            );
        }
        for (path, expected) in &api {
            assert_eq!(
                app.api(path, &token).await.status.as_u16(),
                expected[i],
                "{user} API {path}"
            );
        }
        // A write outside the scope answers 404, inside but not allowed 403 — never a change.
        let csrf = app
            .get("/", Some(&cookie))
            .await
            .body
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let member = app
            .store
            .household(&bamho_store::Reach::All, &outside)
            .await
            .unwrap()
            .unwrap()
            .members[0]
            .person_no;
        let write = app
            .post_form(
                &format!("/households/{outside}/members/{member}"),
                &cookie,
                &format!("csrf_token={csrf}&action=remove"),
            )
            .await;
        let expected = [303, 404, 303, 404, 404, 403][i];
        assert_eq!(
            write.status.as_u16(),
            expected,
            "{user} removes a member of {outside}"
        );
        if expected == 303 {
            // put the member back for the next user
            let m = bamho_store::MemberInput {
                full_name: "A Test".into(),
                sex: "m".into(),
                birth_year: 1980,
                ethnicity: "29".into(),
                citizen_id: None,
                relation: "head".into(),
            };
            app.store
                .save_member(&outside, None, &m, "test", "t")
                .await
                .unwrap();
        }
    }
}

/// A cell's text, its tags left out.
fn text_of(html: &str) -> String {
    html.split('<')
        .map(|piece| piece.split_once('>').map_or(piece, |(_, t)| t))
        .collect()
}

/// The households a list page shows: its table's rows below the header.
fn listed(body: &str) -> u64 {
    body.split("<tr>").skip(2).count() as u64
}

/// One figure of the 2025 rates report by `by`, in the row whose key is `value`.
async fn rate(app: &TestApp, user: &str, by: &str, value: &str, figure: &str) -> u64 {
    let json = app
        .api(
            &format!("/api/v1/reports/rates?year=2025&by={by}"),
            &app.token(user).await,
        )
        .await
        .json();
    json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"][by] == value)
        .unwrap_or_else(|| panic!("no {by} {value} in {json}"))[figure]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn the_dashboard_draws_its_figures_and_hides_small_groups_from_viewers() {
    let app = TestApp::spawn().await;
    let officer = app.login("ngoclinh").await;
    let page = app.get("/dashboard", Some(&officer)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.matches("<svg").count() >= 3,
        "trend, communes, deprivations"
    );
    assert!(page.body.contains("Biến động hộ nghèo năm 2025"));
    // The transitions from 2024 to 2025: as many households leave 2024's poor row as 2024 had.
    assert!(
        page.body
            .contains("Chuyển dịch giữa các nhóm hộ, 2024 → 2025")
    );
    let matrix = page
        .body
        .split("Chuyển dịch giữa các nhóm hộ, 2024")
        .nth(1)
        .unwrap();
    let poor_row: Vec<u64> = matrix
        .split("<tr><td>hộ nghèo</td>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap()
        .split(r#"<td class="num">"#)
        .skip(1)
        .map(|c| text_of(c.split("</td>").next().unwrap()).parse().unwrap())
        .collect();
    assert_eq!(poor_row.len(), 5);
    // Poor in 2024 and near-poor in 2025: the link lists exactly that many households.
    let link = "/households?year=2025&amp;class=near_poor&amp;was=poor&amp;was_year=2024";
    assert!(
        page.body.contains(link),
        "the transition links to its households"
    );
    let list = app
        .get(
            &format!("{}&limit=500", link.replace("&amp;", "&")),
            Some(&officer),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Năm 2024: hộ nghèo"),
        "the filter in words"
    );
    assert_eq!(
        listed(&list.body),
        poor_row[1],
        "as many households as the cell counts"
    );
    let start: u64 = page
        .body
        .split("Hộ nghèo đầu năm")
        .nth(1)
        .unwrap()
        .split(r#"<td class="num">"#)
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(poor_row.iter().sum::<u64>(), start);
    assert!(
        page.body.contains("Xã Ngọc Linh") && !page.body.contains("Xã Đăk Pék"),
        "the scope's communes only"
    );
    let viewer = app.login("xem").await;
    let page = app.get("/dashboard", Some(&viewer)).await;
    assert!(page.body.contains("Nhóm dưới 10 hộ không hiển thị tỷ lệ."));
}

#[tokio::test]
async fn a_commune_figure_drills_down_to_its_households() {
    let app = TestApp::spawn().await;
    let province = app.login("tinh").await;
    let page = app.get("/dashboard", Some(&province)).await;
    let link = "/households?commune=23341&amp;year=2025&amp;class=poor";
    assert!(
        page.body.contains(link),
        "the poor rate of Đăk Pék links to its poor households"
    );
    let list = app
        .get(
            "/households?commune=23341&year=2025&class=poor&limit=500",
            Some(&province),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Xã: <strong>Xã Đăk Pék</strong>"));
    let rows: Vec<&str> = list.body.split("<tr>").skip(2).collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.contains("Xã Đăk Pék") && r.contains("hộ nghèo")),
        "only Đăk Pék's poor households"
    );
    assert_eq!(
        rows.len() as u64,
        rate(&app, "tinh", "commune", "23341", "poor").await,
        "as many households as the figure counts"
    );
    // Each year's rates link to that year's poor and near-poor households.
    assert!(
        page.body
            .contains(r#"<a href="/households?year=2025&amp;class=poor">"#)
    );
    let viewer = app.login("xem").await;
    assert!(
        !app.get("/dashboard", Some(&viewer))
            .await
            .body
            .contains("/households?"),
        "no links for a viewer"
    );
}

#[tokio::test]
async fn the_villages_of_a_commune_stand_side_by_side_and_drill_down() {
    let app = TestApp::spawn().await;
    // An officer of one commune sees its villages at once.
    let officer = app.login("ngoclinh").await;
    let page = app.get("/dashboard", Some(&officer)).await;
    assert!(
        page.body.contains("Tỷ lệ hộ nghèo theo thôn của"),
        "{}",
        page.body
    );
    assert!(
        page.body.matches("<svg").count() >= 4,
        "a chart of villages"
    );
    // A province officer chooses a commune first.
    let province = app.login("tinh").await;
    let page = app.get("/dashboard", Some(&province)).await;
    assert!(page.body.contains("Chọn một xã để xem các thôn của xã."));
    assert!(page.body.contains(r#"<option value="23341">"#));
    let page = app.get("/dashboard?commune=23341", Some(&province)).await;
    assert!(page.body.contains("theo thôn của 23341 Xã Đăk Pék"));
    assert!(page.body.contains(r#"<option value="23341" selected>"#));
    let links = page.body.replace("&#38;", "&").replace("&amp;", "&");
    let village = links
        .split("/households?village=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("a village links to its households")
        .to_owned();
    // The village's poor rate counts exactly the households its link lists.
    let list = app
        .get(
            &format!("/households?village={village}&year=2025&class=poor&limit=500"),
            Some(&province),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        listed(&list.body),
        rate(&app, "tinh", "village", &village, "poor").await
    );
    // The households of the villages add up to the commune's.
    let households: u64 = page
        .body
        .split(r#"id="villages""#)
        .nth(1)
        .unwrap()
        .split("<h2")
        .next()
        .unwrap()
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("<tr>")
        .skip(1)
        .map(|r| {
            // The second cell, its link's tags left out.
            let cell = r
                .split("<td")
                .nth(2)
                .unwrap()
                .split("</td>")
                .next()
                .unwrap();
            text_of(&format!("<td{cell}")).parse::<u64>().unwrap()
        })
        .sum();
    assert_eq!(
        households,
        rate(&app, "tinh", "commune", "23341", "households").await
    );
}

#[tokio::test]
async fn ethnic_and_deprivation_figures_drill_down_to_their_households() {
    let app = TestApp::spawn().await;
    let province = app.login("tinh").await;
    let token = app.token("tinh").await;
    let page = app.get("/dashboard", Some(&province)).await;
    let links = page.body.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        links.contains("/households?year=2025&minority=1&class=poor"),
        "the minorities' poor rate links to their poor households"
    );
    let poor = rate(&app, "tinh", "minority", "minority", "poor").await;
    let listed = app
        .api(
            "/api/v1/households?year=2025&minority=1&class=poor&limit=500",
            &token,
        )
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len() as u64, poor);
    // The deprivation profile: the poor households lacking clean water (d05 under 2022–2025).
    assert!(
        links.contains("/households?year=2025&class=poor&deprivation=d05"),
        "profile bars link to households"
    );
    let list = app
        .get(
            "/households?year=2025&class=poor&deprivation=d05&limit=500",
            Some(&province),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Thiếu hụt:"),
        "the filter is shown in words"
    );
    let items = app
        .api(
            "/api/v1/households?year=2025&class=poor&deprivation=d05&limit=500",
            &token,
        )
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!items.is_empty());
    for item in items.iter().take(5) {
        let code = item["household_code"].as_str().unwrap();
        let detail = app
            .api(
                &format!("/api/v1/households/{code}/classifications"),
                &token,
            )
            .await
            .json();
        let year = detail["classifications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["year"] == 2025)
            .unwrap()
            .clone();
        assert!(
            year["deprivations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d == "d05"),
            "{code} lacks d05"
        );
    }
    for bad in ["deprivation=d05", "year=2025&deprivation=d99", "minority=2"] {
        assert_eq!(
            app.api(&format!("/api/v1/households?{bad}"), &token)
                .await
                .status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn an_officer_sees_possible_duplicates_in_the_commune_only() {
    let app = TestApp::spawn().await;
    let here = app.household_in("23365").await;
    let there = app.household_in("23341").await;
    let twin = bamho_store::MemberInput {
        full_name: "Y Trùng Tên".into(),
        sex: "f".into(),
        birth_year: 1990,
        ethnicity: "16".into(),
        citizen_id: Some("062190001234".into()),
        relation: "other".into(),
    };
    for code in [&here, &there] {
        app.store
            .save_member(code, None, &twin, "t", "t")
            .await
            .unwrap();
    }
    let officer = app.login("ngoclinh").await;
    let page = app.get("/duplicates", Some(&officer)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Trùng số định danh cá nhân") && page.body.contains(&here));
    assert!(
        !page.body.contains(&there),
        "the other commune's household is not shown"
    );
    assert!(page.body.contains("và 1 người ngoài phạm vi của bạn"));
}
