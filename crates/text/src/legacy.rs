//! Vietnamese text in the encodings of the 1990s, told apart cell by cell and converted to Unicode
//! NFC: TCVN3 (ABC, the `.VnTime` fonts), VNI-Windows (the `VNI-Times` fonts), VISCII, Windows-1258
//! (with its combining tone marks), and Unicode in decomposed form (NFD).
//!
//! A spreadsheet keeps such text as the Windows-1252 characters of the legacy bytes ("Hµ Néi" for
//! "Hà Nội"), a CSV file as the bytes themselves. Both come here as a cell's text: its characters
//! are turned back into bytes and read in each encoding; the reading that gives the most
//! Vietnamese letters and the fewest stray symbols wins, if it is clearly better than the text as it
//! stands. A cell two readings explain equally well is reported, not guessed. The cell's font,
//! when known, settles it.
//!
//! The single-byte tables (`data/legacy_bytes.tsv`) are derived from GNU libc's iconv by
//! `scripts/derive_encodings.py`; VNI, which iconv does not know, is built below from its rules.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

const TABLES: &str = include_str!("../data/legacy_bytes.tsv");
/// Syllables of bamho's own Vietnamese texts (`scripts/derive_syllables.py`).
const SYLLABLES: &str = include_str!("../data/syllables.txt");

fn known(word: &str) -> bool {
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        SYLLABLES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
    .contains(word.to_lowercase().as_str())
}

/// Where a cell's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    /// Already Unicode NFC (or plain ASCII): left as it is.
    Unicode,
    /// Unicode in decomposed form: composed.
    Nfd,
    Tcvn3,
    Vni,
    Viscii,
    Cp1258,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Self::Unicode => "Unicode",
            Self::Nfd => "Unicode NFD",
            Self::Tcvn3 => "TCVN3 (ABC)",
            Self::Vni => "VNI-Windows",
            Self::Viscii => "VISCII",
            Self::Cp1258 => "Windows-1258",
        }
    }

    /// The encoding a font implies: `.VnTime…` TCVN3, `VNI-…` VNI, `VISCII`/`VN …` VISCII.
    pub fn of_font(font: &str) -> Option<Self> {
        let f = font.trim().to_ascii_lowercase();
        if f.starts_with(".vn") {
            Some(Self::Tcvn3)
        } else if f.starts_with("vni-") || f.starts_with("vni ") {
            Some(Self::Vni)
        } else if f.contains("viscii") {
            Some(Self::Viscii)
        } else {
            None
        }
    }
}

/// The Unicode font to show a legacy font's converted text in: sans-serif legacy faces
/// (`.VnArial`, `VNI-Helve`) become Arial, the rest Times New Roman.
pub fn unicode_font(font: &str) -> &'static str {
    let f = font.trim().to_ascii_lowercase();
    if ["arial", "helve", "avant", "univers"]
        .iter()
        .any(|sans| f.contains(sans))
    {
        "Arial"
    } else {
        "Times New Roman"
    }
}

/// What became of one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub text: String,
    pub from: Encoding,
    /// Two encodings read the cell equally well: it is left as it was.
    pub ambiguous: bool,
    /// For an ambiguous cell, the readings that tied.
    pub candidates: Vec<(Encoding, String)>,
}

