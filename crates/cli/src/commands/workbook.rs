//! `bamho report --format xlsx`: the year's official workbook, modelled on the report forms of the
//! annual review (DOMAIN.md §3): summary by commune (7.1), changes in poor households (7.2) and the
//! transitions, deprivations among poor and near-poor households (7.4, 7.5), by ethnic group (7.9),
//! and — from a database — by cause of poverty (7.10), support received, and the list of poor and
//! near-poor households with their members.

use std::collections::BTreeMap;

use bamho_analytics::changes::changes;
use bamho_analytics::rates::{Rates, unit_label};
use bamho_analytics::{Boundaries, Key, Snapshot, rates};
use bamho_domain::ethnic::EthnicGroups;
use bamho_domain::units::review_day;
use bamho_domain::{Catalogue, Class, Date, Standards, Year};
use bamho_io::workbook::{Cell, Sheet};
use bamho_store::{HouseholdYearRow, MemberExportRow, SupportSummary};

/// What a database adds to the sheets a households.csv can fill.
#[derive(Debug, Default)]
pub struct Extras {
    /// (cause, class, households)
    pub causes: Vec<(String, String, u64)>,
    pub support: Vec<SupportSummary>,
    /// Poor and near-poor households of the year.
    pub households: Vec<HouseholdYearRow>,
    pub members: BTreeMap<String, Vec<MemberExportRow>>,
}

#[derive(Debug)]
pub struct Inputs<'a> {
    /// The years up to the report's, oldest first; the last is the report's year.
    pub snapshots: &'a [Snapshot],
    pub scope: &'a str,
    pub boundaries: Boundaries,
    pub today: Date,
    pub extras: Option<Extras>,
}

fn rate_cells(r: &Rates) -> Vec<Cell> {
    vec![
        Cell::Count(r.households),
        Cell::Count(r.poor),
        Cell::Percent(r.poor_rate),
        Cell::Count(r.near_poor),
        Cell::Percent(r.near_poor_rate),
    ]
}

const RATE_HEADERS: [&str; 5] = [
    "Tổng số hộ",
    "Hộ nghèo",
    "Tỷ lệ hộ nghèo (%)",
    "Hộ cận nghèo",
    "Tỷ lệ hộ cận nghèo (%)",
];

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (10_000.0 * part as f64 / whole as f64).round() / 100.0
    }
}

