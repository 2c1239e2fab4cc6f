//! A review year held as columns: one entry per household, dense indices for places and groups,
//! the class as a byte and the deprivations as a bitmask. Every measure is a pass over these.

use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;

use bamho_domain::units::UnitId;
use bamho_domain::{Area, Class, Year};

/// The columns of one review year.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub year: Option<Year>,
    pub standard: String,
    /// The commune recorded at the review.
    pub commune: Vec<UnitId>,
    /// Index into `villages`.
    pub village: Vec<u32>,
    pub villages: Villages,
    /// For each village, the commune it lies in today, where known (from the registry); otherwise
    /// the recorded commune's successor is used.
    pub village_commune_today: Vec<Option<UnitId>>,
    /// Ethnic code as a number, 1 … 54.
    pub ethnicity: Vec<u8>,
    pub area: Vec<Area>,
    pub class: Vec<Class>,
    pub deprived: Vec<u16>,
    /// Each household's identity across years: a hash of its household code.
    pub household: Vec<u64>,
}

/// Village codes numbered in order of first sight, each found again by its code.
#[derive(Debug, Clone, Default)]
pub struct Villages {
    codes: Codes,
    /// Each village's number by the hash of its code (the hash of household codes); a village
    /// whose hash another village's code has taken is found by its code in `overflow`.
    index: FxHashMap<u64, u32>,
    overflow: FxHashMap<String, u32>,
}

impl PartialEq for Villages {
    fn eq(&self, other: &Self) -> bool {
        self.codes == other.codes
    }
}

impl Eq for Villages {}

impl Villages {
    /// The number of the village with this code, and whether it is new (added now).
    pub fn id(&mut self, code: &str) -> (u32, bool) {
        let next = self.codes.len() as u32;
        // One look in the index, which a new village takes at once.
        match self.index.entry(household_key(code.as_bytes())) {
            Entry::Vacant(slot) => {
                slot.insert(next);
            }
            Entry::Occupied(slot) if self.codes.get(*slot.get() as usize) == Some(code) => {
                return (*slot.get(), false);
            }
            Entry::Occupied(_) => match self.overflow.entry(code.to_owned()) {
                Entry::Occupied(slot) => return (*slot.get(), false),
                Entry::Vacant(slot) => {
                    slot.insert(next);
                }
            },
        }
        self.codes.push(code);
        (next, true)
    }

    /// The number of the village with this code, if it has one.
    pub fn find(&self, code: &str) -> Option<u32> {
        match self.index.get(&household_key(code.as_bytes())) {
            Some(&i) if self.codes.get(i as usize) == Some(code) => Some(i),
            Some(_) => self.overflow.get(code).copied(),
            None => None,
        }
    }

    /// The code of village `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.codes.get(i)
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.codes.iter()
    }

    pub fn contains(&self, code: &str) -> bool {
        self.find(code).is_some()
    }
}

/// Codes side by side in one buffer, numbered in the order they were added: a year's villages
/// without an allocation each (up to 4 GB of codes, far beyond any country's villages).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Codes {
    text: String,
    /// Where each code ends in `text`.
    ends: Vec<u32>,
}

impl Codes {
    /// Adds a code, and gives its number.
    pub fn push(&mut self, code: &str) -> u32 {
        self.text.push_str(code);
        self.ends.push(self.text.len() as u32);
        self.ends.len() as u32 - 1
    }

    /// The code numbered `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = i
            .checked_sub(1)
            .map_or(0, |before| self.ends[before] as usize);
        self.text.get(start..end)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// No codes, the room kept.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    pub fn contains(&self, code: &str) -> bool {
        self.iter().any(|c| c == code)
    }
}

impl Snapshot {
    pub fn new(year: Year, standard: &str) -> Self {
        Self {
            year: Some(year),
            standard: standard.to_owned(),
            ..Self::default()
        }
    }

    pub fn len(&self) -> usize {
        self.class.len()
    }

    pub fn is_empty(&self) -> bool {
        self.class.is_empty()
    }

    /// Room for `rows` more households.
    pub fn reserve(&mut self, rows: usize) {
        self.commune.reserve(rows);
        self.village.reserve(rows);
        self.ethnicity.reserve(rows);
        self.area.reserve(rows);
        self.class.reserve(rows);
        self.deprived.reserve(rows);
        self.household.reserve(rows);
    }

