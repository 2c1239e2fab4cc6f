//! One synthetic household's life over the review years: its place on the lists, what the reviewers
//! observe, births, splits, moves and merges.

use std::io::{self, Write};
use std::ops::Range;

use bamho_domain::classify::{Assessment, Deprivations};
use bamho_domain::units::{Units, review_day};
use bamho_domain::{Class, Relation, Sex, Standard, Vnd, Year, classify};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::area::Commune;
use crate::calibration as cal;
use crate::people::{IdIssuer, Names, Person};
use crate::write::{HouseholdRow, Writer};

/// Who a new member is.
#[derive(Debug, Clone, Copy)]
struct Who {
    no: u16,
    ethnicity: &'static str,
    sex: Sex,
    birth_year: u16,
    relation: Relation,
}

/// A household's place on the lists, which the simulation moves year to year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Poor,
    NearPoor,
    Out,
}

#[derive(Debug)]
struct Household {
    code: String,
    village: usize,
    ethnicity: &'static str,
    agricultural: bool,
    members: Vec<Person>,
    state: State,
    ever_listed: bool,
}

/// Where a commune's households are recorded in one review year.
#[derive(Debug)]
struct Place {
    province: String,
    commune: String,
    area: &'static str,
}

pub struct Simulator<'y> {
    seed: u64,
    years: &'y [(Year, &'y Standard)],
    names: Names,
    ids: IdIssuer,
    streams: u64,
}

impl std::fmt::Debug for Simulator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

/// An independent random stream per household: SplitMix64 of the seed and the household's number.
fn stream(seed: u64, n: u64) -> Pcg64Mcg {
    let mut z = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Pcg64Mcg::seed_from_u64(z ^ (z >> 31))
}

fn pick<T: Copy>(rng: &mut Pcg64Mcg, list: &[T]) -> T {
    list[rng.random_range(0..list.len())]
}

