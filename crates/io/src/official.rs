//! Lists as officials keep them: spreadsheets and CSV files with Vietnamese headings ("Họ và tên",
//! "Năm sinh", "Dân tộc", "Số CCCD", "Mã hộ"…, in any case, with or without diacritics), a title
//! above the header, words for values ("Nam", "Chủ hộ", "Xơ Đăng", "x"), and text in legacy
//! encodings. They are turned into bamho's interchange columns, so that the ordinary readers check
//! every row; the rows keep the numbers the spreadsheet shows.

use bamho_domain::Standards;
use bamho_domain::ethnic::{EthnicGroups, Lookup};
use bamho_text::legacy::{Encoding, fix_cells_each};
use bamho_text::match_key;

use crate::errors::{Errors, RowError, RowRef};

/// Interchange columns and the headings officials write for them.
const ALIASES: [(&str, &[&str]); 19] = [
    (
        "household_code",
        &["mã hộ", "mã số hộ", "mã hộ gia đình", "household code"],
    ),
    ("year", &["năm", "năm rà soát", "năm điều tra"]),
    ("province_code", &["mã tỉnh", "mã tỉnh/thành phố"]),
    ("commune_code", &["mã xã", "mã xã/phường", "mã xã, phường"]),
    (
        "village_code",
        &["mã thôn", "mã thôn/tổ dân phố", "mã thôn, làng"],
    ),
    (
        "area",
        &["khu vực", "thành thị/nông thôn", "thành thị, nông thôn"],
    ),
    (
        "agricultural",
        &[
            "hộ nông nghiệp",
            "hộ làm nông, lâm, ngư nghiệp",
            "làm nông nghiệp",
        ],
    ),
    ("head_ethnicity", &["dân tộc chủ hộ", "dân tộc của chủ hộ"]),
    (
        "members",
        &["số nhân khẩu", "số thành viên", "nhân khẩu", "số người"],
    ),
    (
        "income_per_capita",
        &[
            "thu nhập bình quân đầu người",
            "thu nhập bình quân",
            "thu nhập bq/người/tháng",
            "thu nhập bình quân người/tháng",
        ],
    ),
    (
        "b1_score",
        &[
            "điểm b1",
            "tổng điểm b1",
            "điểm phiếu b1",
            "tổng điểm phiếu b1",
        ],
    ),
    (
        "class",
        &["phân loại", "kết quả phân loại", "kết quả rà soát"],
    ),
    ("person_no", &["stt trong hộ", "số thứ tự trong hộ"]),
    (
        "full_name",
        &["họ và tên", "họ tên", "họ và tên thành viên"],
    ),
    ("sex", &["giới tính", "giới"]),
    (
        "birth_year",
        &["năm sinh", "ngày sinh", "ngày tháng năm sinh"],
    ),
    ("ethnicity", &["dân tộc"]),
    (
        "citizen_id",
        &[
            "số cccd",
            "cccd",
            "số định danh",
            "số định danh cá nhân",
            "số cmnd/cccd",
            "số cmnd",
            "cmnd",
        ],
    ),
    (
        "relation",
        &[
            "quan hệ với chủ hộ",
            "quan hệ",
            "quan hệ với chủ hộ gia đình",
        ],
    ),
];

/// The interchange column an official heading stands for (bamho's own names pass through).
pub fn canonical(heading: &str) -> Option<String> {
    let key = match_key(heading);
    if key.is_empty() {
        return None;
    }
    for (name, aliases) in ALIASES {
        if match_key(name) == key || aliases.iter().any(|a| match_key(a) == key) {
            return Some(name.to_owned());
        }
    }
    // Indicators by code ("d01") or by the name a standard gives them.
    if key.len() == 3 && key.starts_with('d') && key[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Some(key);
    }
    for standard in Standards::embedded().all() {
        if let Some(ind) = standard
            .indicators
            .iter()
            .find(|i| match_key(&i.name_vi) == key || match_key(&i.name_en) == key)
        {
            return Some(ind.code.clone());
        }
    }
    for fixed in ["event", "other_household_code"] {
        if key == match_key(fixed) {
            return Some(fixed.to_owned());
        }
    }
    None
}

