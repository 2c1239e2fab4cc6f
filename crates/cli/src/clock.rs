//! The binary's clock: the server's (one place reads the system time). Pure crates never read it:
//! they take the date as a parameter. `BAMHO_TODAY` (YYYY-MM-DD) pins today for reproducible runs.

use bamho_domain::Date;

/// Today, and this moment as an ISO 8601 timestamp (UTC).
pub fn now() -> anyhow::Result<(Date, String)> {
    if let Ok(pinned) = std::env::var("BAMHO_TODAY") {
        Date::parse(&pinned).map_err(|e| anyhow::anyhow!("BAMHO_TODAY={pinned}: {e}"))?;
    }
    Ok((bamho_web::clock::today(), bamho_web::clock::stamp()))
}
