//! The audit trail: append-only, each entry hash-chained to the one before, so that a removed or
//! altered entry shows. Entries name the actor, the action and the record's key — the before and
//! after values stay inside the database, never in logs.

use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_key: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// The hash of an entry chained to `prev`.
pub fn chain(prev: &str, e: &Entry<'_>) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        e.at,
        e.actor,
        e.action,
        e.entity,
        e.entity_key,
        e.before.unwrap_or("\u{0}"),
        e.after.unwrap_or("\u{0}"),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changing_any_field_changes_the_hash() {
        let e = Entry {
            at: "2026-11-29T08:00:00Z",
            actor: "cli",
            action: "import",
            entity: "batch",
            entity_key: "1",
            before: None,
            after: Some("{}"),
        };
        let h = chain(GENESIS, &e);
        assert_eq!(h.len(), 64);
        assert_ne!(
            h,
            chain(
                GENESIS,
                &Entry {
                    actor: "other",
                    ..e.clone()
                }
            )
        );
        assert_ne!(
            h,
            chain(
                GENESIS,
                &Entry {
                    before: Some(""),
                    ..e.clone()
                }
            )
        );
        assert_ne!(h, chain(&h, &e));
    }
}
