//! The main flow in a real headless Chromium through WebDriver (Debian's `chromium` and
//! `chromium-driver`): sign in, search, enter a survey, record the village meeting, decide, print the
//! certificate — at desktop and phone widths. A failing step leaves a screenshot under
//! `target/browser-artifacts/`. Without Chromium the test says so and skips, unless
//! `BAMHO_REQUIRE_BROWSER=1` (CI), under which it fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    reason = "a test that cannot proceed fails"
)]

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bamho_web::{AppState, Application};
use common::{PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};

const CHROMIUM: &str = "/usr/bin/chromium";
const DRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts chromedriver, or says why not (and fails under `BAMHO_REQUIRE_BROWSER=1`).
async fn start_driver() -> Option<(Driver, u16)> {
    let missing = [CHROMIUM, DRIVER]
        .into_iter()
        .find(|p| !std::path::Path::new(p).exists());
    if let Some(path) = missing {
        assert!(
            std::env::var("BAMHO_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "BAMHO_REQUIRE_BROWSER=1 but {path} is missing (apt-get install chromium chromium-driver)"
        );
        eprintln!("skipping the browser test: {path} is missing");
        return None;
    }
    let port = free_port();
    let mut child = Command::new(DRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((Driver(child), port));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("chromedriver did not start");
}

async fn browser(port: u16) -> Client {
    let mut caps = serde_json::Map::new();
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        "--lang=vi",
    ];
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": CHROMIUM, "args": args }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap()
}

fn artifacts() -> std::path::PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn text(c: &Client) -> Result<String, fantoccini::error::CmdError> {
    c.find(Locator::Css("body")).await?.text().await
}

/// The browser's address once `arrived` holds for it (a click's navigation may still be under
/// way when the click returns), or the last address after five seconds.
async fn wait_url(
    c: &Client,
    arrived: impl Fn(&url::Url) -> bool,
) -> Result<url::Url, fantoccini::error::CmdError> {
    let mut url = c.current_url().await?;
    for _ in 0..50 {
        if arrived(&url) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        url = c.current_url().await?;
    }
    ready(c).await;
    Ok(url)
}

/// Waits for the page in the browser to finish loading.
async fn ready(c: &Client) {
    for _ in 0..50 {
        if let Ok(state) = c.execute("return document.readyState", vec![]).await
            && state == "complete"
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The page's text once it shows `needle` (pages load after a click; an element may go stale
/// while the next page arrives), or the last text seen after five seconds.
async fn text_with(c: &Client, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        if let Ok(t) = text(c).await {
            if t.contains(needle) {
                return t;
            }
            last = t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    last
}

/// Serves the test app on a free port; its base address.
async fn serve(app: &TestApp) -> String {
    let server = Application::build(AppState::new(app.store.clone()), "127.0.0.1:0")
        .await
        .unwrap();
    let base = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(server.run());
    base
}

/// Closes the browser; a failed flow leaves a screenshot named `shot` and fails the test.
async fn finish(client: Client, result: Result<(), String>, shot: &str) {
    if let Err(step) = &result {
        if let Ok(png) = client.screenshot().await {
            let _ = std::fs::write(artifacts().join(shot), png);
        }
        eprintln!(
            "screenshot of the failure: {}",
            artifacts().join(shot).display()
        );
        let _ = client.close().await;
        panic!("{step}");
    }
    client.close().await.unwrap();
}

/// Opens `page`, signs in as `user` on the form it redirects to, and returns where the browser
/// lands.
async fn sign_in(c: &Client, page: &str, user: &str) -> Result<url::Url, String> {
    let e = |step: &str| {
        let step = step.to_owned();
        move |err: fantoccini::error::CmdError| format!("{step}: {err}")
    };
    c.goto(page).await.map_err(e("open"))?;
    c.find(Locator::Id("username"))
        .await
        .map_err(e("login form"))?
        .send_keys(user)
        .await
        .map_err(e("username"))?;
    c.find(Locator::Id("password"))
        .await
        .map_err(e("login form"))?
        .send_keys(PASSWORD)
        .await
        .map_err(e("password"))?;
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .map_err(e("sign in"))?
        .click()
        .await
        .map_err(e("sign in"))?;
    wait_url(c, |u| u.path() != "/login")
        .await
        .map_err(e("after sign in"))
}

/// The whole flow; each step's failure names the step.
async fn flow(c: &Client, base: &str, household_hint: &str) -> Result<(), String> {
    let e = |step: &str| {
        let step = step.to_owned();
        move |err: fantoccini::error::CmdError| format!("{step}: {err}")
    };
    let url = sign_in(c, &format!("{base}/households"), "ngoclinh").await?;
    if !url.path().starts_with("/households") {
        return Err(format!("after sign in the browser is at {url}"));
    }
    ready(c).await;
    let search = c.find(Locator::Id("q")).await.map_err(e("search box"))?;
    search
        .send_keys(household_hint)
        .await
        .map_err(e("search"))?;
    c.find(Locator::Css("form.filters button"))
        .await
        .map_err(e("search"))?
        .click()
        .await
        .map_err(e("search"))?;
    let searched = wait_url(c, |u| u.query().unwrap_or_default().contains("q="))
        .await
        .map_err(e("after search"))?;
    if !searched.query().unwrap_or_default().contains("q=") {
        return Err(format!(
            "the search did not run: the browser is at {searched}"
        ));
    }
    let found = text_with(c, household_hint).await;
    if !found.contains(household_hint) {
        return Err(format!("searching {household_hint} found nothing"));
    }
    c.screenshot()
        .await
        .map(|png| std::fs::write(artifacts().join("households-desktop.png"), png))
        .map_err(e("screenshot"))?
        .ok();
    c.goto(&format!("{base}/reviews"))
        .await
        .map_err(e("reviews"))?;
    c.find(Locator::Css("table a[href^='/reviews/']"))
        .await
        .map_err(e("review link"))?
        .click()
        .await
        .map_err(e("open review"))?;
    c.find(Locator::Css("a[href*='/survey?year=2026']"))
        .await
        .map_err(e("survey link"))?
        .click()
        .await
        .map_err(e("survey"))?;
    c.find(Locator::Id("members"))
        .await
        .map_err(e("members"))?
        .clear()
        .await
        .map_err(e("members"))?;
    c.find(Locator::Id("members"))
        .await
        .map_err(e("members"))?
        .send_keys("5")
        .await
        .map_err(e("members"))?;
    c.find(Locator::Id("income"))
        .await
        .map_err(e("income"))?
        .send_keys("1200000")
        .await
        .map_err(e("income"))?;
    for code in ["d01", "d03", "d07"] {
        let boxes = c
            .find(Locator::Css(&format!("input[name={code}]")))
            .await
            .map_err(e(code))?;
        if boxes.prop("checked").await.map_err(e(code))?.as_deref() != Some("true") {
            boxes.click().await.map_err(e(code))?;
        }
    }
    c.find(Locator::Css("button[value=preview]"))
        .await
        .map_err(e("preview"))?
        .click()
        .await
        .map_err(e("preview"))?;
    let preview = text_with(c, "Lưu phiếu").await;
    if !preview.contains("Kết quả theo chuẩn: hộ nghèo") {
        return Err("the preview does not show the class".into());
    }
    c.find(Locator::Css("button[value=save]"))
        .await
        .map_err(e("save"))?
        .click()
        .await
        .map_err(e("save"))?;
    let review_url = wait_url(c, |u| u.path().starts_with("/reviews/"))
        .await
        .map_err(e("after save"))?;
    if !review_url.path().starts_with("/reviews/") {
        return Err(format!("after saving the browser is at {review_url}"));
    }
    c.find(Locator::Id("attendees"))
        .await
        .map_err(e("meeting"))?
        .send_keys("40")
        .await
        .map_err(e("meeting"))?;
    c.find(Locator::Id("agreeing"))
        .await
        .map_err(e("meeting"))?
        .send_keys("31")
        .await
        .map_err(e("meeting"))?;
    c.find(Locator::Css("form[action$='/meetings'] button"))
        .await
        .map_err(e("meeting"))?
        .click()
        .await
        .map_err(e("meeting"))?;
    if !text_with(c, "Đạt (từ 50% đồng ý)")
        .await
        .contains("Đạt (từ 50% đồng ý)")
    {
        return Err("the meeting's result does not show".into());
    }
    c.find(Locator::Id("number"))
        .await
        .map_err(e("decision"))?
        .send_keys("215/QĐ-UBND")
        .await
        .map_err(e("decision"))?;
    c.find(Locator::Css("form[action$='/decision'] button"))
        .await
        .map_err(e("decide"))?
        .click()
        .await
        .map_err(e("decide"))?;
    if !text_with(c, "215/QĐ-UBND").await.contains("215/QĐ-UBND") {
        return Err("the decision does not show".into());
    }
    let review_path = review_url.path().to_owned();
    c.goto(&format!("{base}{review_path}"))
        .await
        .map_err(e("review"))?;
    let first = c
        .find(Locator::Css("table a[href^='/households/']"))
        .await
        .map_err(e("household link"))?;
    let href = first
        .attr("href")
        .await
        .map_err(e("household link"))?
        .unwrap_or_default();
    c.goto(&format!("{base}{href}/certificate/2026"))
        .await
        .map_err(e("certificate"))?;
    let certificate = text_with(c, "GIẤY CHỨNG NHẬN").await;
    if !certificate.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        || !certificate.contains("GIẤY CHỨNG NHẬN HỘ NGHÈO")
    {
        return Err(format!(
            "the certificate is not there: {}",
            &certificate[..certificate.len().min(300)]
        ));
    }
    c.screenshot()
        .await
        .map(|png| std::fs::write(artifacts().join("certificate-desktop.png"), png))
        .map_err(e("screenshot"))?
        .ok();
    c.goto(&format!("{base}/dashboard"))
        .await
        .map_err(e("dashboard"))?;
    c.screenshot()
        .await
        .map(|png| std::fs::write(artifacts().join("dashboard-desktop.png"), png))
        .map_err(e("screenshot"))?
        .ok();
    c.set_window_size(390, 844)
        .await
        .map_err(e("phone width"))?;
    c.goto(&format!("{base}/households?q={household_hint}"))
        .await
        .map_err(e("phone"))?;
    c.screenshot()
        .await
        .map(|png| std::fs::write(artifacts().join("households-phone.png"), png))
        .map_err(e("screenshot"))?
        .ok();
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_search_survey_meeting_decision_certificate_in_a_real_browser() {
    let Some((_driver, port)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let decision = bamho_store::Decision {
        commune_code: "23365".into(),
        year: bamho_domain::Year::new(2025).unwrap(),
        number: "88/QĐ-UBND".into(),
        decided_on: bamho_domain::Date::parse("2025-12-20").unwrap(),
        signer: "Chủ tịch UBND xã".into(),
    };
    app.store.decide(&decision, "test", "t").await.unwrap();
    app.store
        .open_review(
            "23365",
            bamho_domain::Year::new(2026).unwrap(),
            bamho_domain::Date::parse("2026-09-01").unwrap(),
        )
        .await
        .unwrap();
    let hint = app.household_in("23365").await;
    let base = serve(&app).await;
    let client = browser(port).await;
    let result = flow(&client, &base, &hint).await;
    finish(client, result, "failure.png").await;
}

/// A supporter on a phone logs a visit from "my households"; the officer reads the household's
/// timeline on a desktop.
async fn supporter_flow(c: &Client, base: &str, code: &str) -> Result<(), String> {
    let e = |step: &str| {
        let step = step.to_owned();
        move |err: fantoccini::error::CmdError| format!("{step}: {err}")
    };
    c.set_window_size(390, 844)
        .await
        .map_err(e("phone width"))?;
    let url = sign_in(c, &format!("{base}/my"), "hotro").await?;
    if url.path() != "/my" {
        return Err(format!("after sign in the supporter is at {url}"));
    }
    let mine = text_with(c, code).await;
    if !mine.contains("Hộ của tôi") {
        return Err(format!(
            "no \"my households\": {}",
            &mine[..mine.len().min(300)]
        ));
    }
    c.find(Locator::Css(&format!(
        "form[action='/households/{code}/visits'] input[name=found]"
    )))
    .await
    .map_err(e("visit form"))?
    .send_keys("Bò đã sinh bê")
    .await
    .map_err(e("found"))?;
    c.find(Locator::Css(&format!(
        "form[action='/households/{code}/visits'] input[name=next_due]"
    )))
    .await
    .map_err(e("visit form"))?
    .send_keys("15/01/2099")
    .await
    .map_err(e("next due"))?;
    c.find(Locator::Css(&format!(
        "form[action='/households/{code}/visits'] button"
    )))
    .await
    .map_err(e("save visit"))?
    .click()
    .await
    .map_err(e("save visit"))?;
    let after = text_with(c, "2099-01-15").await;
    if !after.contains("2099-01-15") {
        return Err(format!(
            "the visit did not land: {}",
            &after[..after.len().min(400)]
        ));
    }
    c.screenshot()
        .await
        .map(|png| std::fs::write(artifacts().join("my-households-phone.png"), png))
        .map_err(e("screenshot"))?
        .ok();
    c.delete_all_cookies().await.map_err(e("sign out"))?;
    c.set_window_size(1280, 900)
        .await
        .map_err(e("desktop width"))?;
    sign_in(c, &format!("{base}/households/{code}/timeline"), "ngoclinh").await?;
    let timeline = text_with(c, "Bò đã sinh bê").await;
    for needle in ["Bò đã sinh bê", "Nhà ở", "Quá hạn"] {
        if !timeline.contains(needle) {
            return Err(format!(
                "the timeline lacks {needle}: {}",
                &timeline[..timeline.len().min(400)]
            ));
        }
    }
    c.screenshot()
        .await
        .map(|png| std::fs::write(artifacts().join("timeline-desktop.png"), png))
        .map_err(e("screenshot"))?
        .ok();
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supporter_logs_a_visit_on_a_phone_and_the_officer_reads_the_timeline() {
    let Some((_driver, port)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let code = app.household_in("23365").await;
    let supporter = bamho_store::NewSupporter {
        full_name: "Y Hoa".into(),
        organisation: "womens_union".into(),
        commune_code: "23365".into(),
        phone: None,
        username: Some("hotro".into()),
    };
    let sid = app.store.add_supporter(&supporter, "t", "t").await.unwrap();
    app.store
        .assign(sid, &code, "2026-01-05", "poor", "t", "t")
        .await
        .unwrap();
    let support = bamho_store::NewSupport {
        household_code: code.clone(),
        given_on: "2024-06-01".into(),
        programme: "90".into(),
        project: Some("DA5".into()),
        kind: "housing".into(),
        amount: Some(40_000_000),
        quantity: Some(1),
        provider: "UBND xã".into(),
        outcome: None,
        outcome_on: None,
    };
    app.store.record_support(&support, "t", "t").await.unwrap();
    let loan = bamho_store::NewLoan {
        household_code: code.clone(),
        lender: "vbsp".into(),
        programme: "poor".into(),
        amount: bamho_domain::Vnd::new(30_000_000),
        rate_bp: 660,
        term_months: 12,
        disbursed_on: bamho_domain::Date::parse("2023-03-01").unwrap(),
        savings_group: String::new(),
        entrusted_by: "womens_union".into(),
        purpose: String::new(),
    };
    app.store.record_loan(&loan, "t", "t").await.unwrap();
    let base = serve(&app).await;
    let client = browser(port).await;
    let result = supporter_flow(&client, &base, &code).await;
    finish(client, result, "failure-followup.png").await;
}

/// An officer proposes the nominees of 2025, confirms them, records the decision and prints the
/// certificates of merit and a village's commendation list.
async fn recognition_flow(c: &Client, base: &str) -> Result<(), String> {
    let e = |step: &str| {
        let step = step.to_owned();
        move |err: fantoccini::error::CmdError| format!("{step}: {err}")
    };
    sign_in(c, &format!("{base}/recognitions"), "ngoclinh").await?;
    c.find(Locator::Css("form[action='/recognitions'] button"))
        .await
        .map_err(e("propose"))?
        .click()
        .await
        .map_err(e("propose"))?;
    wait_url(c, |u| u.path().starts_with("/recognitions/23365/"))
        .await
        .map_err(e("nominees"))?;
    let confirm = c
        .find(Locator::Css("button[value=all]"))
        .await
        .map_err(e("confirm all"))?;
    confirm.click().await.map_err(e("confirm all"))?;
    // The decision form comes with the page the confirmation leads to, and the page before may
    // still be showing when the click returns: wait for it to go (its button gone stale), then
    // for the form.
    for _ in 0..100 {
        if confirm.is_displayed().await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ready(c).await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("number"))
        .await
        .map_err(e("decision form"))?
        .send_keys("7/QĐ-UBND")
        .await
        .map_err(e("number"))?;
    c.find(Locator::Id("ceremony_on"))
        .await
        .map_err(e("decision form"))?
        .send_keys("20/01/2026")
        .await
        .map_err(e("ceremony"))?;
    c.find(Locator::Css("form[action$='/decision'] button"))
        .await
        .map_err(e("decide"))?
        .click()
        .await
        .map_err(e("decide"))?;
    let decided = text_with(c, "7/QĐ-UBND").await;
    if !decided.contains("In giấy khen") {
        return Err(format!(
            "no decision shown: {}",
            &decided[..decided.len().min(400)]
        ));
    }
    c.screenshot()
        .await
        .map(|png| std::fs::write(artifacts().join("nominees-desktop.png"), png))
        .map_err(e("screenshot"))?
        .ok();
    let village = c
        .find(Locator::Css("a[href*='/villages/']"))
        .await
        .map_err(e("village list link"))?
        .attr("href")
        .await
        .map_err(e("village list link"))?
        .unwrap_or_default();
    c.find(Locator::Css("a[href$='/certificates']"))
        .await
        .map_err(e("certificates link"))?
        .click()
        .await
        .map_err(e("certificates"))?;
    let merit = text_with(c, "GIẤY KHEN").await;
    if !merit.contains("vượt khó, vươn lên thoát") {
        return Err(format!(
            "no certificate of merit: {}",
            &merit[..merit.len().min(400)]
        ));
    }
    c.set_window_size(1123, 794)
        .await
        .map_err(e("A4 landscape"))?;
    c.screenshot()
        .await
        .map(|png| std::fs::write(artifacts().join("certificate-of-merit.png"), png))
        .map_err(e("screenshot"))?
        .ok();
    c.goto(&format!("{base}{village}"))
        .await
        .map_err(e("village list"))?;
    let list = text_with(c, "DANH SÁCH").await;
    if !list.contains("ngày 20 tháng 01 năm 2026") {
        return Err(format!("no ceremony day: {}", &list[..list.len().min(400)]));
    }
    c.screenshot()
        .await
        .map(|png| std::fs::write(artifacts().join("commendation-list.png"), png))
        .map_err(e("screenshot"))?
        .ok();
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_recognises_escapes_and_prints_certificates_in_a_real_browser() {
    let Some((_driver, port)) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.decide_all().await;
    let base = serve(&app).await;
    let client = browser(port).await;
    let result = recognition_flow(&client, &base).await;
    finish(client, result, "failure-recognition.png").await;
}
