//! The registry's records, as validated at the edge: a household's review of one year, its members,
//! and the events that change households (splits, merges, moves).

use serde::Serialize;

use crate::classify::{Assessment, Classification, ClassifyError, Deprivations, classify};
use crate::standard::Standard;
use crate::types::{Area, CitizenId, HouseholdCode, InvalidValue, Relation, Sex, Vnd, Year};
use crate::units::UnitId;

/// bamho's own stable identifier of a village (thôn): villages have no national code, and the
/// identifier does not change when the commune above the village does.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct VillageCode(String);

impl VillageCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        HouseholdCode::parse(raw)
            .map(|c| Self(c.as_str().to_owned()))
            .map_err(|_| InvalidValue("a village code is 1 to 32 letters, digits or '-'".into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What was recorded about a household in the review of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdYear {
    pub year: Year,
    pub household: HouseholdCode,
    /// The commune in force at that review, as recorded.
    pub commune: UnitId,
    pub village: VillageCode,
    pub area: Area,
    pub agricultural: bool,
    /// Ethnic group code of the head, "01" … "54".
    pub head_ethnicity: String,
    pub members: u8,
    pub income_per_capita: Option<Vnd>,
    pub b1_score: Option<u16>,
    pub deprived: Deprivations,
    /// The standard that governs the year, by id.
    pub standard: String,
}

impl HouseholdYear {
    pub fn assessment(&self) -> Assessment {
        Assessment {
            area: self.area,
            agricultural: self.agricultural,
            income_per_capita: self.income_per_capita,
            b1_score: self.b1_score,
            deprived: self.deprived,
        }
    }

    pub fn classify(&self, standard: &Standard) -> Result<Classification, ClassifyError> {
        classify(standard, &self.assessment())
    }
}

/// A member of a household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub household: HouseholdCode,
    pub person_no: u16,
    /// Unicode NFC.
    pub full_name: String,
    pub sex: Sex,
    pub birth_year: u16,
    pub ethnicity: String,
    pub citizen_id: Option<CitizenId>,
    pub relation: Relation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The household split off from the other household.
    Split,
    /// The household merged into the other household and ends.
    Merge,
    /// The household moved away (the other household is empty) and ends in this registry.
    Move,
}

impl EventKind {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        match raw.trim() {
            "split" => Ok(Self::Split),
            "merge" => Ok(Self::Merge),
            "move" => Ok(Self::Move),
            _ => Err(InvalidValue(
                "an event is 'split', 'merge' or 'move'".into(),
            )),
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Split => "split",
            Self::Merge => "merge",
            Self::Move => "move",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdEvent {
    pub year: Year,
    pub household: HouseholdCode,
    pub kind: EventKind,
    pub other: Option<HouseholdCode>,
}