fn tables() -> &'static HashMap<(&'static str, u8), String> {
    static T: OnceLock<HashMap<(&'static str, u8), String>> = OnceLock::new();
    T.get_or_init(|| {
        let mut map = HashMap::new();
        for line in TABLES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut cols = line.split('\t');
            let (Some(name), Some(byte), Some(points)) = (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let Ok(byte) = u8::from_str_radix(byte, 16) else {
                continue;
            };
            let text: String = points
                .split(' ')
                .filter_map(|p| u32::from_str_radix(p, 16).ok())
                .filter_map(char::from_u32)
                .collect();
            map.insert((name, byte), text);
        }
        map
    })
}

/// Windows-1252's characters in 0x80–0x9F.
const CP1252_HIGH: [(u8, char); 27] = [
    (0x80, '€'),
    (0x82, '‚'),
    (0x83, 'ƒ'),
    (0x84, '„'),
    (0x85, '…'),
    (0x86, '†'),
    (0x87, '‡'),
    (0x88, 'ˆ'),
    (0x89, '‰'),
    (0x8A, 'Š'),
    (0x8B, '‹'),
    (0x8C, 'Œ'),
    (0x8E, 'Ž'),
    (0x91, '‘'),
    (0x92, '’'),
    (0x93, '“'),
    (0x94, '”'),
    (0x95, '•'),
    (0x96, '–'),
    (0x97, '—'),
    (0x98, '˜'),
    (0x99, '™'),
    (0x9A, 'š'),
    (0x9B, '›'),
    (0x9C, 'œ'),
    (0x9E, 'ž'),
    (0x9F, 'Ÿ'),
];

/// The legacy bytes behind a cell's text, when every character is one byte of Windows-1252.
pub fn to_bytes(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| match c as u32 {
            n @ 0..=0xFF => Some(n as u8),
            _ => CP1252_HIGH.iter().find(|(_, x)| *x == c).map(|(b, _)| *b),
        })
        .collect()
}

/// The text of `bytes` read as Windows-1252 (how a CSV file's bytes look before any conversion).
pub fn from_cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| {
            CP1252_HIGH
                .iter()
                .find(|(x, _)| x == b)
                .map_or(char::from(*b), |(_, c)| *c)
        })
        .collect()
}

fn single_byte(name: &'static str, bytes: &[u8]) -> String {
    let table = tables();
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        match table.get(&(name, *b)) {
            Some(t) => out.push_str(t),
            None => out.push(char::from(*b)),
        }
    }
    out.nfc().collect()
}

// VNI-Windows: a base letter followed by a byte that adds a shape (circumflex, breve) and/or a tone.
const ACUTE: char = '\u{301}';
const GRAVE: char = '\u{300}';
const HOOK: char = '\u{309}';
const TILDE: char = '\u{303}';
const DOT: char = '\u{323}';
const CIRCUMFLEX: char = '\u{302}';
const BREVE: char = '\u{306}';

/// A VNI modifier byte: (shape, tone, upper case).
fn vni_modifier(b: u8) -> Option<(Option<char>, Option<char>, bool)> {
    let (shape, tone) = match b | 0x20 {
        0xF9 => (None, Some(ACUTE)),
        0xF8 => (None, Some(GRAVE)),
        0xFB => (None, Some(HOOK)),
        0xF5 => (None, Some(TILDE)),
        0xEF => (None, Some(DOT)),
        0xE2 => (Some(CIRCUMFLEX), None),
        0xE1 => (Some(CIRCUMFLEX), Some(ACUTE)),
        0xE0 => (Some(CIRCUMFLEX), Some(GRAVE)),
        0xE5 => (Some(CIRCUMFLEX), Some(HOOK)),
        0xE3 => (Some(CIRCUMFLEX), Some(TILDE)),
        0xE4 => (Some(CIRCUMFLEX), Some(DOT)),
        0xEA => (Some(BREVE), None),
        0xE9 => (Some(BREVE), Some(ACUTE)),
        0xE8 => (Some(BREVE), Some(GRAVE)),
        0xFA => (Some(BREVE), Some(HOOK)),
        0xFC => (Some(BREVE), Some(TILDE)),
        0xEB => (Some(BREVE), Some(DOT)),
        _ => return None,
    };
    Some((shape, tone, b & 0x20 == 0))
}

/// Letters VNI gives a byte of their own.
fn vni_letter(b: u8) -> Option<&'static str> {
    Some(match b {
        0xF4 => "ơ",
        0xD4 => "Ơ",
        0xF6 => "ư",
        0xD6 => "Ư",
        0xF1 => "đ",
        0xD1 => "Đ",
        0xED => "í",
        0xEC => "ì",
        0xE6 => "ỉ",
        0xF3 => "ĩ",
        0xF2 => "ị",
        0xCD => "Í",
        0xCC => "Ì",
        0xC6 => "Ỉ",
        0xD3 => "Ĩ",
        0xD2 => "Ị",
        0xEE => "ỵ",
        0xCE => "Ỵ",
        _ => return None,
    })
}

