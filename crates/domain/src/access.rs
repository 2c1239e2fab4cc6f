//! Roles (DESIGN.md "Who sees names"): each user has one role and one scope.

use serde::Serialize;

use crate::types::InvalidValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A province's officer (scope: a province in force today; none: the whole nation).
    ProvinceAdmin,
    /// A commune's poverty-reduction officer (scope: a commune in force today).
    CommuneOfficer,
    /// A village head (scope: a village code).
    VillageHead,
    /// A supporter: the households assigned to them.
    Supporter,
    /// Analysts and observers: aggregates only, never names or citizen IDs.
    Viewer,
}

impl Role {
    pub const ALL: [Self; 5] = [
        Self::ProvinceAdmin,
        Self::CommuneOfficer,
        Self::VillageHead,
        Self::Supporter,
        Self::Viewer,
    ];

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or_else(|| {
                InvalidValue(
                "a role is one of province_admin, commune_officer, village_head, supporter, viewer"
                    .into(),
            )
            })
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ProvinceAdmin => "province_admin",
            Self::CommuneOfficer => "commune_officer",
            Self::VillageHead => "village_head",
            Self::Supporter => "supporter",
            Self::Viewer => "viewer",
        }
    }

    /// Whether the role may read names, citizen IDs and a household's details.
    pub const fn sees_names(self) -> bool {
        !matches!(self, Self::Viewer)
    }

    pub const fn name_vi(self) -> &'static str {
        match self {
            Self::ProvinceAdmin => "Cán bộ tỉnh",
            Self::CommuneOfficer => "Cán bộ giảm nghèo xã",
            Self::VillageHead => "Trưởng thôn",
            Self::Supporter => "Người giúp đỡ hộ",
            Self::Viewer => "Người xem số liệu",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            Self::ProvinceAdmin => "Province officer",
            Self::CommuneOfficer => "Commune officer",
            Self::VillageHead => "Village head",
            Self::Supporter => "Supporter",
            Self::Viewer => "Viewer",
        }
    }
}
