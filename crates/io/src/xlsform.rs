//! The review questionnaire of a year's standard as an XLSForm, for ODK Collect and KoBoToolbox:
//! the household, its members (a repeat), the income or the B1 score, each deprivation indicator
//! with its definition, a GPS point and a photo. Vietnamese labels first, English beside them.
//!
//! The field names are those of households.csv and members.csv, so that a submission export maps
//! onto the interchange columns.

use std::path::Path;

use bamho_domain::Standard;
use bamho_domain::ethnic::EthnicGroups;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::whole::Whole;

/// One row of the survey sheet.
struct Question {
    kind: String,
    name: String,
    vi: String,
    en: String,
    hint_vi: String,
    hint_en: String,
    required: bool,
    constraint: String,
    constraint_vi: String,
    constraint_en: String,
    relevant: String,
    appearance: String,
    parameters: String,
    calculation: String,
}

impl Question {
    fn new(kind: &str, name: &str, vi: &str, en: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            name: name.to_owned(),
            vi: vi.to_owned(),
            en: en.to_owned(),
            hint_vi: String::new(),
            hint_en: String::new(),
            required: false,
            constraint: String::new(),
            constraint_vi: String::new(),
            constraint_en: String::new(),
            relevant: String::new(),
            appearance: String::new(),
            parameters: String::new(),
            calculation: String::new(),
        }
    }

    fn required(mut self) -> Self {
        self.required = true;
        self
    }

    fn hint(mut self, vi: &str, en: &str) -> Self {
        self.hint_vi = vi.to_owned();
        self.hint_en = en.to_owned();
        self
    }

    fn check(mut self, constraint: &str, vi: &str, en: &str) -> Self {
        self.constraint = constraint.to_owned();
        self.constraint_vi = vi.to_owned();
        self.constraint_en = en.to_owned();
        self
    }

    fn relevant(mut self, when: &str) -> Self {
        self.relevant = when.to_owned();
        self
    }
}

/// The form's id for a year: submissions carry it back.
pub fn form_id(year: u16) -> String {
    format!("bamho_review_{year}")
}

fn questions(standard: &Standard, year: u16) -> Vec<Question> {
    let mut year_field = Question::new("calculate", "year", "", "");
    year_field.calculation = year.to_string();
    let mut q = vec![
        // The review year travels with every submission.
        year_field,
        Question::new("begin_group", "household", "Thông tin hộ", "Household"),
        Question::new("text", "household_code", "Mã hộ", "Household code")
            .required()
            .check(
                "regex(., '^[A-Za-z0-9-]{3,32}$')",
                "Mã hộ gồm chữ, số và dấu gạch ngang",
                "Letters, digits and hyphens",
            ),
        Question::new("text", "province_code", "Mã tỉnh", "Province code")
            .required()
            .check(
                "regex(., '^[0-9]{2}$')",
                "Mã tỉnh có 2 chữ số",
                "Two digits",
            ),
        Question::new("text", "commune_code", "Mã xã", "Commune code")
            .required()
            .check("regex(., '^[0-9]{5}$')", "Mã xã có 5 chữ số", "Five digits"),
        Question::new("text", "village_code", "Mã thôn", "Village code").required(),
        Question::new("select_one area", "area", "Khu vực", "Area").required(),
        Question::new(
            "select_one yes_no",
            "agricultural",
            "Hộ làm nông, lâm, ngư nghiệp, diêm nghiệp",
            "Agricultural household",
        )
        .required(),
        Question::new("text", "head_name", "Họ và tên chủ hộ", "Head of household").required(),
        Question::new(
            "select_one ethnicity",
            "head_ethnicity",
            "Dân tộc của chủ hộ",
            "Ethnic group of the head",
        )
        .required(),
        Question::new("integer", "members", "Số nhân khẩu", "Members")
            .required()
            .check(". >= 1 and . <= 40", "Từ 1 đến 40 người", "1 to 40 people"),
        Question::new("end_group", "", "", ""),
        Question::new("begin_repeat", "member", "Thành viên", "Member"),
        Question::new("text", "full_name", "Họ và tên", "Full name").required(),
        Question::new("select_one sex", "sex", "Giới tính", "Sex").required(),
        Question::new("integer", "birth_year", "Năm sinh", "Birth year")
            .required()
            .check(
                &format!(". >= 1900 and . <= {year}"),
                "Năm sinh không hợp lệ",
                "Not a birth year",
            ),
        Question::new(
            "select_one ethnicity",
            "ethnicity",
            "Dân tộc",
            "Ethnic group",
        )
        .required(),
        Question::new(
            "text",
            "citizen_id",
            "Số định danh cá nhân (CCCD)",
            "Citizen ID",
        )
        .check(
            "regex(., '^([0-9]{12}|[0-9]{9})$')",
            "12 chữ số (hoặc 9 chữ số CMND cũ)",
            "12 digits (or the 9 of an old identity card)",
        ),
        Question::new(
            "select_one relation",
            "relation",
            "Quan hệ với chủ hộ",
            "Relation to the head",
        )
        .required(),
        Question::new("end_repeat", "", "", ""),
        Question::new("begin_group", "means", "Thu nhập", "Income"),
        Question::new(
            "integer",
            "income_per_capita",
            "Thu nhập bình quân đầu người (đồng/tháng)",
            "Income per person (VND a month)",
        )
        .hint(
            "Để trống nếu chấm điểm theo phiếu B1",
            "Leave empty when the B1 form is scored",
        )
        .check(
            ". >= 0 and . <= 1000000000",
            "Số tiền không hợp lệ",
            "Not an amount",
        ),
        Question::new("integer", "b1_score", "Tổng điểm phiếu B1", "B1 score")
            .hint(
                "Chỉ khi không ước tính được thu nhập",
                "Only when the income cannot be estimated",
            )
            .check(". >= 0 and . <= 1000", "Điểm không hợp lệ", "Not a score")
            .relevant("${income_per_capita} = ''"),
        Question::new("end_group", "", "", ""),
        Question::new(
            "begin_group",
            "deprivations",
            "Mức độ thiếu hụt dịch vụ xã hội cơ bản",
            "Deprivations",
        ),
    ];
    for ind in &standard.indicators {
        q.push(
            Question::new("select_one yes_no", &ind.code, &ind.name_vi, &ind.name_en)
                .required()
                .hint(&ind.definition_vi, &ind.definition_en),
        );
    }
    q.push(Question::new("end_group", "", "", ""));
    q.push(Question::new(
        "geopoint",
        "location",
        "Vị trí nhà",
        "Location of the house",
    ));
    let mut photo = Question::new("image", "photo", "Ảnh nhà ở", "Photo of the house");
    photo.appearance = "new".into();
    photo.parameters = "max-pixels=1280".into();
    q.push(photo);
    q
}