fn vni(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let base: Option<String> = match b {
            b'a' | b'e' | b'o' | b'u' | b'y' | b'A' | b'E' | b'O' | b'U' | b'Y' => {
                Some(char::from(b).to_string())
            }
            0xF4 | 0xD4 | 0xF6 | 0xD6 => vni_letter(b).map(str::to_owned),
            _ => None,
        };
        if let Some(base) = base
            && let Some(&next) = bytes.get(i + 1)
            && let Some((shape, tone, upper)) = vni_modifier(next)
        {
            let letter = base.to_lowercase();
            let shape_fits = match shape {
                Some(CIRCUMFLEX) => matches!(letter.as_str(), "a" | "e" | "o"),
                Some(_) => letter == "a",
                None => true,
            };
            let case_fits = upper == base.chars().all(char::is_uppercase);
            if shape_fits && case_fits {
                out.push_str(&base);
                out.extend(shape);
                out.extend(tone);
                i += 2;
                continue;
            }
        }
        match vni_letter(b) {
            Some(letter) => out.push_str(letter),
            None => out.push(from_cp1252(&[b]).chars().next().unwrap_or('\u{FFFD}')),
        }
        i += 1;
    }
    out.nfc().collect()
}

/// The Vietnamese letters beyond ASCII.
fn vietnamese(c: char) -> bool {
    matches!(c,
        'à'..='ã' | 'è'..='ê' | 'ì' | 'í' | 'ò'..='õ' | 'ù' | 'ú' | 'ý'
        | 'À'..='Ã' | 'È'..='Ê' | 'Ì' | 'Í' | 'Ò'..='Õ' | 'Ù' | 'Ú' | 'Ý'
        | 'ă' | 'Ă' | 'đ' | 'Đ' | 'ĩ' | 'Ĩ' | 'ũ' | 'Ũ' | 'ơ' | 'Ơ' | 'ư' | 'Ư'
        | '\u{1EA0}'..='\u{1EF9}')
}

const TONES: [char; 5] = [ACUTE, GRAVE, HOOK, TILDE, DOT];

/// Vowel runs of Vietnamese syllables, tones removed.
const VOWEL_RUNS: [&str; 58] = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây",
    "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui",
    "uô", "uơ", "uy", "ưa", "ưi", "ưu", "ươ", "ya", "yê", "oai", "oay", "oao", "oeo", "uây", "uôi",
    "uya", "uyê", "uyu", "ươi", "ươu", "iêu", "yêu", "uêu", "oai",
];
/// Final consonants; "k" ends many Central Highlands names (Đắk, Pék).
const CODAS: [&str; 10] = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "k"];

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

/// Whether a word could be a Vietnamese syllable (or a minority name written in Vietnamese
/// letters): letters only, one tone at most, a known vowel run, a known final consonant, and one
/// case throughout (or a capital first).
fn plausible(word: &str) -> bool {
    let lower = word.to_lowercase();
    let first_upper = word.chars().next().is_some_and(char::is_uppercase);
    let rest_upper = word.chars().skip(1).filter(|c| c.is_uppercase()).count();
    let rest_lower = word.chars().skip(1).filter(|c| c.is_lowercase()).count();
    if rest_upper > 0 && (rest_lower > 0 || !first_upper) {
        return false;
    }
    let mut tones = 0;
    let mut base = String::with_capacity(lower.len());
    for c in lower.nfd() {
        if TONES.contains(&c) {
            tones += 1;
        } else {
            base.push(c);
        }
    }
    if tones > 1 {
        return false;
    }
    let base: String = base.nfc().collect();
    if !base
        .chars()
        .all(|c| c.is_ascii_lowercase() || c == 'đ' || is_vowel(c))
    {
        return false;
    }
    // Onset: the consonants before the first vowel ("qu" and "gi" before a vowel count whole).
    let chars: Vec<char> = base.chars().collect();
    let mut i = chars
        .iter()
        .position(|c| is_vowel(*c))
        .unwrap_or(chars.len());
    if i < chars.len()
        && ((chars[i] == 'u' && i > 0 && chars[i - 1] == 'q')
            || (chars[i] == 'i' && i > 0 && chars[i - 1] == 'g'))
        && chars.get(i + 1).is_some_and(|c| is_vowel(*c))
    {
        i += 1;
    }
    let vowels_end = chars[i..]
        .iter()
        .position(|c| !is_vowel(*c))
        .map_or(chars.len(), |n| i + n);
    let run: String = chars[i..vowels_end].iter().collect();
    let coda: String = chars[vowels_end..].iter().collect();
    VOWEL_RUNS.contains(&run.as_str()) && CODAS.contains(&coda.as_str())
}