/// Words officials write for values, as the interchange codes.
fn value(column: &str, raw: &str) -> String {
    let v = raw.trim();
    let key = match_key(v);
    let yes_no = |k: &str| match k {
        "x" | "co" | "1" | "yes" | "true" | "v" => "1".to_owned(),
        "khong" | "0" | "no" | "false" => "0".to_owned(),
        // Empty stays empty: a column the row's standard lacks, or a value the reader will ask for.
        "" => String::new(),
        _ => v.to_owned(),
    };
    match column {
        "sex" => match key.as_str() {
            "nam" | "m" | "male" => "m".into(),
            "nu" | "f" | "female" => "f".into(),
            _ => v.into(),
        },
        "relation" => match key.as_str() {
            "chuho" | "head" => "head".into(),
            "vo" | "chong" | "vochong" | "spouse" => "spouse".into(),
            k if k.starts_with("con") || k == "child" => "child".into(),
            "cha" | "me" | "bo" | "chame" | "bome" | "parent" => "parent".into(),
            "" => String::new(),
            _ => "other".into(),
        },
        "area" => match key.as_str() {
            "nongthon" | "rural" => "rural".into(),
            "thanhthi" | "urban" => "urban".into(),
            _ => v.into(),
        },
        "ethnicity" | "head_ethnicity" => match EthnicGroups::national().lookup(v) {
            Lookup::Found(g) => g.code.clone(),
            _ => v.into(),
        },
        "class" => match key.as_str() {
            "hongheo" | "ngheo" => "poor".into(),
            "hocanngheo" | "canngheo" => "near_poor".into(),
            "hokhongngheo" | "khongngheo" => "not_poor".into(),
            "hocomucsongtrungbinh" | "trungbinh" => "middle".into(),
            _ => v.into(),
        },
        "birth_year" => {
            // A whole date ("15/03/1980", "1980-03-15") gives its year.
            let digits: Vec<&str> = v.split(['/', '-', '.']).collect();
            match digits.as_slice() {
                [y] => (*y).to_owned(),
                [_, _, c] if c.len() == 4 => (*c).to_owned(),
                [a, _, _] if a.len() == 4 => (*a).to_owned(),
                _ => v.into(),
            }
        }
        "agricultural" => yes_no(&key),
        c if c.len() == 3 && c.starts_with('d') => yes_no(&key),
        _ => v.into(),
    }
}

/// An official list made ready for the interchange readers.
#[derive(Debug)]
pub struct Prepared {
    /// The interchange CSV text.
    pub csv: Vec<u8>,
    /// Spreadsheet rows above the first data row less one (the header's row less one).
    pub offset: u64,
    /// Cells converted from legacy encodings, by encoding.
    pub converted: Vec<(Encoding, usize)>,
}

