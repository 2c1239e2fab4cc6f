//! households.csv: one row per household and review year (DESIGN.md "households.csv").
//!
//! Each row is checked against the reference data of its year: the commune must be in force at that
//! review and lie in the province given; the area, when given, must agree with the commune's; the
//! deprivation columns are those of the year's standard; a household appears at most once a year.

use std::collections::HashMap;

use bamho_domain::ethnic::EthnicGroups;
use bamho_domain::units::{Level, UnitId, Units, review_day};
use bamho_domain::{
    Area, Deprivations, HouseholdCode, HouseholdYear, Standard, Standards, VillageCode, Vnd, Year,
};

use crate::errors::{Errors, RowRef};
use crate::table::{Row, Table, flag, number};

/// households.csv's columns before the d-columns, in the order bamho writes them (DESIGN.md).
pub const COLUMNS: [&str; 11] = [
    "year",
    "household_code",
    "province_code",
    "commune_code",
    "village_code",
    "area",
    "agricultural",
    "head_ethnicity",
    "members",
    "income_per_capita",
    "b1_score",
];

/// Columns every households.csv has; `area` and `class` may be absent, the d-columns follow the
/// standards of the years present.
pub const REQUIRED: [&str; 10] = [
    "year",
    "household_code",
    "province_code",
    "commune_code",
    "village_code",
    "agricultural",
    "head_ethnicity",
    "members",
    "income_per_capita",
    "b1_score",
];

