//! Limits on what a file may hold before bamho unpacks it: a workbook is a zip archive, and a small
//! one can claim gigabytes (a "spreadsheet bomb"). Its table of contents is read first; an archive
//! that would unpack too large, or at a ratio no real spreadsheet has, is refused.

use std::io::Cursor;

/// The most a workbook may unpack to.
pub const MAX_UNPACKED: u64 = 256 * 1024 * 1024;
/// The most any part may grow when unpacked (real sheets compress 5–20 times).
pub const MAX_RATIO: u64 = 200;
/// The most cells one sheet may span when read as rows (each row up to its last value, empty
/// rows counted once): a commune's member list is some thousands of rows of twenty columns,
/// while a few cells set far apart could otherwise make a small file fill the memory.
pub const MAX_SHEET_CELLS: u64 = 5_000_000;

/// Checks a zip-based workbook (xlsx, ods) before it is opened; the reason when refused.
pub fn check_workbook(bytes: &[u8]) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a workbook (its zip structure is broken: {e})"))?;
    let mut parts = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| format!("not a workbook (part {i} is unreadable: {e})"))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        parts.push((name, entry.compressed_size(), entry.size()));
    }
    judge(&parts)
}

/// (part, packed size, unpacked size) of every part: too large in all, or a part that grows more
/// than [`MAX_RATIO`] times past a megabyte, is refused.
fn judge(parts: &[(String, u64, u64)]) -> Result<(), String> {
    let mut total: u64 = 0;
    for (name, packed, unpacked) in parts {
        let ratio = unpacked / (*packed).max(1);
        if ratio > MAX_RATIO && *unpacked > 1024 * 1024 {
            return Err(format!(
                "refused: the part {name} would unpack {ratio} times its size ({} MB) — a \
                 spreadsheet bomb?",
                unpacked / (1024 * 1024)
            ));
        }
        total = total.saturating_add(*unpacked);
    }
    if total > MAX_UNPACKED {
        return Err(format!(
            "refused: the workbook would unpack to {} MB, more than the {} MB bamho reads",
            total / (1024 * 1024),
            MAX_UNPACKED / (1024 * 1024)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_workbook_passes_and_bombs_are_refused() {
        let sheet = crate::workbook::Sheet {
            name: "A".into(),
            headers: vec!["x".into()],
            ..Default::default()
        };
        let real = crate::workbook::to_bytes(&[sheet]).unwrap();
        assert_eq!(check_workbook(&real), Ok(()));
        assert!(
            check_workbook(b"not a zip")
                .unwrap_err()
                .contains("not a workbook")
        );
        let bomb = [(
            "xl/worksheets/sheet1.xml".to_owned(),
            300_000,
            4_000_000_000,
        )];
        assert!(judge(&bomb).unwrap_err().contains("spreadsheet bomb"));
        let big: Vec<(String, u64, u64)> = (0..30)
            .map(|i| (format!("p{i}"), 5_000_000, 10_000_000))
            .collect();
        assert!(judge(&big).unwrap_err().contains("286 MB"));
    }
}
