use bamho_domain::units::{Level, Units};
use bamho_domain::{Area, Date};

use super::*;

/// The next of a repeatable run of pseudo-random numbers (xorshift), for tests.
pub(crate) fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// Households of 2024, each (code, commune in force then, village, ethnic code, area, class,
/// deprivations).
fn households_2024(rows: &[(&str, &str, &str, &str, Area, Class, u16)]) -> Snapshot {
    let units = Units::national();
    let at = day("2024-09-01");
    let mut s = Snapshot::new(Year::new(2024).unwrap(), "vn-2022-2025");
    for (household, commune, village, ethnicity, area, class, deprived) in rows {
        let commune = units.find(Level::Commune, commune, at).unwrap();
        let v = s.village_id(village, None);
        s.push(household, commune, v, ethnicity, *area, *class, *deprived);
    }
    s
}

/// Four households of 2024 in three old communes of Đăk Glei that merge into two new ones.
fn snapshot_2024() -> Snapshot {
    households_2024(&[
        ("H1", "23341", "V1", "01", Area::Urban, Class::NotPoor, 0),
        ("H2", "23353", "V1", "29", Area::Rural, Class::Poor, 0b111),
        ("H3", "23362", "V1", "16", Area::Rural, Class::NearPoor, 0b1),
        ("H4", "23365", "V1", "16", Area::Rural, Class::Poor, 0b1111),
    ])
}

#[test]
fn rates_by_commune_under_recorded_boundaries_keep_the_old_communes() {
    let r = rates(
        &snapshot_2024(),
        &[Key::Commune],
        Boundaries::Recorded,
        day("2026-01-01"),
        "file",
    );
    let communes: Vec<&str> = r.rows.iter().map(|row| row.key.0[0].1.as_str()).collect();
    assert_eq!(communes, ["23341", "23353", "23362", "23365"]);
    assert_eq!(r.total.households, 4);
    assert_eq!(r.total.poor, 2);
    assert_eq!(r.total.poor_rate, 50.0);
    assert_eq!(r.total.near_poor_rate, 25.0);
}

#[test]
fn current_boundaries_map_old_communes_onto_today_s() {
    let r = rates(
        &snapshot_2024(),
        &[Key::Province, Key::Commune],
        Boundaries::Current,
        day("2026-01-01"),
        "file",
    );
    let rows: Vec<(String, String, u64, u64)> = r
        .rows
        .iter()
        .map(|row| {
            (
                row.key.0[0].1.clone(),
                row.key.0[1].1.clone(),
                row.rates.households,
                row.rates.poor,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("51".into(), "23341".into(), 2, 1),
            ("51".into(), "23365".into(), 2, 1)
        ]
    );
}

#[test]
fn minority_and_district_keys_group_as_reports_expect() {
    let r = rates(
        &snapshot_2024(),
        &[Key::District, Key::Minority],
        Boundaries::Recorded,
        day("2026-01-01"),
        "file",
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["rows"][0]["key"],
        serde_json::json!({"district": "610", "minority": "kinh"})
    );
    assert_eq!(
        json["rows"][1]["key"],
        serde_json::json!({"district": "610", "minority": "minority"})
    );
    assert_eq!(json["rows"][1]["poor_rate"], 66.67);
    assert_eq!(json["boundaries"], "recorded");
}

#[test]
fn rows_are_in_the_order_of_their_names_whatever_order_the_groups_were_first_seen_in() {
    // Villages and communes first seen out of the order of their codes.
    let (rural, poor) = (Area::Rural, Class::Poor);
    let s = households_2024(&[
        ("H1", "23365", "V2", "16", rural, poor, 0),
        ("H2", "23341", "V10", "01", rural, poor, 0),
        ("H3", "23365", "V1", "29", rural, poor, 0),
        ("H4", "23341", "V10", "16", rural, poor, 0),
        ("H5", "23341", "V2", "01", rural, poor, 0),
        ("H6", "23365", "V1", "01", rural, poor, 0),
    ]);
    let r = rates(
        &s,
        &[Key::Village, Key::Commune, Key::Ethnicity],
        Boundaries::Recorded,
        day("2026-01-01"),
        "file",
    );
    let keys: Vec<Vec<&str>> = r
        .rows
        .iter()
        .map(|row| row.key.0.iter().map(|(_, v)| v.as_str()).collect())
        .collect();
    assert_eq!(
        keys,
        [
            ["V1", "23365", "01"],
            ["V1", "23365", "29"],
            ["V10", "23341", "01"],
            ["V10", "23341", "16"],
            ["V2", "23341", "01"],
            ["V2", "23365", "16"],
        ]
    );
}
