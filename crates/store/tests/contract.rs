//! One contract suite, run on SQLite always and on PostgreSQL whenever one can be started.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot proceed fails"
)]

use std::sync::Arc;

use bamho_analytics::{Boundaries, Key, rates, snapshot_from_records};
use bamho_domain::{Date, Standards, Year};
use bamho_io::{Batch, Errors};
use bamho_store::{Decision, ImportError, ImportOptions, Store};
use bamho_synth::{AreaKind, Config, Sinks, generate};

fn today() -> Date {
    Date::parse("2026-11-29").unwrap()
}

fn options() -> ImportOptions {
    ImportOptions {
        replace: false,
        dry_run: false,
        actor: "test".into(),
        at: "2026-11-29T08:00:00Z".into(),
        today: today(),
        source: "test".into(),
    }
}

/// A small synthetic district, 2022–2025, as read from its three files.
fn district(households: u64) -> Batch {
    let mut sinks = Sinks {
        households: Vec::new(),
        members: Vec::new(),
        events: Vec::new(),
    };
    let config = Config {
        households,
        seed: 11,
        years: 2022..=2025,
        area: AreaKind::DakGlei,
    };
    generate(&config, &mut sinks, &mut |_| {}).unwrap();
    let mut batch = Batch::default();
    let mut errors = Errors::default();
    batch.read("households.csv", &sinks.households, &mut errors);
    batch.read("members.csv", &sinks.members, &mut errors);
    batch.read("events.csv", &sinks.events, &mut errors);
    assert!(errors.is_empty(), "{errors}");
    batch
}

/// Opens the periodic review of 2026 for a commune, on 1 September.
async fn open_2026_review(store: &dyn Store, commune: &str) {
    let year = Year::new(2026).unwrap();
    store
        .open_review(commune, year, Date::parse("2026-09-01").unwrap())
        .await
        .unwrap();
}

fn rows_error(result: Result<bamho_store::ImportSummary, ImportError>) -> String {
    match result {
        Err(ImportError::Rows(e)) => e.to_string(),
        other => panic!("expected row errors, got {other:?}"),
    }
}

async fn an_import_gives_the_same_report_as_the_file(store: Arc<dyn Store>) {
    let batch = district(400);
    let summary = store.import(&batch, &options()).await.unwrap();
    assert_eq!(summary.surveys, batch.households.len() as u64);
    assert!(summary.households_new >= 400);
    for y in [2022, 2025] {
        let year = Year::new(y).unwrap();
        let standard = Standards::embedded().for_year(year).unwrap();
        let from_file =
            snapshot_from_records(year, standard, batch.households.iter().map(|(_, r)| r)).unwrap();
        let from_db = store.snapshot(year, None).await.unwrap();
        for keys in [&[Key::Commune, Key::Ethnicity][..], &[Key::Village], &[]] {
            for b in [Boundaries::Recorded, Boundaries::Current] {
                let a = rates(&from_file, keys, b, today(), "x");
                let d = rates(&from_db, keys, b, today(), "x");
                assert_eq!(a, d, "{y} {keys:?} {b:?}");
            }
        }
    }
    let totals = store.totals().await.unwrap();
    assert_eq!(totals.members, batch.members.len() as u64);
    assert_eq!(
        totals.years.iter().map(|y| y.0).collect::<Vec<_>>(),
        [2022, 2023, 2024, 2025]
    );
}

async fn a_household_year_already_present_is_refused_unless_replaced(store: Arc<dyn Store>) {
    let batch = district(60);
    store.import(&batch, &options()).await.unwrap();
    let before = store.totals().await.unwrap();
    let e = rows_error(store.import(&batch, &options()).await);
    assert!(
        e.contains("households.csv: row 2, column household_code"),
        "{e}"
    );
    assert!(
        e.contains("already has a 2022 review in the database (use --replace to replace it)"),
        "{e}"
    );
    assert_eq!(
        store.totals().await.unwrap(),
        before,
        "a refused import changes nothing"
    );
    let replaced = store
        .import(
            &batch,
            &ImportOptions {
                replace: true,
                ..options()
            },
        )
        .await
        .unwrap();
    assert_eq!(replaced.replaced, batch.households.len() as u64);
    assert_eq!(store.totals().await.unwrap(), before);
    // one entry per import, one per replaced household-year
    assert_eq!(store.verify_audit().await.unwrap(), 2 + replaced.replaced);
}

async fn a_failed_or_dry_run_import_changes_nothing(store: Arc<dyn Store>) {
    let mut batch = district(50);
    let dry = store
        .import(
            &batch,
            &ImportOptions {
                dry_run: true,
                ..options()
            },
        )
        .await
        .unwrap();
    assert!(dry.surveys > 0);
    assert_eq!(store.totals().await.unwrap().households, 0);
    let mut errors = Errors::default();
    batch.read(
        "more-members.csv",
        b"household_code,person_no,full_name,sex,birth_year,ethnicity,citizen_id,relation\nNOPE-1,1,A Blong,m,1980,29,,head\n",
        &mut errors,
    );
    assert!(errors.is_empty());
    let e = rows_error(store.import(&batch, &options()).await);
    assert_eq!(
        e.trim(),
        "more-members.csv: row 2, column household_code, value \"NOPE-1\": no such household in this import or in the database"
    );
    let totals = store.totals().await.unwrap();
    assert_eq!(
        (totals.households, totals.members, totals.villages),
        (0, 0, 0)
    );
    assert_eq!(store.verify_audit().await.unwrap(), 0);
}