/// How Vietnamese a text reads: three for every word beyond ASCII that is a common syllable, two
/// for one that could be a Vietnamese syllable, less two for one that could not, less three for
/// every stray symbol.
fn score(text: &str) -> i64 {
    let mut total = 0;
    for word in text.split(|c: char| !c.is_alphabetic() && !TONES.contains(&c) && c != '\u{306}') {
        if word.is_empty() || word.is_ascii() {
            continue;
        }
        total += if known(word) {
            3
        } else if plausible(word) {
            2
        } else {
            -2
        };
    }
    total
        - 3 * text
            .chars()
            .filter(|c| {
                !c.is_ascii() && !c.is_alphabetic() && !vietnamese(*c) && !TONES.contains(c)
            })
            .count() as i64
}

fn read(encoding: Encoding, bytes: &[u8]) -> String {
    match encoding {
        Encoding::Tcvn3 => single_byte("tcvn3", bytes),
        Encoding::Viscii => single_byte("viscii", bytes),
        Encoding::Cp1258 => single_byte("cp1258", bytes),
        Encoding::Vni => vni(bytes),
        Encoding::Unicode | Encoding::Nfd => from_cp1252(bytes),
    }
}

/// Converts one cell to Unicode NFC; `font` is the cell's font name when the file says it.
pub fn fix_cell(text: &str, font: Option<&str>) -> Fixed {
    fix(text, font, true)
}

/// `unicode`: the text may be right as it stands (a spreadsheet's cell, a UTF-8 file). When
/// false (the bytes of a file that is not UTF-8), one of the legacy readings is taken.
fn fix(text: &str, font: Option<&str>, unicode: bool) -> Fixed {
    let keep = |from| Fixed {
        text: text.to_owned(),
        from,
        ambiguous: false,
        candidates: Vec::new(),
    };
    if text.is_ascii() {
        return keep(Encoding::Unicode);
    }
    let Some(bytes) = to_bytes(text) else {
        // Characters beyond one byte: Unicode already, perhaps decomposed.
        let composed: String = text.nfc().collect();
        return if composed == text {
            keep(Encoding::Unicode)
        } else {
            Fixed {
                text: composed,
                from: Encoding::Nfd,
                ambiguous: false,
                candidates: Vec::new(),
            }
        };
    };
    if let Some(encoding) = font.and_then(Encoding::of_font) {
        let mut converted = read(encoding, &bytes);
        // .VnTimeH and the like draw TCVN3's lower-case bytes as capitals.
        if encoding == Encoding::Tcvn3 && font.is_some_and(|f| f.trim().ends_with('H')) {
            converted = converted.to_uppercase();
        }
        return Fixed {
            text: converted,
            from: encoding,
            ambiguous: false,
            candidates: Vec::new(),
        };
    }
    let original = if unicode { score(text) } else { i64::MIN };
    let mut readings: Vec<(i64, Encoding, String)> = [
        Encoding::Tcvn3,
        Encoding::Vni,
        Encoding::Viscii,
        Encoding::Cp1258,
    ]
    .into_iter()
    .map(|e| {
        let t = read(e, &bytes);
        (score(&t), e, t)
    })
    .collect();
    readings.sort_by_key(|r| std::cmp::Reverse(r.0));
    let (best, encoding, converted) = readings.swap_remove(0);
    if best <= original {
        return keep(Encoding::Unicode);
    }
    let rivals: Vec<(Encoding, String)> = readings
        .into_iter()
        .filter(|(s, _, t)| *s == best && *t != converted)
        .map(|(_, e, t)| (e, t))
        .collect();
    if !rivals.is_empty() {
        let mut candidates = vec![(encoding, converted)];
        candidates.extend(rivals);
        return Fixed {
            text: text.to_owned(),
            from: encoding,
            ambiguous: true,
            candidates,
        };
    }
    Fixed {
        text: converted,
        from: encoding,
        ambiguous: false,
        candidates: Vec::new(),
    }
}

