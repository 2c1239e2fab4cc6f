//! The figures synthetic households are calibrated on (DOMAIN.md §9). These shape invented data only;
//! no rule of the standard lives here.

/// Former Đăk Glei, 2022: 34.49% of households poor under the 2022–2025 standard.
pub const DAK_GLEI_POOR_2022: f64 = 0.3449;
/// Near-poor share assumed for the district (not published with the poor rate) [U].
pub const DAK_GLEI_NEAR_POOR_2022: f64 = 0.085;

/// One row per old commune of district 610: (code, share of households, Kinh share, poverty factor
/// relative to the district). Shares sum to 1; the town is mostly Kinh and least poor; the remote
/// communes bordering Laos are the poorest. Invented, but with the district's totals.
pub const DAK_GLEI_COMMUNES: [(&str, f64, f64, f64); 12] = [
    ("23341", 0.160, 0.47, 0.40),
    ("23344", 0.070, 0.05, 1.10),
    ("23347", 0.065, 0.05, 1.15),
    ("23350", 0.070, 0.06, 1.10),
    ("23353", 0.095, 0.10, 0.95),
    ("23356", 0.080, 0.07, 1.05),
    ("23359", 0.065, 0.04, 1.20),
    ("23362", 0.085, 0.05, 1.20),
    ("23365", 0.075, 0.04, 1.30),
    ("23368", 0.080, 0.06, 1.05),
    ("23371", 0.080, 0.06, 1.05),
    ("23374", 0.075, 0.06, 1.00),
];

/// Minority groups of the district and their shares among minority households: mostly Giẻ-Triêng
/// (29) and Xơ-đăng (16).
pub const DAK_GLEI_MINORITIES: [(&str, f64); 6] = [
    ("29", 0.56),
    ("16", 0.36),
    ("12", 0.03),
    ("04", 0.02),
    ("02", 0.015),
    ("03", 0.015),
];

/// Regions for a national run: poor and near-poor rates (Vietnam 2022: 4.03% + 3.49%; Northern
/// mountains 21.92% poor+near-poor; Central Highlands 15.39%), minority share and groups.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    pub poor: f64,
    pub near_poor: f64,
    pub minority: f64,
    pub groups: &'static [(&'static str, f64)],
}

pub const NORTHERN_MOUNTAINS: Region = Region {
    poor: 0.125,
    near_poor: 0.094,
    minority: 0.55,
    groups: &[
        ("02", 0.25),
        ("03", 0.22),
        ("08", 0.18),
        ("04", 0.12),
        ("07", 0.12),
        ("09", 0.11),
    ],
};
pub const CENTRAL_HIGHLANDS: Region = Region {
    poor: 0.085,
    near_poor: 0.069,
    minority: 0.35,
    groups: &[
        ("10", 0.3),
        ("11", 0.25),
        ("12", 0.15),
        ("16", 0.1),
        ("15", 0.1),
        ("20", 0.1),
    ],
};
pub const ELSEWHERE: Region = Region {
    poor: 0.022,
    near_poor: 0.025,
    minority: 0.05,
    groups: &[("05", 0.5), ("06", 0.3), ("14", 0.2)],
};

/// Old province codes of the Northern midlands and mountains and of the Central Highlands.
pub const NORTHERN_PROVINCES: [&str; 14] = [
    "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "24", "25",
];
pub const HIGHLAND_PROVINCES: [&str; 5] = ["62", "64", "66", "67", "68"];

/// Poverty of Kinh households relative to minority households in the same commune.
pub const KINH_RELATIVE_RISK: f64 = 0.22;

/// Year-to-year transitions by class: (to poor, to near-poor); the rest leave both lists.
pub const FROM_POOR: (f64, f64) = (0.80, 0.11);
pub const FROM_NEAR_POOR: (f64, f64) = (0.07, 0.62);
/// Households outside the lists that were poor or near-poor before fall back (relapse) …
pub const FROM_ESCAPED: (f64, f64) = (0.045, 0.05);
/// … more often than those that never were (newly poor).
pub const FROM_NEVER: (f64, f64) = (0.022, 0.03);

/// Demographic events per household and year.
pub const SPLIT: f64 = 0.015;
pub const MOVE_AWAY: f64 = 0.004;
pub const MERGE: f64 = 0.002;
pub const BIRTH: f64 = 0.06;

/// Indicators' relative prevalence among deprived households, in the standards' order d01…d13.
pub const INDICATOR_WEIGHTS: [f64; 13] = [
    0.5, 0.6, 0.7, 0.15, 0.8, 0.35, 0.9, 0.6, 0.8, 1.0, 0.3, 0.45, 0.8,
];

/// Share of review rows that record a direct income estimate beside the B1 score.
pub const INCOME_RECORDED: f64 = 0.7;
