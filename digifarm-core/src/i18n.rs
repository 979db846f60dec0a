//! The reader's language: which language a text is shown in, and dates and numbers written
//! the way that language writes them (`3. Dezember 2026`, `1.234,5`; `3 December 2026`,
//! `1,234.5`).
//!
//! Month and weekday names come from chrono's locale data (`pure-rust-locales`, generated
//! from glibc's locales), so no language's calendar words are spelled out here. Every
//! front end that shows text to citizens or a council (the portal, the statistics, reports)
//! formats through this module, so a date reads the same everywhere.
//!
//! ```
//! use chrono::NaiveDate;
//! use digifarm_core::i18n::Lang;
//! let d = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
//! assert_eq!(Lang::De.date(d), "3. Dezember 2026");
//! assert_eq!(Lang::En.date(d), "3 December 2026");
//! assert_eq!(Lang::De.number(1234.5, 1), "1.234,5");
//! assert_eq!(Lang::En.integer(-1234567), "-1,234,567");
//! assert_eq!(Lang::from_tag("de-AT"), Lang::De);
//! ```

use chrono::NaiveDate;

/// A language digifarm writes its own words in. Catalog text (names, summaries) can be in
/// any language; the words around it are German or English, and every other language gets
/// English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// German, the default.
    #[default]
    De,
    /// English.
    En,
}

impl Lang {
    /// Every language digifarm has its own words for.
    pub const ALL: [Lang; 2] = [Lang::De, Lang::En];

    /// The language for a BCP 47 tag (`de`, `de-DE`, `en-GB`, …); English for a language
    /// digifarm has no words for.
    pub fn from_tag(tag: &str) -> Lang {
        Lang::of_tag(tag).unwrap_or(Lang::En)
    }

    /// The language for a BCP 47 tag by its primary subtag, any case (`de-AT`, `DE`, `en-GB`);
    /// `None` for a language digifarm has no words for.
    pub fn of_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        Lang::ALL
            .into_iter()
            .find(|l| primary.eq_ignore_ascii_case(l.tag()))
    }

    /// The language's primary tag (`de`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, de: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::De => de,
            Lang::En => en,
        }
    }

    fn locale(self) -> chrono::Locale {
        match self {
            Lang::De => chrono::Locale::de_DE,
            Lang::En => chrono::Locale::en_GB,
        }
    }

    /// A date written out: `3. Dezember 2026`, `3 December 2026`.
    pub fn date(self, date: NaiveDate) -> String {
        let pattern = match self {
            Lang::De => "%-d. %B %Y",
            Lang::En => "%-d %B %Y",
        };
        date.format_localized(pattern, self.locale()).to_string()
    }

    /// A month written out: `Dezember 2026`, `December 2026`.
    pub fn month(self, date: NaiveDate) -> String {
        date.format_localized("%B %Y", self.locale()).to_string()
    }

    /// A short numeric date: `03.12.2026`, `03/12/2026`.
    pub fn date_short(self, date: NaiveDate) -> String {
        let pattern = match self {
            Lang::De => "%d.%m.%Y",
            Lang::En => "%d/%m/%Y",
        };
        date.format(pattern).to_string()
    }

    fn separators(self) -> (char, char) {
        match self {
            Lang::De => ('.', ','),
            Lang::En => (',', '.'),
        }
    }

    /// An integer with the language's thousands separator: `1.234.567`, `1,234,567`.
    pub fn integer(self, n: i64) -> String {
        let (group, _) = self.separators();
        let mut out = String::new();
        if n < 0 {
            out.push('-');
        }
        out.push_str(&grouped(&n.unsigned_abs().to_string(), group));
        out
    }

    /// A number with `decimals` digits after the decimal mark: `1.234,5`, `1,234.5`. Not
    /// finite numbers are written `–`.
    pub fn number(self, x: f64, decimals: usize) -> String {
        if !x.is_finite() {
            return "–".to_owned();
        }
        let (group, mark) = self.separators();
        let plain = format!("{:.*}", decimals, x.abs());
        let (int, frac) = plain.split_once('.').unwrap_or((plain.as_str(), ""));
        let mut out = String::new();
        // -0.0 and values that round to zero are written without a sign.
        if x < 0.0 && plain.chars().any(|c| c.is_ascii_digit() && c != '0') {
            out.push('-');
        }
        out.push_str(&grouped(int, group));
        if !frac.is_empty() {
            out.push(mark);
            out.push_str(frac);
        }
        out
    }

    /// A share (0.0–1.0) as a percentage with `decimals` digits: `42 %` (German puts a
    /// space before the sign), `42%`.
    pub fn percent(self, share: f64, decimals: usize) -> String {
        let n = self.number(share * 100.0, decimals);
        match self {
            Lang::De => format!("{n}\u{a0}%"),
            Lang::En => format!("{n}%"),
        }
    }
}

fn grouped(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_each_language() {
        assert_eq!(Lang::De.date(d(2026, 3, 1)), "1. März 2026");
        assert_eq!(Lang::En.date(d(2026, 3, 1)), "1 March 2026");
        assert_eq!(Lang::De.month(d(2022, 8, 31)), "August 2022");
        assert_eq!(Lang::De.date_short(d(2022, 8, 31)), "31.08.2022");
        assert_eq!(Lang::En.date_short(d(2022, 8, 31)), "31/08/2022");
    }

    #[test]
    fn numbers_in_each_language() {
        assert_eq!(Lang::De.integer(0), "0");
        assert_eq!(Lang::De.integer(999), "999");
        assert_eq!(Lang::De.integer(1000), "1.000");
        assert_eq!(Lang::De.integer(i64::MIN), "-9.223.372.036.854.775.808");
        assert_eq!(Lang::De.number(0.5, 2), "0,50");
        assert_eq!(Lang::De.number(-0.001, 1), "0,0");
        assert_eq!(Lang::En.number(-1234.56, 1), "-1,234.6");
        assert_eq!(Lang::De.number(f64::NAN, 1), "–");
        assert_eq!(Lang::De.percent(0.425, 0), "42\u{a0}%");
        assert_eq!(Lang::En.percent(1.0, 1), "100.0%");
    }

    #[test]
    fn tags() {
        assert_eq!(Lang::from_tag("DE"), Lang::De);
        assert_eq!(Lang::from_tag("de_CH"), Lang::De);
        assert_eq!(Lang::from_tag("it"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
        assert_eq!(Lang::De.pick("Ja", "Yes"), "Ja");
    }
}
