//! fix-text's in-place rewrite of an .ods and the reading of its cells' fonts, on any content and
//! styles: the input, cut at the first 0xFF byte, becomes those two parts of an otherwise
//! well-formed package. A rewritten spreadsheet or an error naming the part, never a panic.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |b| *b == 0xFF);
    let (content, styles) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in [
        ("mimetype", &b"application/vnd.oasis.opendocument.spreadsheet"[..]),
        ("content.xml", content),
        ("styles.xml", styles),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(body).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let _ = bamho_io::ods::cell_fonts(&bytes);
    if let Ok((fixed, _)) = bamho_io::fixtext::fix_ods(&bytes) {
        bamho_io::fixtext::fix_ods(&fixed).expect("a spreadsheet fix-text wrote reads again");
    }
});
