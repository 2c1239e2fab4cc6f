//! The server's clock, read in one place. `BAMHO_TODAY` pins the date (for demos and tests).

use std::time::{SystemTime, UNIX_EPOCH};

use bamho_domain::Date;

/// Seconds since 1970-01-01 UTC.
pub fn unix_now() -> i64 {
    #[expect(
        clippy::disallowed_methods,
        reason = "the one place the server reads the clock"
    )]
    let now = SystemTime::now();
    now.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Today, unless `BAMHO_TODAY` pins it.
pub fn today() -> Date {
    std::env::var("BAMHO_TODAY")
        .ok()
        .and_then(|d| Date::parse(&d).ok())
        .or_else(|| Date::from_unix_days(unix_now().div_euclid(86_400)).ok())
        .unwrap_or_else(|| unreachable!("the clock reads a date after 1970"))
}

/// This moment, ISO 8601 UTC.
pub fn stamp() -> String {
    let secs = unix_now();
    let rem = secs.rem_euclid(86_400);
    let day = Date::from_unix_days(secs.div_euclid(86_400))
        .map_or_else(|_| "?".into(), |d| d.to_string());
    format!(
        "{day}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}
