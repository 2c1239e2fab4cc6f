//! Test support shared by bamho's test suites: a throwaway PostgreSQL cluster started from the
//! machine's own binaries (Debian keeps them under `/usr/lib/postgresql/<version>/bin`), or the
//! server named by `BAMHO_TEST_POSTGRES_URL`, with a fresh database per test.
//!
//! When neither is available the PostgreSQL tests say so and skip — unless
//! `BAMHO_REQUIRE_POSTGRES=1`, under which they fail (CI sets it).

#![expect(clippy::print_stderr, reason = "tests say why they skip")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// Where the cluster listens: (socket directory, port), or why there is none.
static CLUSTER: OnceLock<Result<String, String>> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

fn required() -> bool {
    std::env::var("BAMHO_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

fn pg_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// Runs a PostgreSQL binary, as the `postgres` user when we are root (the server refuses root).
fn run(bin: &Path, args: &[&str]) -> Result<(), String> {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} failed: {}",
            bin.display(),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start_cluster() -> Result<String, String> {
    if let Ok(url) = std::env::var("BAMHO_TEST_POSTGRES_URL") {
        return Ok(url);
    }
    let bin = pg_bin().ok_or("no PostgreSQL binaries under /usr/lib/postgresql")?;
    let dir = std::env::temp_dir().join(format!("bamho-pg-{}", std::process::id()));
    let data = dir.join("data");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            return Err("cannot hand the cluster directory to the postgres user".into());
        }
    }
    let dir_s = dir.to_string_lossy().into_owned();
    let data_s = data.to_string_lossy().into_owned();
    run(
        &bin.join("initdb"),
        &[
            "-D",
            &data_s,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
    )?;
    let port = 20000 + std::process::id() % 20000;
    let opts =
        format!("-p {port} -k {dir_s} -c listen_addresses='' -c fsync=off -c max_connections=200");
    let log = format!("{dir_s}/log");
    run(
        &bin.join("pg_ctl"),
        &["-D", &data_s, "-o", &opts, "-l", &log, "-w", "start"],
    )?;
    // The cluster outlives no test run: a watchdog stops it when this process ends.
    let pg_ctl = bin.join("pg_ctl").to_string_lossy().into_owned();
    let stop = if is_root() {
        format!("runuser -u postgres -- {pg_ctl} -D {data_s} -m immediate stop")
    } else {
        format!("{pg_ctl} -D {data_s} -m immediate stop")
    };
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {dir_s}",
        pid = std::process::id()
    );
    Command::new("sh")
        .args(["-c", &watchdog])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "postgres://postgres@localhost:{port}/postgres?host={dir_s}"
    ))
}

/// A fresh, empty PostgreSQL database for one test, or `None` (with the reason printed) when no
/// server can be had and CI did not require one.
///
/// # Panics
/// Under `BAMHO_REQUIRE_POSTGRES=1` when no server can be had.
pub fn postgres_database() -> Option<String> {
    match CLUSTER.get_or_init(start_cluster) {
        Ok(admin) => {
            let n = NEXT_DB.fetch_add(1, Ordering::SeqCst);
            let name = format!("bamho_test_{}_{n}", std::process::id());
            let psql = pg_bin()
                .map(|b| b.join("psql"))
                .unwrap_or_else(|| PathBuf::from("psql"));
            let out = Command::new(psql)
                .args([
                    admin.as_str(),
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-qc",
                    &format!("CREATE DATABASE {name}"),
                ])
                .output();
            match out {
                Ok(o) if o.status.success() => Some(replace_database(admin, &name)),
                Ok(o) => fail(&format!(
                    "CREATE DATABASE failed: {}",
                    String::from_utf8_lossy(&o.stderr)
                )),
                Err(e) => fail(&format!("psql: {e}")),
            }
        }
        Err(why) => fail(why),
    }
}

fn fail(why: &str) -> Option<String> {
    assert!(
        !required(),
        "PostgreSQL is required (BAMHO_REQUIRE_POSTGRES=1) but: {why}"
    );
    eprintln!("skipping a PostgreSQL test: {why}");
    None
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    }
}

/// A Python tool the suite runs against bamho's output: the path in `$env`, or `program` in the
/// virtual environment `.ci/run` makes under target/. Missing, the test says so and skips — unless
/// `$require` is 1 (CI), under which it fails.
pub fn python_tool(program: &str, env: &str, require: &str) -> Option<PathBuf> {
    let path = std::env::var_os(env).map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/pyxform/bin")
                .join(program)
        },
        PathBuf::from,
    );
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var(require).as_deref() != Ok("1"),
        "{require}=1 but {} is missing (python3 -m venv target/pyxform && \
         target/pyxform/bin/pip install -r .ci/requirements.txt)",
        path.display()
    );
    eprintln!("{program} is not installed: the test skips it");
    None
}
