use bamho_domain::{Date, Standards};
use bamho_io::{Table, households};
use bamho_synth::{AreaKind, Config, Sinks, generate};

use super::fields::{
    code_at, code_bytes, code_bytes_one_by_one, digits_in_word, flags_in_32, flags_in_words,
    is_code_at, separators_in_words,
};
use super::*;
use crate::rates::{Boundaries, Key, by_village, rates, report, write_report_json};
use crate::snapshot_from_records;
use crate::tests::xorshift;

fn generated(n: u64, years: std::ops::RangeInclusive<u16>) -> Vec<u8> {
    generated_in(AreaKind::DakGlei, n, years)
}

/// The households.csv of `n` generated households of `area`.
fn generated_in(area: AreaKind, n: u64, years: std::ops::RangeInclusive<u16>) -> Vec<u8> {
    let mut sinks = Sinks {
        households: Vec::new(),
        members: Vec::new(),
        events: Vec::new(),
    };
    let config = Config {
        households: n,
        seed: 3,
        years,
        area,
    };
    generate(&config, &mut sinks, &mut |_| {}).unwrap();
    sinks.households
}

fn slow(bytes: &[u8], year: Year) -> Snapshot {
    let standard = Standards::embedded().for_year(year).unwrap();
    let table = Table::read("h.csv", bytes).unwrap();
    let records = households::parse(&table, Some(year)).unwrap();
    snapshot_from_records(year, standard, records.iter().map(|(_, r)| r)).unwrap()
}

fn fast(bytes: &[u8], year: Year) -> Result<Snapshot, Unsupported> {
    read_year(bytes, year, Standards::embedded().for_year(year).unwrap())
}

/// The columns of a source read in stretches of `chunk` bytes.
fn in_columns(source: Source<'_>, year: Year, chunk: usize) -> Result<Snapshot, Unsupported> {
    let standard = Standards::embedded().for_year(year).unwrap();
    read_chunked(source, year, standard, chunk, columns(year, standard))
}

/// The households of a source counted in stretches of `chunk` bytes.
fn counted_in(
    source: Source<'_>,
    year: Year,
    by_village: bool,
    chunk: usize,
) -> Result<Tally, Unsupported> {
    let standard = Standards::embedded().for_year(year).unwrap();
    tally(source, year, standard, by_village, chunk)
}

/// How many households a tally counted: its report's total.
fn households(tally: &Tally) -> u64 {
    let today = Date::parse("2026-01-01").unwrap();
    report(tally, &[], Boundaries::Recorded, today, "f")
        .total
        .households
}

/// Every report a tally can make, the same as the validating reader's snapshot makes.
fn same_reports(counted: impl Fn(bool) -> Tally, slow: &Snapshot) -> bool {
    let today = Date::parse("2026-01-01").unwrap();
    let keys: [&[Key]; 5] = [
        &[],
        &[Key::Commune, Key::Ethnicity],
        &[Key::Village, Key::Area],
        &[Key::District, Key::Minority],
        &[Key::Province, Key::Village],
    ];
    keys.iter().all(|keys| {
        [Boundaries::Recorded, Boundaries::Current]
            .into_iter()
            .all(|boundaries| {
                let tally = counted(by_village(keys, boundaries));
                let made = report(&tally, keys, boundaries, today, "f");
                // Written from the groups, the JSON is the report's.
                let (mut json, mut direct) = (Vec::new(), Vec::new());
                made.write_json(&mut json).unwrap();
                write_report_json(&tally, keys, boundaries, today, "f", &mut direct).unwrap();
                made == rates(slow, keys, boundaries, today, "f") && json == direct
            })
    })
}

