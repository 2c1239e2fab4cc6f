//! Backend-independent preparation of an import: which villages and households the batch creates,
//! under which of today's communes, and the checks that span files.

use std::collections::{BTreeMap, HashMap, HashSet};

use bamho_domain::Date;
use bamho_domain::units::Units;
use bamho_io::{Batch, Errors, RowError, RowRef};

/// What a batch adds to the registry besides its rows.
#[derive(Debug, Default)]
pub struct Plan<'b> {
    /// Village code → the commune it lies in today.
    pub villages: BTreeMap<&'b str, String>,
    /// Household code → its village in the latest year of the batch.
    pub households: BTreeMap<&'b str, &'b str>,
}

pub fn plan<'b>(batch: &'b Batch, today: Date) -> Result<Plan<'b>, Errors> {
    let units = Units::national();
    let mut errors = Errors::default();
    let mut plan = Plan::default();
    let mut latest: HashMap<&str, (u16, &RowRef)> = HashMap::new();
    let mut village_seen: HashMap<&str, &RowRef> = HashMap::new();
    for (at, r) in &batch.households {
        let commune_today = units.successor_on(r.commune, today).map_or_else(
            || units.get(r.commune).code.to_owned(),
            |c| units.get(c).code.to_owned(),
        );
        let village = r.village.as_str();
        match plan.villages.get(village) {
            Some(existing) if *existing != commune_today => {
                let first = village_seen.get(village).map_or(0, |a| a.row);
                let why = format!(
                    "this village lies in commune {existing} today by row {first}, but in \
                     {commune_today} by this row: one village code names one village"
                );
                errors.push(RowError::at(at, "village_code", village, why));
            }
            Some(_) => {}
            None => {
                plan.villages.insert(village, commune_today.to_owned());
                village_seen.insert(village, at);
            }
        }
        let year = r.year.get();
        let code = r.household.as_str();
        if latest.get(code).is_none_or(|(y, _)| *y < year) {
            latest.insert(code, (year, at));
            plan.households.insert(code, village);
        }
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(errors)
    }
}

/// Members and events must name households the batch or the database holds.
pub fn check_references(batch: &Batch, in_database: &HashSet<String>) -> Errors {
    let in_batch: HashSet<&str> = batch
        .households
        .iter()
        .map(|(_, r)| r.household.as_str())
        .collect();
    let known = |code: &str| in_batch.contains(code) || in_database.contains(code);
    let mut errors = Errors::default();
    let unknown = "no such household in this import or in the database";
    for (at, m) in &batch.members {
        if !known(m.household.as_str()) {
            errors.push(RowError::at(
                at,
                "household_code",
                m.household.as_str(),
                unknown,
            ));
        }
    }
    for (at, e) in &batch.events {
        if !known(e.household.as_str()) {
            errors.push(RowError::at(
                at,
                "household_code",
                e.household.as_str(),
                unknown,
            ));
        }
        if let Some(other) = &e.other
            && !known(other.as_str())
        {
            errors.push(RowError::at(
                at,
                "other_household_code",
                other.as_str(),
                unknown,
            ));
        }
    }
    errors
}

/// Household codes that members and events name but the batch's households do not.
pub fn outside_codes(batch: &Batch) -> Vec<String> {
    let in_batch: HashSet<&str> = batch
        .households
        .iter()
        .map(|(_, r)| r.household.as_str())
        .collect();
    let mut out: HashSet<&str> = HashSet::new();
    let named = batch
        .members
        .iter()
        .map(|(_, m)| m.household.as_str())
        .chain(batch.events.iter().map(|(_, e)| e.household.as_str()))
        .chain(
            batch
                .events
                .iter()
                .filter_map(|(_, e)| e.other.as_ref().map(|o| o.as_str())),
        );
    for code in named {
        if !in_batch.contains(code) {
            out.insert(code);
        }
    }
    let mut out: Vec<String> = out.into_iter().map(str::to_owned).collect();
    out.sort();
    out
}
