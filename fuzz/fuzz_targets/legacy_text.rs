//! Any cell, in any font: the converter terminates, and what it converts is Unicode NFC.
#![no_main]

use bamho_text::legacy::{Encoding, fix_cell, fix_cells, from_cp1252};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (font, text) = match data.split_first() {
        Some((selector, rest)) => (
            [
                None,
                Some(".VnTime"),
                Some(".VnTimeH"),
                Some("VNI-Times"),
                Some("Arial"),
            ][usize::from(*selector) % 5],
            from_cp1252(rest),
        ),
        None => (None, String::new()),
    };
    let fixed = fix_cell(&text, font);
    if !fixed.ambiguous && fixed.from != Encoding::Unicode {
        assert!(unicode_normalization::is_nfc(&fixed.text), "{fixed:?}");
    }
    if text.is_ascii() {
        assert_eq!(fixed.text, text);
    }
    let _ = fix_cells([(text.as_str(), font), (text.as_str(), None)], false);
});
