//! Reads the national list of units (`data/units/units.csv`) when bamho is built, so that no
//! program parses its fourteen thousand lines each time it starts: where each unit's fields lie in
//! the file, its level and its days are compiled in. A malformed line stops the build, naming it;
//! a test in `units.rs` checks the compiled list against the list as read from the file.

use std::fmt::Write as _;
use std::path::Path;

const LIST: &str = "data/units/units.csv";

fn main() -> Result<(), String> {
    println!("cargo::rerun-if-changed={LIST}");
    let text = std::fs::read_to_string(LIST).map_err(|e| format!("{LIST}: {e}"))?;
    let out = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?;
    std::fs::write(Path::new(&out).join("units.rs"), rust(&text)?)
        .map_err(|e| format!("cannot write the compiled list of units: {e}"))
}

/// The list as an array expression of `Line`s: where each
/// unit's line begins in the file, where its first five commas lie from there, its level, and its
/// days as the numbers `yyyymmdd` (0 for none). No text is copied: the program reads the fields
/// from the file it embeds, and the compiled list holds no pointer to be relocated at start.
fn rust(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    out.push_str("[\n");
    let mut header = true;
    let mut at = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let begins = at;
        at += line.len();
        let line = line.trim_end_matches('\n').trim_end_matches('\r');
        let error = |why: String| format!("{LIST}, line {}: {why}", n + 1);
        if line.is_empty() || line.starts_with('#') || std::mem::take(&mut header) {
            continue;
        }
        let commas: Vec<usize> = line.match_indices(',').map(|(i, _)| i).collect();
        let [c0, c1, c2, c3, c4, c5] = commas[..] else {
            return Err(error(format!("{} fields, not 7", commas.len() + 1)));
        };
        if line.contains('"') {
            return Err(error("a quote: the list holds no quoted fields".into()));
        }
        if c4 > usize::from(u8::MAX) {
            return Err(error("a line longer than 255 bytes before its days".into()));
        }
        let level = match &line[..c0] {
            "province" => "P",
            "district" => "D",
            "commune" => "C",
            other => return Err(error(format!("unknown level {other:?}"))),
        };
        let from = day(&line[c4 + 1..c5]).map_err(error)?;
        let to = day(&line[c5 + 1..]).map_err(error)?;
        writeln!(
            out,
            "Line{{at:{begins},commas:[{c0},{c1},{c2},{c3},{c4}],level:{level},from:{from},to:{to}}},"
        )
        .map_err(|e| e.to_string())?;
    }
    out.push_str("]\n");
    Ok(out)
}

/// A day `YYYY-MM-DD` as the number `yyyymmdd`; none as 0. Whether the day exists is held by the
/// crate's test against its own reader of dates.
fn day(raw: &str) -> Result<u32, String> {
    if raw.is_empty() {
        return Ok(0);
    }
    match raw.as_bytes() {
        [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1]
            if [y0, y1, y2, y3, m0, m1, d0, d1]
                .iter()
                .all(|b| b.is_ascii_digit()) =>
        {
            Ok([y0, y1, y2, y3, m0, m1, d0, d1]
                .iter()
                .fold(0, |n, b| n * 10 + u32::from(**b - b'0')))
        }
        _ => Err(format!("{raw:?} is not a day written YYYY-MM-DD")),
    }
}
