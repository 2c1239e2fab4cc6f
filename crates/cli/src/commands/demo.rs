//! `bamho demo`: the former Đăk Glei district (DOMAIN.md §5, §9) in a SQLite file — reviews
//! 2022–2025 decided (2022–2024 under the old units, 2025 under the new), the periodic review of
//! 2026 open in every commune with part of the surveys entered, and the follow-up of poor and
//! near-poor households since 2022. Built once; later runs summarise.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use bamho_domain::units::{Units, review_day};
use bamho_domain::{Date, Year};
use bamho_io::{Batch, Errors};
use bamho_store::{Decision, ImportOptions, Store};
use bamho_synth::{AreaKind, Config, Sinks, generate, village_name};

use crate::cli::Lang;
use crate::{clock, progress};

const HOUSEHOLDS: u64 = 13_698;
const SEED: u64 = 2022;
const OPEN_YEAR: u16 = 2026;
/// Share of the 2026 surveys already entered, in tenths.
const ENTERED_TENTHS: u64 = 4;

/// The demo's accounts, the same on every run: (role, username, password, scope).
const ACCOUNTS: [(&str, &str, &str, Option<&str>); 7] = [
    ("province_admin", "tinh", "tinh-demo-2026", Some("51")),
    (
        "commune_officer",
        "xa.ngoclinh",
        "ngoclinh-demo-2026",
        Some("23365"),
    ),
    (
        "commune_officer",
        "xa.dakpek",
        "dakpek-demo-2026",
        Some("23341"),
    ),
    (
        "village_head",
        "thon.muonghoong1",
        "thon-demo-2026",
        Some("23362-T01"),
    ),
    ("supporter", "hotro", "hotro-demo-2026", None),
    ("viewer", "xem", "xem-demo-2026", Some("51")),
    ("province_admin", "toanquoc", "toanquoc-demo-2026", None),
];

/// The demo supporter follows a few of Ngọc Linh's poor households.
async fn ensure_supporter(store: &dyn Store, user_id: i64, at: &str) -> anyhow::Result<()> {
    let supporter = bamho_store::NewSupporter {
        full_name: "Y Hoa (mô phỏng)".into(),
        organisation: "womens_union".into(),
        commune_code: "23365".into(),
        phone: None,
        username: Some("hotro".into()),
    };
    if store.supporter_of_user(user_id).await?.is_some() {
        return Ok(());
    }
    let id = store.add_supporter(&supporter, "demo", at).await?;
    for case in store
        .unassigned(Some(&["23365".to_owned()]))
        .await?
        .into_iter()
        .take(8)
    {
        store
            .assign(
                id,
                &case.household_code,
                "2026-01-05",
                "hộ nghèo năm 2025",
                "demo",
                at,
            )
            .await?;
    }
    Ok(())
}

async fn ensure_accounts(store: &dyn Store) -> anyhow::Result<()> {
    for (role, username, password, scope) in ACCOUNTS {
        if let Some(user) = store.user_by_name(username).await? {
            if role == "supporter" {
                ensure_supporter(store, user.id, &bamho_web::clock::stamp()).await?;
            }
            continue;
        }
        let user = bamho_store::NewUser {
            username: username.to_owned(),
            password_hash: bamho_web::hash_password(password)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            role: role.to_owned(),
            scope_code: scope.map(str::to_owned),
            created_at: bamho_web::clock::stamp(),
        };
        let id = store.add_user(&user).await?;
        if role == "supporter" {
            ensure_supporter(store, id, &bamho_web::clock::stamp()).await?;
        }
    }
    Ok(())
}

pub async fn run(db: &str, addr: Option<&str>, lang: Lang) -> anyhow::Result<ExitCode> {
    let path = db.strip_prefix("sqlite://").unwrap_or(db);
    let existed = Path::new(path).exists();
    let store = bamho_store::open(db)
        .await
        .with_context(|| format!("cannot open {db}"))?;
    let mut out = std::io::stdout().lock();
    if !existed || store.totals().await?.households == 0 {
        build(store.as_ref()).await?;
        writeln!(out, "built the demo database {path}")?;
    }
    let totals = store.totals().await?;
    let (vi, en) = (lang == Lang::Vi, lang == Lang::En);
    writeln!(
        out,
        "{}",
        if vi {
            "Huyện Đăk Glei cũ (dữ liệu mô phỏng)"
        } else {
            "Former Đăk Glei district (synthetic data)"
        }
    )?;
    writeln!(
        out,
        "  households {} · members {} · villages {} · open reviews {}",
        totals.households, totals.members, totals.villages, totals.open_reviews
    )?;
    writeln!(
        out,
        "  follow-up: supporters {} · households followed now {} · visits {} · pairings {} · study tours {} · support {} · loans {}",
        totals.supporters,
        totals.followed,
        totals.visits,
        totals.twinnings,
        totals.tours,
        totals.support,
        totals.loans
    )?;
    for (year, surveys, decided) in &totals.years {
        let snapshot = store
            .snapshot(Year::new(*year).map_err(|e| anyhow::anyhow!("{e}"))?, None)
            .await?;
        let (today, _) = clock::now()?;
        let r = bamho_analytics::rates(
            &snapshot,
            &[],
            bamho_analytics::Boundaries::Recorded,
            today,
            "all",
        );
        writeln!(
            out,
            "  {year}: {surveys} surveys, {decided} decided · poor {:.2}% · near-poor {:.2}%",
            r.total.poor_rate, r.total.near_poor_rate
        )?;
    }
    ensure_accounts(store.as_ref()).await?;
    writeln!(
        out,
        "{}",
        if en {
            "Accounts (role username password):"
        } else {
            "Tài khoản (vai trò tên mật khẩu):"
        }
    )?;
    for (role, username, password, _) in ACCOUNTS {
        writeln!(out, "{role} {username} {password}")?;
    }
    drop(out);
    if let Some(addr) = addr {
        super::serve::serve_store(store, addr).await?;
    }
    Ok(ExitCode::SUCCESS)
}

