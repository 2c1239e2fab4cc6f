//! bamho's pure domain: administrative units and their successions, ethnic groups, the registry's
//! validated values, poverty standards as data and classification under them.
//!
//! No I/O, no async, no clock: time is a parameter.

pub mod access;
pub mod classify;
pub mod ethnic;
pub mod recognition;
pub mod registry;
pub mod review;
pub mod standard;
pub mod support;
pub mod types;
pub mod units;

pub use access::Role;
pub use classify::{Assessment, Class, Classification, Deprivations, Lang, classify};
pub use registry::{EventKind, HouseholdEvent, HouseholdYear, Member, VillageCode};
pub use standard::{Standard, Standards};
pub use support::{Catalogue, LoanStatus, LoanTerms};
pub use types::{Area, CitizenId, Date, HouseholdCode, InvalidValue, Relation, Sex, Vnd, Year};
pub use units::{Level, Unit, UnitId, Units};
