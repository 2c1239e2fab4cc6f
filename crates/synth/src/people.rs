//! Invented members of synthetic households: names in the local naming customs, ages, citizen IDs.

use bamho_domain::{Relation, Sex};
use rand::Rng;
use rand_pcg::Pcg64Mcg;

fn pool(text: &'static str) -> Vec<&'static str> {
    text.lines().filter(|l| !l.is_empty()).collect()
}

/// The name pools, read once per run.
#[derive(Debug)]
pub struct Names {
    kinh_surnames: Vec<&'static str>,
    kinh_m: Vec<&'static str>,
    kinh_f: Vec<&'static str>,
    highland: Vec<&'static str>,
    northern: Vec<&'static str>,
}

impl Default for Names {
    fn default() -> Self {
        Self {
            kinh_surnames: pool(include_str!("../data/kinh_surnames.txt")),
            kinh_m: pool(include_str!("../data/kinh_given_m.txt")),
            kinh_f: pool(include_str!("../data/kinh_given_f.txt")),
            highland: pool(include_str!("../data/highland_given.txt")),
            northern: pool(include_str!("../data/northern_surnames.txt")),
        }
    }
}

fn pick<'a>(rng: &mut Pcg64Mcg, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// Groups whose people in the Central Highlands are named "A …" (men) and "Y …" (women).
const HIGHLAND_GROUPS: [&str; 8] = ["29", "16", "12", "10", "11", "15", "20", "18"];

impl Names {
    pub fn full_name(&self, rng: &mut Pcg64Mcg, ethnicity: &str, sex: Sex) -> String {
        let male = sex == Sex::Male;
        if HIGHLAND_GROUPS.contains(&ethnicity) {
            let prefix = if male { "A" } else { "Y" };
            return format!("{prefix} {}", pick(rng, &self.highland));
        }
        let surname = if ethnicity == "01" || ethnicity == "06" || ethnicity == "05" {
            pick(rng, &self.kinh_surnames)
        } else {
            pick(rng, &self.northern)
        };
        let (middle, given) = if male {
            ("Văn", pick(rng, &self.kinh_m))
        } else {
            ("Thị", pick(rng, &self.kinh_f))
        };
        format!("{surname} {middle} {given}")
    }
}

#[derive(Debug, Clone)]
pub struct Person {
    pub no: u16,
    pub full_name: String,
    pub sex: Sex,
    pub birth_year: u16,
    pub ethnicity: &'static str,
    pub citizen_id: String,
    pub relation: Relation,
}

/// Issues unique citizen IDs: 3 digits of the registering province, 1 of sex and century, 2 of the
/// birth year, 6 from a running serial spread by an odd multiplier (unique within 10⁶ people of a
/// run, which is all a demo needs).
#[derive(Debug)]
pub struct IdIssuer {
    serial: u64,
    offset: u64,
}

impl IdIssuer {
    pub fn new(seed: u64) -> Self {
        Self {
            serial: 0,
            offset: seed % 1_000_000,
        }
    }

    pub fn issue(&mut self, province: &str, sex: Sex, birth_year: u16, legacy: bool) -> String {
        self.serial += 1;
        let tail = (self.serial * 7_919 + self.offset) % 1_000_000;
        if legacy {
            // Old identity cards (CMND): 9 digits, beginning with a province digit pair.
            return format!(
                "{:0>2}{:07}",
                &province[province.len().saturating_sub(2)..],
                tail
            );
        }
        let century = u16::from(birth_year >= 2000) * 2 + u16::from(sex == Sex::Female);
        format!("0{province:0>2}{century}{:02}{tail:06}", birth_year % 100)
    }
}
