//! bamho's analytics engine: a review year loaded into columns ([`Snapshot`]), and measures computed
//! as passes over them. Knows the domain, never storage or HTTP.

pub mod af;
pub mod changes;
pub mod fastcsv;
pub mod lasting;
pub mod rates;
pub mod snapshot;

use bamho_domain::{Class, HouseholdYear, Standard, Year};

pub use rates::{Boundaries, Key, Report, rates};
pub use snapshot::Snapshot;

/// Builds a snapshot of `year` from households.csv records, classifying each under `standard`
/// (an input class is never trusted). Records of other years are skipped.
pub fn snapshot_from_records<'a>(
    year: Year,
    standard: &Standard,
    records: impl IntoIterator<Item = &'a HouseholdYear>,
) -> Result<Snapshot, bamho_domain::classify::ClassifyError> {
    let mut snapshot = Snapshot::new(year, &standard.id);
    for r in records.into_iter().filter(|r| r.year == year) {
        let class: Class = r.classify(standard)?.class;
        let village = snapshot.village_id(r.village.as_str(), None);
        snapshot.push(
            r.household.as_str(),
            r.commune,
            village,
            &r.head_ethnicity,
            r.area,
            class,
            r.deprived.mask(),
        );
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests;