#[test]
fn the_fast_reader_gives_the_validating_reader_s_answer() {
    let bytes = generated(3_000, 2022..=2025);
    let today = Date::parse("2026-01-01").unwrap();
    for y in [2022, 2024, 2025] {
        let year = Year::new(y).unwrap();
        let (a, b) = (fast(&bytes, year).unwrap(), slow(&bytes, year));
        assert_eq!(a.len(), b.len());
        for keys in [
            &[Key::Commune, Key::Ethnicity][..],
            &[Key::Village, Key::Area],
            &[Key::District, Key::Minority],
        ] {
            for boundaries in [Boundaries::Recorded, Boundaries::Current] {
                assert_eq!(
                    rates(&a, keys, boundaries, today, "f"),
                    rates(&b, keys, boundaries, today, "f"),
                    "{y} {keys:?}"
                );
            }
        }
        assert_eq!(a.deprived, b.deprived);
        let counted =
            |by_village| counted_in(Source::Bytes(&bytes), year, by_village, CHUNK).unwrap();
        assert!(same_reports(counted, &b), "{y}");
        assert_eq!(households(&counted(false)), b.len() as u64);
    }
}

#[test]
fn flags_read_as_bits_and_anything_else_is_declined() {
    for count in 1..=16usize {
        for pattern in [0u16, 0xFFFF, 0xA5A5, 0x1234, 1, 1 << (count - 1)] {
            let bits = if count == 16 {
                pattern
            } else {
                pattern & ((1 << count) - 1)
            };
            let text: Vec<String> = (0..count).map(|k| ((bits >> k) & 1).to_string()).collect();
            let field = text.join(",");
            // Read where the field ends the text, and where more follows (32 bytes and more
            // from its start: read at once), as in a line.
            let flags = |text: &[u8]| {
                let alone = read_flags(text, 0, text.len(), count);
                let line = [text, b",middle,0,0,1,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0"].concat();
                assert_eq!(read_flags(&line, 0, text.len(), count), alone, "{text:?}");
                alone
            };
            assert_eq!(flags(field.as_bytes()), Ok(bits), "{field}");
            // A 2, a space or a missing comma anywhere is declined, as is a flag too many or
            // too few.
            for wrong in 0..field.len() {
                let mut bad = field.clone().into_bytes();
                bad[wrong] = if bad[wrong] == b',' { b';' } else { b'2' };
                assert_eq!(flags(&bad), Err(Unsupported), "{bad:?}");
                bad[wrong] = b'0' | 0x80;
                assert_eq!(flags(&bad), Err(Unsupported), "{bad:?}");
            }
            let longer = format!("{field},0");
            assert_eq!(flags(longer.as_bytes()), Err(Unsupported));
            assert_eq!(flags(&field.as_bytes()[1..]), Err(Unsupported));
        }
    }
}

#[test]
fn long_village_codes_read_as_short_ones_do() {
    // Village codes past 16 bytes take the hashed path; the answer must not change.
    let bytes = generated(2_000, 2025..=2025);
    let text = String::from_utf8(bytes).unwrap();
    let long: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
            if i > 0 && i % 2 == 0 {
                cells[4] = format!("{}-LONG-VILLAGE-CODE", cells[4]);
            }
            cells.join(",") + "\n"
        })
        .collect();
    let year = Year::new(2025).unwrap();
    let today = Date::parse("2026-01-01").unwrap();
    let (a, b) = (
        fast(long.as_bytes(), year).unwrap(),
        slow(long.as_bytes(), year),
    );
    assert!(a.villages.iter().any(|v| v.len() > 16));
    assert_eq!(
        rates(&a, &[Key::Village], Boundaries::Recorded, today, "f"),
        rates(&b, &[Key::Village], Boundaries::Recorded, today, "f"),
    );
}

