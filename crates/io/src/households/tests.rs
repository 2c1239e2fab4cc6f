use super::*;

const HEADER: &str = "year,household_code,province_code,commune_code,village_code,area,agricultural,\
head_ethnicity,members,income_per_capita,b1_score,d01,d02,d03,d04,d05,d06,d07,d08,d09,d10,d11,d12,class";

fn parse_text(body: &str) -> Result<Vec<(RowRef, HouseholdYear)>, Errors> {
    let text = format!("{HEADER}\n{body}");
    let table = Table::read("households.csv", text.as_bytes())?;
    parse(&table, None)
}

fn only_error(body: &str) -> String {
    let errors = parse_text(body).unwrap_err();
    assert_eq!(errors.list.len(), 1, "{errors}");
    errors.list[0].to_string()
}

const GOOD: &str = "2022,H1,62,23362,V1,rural,1,29,5,1200000,,1,1,1,0,0,0,0,0,0,0,0,0,";

#[test]
fn a_good_row_is_read_with_its_commune_of_that_year() {
    let rows = parse_text(GOOD).unwrap();
    let units = Units::national();
    let (at, r) = &rows[0];
    assert_eq!(at.row, 2);
    assert_eq!(units.get(r.commune).name, "Mường Hoong");
    assert_eq!(r.deprived.count(), 3);
    assert_eq!(r.income_per_capita, Some(Vnd::new(1_200_000)));
}

#[test]
fn a_non_numeric_income_is_reported_with_file_row_column_and_value() {
    let row = GOOD.replace(",1200000,", ",\"1,2 triệu\",");
    assert_eq!(
        only_error(&row),
        "households.csv: row 2, column income_per_capita, value \"1,2 triệu\": an amount in VND is a \
         whole non-negative number"
    );
}

#[test]
fn a_commune_not_in_force_that_year_is_refused() {
    let row = GOOD.replace("2022,", "2025,").replace(",62,", ",51,");
    let e = only_error(&row);
    assert!(
        e.contains("column commune_code, value \"23362\": this commune code is not in force at the 2025 review"),
        "{e}"
    );
    let unknown = GOOD.replace("23362", "99999");
    assert!(only_error(&unknown).contains("no commune has this code"));
}

#[test]
fn the_area_must_agree_with_the_commune() {
    let town = GOOD.replace("23362", "23341");
    let e = only_error(&town);
    assert!(
        e.contains("the commune is Thị trấn Đăk Glei at the 2022 review, so the area is urban"),
        "{e}"
    );
    let empty_area = town.replace(",rural,", ",,");
    assert_eq!(parse_text(&empty_area).unwrap()[0].1.area, Area::Urban);
}

#[test]
fn unknown_ethnic_codes_and_repeated_households_are_refused() {
    assert!(
        only_error(&GOOD.replace(",29,", ",77,")).contains("column head_ethnicity, value \"77\"")
    );
    let twice = format!("{GOOD}\n{GOOD}");
    assert!(only_error(&twice).contains(
        "row 3, column household_code, value \"H1\": this household already has a row for 2022 (row 2)"
    ));
}

#[test]
fn a_missing_column_is_reported_against_the_header() {
    let text = "year,household_code\n2022,H1\n";
    let table = Table::read("x.csv", text.as_bytes()).unwrap();
    let errors = parse(&table, None).unwrap_err();
    assert!(
        errors
            .to_string()
            .contains("x.csv: row 1, column province_code: this column is missing")
    );
}

#[test]
fn text_that_is_not_utf8_is_refused_with_its_cell() {
    let mut bytes = format!("{HEADER}\n").into_bytes();
    bytes.extend_from_slice(GOOD.replace(",V1,", ",V\u{1}X,").as_bytes());
    let pos = bytes.iter().position(|b| *b == 1).unwrap();
    bytes[pos] = 0xB5; // "µ" in Windows-1252, "à" in TCVN3
    let table = Table::read("legacy.csv", &bytes).unwrap();
    let e = parse(&table, None).unwrap_err().to_string();
    assert!(e.contains("legacy.csv: row 2, column village_code"), "{e}");
    assert!(e.contains("not UTF-8"), "{e}");
}

#[test]
fn neither_income_nor_score_is_an_error_and_the_bom_is_accepted() {
    let row = GOOD.replace(",1200000,", ",,");
    assert!(only_error(&row).contains("give the income per person or the B1 score"));
    let text = format!("\u{feff}{HEADER}\n{GOOD}");
    let table = Table::read("bom.csv", text.as_bytes()).unwrap();
    assert_eq!(parse(&table, None).unwrap().len(), 1);
}

#[test]
fn a_deprivation_column_the_standard_lacks_must_stay_empty() {
    let text = format!("{HEADER},d13\n{GOOD},1");
    let table = Table::read("h.csv", text.as_bytes()).unwrap();
    let e = parse(&table, None).unwrap_err().to_string();
    assert!(
        e.contains("column d13, value \"1\": the vn-2022-2025 standard has no indicator d13"),
        "{e}"
    );
}
