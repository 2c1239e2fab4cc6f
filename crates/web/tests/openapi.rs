//! The OpenAPI document run through Schemathesis, a property-based API tester: every operation it
//! describes, with generated parameters and bodies, against the real server on a port, as a commune
//! officer with a bearer token, then in sequences that follow the document's links (a page of
//! households → one of them → its members, surveys, classifications). No answer may be a server
//! error, and every answer must match the document. Without Schemathesis the test says so and skips, unless
//! `BAMHO_REQUIRE_SCHEMATHESIS=1` (CI), under which it fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    reason = "a test that cannot proceed fails"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use bamho_web::{AppState, Application};
use common::TestApp;

fn schemathesis() -> Option<PathBuf> {
    bamho_testkit::python_tool(
        "schemathesis",
        "BAMHO_SCHEMATHESIS",
        "BAMHO_REQUIRE_SCHEMATHESIS",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_fuzzer_finds_no_server_error_and_no_answer_the_document_does_not_describe() {
    let Some(tool) = schemathesis() else { return };
    let app = TestApp::spawn().await;
    let server = Application::build(AppState::new(app.store.clone()), "127.0.0.1:0")
        .await
        .unwrap();
    let base = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(server.run());
    let token = app.token("ngoclinh").await;
    // Its reports and its cache of examples stay under target/, out of the source tree.
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/schemathesis");
    std::fs::create_dir_all(&report).unwrap();
    let run = tokio::task::spawn_blocking(move || {
        Command::new(tool)
            .current_dir(&report)
            .args(["run", &format!("{base}/api/v1/openapi.json")])
            .args(["--url", &format!("{base}/api/v1")])
            .args(["--header", &format!("Authorization: Bearer {token}")])
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            ])
            .args(["--phases", "examples,coverage,fuzzing,stateful"])
            .args(["--max-examples", "40", "--seed", "1", "--no-color"])
            .args(["--report", "junit", "--report-dir", "."])
            .env("SCHEMATHESIS_HOOKS", "")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "Schemathesis found problems:\n{out}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.contains("passed"), "{out}");
    // The document's links take the fuzzer from a page of households to real ones.
    assert!(out.contains("Stateful"), "{out}");
}