#[test]
fn anything_doubtful_goes_to_the_validating_reader() {
    let good = String::from_utf8(generated(50, 2025..=2025)).unwrap();
    let year = Year::new(2025).unwrap();
    assert!(fast(good.as_bytes(), year).is_ok());
    let first_row = good.lines().nth(1).unwrap().to_owned();
    let fields: Vec<&str> = first_row.split(',').collect();
    let with = |i: usize, v: &str| {
        let mut f = fields.clone();
        f[i] = v;
        good.replacen(&first_row, &f.join(","), 1)
    };
    for (i, bad) in [
        (0, "20x5"),
        (3, "23362"),
        (3, "99999"),
        (2, "62"),
        (5, "urban"),
        (6, "2"),
        (6, ""),
        (6, "10"),
        (6, "/"),
        (7, "55"),
        (8, "0"),
        (9, "1,5"),
        (11, "x"),
        (1, "a b"),
    ] {
        assert!(
            fast(with(i, bad).as_bytes(), year).is_err(),
            "column {i} = {bad:?}"
        );
    }
    let quoted = with(1, "\"H-1\"");
    assert!(fast(quoted.as_bytes(), year).is_err());
    let repeated = format!("{good}{first_row}\n");
    assert!(
        fast(repeated.as_bytes(), year).is_err(),
        "a repeated household"
    );
    let other_year = with(0, "2024");
    assert!(
        fast(other_year.as_bytes(), year).is_ok(),
        "rows of other years are skipped"
    );
}

#[test]
fn codes_in_order_need_no_search_for_repeats_and_a_repeat_is_still_found() {
    let part = |codes: Option<(&str, &str)>| {
        let mut part = Part::default();
        part.rows.class.push(Class::NotPoor); // one household
        part.rows.household.push(1);
        part.ascending = codes.map(|(a, b)| (a.as_bytes().to_vec(), b.as_bytes().to_vec()));
        part
    };
    let ascending = |parts: Vec<Part>| {
        let mut joined = InOrder::new(Snapshot::default());
        for (k, part) in parts.into_iter().enumerate().rev() {
            joined.add(k, part); // the last first: each waits for the ones before it
        }
        joined.ascending
    };
    assert!(ascending(vec![
        part(Some(("A", "C"))),
        Part::default(),
        part(Some(("D", "E")))
    ]));
    assert!(!ascending(vec![
        part(Some(("A", "C"))),
        part(Some(("C", "E")))
    ]));
    assert!(!ascending(vec![part(Some(("A", "C"))), part(None)]));

    // A household repeated right after itself, or out of order, is found by the search.
    let good = String::from_utf8(generated(200, 2025..=2025)).unwrap();
    let year = Year::new(2025).unwrap();
    let rows: Vec<&str> = good.lines().collect();
    let twice = format!("{}\n{}\n", rows[..=5].join("\n"), rows[5..].join("\n"));
    assert_eq!(fast(twice.as_bytes(), year).err(), Some(Unsupported));
    let counted = |bytes: &[u8]| counted_in(Source::Bytes(bytes), year, false, 1 << 20);
    assert_eq!(counted(twice.as_bytes()).err(), Some(Unsupported));
    let mut shuffled = rows[1..].to_vec();
    shuffled.reverse();
    let backwards = format!("{}\n{}\n", rows[0], shuffled.join("\n"));
    assert_eq!(
        fast(backwards.as_bytes(), year).unwrap().len(),
        rows.len() - 1
    );
    assert_eq!(
        households(&counted(backwards.as_bytes()).unwrap()),
        rows.len() as u64 - 1
    );

    // Counted in small stretches, the codes ascending for most of the file: the keys of the
    // parts before the codes stop ascending are not kept but read again, and a repeat of the
    // first household at the very end is still found; last rows merely out of order still read.
    let last = rows.len() - 1;
    let first_again = format!("{}\n{}\n", good.trim_end(), rows[1]);
    let swapped = format!(
        "{}\n{}\n{}\n",
        rows[..last - 1].join("\n"),
        rows[last],
        rows[last - 1]
    );
    for chunk in [97, 4096] {
        let counted = |bytes: &[u8]| counted_in(Source::Bytes(bytes), year, false, chunk);
        assert_eq!(
            counted(first_again.as_bytes()).err(),
            Some(Unsupported),
            "chunk {chunk}"
        );
        assert_eq!(
            households(&counted(swapped.as_bytes()).unwrap()),
            last as u64,
            "chunk {chunk}"
        );
        assert_eq!(
            households(&counted(good.as_bytes()).unwrap()),
            last as u64,
            "chunk {chunk}"
        );
    }
}

