//! From a user's role and scope to the households they reach (DESIGN.md "Scope"): a unit in force
//! today covers the households whose village lies in it today, with their whole history.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use bamho_domain::units::{Level, Units};
use bamho_domain::{Date, Role};
use bamho_store::Reach;

/// The communes in force on `today` that a province or commune code covers. A province's list is
/// worked out once per day and kept: every request of a province officer needs it.
pub fn communes_of(code: &str, today: Date) -> Option<Vec<String>> {
    type Cache = Mutex<HashMap<(String, Date), Vec<String>>>;
    static PROVINCES: OnceLock<Cache> = OnceLock::new();
    let cache = PROVINCES.get_or_init(Cache::default);
    if let Some(list) = cache
        .lock()
        .ok()
        .and_then(|c| c.get(&(code.to_owned(), today)).cloned())
    {
        return Some(list);
    }
    let units = Units::national();
    if let Some(province) = units.find(Level::Province, code, today) {
        let communes = units
            .children(province)
            .into_iter()
            .filter(|c| units.get(*c).level == Level::Commune && units.get(*c).in_force_on(today))
            .map(|c| units.get(c).code.to_owned())
            .collect::<Vec<_>>();
        if let Ok(mut c) = cache.lock() {
            c.insert((code.to_owned(), today), communes.clone());
        }
        return Some(communes);
    }
    units
        .find(Level::Commune, code, today)
        .map(|_| vec![code.to_owned()])
}

pub fn reach(role: Role, scope: Option<&str>, today: Date) -> Reach {
    match (role, scope) {
        (Role::Supporter, _) => Reach::Households(Vec::new()),
        (Role::VillageHead, Some(village)) => Reach::Village(village.to_owned()),
        (Role::ProvinceAdmin | Role::Viewer, None) => Reach::All,
        (_, Some(code)) => Reach::Communes(communes_of(code, today).unwrap_or_default()),
        (_, None) => Reach::Communes(Vec::new()),
    }
}

/// Whether a scope code suits a role, for `bamho user add`.
pub fn check_scope(role: Role, scope: Option<&str>, today: Date) -> Result<(), String> {
    let units = Units::national();
    match (role, scope) {
        (Role::Supporter, None) | (Role::ProvinceAdmin | Role::Viewer, None) => Ok(()),
        (Role::Supporter, Some(_)) => {
            Err("a supporter has no scope: their households come from assignments".into())
        }
        (Role::ProvinceAdmin, Some(code)) if units.find(Level::Province, code, today).is_some() => {
            Ok(())
        }
        (Role::ProvinceAdmin, Some(code)) => {
            Err(format!("{code} is not a province in force today"))
        }
        (Role::CommuneOfficer, Some(code)) if units.find(Level::Commune, code, today).is_some() => {
            Ok(())
        }
        (Role::CommuneOfficer, _) => {
            Err("a commune officer's scope is a commune in force today".into())
        }
        (Role::VillageHead, Some(code)) if bamho_domain::VillageCode::parse(code).is_ok() => Ok(()),
        (Role::VillageHead, _) => Err("a village head's scope is a village code".into()),
        (Role::Viewer, Some(code)) if communes_of(code, today).is_some() => Ok(()),
        (Role::Viewer, Some(code)) => Err(format!(
            "{code} is not a province or commune in force today"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_province_reaches_its_communes_of_today() {
        let today = Date::parse("2026-01-01").unwrap();
        let Reach::Communes(list) = reach(Role::ProvinceAdmin, Some("51"), today) else {
            panic!()
        };
        assert!(list.contains(&"23365".to_owned()) && !list.contains(&"23362".to_owned()));
        assert_eq!(
            reach(Role::CommuneOfficer, Some("23365"), today),
            Reach::Communes(vec!["23365".into()])
        );
        assert_eq!(
            reach(Role::Supporter, None, today),
            Reach::Households(vec![])
        );
        assert!(
            check_scope(Role::CommuneOfficer, Some("23362"), today).is_err(),
            "Mường Hoong is gone"
        );
        assert!(check_scope(Role::Supporter, Some("23365"), today).is_err());
    }
}