async fn a_decision_makes_the_classes_of_its_commune_official(store: Arc<dyn Store>) {
    let batch = district(200);
    store.import(&batch, &options()).await.unwrap();
    let year = Year::new(2024).unwrap();
    let decision = Decision {
        commune_code: "23362".into(),
        year,
        number: "152/QĐ-UBND".into(),
        decided_on: Date::parse("2024-12-20").unwrap(),
        signer: "Chủ tịch UBND xã".into(),
    };
    let decided = store
        .decide(&decision, "test", "2024-12-20T09:00:00Z")
        .await
        .unwrap();
    let expected = batch
        .households
        .iter()
        .filter(|(_, r)| {
            r.year == year && bamho_domain::units::Units::national().get(r.commune).code == "23362"
        })
        .count() as u64;
    assert_eq!(decided, expected);
    assert!(decided > 0);
    let totals = store.totals().await.unwrap();
    assert_eq!(
        totals.years.iter().find(|y| y.0 == 2024).unwrap().2,
        decided
    );
    open_2026_review(store.as_ref(), "23365").await;
    open_2026_review(store.as_ref(), "23365").await;
    assert_eq!(store.totals().await.unwrap().open_reviews, 1);
}

async fn scope_keeps_the_villages_lying_in_a_commune_today(store: Arc<dyn Store>) {
    let batch = district(300);
    store.import(&batch, &options()).await.unwrap();
    let year = Year::new(2022).unwrap();
    let all = store.snapshot(year, None).await.unwrap();
    let ngoc_linh = store
        .snapshot(year, Some(&["23365".to_owned()]))
        .await
        .unwrap();
    // 23365 today is Ngọc Linh, formed from Mường Hoong (23362) and Ngọc Linh (23365).
    let units = bamho_domain::units::Units::national();
    let expected = all
        .commune
        .iter()
        .filter(|c| ["23362", "23365"].contains(&units.get(**c).code))
        .count();
    assert_eq!(ngoc_linh.len(), expected);
    assert!(expected > 0 && expected < all.len());
}

async fn accounts_sessions_and_their_expiry(store: Arc<dyn Store>) {
    let user = bamho_store::NewUser {
        username: "xa.ngoclinh".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        role: "commune_officer".into(),
        scope_code: Some("23365".into()),
        created_at: "2026-11-29T08:00:00Z".into(),
    };
    let id = store.add_user(&user).await.unwrap();
    assert!(matches!(
        store.add_user(&user).await,
        Err(bamho_store::StoreError::Conflict(_))
    ));
    let found = store.user_by_name("xa.ngoclinh").await.unwrap().unwrap();
    assert_eq!((found.id, found.scope_code.as_deref()), (id, Some("23365")));
    assert!(store.user_by_name("nobody").await.unwrap().is_none());
    let session = bamho_store::NewSession {
        token_hash: "h1".into(),
        user_id: id,
        kind: "browser".into(),
        csrf: "c1".into(),
        created_at: "2026-11-29T08:00:00Z".into(),
        expires_at: 1_000,
    };
    store.create_session(&session).await.unwrap();
    let (u, csrf) = store.session("h1", 999).await.unwrap().unwrap();
    assert_eq!((u.username.as_str(), csrf.as_str()), ("xa.ngoclinh", "c1"));
    assert!(
        store.session("h1", 1_000).await.unwrap().is_none(),
        "an expired session opens nothing"
    );
    store.end_session("h1").await.unwrap();
    assert!(store.session("h1", 0).await.unwrap().is_none());
}

async fn the_directory_keeps_to_the_reach(store: Arc<dyn Store>) {
    use bamho_store::{HouseholdQuery, Reach};
    let batch = district(300);
    store.import(&batch, &options()).await.unwrap();
    // The filters behind the dashboard's figures: minorities, and a deprivation of the year.
    let of_2024 = || {
        batch
            .households
            .iter()
            .map(|(_, h)| h)
            .filter(|h| h.year.get() == 2024)
    };
    // The household codes a query lists, and how many.
    let codes = |query: HouseholdQuery| {
        let store = store.clone();
        async move {
            store
                .households(&Reach::All, &query)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|i| i.household_code)
                .collect::<std::collections::BTreeSet<_>>()
        }
    };
    let count = |query: HouseholdQuery| {
        let listed = codes(query);
        async move { listed.await.len() }
    };
    let year = |q: HouseholdQuery| HouseholdQuery {
        year: Some(2024),
        limit: 500,
        ..q
    };
    assert_eq!(
        count(year(HouseholdQuery {
            minority: Some(true),
            ..Default::default()
        }))
        .await,
        of_2024().filter(|h| h.head_ethnicity != "01").count()
    );
    assert_eq!(
        count(year(HouseholdQuery {
            minority: Some(false),
            ..Default::default()
        }))
        .await,
        of_2024().filter(|h| h.head_ethnicity == "01").count()
    );
    for bit in [0u8, 4] {
        let expected = of_2024()
            .filter(|h| h.deprived.mask() & (1 << bit) != 0)
            .count();
        assert!(
            expected > 0,
            "the sample has households deprived in bit {bit}"
        );
        assert_eq!(
            count(year(HouseholdQuery {
                deprived_bit: Some(bit),
                ..Default::default()
            }))
            .await,
            expected,
            "bit {bit}"
        );
    }
    // The transitions' filter: 2024's near-poor households that were poor in 2023 are exactly
    // those on both lists.
    let class = |year: u16, class: &str| HouseholdQuery {
        year: Some(year),
        class: Some(class.into()),
        limit: 500,
        ..Default::default()
    };
    for (from, to) in [
        ("poor", "near_poor"),
        ("poor", "poor"),
        ("not_poor", "poor"),
    ] {
        let both: std::collections::BTreeSet<_> = codes(class(2023, from))
            .await
            .intersection(&codes(class(2024, to)).await)
            .cloned()
            .collect();
        let drilled = codes(HouseholdQuery {
            was: Some((2023, from.into())),
            ..class(2024, to)
        })
        .await;
        assert_eq!(drilled, both, "{from} in 2023, {to} in 2024");
    }
    assert!(
        !codes(HouseholdQuery {
            was: Some((2023, "poor".into())),
            ..class(2024, "poor")
        })
        .await
        .is_empty(),
        "the sample has households poor in both years"
    );
    let all = HouseholdQuery {
        limit: 500,
        ..Default::default()
    };
    let everything = store.households(&Reach::All, &all).await.unwrap();
    assert_eq!(everything.year, Some(2025));
    let ngoc_linh = store
        .households(&Reach::Communes(vec!["23365".into()]), &all)
        .await
        .unwrap();
    assert!(!ngoc_linh.items.is_empty());
    assert!(
        ngoc_linh
            .items
            .iter()
            .all(|i| i.household_code.starts_with("23362-")
                || i.household_code.starts_with("23365-"))
    );
    let inside = &ngoc_linh.items[0].household_code;
    let outside = everything
        .items
        .iter()
        .find(|i| i.household_code.starts_with("23341-"))
        .unwrap();
    let reach = Reach::Communes(vec!["23365".into()]);
    let detail = store.household(&reach, inside).await.unwrap().unwrap();
    assert_eq!(
        detail.years.iter().map(|y| y.year).collect::<Vec<_>>(),
        [2025, 2024, 2023, 2022]
    );
    assert!(!detail.members.is_empty());
    assert!(
        store
            .household(&reach, &outside.household_code)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .household(&Reach::Households(vec![]), inside)
            .await
            .unwrap()
            .is_none()
    );
    // Search ignores diacritics and pages by code.
    let head = detail
        .members
        .iter()
        .find(|m| m.relation == "head")
        .unwrap();
    let q = HouseholdQuery {
        q: Some(bamho_text::fold(&head.full_name)),
        limit: 500,
        ..Default::default()
    };
    let found = store.households(&reach, &q).await.unwrap();
    assert!(found.items.iter().any(|i| &i.household_code == inside));
    let page = HouseholdQuery {
        limit: 2,
        ..Default::default()
    };
    let first = store.households(&Reach::All, &page).await.unwrap();
    let next = HouseholdQuery {
        after: first.next.clone(),
        limit: 2,
        ..Default::default()
    };
    let second = store.households(&Reach::All, &next).await.unwrap();
    assert_eq!(first.items.len(), 2);
    assert!(second.items[0].household_code > first.items[1].household_code);
    let poor = HouseholdQuery {
        class: Some("poor".into()),
        year: Some(2022),
        limit: 500,
        ..Default::default()
    };
    assert!(
        store
            .households(&Reach::All, &poor)
            .await
            .unwrap()
            .items
            .iter()
            .all(|i| i.class.as_deref() == Some("poor"))
    );
}

