//! The demo district's follow-up, 2022 to today: supporters of the party cell and the unions
//! assigned to poor and near-poor households, their visits, pairings with better-off households,
//! study tours, support from the programmes, bank loans with repayments, causes of poverty.
//!
//! Invented, seeded and deterministic for a given "today". A household is followed from the
//! January after a decision finds it poor or near-poor until the December of the decision that
//! finds it out; about one in seven is never assigned, and households newly poor in the last
//! decided year wait for an officer — the gap the "unassigned" list shows.

use std::collections::{BTreeMap, HashMap};

use bamho_domain::units::Units;
use bamho_domain::{Class, Date, Sex, Standards, Vnd};
use bamho_io::Batch;
use bamho_store::{
    ActivityRow, BatchVisit, FollowUpBatch, NewLoan, NewSupport, NewSupporter, NewTour,
    NewTwinning, RepaymentRow,
};
use bamho_synth::Names;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// The last year whose review is decided in the demo.
const LAST_DECIDED: u16 = 2025;
const FIRST: u16 = 2022;

struct Household {
    code: String,
    commune: String,
    village: String,
    ethnicity: String,
    /// Decided class by review year.
    classes: BTreeMap<u16, Class>,
}

fn needy(c: Option<&Class>) -> bool {
    matches!(c, Some(Class::Poor | Class::NearPoor))
}

#[expect(
    clippy::expect_used,
    reason = "every year has months 1–12 with days 1–28"
)]
fn date(y: u16, m: u8, d: u8) -> Date {
    Date::new(y, m.clamp(1, 12), d.clamp(1, 28)).expect("a day that exists")
}

fn pick<'a, T>(rng: &mut Pcg64Mcg, list: &'a [T]) -> &'a T {
    &list[rng.random_range(0..list.len())]
}

/// Picks by weight: `(weight, value)`.
fn weighted<'a, T>(rng: &mut Pcg64Mcg, list: &'a [(u32, T)]) -> &'a T {
    let total: u32 = list.iter().map(|(w, _)| w).sum();
    let mut x = rng.random_range(0..total);
    for (w, v) in list {
        if x < *w {
            return v;
        }
        x -= w;
    }
    &list[list.len() - 1].1
}

const ORGANISATIONS: [(u32, &str); 6] = [
    (30, "party"),
    (25, "womens_union"),
    (20, "farmers_association"),
    (10, "youth_union"),
    (10, "veterans_association"),
    (5, "other"),
];

const CAUSES: [(u32, &str); 8] = [
    (30, "no_capital"),
    (15, "no_land"),
    (20, "no_knowhow"),
    (10, "no_skills"),
    (8, "no_labour"),
    (8, "illness"),
    (7, "no_tools"),
    (2, "other"),
];

const FOUND: [&str; 10] = [
    "Nhà dột mái, chưa có nhà vệ sinh",
    "Bò khỏe, đang chuẩn bị sinh",
    "Lúa rẫy mất mùa do hạn",
    "Chồng đi làm thuê ở xã khác, vợ ở nhà chăm con",
    "Cà phê ra hoa tốt, chưa có vốn mua phân",
    "Con lớn bỏ học để đi làm",
    "Gia đình đã trồng thêm 200 cây sâm",
    "Heo bị bệnh, đã tiêm phòng lại",
    "Chưa có nước sạch, dùng nước suối",
    "Chủ hộ ốm, chưa đi khám",
];
const ADVISED: [&str; 8] = [
    "Vay vốn Ngân hàng Chính sách xã hội để mua bò",
    "Cho con đi học lại, xin hỗ trợ học phí",
    "Tham gia tổ hợp tác trồng sâm",
    "Làm chuồng trại xa nhà",
    "Đăng ký học nghề sửa xe máy",
    "Đi khám bằng thẻ bảo hiểm y tế",
    "Trồng xen cây ăn quả trong vườn cà phê",
    "Tiết kiệm chi tiêu, gửi tổ tiết kiệm",
];
const NEXT_STEPS: [&str; 6] = [
    "Làm hồ sơ vay vốn",
    "Dọn đất trồng cây giống",
    "Sửa mái nhà trước mùa mưa",
    "Đưa con đến trường",
    "Tiêm phòng cho đàn heo",
    "Đi khám tại trạm y tế xã",
];
const COMMITMENTS: [&str; 5] = [
    "Cho mượn bò cái, chia bê đầu tiên",
    "Hướng dẫn kỹ thuật trồng và chăm sóc sâm",
    "Cho mượn đất sản xuất 2 năm",
    "Giới thiệu việc làm thời vụ, hướng dẫn ghép cà phê",
    "Cung cấp giống heo, bao tiêu sản phẩm",
];
const ACTIVITIES: [&str; 5] = [
    "Cùng làm cỏ rẫy cà phê",
    "Tặng 100 cây giống",
    "Hướng dẫn làm chuồng bò",
    "Giúp thu hoạch và bán sản phẩm",
    "Giúp sửa nhà",
];
const MODELS: [&str; 7] = [
    "Trồng sâm Ngọc Linh dưới tán rừng",
    "Cà phê xen cây ăn quả",
    "Nuôi heo rừng lai",
    "Chăn nuôi bò sinh sản",
    "Trồng quế và dược liệu",
    "Nuôi cá nước ngọt",
    "Trồng rau an toàn",
];
const PLANS: [&str; 5] = [
    "Trồng thử 100 cây",
    "Nuôi 2 con giống",
    "Làm lại vườn cà phê",
    "Đào ao nuôi cá",
    "Chưa có kế hoạch",
];
const ORGANISERS: [&str; 4] = [
    "Hội Nông dân xã",
    "UBND xã",
    "Hội Liên hiệp Phụ nữ xã",
    "Trạm Khuyến nông",
];

