//! Validated values of the registry. Each type has a `parse` constructor and private fields, so an
//! invalid household code, citizen ID or year cannot exist past the edge of the system.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// Why a value was refused, in words an officer can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

fn invalid(msg: impl Into<String>) -> InvalidValue {
    InvalidValue(msg.into())
}

/// bamho's own identifier of a household: `[A-Za-z0-9-]{1,32}`, never reused, never changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct HouseholdCode(String);

impl HouseholdCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let ok = !raw.is_empty()
            && raw.len() <= 32
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(invalid(
                "a household code is 1 to 32 letters, digits or '-'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HouseholdCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A citizen identity number: 12 digits (CCCD), or 9 digits of an older identity card, which is
/// accepted and flagged so that an officer can ask for the new number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CitizenId(String);

impl CitizenId {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let digits = raw.bytes().all(|b| b.is_ascii_digit());
        if digits && (raw.len() == 12 || raw.len() == 9) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(invalid(
                "a citizen ID has 12 digits (or 9 on an old identity card)",
            ))
        }
    }

    /// True for a 9-digit number of an old identity card (CMND).
    pub fn is_legacy(&self) -> bool {
        self.0.len() == 9
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An amount of Vietnamese đồng.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Vnd(u64);

impl Vnd {
    pub const fn new(amount: u64) -> Self {
        Self(amount)
    }

    /// Parses a whole amount written plainly ("1500000") or with dot thousands ("1.500.000").
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let plain: String = raw.trim().chars().filter(|c| *c != '.').collect();
        if plain.is_empty() || !plain.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("an amount in VND is a whole non-negative number"));
        }
        plain
            .parse()
            .map(Self)
            .map_err(|_| invalid("the amount is too large"))
    }

    pub const fn get(self) -> u64 {
        self.0
    }
}

/// A review year (DESIGN.md "Review year"): the year in which a review is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Year(u16);

impl Year {
    pub const MIN: u16 = 2000;
    pub const MAX: u16 = 2100;

    pub fn new(year: u16) -> Result<Self, InvalidValue> {
        if (Self::MIN..=Self::MAX).contains(&year) {
            Ok(Self(year))
        } else {
            Err(invalid(format!(
                "a review year lies between {} and {}",
                Self::MIN,
                Self::MAX
            )))
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        raw.trim()
            .parse::<u16>()
            .map_err(|_| invalid("a year is written with four digits"))
            .and_then(Self::new)
    }

    pub const fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A calendar date. bamho needs only ordering and the ISO form, so it keeps its own small type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, InvalidValue> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(invalid("a month lies between 1 and 12")),
        };
        if day == 0 || day > days {
            return Err(invalid("no such day in that month"));
        }
        Ok(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD` or the Vietnamese `dd/mm/yyyy`.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        // The common form, YYYY-MM-DD exactly, read in place.
        if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *raw.as_bytes() {
            // The eight digits in one word: each byte less '0' is below ten.
            let word = u64::from_le_bytes([y0, y1, y2, y3, m0, m1, d0, d1]);
            let digits = word.wrapping_sub(0x3030_3030_3030_3030);
            let above_nine = digits.wrapping_add(0x7676_7676_7676_7676);
            if (digits | above_nine) & 0x8080_8080_8080_8080 == 0 {
                let [y0, y1, y2, y3, m0, m1, d0, d1] = digits.to_le_bytes().map(u16::from);
                let year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3;
                return Self::new(year, (m0 * 10 + m1) as u8, (d0 * 10 + d1) as u8);
            }
        }
        let raw = raw.trim();
        let bad = || invalid("a date is written YYYY-MM-DD or dd/mm/yyyy");
        let mut parts = raw.split(['-', '/']);
        let (Some(a), Some(b), Some(c), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let (y, m, d) = if raw.contains('/') {
            (c, b, a)
        } else {
            (a, b, c)
        };
        let y = y.parse().map_err(|_| bad())?;
        let m = m.parse().map_err(|_| bad())?;
        let d = d.parse().map_err(|_| bad())?;
        Self::new(y, m, d)
    }

    pub const fn year(self) -> u16 {
        self.year
    }

    /// The day written as the number `yyyymmdd`, taken as it is: for the list of units read when
    /// bamho is built (a test in `units.rs` checks its days against [`Date::parse`]).
    pub(crate) const fn from_number(n: u32) -> Self {
        Self {
            year: (n / 10_000) as u16,
            month: (n / 100 % 100) as u8,
            day: (n % 100) as u8,
        }
    }

    /// The date `days` days after 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
    pub fn from_unix_days(days: i64) -> Result<Self, InvalidValue> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        let y = u16::try_from(y).map_err(|_| invalid("the year is out of range"))?;
        Self::new(y, m as u8, d as u8)
    }

    /// Days since 1970-01-01 (the inverse of [`Date::from_unix_days`]).
    pub fn to_unix_days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` later (or earlier, when negative).
    pub fn add_days(self, days: i64) -> Self {
        Self::from_unix_days(self.to_unix_days() + days).unwrap_or(self)
    }

    /// The same day `months` months later, or the month's last day when it is shorter
    /// (31 January + 1 month = 28 or 29 February).
    pub fn add_months(self, months: u32) -> Self {
        let total = u32::from(self.year) * 12 + u32::from(self.month) - 1 + months;
        let (Ok(year), month) = (u16::try_from(total / 12), (total % 12) as u8 + 1) else {
            return self;
        };
        (1..=self.day)
            .rev()
            .find_map(|day| Self::new(year, month, day).ok())
            .unwrap_or(self)
    }

    /// The Vietnamese written form, dd/mm/yyyy.
    pub fn vi(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// The day before.
    pub fn pred(self) -> Self {
        if self.day > 1 {
            return Self {
                day: self.day - 1,
                ..self
            };
        }
        let (year, month) = if self.month == 1 {
            (self.year - 1, 12)
        } else {
            (self.year, self.month - 1)
        };
        (28..=31)
            .rev()
            .find_map(|day| Self::new(year, month, day).ok())
            .unwrap_or(self)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Rural (xã) or urban (phường, thị trấn): it sets the income line that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Rural,
    Urban,
}

impl Area {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        match raw.trim() {
            "rural" => Ok(Self::Rural),
            "urban" => Ok(Self::Urban),
            _ => Err(invalid("area is 'rural' or 'urban'")),
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Rural => "rural",
            Self::Urban => "urban",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        match raw.trim() {
            "m" => Ok(Self::Male),
            "f" => Ok(Self::Female),
            _ => Err(invalid("sex is 'm' or 'f'")),
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Male => "m",
            Self::Female => "f",
        }
    }
}

/// A member's relation to the head of the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Head,
    Spouse,
    Child,
    Parent,
    Other,
}

impl Relation {
    pub const ALL: [Self; 5] = [
        Self::Head,
        Self::Spouse,
        Self::Child,
        Self::Parent,
        Self::Other,
    ];

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or_else(|| invalid("relation is one of head, spouse, child, parent, other"))
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Head => "head",
            Self::Spouse => "spouse",
            Self::Child => "child",
            Self::Parent => "parent",
            Self::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_added_keeping_the_day_or_the_month_end() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("2024-01-31").add_months(1), d("2024-02-29"));
        assert_eq!(d("2023-11-15").add_months(2), d("2024-01-15"));
        assert_eq!(d("2023-11-15").add_months(0), d("2023-11-15"));
        assert_eq!(d("2022-03-31").add_months(36), d("2025-03-31"));
    }