async fn a_review_runs_from_list_to_decision(store: Arc<dyn Store>) {
    use bamho_store::{Meeting, NewRequest, SurveyInput};
    let batch = district(250);
    store.import(&batch, &options()).await.unwrap();
    let decide = |commune: &str, year: u16, number: &str| Decision {
        commune_code: commune.into(),
        year: Year::new(year).unwrap(),
        number: number.into(),
        decided_on: Date::new(year, 12, 20).unwrap(),
        signer: "Chủ tịch UBND xã".into(),
    };
    store
        .decide(&decide("23365", 2025, "1/QĐ-UBND"), "test", "t")
        .await
        .unwrap();
    open_2026_review(store.as_ref(), "23365").await;
    let review = store
        .reviews(Some(&["23365".to_owned()]))
        .await
        .unwrap()
        .remove(0);
    assert_eq!((review.year, review.state.as_str()), (2026, "open"));
    assert_eq!(
        store.review(review.id).await.unwrap().as_ref(),
        Some(&review)
    );
    let list = store.review_households(&review).await.unwrap();
    assert!(!list.is_empty());
    assert!(
        list.iter()
            .all(|h| matches!(h.previous_class.as_deref(), Some("poor" | "near_poor")))
    );
    assert!(list.iter().all(|h| h.class.is_none() && !h.decided));
    let code = list[0].household_code.clone();
    let survey = SurveyInput {
        household_code: code.clone(),
        year: 2026,
        province_code: "51".into(),
        commune_code: "23365".into(),
        area: "rural".into(),
        agricultural: true,
        head_ethnicity: "29".into(),
        members: 4,
        income_per_capita: Some(900_000),
        b1_score: None,
        deprived: 0b1011,
        standard: "vn-2022-2025".into(),
        class: "poor".into(),
        n_deprived: 3,
        rule: "{}".into(),
    };
    store.save_survey(&survey, "officer", "t1").await.unwrap();
    store
        .save_survey(
            &SurveyInput {
                class: "near_poor".into(),
                deprived: 0b1,
                n_deprived: 1,
                ..survey.clone()
            },
            "officer",
            "t2",
        )
        .await
        .unwrap();
    let detail = store
        .household(&bamho_store::Reach::All, &code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.years[0].class, "near_poor");
    assert_eq!(
        detail
            .history
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>(),
        ["survey-change", "survey"]
    );
    let meeting = Meeting {
        village_code: detail.village_code.clone(),
        held_on: "2026-10-10".into(),
        attendees: 40,
        agreeing: 19,
        minutes: "".into(),
    };
    assert!(!meeting.passed(), "below half, the village repeats");
    store
        .record_meeting(review.id, &meeting, "officer", "t3")
        .await
        .unwrap();
    store
        .record_meeting(
            review.id,
            &Meeting {
                agreeing: 31,
                ..meeting.clone()
            },
            "officer",
            "t4",
        )
        .await
        .unwrap();
    assert_eq!(store.meetings(review.id).await.unwrap().len(), 2);
    store
        .mark_posted(review.id, "2026-10-20", "officer", "t5")
        .await
        .unwrap();
    let decided = store
        .decide_review(
            review.id,
            &decide("23365", 2026, "2/QĐ-UBND"),
            "chair",
            "t6",
        )
        .await
        .unwrap();
    assert_eq!(decided, 1, "only the surveyed household is decided");
    let after = store.review(review.id).await.unwrap().unwrap();
    assert_eq!(
        (
            after.state.as_str(),
            after.decision_number.as_deref(),
            after.posted_on.as_deref()
        ),
        ("decided", Some("2/QĐ-UBND"), Some("2026-10-20"))
    );
    assert!(matches!(
        store.save_survey(&survey, "officer", "t7").await,
        Err(bamho_store::StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .decide_review(review.id, &decide("23365", 2026, "3"), "chair", "t8")
            .await,
        Err(bamho_store::StoreError::Conflict(_))
    ));
    let request = NewRequest {
        household_code: code.clone(),
        year: 2026,
        form: "form04".into(),
        received_on: "2026-11-20".into(),
        due_on: "2026-12-05".into(),
        reason: "lost the harvest".into(),
    };
    store.add_request(&request, "officer", "t9").await.unwrap();
    let open = store
        .open_requests(Some(&["23365".to_owned()]))
        .await
        .unwrap();
    assert_eq!((open.len(), open[0].due_on.as_str()), (1, "2026-12-05"));
    assert!(
        store
            .open_requests(Some(&["23341".to_owned()]))
            .await
            .unwrap()
            .is_empty()
    );
    store.verify_audit().await.unwrap();
}

async fn households_are_created_edited_split_and_merged_with_their_lineage(store: Arc<dyn Store>) {
    use bamho_store::{MemberInput, Reach};
    let batch = district(40);
    store.import(&batch, &options()).await.unwrap();
    let village = batch
        .households
        .iter()
        .find(|(_, r)| r.year.get() == 2025)
        .unwrap()
        .1
        .village
        .as_str()
        .to_owned();
    let person = |name: &str, relation: &str| MemberInput {
        full_name: name.into(),
        sex: "f".into(),
        birth_year: 1990,
        ethnicity: "29".into(),
        citizen_id: None,
        relation: relation.into(),
    };
    let code = store
        .create_household(&village, &person("Y Lan", "head"), "officer", "t1")
        .await
        .unwrap();
    let commune = store.village(&village).await.unwrap().unwrap().2;
    assert!(code.starts_with(&format!("{commune}-")), "{code}");
    let second = store
        .create_household(&village, &person("Y Mai", "head"), "officer", "t1")
        .await
        .unwrap();
    assert!(second > code, "codes are never reused");
    let no = store
        .save_member(&code, None, &person("A Blong", "spouse"), "officer", "t2")
        .await
        .unwrap();
    assert_eq!(no, 2);
    store
        .save_member(
            &code,
            Some(2),
            &MemberInput {
                birth_year: 1988,
                ..person("A Blông", "spouse")
            },
            "officer",
            "t3",
        )
        .await
        .unwrap();
    store
        .save_member(&code, None, &person("Y Hoa", "child"), "officer", "t4")
        .await
        .unwrap();
    let detail = store.household(&Reach::All, &code).await.unwrap().unwrap();
    assert_eq!(
        detail
            .members
            .iter()
            .map(|m| m.full_name.as_str())
            .collect::<Vec<_>>(),
        ["Y Lan", "A Blông", "Y Hoa"]
    );
    assert!(detail.history.iter().any(
        |h| h.action == "update" && h.before.as_deref().is_some_and(|b| b.contains("A Blong"))
    ));
    let new = store
        .split_household(&code, &[3], 2026, "officer", "t5")
        .await
        .unwrap();
    let split = store.household(&Reach::All, &new).await.unwrap().unwrap();
    assert_eq!(split.members.len(), 1);
    assert_eq!(
        (
            split.members[0].person_no,
            split.members[0].relation.as_str()
        ),
        (1, "head")
    );
    assert_eq!(split.events[0].kind, "split");
    assert_eq!(
        split.events[0].other_household_code.as_deref(),
        Some(code.as_str())
    );
    assert!(
        matches!(
            store.split_household(&new, &[1], 2026, "o", "t").await,
            Err(bamho_store::StoreError::Conflict(_))
        ),
        "someone stays"
    );
    store
        .merge_household(&new, &second, 2026, "officer", "t6")
        .await
        .unwrap();
    let merged = store
        .household(&Reach::All, &second)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        merged
            .members
            .iter()
            .map(|m| (m.person_no, m.relation.as_str()))
            .collect::<Vec<_>>(),
        [(1, "head"), (2, "other")]
    );
    assert!(
        store
            .household(&Reach::All, &new)
            .await
            .unwrap()
            .unwrap()
            .members
            .is_empty()
    );
    store
        .remove_member(&code, 2, "officer", "t7")
        .await
        .unwrap();
    assert_eq!(
        store
            .household(&Reach::All, &code)
            .await
            .unwrap()
            .unwrap()
            .members
            .len(),
        1
    );
    store.verify_audit().await.unwrap();
}

