//! The binary's clock. Pure crates never read it: they take the date as a parameter. `BAMHO_TODAY`
//! (YYYY-MM-DD) pins today for reproducible runs.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use bamho_domain::Date;

/// Today, and this moment as an ISO 8601 timestamp (UTC).
pub fn now() -> anyhow::Result<(Date, String)> {
    #[expect(
        clippy::disallowed_methods,
        reason = "the binary is where the clock is read"
    )]
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    let rem = secs % 86_400;
    let stamp = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    );
    let today = match std::env::var("BAMHO_TODAY") {
        Ok(pinned) => Date::parse(&pinned).context("BAMHO_TODAY must be a date YYYY-MM-DD")?,
        Err(_) => {
            Date::new(y as u16, m as u8, d as u8).context("the system clock is out of range")?
        }
    };
    Ok((today, stamp))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_map_to_calendar_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_635), (2026, 7, 1));
        assert_eq!(super::civil_from_days(19_782), (2024, 2, 29));
    }
}