fn is_entered(household_code: &str) -> bool {
    let hash = household_code.bytes().fold(1469598103934665603u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(1099511628211)
    });
    hash % 10 < ENTERED_TENTHS
}

async fn build(store: &dyn Store) -> anyhow::Result<()> {
    let bar = progress::spinner("building the demo district");
    let mut sinks = Sinks {
        households: Vec::new(),
        members: Vec::new(),
        events: Vec::new(),
    };
    let config = Config {
        households: HOUSEHOLDS,
        seed: SEED,
        years: 2022..=OPEN_YEAR,
        area: AreaKind::DakGlei,
    };
    generate(&config, &mut sinks, &mut |_| {})?;
    let mut batch = Batch::default();
    let mut errors = Errors::default();
    batch.read("demo/households.csv", &sinks.households, &mut errors);
    batch.read("demo/members.csv", &sinks.members, &mut errors);
    batch.read("demo/events.csv", &sinks.events, &mut errors);
    anyhow::ensure!(
        errors.is_empty(),
        "the demo data does not read back: {errors}"
    );
    // Households split off during 2026 are registered with their first survey; of the others, part
    // of the 2026 surveys are entered.
    let earlier: BTreeSet<String> = batch
        .households
        .iter()
        .filter(|(_, r)| r.year.get() < OPEN_YEAR)
        .map(|(_, r)| r.household.as_str().to_owned())
        .collect();
    batch.households.retain(|(_, r)| {
        let code = r.household.as_str();
        r.year.get() < OPEN_YEAR || is_entered(code) || !earlier.contains(code)
    });
    let (today, at) = clock::now()?;
    let options = ImportOptions {
        replace: false,
        dry_run: false,
        actor: "demo".into(),
        at: at.clone(),
        today,
        source: "demo".into(),
    };
    store
        .import(&batch, &options)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let villages: BTreeSet<&str> = batch
        .households
        .iter()
        .map(|(_, r)| r.village.as_str())
        .collect();
    let names: Vec<(String, String)> = villages
        .into_iter()
        .map(|v| (v.to_owned(), village_name(v)))
        .collect();
    store.name_villages(&names, true).await?;
    decide_past_reviews(store, &batch, &at).await?;
    let followup = super::demo_followup::build(&batch, SEED, today);
    store.load_followup(&followup, "demo", &at).await?;
    recognise(store, &batch, &at).await?;
    let units = Units::national();
    let open = Year::new(OPEN_YEAR).map_err(|e| anyhow::anyhow!("{e}"))?;
    let communes: BTreeSet<String> = batch
        .households
        .iter()
        .filter(|(_, r)| r.year == open)
        .map(|(_, r)| units.get(r.commune).code.to_owned())
        .collect();
    for commune in communes {
        store.open_review(&commune, open, review_day(open)).await?;
    }
    bar.finish_and_clear();
    Ok(())
}

/// Recognitions of the households that escaped in 2022–2024, decided in January with the village
/// ceremonies a week later; those of 2025 proposed, waiting for an officer.
async fn recognise(store: &dyn Store, batch: &Batch, at: &str) -> anyhow::Result<()> {
    let units = Units::national();
    let communes: BTreeSet<String> = batch
        .households
        .iter()
        .filter(|(_, r)| r.year.get() == 2025)
        .map(|(_, r)| units.get(r.commune).code.to_owned())
        .collect();
    for commune in &communes {
        for year in 2022..OPEN_YEAR {
            if store.prepare_nominees(commune, year, "demo", at).await? == 0 || year == 2025 {
                continue;
            }
            store.confirm_all(commune, year, "demo", at).await?;
            let unit = units
                .find(bamho_domain::Level::Commune, commune, clock::now()?.0)
                .context("demo commune")?;
            let decision = bamho_store::RecognitionDecision {
                commune_code: commune.clone(),
                year,
                number: format!("{}/QĐ-KT", 10 + year - 2022),
                decided_on: format!("{}-01-15", year + 1),
                committee: format!("UBND {}", units.get(unit).full_name()),
                ceremony_on: Some(format!("{}-01-22", year + 1)),
            };
            store.issue_recognition(&decision, "demo", at).await?;
        }
    }
    Ok(())
}

/// One decision per commune and year 2022–2025, as the commune chairs signed them in December.
async fn decide_past_reviews(store: &dyn Store, batch: &Batch, at: &str) -> anyhow::Result<()> {
    let units = Units::national();
    let decided: BTreeSet<(u16, String)> = batch
        .households
        .iter()
        .filter(|(_, r)| r.year.get() < OPEN_YEAR)
        .map(|(_, r)| (r.year.get(), units.get(r.commune).code.to_owned()))
        .collect();
    for (n, (year, commune)) in decided.into_iter().enumerate() {
        let y = Year::new(year).map_err(|e| anyhow::anyhow!("{e}"))?;
        let unit = units
            .find(bamho_domain::Level::Commune, &commune, review_day(y))
            .context("demo commune")?;
        let decision = Decision {
            commune_code: commune,
            year: y,
            number: format!("{}/QĐ-UBND", 100 + n),
            decided_on: Date::new(year, 12, 20).map_err(|e| anyhow::anyhow!("{e}"))?,
            signer: format!("Chủ tịch UBND {}", units.get(unit).full_name()),
        };
        store.decide(&decision, "demo", at).await?;
    }
    Ok(())
}
