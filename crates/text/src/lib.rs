//! Vietnamese text for bamho: everything is stored as Unicode NFC, and everything that is searched or
//! matched is compared in a *folded* form (no diacritics, `đ` → `d`, lower case), so that
//! "nguyen van a" finds "Nguyễn Văn A" and "Dak Glei" matches "Đắk Glei".
//!
//! This crate imports no crate of bamho's own.

pub mod legacy;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Text in Unicode Normalization Form C, trimmed of surrounding white space.
pub fn nfc(text: &str) -> String {
    text.trim().nfc().collect()
}

/// Lower case, no diacritics, `đ`/`Đ` → `d`, inner white space collapsed to one space.
///
/// Used for searching names and matching them across spellings.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.to_lowercase().nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(if c == 'đ' { 'd' } else { c });
    }
    out
}

/// A matching key: [`fold`] with every character that is not a letter or a digit removed, so that
/// "Giẻ-Triêng", "Gie Trieng" and "gietrieng" give the same key.
pub fn match_key(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folding_drops_diacritics_and_folds_d_with_stroke() {
        assert_eq!(fold("Nguyễn Văn A"), "nguyen van a");
        assert_eq!(fold("  Đắk   GLEI "), "dak glei");
        assert_eq!(fold("Xơ Đăng"), "xo dang");
    }

    #[test]
    fn match_keys_ignore_hyphens_and_spaces() {
        assert_eq!(match_key("Giẻ-Triêng"), match_key("gie trieng"));
        assert_eq!(match_key("Ê-đê"), "ede");
    }

    #[test]
    fn nfc_composes_decomposed_text() {
        let decomposed = "Nguye\u{302}\u{303}n";
        assert_eq!(nfc(decomposed), "Nguyễn");
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }

        #[test]
        fn folding_ignores_normalisation_form(s in "\\PC{0,40}") {
            let nfd: String = s.nfd().collect();
            prop_assert_eq!(fold(&nfd), fold(&s));
        }
    }
}