/// Resolves (commune code, year) to the unit in force at that review, once per pair.
#[derive(Debug, Default)]
struct CommuneCache(HashMap<(String, u16), Option<(UnitId, &'static str)>>);

impl CommuneCache {
    fn get(&mut self, code: &str, year: Year) -> Option<(UnitId, &'static str)> {
        *self
            .0
            .entry((code.to_owned(), year.get()))
            .or_insert_with(|| {
                let units = Units::national();
                let unit = units.find(Level::Commune, code, review_day(year))?;
                let province = units.province_of(unit).map(|p| units.get(p).code)?;
                Some((unit, province))
            })
    }
}

/// Parses every row; with `only_year`, rows of other years are skipped unchecked.
pub fn parse(
    table: &Table,
    only_year: Option<Year>,
) -> Result<Vec<(RowRef, HouseholdYear)>, Errors> {
    let mut errors = Errors::default();
    if !table.require(&REQUIRED, &mut errors) {
        return Err(errors);
    }
    let mut communes = CommuneCache::default();
    let mut seen: HashMap<(u16, String), u64> = HashMap::new();
    let mut missing_columns: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(table.len());
    for row in table.rows() {
        let Some(year) = row.parse("year", &mut errors, Year::parse) else {
            continue;
        };
        if only_year.is_some_and(|y| y != year) {
            continue;
        }
        let Some(standard) = Standards::embedded().for_year(year) else {
            row.error(
                "year",
                &year.to_string(),
                "no poverty standard governs this year",
                &mut errors,
            );
            continue;
        };
        for ind in &standard.indicators {
            if !table.has(&ind.code) && !missing_columns.contains(&ind.code) {
                missing_columns.push(ind.code.clone());
                let at = RowRef {
                    file: table.file.clone(),
                    row: 1,
                };
                let why = format!(
                    "this column is missing; the {} standard has it",
                    standard.id
                );
                errors.push(crate::errors::RowError::at(&at, &ind.code, "", why));
            }
        }
        if let Some(record) = parse_row(&row, year, standard, &mut communes, &mut errors) {
            let key = (year.get(), record.household.as_str().to_owned());
            if let Some(first) = seen.insert(key, row.at.row) {
                let why = format!("this household already has a row for {year} (row {first})");
                row.error(
                    "household_code",
                    record.household.as_str(),
                    &why,
                    &mut errors,
                );
                continue;
            }
            out.push((row.at.clone(), record));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn parse_row(
    row: &Row<'_>,
    year: Year,
    standard: &Standard,
    communes: &mut CommuneCache,
    errors: &mut Errors,
) -> Option<HouseholdYear> {
    let household = row.parse("household_code", errors, HouseholdCode::parse);
    let commune = commune(row, year, communes, errors);
    let village = row.parse("village_code", errors, VillageCode::parse);
    let area = row.optional("area", errors, Area::parse);
    let agricultural = row.parse("agricultural", errors, flag);
    let ethnicity = row.parse("head_ethnicity", errors, |t| {
        EthnicGroups::national()
            .by_code(t)
            .map(|g| g.code.clone())
            .ok_or("not an ethnic group code (01 to 54)")
    });
    let members = row.parse("members", errors, number(1u8..=99));
    let income = row.optional("income_per_capita", errors, Vnd::parse);
    let b1 = row.optional("b1_score", errors, number(0u16..=999));
    let deprived = deprivations(row, standard, errors);
    let (unit, unit_area) = commune?;
    let area = match area? {
        Some(given) if given != unit_area => {
            let why = format!(
                "the commune is {} at the {year} review, so the area is {}",
                Units::national().get(unit).full_name(),
                unit_area.as_str()
            );
            row.error("area", given.as_str(), &why, errors);
            return None;
        }
        _ => unit_area,
    };
    let (income, b1) = (income?, b1?);
    if income.is_none() && b1.is_none() {
        row.error(
            "income_per_capita",
            "",
            "give the income per person or the B1 score",
            errors,
        );
        return None;
    }
    if income.is_none() && standard.b1_cutoff.is_none() {
        let why = format!(
            "the {} standard has no confirmed B1 cut-off: give the income",
            standard.id
        );
        row.error("income_per_capita", "", &why, errors);
        return None;
    }
    Some(HouseholdYear {
        year,
        household: household?,
        commune: unit,
        village: village?,
        area,
        agricultural: agricultural?,
        head_ethnicity: ethnicity?,
        members: members?,
        income_per_capita: income,
        b1_score: b1,
        deprived: deprived?,
        standard: standard.id.clone(),
    })
}

fn commune(
    row: &Row<'_>,
    year: Year,
    communes: &mut CommuneCache,
    errors: &mut Errors,
) -> Option<(UnitId, Area)> {
    let province = row.parse("province_code", errors, |t| Ok::<_, String>(t.to_owned()))?;
    let code = row.parse("commune_code", errors, |t| Ok::<_, String>(t.to_owned()))?;
    let Some((unit, unit_province)) = communes.get(&code, year) else {
        let units = Units::national();
        let why = match units.all_with_code(Level::Commune, &code) {
            [] => "no commune has this code".to_owned(),
            _ => format!("this commune code is not in force at the {year} review (1 September)"),
        };
        row.error("commune_code", &code, &why, errors);
        return None;
    };
    if unit_province != province {
        let why = format!("the commune lies in province {unit_province} at the {year} review");
        row.error("province_code", &province, &why, errors);
        return None;
    }
    Some((unit, Units::national().get(unit).area()))
}

fn deprivations(row: &Row<'_>, standard: &Standard, errors: &mut Errors) -> Option<Deprivations> {
    let mut mask = Deprivations::default();
    let mut ok = true;
    for (i, ind) in standard.indicators.iter().enumerate() {
        if !row.has(&ind.code) {
            ok = false; // reported once against the header
            continue;
        }
        match row.parse(&ind.code, errors, flag) {
            Some(true) => mask = mask.with(i),
            Some(false) => {}
            None => ok = false,
        }
    }
    for extra in standard.indicators.len() + 1..=16 {
        let column = format!("d{extra:02}");
        if let Some(text) = row.text(&column, errors)
            && !text.is_empty()
        {
            let why = format!(
                "the {} standard has no indicator {column}: leave it empty",
                standard.id
            );
            row.error(&column, text, &why, errors);
            ok = false;
        }
    }
    ok.then_some(mask)
}

#[cfg(test)]
mod tests;
