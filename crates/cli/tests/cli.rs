//! The command line as a user meets it: the real binary, real files, real databases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot proceed fails"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bamho(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bamho"))
        .args(args)
        .env("BAMHO_TODAY", "2026-11-29")
        .env_remove("BAMHO_LANG")
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = bamho(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn failure(args: &[&str]) -> String {
    let out = bamho(args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

fn generated(dir: &Path, households: &str, years: &str) -> PathBuf {
    let out = dir.join("gen");
    ok(&[
        "generate",
        "--households",
        households,
        "--seed",
        "7",
        "--years",
        years,
        "--out",
        out.to_str().unwrap(),
    ]);
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The Decree 07/2021 rule written out again, independently of bamho's code: income decides when
/// given (≤ line), else the B1 score (≤ 140 rural, 175 urban); poor with ≥ 3 deprivations.
fn independent_counts(households_csv: &Path, year: &str) -> BTreeMap<String, (u64, u64, u64)> {
    let mut reader = csv::Reader::from_path(households_csv).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut out: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for record in reader.records() {
        let r = record.unwrap();
        if &r[col("year")] != year {
            continue;
        }
        let urban = &r[col("area")] == "urban";
        let at_or_below = if !r[col("income_per_capita")].is_empty() {
            r[col("income_per_capita")].parse::<u64>().unwrap()
                <= if urban { 2_000_000 } else { 1_500_000 }
        } else {
            r[col("b1_score")].parse::<u64>().unwrap() <= if urban { 175 } else { 140 }
        };
        let deprived = (1..=12)
            .filter(|i| &r[col(&format!("d{i:02}"))] == "1")
            .count();
        let entry = out.entry(r[col("commune_code")].to_owned()).or_default();
        entry.0 += 1;
        entry.1 += u64::from(at_or_below && deprived >= 3);
        entry.2 += u64::from(at_or_below && deprived < 3);
    }
    out
}

#[test]
fn generate_writes_the_interchange_files_and_a_believable_2022() {
    let dir = tempfile::tempdir().unwrap();
    let gen_dir = generated(dir.path(), "13698", "2022-2025");
    let households = std::fs::read_to_string(gen_dir.join("households.csv")).unwrap();
    assert_eq!(
        households.lines().next().unwrap(),
        "year,household_code,province_code,commune_code,village_code,area,agricultural,head_ethnicity,members,\
         income_per_capita,b1_score,d01,d02,d03,d04,d05,d06,d07,d08,d09,d10,d11,d12,class"
    );
    let members = std::fs::read_to_string(gen_dir.join("members.csv")).unwrap();
    assert_eq!(
        members.lines().next().unwrap(),
        "household_code,person_no,full_name,sex,birth_year,ethnicity,citizen_id,relation"
    );
    let json: Value = serde_json::from_str(&ok(&[
        "report",
        "--input",
        s(&gen_dir.join("households.csv")),
        "--year",
        "2022",
        "--by",
        "commune",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["standard"], "vn-2022-2025");
    assert_eq!(json["scope"], "file");
    assert_eq!(json["total"]["households"], 13698);
    let rate = json["total"]["poor_rate"].as_f64().unwrap();
    assert!((rate - 34.49).abs() <= 1.0, "2022 poverty rate {rate}");
    // The report agrees with an independent implementation of the rule, commune by commune.
    let expected = independent_counts(&gen_dir.join("households.csv"), "2022");
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 12);
    for row in rows {
        let commune = row["key"]["commune"].as_str().unwrap();
        let (n, poor, near) = expected[commune];
        assert_eq!(
            (
                row["households"].as_u64().unwrap(),
                row["poor"].as_u64().unwrap(),
                row["near_poor"].as_u64().unwrap()
            ),
            (n, poor, near),
            "{commune}"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_files() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (ga, gb) = (
        generated(a.path(), "300", "2022-2025"),
        generated(b.path(), "300", "2022-2025"),
    );
    for f in ["households.csv", "members.csv", "events.csv"] {
        assert_eq!(
            std::fs::read(ga.join(f)).unwrap(),
            std::fs::read(gb.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn classify_fills_the_class_and_counts_deprivations_for_one_year() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("h.csv");
    std::fs::write(
        &input,
        "year,household_code,province_code,commune_code,village_code,area,agricultural,head_ethnicity,members,\
         income_per_capita,b1_score,d01,d02,d03,d04,d05,d06,d07,d08,d09,d10,d11,d12,class\n\
         2022,A1,62,23362,V1,,1,29,5,1500000,,1,1,1,0,0,0,0,0,0,0,0,0,not_poor\n\
         2022,A2,62,23341,V2,urban,0,01,3,,176,1,1,1,1,0,0,0,0,0,0,0,0,\n\
         2023,A1,62,23362,V1,rural,1,29,5,2000000,,0,0,0,0,0,0,0,0,0,0,0,0,\n\
         2022,A3,62,23365,V3,rural,1,16,4,2100000,,0,0,0,0,0,0,0,0,0,0,0,0,\n",
    )
    .unwrap();
    let out = ok(&["classify", "--input", s(&input), "--year", "2022"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].ends_with(",d12,class,n_deprived"));
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[1].starts_with("2022,A1,") && lines[1].ends_with(",poor,3"),
        "an input class is ignored: {}",
        lines[1]
    );
    assert!(lines[2].ends_with(",not_poor,4"), "{}", lines[2]);
    assert!(lines[3].ends_with(",middle,0"), "{}", lines[3]);
}

const HEADER: &str = "year,household_code,province_code,commune_code,village_code,area,agricultural,head_ethnicity,\
members,income_per_capita,b1_score,d01,d02,d03,d04,d05,d06,d07,d08,d09,d10,d11,d12,class";
const ROW: &str = "2022,B1,62,23362,V9,rural,1,29,5,1200000,,1,1,1,0,0,0,0,0,0,0,0,0,";

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn broken_files_are_refused_with_their_file_row_column_and_value_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    let good = write(
        dir.path(),
        "good.csv",
        format!("{HEADER}\n{ROW}\n").as_bytes(),
    );
    ok(&["import", "--db", s(&db), s(&good)]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("missing.csv", HEADER.replace(",members", "").into_bytes(), "missing.csv: row 1, column members: this column is missing"),
        ("income.csv", format!("{HEADER}\n{}\n", ROW.replace("B1", "B2").replace("1200000", "abc")).into_bytes(),
            "income.csv: row 2, column income_per_capita, value \"abc\""),
        ("commune.csv", format!("{HEADER}\n{}\n", ROW.replace("B1", "B2").replace("23362", "12345")).into_bytes(),
            "commune.csv: row 2, column commune_code, value \"12345\": no commune has this code"),
        ("old.csv", format!("{HEADER}\n{}\n", ROW.replace("B1", "B2").replace("2022,", "2025,").replace(",62,", ",51,")).into_bytes(),
            "old.csv: row 2, column commune_code, value \"23362\": this commune code is not in force at the 2025 review"),
        ("ethnic.csv", format!("{HEADER}\n{}\n", ROW.replace("B1", "B2").replace(",29,", ",99,")).into_bytes(),
            "ethnic.csv: row 2, column head_ethnicity, value \"99\""),
        ("twice.csv", format!("{HEADER}\n{}\n{}\n", ROW.replace("B1", "B2"), ROW.replace("B1", "B2")).into_bytes(),
            "twice.csv: row 3, column household_code, value \"B2\": this household already has a row for 2022 (row 2)"),
        ("again.csv", format!("{HEADER}\n{ROW}\n").into_bytes(),
            "again.csv: row 2, column household_code, value \"B1\": household B1 already has a 2022 review in the database"),
        ("cccd.csv", b"household_code,person_no,full_name,sex,birth_year,ethnicity,citizen_id,relation\nB1,1,A Blong,m,1980,29,06219800012,head\n".to_vec(),
            "cccd.csv: row 2, column citizen_id, value \"06219800012\": a citizen ID has 12 digits"),
    ];
    for (name, text, expected) in cases {
        let path = write(dir.path(), name, &text);
        let err = failure(&["import", "--db", s(&db), s(&path)]);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains("nothing was written"), "{name}: {err}");
    }
    let mut legacy = format!("{HEADER}\n").into_bytes();
    legacy.extend_from_slice(ROW.replace("B1", "B3").replace("V9", "Th\u{1}n").as_bytes());
    let at = legacy.iter().position(|b| *b == 1).unwrap();
    legacy[at] = 0xAB; // a TCVN3 byte, not UTF-8
    let path = write(dir.path(), "tcvn3.csv", &legacy);
    let err = failure(&["import", "--db", s(&db), s(&path)]);
    assert!(
        err.contains("tcvn3.csv: row 2, column village_code, value \"Thôn\""),
        "the TCVN3 text is read, then refused as a village code: {err}"
    );
    // A good file and a bad one together: neither lands.
    let fresh = write(
        dir.path(),
        "fresh.csv",
        format!("{HEADER}\n{}\n", ROW.replace("B1", "B9")).as_bytes(),
    );
    failure(&[
        "import",
        "--db",
        s(&db),
        s(&fresh),
        s(&dir.path().join("income.csv")),
    ]);
    let json: Value = serde_json::from_str(&ok(&[
        "report",
        "--db",
        s(&db),
        "--year",
        "2022",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        json["total"]["households"], 1,
        "only the first good file landed"
    );
    // A report refused leaves the report written before as it was, and nothing beside it.
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let report = out.join("report.json");
    let run = |input: &Path, by: &str| {
        let (input, report) = (s(input), s(&report));
        bamho(&[
            "report", "--input", input, "--year", "2022", "--by", by, "--format", "json", "--out",
            report,
        ])
    };
    assert!(run(&good, "commune").status.success());
    let before = std::fs::read(&report).unwrap();
    assert!(!run(&dir.path().join("income.csv"), "").status.success());
    assert_eq!(std::fs::read(&report).unwrap(), before);
    let listed = || std::fs::read_dir(&out).unwrap().count();
    assert_eq!(listed(), 1);
    // A report accepted replaces it.
    assert!(run(&fresh, "").status.success());
    let after: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(after["rows"].as_array().map(Vec::len), Some(0));
    assert_eq!(after["total"]["households"], 1);
    assert_eq!(listed(), 1);
}

fn import_and_report(db: &str, gen_dir: &Path) -> Vec<Value> {
    let files = ["households.csv", "members.csv", "events.csv"].map(|f| gen_dir.join(f));
    let dry = ok(&[
        "import",
        "--db",
        db,
        "--dry-run",
        s(&files[0]),
        s(&files[1]),
        s(&files[2]),
    ]);
    assert!(dry.starts_with("dry run, nothing written"), "{dry}");
    let empty: Value = serde_json::from_str(&ok(&[
        "report", "--db", db, "--year", "2022", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(empty["total"]["households"], 0);
    ok(&[
        "import",
        "--db",
        db,
        s(&files[0]),
        s(&files[1]),
        s(&files[2]),
    ]);
    let mut reports = Vec::new();
    for (year, by, boundaries) in [
        ("2022", "commune,ethnicity", "recorded"),
        ("2024", "district,minority", "current"),
        ("2025", "province,commune,area", "recorded"),
    ] {
        let out = ok(&[
            "report",
            "--db",
            db,
            "--year",
            year,
            "--by",
            by,
            "--boundaries",
            boundaries,
            "--format",
            "json",
        ]);
        reports.push(serde_json::from_str(&out).unwrap());
    }
    let scoped = ok(&[
        "report", "--db", db, "--year", "2024", "--scope", "23365", "--by", "commune", "--format",
        "json",
    ]);
    reports.push(serde_json::from_str(&scoped).unwrap());
    reports
}

#[test]
fn the_same_data_in_sqlite_and_postgresql_gives_the_same_reports() {
    let dir = tempfile::tempdir().unwrap();
    let gen_dir = generated(dir.path(), "1500", "2022-2025");
    let sqlite = import_and_report(s(&dir.path().join("a.sqlite")), &gen_dir);
    let from_file = ok(&[
        "report",
        "--input",
        s(&gen_dir.join("households.csv")),
        "--year",
        "2022",
        "--by",
        "commune,ethnicity",
        "--format",
        "json",
    ]);
    let from_file: Value = serde_json::from_str(&from_file).unwrap();
    assert_eq!(
        sqlite[0]["rows"], from_file["rows"],
        "the database reports what the file says"
    );
    let scoped = &sqlite[3];
    assert_eq!(scoped["scope"], "23365");
    let communes: Vec<&str> = scoped["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"]["commune"].as_str().unwrap())
        .collect();
    assert_eq!(
        communes,
        ["23362", "23365"],
        "today's Ngọc Linh covers Mường Hoong's history"
    );
    let Some(url) = bamho_testkit::postgres_database() else {
        return;
    };
    ok(&["migrate", "--db", &url]);
    let postgres = import_and_report(&url, &gen_dir);
    assert_eq!(sqlite, postgres);
}

#[test]
fn the_demo_builds_once_and_summarises_the_district() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let first = ok(&["demo", "--db", s(&db), "--no-serve"]);
    assert!(first.contains("built the demo database"), "{first}");
    assert!(
        first.contains("2022: 13698 surveys, 13698 decided"),
        "{first}"
    );
    assert!(first.contains("open reviews 6"), "{first}");
    let followup = first
        .lines()
        .find(|l| l.contains("follow-up:"))
        .unwrap_or_else(|| panic!("{first}"));
    let figures: Vec<u64> = followup
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(figures.len(), 7, "{followup}");
    assert!(
        figures.iter().all(|n| *n > 0),
        "every kind of follow-up record is there: {followup}"
    );
    assert!(
        figures[1] > 2_000 && figures[2] > 10 * figures[1],
        "thousands followed, visited over the years: {followup}"
    );
    assert!(
        first.contains("2026:") && first.contains(", 0 decided"),
        "{first}"
    );
    let second = ok(&["demo", "--db", s(&db), "--lang", "en", "--no-serve"]);
    assert!(!second.contains("built the demo database"));
    assert!(
        second.contains("Former Đăk Glei district (synthetic data)"),
        "{second}"
    );
    let table = ok(&[
        "report",
        "--db",
        s(&db),
        "--year",
        "2025",
        "--by",
        "commune",
    ]);
    assert!(table.contains("23374 Xã Đăk Môn"), "{table}");
    assert!(table.lines().last().unwrap().starts_with("Tổng"), "{table}");
}

#[test]
fn af_reproduces_the_published_example_and_the_household_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "af.csv",
        b"id,region,d1,d2,d3,d4\n1,a,0,0,0,0\n2,a,1,1,0,1\n3,b,1,1,1,1\n4,b,0,1,0,0\n",
    );
    let weights = write(
        dir.path(),
        "w.toml",
        b"d1 = 0.25\nd2 = 0.25\nd3 = 0.25\nd4 = 0.25\n",
    );
    let json: Value = serde_json::from_str(&ok(&[
        "af",
        "--input",
        s(&input),
        "--k",
        "0.5",
        "--weights",
        s(&weights),
        "--by",
        "region",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        (
            json["n"].as_u64(),
            json["H"].as_f64(),
            json["A"].as_f64(),
            json["M0"].as_f64()
        ),
        (Some(4), Some(0.5), Some(0.875), Some(0.4375))
    );
    assert_eq!(json["censored"]["d2"], 0.5);
    assert_eq!(json["uncensored"]["d2"], 0.75);
    assert_eq!(json["groups"][0]["key"], "a");
    assert_eq!(json["groups"][0]["M0"], 0.375);
    assert_eq!(json["groups"][1]["M0"], 0.5);
    let bad = write(dir.path(), "w2.toml", b"d1 = 0.5\nd2 = 0.25\n");
    let out = bamho(&[
        "af",
        "--input",
        s(&input),
        "--k",
        "0.5",
        "--weights",
        s(&bad),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("the weights sum to 0.75, not 1"));
    // Equal weights over d01…d12 at k = 3/12: H is the share of households deprived in at least 3.
    let gen_dir = generated(dir.path(), "800", "2022-2022");
    let csv_path = gen_dir.join("households.csv");
    let json: Value = serde_json::from_str(&ok(&[
        "af",
        "--input",
        s(&csv_path),
        "--k",
        "3/12",
        "--format",
        "json",
    ]))
    .unwrap();
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let (mut n, mut three) = (0u32, 0u32);
    for r in reader.records() {
        let r = r.unwrap();
        n += 1;
        three += u32::from((11..23).filter(|i| &r[*i] == "1").count() >= 3);
    }
    assert_eq!(json["H"].as_f64().unwrap(), f64::from(three) / f64::from(n));
}

#[test]
fn serve_answers_health_and_login_over_a_real_socket() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite");
    ok(&["migrate", "--db", s(&db)]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_bamho"))
        .args(["serve", "--db", s(&db), "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    let get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply
    };
    let health = get("/healthz");
    let login = get("/login");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(
        login.starts_with("HTTP/1.1 200") && login.contains("name=\"csrf_token\""),
        "{login}"
    );
}

#[test]
fn exports_round_trip_and_microdata_hides_names() {
    let dir = tempfile::tempdir().unwrap();
    let gen_dir = generated(dir.path(), "300", "2024-2025");
    let db = dir.path().join("e.sqlite");
    let files = ["households.csv", "members.csv"].map(|f| gen_dir.join(f));
    ok(&["import", "--db", s(&db), s(&files[0]), s(&files[1])]);
    let out = dir.path().join("out.csv");
    let rows = std::fs::read_to_string(&files[0]).unwrap().lines().count() - 1;
    let said = ok(&[
        "export",
        "--db",
        s(&db),
        "--what",
        "households",
        "--format",
        "csv",
        "--out",
        s(&out),
    ]);
    assert!(said.starts_with(&format!("{rows} rows written")), "{said}");
    let members = dir.path().join("members-out.csv");
    ok(&[
        "export",
        "--db",
        s(&db),
        "--what",
        "members",
        "--format",
        "csv",
        "--out",
        s(&members),
    ]);
    // The export imports into a fresh database and reports the same as the original file.
    let copy = dir.path().join("copy.sqlite");
    ok(&["import", "--db", s(&copy), s(&out), s(&members)]);
    for source in [&db, &copy] {
        let json: Value = serde_json::from_str(&ok(&[
            "report",
            "--db",
            s(source),
            "--year",
            "2025",
            "--by",
            "commune",
            "--format",
            "json",
        ]))
        .unwrap();
        let file: Value = serde_json::from_str(&ok(&[
            "report",
            "--input",
            s(&files[0]),
            "--year",
            "2025",
            "--by",
            "commune",
            "--format",
            "json",
        ]))
        .unwrap();
        assert_eq!(json["rows"], file["rows"]);
    }
    let micro = dir.path().join("micro.csv");
    ok(&[
        "export",
        "--db",
        s(&db),
        "--what",
        "microdata",
        "--format",
        "csv",
        "--scope",
        "23365",
        "--out",
        s(&micro),
    ]);
    let text = std::fs::read_to_string(&micro).unwrap();
    assert!(text.starts_with("year,pseudo_id,"), "{}", &text[..80]);
    assert!(
        !text.contains("23362-0") && !text.contains("23365-0"),
        "no household codes in microdata"
    );
    let names = std::fs::read_to_string(&members).unwrap();
    let a_name = names
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(2)
        .unwrap()
        .to_owned();
    assert!(!text.contains(&a_name));
    let again = dir.path().join("micro2.csv");
    ok(&[
        "export",
        "--db",
        s(&db),
        "--what",
        "microdata",
        "--format",
        "csv",
        "--scope",
        "23365",
        "--out",
        s(&again),
    ]);
    assert_eq!(
        text,
        std::fs::read_to_string(&again).unwrap(),
        "pseudonyms are stable within a database"
    );
    let posting = dir.path().join("posting.csv");
    ok(&[
        "export",
        "--db",
        s(&db),
        "--what",
        "posting-list",
        "--format",
        "csv",
        "--out",
        s(&posting),
    ]);
    assert!(
        std::fs::read_to_string(&posting)
            .unwrap()
            .starts_with("year,village_code,head_name,class\n2025,")
    );
    let posting_xlsx = dir.path().join("posting.xlsx");
    ok(&[
        "export",
        "--db",
        s(&db),
        "--what",
        "posting-list",
        "--format",
        "xlsx",
        "--out",
        s(&posting_xlsx),
    ]);
    let csv_rows = std::fs::read_to_string(&posting).unwrap().lines().count();
    let cells = sheet(&posting_xlsx, "PostingList");
    assert_eq!(cells[0][0], "DANH SÁCH NIÊM YẾT KẾT QUẢ RÀ SOÁT");
    assert_eq!(cells[3], ["year", "village_code", "head_name", "class"]);
    assert_eq!(
        cells.len() - 3,
        csv_rows,
        "the same rows as the CSV, under a title"
    );
    assert_eq!(cells[4][0], "2025", "years are numbers");
    // Microdata for analysts as Parquet: the CSV's rows and columns, numbers typed, names absent.
    let micro_csv = dir.path().join("micro.csv");
    let micro_parquet = dir.path().join("micro.parquet");
    for (format, out) in [("csv", &micro_csv), ("parquet", &micro_parquet)] {
        ok(&[
            "export",
            "--db",
            s(&db),
            "--what",
            "microdata",
            "--format",
            format,
            "--out",
            s(out),
        ]);
    }
    let csv_text = std::fs::read_to_string(&micro_csv).unwrap();
    let mut csv_lines = csv_text.lines();
    let csv_header: Vec<&str> = csv_lines.next().unwrap().split(',').collect();
    let first_csv: Vec<&str> = csv_lines.next().unwrap().split(',').collect();
    let reader = parquet::file::reader::SerializedFileReader::new(
        std::fs::File::open(&micro_parquet).unwrap(),
    )
    .unwrap();
    use parquet::file::reader::FileReader;
    let meta = reader.metadata().file_metadata();
    assert_eq!(meta.num_rows() as usize, csv_text.lines().count() - 1);
    let columns: Vec<&str> = meta
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name())
        .collect();
    assert_eq!(columns, csv_header);
    assert!(!columns.contains(&"head_name") && !columns.contains(&"household_code"));
    let first = reader.get_row_iter(None).unwrap().next().unwrap().unwrap();
    for ((name, field), text) in first.get_column_iter().zip(&first_csv) {
        let shown = match field {
            parquet::record::Field::Null => String::new(),
            parquet::record::Field::Str(v) => v.clone(),
            parquet::record::Field::Long(n) => n.to_string(),
            other => panic!("{name}: unexpected {other:?}"),
        };
        assert_eq!(&shown, text, "{name}");
    }
    assert!(matches!(
        first.get_column_iter().next().unwrap().1,
        parquet::record::Field::Long(2022..=2026)
    ));
}

#[test]
fn changes_add_up_and_agree_between_file_and_database() {
    let dir = tempfile::tempdir().unwrap();
    let gen_dir = generated(dir.path(), "2000", "2022-2025");
    let households = gen_dir.join("households.csv");
    let from_file: Value = serde_json::from_str(&ok(&[
        "report",
        "--input",
        s(&households),
        "--year",
        "2025",
        "--changes",
        "--format",
        "json",
    ]))
    .unwrap();
    let p = &from_file["poor"];
    let n = |k: &str| p[k].as_i64().unwrap();
    assert_eq!(
        n("end"),
        n("start") - n("to_near_poor") - n("escaped") - n("other_decrease")
            + n("from_near_poor")
            + n("relapsed")
            + n("newly_poor")
            + n("other_increase")
    );
    assert!(
        n("relapsed") > 0 && n("newly_poor") > 0 && n("escaped") > 0,
        "{p}"
    );
    let rates: Value = serde_json::from_str(&ok(&[
        "report",
        "--input",
        s(&households),
        "--year",
        "2025",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(rates["total"]["poor"], p["end"]);
    let db = dir.path().join("c.sqlite");
    // With the events, the database knows which households merged or moved away; without them it
    // would carry those households forward.
    let events = gen_dir.join("events.csv");
    ok(&[
        "import",
        "--db",
        s(&db),
        s(&households),
        s(&gen_dir.join("members.csv")),
        s(&events),
    ]);
    let from_db: Value = serde_json::from_str(&ok(&[
        "report",
        "--db",
        s(&db),
        "--year",
        "2025",
        "--changes",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(from_db["poor"], from_file["poor"]);
    assert_eq!(from_db["transitions"], from_file["transitions"]);
}

/// The cells of a workbook's sheet (.xlsx or .ods) as text, row by row.
fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn the_official_workbook_has_every_form_and_agrees_with_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let gen_dir = generated(dir.path(), "600", "2022-2024");
    let households = gen_dir.join("households.csv");
    let db = dir.path().join("w.sqlite");
    let db = format!("sqlite://{}", db.display());
    ok(&[
        "import",
        "--db",
        &db,
        s(&households),
        s(&gen_dir.join("members.csv")),
        s(&gen_dir.join("events.csv")),
    ]);
    let json: Value = serde_json::from_str(&ok(&[
        "report", "--db", &db, "--year", "2024", "--format", "json",
    ]))
    .unwrap();
    let from_db = dir.path().join("db.xlsx");
    let said = ok(&[
        "report",
        "--db",
        &db,
        "--year",
        "2024",
        "--format",
        "xlsx",
        "--out",
        s(&from_db),
    ]);
    assert!(said.contains("8 sheets"), "{said}");
    let from_file = dir.path().join("file.xlsx");
    ok(&[
        "report",
        "--input",
        s(&households),
        "--year",
        "2024",
        "--format",
        "xlsx",
        "--out",
        s(&from_file),
    ]);
    let names = {
        use calamine::Reader;
        let book: calamine::Xlsx<_> = calamine::open_workbook(&from_file).unwrap();
        book.sheet_names()
    };
    assert_eq!(
        names,
        [
            "7.1 Tổng hợp theo xã",
            "7.2 Biến động hộ nghèo",
            "Ma trận chuyển đổi",
            "7.4-7.5 Thiếu hụt",
            "7.9 Theo dân tộc"
        ],
        "a households.csv fills the forms it can"
    );
    for book in [&from_db, &from_file] {
        let summary = sheet(book, "7.1 Tổng hợp theo xã");
        assert_eq!(
            summary[0][0],
            "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO"
        );
        let total = summary.iter().find(|r| r[1] == "Tổng cộng").unwrap();
        assert_eq!(total[2], json["total"]["households"].to_string());
        assert_eq!(total[3], json["total"]["poor"].to_string());
        let changes = sheet(book, "7.2 Biến động hộ nghèo");
        let end = changes.iter().find(|r| r[0] == "9").unwrap();
        assert_eq!(
            end[2],
            json["total"]["poor"].to_string(),
            "(9) is the year's poor households"
        );
        let ethnic = sheet(book, "7.9 Theo dân tộc");
        assert_eq!(
            ethnic.iter().find(|r| r[0] == "Tổng số").unwrap()[1],
            json["total"]["households"].to_string()
        );
    }
    let list = sheet(&from_db, "Danh sách hộ");
    let listed = list.iter().skip(4).filter(|r| !r[1].is_empty()).count() as u64;
    let expected =
        json["total"]["poor"].as_u64().unwrap() + json["total"]["near_poor"].as_u64().unwrap();
    assert_eq!(
        listed, expected,
        "every poor and near-poor household, with its members under it"
    );
    assert!(
        list.iter()
            .skip(4)
            .any(|r| r[1].is_empty() && !r[3].is_empty()),
        "member rows"
    );
    let refused = failure(&["report", "--db", &db, "--year", "2024", "--format", "xlsx"]);
    assert!(refused.contains("--out"), "{refused}");
}

#[test]
fn fix_text_converts_a_workbook_that_mixes_encodings_and_a_legacy_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.xlsx");
    // One sheet as commune offices keep them: TCVN3 and VNI cells (as their fonts store them),
    // Unicode, decomposed Unicode, and numbers.
    let nfd = "Nguy\u{65}\u{302}\u{303}n V\u{103}n A";
    let rows: [(&str, &str); 5] = [
        ("Hä vµ tªn", "Họ và tên"),
        ("Nguyeãn Thò Hoa", "Nguyễn Thị Hoa"),
        ("Đắk Glei", "Đắk Glei"),
        (nfd, "Nguyễn Văn A"),
        ("Th«n Kon Riªng", "Thôn Kon Riêng"),
    ];
    {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("Danh sách").unwrap();
        for (i, (stored, _)) in rows.iter().enumerate() {
            ws.write_string(i as u32, 0, *stored).unwrap();
            ws.write_number(i as u32, 1, i as f64 * 1000.0).unwrap();
        }
        // A district name in the .VnTime font: the font says TCVN3, and is replaced by a Unicode one.
        let vntime = rust_xlsxwriter::Format::new().set_font_name(".VnTime");
        ws.write_string_with_format(5, 0, "\u{a7}\u{be}k T\u{ab}", &vntime)
            .unwrap();
        ws.set_column_width(0, 40).unwrap();
        book.save(&input).unwrap();
    }
    let out = dir.path().join("fixed.xlsx");
    let said = ok(&["fix-text", "--input", s(&input), "--out", s(&out)]);
    assert!(said.contains("TCVN3 (ABC): 3"), "{said}");
    assert!(said.contains("font .VnTime → Times New Roman"), "{said}");
    assert!(
        said.contains("VNI-Windows: 1") && said.contains("Unicode NFD: 1"),
        "{said}"
    );
    assert!(
        said.contains("sheet Danh sách, row 1, column A: TCVN3 (ABC)"),
        "{said}"
    );
    let cells = sheet(&out, "Danh sách");
    for (i, (_, expected)) in rows.iter().enumerate() {
        assert_eq!(cells[i][0], *expected);
        assert_eq!(cells[i][1], (i * 1000).to_string(), "numbers stay numbers");
    }
    assert_eq!(cells[5][0], "Đắk Tô");

    // A CSV saved by an old program: VNI bytes, not UTF-8.
    let csv = write(
        dir.path(),
        "vni.csv",
        b"Ho\xef va\xf8 te\xe2n,Da\xe2n to\xe4c\nY Hoa,X\xf4 \xd1a\xeang\n",
    );
    let fixed = dir.path().join("vni-fixed.csv");
    let said = ok(&["fix-text", "--input", s(&csv), "--out", s(&fixed)]);
    assert!(said.contains("not UTF-8"), "{said}");
    assert_eq!(
        std::fs::read_to_string(&fixed).unwrap(),
        "Họ và tên,Dân tộc\nY Hoa,Xơ Đăng\n"
    );
    let same = failure(&["fix-text", "--input", s(&csv), "--out", s(&csv)]);
    assert!(same.contains("--out must differ"), "{same}");
}

#[test]
fn fix_text_keeps_an_ods_an_ods_and_writes_an_xls_as_an_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../io/testdata");
    // Saved by LibreOffice Calc: a heading in .VnTimeH, names in .VnTime and VNI-Times.
    let ods = dir.path().join("ds.ods");
    std::fs::copy(testdata.join("legacy.ods"), &ods).unwrap();
    let out = dir.path().join("ds-unicode.ods");
    let said = ok(&["fix-text", "--input", s(&ods), "--out", s(&out)]);
    assert!(said.contains("TCVN3 (ABC): 3"), "{said}");
    assert!(said.contains("font .VnTimeH → Times New Roman"), "{said}");
    assert_eq!(sheet(&out, "Danh sách")[0][0], "HÀ NỘI");

    let xls = dir.path().join("ds.xls");
    std::fs::copy(testdata.join("legacy.xls"), &xls).unwrap();
    let refused = failure(&[
        "fix-text",
        "--input",
        s(&xls),
        "--out",
        s(&dir.path().join("x.xls")),
    ]);
    assert!(refused.contains("ending in .xlsx"), "{refused}");
    let out = dir.path().join("ds-unicode.xlsx");
    ok(&["fix-text", "--input", s(&xls), "--out", s(&out)]);
    let cells = sheet(&out, "Danh sách");
    assert_eq!(cells[0][0], "HÀ NỘI");
    assert_eq!(cells[2][0], "Nguyễn Thị Hoa");
}

/// pyxform's converter: `$BAMHO_XLS2XFORM`, or the one `.ci/run` installs under target/.
fn xls2xform() -> Option<PathBuf> {
    bamho_testkit::python_tool("xls2xform", "BAMHO_XLS2XFORM", "BAMHO_REQUIRE_PYXFORM")
}

#[test]
fn the_xlsform_of_each_standard_converts_cleanly_with_pyxform() {
    let dir = tempfile::tempdir().unwrap();
    for (year, indicators) in [("2026", 12), ("2027", 13)] {
        let form = dir.path().join(format!("form{year}.xlsx"));
        let said = ok(&["xlsform", "--year", year, "--out", s(&form)]);
        assert!(said.contains(&format!("bamho_review_{year}")), "{said}");
        let survey = sheet(&form, "survey");
        assert_eq!(survey[0][0], "type");
        let deprivations: Vec<&Vec<String>> = survey
            .iter()
            .filter(|r| r[1].len() == 3 && r[1].starts_with('d'))
            .collect();
        assert_eq!(
            deprivations.len(),
            indicators,
            "one question per indicator of the standard"
        );
        assert!(
            deprivations
                .iter()
                .all(|r| r[0] == "select_one yes_no" && !r[4].is_empty()),
            "each with its definition"
        );
        for field in [
            "household_code",
            "commune_code",
            "village_code",
            "members",
            "full_name",
            "citizen_id",
            "income_per_capita",
            "location",
            "photo",
        ] {
            assert!(survey.iter().any(|r| r[1] == field), "{field}");
        }
        let choices = sheet(&form, "choices");
        assert_eq!(choices.iter().filter(|r| r[0] == "ethnicity").count(), 54);
        if let Some(converter) = xls2xform() {
            let xml = dir.path().join(format!("form{year}.xml"));
            let out = Command::new(&converter)
                .args(["--skip_validate", s(&form), s(&xml)])
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "pyxform refused the form: {said}");
            assert!(!said.contains("Warning"), "pyxform warned: {said}");
            let xml = std::fs::read_to_string(&xml).unwrap();
            assert!(
                xml.contains("bamho_review_") && xml.contains("<d01"),
                "the XForm carries the indicators"
            );
        }
    }
    let refused = failure(&[
        "xlsform",
        "--year",
        "1999",
        "--out",
        s(&dir.path().join("x.xlsx")),
    ]);
    assert!(refused.contains("1999"), "{refused}");
}

#[test]
fn odk_and_kobo_submission_exports_import_as_surveys() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("odk.sqlite").display());
    let submission = |code: &str, commune: &str, income: u64| {
        serde_json::json!({
            "__id": format!("uuid:{code}"),
            "year": "2026",
            "household": {
                "household_code": code, "province_code": "51", "commune_code": commune,
                "village_code": "23365-T01", "area": "rural", "agricultural": "1",
                "head_name": "A Nhong", "head_ethnicity": "16", "members": 2
            },
            "member": [
                {"full_name": "A Nhong", "sex": "m", "birth_year": 1980, "ethnicity": "16", "relation": "head"},
                {"full_name": "Y Hoa", "sex": "f", "birth_year": 1984, "ethnicity": "16", "relation": "spouse"}
            ],
            "means": {"income_per_capita": income},
            "deprivations": {"d01": "1", "d02": "0", "d03": "1", "d04": "0", "d05": "1", "d06": "0",
                             "d07": "0", "d08": "0", "d09": "0", "d10": "0", "d11": "0", "d12": "0"}
        })
    };
    // ODK Central's OData shape; one submission names a commune that does not exist.
    let bad = serde_json::json!({"value": [submission("23365-900001", "23365", 900_000), submission("23365-900002", "99999", 900_000)]});
    let bad = write(dir.path(), "odk-bad.json", bad.to_string().as_bytes());
    let refused = failure(&["import", "--db", &db, s(&bad)]);
    assert!(
        refused.contains("odk-bad.json (submissions)")
            && refused.contains("row 3")
            && refused.contains("99999"),
        "the file, the submission's row and the value: {refused}"
    );
    let empty: Value = serde_json::from_str(&ok(&[
        "report", "--db", &db, "--year", "2026", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(empty["total"]["households"], 0, "nothing written");
    // KoBo's array of `group/field` keys, the members as a nested repeat.
    let kobo: Vec<Value> = [
        submission("23365-900003", "23365", 900_000),
        submission("23365-900004", "23365", 5_000_000),
    ]
    .into_iter()
    .map(|v| {
        let mut flat = serde_json::Map::new();
        for (group, inner) in v.as_object().unwrap() {
            match inner {
                Value::Object(fields) => {
                    for (k, x) in fields {
                        flat.insert(format!("{group}/{k}"), x.clone());
                    }
                }
                other => {
                    flat.insert(group.clone(), other.clone());
                }
            }
        }
        flat.insert("_uuid".into(), Value::String("x".into()));
        Value::Object(flat)
    })
    .collect();
    let kobo = write(
        dir.path(),
        "kobo.json",
        serde_json::to_string(&kobo).unwrap().as_bytes(),
    );
    let said = ok(&["import", "--db", &db, s(&kobo)]);
    assert!(
        said.contains("2 household-year rows") && said.contains("4 members"),
        "{said}"
    );
    // ODK Central's CSV: the submissions and the members repeat in two files.
    let main = write(
        dir.path(),
        "bamho_review_2026.csv",
        "SubmissionDate,year,household-household_code,household-province_code,household-commune_code,household-village_code,household-area,household-agricultural,household-head_ethnicity,household-members,means-income_per_capita,means-b1_score,deprivations-d01,deprivations-d02,deprivations-d03,deprivations-d04,deprivations-d05,deprivations-d06,deprivations-d07,deprivations-d08,deprivations-d09,deprivations-d10,deprivations-d11,deprivations-d12,meta-instanceID,KEY\n\
         2026-10-01,2026,23365-900005,51,23365,23365-T01,rural,1,16,1,800000,,1,1,1,0,0,0,0,0,0,0,0,0,uuid:5,uuid:5\n"
            .as_bytes(),
    );
    let repeat = write(
        dir.path(),
        "bamho_review_2026-member.csv",
        "member-full_name,member-sex,member-birth_year,member-ethnicity,member-citizen_id,member-relation,PARENT_KEY,KEY\n\
         Y Blông,f,1990,16,,head,uuid:5,uuid:5/member[1]\n"
            .as_bytes(),
    );
    let said = ok(&["import", "--db", &db, s(&main), s(&repeat)]);
    assert!(
        said.contains("1 household-year rows") && said.contains("1 members"),
        "{said}"
    );
    let report: Value = serde_json::from_str(&ok(&[
        "report", "--db", &db, "--year", "2026", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(report["total"]["households"], 3);
    assert_eq!(
        report["total"]["poor"], 2,
        "two poor by income and three deprivations"
    );
}

#[test]
fn an_official_member_list_in_excel_with_vietnamese_headings_and_legacy_text_imports() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("official.sqlite").display());
    let gen_dir = generated(dir.path(), "40", "2025");
    let households = gen_dir.join("households.csv");
    let codes: Vec<String> = csv::Reader::from_path(&households)
        .unwrap()
        .records()
        .map(|r| r.unwrap()[1].to_owned())
        .take(2)
        .collect();
    let book = dir.path().join("danh-sach.xlsx");
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Thành viên").unwrap();
        ws.write_string(0, 0, "DANH SÁCH THÀNH VIÊN HỘ NGHÈO")
            .unwrap();
        let head = [
            "Mã hộ",
            "STT trong hộ",
            "Họ và tên",
            "Giới tính",
            "Ngày sinh",
            "Dân tộc",
            "Số CCCD",
            "Quan hệ với chủ hộ",
        ];
        for (c, h) in head.iter().enumerate() {
            ws.write_string(2, c as u16, *h).unwrap();
        }
        // Names typed long ago: TCVN3 (as the .VnTime font keeps it) and VNI.
        let people = [
            (
                codes[0].as_str(),
                1.0,
                "NguyÔn V¨n Hïng",
                "Nam",
                "15/03/1980",
                "Kinh",
                "062198000123",
                "Chủ hộ",
            ),
            (
                codes[0].as_str(),
                2.0,
                "Y Hoa",
                "Nữ",
                "1984",
                "Xơ Đăng",
                "",
                "Vợ",
            ),
            (
                codes[1].as_str(),
                1.0,
                "Tröôøng Thò Lan",
                "Nữ",
                "1990",
                "xo dang",
                "",
                "Chủ hộ",
            ),
        ];
        for (r, p) in people.iter().enumerate() {
            let r = r as u32 + 3;
            ws.write_string(r, 0, p.0).unwrap();
            ws.write_number(r, 1, p.1).unwrap();
            ws.write_string(r, 2, p.2).unwrap();
            ws.write_string(r, 3, p.3).unwrap();
            ws.write_string(r, 4, p.4).unwrap();
            ws.write_string(r, 5, p.5).unwrap();
            ws.write_string(r, 6, p.6).unwrap();
            ws.write_string(r, 7, p.7).unwrap();
        }
        wb.save(&book).unwrap();
    }
    let dry = ok(&["import", "--db", &db, "--dry-run", s(&households), s(&book)]);
    assert!(dry.contains("3 members"), "{dry}");
    assert!(
        dry.contains("TCVN3 (ABC)") && dry.contains("VNI-Windows"),
        "the conversions are reported: {dry}"
    );
    ok(&["import", "--db", &db, s(&households), s(&book)]);
    let members = dir.path().join("members.csv");
    ok(&[
        "export",
        "--db",
        &db,
        "--what",
        "members",
        "--format",
        "csv",
        "--out",
        s(&members),
    ]);
    let text = std::fs::read_to_string(&members).unwrap();
    assert!(
        text.contains("Nguyễn Văn Hùng,m,1980,01,062198000123,head"),
        "{text}"
    );
    assert!(text.contains("Trường Thị Lan,f,1990,16,,head"), "{text}");
    assert!(text.contains("Y Hoa,f,1984,16,,spouse"), "{text}");
    // A heading it knows with a value it cannot read: the sheet, the spreadsheet's row and column.
    let bad = dir.path().join("bad.xlsx");
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in [
            "Mã hộ",
            "STT trong hộ",
            "Họ và tên",
            "Giới tính",
            "Năm sinh",
            "Dân tộc",
            "Quan hệ",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        for (c, v) in [
            codes[0].as_str(),
            "3",
            "A Lo",
            "Nam",
            "năm ngoái",
            "Kinh",
            "Con",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(2, c as u16, *v).unwrap();
        }
        wb.save(&bad).unwrap();
    }
    let err = failure(&["import", "--db", &db, s(&bad)]);
    assert!(
        err.contains("bad.xlsx, sheet Sheet1: row 3, column birth_year, value \"năm ngoái\""),
        "{err}"
    );
    // An .xls cut short in copying, and a portal's web page saved under an .xls name: refused
    // with the file named and what went wrong, nothing imported.
    let cut = dir.path().join("cut.xls");
    let whole = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../io/testdata/official-list.xls"),
    )
    .unwrap();
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let page = dir.path().join("trang.xls");
    std::fs::write(
        &page,
        "<html><body><table><tr><td>Họ và tên</td></tr></table></body></html>",
    )
    .unwrap();
    let err = failure(&["import", "--db", &db, "--dry-run", s(&cut), s(&page)]);
    assert!(
        err.contains("cut.xls: row 1: a damaged .xls workbook"),
        "{err}"
    );
    assert!(
        err.contains("trang.xls") && err.contains("a web page (HTML)"),
        "{err}"
    );
}
