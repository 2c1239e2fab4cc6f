//! Words for codes, shared by the pages: classes, relations, organisations, communes.

use bamho_domain::units::{Level, Units, review_day};
use bamho_domain::{Class, Year};

use crate::i18n::Lang;

/// A class in the reader's language ("hộ nghèo"); "—" for none.
pub fn class_label(class: &str, lang: Lang) -> String {
    match (Class::parse(class), lang) {
        (Some(c), Lang::Vi) => c.name_vi().to_owned(),
        (Some(c), Lang::En) => c.name_en().to_owned(),
        (None, _) => "—".to_owned(),
    }
}

/// A member's relation to the head, in the reader's language.
pub fn relation_word(r: &str, lang: Lang) -> &'static str {
    match (r, lang) {
        ("head", Lang::Vi) => "Chủ hộ",
        ("spouse", Lang::Vi) => "Vợ/chồng",
        ("child", Lang::Vi) => "Con",
        ("parent", Lang::Vi) => "Cha/mẹ",
        (_, Lang::Vi) => "Khác",
        ("head", Lang::En) => "Head",
        ("spouse", Lang::En) => "Spouse",
        ("child", Lang::En) => "Child",
        ("parent", Lang::En) => "Parent",
        (_, Lang::En) => "Other",
    }
}

/// A supporter's organisation, in the reader's language.
pub fn organisation_label(code: &str, lang: Lang) -> &'static str {
    match (code, lang) {
        ("party", Lang::Vi) => "Đảng viên",
        ("youth_union", Lang::Vi) => "Đoàn Thanh niên",
        ("womens_union", Lang::Vi) => "Hội Liên hiệp Phụ nữ",
        ("farmers_association", Lang::Vi) => "Hội Nông dân",
        ("veterans_association", Lang::Vi) => "Hội Cựu chiến binh",
        (_, Lang::Vi) => "Khác",
        ("party", Lang::En) => "Party member",
        ("youth_union", Lang::En) => "Youth Union",
        ("womens_union", Lang::En) => "Women's Union",
        ("farmers_association", Lang::En) => "Farmers' Association",
        ("veterans_association", Lang::En) => "Veterans' Association",
        (_, Lang::En) => "Other",
    }
}

/// A commune's official name at a year's review ("Xã Ngọc Linh"), or its code.
pub fn commune_name(code: &str, year: u16) -> String {
    let units = Units::national();
    let day = Year::new(year)
        .map(review_day)
        .unwrap_or_else(|_| crate::clock::today());
    units
        .find(Level::Commune, code, day)
        .map_or(code.to_owned(), |u| units.get(u).full_name())
}