async fn supporters_follow_households_and_visits_are_kept(store: Arc<dyn Store>) {
    use bamho_store::{NewSupporter, NewVisit};
    let batch = district(120);
    store.import(&batch, &options()).await.unwrap();
    let decision = Decision {
        commune_code: "23365".into(),
        year: Year::new(2025).unwrap(),
        number: "9/QĐ-UBND".into(),
        decided_on: Date::parse("2025-12-20").unwrap(),
        signer: "Chủ tịch".into(),
    };
    store.decide(&decision, "t", "t").await.unwrap();
    let gap = store.unassigned(Some(&["23365".to_owned()])).await.unwrap();
    assert!(!gap.is_empty());
    assert!(
        gap.iter()
            .all(|c| matches!(c.class.as_deref(), Some("poor" | "near_poor")))
    );
    let user = bamho_store::NewUser {
        username: "hotro".into(),
        password_hash: "x".into(),
        role: "supporter".into(),
        scope_code: None,
        created_at: "t".into(),
    };
    let user_id = store.add_user(&user).await.unwrap();
    let supporter = NewSupporter {
        full_name: "Y Hoa".into(),
        organisation: "womens_union".into(),
        commune_code: "23365".into(),
        phone: None,
        username: Some("hotro".into()),
    };
    let sid = store
        .add_supporter(&supporter, "officer", "t")
        .await
        .unwrap();
    assert!(matches!(
        store.add_supporter(&supporter, "officer", "t").await,
        Err(bamho_store::StoreError::Conflict(_))
    ));
    assert_eq!(store.supporter_of_user(user_id).await.unwrap(), Some(sid));
    let code = gap[0].household_code.clone();
    let assignment = store
        .assign(sid, &code, "2026-01-05", "poor household", "officer", "t")
        .await
        .unwrap();
    assert!(
        store
            .assign(sid, &code, "2026-01-06", "again", "officer", "t")
            .await
            .is_err()
    );
    assert_eq!(
        store.supporters(Some(&["23365".to_owned()])).await.unwrap()[0].caseload,
        1
    );
    assert!(
        store
            .unassigned(Some(&["23365".to_owned()]))
            .await
            .unwrap()
            .iter()
            .all(|c| c.household_code != code)
    );
    let visit = NewVisit {
        household_code: code.clone(),
        supporter_id: Some(sid),
        visited_on: "2026-02-01".into(),
        found: "the roof leaks".into(),
        advised: "apply for housing support".into(),
        next_steps: "bring the form".into(),
        next_due: Some("2026-03-01".into()),
    };
    store.record_visit(&visit, "hotro", "t").await.unwrap();
    let cases = store.caseload(sid).await.unwrap();
    assert_eq!(
        (
            cases.len(),
            cases[0].last_visit.as_deref(),
            cases[0].next_due.as_deref()
        ),
        (1, Some("2026-02-01"), Some("2026-03-01"))
    );
    assert_eq!(
        store.visits(&code).await.unwrap()[0]
            .supporter_name
            .as_deref(),
        Some("Y Hoa")
    );
    store
        .end_assignment(assignment, "2026-06-30", "officer", "t")
        .await
        .unwrap();
    assert!(store.caseload(sid).await.unwrap().is_empty());
    let history = store.assignments(&code).await.unwrap();
    assert_eq!(
        history[0].to_date.as_deref(),
        Some("2026-06-30"),
        "reassignment keeps the history"
    );
    store.verify_audit().await.unwrap();
}

