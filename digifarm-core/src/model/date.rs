//! Strict `YYYY-MM-DD` dates, exactly as JSON Schema's `format: date` (RFC 3339 full-date)
//! accepts them. chrono's own parser is more lenient (`2022-1-5`), which would let the typed
//! model accept what the published schema rejects.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, de};

/// Parses an RFC 3339 full-date.
pub fn parse_strict(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

fn from_str<E: de::Error>(s: &str) -> Result<NaiveDate, E> {
    parse_strict(s).ok_or_else(|| E::custom(format!("`{s}` is not a date (YYYY-MM-DD)")))
}

/// A required date.
pub(crate) fn required<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    from_str(&s)
}

/// An optional date (`null` or absent is `None`).
pub(crate) fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match <Option<std::borrow::Cow<'de, str>>>::deserialize(d)? {
        None => Ok(None),
        Some(s) => from_str(&s).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_strict;

    #[test]
    fn only_full_dates() {
        assert!(parse_strict("2022-08-31").is_some());
        for bad in [
            "2022-8-31",
            "2022-02-30",
            "22-08-31",
            "2022-08-31T00:00",
            "+2022-08-3",
            "2022/08/31",
            "",
        ] {
            assert!(parse_strict(bad).is_none(), "{bad}");
        }
    }
}
