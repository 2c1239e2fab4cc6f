//! members.csv (the members at the latest year of a file) and events.csv (splits, merges, moves).

use std::collections::HashMap;

use bamho_domain::ethnic::EthnicGroups;
use bamho_domain::{
    CitizenId, EventKind, HouseholdCode, HouseholdEvent, Member, Relation, Sex, Year,
};

use crate::errors::{Errors, RowRef};
use crate::table::{Table, number};

pub const MEMBER_COLUMNS: [&str; 8] = [
    "household_code",
    "person_no",
    "full_name",
    "sex",
    "birth_year",
    "ethnicity",
    "citizen_id",
    "relation",
];

pub const EVENT_COLUMNS: [&str; 4] = ["year", "household_code", "event", "other_household_code"];

pub fn parse_members(table: &Table) -> Result<Vec<(RowRef, Member)>, Errors> {
    let mut errors = Errors::default();
    if !table.require(&MEMBER_COLUMNS, &mut errors) {
        return Err(errors);
    }
    let mut seen: HashMap<(String, u16), u64> = HashMap::new();
    let mut out = Vec::with_capacity(table.len());
    for row in table.rows() {
        let e = &mut errors;
        let household = row.parse("household_code", e, HouseholdCode::parse);
        let person_no = row.parse("person_no", e, number(1u16..=999));
        let full_name = row.parse("full_name", e, |t| Ok::<_, String>(bamho_text::nfc(t)));
        let sex = row.parse("sex", e, Sex::parse);
        let birth_year = row.parse("birth_year", e, number(1880u16..=2100));
        let ethnicity = row.parse("ethnicity", e, |t| {
            EthnicGroups::national()
                .by_code(t)
                .map(|g| g.code.clone())
                .ok_or("not an ethnic group code (01 to 54)")
        });
        let citizen_id = row.optional("citizen_id", e, CitizenId::parse);
        let relation = row.parse("relation", e, Relation::parse);
        let (Some(household), Some(person_no)) = (household, person_no) else {
            continue;
        };
        let key = (household.as_str().to_owned(), person_no);
        if let Some(first) = seen.insert(key, row.at.row) {
            let why =
                format!("this household already has a member number {person_no} (row {first})");
            row.error("person_no", &person_no.to_string(), &why, e);
            continue;
        }
        let (
            Some(full_name),
            Some(sex),
            Some(birth_year),
            Some(ethnicity),
            Some(citizen_id),
            Some(relation),
        ) = (full_name, sex, birth_year, ethnicity, citizen_id, relation)
        else {
            continue;
        };
        let member = Member {
            household,
            person_no,
            full_name,
            sex,
            birth_year,
            ethnicity,
            citizen_id,
            relation,
        };
        out.push((row.at.clone(), member));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

pub fn parse_events(table: &Table) -> Result<Vec<(RowRef, HouseholdEvent)>, Errors> {
    let mut errors = Errors::default();
    if !table.require(&EVENT_COLUMNS, &mut errors) {
        return Err(errors);
    }
    let mut out = Vec::with_capacity(table.len());
    for row in table.rows() {
        let e = &mut errors;
        let year = row.parse("year", e, Year::parse);
        let household = row.parse("household_code", e, HouseholdCode::parse);
        let kind = row.parse("event", e, EventKind::parse);
        let other = row.optional("other_household_code", e, HouseholdCode::parse);
        let (Some(year), Some(household), Some(kind), Some(other)) = (year, household, kind, other)
        else {
            continue;
        };
        match (kind, &other) {
            (EventKind::Split | EventKind::Merge, None) => {
                let why = format!("a {} names the other household", kind.as_str());
                row.error("other_household_code", "", &why, e);
                continue;
            }
            (_, Some(o)) if *o == household => {
                row.error(
                    "other_household_code",
                    o.as_str(),
                    "a household cannot be its own other",
                    e,
                );
                continue;
            }
            _ => {}
        }
        out.push((
            row.at.clone(),
            HouseholdEvent {
                year,
                household,
                kind,
                other,
            },
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