/// Converts the cells of one file. A cell two encodings read equally well takes the encoding most
/// of the file's other converted cells are in, when that is one of the two; otherwise it stays
/// ambiguous.
/// `unicode`: as for one cell — false for the bytes of a file that is not UTF-8.
pub fn fix_cells<'a>(
    cells: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    unicode: bool,
) -> Vec<Fixed> {
    fix_cells_each(cells.into_iter().map(|(t, f)| (t, f, unicode)))
}

/// As [`fix_cells`], each cell saying whether it may be right as it stands (a line of a file that
/// was UTF-8, in a file that mixes).
pub fn fix_cells_each<'a>(
    cells: impl IntoIterator<Item = (&'a str, Option<&'a str>, bool)>,
) -> Vec<Fixed> {
    let mut fixed: Vec<Fixed> = cells.into_iter().map(|(t, f, u)| fix(t, f, u)).collect();
    let mut counts: HashMap<Encoding, usize> = HashMap::new();
    for f in fixed.iter().filter(|f| !f.ambiguous) {
        if !matches!(f.from, Encoding::Unicode | Encoding::Nfd) {
            *counts.entry(f.from).or_default() += 1;
        }
    }
    let Some(main) = counts
        .into_iter()
        .max_by_key(|(e, n)| (*n, std::cmp::Reverse(*e)))
        .map(|(e, _)| e)
    else {
        return fixed;
    };
    for f in fixed.iter_mut().filter(|f| f.ambiguous) {
        if let Some((_, text)) = f.candidates.iter().find(|(e, _)| *e == main) {
            f.text = text.clone();
            f.from = main;
            f.ambiguous = false;
            f.candidates.clear();
        }
    }
    fixed
}

/// A CSV or text file's bytes as text: UTF-8 when they are, otherwise each line read as UTF-8 when
/// it is and as Windows-1252 when not, so that [`fix_cell`] can tell the legacy encoding cell by
/// cell. Also whether the whole file was UTF-8, and for each line whether it was.
pub fn decode_file(bytes: &[u8]) -> (String, bool) {
    let (text, lines) = decode_lines(bytes);
    (text, lines.iter().all(|u| *u))
}

