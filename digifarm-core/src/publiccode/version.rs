//! Versions of the standard: which `publiccodeYmlVersion` values exist, which is current, and
//! which keys each version knows (for writing a file a reader of that version accepts).

/// A version of publiccode.yml that digifarm reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Version {
    /// 0.2 (`"0.2"`, `"0.2.0"`, `"0.2.1"`, `"0.2.2"`).
    V0_2,
    /// 0.3 (`"0.3"`, `"0.3.0"`).
    V0_3,
    /// 0.4 (`"0.4"`, `"0.4.0"`), which openCode documents.
    V0_4,
    /// 0.5 (`"0.5"`, `"0.5.0"`).
    V0_5,
    /// 0.7 (`"0.7"`, `"0.7.0"`): adds `supports`.
    V0_7,
    /// `"0"`: the current 0.x, which the standard asks authors to write; read as the latest.
    #[default]
    Current,
}

/// Every `publiccodeYmlVersion` value the standard defines, in the reference validator's
/// order. `0.6` was never published and `1` is not a released version: both are refused.
pub const SPELLINGS: &[(&str, Version)] = &[
    ("0", Version::Current),
    ("0.2", Version::V0_2),
    ("0.2.0", Version::V0_2),
    ("0.2.1", Version::V0_2),
    ("0.2.2", Version::V0_2),
    ("0.3", Version::V0_3),
    ("0.3.0", Version::V0_3),
    ("0.4", Version::V0_4),
    ("0.4.0", Version::V0_4),
    ("0.5", Version::V0_5),
    ("0.5.0", Version::V0_5),
    ("0.7", Version::V0_7),
    ("0.7.0", Version::V0_7),
];

impl Version {
    /// The version a `publiccodeYmlVersion` value names.
    pub fn parse(value: &str) -> Option<Version> {
        SPELLINGS.iter().find(|(s, _)| *s == value).map(|(_, v)| *v)
    }

    /// How digifarm writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V0_2 => "0.2",
            Version::V0_3 => "0.3",
            Version::V0_4 => "0.4",
            Version::V0_5 => "0.5",
            Version::V0_7 => "0.7",
            Version::Current => "0",
        }
    }

    /// The numbered release this version's rules are those of (`"0"` is the latest).
    pub fn release(self) -> Version {
        match self {
            Version::Current => Version::V0_7,
            v => v,
        }
    }

    /// Whether the standard asks to move on from it (everything before the current one).
    pub fn is_outdated(self) -> bool {
        self.release() < Version::V0_7
    }

    /// Whether a reader of this version knows `since` (a key or value introduced then).
    pub fn knows(self, since: Version) -> bool {
        since <= self.release()
    }

    /// The versions `--publiccode-version` accepts, as written.
    pub const WRITABLE: &'static [&'static str] = &["0", "0.2", "0.3", "0.4", "0.5", "0.7"];

    /// A version digifarm can write, given as one of [`Version::WRITABLE`] (what the command
    /// line and Python accept).
    ///
    /// # Errors
    /// The value and the writable versions, as one sentence.
    pub fn writable(s: &str) -> Result<Version, String> {
        if !Version::WRITABLE.contains(&s) {
            return Err(format!(
                "`{s}`: write one of {}",
                Version::WRITABLE.join(", ")
            ));
        }
        s.parse()
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s).ok_or_else(|| unsupported_message(s))
    }
}

/// Why `value` is not a version, with the list of those that are.
pub fn unsupported_message(value: &str) -> String {
    let list: Vec<&str> = SPELLINGS.iter().map(|(s, _)| *s).collect();
    let why = match value {
        "0.6" | "0.6.0" => " (0.6 was never published)",
        v if v == "1" || v.starts_with("1.") => " (1 is not a released version of the standard)",
        _ => "",
    };
    format!(
        "unsupported publiccodeYmlVersion `{value}`{why}; supported: {}",
        list.join(", ")
    )
}

/// Top-level keys with the version that introduced them (every other key is in 0.2).
pub const KEYS_SINCE: &[(&str, Version)] = &[
    ("organisation", Version::V0_5),
    ("fundedBy", Version::V0_5),
    ("supports", Version::V0_7),
];

/// The version that introduced the top-level key `key`.
pub fn key_since(key: &str) -> Version {
    KEYS_SINCE
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(Version::V0_2, |(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        assert_eq!(Version::parse("0"), Some(Version::Current));
        assert_eq!(Version::parse("0.2.1"), Some(Version::V0_2));
        assert_eq!(Version::parse("0.7.0"), Some(Version::V0_7));
        assert_eq!(Version::parse("0.6"), None);
        assert_eq!(Version::parse("1"), None);
        assert!(unsupported_message("0.6").contains("never published"));
        assert!(unsupported_message("1").contains("not a released version"));
        assert!(Version::V0_4.is_outdated() && !Version::Current.is_outdated());
        assert!(!Version::V0_4.knows(key_since("supports")));
        assert!(Version::Current.knows(key_since("supports")));
    }
}
