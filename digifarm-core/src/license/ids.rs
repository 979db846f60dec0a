//! Looking up SPDX licence and exception identifiers, case-insensitively, and the
//! replacements of deprecated identifiers.
//!
//! The `spdx` crate's own lookups are case-sensitive and trim a trailing `+` (so they cannot
//! find the deprecated `GPL-2.0+` entry); we search its tables directly instead.

use std::collections::HashMap;
use std::sync::LazyLock;

use spdx::identifiers::{EXCEPTIONS, LICENSES};
use spdx::{Exception, License};

/// A licence from the SPDX list.
#[derive(Clone, Copy)]
pub struct LicenseEntry(pub &'static License);

/// An exception from the SPDX list.
#[derive(Clone, Copy)]
pub struct ExceptionEntry(pub &'static Exception);

impl std::ops::Deref for LicenseEntry {
    type Target = License;
    fn deref(&self) -> &License {
        self.0
    }
}

impl std::ops::Deref for ExceptionEntry {
    type Target = Exception;
    fn deref(&self) -> &Exception {
        self.0
    }
}

impl std::fmt::Debug for LicenseEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name)
    }
}

impl std::fmt::Debug for ExceptionEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name)
    }
}

impl PartialEq for LicenseEntry {
    fn eq(&self, other: &Self) -> bool {
        self.0.index == other.0.index
    }
}

impl Eq for LicenseEntry {}

impl PartialEq for ExceptionEntry {
    fn eq(&self, other: &Self) -> bool {
        self.0.index == other.0.index
    }
}

impl Eq for ExceptionEntry {}

/// FNV-1a: the keys are the fixed SPDX list (never user input), so a fast non-keyed hash is
/// safe here, and for ids of 3–40 bytes it beats SipHash and a binary search over ~700
/// names (which was 40 % of a parse).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FnvMap<V> = HashMap<Box<str>, V, std::hash::BuildHasherDefault<Fnv>>;

static LICENSES_LOWER: LazyLock<FnvMap<LicenseEntry>> = LazyLock::new(|| {
    LICENSES
        .iter()
        .map(|l| {
            (
                l.name.to_ascii_lowercase().into_boxed_str(),
                LicenseEntry(l),
            )
        })
        .collect()
});

static EXCEPTIONS_LOWER: LazyLock<FnvMap<ExceptionEntry>> = LazyLock::new(|| {
    EXCEPTIONS
        .iter()
        .map(|e| {
            (
                e.name.to_ascii_lowercase().into_boxed_str(),
                ExceptionEntry(e),
            )
        })
        .collect()
});

/// Longer words cannot be ids of the SPDX list.
const MAX_ID_LEN: usize = 96;

/// Looks `name` up in a lower-cased table without allocating.
fn lookup_ci<V: Copy>(map: &FnvMap<V>, name: &str) -> Option<V> {
    let bytes = name.as_bytes();
    if bytes.len() > MAX_ID_LEN {
        return None;
    }
    let mut buf = [0u8; MAX_ID_LEN];
    let lower = buf.get_mut(..bytes.len())?;
    for (dst, src) in lower.iter_mut().zip(bytes) {
        *dst = src.to_ascii_lowercase();
    }
    let key = std::str::from_utf8(lower).ok()?;
    map.get(key).copied()
}

/// Finds a licence by its exact (canonical-case) id.
pub fn license_exact(name: &str) -> Option<LicenseEntry> {
    license(name).filter(|l| l.name == name)
}

/// Finds a licence by id in any case.
pub fn license(name: &str) -> Option<LicenseEntry> {
    lookup_ci(&LICENSES_LOWER, name)
}

/// Finds an exception by id in any case.
pub fn exception(name: &str) -> Option<ExceptionEntry> {
    lookup_ci(&EXCEPTIONS_LOWER, name)
}

/// Whether the SPDX list marks the licence deprecated.
pub fn is_deprecated(l: &LicenseEntry) -> bool {
    l.flags & spdx::flags::IS_DEPRECATED != 0
}

/// Whether the SPDX list marks the exception deprecated.
pub fn exception_is_deprecated(e: &ExceptionEntry) -> bool {
    e.flags & spdx::flags::IS_DEPRECATED != 0
}

/// Whether the licence is one of the GNU family (GPL, LGPL, AGPL, GFDL).
pub fn is_gnu(l: &LicenseEntry) -> bool {
    l.flags & spdx::flags::IS_GNU != 0
}

/// Whether the OSI approved the licence.
pub fn is_osi(l: &LicenseEntry) -> bool {
    l.flags & spdx::flags::IS_OSI_APPROVED != 0
}

/// Whether the FSF lists the licence as free.
pub fn is_fsf(l: &LicenseEntry) -> bool {
    l.flags & spdx::flags::IS_FSF_LIBRE != 0
}

/// What a deprecated id should be replaced with: a licence id, optionally with an exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement {
    /// The licence id to use instead.
    pub license: &'static str,
    /// The exception the deprecated id folded in, if any.
    pub exception: Option<&'static str>,
}

impl Replacement {
    /// The replacement as an SPDX expression.
    pub fn expression(&self) -> String {
        match self.exception {
            Some(e) => format!("{} WITH {e}", self.license),
            None => self.license.to_owned(),
        }
    }
}

