//! fix-text's in-place rewrite of an .xlsx and the reading of its cells' fonts, on any sheet, shared
//! strings and styles: the input, cut at 0xFF bytes, becomes those three parts of an otherwise
//! well-formed package. A rewritten workbook or an error naming the part, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod stored;

const WORKBOOK: &[u8] = br#"<workbook xmlns:r="r"><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const RELS: &[u8] =
    br#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == 0xFF);
    let (sheet, strings, styles) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let bytes = stored::package(&[
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", RELS),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings),
        ("xl/styles.xml", styles),
    ]);
    let _ = bamho_io::xlsx::cell_fonts(&bytes);
    if let Ok((fixed, _)) = bamho_io::fixtext::fix_xlsx(&bytes) {
        bamho_io::fixtext::fix_xlsx(&fixed).expect("a workbook fix-text wrote reads again");
    }
});
