//! Whatever an officer uploads, under any of the names the importer tells files by: records or
//! row errors, never a panic.
#![no_main]

use bamho_io::{Batch, Errors};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = data.split_first() else {
        return;
    };
    let name = [
        "households.csv",
        "members.csv",
        "list.xlsx",
        "list.ods",
        "submissions.json",
        "odk.csv",
    ][usize::from(*selector) % 6];
    let mut batch = Batch::default();
    let mut errors = Errors::default();
    batch.read(name, bytes, &mut errors);
    batch.finish(&mut errors);
});