async fn a_year_carries_forward_households_not_reviewed_again(store: Arc<dyn Store>) {
    use bamho_store::SurveyInput;
    let batch = district(150);
    store.import(&batch, &options()).await.unwrap();
    let y2025 = store
        .snapshot(Year::new(2025).unwrap(), None)
        .await
        .unwrap();
    assert!(
        store
            .snapshot(Year::new(2026).unwrap(), None)
            .await
            .unwrap()
            .len()
            == y2025.len(),
        "every household carries into 2026"
    );
    let (_, first) = batch
        .households
        .iter()
        .find(|(_, r)| r.year.get() == 2025)
        .unwrap();
    let survey = SurveyInput {
        household_code: first.household.as_str().to_owned(),
        year: 2026,
        province_code: "51".into(),
        commune_code: bamho_domain::units::Units::national()
            .get(first.commune)
            .code
            .to_owned(),
        area: first.area.as_str().into(),
        agricultural: first.agricultural,
        head_ethnicity: first.head_ethnicity.clone(),
        members: first.members,
        income_per_capita: Some(500_000),
        b1_score: None,
        deprived: 0b111,
        standard: "vn-2022-2025".into(),
        class: "poor".into(),
        n_deprived: 3,
        rule: "{}".into(),
    };
    store.save_survey(&survey, "officer", "t").await.unwrap();
    let y2026 = store
        .snapshot(Year::new(2026).unwrap(), None)
        .await
        .unwrap();
    assert_eq!(y2026.len(), y2025.len());
    let poor = |s: &bamho_analytics::Snapshot| {
        s.class
            .iter()
            .filter(|c| **c == bamho_domain::Class::Poor)
            .count()
    };
    let was_poor = matches!(
        bamho_domain::classify(
            bamho_domain::Standards::embedded()
                .by_id("vn-2022-2025")
                .unwrap(),
            &first.assessment()
        )
        .unwrap()
        .class,
        bamho_domain::Class::Poor
    );
    assert_eq!(poor(&y2026), poor(&y2025) + usize::from(!was_poor));
    // 2022–2024 households are carried under today's units once the year is past the merger.
    let units = bamho_domain::units::Units::national();
    assert!(
        y2026
            .commune
            .iter()
            .all(|c| units.get(*c).valid_to.is_none())
    );
}

