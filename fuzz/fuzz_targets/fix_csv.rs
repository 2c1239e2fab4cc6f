//! `bamho fix-text` on any CSV: a converted file or an error naming why, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bamho_io::fixtext::fix_csv("fuzz.csv", data);
});