#[test]
fn where_the_chunks_end_does_not_change_the_answer() {
    let bytes = generated(400, 2024..=2025);
    let year = Year::new(2025).unwrap();
    let standard = Standards::embedded().for_year(year).unwrap();
    let whole = in_columns(Source::Bytes(&bytes), year, 1 << 20).unwrap();
    let expected = slow(&bytes, year);
    assert_eq!(whole.household, expected.household);
    assert_eq!(whole.class, expected.class);
    // The same bytes from a file, read by each thread at its own offsets.
    let path = std::env::temp_dir().join(format!("bamho-chunks-{}.csv", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let in_file = Source::File(&file, bytes.len() as u64);
    for chunk in [1, 5, 97, 4096] {
        for source in [Source::Bytes(&bytes), in_file] {
            let s = in_columns(source, year, chunk).unwrap();
            assert_eq!(s.household, whole.household, "chunk {chunk}");
            assert_eq!(s.class, whole.class, "chunk {chunk}");
            assert_eq!(s.deprived, whole.deprived, "chunk {chunk}");
            assert_eq!(s.villages, whole.villages, "chunk {chunk}");
            assert_eq!(s.village, whole.village, "chunk {chunk}");
            let counted = |by_village| counted_in(source, year, by_village, chunk).unwrap();
            assert!(same_reports(counted, &expected), "chunk {chunk}");
        }
    }
    assert_eq!(
        read_year_file(&file, year, standard).unwrap().household,
        whole.household
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn lines_longer_than_the_room_read_past_a_stretch_s_end_are_read_whole() {
    // A note column read past, some notes far longer than the few kilobytes a thread first reads
    // beyond its stretch for the line that runs on.
    let bytes = generated(300, 2025..=2025);
    let text = std::str::from_utf8(&bytes).unwrap();
    let mut noted = String::new();
    for (i, line) in text.lines().enumerate() {
        let note = match i {
            0 => "note".to_owned(),
            _ if i % 7 == 0 => "x".repeat(9_000 + i),
            _ => format!("n{i}"),
        };
        noted.push_str(&format!("{line},{note}\n"));
    }
    let year = Year::new(2025).unwrap();
    let expected = slow(noted.as_bytes(), year);
    for chunk in [1, 4096, 10_000, 1 << 20] {
        let s = in_columns(Source::Bytes(noted.as_bytes()), year, chunk).unwrap();
        assert!(same_columns(&s, &expected), "chunk {chunk}");
        let counted = |by_village| {
            counted_in(Source::Bytes(noted.as_bytes()), year, by_village, chunk).unwrap()
        };
        assert!(same_reports(counted, &expected), "chunk {chunk}");
    }
}

#[test]
fn windows_line_ends_and_a_byte_order_mark_read_the_same() {
    let bytes = generated(300, 2025..=2025);
    let year = Year::new(2025).unwrap();
    let crlf = String::from_utf8(bytes.clone())
        .unwrap()
        .replace('\n', "\r\n");
    let with_bom = [&b"\xEF\xBB\xBF"[..], crlf.as_bytes()].concat();
    let (a, b) = (fast(&bytes, year).unwrap(), fast(&with_bom, year).unwrap());
    assert_eq!(a.household, b.household);
    assert_eq!(a.class, b.class);
    assert_eq!(a.villages, b.villages);
}

/// Times one thread parsing a generated file (`BAMHO_PARSE_FILE`), for work on this reader:
/// `cargo test --release -p bamho-analytics parse_speed -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a test"]
fn parse_speed() {
    let Ok(path) = std::env::var("BAMHO_PARSE_FILE") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let year = Year::new(2025).unwrap();
    let standard = Standards::embedded().for_year(year).unwrap();
    let header_end = memchr::memchr(b'\n', &bytes).unwrap();
    let columns = Columns::from_header(&bytes[..header_end], standard).unwrap();
    let places = places(year);
    let cx = Context {
        columns: &columns,
        places: &places,
        standard,
        year: b"2025",
        keep: Keep::Columns,
        keyed: &AtomicBool::new(true),
    };
    let text = &bytes[header_end + 1..];
    let mut scratch = Scratch::default();
    for _ in 0..3 {
        let start = std::time::Instant::now();
        let (mut rows, mut at) = (0, 0);
        while at < text.len() {
            let end = (at + CHUNK).min(text.len());
            let end = memchr::memrchr(b'\n', &text[at..end]).map_or(text.len(), |e| at + e + 1);
            rows += parse_part(&text[at..end], &cx, &mut scratch, Part::default())
                .unwrap()
                .rows
                .len();
            at = end;
        }
        let took = start.elapsed();
        eprintln!(
            "{rows} rows in {took:?}: {:.0} ns a row",
            took.as_nanos() as f64 / rows as f64
        );
    }
}

/// Times each phase of the benchmark's job on the file `BAMHO_PARSE_FILE` names, best of nine:
/// reading and counting the households, the rates by commune × ethnic group, and the JSON report
/// (the process's start-up aside).
/// `cargo test --release -p bamho-analytics phase_speed -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a test"]
fn phase_speed() {
    let Ok(path) = std::env::var("BAMHO_PARSE_FILE") else {
        return;
    };
    let year = Year::new(2025).unwrap();
    let standard = Standards::embedded().for_year(year).unwrap();
    let today = Date::parse("2026-01-01").unwrap();
    let mut best = [std::time::Duration::MAX; 3];
    for _ in 0..9 {
        let start = std::time::Instant::now();
        let file = std::fs::File::open(&path).unwrap();
        let tally = tally_year_file(&file, year, standard, false).unwrap();
        let read = start.elapsed();
        let keys = [Key::Commune, Key::Ethnicity];
        let report = report(&tally, &keys, Boundaries::Recorded, today, "file");
        let counted = start.elapsed();
        let mut json = Vec::with_capacity(128 * report.rows.len() + 1024);
        report.write_json(&mut json).unwrap();
        std::hint::black_box(json);
        let written = start.elapsed();
        for (best, took) in best
            .iter_mut()
            .zip([read, counted - read, written - counted])
        {
            *best = (*best).min(took);
        }
    }
    eprintln!(
        "read and count {:?}, report {:?}, json {:?}",
        best[0], best[1], best[2]
    );
}

fn slow_or_refused(bytes: &[u8], year: Year) -> Option<Snapshot> {
    let standard = Standards::embedded().for_year(year).unwrap();
    let table = Table::read("h.csv", bytes).ok()?;
    let records = households::parse(&table, Some(year)).ok()?;
    snapshot_from_records(year, standard, records.iter().map(|(_, r)| r)).ok()
}

/// The columns two readings agree on, side by side.
fn same_columns(a: &Snapshot, b: &Snapshot) -> bool {
    a.household == b.household
        && a.commune == b.commune
        && a.ethnicity == b.ethnicity
        && a.area == b.area
        && a.class == b.class
        && a.deprived == b.deprived
        && a.villages == b.villages
        && a.village == b.village
}

#[test]
fn blank_lines_a_last_line_without_its_break_and_lines_across_pieces_read_as_the_validating_reader_reads_them()
 {
    let year = Year::new(2025).unwrap();
    // Enough rows for several pieces.
    let text = String::from_utf8(generated(2_000, 2024..=2025)).unwrap();
    assert!(text.len() > 3 * PIECE);
    let crlf = text.replace('\n', "\r\n");
    let blank = text
        .replacen('\n', "\n\n", 40)
        .replace("\n2024", "\n\n2024");
    let blank_crlf = blank.replace('\n', "\r\n");
    let unended = text.trim_end().to_owned();
    // Lines of one year, each with as many separators: read where they lie.
    let one_year = String::from_utf8(generated(2_000, 2025..=2025)).unwrap();
    let one_year_crlf = one_year.replace('\n', "\r\n");
    let some_crlf = one_year.replacen('\n', "\r\n", 700);
    // Twenty empty columns more: blocks of 64 bytes dense with separators.
    let extra: String = (1..=20).map(|i| format!(",extra{i}")).collect();
    let dense: String = one_year
        .lines()
        .enumerate()
        .map(|(i, line)| match i {
            0 => format!("{line}{extra}\n"),
            _ => format!("{line}{}\n", ",".repeat(20)),
        })
        .collect();
    for (what, text) in [
        ("as written", &text),
        ("one year", &one_year),
        ("one year CRLF", &one_year_crlf),
        ("some lines CRLF", &some_crlf),
        ("empty columns", &dense),
        ("CRLF", &crlf),
        ("blank lines", &blank),
        ("blank CRLF lines", &blank_crlf),
        ("no last break", &unended),
    ] {
        let fast = fast(text.as_bytes(), year).unwrap_or_else(|_| panic!("{what}"));
        let slow = slow_or_refused(text.as_bytes(), year).unwrap();
        assert!(same_columns(&fast, &slow), "{what}");
    }
}

#[test]
fn a_stray_carriage_return_a_quote_or_a_field_too_many_or_too_few_is_left_to_the_validating_reader()
{
    let year = Year::new(2025).unwrap();
    let text = String::from_utf8(generated(300, 2025..=2025)).unwrap();
    let line = text.lines().nth(150).unwrap();
    for changed in [
        line.replacen(',', ",\r", 3),
        line.replacen(',', "\r,", 1),
        line.replacen(',', ",\"", 1),
        format!("{line},"),
        line.rsplit_once(',').unwrap().0.to_owned(),
        line.replacen(",", "", 1),
    ] {
        let bad = text.replacen(line, &changed, 1);
        assert_eq!(
            fast(bad.as_bytes(), year).err(),
            Some(Unsupported),
            "{changed:?}"
        );
    }
}

#[test]
fn sixteen_bytes_at_a_time_and_eight_at_a_time_find_the_same_separators() {
    let mut block = [0u8; 64];
    let alphabet = b",\n\r\"0a-\x80\xff ";
    let mut state = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..2_000 {
        for b in &mut block {
            *b = alphabet[(xorshift(&mut state) % alphabet.len() as u64) as usize];
        }
        let expected = block
            .iter()
            .enumerate()
            .fold((0, 0, 0), |(c, n, o), (i, b)| {
                let bit = 1u64 << i;
                (
                    c | if *b == b',' { bit } else { 0 },
                    n | if *b == b'\n' { bit } else { 0 },
                    o | if matches!(b, b'"' | b'\r') { bit } else { 0 },
                )
            });
        assert_eq!(separators(&block), expected);
        assert_eq!(separators_in_words(&block), expected);
    }
}

#[test]
fn every_separator_of_a_block_is_marked_in_order_however_many_it_has() {
    // Blocks from bare to all separators, most bytes of their masks between.
    let alphabets: [&[u8]; 4] = [b",\n0a", b",,,\n", b"0123456789a", b",\n"];
    let mut state = 0x2545_F491_4F6C_DD1D;
    let (mut cuts, mut breaks, mut returns) = (vec![0u32; 64 * 40 + 1], Vec::new(), false);
    for alphabet in alphabets {
        let text: Vec<u8> = (0..64 * 40)
            .map(|_| alphabet[(xorshift(&mut state) % alphabet.len() as u64) as usize])
            .collect();
        let (blocks, _) = text.as_chunks::<64>();
        breaks.clear();
        let mut marks = Marks {
            cuts: &mut cuts,
            found: 0,
            breaks: &mut breaks,
            returns: &mut returns,
        };
        for (k, block) in blocks[..blocks.len() - 1].iter().enumerate() {
            marks.mark(&text, 64 * k, block).unwrap();
        }
        let found = marks.found;
        let one_by_one: Vec<u32> = text[..text.len() - 64]
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b, b',' | b'\n'))
            .map(|(i, _)| i as u32 + 1)
            .collect();
        assert_eq!(cuts[..found], one_by_one[..]);
        let lines = one_by_one
            .iter()
            .filter(|&&at| text[at as usize - 1] == b'\n');
        assert_eq!(breaks, lines.map(|at| at - 1).collect::<Vec<_>>());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// A byte put in, taken out or changed anywhere: the fast reader either declines the file or
    /// reads exactly what the validating reader reads.
    #[test]
    fn a_changed_byte_is_declined_or_read_as_the_validating_reader_reads_it(
        at in 0.0f64..1.0,
        change in 0usize..3,
        byte in proptest::sample::select(b",\n\r\"01 a-.9".to_vec()),
    ) {
        let year = Year::new(2025).unwrap();
        let mut bytes = generated(120, 2024..=2025);
        let at = ((bytes.len() - 1) as f64 * at) as usize;
        match change {
            0 => bytes.insert(at, byte),
            1 => {
                bytes.remove(at);
            }
            _ => bytes[at] = byte,
        }
        let counted = |by_village| counted_in(Source::Bytes(&bytes), year, by_village, CHUNK);
        // Counted or not, the file is read or declined alike.
        proptest::prop_assert_eq!(counted(false).is_ok(), fast(&bytes, year).is_ok());
        if let Ok(fast) = fast(&bytes, year) {
            let slow = slow_or_refused(&bytes, year);
            proptest::prop_assert!(slow.is_some(), "read what the validating reader refuses");
            let slow = slow.unwrap();
            proptest::prop_assert!(same_columns(&fast, &slow));
            proptest::prop_assert!(same_reports(|v| counted(v).unwrap(), &slow));
        }
    }
}

#[test]
fn a_small_number_reads_as_a_number_of_up_to_three_digits_and_nothing_else_does() {
    // Every field of up to four bytes from digits, the bytes either side of them, a letter and
    // a space.
    let alphabet = b"0159/:a ";
    let mut fields: Vec<Vec<u8>> = vec![Vec::new()];
    for _ in 0..4 {
        let longer: Vec<Vec<u8>> = fields
            .iter()
            .filter(|f| f.len() == fields.last().map_or(0, Vec::len))
            .flat_map(|f| alphabet.iter().map(move |b| [f.as_slice(), &[*b]].concat()))
            .collect();
        fields.extend(longer);
    }
    assert_eq!(fields.len(), 1 + 8 + 64 + 512 + 4096);
    for field in &fields {
        let expected = number(field)
            .ok()
            .filter(|(_, digits)| *digits <= 3)
            .map(|(n, _)| n as u16);
        assert_eq!(
            small(field),
            expected,
            "{:?}",
            String::from_utf8_lossy(field)
        );
    }
    assert_eq!(small(b"999"), Some(999));
    assert_eq!(small(b"007"), Some(7));
    assert_eq!(small(b"1000"), None);
}

#[test]
fn a_number_read_as_one_word_is_the_number_read_digit_by_digit() {
    // Fields of up to nine bytes from digits, the bytes either side of them and a dot, each
    // followed by a comma and the rest of a line, or ending the text.
    let mut state = 0x2545_f491_4f6c_dd1d;
    let alphabet = b"0123456789/:.";
    for _ in 0..200_000 {
        let len = (xorshift(&mut state) % 10) as usize;
        let field: Vec<u8> = (0..len)
            .map(|_| alphabet[(xorshift(&mut state) % alphabet.len() as u64) as usize])
            .collect();
        let expected = number(&field).ok().filter(|(_, digits)| *digits <= 8);
        let line = [&field[..], b",1,0,0,rural\n"].concat();
        assert_eq!(
            digits_in_word(&line, 0, len),
            expected,
            "{:?}",
            String::from_utf8_lossy(&field)
        );
        // At the end of the text, fewer than eight bytes on: left to the digit loop.
        if len < 8 {
            assert_eq!(digits_in_word(&field, 0, len), None);
        }
    }
    let eight = b"99999999,";
    assert_eq!(digits_in_word(eight, 0, 8), Some((99_999_999, 8)));
    assert_eq!(digits_in_word(b"00000007,", 0, 8), Some((7, 8)));
}

#[test]
fn thirty_two_bytes_at_once_and_a_word_at_a_time_read_the_same_flags() {
    let mut state = 0x9E37_79B9_7F4A_7C15;
    let mut bytes = [0u8; 32];
    for _ in 0..20_000 {
        // Mostly flags and commas, now and then any byte.
        for b in &mut bytes {
            let r = xorshift(&mut state);
            *b = match r % 16 {
                0 => (r >> 24) as u8,
                1..=5 => b',',
                6..=10 => b'0',
                _ => b'1',
            };
        }
        // Now and then a well-formed run of flags at the start.
        let count = 1 + (xorshift(&mut state) % 16) as usize;
        if xorshift(&mut state).is_multiple_of(2) {
            for k in 0..count - 1 {
                bytes[2 * k + 1] = b',';
            }
        }
        let len = 2 * count - 1;
        assert_eq!(
            flags_in_32(&bytes, len),
            flags_in_words(&bytes, 0, len),
            "{bytes:?} {count}"
        );
    }
}

#[test]
fn sixteen_bytes_at_a_time_and_one_by_one_tell_the_same_code_bytes() {
    let mut sixteen = [0u8; 16];
    let mut state = 0x2545_F491_4F6C_DD1D;
    for _ in 0..5_000 {
        for b in &mut sixteen {
            *b = (xorshift(&mut state) >> 24) as u8;
        }
        assert_eq!(
            code_bytes(&sixteen),
            code_bytes_one_by_one(&sixteen),
            "{sixteen:?}"
        );
    }
    // Every byte, at every place.
    for b in 0..=255u8 {
        let sixteen = [b; 16];
        assert_eq!(code_bytes(&sixteen), code_bytes_one_by_one(&sixteen), "{b}");
    }
    assert_eq!(
        code_bytes_one_by_one(b"23359-T04,rural,"),
        0b0111_1101_1111_1111
    );
}

#[test]
fn a_code_only_checked_is_judged_as_a_code_read() {
    // Fields of 0 to 40 bytes, mostly code bytes, some with a stray one; some lie at the text's
    // end, where sixteen bytes do not follow their start.
    let alphabet = b"0123456789ABCXYZabcxyz-_ ,.\xc3\xa0";
    let mut state = 0x9E37_79B9_7F4A_7C15;
    let (mut codes, mut others) = (0, 0);
    for _ in 0..20_000 {
        let len = (xorshift(&mut state) % 41) as usize;
        let tail = (xorshift(&mut state) % 24) as usize;
        let stray = xorshift(&mut state).is_multiple_of(4);
        let mut text: Vec<u8> = (0..len + tail)
            .map(|_| {
                let pick = xorshift(&mut state) as usize;
                match stray {
                    true => alphabet[pick % alphabet.len()],
                    false => alphabet[pick % 23],
                }
            })
            .collect();
        text.insert(0, b',');
        let (start, end) = (1, 1 + len);
        let read = code_at(&text, start, end).is_ok();
        assert_eq!(is_code_at(&text, start, end), read, "{text:?} {len}");
        if read { codes += 1 } else { others += 1 }
    }
    assert!(
        codes > 5_000 && others > 5_000,
        "{codes} codes, {others} others"
    );
}

#[test]
fn a_long_json_report_is_written_in_pieces_as_one() {
    // Nation-wide, for villages enough to fill several pieces.
    let bytes = generated_in(AreaKind::Nation, 20_000, 2025..=2025);
    let year = Year::new(2025).unwrap();
    let today = Date::parse("2026-01-01").unwrap();
    let tally = counted_in(Source::Bytes(&bytes), year, true, CHUNK).unwrap();
    let keys = [Key::Village, Key::Area];
    let (mut json, mut direct) = (Vec::new(), Vec::new());
    report(&tally, &keys, Boundaries::Recorded, today, "f")
        .write_json(&mut json)
        .unwrap();
    write_report_json(&tally, &keys, Boundaries::Recorded, today, "f", &mut direct).unwrap();
    assert!(json.len() > 3 << 16, "{} bytes", json.len());
    assert!(json == direct);
}
