use super::*;

fn run(households: u64, seed: u64, years: RangeInclusive<u16>) -> (String, String, String) {
    let mut sinks = Sinks {
        households: Vec::new(),
        members: Vec::new(),
        events: Vec::new(),
    };
    let config = Config {
        households,
        seed,
        years,
        area: AreaKind::DakGlei,
    };
    generate(&config, &mut sinks, &mut |_| {}).unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (
        text(sinks.households),
        text(sinks.members),
        text(sinks.events),
    )
}

fn rows_of(csv: &str, year: &str) -> Vec<Vec<String>> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>())
        .filter(|r| r[0] == year)
        .collect()
}

#[test]
fn the_demo_district_has_its_2022_poverty_rate_and_minority_share() {
    for seed in [1, 2, 42] {
        let (households, _, _) = run(13_698, seed, 2022..=2022);
        let rows = rows_of(&households, "2022");
        assert_eq!(rows.len(), 13_698);
        let share = |f: &dyn Fn(&Vec<String>) -> bool| {
            rows.iter().filter(|r| f(r)).count() as f64 / rows.len() as f64 * 100.0
        };
        let poor = share(&|r| r.last().unwrap() == "poor");
        let near = share(&|r| r.last().unwrap() == "near_poor");
        let minority = share(&|r| r[7] != "01");
        assert!(
            (poor - 34.49).abs() <= 1.0,
            "seed {seed}: poor rate {poor:.2}%"
        );
        assert!(
            (5.0..=12.0).contains(&near),
            "seed {seed}: near-poor {near:.2}%"
        );
        // DOMAIN.md §9: 87% of the former Đăk Glei's households are of ethnic minorities.
        assert!(
            (minority - 87.0).abs() <= 2.0,
            "seed {seed}: minority {minority:.2}%"
        );
    }
}

#[test]
fn years_before_the_reform_use_the_old_units_and_the_town_turns_rural() {
    let (households, _, _) = run(2_000, 7, 2022..=2025);
    let town_2024 = rows_of(&households, "2024")
        .into_iter()
        .find(|r| r[3] == "23341")
        .unwrap();
    assert_eq!(
        (town_2024[2].as_str(), town_2024[5].as_str()),
        ("62", "urban")
    );
    let pek_2025 = rows_of(&households, "2025")
        .into_iter()
        .find(|r| r[3] == "23341")
        .unwrap();
    assert_eq!(
        (pek_2025[2].as_str(), pek_2025[5].as_str()),
        ("51", "rural")
    );
    assert!(
        rows_of(&households, "2025").iter().all(|r| r[3] != "23362"),
        "Mường Hoong is gone"
    );
}

#[test]
fn the_same_seed_gives_the_same_files_and_another_seed_others() {
    assert_eq!(run(500, 3, 2022..=2025), run(500, 3, 2022..=2025));
    assert_ne!(run(500, 3, 2022..=2025).0, run(500, 4, 2022..=2025).0);
}

#[test]
fn households_change_over_the_years() {
    let (households, members, events) = run(13_698, 5, 2022..=2025);
    let class_in = |year| -> std::collections::HashMap<String, String> {
        rows_of(&households, year)
            .into_iter()
            .map(|r| (r[1].clone(), r.last().unwrap().clone()))
            .collect()
    };
    let (y22, y23) = (class_in("2022"), class_in("2023"));
    let escaped = y22
        .iter()
        .filter(|(k, c)| *c == "poor" && y23.get(*k).is_some_and(|n| n != "poor"))
        .count();
    let newly = y22
        .iter()
        .filter(|(k, c)| {
            *c != "poor" && *c != "near_poor" && y23.get(*k).is_some_and(|n| n == "poor")
        })
        .count();
    assert!(
        escaped > 200 && newly > 50,
        "escaped {escaped}, newly poor {newly}"
    );
    let splits = events.lines().filter(|l| l.contains(",split,")).count();
    assert!(splits > 100, "{splits} splits");
    for line in events.lines().filter(|l| l.contains(",split,")) {
        let fields: Vec<&str> = line.split(',').collect();
        assert!(
            households.contains(&format!("{},{},", fields[0], fields[1])),
            "{line}"
        );
    }
    let people = members.lines().count() - 1;
    assert!(people > 13_698 * 3, "{people} members");
    let ids: Vec<&str> = members
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(6).unwrap())
        .filter(|s| !s.is_empty())
        .collect();
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "citizen IDs are unique");
    assert!(
        ids.iter()
            .all(|id| bamho_domain::CitizenId::parse(id).is_ok())
    );
}

#[test]
fn the_class_written_is_the_one_the_standard_gives() {
    let (households, _, _) = run(1_000, 9, 2022..=2027);
    let standards = Standards::embedded();
    let header: Vec<&str> = households.lines().next().unwrap().split(',').collect();
    assert_eq!(header.iter().filter(|h| h.starts_with('d')).count(), 13);
    for line in households.lines().skip(1) {
        let r: Vec<&str> = line.split(',').collect();
        let year = Year::parse(r[0]).unwrap();
        let s = standards.for_year(year).unwrap();
        let mut mask = 0u16;
        for i in 0..s.indicators.len() {
            if r[11 + i] == "1" {
                mask |= 1 << i;
            }
        }
        let a = bamho_domain::Assessment {
            area: bamho_domain::Area::parse(r[5]).unwrap(),
            agricultural: r[6] == "1",
            income_per_capita: (!r[9].is_empty()).then(|| bamho_domain::Vnd::parse(r[9]).unwrap()),
            b1_score: (!r[10].is_empty()).then(|| r[10].parse().unwrap()),
            deprived: bamho_domain::Deprivations::from_mask(mask),
        };
        assert_eq!(
            bamho_domain::classify(s, &a).unwrap().class.as_str(),
            *r.last().unwrap(),
            "{line}"
        );
    }
}