/// As [`decode_file`], with a flag for each line (`\n`-separated) saying whether it was UTF-8.
pub fn decode_lines(bytes: &[u8]) -> (String, Vec<bool>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let text = text.trim_start_matches('\u{feff}').to_owned();
        let lines = vec![true; text.split('\n').count()];
        return (text, lines);
    }
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 4);
    let mut lines = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            text.push('\n');
        }
        match std::str::from_utf8(line) {
            Ok(t) => {
                text.push_str(t);
                lines.push(true);
            }
            Err(_) => {
                text.push_str(&from_cp1252(line));
                lines.push(false);
            }
        }
    }
    (text, lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text as a spreadsheet in a legacy font keeps it: the Windows-1252 characters of the bytes.
    fn stored(bytes: &[u8]) -> String {
        from_cp1252(bytes)
    }

    #[test]
    fn tcvn3_is_read_from_its_bytes() {
        // "Hà Nội", "Đắk Glei" in TCVN3.
        let fixed = fix_cell(&stored(b"H\xb5 N\xe9i"), None);
        assert_eq!(
            (fixed.text.as_str(), fixed.from),
            ("Hà Nội", Encoding::Tcvn3)
        );
        let fixed = fix_cell(&stored(b"\xa7\xbek Glei"), None);
        assert_eq!(fixed.text, "Đắk Glei");
    }

    #[test]
    fn vni_is_read_from_its_letter_and_mark_pairs() {
        let fixed = fix_cell("Vieät Nam", None);
        assert_eq!(
            (fixed.text.as_str(), fixed.from),
            ("Việt Nam", Encoding::Vni)
        );
        assert_eq!(fix_cell("Nguyeãn Vaên AÙnh", None).text, "Nguyễn Văn Ánh");
        assert_eq!(fix_cell("Ñaêk Gleâi", None).text, "Đăk Glêi");
        assert_eq!(fix_cell("Tröôøng", None).text, "Trường");
    }

    #[test]
    fn viscii_and_cp1258_are_read() {
        // "Việt" in VISCII: ệ is 0xAE.
        let viscii = fix_cell(&stored(b"Vi\xaet Nam"), Some("VISCII"));
        assert_eq!(viscii.text, "Việt Nam");
        // "Việt" in Windows-1258: ê (0xEA) and the dot below (0xF2).
        let cp1258 = fix_cell(&stored(b"Vi\xea\xf2t Nam"), None);
        assert_eq!(
            (cp1258.text.as_str(), cp1258.from),
            ("Việt Nam", Encoding::Cp1258)
        );
    }

    #[test]
    fn unicode_stays_and_nfd_is_composed() {
        let nfc = fix_cell("Nguyễn Văn Ánh", None);
        assert_eq!(
            (nfc.text.as_str(), nfc.from),
            ("Nguyễn Văn Ánh", Encoding::Unicode)
        );
        let nfd: String = "Nguyễn".nfd().collect();
        let fixed = fix_cell(&nfd, None);
        assert_eq!((fixed.text.as_str(), fixed.from), ("Nguyễn", Encoding::Nfd));
        assert_eq!(fix_cell("Dak Glei 2025", None).from, Encoding::Unicode);
        // Latin-1 letters that read as nothing better stay as they are.
        assert_eq!(fix_cell("Café", None).text, "Café");
    }

    #[test]
    fn the_font_settles_the_encoding_and_h_fonts_are_capitals() {
        let fixed = fix_cell(&stored(b"h\xb5 n\xe9i"), Some(".VnTimeH"));
        assert_eq!(fixed.text, "HÀ NỘI");
        assert_eq!(fix_cell("Vieät", Some("VNI-Times")).from, Encoding::Vni);
    }
}

#[cfg(test)]
mod round_trip {
    use super::*;

    const SAMPLES: [&str; 16] = [
        "Nguyễn Văn Hùng",
        "Trần Thị Thu Hương",
        "Lê Đức Thắng",
        "Phạm Thị Ngọc Ánh",
        "Hộ nghèo thiếu hụt nước sinh hoạt",
        "Thôn Kon Riêng, xã Đắk Pék",
        "Chủ hộ bị ốm, không có đất sản xuất",
        "Y Hoa, người dân tộc Xơ Đăng",
        "Đoàn Thanh niên giúp đỡ hộ",
        "Trường học và trạm y tế xã",
        "Quyết định công nhận hộ thoát nghèo",
        "Nhà tạm, dột nát, chưa có nhà vệ sinh",
        "Vay vốn ngân hàng chính sách xã hội",
        "Bò giống, cây cà phê, sâm Ngọc Linh",
        "A Blông, Y Nhung, Giẻ Triêng",
        "Ủy ban nhân dân xã Ngọc Linh",
    ];

    /// Encodes with a single-byte table read backwards (None when a character has no byte).
    fn encode(name: &'static str, text: &str) -> Option<Vec<u8>> {
        let mut back: HashMap<char, u8> = HashMap::new();
        for ((n, byte), t) in tables() {
            if *n == name
                && let [c] = t.chars().collect::<Vec<_>>()[..]
            {
                back.insert(c, *byte);
            }
        }
        text.nfc()
            .map(|c| match back.get(&c) {
                Some(b) => Some(*b),
                // A byte the table leaves alone stands for its ISO-8859-1 character.
                None if (c as u32) < 0x100 && !tables().contains_key(&(name, c as u8)) => {
                    Some(c as u8)
                }
                None => None,
            })
            .collect()
    }