/// Every sheet of the workbook.
pub fn sheets(inputs: &Inputs<'_>) -> anyhow::Result<Vec<Sheet>> {
    let Some(current) = inputs.snapshots.last() else {
        anyhow::bail!("no year to report");
    };
    let year = current
        .year
        .ok_or_else(|| anyhow::anyhow!("the snapshot has no year"))?;
    let day = if inputs.boundaries == Boundaries::Current {
        inputs.today
    } else {
        review_day(year)
    };
    let subtitle = format!(
        "Năm {} · chuẩn {} · phạm vi {} · địa giới {}",
        year.get(),
        current.standard,
        inputs.scope,
        if inputs.boundaries == Boundaries::Current {
            "hiện nay"
        } else {
            "tại thời điểm rà soát"
        }
    );
    let report = |keys: &[Key]| rates(current, keys, inputs.boundaries, inputs.today, inputs.scope);
    let mut out = Vec::new();

    // 7.1 Summary by commune, then urban and rural.
    let by_commune = report(&[Key::Commune]);
    let by_area = report(&[Key::Area]);
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (i, r) in by_commune.rows.iter().enumerate() {
        let code = &r.key.0[0].1;
        let mut row = vec![
            Cell::Count(i as u64 + 1),
            unit_label(Key::Commune, code, day).into(),
        ];
        row.extend(rate_cells(&r.rates));
        rows.push(row);
    }
    for r in &by_area.rows {
        let label = match r.key.0[0].1.as_str() {
            "urban" => "Trong đó: thành thị",
            _ => "Trong đó: nông thôn",
        };
        let mut row = vec![Cell::Empty, label.into()];
        row.extend(rate_cells(&r.rates));
        rows.push(row);
    }
    let mut total = vec![Cell::Empty, "Tổng cộng".into()];
    total.extend(rate_cells(&by_commune.total));
    rows.push(total);
    let mut headers = vec!["STT".to_owned(), "Xã, phường".to_owned()];
    headers.extend(RATE_HEADERS.iter().map(|h| (*h).to_owned()));
    out.push(Sheet {
        name: "7.1 Tổng hợp theo xã".into(),
        title: "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO".into(),
        subtitle: subtitle.clone(),
        headers,
        bold_rows: vec![rows.len() - 1],
        rows,
        note: "Tỷ lệ = số hộ ÷ tổng số hộ × 100. Số hộ theo phân loại đã có quyết định, nếu có."
            .into(),
        ..Sheet::default()
    });

    // 7.2 Changes in poor households, and the transitions between classes.
    if inputs.snapshots.len() >= 2 {
        let n = inputs.snapshots.len();
        let c = changes(
            &inputs.snapshots[..n - 2],
            &inputs.snapshots[n - 2],
            current,
            inputs.scope,
        );
        let p = &c.poor;
        let lines: [(&str, &str, u64); 9] = [
            ("1", "Số hộ nghèo đầu năm", p.start),
            ("2", "Giảm: thoát nghèo, thành hộ cận nghèo", p.to_near_poor),
            ("3", "Giảm: thoát nghèo, trên chuẩn cận nghèo", p.escaped),
            (
                "4",
                "Giảm khác (chuyển đi, nhập hộ, không còn trong danh sách)",
                p.other_decrease,
            ),
            ("5", "Tăng: hộ cận nghèo thành hộ nghèo", p.from_near_poor),
            ("6", "Tăng: hộ tái nghèo", p.relapsed),
            ("7", "Tăng: hộ nghèo phát sinh", p.newly_poor),
            ("8", "Tăng khác (tách hộ, chuyển đến)", p.other_increase),
            (
                "9",
                "Số hộ nghèo cuối năm = (1) − (2) − (3) − (4) + (5) + (6) + (7) + (8)",
                p.end,
            ),
        ];
        let rows: Vec<Vec<Cell>> = lines
            .iter()
            .map(|(no, label, n)| vec![(*no).into(), (*label).into(), Cell::Count(*n)])
            .collect();
        out.push(Sheet {
            name: "7.2 Biến động hộ nghèo".into(),
            title: format!(
                "BIẾN ĐỘNG HỘ NGHÈO NĂM {} (SO VỚI NĂM {})",
                c.year, c.previous_year
            ),
            subtitle: subtitle.clone(),
            headers: vec!["Mã số".into(), "Chỉ tiêu".into(), "Số hộ".into()],
            widths: vec![8.0, 70.0, 14.0],
            bold_rows: vec![0, 8],
            rows,
            ..Sheet::default()
        });
        let states = [
            ("poor", "Hộ nghèo"),
            ("near_poor", "Hộ cận nghèo"),
            ("middle", "Hộ có mức sống trung bình"),
            ("not_poor", "Hộ không nghèo"),
            ("absent", "Không có trong danh sách"),
        ];
        let mut headers = vec![format!("Năm {} \\ Năm {}", c.previous_year, c.year)];
        headers.extend(states.iter().map(|(_, l)| (*l).to_owned()));
        let rows = states
            .iter()
            .map(|(from, label)| {
                let mut row = vec![Cell::from(*label)];
                row.extend(states.iter().map(|(to, _)| {
                    Cell::Count(c.transitions.0.get(&(*from, *to)).copied().unwrap_or(0))
                }));
                row
            })
            .collect();
        out.push(Sheet {
            name: "Ma trận chuyển đổi".into(),
            title: "MA TRẬN CHUYỂN ĐỔI GIỮA CÁC NHÓM HỘ".into(),
            subtitle: subtitle.clone(),
            headers,
            rows,
            note: "Hàng: phân loại năm trước; cột: phân loại năm nay (số liệu phân tích).".into(),
            ..Sheet::default()
        });
    }

    // 7.4 / 7.5 Deprivations among poor and near-poor households.
    if let Some(standard) = Standards::embedded().by_id(&current.standard) {
        let (mut poor, mut near) = (0u64, 0u64);
        let mut counts = vec![(0u64, 0u64); standard.indicators.len()];
        for (class, mask) in current.class.iter().zip(&current.deprived) {
            let slot = match class {
                Class::Poor => {
                    poor += 1;
                    0
                }
                Class::NearPoor => {
                    near += 1;
                    1
                }
                _ => continue,
            };
            for (i, c) in counts.iter_mut().enumerate() {
                if mask & (1 << i) != 0 {
                    if slot == 0 {
                        c.0 += 1;
                    } else {
                        c.1 += 1;
                    }
                }
            }
        }
        let rows = standard
            .indicators
            .iter()
            .zip(&counts)
            .enumerate()
            .map(|(i, (ind, (p, n)))| {
                vec![
                    Cell::Count(i as u64 + 1),
                    format!("{} ({})", ind.name_vi, dimension_vi(&ind.dimension)).into(),
                    Cell::Count(*p),
                    Cell::Percent(percent(*p, poor)),
                    Cell::Count(*n),
                    Cell::Percent(percent(*n, near)),
                ]
            })
            .collect();
        out.push(Sheet {
            name: "7.4-7.5 Thiếu hụt".into(),
            title: "HỘ NGHÈO, HỘ CẬN NGHÈO THEO MỨC ĐỘ THIẾU HỤT CÁC DỊCH VỤ XÃ HỘI CƠ BẢN".into(),
            subtitle: format!("{subtitle} · {poor} hộ nghèo, {near} hộ cận nghèo"),
            headers: [
                "STT",
                "Chỉ số thiếu hụt",
                "Hộ nghèo thiếu hụt",
                "% số hộ nghèo",
                "Hộ cận nghèo thiếu hụt",
                "% số hộ cận nghèo",
            ]
            .map(str::to_owned)
            .to_vec(),
            widths: vec![6.0, 48.0, 14.0, 12.0, 14.0, 12.0],
            rows,
            ..Sheet::default()
        });
    }

    // 7.9 By ethnic group: total, minority, Kinh, then each group.
    let ethnic = EthnicGroups::national();
    let by_group = report(&[Key::Ethnicity]);
    let by_minority = report(&[Key::Minority]);
    let mut rows = Vec::new();
    let mut total = vec![Cell::from("Tổng số")];
    total.extend(rate_cells(&by_minority.total));
    rows.push(total);
    for r in &by_minority.rows {
        let label = if r.key.0[0].1 == "kinh" {
            "Dân tộc Kinh"
        } else {
            "Dân tộc thiểu số"
        };
        let mut row = vec![Cell::from(label)];
        row.extend(rate_cells(&r.rates));
        rows.push(row);
    }
    for r in &by_group.rows {
        let code = &r.key.0[0].1;
        let name = ethnic
            .by_code(code)
            .map_or(code.clone(), |g| g.name.clone());
        let mut row = vec![Cell::from(format!("  {name}"))];
        row.extend(rate_cells(&r.rates));
        rows.push(row);
    }
    let mut headers = vec!["Dân tộc".to_owned()];
    headers.extend(RATE_HEADERS.iter().map(|h| (*h).to_owned()));
    out.push(Sheet {
        name: "7.9 Theo dân tộc".into(),
        title: "HỘ NGHÈO, HỘ CẬN NGHÈO THEO DÂN TỘC CỦA CHỦ HỘ".into(),
        subtitle: subtitle.clone(),
        headers,
        bold_rows: vec![0],
        rows,
        ..Sheet::default()
    });

    if let Some(extras) = &inputs.extras {
        out.extend(database_sheets(extras, year, &subtitle));
    }
    Ok(out)
}