    #[test]
    fn household_codes_refuse_spaces_and_overlong_values() {
        assert!(HouseholdCode::parse("DG-000123").is_ok());
        assert!(HouseholdCode::parse("DG 1").is_err());
        assert!(HouseholdCode::parse("").is_err());
        assert!(HouseholdCode::parse(&"A".repeat(33)).is_err());
    }

    #[test]
    fn citizen_ids_of_old_cards_are_accepted_and_flagged() {
        assert!(!CitizenId::parse("062190001234").unwrap().is_legacy());
        assert!(CitizenId::parse("233001234").unwrap().is_legacy());
        assert!(CitizenId::parse("0621900012").is_err());
        assert!(CitizenId::parse("06219000123x").is_err());
    }

    #[test]
    fn amounts_accept_dot_thousands() {
        assert_eq!(Vnd::parse("1.500.000").unwrap().get(), 1_500_000);
        assert!(Vnd::parse("1,5 triệu").is_err());
        assert!(Vnd::parse("-3").is_err());
    }

    #[test]
    fn days_can_be_added_across_months_and_years() {
        let d = Date::parse("2026-12-20").unwrap();
        assert_eq!(d.add_days(15).to_string(), "2027-01-04");
        assert_eq!(
            Date::parse("2024-02-20").unwrap().add_days(15).to_string(),
            "2024-03-06"
        );
        assert_eq!(d.add_days(-20).to_string(), "2026-11-30");
        for n in [0, 1, 59, 60, 365, 20_000] {
            assert_eq!(Date::from_unix_days(n).unwrap().to_unix_days(), n);
        }
    }

    #[test]
    fn unix_days_map_to_calendar_dates() {
        assert_eq!(Date::from_unix_days(0).unwrap().to_string(), "1970-01-01");
        assert_eq!(
            Date::from_unix_days(20_635).unwrap().to_string(),
            "2026-07-01"
        );
        assert_eq!(
            Date::from_unix_days(19_782).unwrap().to_string(),
            "2024-02-29"
        );
    }

    #[test]
    fn dates_read_both_iso_and_vietnamese_order() {
        assert_eq!(Date::parse("01/07/2025").unwrap().to_string(), "2025-07-01");
        assert_eq!(Date::parse("2025-07-01").unwrap().vi(), "01/07/2025");
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Date::parse("2025-02-29").is_err());
        for bad in [
            "2025-13-01",
            "2025-00-10",
            "2025-1a-01",
            "2025-07-32",
            "2025/07/01",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Date::parse(" 2025-7-1 ").unwrap().to_string(), "2025-07-01");
    }

    #[test]
    fn every_day_reads_back_as_written_and_a_stray_byte_in_any_digit_is_refused() {
        for days in 0..30_000 {
            let date = Date::from_unix_days(days).unwrap();
            assert_eq!(Date::parse(&date.to_string()).unwrap(), date);
        }
        let good = "2025-07-01";
        for at in [0, 1, 2, 3, 5, 6, 8, 9] {
            // The bytes either side of the digits, a letter and control bytes.
            for stray in ['/', ':', 'a', '\u{7f}', '\0'] {
                let mut bad = good.to_owned();
                bad.replace_range(at..=at, &stray.to_string());
                assert!(Date::parse(&bad).is_err(), "{bad:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn every_day_reads_back_from_how_it_is_written(days in 0i64..60_000) {
            let day = Date::from_unix_days(days).unwrap();
            proptest::prop_assert_eq!(Date::parse(&day.to_string()).unwrap(), day);
            proptest::prop_assert_eq!(Date::parse(&day.vi()).unwrap(), day);
        }
    }
}