async fn the_ledger_keeps_causes_pairings_tours_support_and_loans(store: Arc<dyn Store>) {
    use bamho_domain::{LoanStatus, Vnd};
    use bamho_store::{
        ActivityRow, BatchVisit, FollowUpBatch, NewLoan, NewSupport, NewSupporter, NewTour,
        NewTwinning, RepaymentRow, StoreError,
    };
    let batch = district(60);
    store.import(&batch, &options()).await.unwrap();
    let mut codes: Vec<String> = batch
        .households
        .iter()
        .map(|(_, r)| r.household.as_str().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    let (poor, helper, other) = (codes[0].clone(), codes[1].clone(), codes[2].clone());

    // Causes: replaced per year; an unknown cause is refused and changes nothing.
    let causes = [
        ("no_land".to_owned(), String::new()),
        ("illness".to_owned(), "the father".to_owned()),
    ];
    store
        .set_causes(&poor, 2025, &causes, "officer", "t")
        .await
        .unwrap();
    store
        .set_causes(&poor, 2024, &causes[..1], "officer", "t")
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_causes(
                &poor,
                2025,
                &[("lazy".to_owned(), String::new())],
                "officer",
                "t"
            )
            .await,
        Err(StoreError::Invalid(_))
    ));
    let kept = store.causes(&poor).await.unwrap();
    assert_eq!(
        kept.iter()
            .map(|c| (c.year, c.cause.as_str()))
            .collect::<Vec<_>>(),
        [(2025, "illness"), (2025, "no_land"), (2024, "no_land")]
    );

    // Pairing: seen from both households; activities kept in order; ended with a date.
    let twinning = NewTwinning {
        household_code: poor.clone(),
        helper_code: Some(helper.clone()),
        helper_name: "Hộ A Blông".into(),
        from_date: "2024-03-01".into(),
        commitments: "share coffee seedlings, teach grafting".into(),
    };
    let tid = store.add_twinning(&twinning, "officer", "t").await.unwrap();
    for (on, what) in [
        ("2024-05-02", "grafted 40 coffee trees"),
        ("2024-04-01", "gave 200 seedlings"),
    ] {
        let a = ActivityRow {
            on_date: on.into(),
            description: what.into(),
        };
        store
            .add_twinning_activity(tid, &a, "officer", "t")
            .await
            .unwrap();
    }
    let seen = store.twinnings(&helper).await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].household_code, poor);
    assert_eq!(seen[0].activities[0].on_date, "2024-04-01");
    store
        .end_twinning(tid, "2025-12-31", "officer", "t")
        .await
        .unwrap();
    assert_eq!(
        store.twinnings(&poor).await.unwrap()[0].to_date.as_deref(),
        Some("2025-12-31")
    );
    let itself = NewTwinning {
        helper_code: Some(poor.clone()),
        ..twinning.clone()
    };
    assert!(store.add_twinning(&itself, "officer", "t").await.is_err());

    // A study tour lands whole or not at all.
    let tour = NewTour {
        commune_code: "23365".into(),
        held_on: "2025-04-10".into(),
        model: "Sâm Ngọc Linh dưới tán rừng".into(),
        organiser: "Hội Nông dân xã".into(),
        participants: vec![
            (poor.clone(), "plant 100 ginseng seedlings".into()),
            (other.clone(), String::new()),
        ],
    };
    store.add_tour(&tour, "officer", "t").await.unwrap();
    let twice = NewTour {
        participants: vec![(poor.clone(), String::new()), (poor.clone(), String::new())],
        ..tour.clone()
    };
    assert!(store.add_tour(&twice, "officer", "t").await.is_err());
    let stranger = NewTour {
        participants: vec![("XX-000000".into(), String::new())],
        ..tour.clone()
    };
    assert!(matches!(
        store.add_tour(&stranger, "officer", "t").await,
        Err(StoreError::NotFound(_))
    ));
    let tours = store.tours(Some(&["23365".to_owned()])).await.unwrap();
    assert_eq!((tours.len(), tours[0].participants), (1, 2));
    assert_eq!(
        store.tours_of(&poor).await.unwrap()[0].plan,
        "plant 100 ginseng seedlings"
    );
    assert!(
        store
            .tours(Some(&["23341".to_owned()]))
            .await
            .unwrap()
            .is_empty()
    );

    // Support: the programme and project must exist together; the outcome comes later.
    let support = NewSupport {
        household_code: poor.clone(),
        given_on: "2024-06-01".into(),
        programme: "90".into(),
        project: Some("DA5".into()),
        kind: "housing".into(),
        amount: Some(40_000_000),
        quantity: Some(1),
        provider: "UBND xã".into(),
        outcome: None,
        outcome_on: None,
    };
    let sid = store
        .record_support(&support, "officer", "t")
        .await
        .unwrap();
    let wrong = NewSupport {
        project: Some("DA9".into()),
        ..support.clone()
    };
    assert!(matches!(
        store.record_support(&wrong, "officer", "t").await,
        Err(StoreError::Invalid(_))
    ));
    assert!(
        store
            .support_outcome(&other, sid, "finished", "2024-12-01", "officer", "t")
            .await
            .is_err()
    );
    store
        .support_outcome(
            &poor,
            sid,
            "the house is finished",
            "2024-12-01",
            "officer",
            "t",
        )
        .await
        .unwrap();
    let given = store.support(&poor).await.unwrap();
    assert_eq!(given.len(), 1);
    assert_eq!(
        given[0].support.outcome.as_deref(),
        Some("the house is finished")
    );
    assert_eq!(given[0].support.amount, Some(40_000_000));

    // Loans: balance from repayments, overdue after maturity, no repaying more than is owed.
    let loan = NewLoan {
        household_code: poor.clone(),
        lender: "vbsp".into(),
        programme: "poor".into(),
        amount: Vnd::new(50_000_000),
        rate_bp: 660,
        term_months: 36,
        disbursed_on: Date::parse("2022-08-15").unwrap(),
        savings_group: "Tổ TK&VV thôn Long Năng".into(),
        entrusted_by: "womens_union".into(),
        purpose: "raise cows".into(),
    };
    let lid = store.record_loan(&loan, "officer", "t").await.unwrap();
    for (on, amount) in [("2023-08-15", 10_000_000), ("2024-08-15", 15_000_000)] {
        let r = RepaymentRow {
            paid_on: on.into(),
            amount,
        };
        store
            .record_repayment(&poor, lid, &r, "officer", "t")
            .await
            .unwrap();
    }
    let too_much = RepaymentRow {
        paid_on: "2025-01-01".into(),
        amount: 30_000_000,
    };
    assert!(matches!(
        store
            .record_repayment(&poor, lid, &too_much, "officer", "t")
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(
        store
            .record_repayment(&other, lid, &too_much, "officer", "t")
            .await
            .is_err()
    );
    let loans = store.loans(&poor).await.unwrap();
    assert_eq!(
        (loans[0].due_on.as_str(), loans[0].balance()),
        ("2025-08-15", 25_000_000)
    );
    assert_eq!(loans[0].status(today()), LoanStatus::Overdue);
    let commune = store
        .household(&bamho_store::Reach::All, &poor)
        .await
        .unwrap()
        .unwrap()
        .commune_code;
    let overdue = store
        .overdue_loans(Some(std::slice::from_ref(&commune)), "2026-11-29")
        .await
        .unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].loan.repayments.len(), 2);
    assert!(
        store
            .overdue_loans(Some(&["00000".to_owned()]), "2026-11-29")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .overdue_loans(None, "2025-08-15")
            .await
            .unwrap()
            .is_empty()
    );

    // A district's records in one go: assignments, visits and the rest, and the due visits.
    let batch = FollowUpBatch {
        supporters: vec![NewSupporter {
            full_name: "A Thanh".into(),
            organisation: "youth_union".into(),
            commune_code: "23365".into(),
            phone: None,
            username: None,
        }],
        assignments: vec![
            (
                0,
                other.clone(),
                "2024-01-01".into(),
                None,
                "poor 2023".into(),
            ),
            (
                0,
                helper.clone(),
                "2024-01-01".into(),
                Some("2024-12-31".into()),
                "near-poor 2023".into(),
            ),
        ],
        visits: vec![BatchVisit {
            supporter: 0,
            household_code: other.clone(),
            visited_on: "2026-06-01".into(),
            found: "the maize failed".into(),
            advised: "replant".into(),
            next_steps: String::new(),
            next_due: Some("2026-09-01".into()),
        }],
        causes: vec![(other.clone(), 2025, "no_capital".into())],
        twinnings: vec![(twinning.clone(), None, vec![])],
        tours: vec![NewTour {
            participants: vec![(helper.clone(), String::new())],
            ..tour.clone()
        }],
        support: vec![NewSupport {
            household_code: other.clone(),
            ..support.clone()
        }],
        loans: vec![(
            NewLoan {
                household_code: other.clone(),
                ..loan.clone()
            },
            vec![RepaymentRow {
                paid_on: "2023-01-01".into(),
                amount: 50_000_000,
            }],
        )],
    };
    assert_eq!(
        store.load_followup(&batch, "demo", "t").await.unwrap(),
        11,
        "1 supporter, 2 assignments, 1 visit, 1 cause, 1 pairing, a tour with 1 household, 1 support, a loan with 1 repayment"
    );
    let followed = store.followed(None).await.unwrap();
    assert_eq!(followed.len(), 1, "only current assignments");
    assert_eq!(
        (followed[0].household_code.as_str(), followed[0].due()),
        (other.as_str(), "2026-09-01")
    );
    assert_eq!(
        store.loans(&other).await.unwrap()[0].status(today()),
        LoanStatus::Repaid
    );
    assert_eq!(store.causes(&other).await.unwrap().len(), 1);
    assert_eq!(store.twinnings(&poor).await.unwrap().len(), 2);
    store.verify_audit().await.unwrap();
}

