//! The calendar of the annual review (Decision 24/2021/QĐ-TTg, Art. 4–5): the periodic review runs
//! from 1 September to 14 December; a household's request for a regular review (form 04) is decided
//! within 15 days. Dates outside are warned about and recorded, never refused.

use crate::types::{Date, Year};

/// Days within which a regular review is decided.
pub const REGULAR_REVIEW_DAYS: i64 = 15;

/// The periodic review's window for a year: 1 September to 14 December.
pub fn periodic_window(year: Year) -> (Date, Date) {
    let y = year.get();
    let day = |m, d| Date::new(y, m, d).unwrap_or_else(|_| unreachable!("fixed dates exist"));
    (day(9, 1), day(12, 14))
}

/// Whether `day` falls inside the periodic review's window of its year.
pub fn in_periodic_window(year: Year, day: Date) -> bool {
    let (from, to) = periodic_window(year);
    from <= day && day <= to
}

/// When a request is due: 15 days after receipt for a regular review (form 04); the window's end
/// for a request in the periodic review (form 01).
pub fn request_due(form: &str, year: Year, received: Date) -> Date {
    match form {
        "form01" => periodic_window(year).1.max(received),
        _ => received.add_days(REGULAR_REVIEW_DAYS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_runs_from_september_to_mid_december() {
        let y = Year::new(2026).unwrap();
        assert!(in_periodic_window(y, Date::parse("2026-09-01").unwrap()));
        assert!(in_periodic_window(y, Date::parse("2026-12-14").unwrap()));
        assert!(!in_periodic_window(y, Date::parse("2026-12-15").unwrap()));
        assert!(!in_periodic_window(y, Date::parse("2026-08-31").unwrap()));
    }

    #[test]
    fn a_regular_review_is_due_fifteen_days_after_the_request() {
        let y = Year::new(2026).unwrap();
        let received = Date::parse("2026-03-20").unwrap();
        assert_eq!(request_due("form04", y, received).to_string(), "2026-04-04");
        assert_eq!(request_due("form01", y, received).to_string(), "2026-12-14");
    }
}
