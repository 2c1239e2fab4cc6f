//! fix-text's in-place rewrite of an .ods and the reading of its cells' fonts, on any content and
//! styles: the input, cut at the first 0xFF byte, becomes those two parts of an otherwise
//! well-formed package. A rewritten spreadsheet or an error naming the part, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod stored;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |b| *b == 0xFF);
    let (content, styles) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let bytes = stored::package(&[
        (
            "mimetype",
            &b"application/vnd.oasis.opendocument.spreadsheet"[..],
        ),
        ("content.xml", content),
        ("styles.xml", styles),
    ]);
    let _ = bamho_io::ods::cell_fonts(&bytes);
    if let Ok((fixed, _)) = bamho_io::fixtext::fix_ods(&bytes) {
        bamho_io::fixtext::fix_ods(&fixed).expect("a spreadsheet fix-text wrote reads again");
    }
});
