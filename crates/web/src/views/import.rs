//! Importing files through the pages: an officer sends bamho's CSV files, official lists
//! (xlsx, xls, ods, CSV with Vietnamese headings, in any legacy encoding) or ODK/KoBo exports,
//! sees what would happen (a dry run), then imports — all rows or none, only households of their
//! own communes. Files are limited in size; a spreadsheet bomb is refused before it is unpacked.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::Response;
use bamho_domain::units::Units;
use bamho_io::{Batch, Errors};
use bamho_store::{ImportError, ImportOptions};

use super::{Frame, html};
use crate::AppState;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;

/// The most a request of files may carry.
pub const MAX_UPLOAD: usize = 32 * 1024 * 1024;
/// Row errors shown on the page at most.
const SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportView {
    frame: Frame,
    /// What happened, in a sentence; empty before a file is sent.
    outcome: String,
    ok: bool,
    lines: Vec<String>,
}

fn page(s: &Signed, outcome: String, ok: bool, lines: Vec<String>) -> Result<Response, WebError> {
    html(&ImportView {
        frame: Frame::new(s, "/import"),
        outcome,
        ok,
        lines,
    })
}

pub async fn view_import_get(PageUser(s): PageUser) -> Result<Response, WebError> {
    s.require_entry()?;
    page(&s, String::new(), true, Vec::new())
}

/// Households of the batch whose commune today lies outside the user's communes.
fn outside_scope(s: &Signed, batch: &Batch, errors: &mut Errors) {
    let Some(communes) = s.communes() else {
        return;
    };
    let units = Units::national();
    let today = crate::clock::today();
    for (at, h) in &batch.households {
        let now = units
            .successor_on(h.commune, today)
            .map(|u| units.get(u).code.to_owned());
        if !now.is_some_and(|c| communes.contains(&c)) {
            errors.push(bamho_io::RowError::at(
                at,
                "commune_code",
                units.get(h.commune).code,
                "this commune is not one of yours: only your communes' households are imported",
            ));
        }
    }
}

/// Member and event rows must concern households of the file or households the user reaches:
/// nobody edits another commune's members by sending a list.
async fn foreign_households(
    s: &Signed,
    state: &AppState,
    batch: &Batch,
    errors: &mut Errors,
) -> Result<(), WebError> {
    let in_file: std::collections::HashSet<&str> = batch
        .households
        .iter()
        .map(|(_, h)| h.household.as_str())
        .collect();
    let mut checked: std::collections::HashMap<String, bool> = Default::default();
    let rows = batch
        .members
        .iter()
        .map(|(at, m)| (at, m.household.as_str()))
        .chain(
            batch
                .events
                .iter()
                .map(|(at, e)| (at, e.household.as_str())),
        );
    for (at, code) in rows {
        if in_file.contains(code) {
            continue;
        }
        let reachable = match checked.get(code) {
            Some(r) => *r,
            None => {
                let r = state.store.household(&s.reach, code).await?.is_some();
                checked.insert(code.to_owned(), r);
                r
            }
        };
        if !reachable {
            errors.push(bamho_io::RowError::at(
                at,
                "household_code",
                code,
                "no household of yours has this code, and the files do not register it",
            ));
        }
    }
    Ok(())
}

pub async fn view_import_post(
    PageUser(s): PageUser,
    State(state): State<AppState>,
    mut form: Multipart,
) -> Result<Response, WebError> {
    s.require_entry()?;
    let vi = s.lang == Lang::Vi;
    let too_big = || {
        if vi {
            format!(
                "Tệp quá lớn: mỗi lần gửi tối đa {} MB. Chia danh sách thành nhiều tệp.",
                MAX_UPLOAD / (1024 * 1024)
            )
        } else {
            format!(
                "Too large: at most {} MB a time. Split the list into several files.",
                MAX_UPLOAD / (1024 * 1024)
            )
        }
    };
    let mut csrf = String::new();
    let mut dry_run = false;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return page(&s, too_big(), false, Vec::new()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let Ok(bytes) = field.bytes().await else {
            return page(&s, too_big(), false, Vec::new());
        };
        match (name.as_str(), file_name) {
            ("csrf_token", _) => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            ("dry_run", _) => dry_run = true,
            ("files", Some(f)) if !bytes.is_empty() => files.push((f, bytes.to_vec())),
            _ => {}
        }
    }
    s.check_csrf(&csrf)?;
    if files.is_empty() {
        let why = if vi {
            "Chọn ít nhất một tệp."
        } else {
            "Choose at least one file."
        };
        return page(&s, why.into(), false, Vec::new());
    }
    let mut batch = Batch::default();
    let mut errors = Errors::default();
    for (name, bytes) in &files {
        batch.read(name, bytes, &mut errors);
    }
    batch.finish(&mut errors);
    if errors.is_empty() {
        outside_scope(&s, &batch, &mut errors);
        foreign_households(&s, &state, &batch, &mut errors).await?;
    }
    let mut lines: Vec<String> = batch
        .converted
        .iter()
        .map(|(file, encoding, n)| {
            if vi {
                format!(
                    "{file}: đã chuyển {n} ô chữ từ {} sang Unicode",
                    encoding.name()
                )
            } else {
                format!("{file}: {n} text cells converted from {}", encoding.name())
            }
        })
        .collect();
    let refused = |errors: &Errors, mut lines: Vec<String>| {
        lines.extend(errors.list.iter().take(SHOWN).map(ToString::to_string));
        let outcome = if vi {
            format!(
                "Không nhập: {} lỗi, chưa ghi gì vào cơ sở dữ liệu. Sửa tệp rồi gửi lại.",
                errors.list.len() as u64 + errors.more
            )
        } else {
            format!(
                "Not imported: {} errors; nothing was written. Fix the files and send them again.",
                errors.list.len() as u64 + errors.more
            )
        };
        page(&s, outcome, false, lines)
    };
    if !errors.is_empty() {
        return refused(&errors, lines);
    }
    let options = ImportOptions {
        replace: false,
        dry_run,
        actor: s.user.username.clone(),
        at: crate::clock::stamp(),
        today: crate::clock::today(),
        source: "upload".into(),
    };
    match state.store.import(&batch, &options).await {
        Ok(summary) => {
            let outcome = match (dry_run, vi) {
                (true, true) => "Thử: tệp hợp lệ, chưa ghi gì. Bỏ chọn «chỉ thử» để nhập.",
                (true, false) => "Dry run: the files are valid; nothing was written.",
                (false, true) => "Đã nhập.",
                (false, false) => "Imported.",
            };
            lines.insert(
                0,
                if vi {
                    format!(
                        "{} lượt hộ theo năm, {} hộ mới, {} thành viên",
                        summary.surveys, summary.households_new, summary.members
                    )
                } else {
                    format!(
                        "{} household-years, {} new households, {} members",
                        summary.surveys, summary.households_new, summary.members
                    )
                },
            );
            page(&s, outcome.into(), true, lines)
        }
        Err(ImportError::Rows(errors)) => refused(&errors, lines),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}