/// The sheets only a database can fill.
fn database_sheets(extras: &Extras, year: Year, subtitle: &str) -> Vec<Sheet> {
    let cat = Catalogue::embedded();
    let lang = bamho_domain::Lang::Vi;
    let mut out = Vec::new();
    // 7.10 By cause of poverty.
    let rows: Vec<Vec<Cell>> = cat
        .causes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let count = |class: &str| {
                extras
                    .causes
                    .iter()
                    .filter(|(cause, k, _)| *cause == c.code && k == class)
                    .map(|(_, _, n)| n)
                    .sum::<u64>()
            };
            vec![
                Cell::Count(i as u64 + 1),
                c.vi.clone().into(),
                Cell::Count(count("poor")),
                Cell::Count(count("near_poor")),
            ]
        })
        .collect();
    out.push(Sheet {
        name: "7.10 Theo nguyên nhân".into(),
        title: "HỘ NGHÈO, HỘ CẬN NGHÈO THEO NGUYÊN NHÂN NGHÈO".into(),
        subtitle: subtitle.to_owned(),
        headers: ["STT", "Nguyên nhân", "Hộ nghèo", "Hộ cận nghèo"]
            .map(str::to_owned)
            .to_vec(),
        widths: vec![6.0, 52.0, 14.0, 14.0],
        rows,
        note: "Một hộ có thể có nhiều nguyên nhân.".into(),
        ..Sheet::default()
    });
    // Support received in the year.
    let mut rows: Vec<Vec<Cell>> = extras
        .support
        .iter()
        .map(|s| {
            let kind = cat.kind(&s.kind);
            vec![
                cat.source_label(&s.programme, s.project.as_deref(), lang)
                    .into(),
                kind.map_or(s.kind.clone(), |k| k.vi.clone()).into(),
                Cell::Count(s.households),
                Cell::Count(s.items),
                Cell::Count(s.amount),
                if s.quantity > 0 {
                    Cell::Text(format!(
                        "{} {}",
                        bamho_domain::classify::dot_thousands(s.quantity),
                        kind.map_or("", |k| k.unit.as_str())
                    ))
                } else {
                    Cell::Empty
                },
            ]
        })
        .collect();
    let households: u64 = extras.support.iter().map(|s| s.households).sum();
    let items: u64 = extras.support.iter().map(|s| s.items).sum();
    let amount: u64 = extras.support.iter().map(|s| s.amount).sum();
    rows.push(vec![
        "Tổng cộng".into(),
        Cell::Empty,
        Cell::Count(households),
        Cell::Count(items),
        Cell::Count(amount),
        Cell::Empty,
    ]);
    out.push(Sheet {
        name: "Hỗ trợ".into(),
        title: format!("HỖ TRỢ HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {}", year.get()),
        subtitle: subtitle.to_owned(),
        headers: [
            "Chương trình, dự án",
            "Loại hỗ trợ",
            "Lượt hộ",
            "Số lần hỗ trợ",
            "Số tiền (đồng)",
            "Hiện vật",
        ]
        .map(str::to_owned)
        .to_vec(),
        widths: vec![56.0, 22.0, 10.0, 12.0, 16.0, 16.0],
        bold_rows: vec![rows.len() - 1],
        rows,
        note: "Lượt hộ cộng theo từng dòng: một hộ nhận nhiều loại hỗ trợ được tính ở mỗi dòng."
            .into(),
    });
    // The list of poor and near-poor households with their members.
    let ethnic = EthnicGroups::national();
    let standards = Standards::embedded();
    let mut rows = Vec::new();
    for (i, h) in extras.households.iter().enumerate() {
        let class = Class::parse(&h.class).map_or("", |c| c.name_vi());
        let deprived = standards
            .by_id(&h.standard)
            .map(|s| {
                bamho_domain::classify::Deprivations::from_mask(h.deprived)
                    .codes(s)
                    .join(", ")
            })
            .unwrap_or_default();
        let members = extras
            .members
            .get(&h.household_code)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (j, m) in members.iter().enumerate() {
            let first = j == 0;
            rows.push(vec![
                if first {
                    Cell::Count(i as u64 + 1)
                } else {
                    Cell::Empty
                },
                if first {
                    h.household_code.clone().into()
                } else {
                    Cell::Empty
                },
                if first {
                    h.village_code.clone().into()
                } else {
                    Cell::Empty
                },
                m.full_name.clone().into(),
                Cell::Count(u64::from(m.birth_year)),
                if m.sex == "f" { "Nữ" } else { "Nam" }.into(),
                ethnic
                    .by_code(&m.ethnicity)
                    .map_or(m.ethnicity.clone(), |g| g.name.clone())
                    .into(),
                relation_vi(&m.relation).into(),
                if first { class.into() } else { Cell::Empty },
                if first {
                    deprived.clone().into()
                } else {
                    Cell::Empty
                },
            ]);
        }
    }
    out.push(Sheet {
        name: "Danh sách hộ".into(),
        title: format!("DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {}", year.get()),
        subtitle: subtitle.to_owned(),
        headers: [
            "STT",
            "Mã hộ",
            "Thôn",
            "Họ và tên",
            "Năm sinh",
            "Giới tính",
            "Dân tộc",
            "Quan hệ với chủ hộ",
            "Phân loại",
            "Chỉ số thiếu hụt",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        note: "Danh sách có thông tin cá nhân: chỉ dùng cho công tác giảm nghèo, không công bố."
            .into(),
        ..Sheet::default()
    });
    out
}

/// The dimensions of the standard, as the forms name them.
fn dimension_vi(code: &str) -> &str {
    match code {
        "employment" => "Việc làm",
        "health" => "Y tế",
        "education" => "Giáo dục",
        "housing" => "Nhà ở",
        "water_sanitation" => "Nước sinh hoạt và vệ sinh",
        "information" => "Thông tin",
        other => other,
    }
}

fn relation_vi(r: &str) -> &'static str {
    match r {
        "head" => "Chủ hộ",
        "spouse" => "Vợ/chồng",
        "child" => "Con",
        "parent" => "Cha/mẹ",
        _ => "Khác",
    }
}