    /// Encodes in VNI by its rules: base letter, then the shape-and-tone byte.
    fn vni_encode(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for c in text.nfc() {
            let upper = c.is_uppercase();
            let decomposed: Vec<char> = c.to_lowercase().collect::<String>().nfd().collect();
            let (mut base, marks) = (decomposed[0], &decomposed[1..]);
            let mut shape = None;
            let mut tone = None;
            for m in marks {
                match *m {
                    CIRCUMFLEX | BREVE => shape = Some(*m),
                    '\u{31B}' => base = if base == 'o' { 'ơ' } else { 'ư' },
                    t => tone = Some(t),
                }
            }
            let case = |b: u8| if upper { b & !0x20 } else { b };
            match base {
                'đ' => out.push(case(0xF1)),
                'ơ' => out.push(case(0xF4)),
                'ư' => out.push(case(0xF6)),
                'i' if tone.is_some() => {
                    let b = match tone {
                        Some(ACUTE) => 0xED,
                        Some(GRAVE) => 0xEC,
                        Some(HOOK) => 0xE6,
                        Some(TILDE) => 0xF3,
                        _ => 0xF2,
                    };
                    out.push(case(b));
                    continue;
                }
                'y' if tone == Some(DOT) => {
                    out.push(case(0xEE));
                    continue;
                }
                b => out.push(if upper {
                    b.to_ascii_uppercase() as u8
                } else {
                    b as u8
                }),
            }
            let modifier = match (shape, tone) {
                (None, None) => continue,
                (None, Some(ACUTE)) => 0xF9,
                (None, Some(GRAVE)) => 0xF8,
                (None, Some(HOOK)) => 0xFB,
                (None, Some(TILDE)) => 0xF5,
                (None, Some(_)) => 0xEF,
                (Some(CIRCUMFLEX), None) => 0xE2,
                (Some(CIRCUMFLEX), Some(ACUTE)) => 0xE1,
                (Some(CIRCUMFLEX), Some(GRAVE)) => 0xE0,
                (Some(CIRCUMFLEX), Some(HOOK)) => 0xE5,
                (Some(CIRCUMFLEX), Some(TILDE)) => 0xE3,
                (Some(CIRCUMFLEX), Some(_)) => 0xE4,
                (Some(_), None) => 0xEA,
                (Some(_), Some(ACUTE)) => 0xE9,
                (Some(_), Some(GRAVE)) => 0xE8,
                (Some(_), Some(HOOK)) => 0xFA,
                (Some(_), Some(TILDE)) => 0xFC,
                (Some(_), Some(_)) => 0xEB,
            };
            out.push(case(modifier));
        }
        out
    }

    #[test]
    fn every_sample_comes_back_from_every_encoding() {
        for (name, encoding) in [("tcvn3", Encoding::Tcvn3), ("viscii", Encoding::Viscii)] {
            // A file: every sample the encoding can write, converted together.
            let cells: Vec<(&str, String)> = SAMPLES
                .iter()
                .filter_map(|s| encode(name, s).map(|b| (*s, from_cp1252(&b))))
                .collect();
            assert!(cells.len() >= 12, "{name}: {} samples", cells.len());
            let fixed = fix_cells(cells.iter().map(|(_, c)| (c.as_str(), None)), true);
            for ((sample, _), f) in cells.iter().zip(&fixed) {
                assert_eq!(
                    (f.text.as_str(), f.from),
                    (*sample, encoding),
                    "{sample} in {name}"
                );
            }
        }
        for sample in SAMPLES {
            let fixed = fix_cell(&from_cp1252(&vni_encode(sample)), None);
            assert_eq!(fixed.text, sample, "{sample} in VNI");
            let unchanged = fix_cell(sample, None);
            assert_eq!(unchanged.text, sample, "{sample} as Unicode");
        }
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any text: no panic, converted text in NFC, ASCII untouched.
        #[test]
        fn any_text_converts_without_panic_to_nfc(text in "\\PC{0,40}") {
            let fixed = fix_cell(&text, None);
            if !fixed.ambiguous && fixed.from != Encoding::Unicode {
                prop_assert!(unicode_normalization::is_nfc(&fixed.text), "{:?}", fixed);
            }
            if text.is_ascii() {
                prop_assert_eq!(&fixed.text, &text);
            }
        }

        /// Any bytes of a legacy file: every reading and the choice among them terminate.
        #[test]
        fn any_bytes_convert_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let text = from_cp1252(&bytes);
            prop_assert_eq!(to_bytes(&text), Some(bytes.clone()));
            let _ = fix_cells([(text.as_str(), None), (text.as_str(), Some(".VnTimeH"))], false);
        }
    }
}