/// Reviewed replacements for every deprecated id of the SPDX list the `spdx` crate ships.
/// GNU ids without suffix meant "only" in SPDX, with `+` "or later"; ids that folded an
/// exception into the licence name become `<licence> WITH <exception>`.
const DEPRECATED: &[(&str, &str, Option<&str>)] = &[
    ("AGPL-1.0", "AGPL-1.0-only", None),
    ("AGPL-3.0", "AGPL-3.0-only", None),
    ("BSD-2-Clause-FreeBSD", "BSD-2-Clause", None),
    ("BSD-2-Clause-NetBSD", "BSD-2-Clause", None),
    ("GFDL-1.1", "GFDL-1.1-only", None),
    ("GFDL-1.2", "GFDL-1.2-only", None),
    ("GFDL-1.3", "GFDL-1.3-only", None),
    ("GPL-1.0", "GPL-1.0-only", None),
    ("GPL-1.0+", "GPL-1.0-or-later", None),
    ("GPL-2.0", "GPL-2.0-only", None),
    ("GPL-2.0+", "GPL-2.0-or-later", None),
    (
        "GPL-2.0-with-GCC-exception",
        "GPL-2.0-only",
        Some("GCC-exception-2.0"),
    ),
    (
        "GPL-2.0-with-autoconf-exception",
        "GPL-2.0-only",
        Some("Autoconf-exception-2.0"),
    ),
    (
        "GPL-2.0-with-bison-exception",
        "GPL-2.0-only",
        Some("Bison-exception-2.2"),
    ),
    (
        "GPL-2.0-with-classpath-exception",
        "GPL-2.0-only",
        Some("Classpath-exception-2.0"),
    ),
    (
        "GPL-2.0-with-font-exception",
        "GPL-2.0-only",
        Some("Font-exception-2.0"),
    ),
    ("GPL-3.0", "GPL-3.0-only", None),
    ("GPL-3.0+", "GPL-3.0-or-later", None),
    (
        "GPL-3.0-with-GCC-exception",
        "GPL-3.0-only",
        Some("GCC-exception-3.1"),
    ),
    (
        "GPL-3.0-with-autoconf-exception",
        "GPL-3.0-only",
        Some("Autoconf-exception-3.0"),
    ),
    ("LGPL-2.0", "LGPL-2.0-only", None),
    ("LGPL-2.0+", "LGPL-2.0-or-later", None),
    ("LGPL-2.1", "LGPL-2.1-only", None),
    ("LGPL-2.1+", "LGPL-2.1-or-later", None),
    ("LGPL-3.0", "LGPL-3.0-only", None),
    ("LGPL-3.0+", "LGPL-3.0-or-later", None),
    ("Nunit", "zlib-acknowledgement", None),
    ("StandardML-NJ", "SMLNJ", None),
    ("bzip2-1.0.5", "bzip2-1.0.6", None),
    ("eCos-2.0", "GPL-2.0-or-later", Some("eCos-exception-2.0")),
    (
        "wxWindows",
        "LGPL-2.0-or-later",
        Some("WxWindows-exception-3.1"),
    ),
];

/// The replacement of a deprecated id, if there is a single one (`Net-SNMP` has none).
pub fn replacement(deprecated: &str) -> Option<Replacement> {
    DEPRECATED
        .iter()
        .find(|(d, _, _)| *d == deprecated)
        .map(|&(_, license, exception)| Replacement { license, exception })
}

/// The licence whose properties a term has for policy purposes: the replacement of a
/// deprecated id where there is one, otherwise the id itself.
pub fn effective(l: &LicenseEntry) -> LicenseEntry {
    if is_deprecated(l) {
        replacement(l.name)
            .and_then(|r| license_exact(r.license))
            .unwrap_or(*l)
    } else {
        *l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_deprecated_id_has_a_reviewed_entry_or_is_known_to_have_none() {
        let no_replacement = ["Net-SNMP"];
        for l in LICENSES.iter().map(LicenseEntry).filter(is_deprecated) {
            let r = replacement(l.name);
            assert!(
                r.is_some() || no_replacement.contains(&l.name),
                "deprecated {} lacks a replacement",
                l.name
            );
        }
    }

    #[test]
    fn every_replacement_names_current_ids() {
        for (d, lic, exc) in DEPRECATED {
            let entry = license_exact(lic);
            assert!(entry.is_some_and(|e| !is_deprecated(&e)), "{d} -> {lic}");
            if let Some(exc) = exc {
                assert!(exception(exc).is_some(), "{d} -> {exc}");
            }
            assert!(
                license_exact(d).is_some_and(|l| is_deprecated(&l)),
                "{d} is not deprecated"
            );
        }
    }

    #[test]
    fn ids_are_unique_ignoring_case() {
        assert_eq!(LICENSES_LOWER.len(), LICENSES.len());
        assert_eq!(EXCEPTIONS_LOWER.len(), EXCEPTIONS.len());
        for l in LICENSES {
            assert_eq!(license_exact(l.name).map(|e| e.name), Some(l.name));
        }
    }

    #[test]
    fn lookups_ignore_case() {
        assert_eq!(license("mit").map(|l| l.name), Some("MIT"));
        assert_eq!(license("APACHE-2.0").map(|l| l.name), Some("Apache-2.0"));
        assert_eq!(license("gpl-2.0+").map(|l| l.name), Some("GPL-2.0+"));
        assert_eq!(
            exception("classpath-exception-2.0").map(|e| e.name),
            Some("Classpath-exception-2.0")
        );
        assert!(license("not-a-licence").is_none());
    }
}