/// Decides every commune and year of a batch, as the commune chairs would.
async fn decide_all(store: &dyn Store, batch: &Batch) {
    let units = bamho_domain::Units::national();
    let mut done = std::collections::BTreeSet::new();
    for (_, r) in &batch.households {
        let key = (r.year.get(), units.get(r.commune).code.to_owned());
        if done.insert(key.clone()) {
            let decision = Decision {
                commune_code: key.1,
                year: r.year,
                number: format!("{}/QĐ-UBND", done.len()),
                decided_on: Date::new(key.0, 12, 20).unwrap(),
                signer: "Chủ tịch".into(),
            };
            store.decide(&decision, "t", "t").await.unwrap();
        }
    }
}

async fn escapes_are_nominated_with_their_helpers_and_recognised(store: Arc<dyn Store>) {
    use bamho_domain::recognition::escapes;
    use bamho_store::{NewSupporter, NewTwinning, NewVisit, RecognitionDecision, StoreError};
    let batch = district(200);
    store.import(&batch, &options()).await.unwrap();
    decide_all(store.as_ref(), &batch).await;
    let histories = store.class_histories(None).await.unwrap();
    // Escapes in 2024 by today's commune, worked out from the histories with the domain rule.
    let mut escaped: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for h in &histories {
        if escapes(&h.classes).iter().any(|e| e.year == 2024) {
            escaped
                .entry(h.commune_code.clone())
                .or_default()
                .push(h.household_code.clone());
        }
    }
    let (commune, codes) = escaped.iter().max_by_key(|(_, c)| c.len()).unwrap();
    assert!(codes.len() >= 3, "{escaped:?}");
    let helped = codes[0].clone();
    let supporter = NewSupporter {
        full_name: "Y Hoa".into(),
        organisation: "womens_union".into(),
        commune_code: commune.clone(),
        phone: None,
        username: None,
    };
    let sid = store.add_supporter(&supporter, "t", "t").await.unwrap();
    store
        .assign(sid, &helped, "2023-07-01", "poor 2023", "t", "t")
        .await
        .unwrap();
    for on in ["2023-09-01", "2024-02-01", "2024-06-01"] {
        let visit = NewVisit {
            household_code: helped.clone(),
            supporter_id: Some(sid),
            visited_on: on.into(),
            found: "x".into(),
            advised: String::new(),
            next_steps: String::new(),
            next_due: None,
        };
        store.record_visit(&visit, "t", "t").await.unwrap();
    }
    let twinning = NewTwinning {
        household_code: helped.clone(),
        helper_code: Some(codes[1].clone()),
        helper_name: "Hộ A Blông".into(),
        from_date: "2024-03-01".into(),
        commitments: "seedlings".into(),
    };
    store.add_twinning(&twinning, "t", "t").await.unwrap();

    assert!(
        matches!(
            store.prepare_nominees(commune, 2026, "t", "t").await,
            Err(StoreError::Conflict(_))
        ),
        "no decision yet"
    );
    let n = store
        .prepare_nominees(commune, 2024, "officer", "t")
        .await
        .unwrap();
    assert_eq!(
        store
            .prepare_nominees(commune, 2024, "officer", "t")
            .await
            .unwrap(),
        n,
        "proposed once"
    );
    let nominees = store.nominees(commune, 2024).await.unwrap();
    assert_eq!(nominees.len() as u64, n);
    let mut households: Vec<String> = nominees
        .iter()
        .filter(|x| x.kind == "household")
        .map(|x| x.household_code.clone())
        .collect();
    households.sort();
    let mut expected = codes.clone();
    expected.sort();
    assert_eq!(
        households, expected,
        "every escape of the year, nothing else"
    );
    let helpers: Vec<_> = nominees
        .iter()
        .filter(|x| x.kind == "helper" && x.household_code == helped)
        .collect();
    assert_eq!(helpers.len(), 2, "the supporter and the paired household");
    let by_supporter = helpers
        .iter()
        .find(|x| x.supporter_id == Some(sid))
        .unwrap();
    assert_eq!(
        (by_supporter.visits, by_supporter.days),
        (2, 366),
        "visits in 2024, the whole leap year"
    );
    assert_eq!(by_supporter.organisation.as_deref(), Some("womens_union"));
    let pair = helpers
        .iter()
        .find(|x| x.helper_household_code.as_deref() == Some(codes[1].as_str()))
        .unwrap();
    assert_eq!(pair.days, 306, "1 March to 31 December");

    let decision = RecognitionDecision {
        commune_code: commune.clone(),
        year: 2024,
        number: "12/QĐ-UBND".into(),
        decided_on: "2025-01-10".into(),
        committee: "UBND xã".into(),
        ceremony_on: Some("2025-01-20".into()),
    };
    assert!(
        matches!(
            store.issue_recognition(&decision, "t", "t").await,
            Err(StoreError::Conflict(_))
        ),
        "nominees still proposed"
    );
    let dropped = nominees
        .iter()
        .find(|x| {
            x.kind == "household" && x.household_code != helped && x.household_code != codes[1]
        })
        .unwrap();
    store
        .set_nominee_status(commune, 2024, dropped.id, "removed", "officer", "t")
        .await
        .unwrap();
    assert!(
        store
            .set_nominee_status("00000", 2024, dropped.id, "confirmed", "officer", "t")
            .await
            .is_err(),
        "another commune's nominee"
    );
    let confirmed = store
        .confirm_all(commune, 2024, "officer", "t")
        .await
        .unwrap();
    assert_eq!(confirmed, n - 1);
    store
        .issue_recognition(&decision, "officer", "t")
        .await
        .unwrap();
    assert!(
        matches!(
            store
                .set_nominee_status(commune, 2024, dropped.id, "confirmed", "o", "t")
                .await,
            Err(StoreError::Conflict(_))
        ),
        "decided is final"
    );
    let issued = store.recognition(commune, 2024).await.unwrap().unwrap();
    assert_eq!(issued.households as usize, codes.len() - 1);
    assert!(issued.helpers >= 2);
    let mine = store.recognitions_of(&helped).await.unwrap();
    assert_eq!(mine[0].decision_number.as_deref(), Some("12/QĐ-UBND"));
    let as_helper = store.recognitions_of(&codes[1]).await.unwrap();
    assert!(
        as_helper
            .iter()
            .any(|r| r.kind == "helper" && r.household_code == helped),
        "{as_helper:?}"
    );
    assert_eq!(
        store
            .recognitions_of(&dropped.household_code)
            .await
            .unwrap()[0]
            .status,
        "removed"
    );
    assert_eq!(
        store
            .recognitions(Some(std::slice::from_ref(commune)), Some(2024))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .recognitions(Some(&["00000".to_owned()]), None)
            .await
            .unwrap()
            .is_empty()
    );
    let lasting = bamho_analytics::lasting::lasting(histories.iter().map(|h| {
        bamho_analytics::lasting::EscapeHistory {
            group: &h.commune_code,
            classes: &h.classes,
            helpers: &h.helpers,
        }
    }));
    assert!(lasting.total.escaped as usize >= codes.len());
    store.verify_audit().await.unwrap();
}