/// (kind, programme, project, amount, quantity range), weighted.
type SupportKind = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<u64>,
    (u64, u64),
);
const SUPPORT: [(u32, SupportKind); 8] = [
    (25, ("livestock", "90", Some("DA3"), None, (1, 3))),
    (20, ("seedlings", "1719", Some("DA3"), None, (200, 1000))),
    (20, ("health_insurance", "local", None, None, (3, 7))),
    (5, ("housing", "90", Some("DA5"), Some(40_000_000), (1, 1))),
    (
        8,
        (
            "vocational_training",
            "90",
            Some("DA4"),
            Some(3_000_000),
            (1, 1),
        ),
    ),
    (5, ("water", "1719", Some("DA1"), Some(3_000_000), (1, 1))),
    (7, ("nutrition", "90", Some("DA3"), None, (1, 3))),
    (10, ("education", "local", None, Some(1_500_000), (1, 2))),
];

fn outcome(kind: &str, rng: &mut Pcg64Mcg) -> &'static str {
    let good = rng.random_bool(0.8);
    match (kind, good) {
        ("housing", _) => "Nhà đã hoàn thành, gia đình đã vào ở",
        ("livestock", true) => "Vật nuôi khỏe, đã sinh sản",
        ("livestock", false) => "Một con chết do dịch bệnh",
        ("seedlings", true) => "Cây sống trên 80%",
        ("seedlings", false) => "Cây chết nhiều do hạn",
        ("vocational_training", true) => "Đã có việc làm theo nghề học",
        ("vocational_training", false) => "Học xong nhưng chưa dùng nghề",
        ("water", _) => "Đã có nước dùng hằng ngày",
        (_, true) => "Đã sử dụng đúng mục đích",
        (_, false) => "Chưa thấy hiệu quả",
    }
}

/// The households of the demo with their decided classes (computed under each year's standard).
fn households(batch: &Batch) -> Vec<Household> {
    let units = Units::national();
    let standards = Standards::embedded();
    let mut by_code: BTreeMap<String, Household> = BTreeMap::new();
    for (_, r) in &batch.households {
        let h = by_code
            .entry(r.household.as_str().to_owned())
            .or_insert_with(|| Household {
                code: r.household.as_str().to_owned(),
                commune: String::new(),
                village: String::new(),
                ethnicity: r.head_ethnicity.clone(),
                classes: BTreeMap::new(),
            });
        // The latest record places the household today.
        units.get(r.commune).code.clone_into(&mut h.commune);
        h.village = r.village.as_str().to_owned();
        let year = r.year.get();
        if year <= LAST_DECIDED
            && let Some(c) = standards.for_year(r.year).and_then(|s| r.classify(s).ok())
        {
            h.classes.insert(year, c.class);
        }
    }
    by_code.into_values().collect()
}

