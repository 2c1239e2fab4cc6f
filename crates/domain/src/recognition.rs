//! The rules of escaping poverty and of it lasting (DOMAIN.md §1, §3): a household escapes when a
//! decided class is better than the year before's poor or near-poor class; it stays "newly
//! escaped" for three years, which the credit rules rely on; it relapses when a later class is as
//! bad as the one it escaped from.

use std::collections::BTreeMap;

use crate::classify::Class;

/// Years a household counts as newly escaped after the year of its escape [V].
pub const NEWLY_ESCAPED_YEARS: u16 = 3;

/// One escape: the household was `from` in `year - 1` and `to` in `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Escape {
    pub year: u16,
    pub from: Class,
    pub to: Class,
}

/// Where a household stands in a year with respect to an escape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Escaped in `since`; newly escaped up to and including `until`.
    NewlyEscaped { since: u16, until: u16 },
    /// Escaped in `escaped`, fell back in `year`.
    Relapsed { escaped: u16, year: u16 },
}

/// Whether going from `before` to `after` between consecutive decided years is an escape.
pub fn escapes_from(before: Class, after: Class) -> bool {
    matches!(before, Class::Poor | Class::NearPoor) && after.rank() > before.rank()
}

/// Every escape in a household's decided classes by year (consecutive years only).
pub fn escapes(classes: &BTreeMap<u16, Class>) -> Vec<Escape> {
    classes
        .iter()
        .zip(classes.iter().skip(1))
        .filter(|((y0, c0), (y1, c1))| **y1 == **y0 + 1 && escapes_from(**c0, **c1))
        .map(|(_, (year, to))| Escape {
            year: *year,
            from: classes[&(year - 1)],
            to: *to,
        })
        .collect()
}

impl Escape {
    /// Whether `now` is still out of the class escaped from.
    pub fn still_out(&self, now: Class) -> bool {
        now.rank() > self.from.rank()
    }

    /// The first year after the escape whose class is as bad as the one escaped from.
    pub fn relapse(&self, classes: &BTreeMap<u16, Class>) -> Option<u16> {
        classes
            .range(self.year + 1..)
            .find(|(_, c)| !self.still_out(**c))
            .map(|(y, _)| *y)
    }

    /// Still out `k` years later, with no relapse in between: `None` while that year has no
    /// decided class (successes and failures are counted over the same closed windows).
    pub fn lasted(&self, classes: &BTreeMap<u16, Class>, k: u16) -> Option<bool> {
        classes.get(&(self.year + k))?;
        Some(self.relapse(classes).is_none_or(|y| y > self.year + k))
    }
}

/// A household's standing in `year`: newly escaped, relapsed, or neither (`None`). The latest
/// escape up to `year` decides.
pub fn standing(classes: &BTreeMap<u16, Class>, year: u16) -> Option<Standing> {
    let escape = escapes(classes).into_iter().rfind(|e| e.year <= year)?;
    match escape.relapse(classes) {
        Some(r) if r <= year => Some(Standing::Relapsed {
            escaped: escape.year,
            year: r,
        }),
        _ if year <= escape.year + NEWLY_ESCAPED_YEARS => Some(Standing::NewlyEscaped {
            since: escape.year,
            until: escape.year + NEWLY_ESCAPED_YEARS,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Class::{NearPoor, NotPoor, Poor};

    fn history(list: &[(u16, Class)]) -> BTreeMap<u16, Class> {
        list.iter().copied().collect()
    }

    #[test]
    fn an_escape_is_a_better_class_after_poor_or_near_poor() {
        assert!(escapes_from(Poor, NearPoor));
        assert!(escapes_from(Poor, NotPoor));
        assert!(escapes_from(NearPoor, NotPoor));
        assert!(!escapes_from(NearPoor, Poor));
        assert!(!escapes_from(NotPoor, NotPoor));
        assert!(!escapes_from(Poor, Poor));
    }

    #[test]
    fn escapes_need_consecutive_years() {
        let h = history(&[(2022, Poor), (2024, NotPoor)]);
        assert!(escapes(&h).is_empty());
        let h = history(&[(2022, Poor), (2023, NearPoor), (2024, NotPoor)]);
        assert_eq!(
            escapes(&h),
            [
                Escape {
                    year: 2023,
                    from: Poor,
                    to: NearPoor
                },
                Escape {
                    year: 2024,
                    from: NearPoor,
                    to: NotPoor
                }
            ]
        );
    }

    #[test]
    fn a_household_is_newly_escaped_for_three_years_unless_it_relapses() {
        let h = history(&[(2022, Poor), (2023, NotPoor), (2024, NotPoor)]);
        assert_eq!(
            standing(&h, 2026),
            Some(Standing::NewlyEscaped {
                since: 2023,
                until: 2026
            })
        );
        assert_eq!(standing(&h, 2027), None);
        assert_eq!(standing(&h, 2022), None);
        let fell = history(&[
            (2022, Poor),
            (2023, NotPoor),
            (2024, NearPoor),
            (2025, Poor),
        ]);
        assert_eq!(
            standing(&fell, 2025),
            Some(Standing::Relapsed {
                escaped: 2023,
                year: 2025
            }),
            "near-poor is still out of poverty; poor again is a relapse"
        );
        assert_eq!(
            standing(&fell, 2024),
            Some(Standing::NewlyEscaped {
                since: 2023,
                until: 2026
            })
        );
    }

    #[test]
    fn lasting_is_unknown_until_the_year_is_decided() {
        let h = history(&[(2022, Poor), (2023, NearPoor), (2024, NearPoor)]);
        let e = escapes(&h)[0];
        assert_eq!(e.lasted(&h, 1), Some(true));
        assert_eq!(e.lasted(&h, 2), None);
        let back = history(&[
            (2022, NearPoor),
            (2023, NotPoor),
            (2024, NearPoor),
            (2025, NotPoor),
            (2026, NotPoor),
        ]);
        let e = escapes(&back)[0];
        assert_eq!(e.lasted(&back, 1), Some(false));
        assert_eq!(
            e.lasted(&back, 3),
            Some(false),
            "a relapse stays a failure, even out again later"
        );
    }
}