async fn possible_duplicates_are_found_and_kept_to_the_reach(store: Arc<dyn Store>) {
    use bamho_store::{MemberInput, Reach};
    let batch = district(80);
    store.import(&batch, &options()).await.unwrap();
    let members = store.export_members(&Reach::All).await.unwrap();
    let with_id = members.iter().find(|m| m.citizen_id.is_some()).unwrap();
    let other = members
        .iter()
        .find(|m| m.household_code != with_id.household_code)
        .unwrap();
    // The same person entered again in another household, with the same citizen ID.
    let copy = MemberInput {
        full_name: with_id.full_name.clone(),
        sex: with_id.sex.clone(),
        birth_year: with_id.birth_year,
        ethnicity: with_id.ethnicity.clone(),
        citizen_id: with_id.citizen_id.clone(),
        relation: "other".into(),
    };
    store
        .save_member(&other.household_code, None, &copy, "t", "t")
        .await
        .unwrap();
    let all = store.duplicates(&Reach::All, None).await.unwrap();
    let by_id = all.iter().find(|g| g.reason == "citizen_id").unwrap();
    let mut codes: Vec<&str> = by_id
        .people
        .iter()
        .map(|p| p.household_code.as_str())
        .collect();
    codes.sort();
    let mut expected = vec![
        with_id.household_code.as_str(),
        other.household_code.as_str(),
    ];
    expected.sort();
    assert_eq!(codes, expected);
    assert!(
        all.iter()
            .any(|g| g.reason == "name_birth_village" && g.people.len() >= 2)
            || with_id.household_code.split('-').next() != other.household_code.split('-').next(),
        "the same name and birth year in the same village"
    );
    let touching = store
        .duplicates(
            &Reach::All,
            Some(std::slice::from_ref(&other.household_code)),
        )
        .await
        .unwrap();
    assert!(touching.iter().all(|g| {
        g.people
            .iter()
            .any(|p| p.household_code == other.household_code)
    }));
    let one = store
        .duplicates(&Reach::Households(vec![other.household_code.clone()]), None)
        .await
        .unwrap();
    let group = one.iter().find(|g| g.reason == "citizen_id").unwrap();
    assert_eq!(
        (group.people.len(), group.elsewhere),
        (1, 1),
        "the other household is counted, not shown"
    );
}

macro_rules! contract {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let dir = tempfile::tempdir().unwrap();
                    let path = dir.path().join("bamho.sqlite");
                    let store = bamho_store::open(&path.to_string_lossy()).await.unwrap();
                    super::$test(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let Some(url) = bamho_testkit::postgres_database() else { return };
                    let store = bamho_store::open(&url).await.unwrap();
                    super::$test(store).await;
                }
            )*
        }
    };
}

contract!(
    an_import_gives_the_same_report_as_the_file,
    a_household_year_already_present_is_refused_unless_replaced,
    a_failed_or_dry_run_import_changes_nothing,
    a_decision_makes_the_classes_of_its_commune_official,
    scope_keeps_the_villages_lying_in_a_commune_today,
    accounts_sessions_and_their_expiry,
    the_directory_keeps_to_the_reach,
    a_review_runs_from_list_to_decision,
    households_are_created_edited_split_and_merged_with_their_lineage,
    supporters_follow_households_and_visits_are_kept,
    a_year_carries_forward_households_not_reviewed_again,
    the_ledger_keeps_causes_pairings_tours_support_and_loans,
    escapes_are_nominated_with_their_helpers_and_recognised,
    possible_duplicates_are_found_and_kept_to_the_reach,
);