/// Builds the demo's follow-up records, dated up to `today`.
pub fn build(batch: &Batch, seed: u64, today: Date) -> FollowUpBatch {
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x5eed_f011);
    let names = Names::default();
    let all = households(batch);
    let mut out = FollowUpBatch::default();
    // Better-off households of each village, to pair with.
    let mut better_off: HashMap<&str, Vec<&Household>> = HashMap::new();
    for h in &all {
        if h.classes.get(&LAST_DECIDED) == Some(&Class::NotPoor) {
            better_off.entry(&h.village).or_default().push(h);
        }
    }
    // Supporters per commune, created as caseloads fill (about three households each).
    let mut pools: BTreeMap<String, (Vec<usize>, usize)> = BTreeMap::new();
    let mut tour_pool: BTreeMap<(String, u16), Vec<String>> = BTreeMap::new();
    for h in &all {
        // Years in which the household is followed: the January after a decision that finds it
        // poor or near-poor (2022 itself when it was poor then).
        let followed: Vec<u16> = (FIRST..=LAST_DECIDED + 1)
            .filter(|y| {
                let basis = if *y == FIRST { *y } else { y - 1 };
                needy(h.classes.get(&basis))
            })
            .collect();
        for y in FIRST..=LAST_DECIDED {
            if needy(h.classes.get(&y)) {
                let mut causes = vec![*weighted(&mut rng, &CAUSES)];
                if rng.random_bool(0.35) {
                    let second = *weighted(&mut rng, &CAUSES);
                    if !causes.contains(&second) {
                        causes.push(second);
                    }
                }
                out.causes.extend(
                    causes
                        .into_iter()
                        .map(|c| (h.code.clone(), y, c.to_owned())),
                );
            }
        }
        let Some(&first) = followed.first() else {
            continue;
        };
        let newly_poor_last = followed == [LAST_DECIDED + 1];
        if newly_poor_last || rng.random_ratio(1, 7) {
            continue;
        }
        // One continuous episode from the first followed year to the first year out.
        let out_year = (first..=LAST_DECIDED + 1).find(|y| !followed.contains(y));
        let from = date(first, rng.random_range(1..=2), rng.random_range(2..=28));
        let to = out_year.map(|y| date(y - 1, 12, 28));
        let end = to.unwrap_or(today);
        if from >= end {
            continue;
        }
        let pool = pools
            .entry(h.commune.clone())
            .or_insert_with(|| (Vec::new(), 0));
        if pool.0.is_empty() || pool.1 >= pool.0.len() * 3 {
            let sex = if rng.random_bool(0.5) {
                Sex::Male
            } else {
                Sex::Female
            };
            let ethnicity = if rng.random_bool(0.4) { "01" } else { "16" };
            out.supporters.push(NewSupporter {
                full_name: format!("{} (mô phỏng)", names.full_name(&mut rng, ethnicity, sex)),
                organisation: (*weighted(&mut rng, &ORGANISATIONS)).to_owned(),
                commune_code: h.commune.clone(),
                phone: None,
                username: None,
            });
            pool.0.push(out.supporters.len() - 1);
        }
        let supporter = pool.0[pool.1 % pool.0.len()];
        pool.1 += 1;
        // One in ten long episodes changes supporter halfway: the history keeps both.
        let halfway = from.add_days((end.to_unix_days() - from.to_unix_days()) / 2);
        let handover = rng.random_ratio(1, 10) && pool.0.len() > 1;
        let reason = match h.classes.get(&(first.max(FIRST + 1) - 1)) {
            Some(Class::NearPoor) => format!("Hộ cận nghèo năm {}", first.max(FIRST + 1) - 1),
            _ => format!("Hộ nghèo năm {}", first.max(FIRST + 1) - 1),
        };
        let mut spans = vec![(supporter, from, to)];
        if handover {
            let next = pool.0[(pool.1 + 1) % pool.0.len()];
            spans = vec![
                (supporter, from, Some(halfway)),
                (next, halfway.add_days(1), to),
            ];
        }
        for (i, (s, a, b)) in spans.iter().enumerate() {
            let why = if i == 0 {
                reason.clone()
            } else {
                "Thay người giúp đỡ (chuyển công tác)".to_owned()
            };
            out.assignments.push((
                *s,
                h.code.clone(),
                a.to_string(),
                b.map(|d| d.to_string()),
                why,
            ));
            // Visits every three or four months; for those still followed, the last may be late.
            let stop = match b {
                Some(d) => *d,
                None => today.add_days(-rng.random_range(0..40)),
            };
            let mut on = a.add_days(rng.random_range(10..40));
            while on <= stop {
                let next = on.add_days(rng.random_range(80..120));
                out.visits.push(BatchVisit {
                    supporter: *s,
                    household_code: h.code.clone(),
                    visited_on: on.to_string(),
                    found: (*pick(&mut rng, &FOUND)).to_owned(),
                    advised: (*pick(&mut rng, &ADVISED)).to_owned(),
                    next_steps: (*pick(&mut rng, &NEXT_STEPS)).to_owned(),
                    next_due: Some(on.add_days(100).to_string()),
                });
                on = next;
            }
        }
        // Pairing with a better-off household of the village, for one in five.
        if rng.random_ratio(1, 5)
            && let Some(helpers) = better_off.get(h.village.as_str())
            && !helpers.is_empty()
        {
            let helper = pick(&mut rng, helpers);
            let start = from.add_days(rng.random_range(20..90));
            if start < end {
                let mut activities = Vec::new();
                let mut on = start.add_days(rng.random_range(30..120));
                while on < end {
                    activities.push(ActivityRow {
                        on_date: on.to_string(),
                        description: (*pick(&mut rng, &ACTIVITIES)).to_owned(),
                    });
                    on = on.add_days(rng.random_range(120..240));
                }
                out.twinnings.push((
                    NewTwinning {
                        household_code: h.code.clone(),
                        helper_code: Some(helper.code.clone()),
                        helper_name: format!(
                            "Hộ {}",
                            names.full_name(&mut rng, &helper.ethnicity, Sex::Male)
                        ),
                        from_date: start.to_string(),
                        commitments: (*pick(&mut rng, &COMMITMENTS)).to_owned(),
                    },
                    to.map(|d| d.to_string()),
                    activities,
                ));
            }
        }
        for &y in &followed {
            if rng.random_ratio(1, 3) {
                tour_pool
                    .entry((h.commune.clone(), y))
                    .or_default()
                    .push(h.code.clone());
            }
            // Support: most followed years bring something.
            if rng.random_bool(0.6) {
                let (kind, programme, project, amount, (lo, hi)) = *weighted(&mut rng, &SUPPORT);
                let given = date(y, rng.random_range(3..=10), rng.random_range(1..=28));
                if given < today {
                    let (programme, project) = if y >= 2026 {
                        ("2026", Some("CHUNG"))
                    } else {
                        (programme, project)
                    };
                    let settled = given.add_days(180) < today && rng.random_bool(0.85);
                    out.support.push(NewSupport {
                        household_code: h.code.clone(),
                        given_on: given.to_string(),
                        programme: programme.to_owned(),
                        project: project.map(str::to_owned),
                        kind: kind.to_owned(),
                        amount,
                        quantity: Some(rng.random_range(lo..=hi)),
                        provider: (*pick(&mut rng, &ORGANISERS)).to_owned(),
                        outcome: settled.then(|| outcome(kind, &mut rng).to_owned()),
                        outcome_on: settled.then(|| given.add_days(180).to_string()),
                    });
                }
            }
        }
        // A bank loan for three in ten, in the first year followed.
        if rng.random_ratio(3, 10) {
            let poor = h.classes.get(&(first.max(FIRST + 1) - 1)) != Some(&Class::NearPoor);
            let disbursed = date(first, rng.random_range(3..=9), rng.random_range(1..=28));
            if disbursed < today {
                let amount = rng.random_range(3..=10) * 10_000_000;
                let term_months = *pick(&mut rng, &[36u32, 48, 60]);
                let loan = NewLoan {
                    household_code: h.code.clone(),
                    lender: "vbsp".into(),
                    programme: if poor { "poor" } else { "near_poor" }.into(),
                    amount: Vnd::new(amount),
                    rate_bp: if poor { 660 } else { 792 },
                    term_months,
                    disbursed_on: disbursed,
                    savings_group: format!("Tổ TK&VV {}", bamho_synth::village_name(&h.village)),
                    entrusted_by: (*weighted(
                        &mut rng,
                        &[
                            (40, "womens_union"),
                            (35, "farmers_association"),
                            (15, "veterans_association"),
                            (10, "youth_union"),
                        ],
                    ))
                    .to_owned(),
                    purpose: (*pick(
                        &mut rng,
                        &["Mua bò giống", "Trồng cà phê", "Nuôi heo", "Trồng sâm"],
                    ))
                    .to_owned(),
                };
                // Yearly instalments; one borrower in seven falls behind.
                let behind = rng.random_ratio(1, 7);
                let years = u64::from(term_months / 12);
                let mut repayments = Vec::new();
                for k in 1..=years {
                    let on = disbursed.add_months(12 * k as u32);
                    if on >= today || (behind && k > years / 2) {
                        break;
                    }
                    // The last instalment clears what rounding left.
                    let instalment = if k == years {
                        amount - (amount / years) * (years - 1)
                    } else {
                        amount / years
                    };
                    repayments.push(RepaymentRow {
                        paid_on: on.to_string(),
                        amount: instalment,
                    });
                }
                out.loans.push((loan, repayments));
            }
        }
    }
    // Two study tours a year in each commune, for the households set aside above.
    for ((commune, year), codes) in tour_pool {
        for (n, chunk) in codes.chunks(codes.len().div_ceil(2).max(1)).enumerate() {
            let held = date(year, if n == 0 { 4 } else { 10 }, rng.random_range(5..=25));
            if held >= today {
                continue;
            }
            out.tours.push(NewTour {
                commune_code: commune.clone(),
                held_on: held.to_string(),
                model: (*pick(&mut rng, &MODELS)).to_owned(),
                organiser: (*pick(&mut rng, &ORGANISERS)).to_owned(),
                participants: chunk
                    .iter()
                    .map(|c| (c.clone(), (*pick(&mut rng, &PLANS)).to_owned()))
                    .collect(),
            });
        }
    }
    out
}
