use proptest::prelude::*;

use super::*;
use crate::standard::Standards;

fn std_2022() -> &'static Standard {
    Standards::embedded().by_id("vn-2022-2025").unwrap()
}

fn std_2027() -> &'static Standard {
    Standards::embedded().by_id("vn-2027-2030").unwrap()
}

fn income(area: Area, agricultural: bool, vnd: u64, n_deprived: usize) -> Assessment {
    let mut deprived = Deprivations::default();
    for i in 0..n_deprived {
        deprived = deprived.with(i);
    }
    Assessment {
        area,
        agricultural,
        income_per_capita: Some(Vnd::new(vnd)),
        b1_score: None,
        deprived,
    }
}

fn class_of(s: &Standard, a: Assessment) -> Class {
    classify(s, &a).unwrap().class
}

#[test]
fn income_exactly_at_the_line_counts_as_at_or_below_it() {
    let s = std_2022();
    assert_eq!(
        class_of(s, income(Area::Rural, false, 1_500_000, 3)),
        Class::Poor
    );
    assert_eq!(
        class_of(s, income(Area::Rural, false, 1_500_001, 3)),
        Class::NotPoor
    );
    assert_eq!(
        class_of(s, income(Area::Urban, false, 2_000_000, 0)),
        Class::NearPoor
    );
    assert_eq!(
        class_of(s, income(Area::Urban, false, 2_000_001, 12)),
        Class::NotPoor
    );
}

#[test]
fn exactly_three_deprivations_make_a_poor_household() {
    let s = std_2022();
    assert_eq!(
        class_of(s, income(Area::Rural, false, 1_000_000, 2)),
        Class::NearPoor
    );
    assert_eq!(
        class_of(s, income(Area::Rural, false, 1_000_000, 3)),
        Class::Poor
    );
}

#[test]
fn only_agricultural_households_reach_the_middle_band() {
    let s = std_2022();
    assert_eq!(
        class_of(s, income(Area::Rural, true, 2_250_000, 0)),
        Class::Middle
    );
    assert_eq!(
        class_of(s, income(Area::Rural, false, 2_250_000, 0)),
        Class::NotPoor
    );
    assert_eq!(
        class_of(s, income(Area::Rural, true, 2_250_001, 0)),
        Class::NotPoor
    );
    assert_eq!(
        class_of(s, income(Area::Urban, true, 3_000_000, 0)),
        Class::Middle
    );
}

#[test]
fn the_b1_score_decides_when_no_income_is_given() {
    let s = std_2022();
    let mut a = income(Area::Rural, true, 0, 3);
    a.income_per_capita = None;
    a.b1_score = Some(140);
    assert_eq!(class_of(s, a), Class::Poor);
    a.b1_score = Some(141);
    assert_eq!(class_of(s, a), Class::NotPoor);
    a.area = Area::Urban;
    assert_eq!(class_of(s, a), Class::Poor);
}

#[test]
fn a_standard_without_a_confirmed_cutoff_asks_for_an_income() {
    let mut a = income(Area::Rural, false, 0, 3);
    a.income_per_capita = None;
    a.b1_score = Some(100);
    assert_eq!(
        classify(std_2027(), &a),
        Err(ClassifyError::NoScoreCutoff("vn-2027-2030".into()))
    );
    a.b1_score = None;
    assert_eq!(
        classify(std_2022(), &a),
        Err(ClassifyError::NoMeansEstimate)
    );
}

#[test]
fn the_2027_standard_uses_its_own_line_and_has_no_middle_class() {
    let s = std_2027();
    assert_eq!(
        class_of(s, income(Area::Rural, true, 2_200_000, 3)),
        Class::Poor
    );
    assert_eq!(
        class_of(s, income(Area::Rural, true, 2_200_001, 3)),
        Class::NotPoor
    );
}

#[test]
fn the_explanation_names_the_figures_in_vietnamese_and_english() {
    let c = classify(std_2022(), &income(Area::Rural, false, 1_200_000, 4)).unwrap();
    assert_eq!(
        c.explain(Lang::Vi),
        "Thu nhập bình quân 1.200.000 đồng/người/tháng không vượt chuẩn 1.500.000 đồng; thiếu hụt 4 \
         chỉ số (từ 3): hộ nghèo."
    );
    assert!(
        c.explain(Lang::En)
            .contains("at or below the line of 1.500.000 VND")
    );
    assert_eq!(c.deprived.codes(std_2022()), ["d01", "d02", "d03", "d04"]);
}

#[test]
fn dot_thousands_groups_from_the_right() {
    assert_eq!(dot_thousands(0), "0");
    assert_eq!(dot_thousands(999), "999");
    assert_eq!(dot_thousands(1000), "1.000");
    assert_eq!(dot_thousands(27_000_000), "27.000.000");
}

fn any_assessment() -> impl Strategy<Value = Assessment> {
    (
        prop_oneof![Just(Area::Rural), Just(Area::Urban)],
        any::<bool>(),
        prop::option::of(0u64..5_000_000),
        0u16..400,
        0u16..(1 << 12),
    )
        .prop_map(|(area, agricultural, income, score, mask)| Assessment {
            area,
            agricultural,
            income_per_capita: income.map(Vnd::new),
            b1_score: Some(score),
            deprived: Deprivations::from_mask(mask),
        })
}

proptest! {
    #[test]
    fn income_above_the_line_is_never_poor_or_near_poor(a in any_assessment()) {
        let s = std_2022();
        let c = classify(s, &a).unwrap();
        if let Some(income) = a.income_per_capita
            && income.get() > s.income_line.get(a.area)
        {
            prop_assert!(matches!(c.class, Class::Middle | Class::NotPoor));
        }
    }

    #[test]
    fn one_more_deprivation_never_improves_the_class(a in any_assessment(), extra in 0usize..12) {
        for s in Standards::embedded().all() {
            let Ok(before) = classify(s, &a) else { continue };
            let after = classify(s, &Assessment { deprived: a.deprived.with(extra), ..a }).unwrap();
            prop_assert!(after.class.rank() <= before.class.rank());
        }
    }

    #[test]
    fn a_lower_income_never_improves_the_class(a in any_assessment(), cut in 0u64..2_000_000) {
        let s = std_2022();
        let before = classify(s, &a).unwrap();
        if let Some(income) = a.income_per_capita {
            let lower = Vnd::new(income.get().saturating_sub(cut));
            let after = classify(s, &Assessment { income_per_capita: Some(lower), ..a }).unwrap();
            prop_assert!(after.class.rank() <= before.class.rank());
        }
    }

    #[test]
    fn the_count_is_the_number_of_deprived_indicators(a in any_assessment()) {
        let c = classify(std_2022(), &a).unwrap();
        prop_assert_eq!(c.n_deprived as usize, c.deprived.codes(std_2022()).len());
    }
}
