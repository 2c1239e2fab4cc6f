use super::*;

fn units(rows: &[&[u8]], weights: &[f64]) -> Units {
    let n = weights.len();
    Units {
        indicators: (1..=n).map(|j| format!("d{j:02}")).collect(),
        weights: weights.to_vec(),
        sample_weight: vec![1.0; rows.len()],
        deprived: rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .filter(|(_, v)| **v == 1)
                    .fold(0u64, |m, (j, _)| m | 1 << j)
            })
            .collect(),
        group: Vec::new(),
        groups: Vec::new(),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// The four-person, four-indicator example of Alkire & Foster (2011), at k = 2 of 4.
#[test]
fn the_published_four_person_example() {
    let u = units(
        &[&[0, 0, 0, 0], &[1, 1, 0, 1], &[1, 1, 1, 1], &[0, 1, 0, 0]],
        &[0.25; 4],
    );
    let r = measure(&u, 0.5);
    assert!(close(r.total.h, 0.5));
    assert!(close(r.total.a.unwrap(), 0.875));
    assert!(close(r.total.m0, 7.0 / 16.0));
    let censored: Vec<f64> = r.total.censored.0.iter().map(|(_, v)| *v).collect();
    assert_eq!(censored, [0.5, 0.5, 0.25, 0.5]);
    let uncensored: Vec<f64> = r.total.uncensored.0.iter().map(|(_, v)| *v).collect();
    assert_eq!(
        uncensored,
        [0.5, 0.75, 0.25, 0.5],
        "person 4's lone deprivation is censored, not uncounted"
    );
    let shares: f64 = r.total.contribution.0.iter().map(|(_, v)| v).sum();
    let absolute: f64 = r.total.contribution_abs.0.iter().map(|(_, v)| v).sum();
    assert!(close(shares, 1.0));
    assert!(close(absolute, r.total.m0));
    assert!(close(r.total.contribution.0[2].1, 1.0 / 7.0));
}

#[test]
fn a_score_of_exactly_the_cutoff_is_poor() {
    let u = units(&[&[1, 0, 0], &[0, 0, 0]], &[1.0 / 3.0; 3]);
    let r = measure(&u, 1.0 / 3.0);
    assert!(close(r.total.h, 0.5));
    let twelve = units(&[&[1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]], &[1.0 / 12.0; 12]);
    assert!(close(measure(&twelve, 3.0 / 12.0).total.h, 1.0));
}

#[test]
fn nobody_poor_leaves_intensity_undefined() {
    let u = units(&[&[0, 0], &[1, 0]], &[0.5, 0.5]);
    let r = measure(&u, 1.0);
    assert_eq!(r.total.h, 0.0);
    assert_eq!(r.total.a, None);
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["A"].is_null());
    assert_eq!(json["k"], 1.0);
}

#[test]
fn sampling_weights_and_groups_decompose_m0() {
    let mut u = units(&[&[1, 1], &[0, 0], &[1, 0]], &[0.5, 0.5]);
    u.sample_weight = vec![2.0, 1.0, 1.0];
    u.group = vec![1, 0, 1];
    u.groups = vec!["b".into(), "a".into()];
    let r = measure(&u, 0.5);
    assert!(close(r.total.h, 0.75));
    assert_eq!(
        r.groups.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    let (a, b) = (&r.groups[0], &r.groups[1]);
    assert_eq!((a.n, b.n), (2, 1));
    // population-weighted group M0s add up to the total M0
    assert!(close(r.total.m0, (3.0 * a.m0 + 1.0 * b.m0) / 4.0));
}