fn weighted(rng: &mut Pcg64Mcg, items: &[(&'static str, f64)]) -> &'static str {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    items.last().map_or("01", |(i, _)| i)
}

struct Ctx<'c, 'w, 's, W: Write> {
    commune: &'c Commune,
    places: Vec<Place>,
    seq: u32,
    last_in_village: Vec<Option<String>>,
    out: &'w mut Writer<'s, W>,
}

impl<'y> Simulator<'y> {
    pub fn new(seed: u64, years: &'y [(Year, &'y Standard)]) -> Self {
        Self {
            seed,
            years,
            names: Names::default(),
            ids: IdIssuer::new(seed),
            streams: 0,
        }
    }

    /// Simulates the first-year households numbered `range` (global numbers) of one commune.
    pub fn commune<W: Write>(
        &mut self,
        commune: &Commune,
        range: Range<u64>,
        out: &mut Writer<'_, W>,
    ) -> io::Result<()> {
        let units = Units::national();
        let places = self
            .years
            .iter()
            .map(|(year, _)| {
                let unit = units
                    .successor_on(commune.unit, review_day(*year))
                    .unwrap_or(commune.unit);
                let province = units.province_of(unit).map(|p| units.get(p).code);
                Place {
                    province: province.unwrap_or_default().to_owned(),
                    commune: units.get(unit).code.to_owned(),
                    area: units.get(unit).area().as_str(),
                }
            })
            .collect();
        let mut ctx = Ctx {
            commune,
            places,
            seq: 0,
            last_in_village: vec![None; commune.villages.len()],
            out,
        };
        for n in range {
            let mut rng = stream(self.seed, n);
            let household = self.founding(&mut rng, &mut ctx);
            self.live(household, rng, 0, &mut ctx)?;
        }
        Ok(())
    }

    fn next_code<W: Write>(ctx: &mut Ctx<'_, '_, '_, W>) -> String {
        ctx.seq += 1;
        let units = Units::national();
        format!("{}-{:06}", units.get(ctx.commune.unit).code, ctx.seq)
    }

    fn founding<W: Write>(
        &mut self,
        rng: &mut Pcg64Mcg,
        ctx: &mut Ctx<'_, '_, '_, W>,
    ) -> Household {
        let c = ctx.commune;
        let minority = rng.random::<f64>() < c.minority;
        let ethnicity = if minority {
            weighted(rng, c.groups)
        } else {
            "01"
        };
        let risk = if minority {
            1.0
        } else {
            cal::KINH_RELATIVE_RISK
        };
        let u = rng.random::<f64>();
        let state = if u < c.poor * risk {
            State::Poor
        } else if u < (c.poor + c.near_poor) * risk {
            State::NearPoor
        } else {
            State::Out
        };
        let size = if minority {
            pick(rng, &[2, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 7])
        } else {
            pick(rng, &[1, 2, 3, 3, 4, 4, 4, 5])
        };
        let first = self.years[0].0.get();
        let members = self.family(rng, ethnicity, size, first, &c.id_province);
        Household {
            code: Self::next_code(ctx),
            village: rng.random_range(0..c.villages.len()),
            ethnicity,
            agricultural: rng.random::<f64>() < if minority { 0.9 } else { 0.45 },
            members,
            state,
            ever_listed: state != State::Out,
        }
    }

    fn person(&mut self, rng: &mut Pcg64Mcg, who: Who, province: &str) -> Person {
        let Who {
            no,
            ethnicity,
            sex,
            birth_year,
            relation,
        } = who;
        let last_year = self.years.last().map_or(birth_year, |(y, _)| y.get());
        let citizen_id = if last_year.saturating_sub(birth_year) < 14 || rng.random::<f64>() < 0.02
        {
            String::new()
        } else {
            let legacy = birth_year < 1975 && rng.random::<f64>() < 0.08;
            self.ids.issue(province, sex, birth_year, legacy)
        };
        Person {
            no,
            full_name: self.names.full_name(rng, ethnicity, sex),
            sex,
            birth_year,
            ethnicity,
            citizen_id,
            relation,
        }
    }

    fn family(
        &mut self,
        rng: &mut Pcg64Mcg,
        ethnicity: &'static str,
        size: usize,
        year: u16,
        province: &str,
    ) -> Vec<Person> {
        let head_sex = if rng.random::<f64>() < 0.82 {
            Sex::Male
        } else {
            Sex::Female
        };
        let head_born = year - rng.random_range(20..70);
        let mut members = vec![self.person(
            rng,
            Who {
                no: 1,
                ethnicity,
                sex: head_sex,
                birth_year: head_born,
                relation: Relation::Head,
            },
            province,
        )];
        if size >= 2 && rng.random::<f64>() < 0.88 {
            let sex = if head_sex == Sex::Male {
                Sex::Female
            } else {
                Sex::Male
            };
            let born = (head_born + rng.random_range(0..8))
                .saturating_sub(3)
                .min(year - 16);
            members.push(self.person(
                rng,
                Who {
                    no: 2,
                    ethnicity,
                    sex,
                    birth_year: born,
                    relation: Relation::Spouse,
                },
                province,
            ));
        }
        while members.len() < size {
            let no = members.len() as u16 + 1;
            let sex = if rng.random::<bool>() {
                Sex::Male
            } else {
                Sex::Female
            };
            let earliest = head_born + 18;
            let born = if earliest >= year {
                year
            } else {
                rng.random_range(earliest..=year)
            };
            members.push(self.person(
                rng,
                Who {
                    no,
                    ethnicity,
                    sex,
                    birth_year: born,
                    relation: Relation::Child,
                },
                province,
            ));
        }
        members
    }

    fn live<W: Write>(
        &mut self,
        mut h: Household,
        mut rng: Pcg64Mcg,
        start: usize,
        ctx: &mut Ctx<'_, '_, '_, W>,
    ) -> io::Result<()> {
        let mut offspring = Vec::new();
        for yi in start..self.years.len() {
            let (year, standard) = self.years[yi];
            let y = year.get();
            if yi > start {
                let r = rng.random::<f64>();
                if r < cal::MOVE_AWAY {
                    ctx.out.event(y, &h.code, "move", "")?;
                    break;
                }
                if r < cal::MOVE_AWAY + cal::MERGE
                    && let Some(other) = ctx.last_in_village[h.village].clone()
                {
                    ctx.out.event(y, &h.code, "merge", &other)?;
                    break;
                }
                self.transition(&mut rng, &mut h);
                if rng.random::<f64>() < cal::BIRTH {
                    let no = h.members.iter().map(|p| p.no).max().unwrap_or(0) + 1;
                    let sex = if rng.random::<bool>() {
                        Sex::Male
                    } else {
                        Sex::Female
                    };
                    let province = ctx.commune.id_province.clone();
                    let baby = self.person(
                        &mut rng,
                        Who {
                            no,
                            ethnicity: h.ethnicity,
                            sex,
                            birth_year: y,
                            relation: Relation::Child,
                        },
                        &province,
                    );
                    h.members.push(baby);
                }
                if let Some(child) = self.split(&mut rng, &mut h, y, ctx)? {
                    offspring.push((child, yi));
                }
            }
            self.observe(&mut rng, &h, yi, standard, ctx)?;
        }
        ctx.out.members(&h.code, &h.members)?;
        ctx.last_in_village[h.village] = Some(h.code.clone());
        for ((child, rng), yi) in offspring {
            self.live(child, rng, yi, ctx)?;
        }
        Ok(())
    }

    fn transition(&self, rng: &mut Pcg64Mcg, h: &mut Household) {
        let (to_poor, to_near) = match (h.state, h.ever_listed) {
            (State::Poor, _) => cal::FROM_POOR,
            (State::NearPoor, _) => cal::FROM_NEAR_POOR,
            (State::Out, true) => cal::FROM_ESCAPED,
            (State::Out, false) => cal::FROM_NEVER,
        };
        let risk = if h.ethnicity == "01" {
            cal::KINH_RELATIVE_RISK.sqrt()
        } else {
            1.0
        };
        let u = rng.random::<f64>();
        let (to_poor, to_near) = match h.state {
            State::Out => (to_poor * risk, to_near * risk),
            _ => (to_poor, to_near),
        };
        h.state = if u < to_poor {
            State::Poor
        } else if u < to_poor + to_near {
            State::NearPoor
        } else {
            State::Out
        };
        h.ever_listed |= h.state != State::Out;
    }

    /// An adult child leaves to found a household of their own, in the same village.
    fn split<W: Write>(
        &mut self,
        rng: &mut Pcg64Mcg,
        h: &mut Household,
        year: u16,
        ctx: &mut Ctx<'_, '_, '_, W>,
    ) -> io::Result<Option<(Household, Pcg64Mcg)>> {
        if h.members.len() < 4 || rng.random::<f64>() >= cal::SPLIT {
            return Ok(None);
        }
        let Some(at) = h
            .members
            .iter()
            .position(|p| p.relation == Relation::Child && year.saturating_sub(p.birth_year) >= 18)
        else {
            return Ok(None);
        };
        let mut head = h.members.remove(at);
        head.no = 1;
        head.relation = Relation::Head;
        self.streams += 1;
        let mut child_rng = stream(self.seed ^ 0x5EED_5EED, self.streams);
        let mut members = vec![head.clone()];
        if child_rng.random::<f64>() < 0.7 {
            let sex = if head.sex == Sex::Male {
                Sex::Female
            } else {
                Sex::Male
            };
            let born = head.birth_year + child_rng.random_range(0..4);
            let province = ctx.commune.id_province.clone();
            members.push(self.person(
                &mut child_rng,
                Who {
                    no: 2,
                    ethnicity: h.ethnicity,
                    sex,
                    birth_year: born,
                    relation: Relation::Spouse,
                },
                &province,
            ));
        }
        let state = if child_rng.random::<f64>() < 0.6 {
            h.state
        } else {
            State::Out
        };
        let child = Household {
            code: Self::next_code(ctx),
            village: h.village,
            ethnicity: h.ethnicity,
            agricultural: h.agricultural,
            members,
            state,
            ever_listed: state != State::Out,
        };
        ctx.out.event(year, &child.code, "split", &h.code)?;
        Ok(Some((child, child_rng)))
    }

    /// What the reviewers record in year `yi`: figures that agree with the household's state.
    fn observe<W: Write>(
        &mut self,
        rng: &mut Pcg64Mcg,
        h: &Household,
        yi: usize,
        standard: &Standard,
        ctx: &mut Ctx<'_, '_, '_, W>,
    ) -> io::Result<()> {
        let place = &ctx.places[yi];
        let area = bamho_domain::Area::parse(place.area).unwrap_or(bamho_domain::Area::Rural);
        let line = standard.income_line.get(area) / 10_000;
        let band = standard.middle_band.as_ref().map(|b| b.get(area) / 10_000);
        let cutoff = standard.b1_cutoff.as_ref().map(|c| c.get(area));
        let middle = h.state == State::Out
            && h.agricultural
            && band.is_some()
            && rng.random::<f64>() < if h.ethnicity == "01" { 0.2 } else { 0.35 };
        let income = match (h.state, band) {
            (State::Poor | State::NearPoor, _) => rng.random_range(line * 3 / 10..=line),
            (State::Out, Some(band)) if middle => rng.random_range(line + 1..=band),
            (State::Out, Some(band)) if h.agricultural => rng.random_range(band + 1..=band * 2),
            (State::Out, _) => rng.random_range(line + 1..=line * 3),
        } * 10_000;
        let listed = h.state != State::Out;
        let b1 = cutoff.map(|c| {
            let c = c as u16;
            if listed {
                rng.random_range(50..=c)
            } else {
                rng.random_range(c + 1..=c + 150)
            }
        });
        let income_recorded = b1.is_none() || middle || rng.random::<f64>() < cal::INCOME_RECORDED;
        let n = match h.state {
            State::Poor => pick(rng, &[3, 3, 3, 4, 4, 4, 5, 5, 6, 7]),
            State::NearPoor => pick(rng, &[0, 1, 1, 2, 2, 2]),
            State::Out => pick(rng, &[0, 0, 0, 1, 1, 2, 3]),
        };
        let indicators = standard.indicators.len();
        let mask = deprived(rng, n, indicators);
        let assessment = Assessment {
            area,
            agricultural: h.agricultural,
            income_per_capita: income_recorded.then_some(Vnd::new(income)),
            b1_score: b1,
            deprived: Deprivations::from_mask(mask),
        };
        let class = classify(standard, &assessment).map_or(Class::NotPoor, |c| c.class);
        ctx.out.household(&HouseholdRow {
            year: self.years[yi].0.get(),
            code: &h.code,
            province: &place.province,
            commune: &place.commune,
            village: &ctx.commune.villages[h.village].code,
            area: place.area,
            agricultural: h.agricultural,
            ethnicity: h.ethnicity,
            members: h.members.len(),
            income: assessment.income_per_capita.map(Vnd::get),
            b1,
            indicators,
            mask,
            class,
        })
    }
}

/// `n` distinct indicators out of `indicators`, drawn by their relative prevalence.
fn deprived(rng: &mut Pcg64Mcg, n: usize, indicators: usize) -> u16 {
    let mut mask = 0u16;
    let weights = &cal::INDICATOR_WEIGHTS[..indicators.min(cal::INDICATOR_WEIGHTS.len())];
    for _ in 0..n.min(weights.len()) {
        let total: f64 = (0..weights.len())
            .filter(|i| mask & (1 << i) == 0)
            .map(|i| weights[i])
            .sum();
        let mut x = rng.random::<f64>() * total;
        for (i, w) in weights.iter().enumerate() {
            if mask & (1 << i) != 0 {
                continue;
            }
            if x < *w {
                mask |= 1 << i;
                break;
            }
            x -= w;
        }
    }
    mask
}