    /// No households (the room kept for as many again); the villages stay.
    pub fn clear_rows(&mut self) {
        self.commune.clear();
        self.village.clear();
        self.ethnicity.clear();
        self.area.clear();
        self.class.clear();
        self.deprived.clear();
        self.household.clear();
    }

    /// The index of a village, added on first sight.
    pub fn village_id(&mut self, code: &str, commune_today: Option<UnitId>) -> u32 {
        let (id, new) = self.villages.id(code);
        if new {
            self.village_commune_today.push(commune_today);
        }
        id
    }

    /// Adds one household. `ethnicity` is the code "01" … "54".
    #[expect(clippy::too_many_arguments, reason = "one argument per column")]
    pub fn push(
        &mut self,
        household: &str,
        commune: UnitId,
        village: u32,
        ethnicity: &str,
        area: Area,
        class: Class,
        deprived: u16,
    ) {
        self.household.push(household_key(household.as_bytes()));
        self.commune.push(commune);
        self.village.push(village);
        self.ethnicity.push(ethnicity.parse().unwrap_or(0));
        self.area.push(area);
        self.class.push(class);
        self.deprived.push(deprived);
    }
}

impl Snapshot {
    /// Keeps only the households of the village with this code.
    pub fn retain_village(&mut self, code: &str) {
        let keep = self.villages.find(code);
        let mask: Vec<bool> = self.village.iter().map(|v| Some(*v) == keep).collect();
        fn filter<T>(column: &mut Vec<T>, mask: &[bool]) {
            let mut kept = mask.iter();
            column.retain(|_| kept.next().copied().unwrap_or(false));
        }
        filter(&mut self.commune, &mask);
        filter(&mut self.village, &mask);
        filter(&mut self.ethnicity, &mask);
        filter(&mut self.area, &mask);
        filter(&mut self.class, &mask);
        filter(&mut self.deprived, &mask);
        filter(&mut self.household, &mask);
    }
}

/// A household's identity across snapshots: a 64-bit hash of its code, eight bytes at a time,
/// finished so that every bit depends on every byte (collisions among even millions of codes are
/// vanishingly unlikely, and only blur a transition count).
pub fn household_key(code: &[u8]) -> u64 {
    let mut h = code.len() as u64;
    for chunk in code.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = mix(h, u64::from_le_bytes(word));
    }
    finish(h)
}

/// [`household_key`] of a code of 1 to 16 bytes, given as one number: its bytes, zeros after.
pub(crate) fn household_key_packed(len: usize, packed: u128) -> u64 {
    let mut h = mix(len as u64, packed as u64);
    if len > 8 {
        h = mix(h, (packed >> 64) as u64);
    }
    finish(h)
}

fn mix(h: u64, word: u64) -> u64 {
    (h.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// The finaliser of MurmurHash3.
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_village_whose_hash_another_has_taken_keeps_its_own_index() {
        let mut s = Snapshot::default();
        let a = s.village_id("00001-T01", None);
        // As if "00001-T02" hashed to what "00001-T01" does.
        s.villages.index.insert(household_key(b"00001-T02"), a);
        let b = s.village_id("00001-T02", None);
        assert_ne!(a, b);
        assert_eq!(s.village_id("00001-T02", None), b);
        assert_eq!(s.village_id("00001-T01", None), a);
        assert_eq!(
            s.villages.iter().collect::<Vec<_>>(),
            ["00001-T01", "00001-T02"]
        );
        s.village = vec![a, b, b];
        s.household = vec![1, 2, 3];
        s.retain_village("00001-T02");
        assert_eq!(s.household, [2, 3]);
    }

    #[test]
    fn a_short_code_s_key_is_the_same_from_its_packed_bytes() {
        let code = b"00123-000456-HK9";
        for len in 1..=16 {
            let mut word = [0u8; 16];
            word[..len].copy_from_slice(&code[..len]);
            assert_eq!(
                household_key_packed(len, u128::from_le_bytes(word)),
                household_key(&code[..len]),
                "{len} bytes"
            );
        }
        assert_ne!(household_key(b"H-1"), household_key(b"H-2"));
    }
}