/// Finds the header (the first of the first ten rows with two or more known headings), converts
/// every text cell from legacy encodings, and rewrites headings and values. `unicode(row)`: the
/// cells of that row may already be right as they are (false for the lines of a CSV file that were
/// not UTF-8). `fonts`: the font of a workbook's cells by 0-based (row, column), which settles
/// their encoding when it is a legacy one.
pub fn prepare(
    label: &str,
    rows: &[Vec<String>],
    unicode: &dyn Fn(usize) -> bool,
    fonts: &crate::xlsx::SheetFonts,
    errors: &mut Errors,
) -> Option<Prepared> {
    let cells: Vec<(usize, usize, &str)> = rows
        .iter()
        .enumerate()
        .flat_map(|(r, row)| row.iter().enumerate().map(move |(c, t)| (r, c, t.as_str())))
        .collect();
    let fixed = fix_cells_each(cells.iter().map(|(r, c, t)| {
        let font = fonts.get(&(*r as u32, *c as u32)).map(String::as_str);
        (*t, font, unicode(*r))
    }));
    let mut text: Vec<Vec<String>> = rows.iter().map(|r| vec![String::new(); r.len()]).collect();
    let mut converted: std::collections::BTreeMap<Encoding, usize> = Default::default();
    for ((r, c, original), f) in cells.iter().zip(&fixed) {
        if f.ambiguous {
            let at = RowRef {
                file: label.into(),
                row: *r as u64 + 1,
            };
            let readings: Vec<String> = f
                .candidates
                .iter()
                .map(|(e, t)| format!("{} \"{t}\"", e.name()))
                .collect();
            errors.push(RowError::at(
                &at,
                &crate::fixtext::column_letters(c + 1),
                original,
                format!(
                    "the encoding of this text cannot be told: it reads as {}; fix it by hand or \
                     with bamho fix-text and a font hint",
                    readings.join(" or ")
                ),
            ));
            continue;
        }
        if !matches!(f.from, Encoding::Unicode) {
            *converted.entry(f.from).or_default() += 1;
        }
        text[*r][*c] = f.text.clone();
    }
    let header_row = text
        .iter()
        .take(10)
        .position(|row| row.iter().filter(|h| canonical(h).is_some()).count() >= 2)?;
    let columns: Vec<Option<String>> = text[header_row].iter().map(|h| canonical(h)).collect();
    let has = |name: &str| columns.iter().flatten().any(|c| c == name);
    // Member lists often lack the citizen ID column, or number people down the whole list: the
    // ID is then empty and people are numbered within their household.
    let members = has("full_name") && has("household_code");
    let add_id = members && !has("citizen_id");
    let add_no = members && !has("person_no");
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut header: Vec<&str> = columns.iter().flatten().map(String::as_str).collect();
    if add_id {
        header.push("citizen_id");
    }
    if add_no {
        header.push("person_no");
    }
    let _ = w.write_record(&header);
    let household = columns
        .iter()
        .position(|c| c.as_deref() == Some("household_code"));
    let mut numbers: std::collections::HashMap<String, u32> = Default::default();
    for row in &text[header_row + 1..] {
        if row.iter().all(|c| c.trim().is_empty()) {
            // A blank line ends nothing: it is kept so that the rows keep their numbers.
            let _ = w.write_record(header.iter().map(|_| ""));
            continue;
        }
        let mut record: Vec<String> = columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                c.as_ref()
                    .map(|c| value(c, row.get(i).map_or("", String::as_str)))
            })
            .collect();
        if add_id {
            record.push(String::new());
        }
        if add_no {
            let code = household
                .and_then(|i| row.get(i))
                .map_or(String::new(), |c| c.trim().to_owned());
            let n = numbers.entry(code).or_default();
            *n += 1;
            record.push(n.to_string());
        }
        let _ = w.write_record(&record);
    }
    Some(Prepared {
        csv: w.into_inner().unwrap_or_default(),
        offset: header_row as u64,
        converted: converted.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    #[test]
    fn official_headings_map_to_interchange_columns() {
        assert_eq!(canonical("Họ và tên").as_deref(), Some("full_name"));
        assert_eq!(canonical("HO VA TEN").as_deref(), Some("full_name"));
        assert_eq!(canonical("Số CCCD").as_deref(), Some("citizen_id"));
        assert_eq!(canonical("Quan hệ với chủ hộ").as_deref(), Some("relation"));
        assert_eq!(canonical("Việc làm").as_deref(), Some("d01"));
        assert_eq!(canonical("birth_year").as_deref(), Some("birth_year"));
        assert_eq!(canonical("Ghi chú"), None);
    }

    #[test]
    fn a_member_list_under_a_title_in_tcvn3_becomes_members_csv() {
        let mut errors = Errors::default();
        let list = rows(&[
            &["DANH SÁCH THÀNH VIÊN HỘ", "", "", "", "", "", "", ""],
            &["", "", "", "", "", "", "", ""],
            &[
                "Mã hộ",
                "STT trong hộ",
                "Hä vµ tªn",
                "Giới tính",
                "Ngày sinh",
                "Dân tộc",
                "Số CCCD",
                "Quan hệ với chủ hộ",
            ],
            &[
                "HH-1",
                "1",
                "Nguyễn Văn Hùng",
                "Nam",
                "15/03/1980",
                "Xơ Đăng",
                "",
                "Chủ hộ",
            ],
            &["HH-1", "2", "Y Hoa", "Nữ", "1984", "xo dang", "", "Vợ"],
        ]);
        let p = prepare(
            "list.xlsx",
            &list,
            &|_| true,
            &Default::default(),
            &mut errors,
        )
        .unwrap();
        assert!(errors.is_empty(), "{errors}");
        assert_eq!(p.offset, 2);
        assert_eq!(p.converted, [(Encoding::Tcvn3, 1)]);
        assert_eq!(
            String::from_utf8(p.csv).unwrap(),
            "household_code,person_no,full_name,sex,birth_year,ethnicity,citizen_id,relation\n\
             HH-1,1,Nguyễn Văn Hùng,m,1980,16,,head\n\
             HH-1,2,Y Hoa,f,1984,16,,spouse\n"
        );
    }
}
