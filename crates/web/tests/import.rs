//! Importing files through the pages: a dry run, then the import; households of another commune
//! refused; legacy text converted; an upload too large refused with a clear message.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot proceed fails"
)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TestApp, csrf};

const BOUNDARY: &str = "bamho-test-boundary";

/// A multipart form with the CSRF token, the dry-run box when asked, and the files.
fn form(token: &str, dry_run: bool, files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut part = |headers: String, content: &[u8]| {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"csrf_token\"".into(),
        token.as_bytes(),
    );
    if dry_run {
        part(
            "Content-Disposition: form-data; name=\"dry_run\"".into(),
            b"1",
        );
    }
    for (name, bytes) in files {
        part(
            format!(
                "Content-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream"
            ),
            bytes,
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(app: &TestApp, cookie: &str, body: Vec<u8>) -> common::Reply {
    let request = Request::post("/import")
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

const HEADER: &str = "year,household_code,province_code,commune_code,village_code,area,agricultural,head_ethnicity,members,income_per_capita,b1_score,d01,d02,d03,d04,d05,d06,d07,d08,d09,d10,d11,d12,class\n";

#[tokio::test]
async fn an_officer_imports_an_official_list_after_a_dry_run_within_their_communes() {
    let app = TestApp::spawn().await;
    let officer = app.login("ngoclinh").await;
    let page = app.get("/import", Some(&officer)).await;
    assert_eq!(page.status, StatusCode::OK);
    let token = csrf(&page.body);
    let households = format!(
        "{HEADER}2025,23365-990001,51,23365,23362-T01,rural,1,16,2,900000,,1,0,1,0,1,0,0,0,0,0,0,0,\n"
    );
    // The members list as an office keeps it: Vietnamese headings, names in TCVN3 bytes.
    let mut members = "Mã hộ,Họ và tên,Giới tính,Năm sinh,Dân tộc,Quan hệ với chủ hộ\n"
        .as_bytes()
        .to_vec();
    members
        .extend_from_slice(b"23365-990001,Nguy\xd4n V\xa8n H\xefng,Nam,1980,Kinh,Ch\xf1 h\xe9\n");
    members.extend_from_slice(b"23365-990001,Y Hoa,N\xf7,1984,X\xac \xa7\xa8ng,V\xae\n");
    let files: [(&str, &[u8]); 2] = [
        ("ho.csv", households.as_bytes()),
        ("thanh-vien.csv", &members),
    ];
    let dry = upload(&app, &officer, form(&token, true, &files)).await;
    assert_eq!(dry.status, StatusCode::OK);
    assert!(
        dry.body.contains("Thử: tệp hợp lệ, chưa ghi gì"),
        "{}",
        dry.body
    );
    assert!(dry.body.contains("từ TCVN3 (ABC) sang Unicode"));
    assert!(
        app.get("/households/23365-990001", Some(&officer))
            .await
            .status
            == StatusCode::NOT_FOUND
    );
    let done = upload(&app, &officer, form(&token, false, &files)).await;
    assert!(done.body.contains("Đã nhập."), "{}", done.body);
    let household = app.get("/households/23365-990001", Some(&officer)).await;
    assert!(household.body.contains("Nguyễn Văn Hùng") && household.body.contains("Y Hoa"));

    // Another commune's households are refused, and nothing lands.
    let foreign = format!(
        "{HEADER}2025,23341-990002,51,23341,23341-T09,rural,1,16,1,900000,,1,0,1,0,1,0,0,0,0,0,0,0,\n"
    );
    let refused = upload(
        &app,
        &officer,
        form(&token, false, &[("ho.csv", foreign.as_bytes())]),
    )
    .await;
    assert!(
        refused.body.contains("Không nhập") && refused.body.contains("not one of yours"),
        "{}",
        refused.body
    );
    let province = app.login("tinh").await;
    assert_eq!(
        app.get("/households/23341-990002", Some(&province))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Nor may a member list touch another commune's household.
    let elsewhere = app.household_in("23341").await;
    let members_there = format!(
        "household_code,person_no,full_name,sex,birth_year,ethnicity,citizen_id,relation\n{elsewhere},9,A Lo,m,2000,16,,child\n"
    );
    let refused = upload(
        &app,
        &officer,
        form(&token, false, &[("tv.csv", members_there.as_bytes())]),
    )
    .await;
    assert!(
        refused.body.contains("no household of yours has this code"),
        "{}",
        refused.body
    );
    assert!(
        !app.get(&format!("/households/{elsewhere}"), Some(&province))
            .await
            .body
            .contains("A Lo")
    );

    // Too large: a clear message, not a broken page.
    let big = vec![b'a'; 33 * 1024 * 1024];
    let too_big = upload(&app, &officer, form(&token, true, &[("big.csv", &big)])).await;
    assert!(
        too_big.body.contains("Tệp quá lớn"),
        "{}",
        &too_big.body[..too_big.body.len().min(300)]
    );

    // Roles and the CSRF token.
    let supporter = app.login("hotro").await;
    assert_eq!(
        app.get("/import", Some(&supporter)).await.status,
        StatusCode::FORBIDDEN
    );
    let forged = upload(&app, &officer, form("forged", true, &files)).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
}