/// (list, name, Vietnamese, English)
fn choices() -> Vec<(String, String, String, String)> {
    let mut out: Vec<(String, String, String, String)> = [
        ("yes_no", "1", "Có", "Yes"),
        ("yes_no", "0", "Không", "No"),
        ("area", "rural", "Nông thôn", "Rural"),
        ("area", "urban", "Thành thị", "Urban"),
        ("sex", "m", "Nam", "Male"),
        ("sex", "f", "Nữ", "Female"),
        ("relation", "head", "Chủ hộ", "Head"),
        ("relation", "spouse", "Vợ/chồng", "Spouse"),
        ("relation", "child", "Con", "Child"),
        ("relation", "parent", "Cha/mẹ", "Parent"),
        ("relation", "other", "Khác", "Other"),
    ]
    .into_iter()
    .map(|(a, b, c, d)| (a.to_owned(), b.to_owned(), c.to_owned(), d.to_owned()))
    .collect();
    for g in EthnicGroups::national().all() {
        out.push((
            "ethnicity".into(),
            g.code.clone(),
            g.name.clone(),
            g.name.clone(),
        ));
    }
    out
}

/// Writes the XLSForm of `year` under `standard` to `path`.
pub fn write(standard: &Standard, year: u16, path: &Path) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let survey = book.add_worksheet();
    survey.set_name("survey")?;
    let head = [
        "type",
        "name",
        "label::Tiếng Việt (vi)",
        "label::English (en)",
        "hint::Tiếng Việt (vi)",
        "hint::English (en)",
        "required",
        "constraint",
        "constraint_message::Tiếng Việt (vi)",
        "constraint_message::English (en)",
        "relevant",
        "appearance",
        "parameters",
        "calculation",
    ];
    for (c, h) in head.iter().enumerate() {
        survey.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, q) in questions(standard, year).iter().enumerate() {
        let r = i as u32 + 1;
        let cells = [
            q.kind.as_str(),
            &q.name,
            &q.vi,
            &q.en,
            &q.hint_vi,
            &q.hint_en,
            if q.required { "yes" } else { "" },
            &q.constraint,
            &q.constraint_vi,
            &q.constraint_en,
            &q.relevant,
            &q.appearance,
            &q.parameters,
            &q.calculation,
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                survey.write_string(r, c as u16, *v)?;
            }
        }
    }
    survey.set_column_width(0, 22)?;
    survey.set_column_width(1, 20)?;
    survey.set_column_width(2, 48)?;
    let list = book.add_worksheet();
    list.set_name("choices")?;
    for (c, h) in [
        "list_name",
        "name",
        "label::Tiếng Việt (vi)",
        "label::English (en)",
    ]
    .iter()
    .enumerate()
    {
        list.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, (l, n, vi, en)) in choices().iter().enumerate() {
        let r = i as u32 + 1;
        list.write_string(r, 0, l)?;
        list.write_string(r, 1, n)?;
        list.write_string(r, 2, vi)?;
        list.write_string(r, 3, en)?;
    }
    let settings = book.add_worksheet();
    settings.set_name("settings")?;
    for (c, (h, v)) in [
        (
            "form_title",
            format!("Phiếu rà soát hộ nghèo, cận nghèo năm {year}"),
        ),
        ("form_id", form_id(year)),
        ("version", format!("{}-{year}", standard.id)),
        ("default_language", "Tiếng Việt (vi)".to_owned()),
    ]
    .iter()
    .enumerate()
    {
        settings.write_string_with_format(0, c as u16, *h, &bold)?;
        settings.write_string(1, c as u16, v)?;
    }
    let mut file = Whole::create(path)?;
    book.save_to_writer(&mut file)?;
    Ok(file.commit()?)
}
