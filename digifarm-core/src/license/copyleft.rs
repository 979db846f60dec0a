//! Our own reviewed copyleft table.
//!
//! The `spdx` crate's `is_copyleft` flag is a hand list with known errors (it calls the
//! permissive CECILL-B copyleft and misses EPL), so matching does not rely on it. Entries were
//! reviewed against the licence texts; a test checks that every id exists in the SPDX list.

use super::ids::{self, LicenseEntry};
use super::parse::{Addition, Licence, Term};

/// How strongly a licence term keeps derived works free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// Not copyleft, and free (OSI-approved or FSF-free): MIT, BSD, Apache, CECILL-B, CC0, …
    Permissive,
    /// File- or library-level copyleft: LGPL, MPL, EPL, CDDL, CECILL-C, …
    Weak,
    /// Whole-work copyleft on distribution: GPL, CECILL-2.1, CC-BY-SA, GFDL, …
    Strong,
    /// Strong copyleft that also covers use over a network: AGPL, EUPL, OSL, RPL, SSPL.
    Network,
    /// Neither known copyleft nor a free licence (non-free, or a `LicenseRef-*`).
    Unknown,
}

impl Strength {
    /// A short name: `permissive`, `weak-copyleft`, `strong-copyleft`, `network-copyleft`,
    /// `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Permissive => "permissive",
            Strength::Weak => "weak-copyleft",
            Strength::Strong => "strong-copyleft",
            Strength::Network => "network-copyleft",
            Strength::Unknown => "unknown",
        }
    }

    /// Whether this is any kind of copyleft.
    pub fn is_copyleft(self) -> bool {
        matches!(self, Strength::Weak | Strength::Strong | Strength::Network)
    }
}

/// Network copyleft: the obligation reaches users who interact over a network.
const NETWORK: &[&str] = &[
    "AGPL-1.0-only",
    "AGPL-1.0-or-later",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "EUPL-1.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "OSL-1.0",
    "OSL-1.1",
    "OSL-2.0",
    "OSL-2.1",
    "OSL-3.0",
    "RPL-1.1",
    "RPL-1.5",
    "RPSL-1.0",
    "SSPL-1.0",
];

/// Strong copyleft (family prefixes `GFDL-` and `CC-BY-SA-` are handled below).
const STRONG: &[&str] = &[
    "GPL-1.0-only",
    "GPL-1.0-or-later",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "CECILL-1.0",
    "CECILL-1.1",
    "CECILL-2.0",
    "CECILL-2.1",
    "Sleepycat",
    "QPL-1.0",
    "ODbL-1.0",
    "copyleft-next-0.3.0",
    "copyleft-next-0.3.1",
    "Parity-6.0.0",
    "Parity-7.0.0",
];

/// Weak (file- or library-level) copyleft.
const WEAK: &[&str] = &[
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "LGPLLR",
    "MPL-1.0",
    "MPL-1.1",
    "MPL-2.0",
    "MPL-2.0-no-copyleft-exception",
    "EPL-1.0",
    "EPL-2.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "CPL-1.0",
    "CECILL-C",
    "MS-RL",
    "APSL-1.0",
    "APSL-1.1",
    "APSL-1.2",
    "APSL-2.0",
    "NPL-1.0",
    "NPL-1.1",
    "IPL-1.0",
    "CPAL-1.0",
    "ErlPL-1.1",
    "SPL-1.0",
    "Motosoto",
    "NASA-1.3",
    "LPL-1.0",
    "LPL-1.02",
    "OSET-PL-2.1",
];

/// Exceptions that allow linking with non-free code: a strong copyleft with one of them
/// behaves like a weak one.
const LINKING_EXCEPTIONS: &[&str] = &[
    "Classpath-exception-2.0",
    "GCC-exception-2.0",
    "GCC-exception-3.1",
    "GPL-3.0-linking-exception",
    "GPL-3.0-linking-source-exception",
    "LGPL-3.0-linking-exception",
    "OCaml-LGPL-linking-exception",
    "Universal-FOSS-exception-1.0",
    "WxWindows-exception-3.1",
    "eCos-exception-2.0",
    "Font-exception-2.0",
    "FLTK-exception",
    "Qt-LGPL-exception-1.1",
];

/// The copyleft strength of a licence id of the SPDX list. Deprecated ids are classified as
/// their replacement, including an exception they fold in
/// (`GPL-2.0-with-classpath-exception` is weak).
pub fn licence_strength(entry: &LicenseEntry) -> Strength {
    let folded = ids::replacement(entry.name).and_then(|r| r.exception);
    with_exception(base_strength(entry), folded)
}

fn base_strength(entry: &LicenseEntry) -> Strength {
    let l = ids::effective(entry);
    let name = l.name;
    if NETWORK.contains(&name) {
        Strength::Network
    } else if STRONG.contains(&name) || name.starts_with("GFDL-") || name.starts_with("CC-BY-SA-") {
        Strength::Strong
    } else if WEAK.contains(&name) {
        Strength::Weak
    } else if ids::is_osi(&l) || ids::is_fsf(&l) {
        Strength::Permissive
    } else {
        Strength::Unknown
    }
}

fn with_exception(base: Strength, exception: Option<&str>) -> Strength {
    match exception {
        Some(e) if base == Strength::Strong && LINKING_EXCEPTIONS.contains(&e) => Strength::Weak,
        _ => base,
    }
}

/// The copyleft strength of one term, taking linking exceptions into account.
pub fn term_strength(term: &Term) -> Strength {
    let Licence::Spdx(entry) = &term.licence else {
        return Strength::Unknown;
    };
    match &term.addition {
        Some(Addition::Spdx(e)) => with_exception(base_strength(entry), Some(e.name)),
        _ => licence_strength(entry),
    }
}

/// The strength of a licence id written as text (any case); `None` if it is not on the SPDX
/// list.
pub fn strength_of(id: &str) -> Option<Strength> {
    ids::license(id).map(|l| licence_strength(&l))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_table_entry_is_a_current_spdx_id() {
        for id in NETWORK.iter().chain(STRONG).chain(WEAK) {
            let e = ids::license_exact(id);
            assert!(e.is_some_and(|e| !ids::is_deprecated(&e)), "{id}");
        }
        for id in LINKING_EXCEPTIONS {
            assert!(ids::exception(id).is_some_and(|e| e.name == *id), "{id}");
        }
    }

    #[test]
    fn reviewed_classification() {
        let cases = [
            ("MIT", Strength::Permissive),
            ("Apache-2.0", Strength::Permissive),
            ("BSD-3-Clause", Strength::Permissive),
            ("CECILL-B", Strength::Permissive),
            ("CC0-1.0", Strength::Permissive),
            ("CECILL-C", Strength::Weak),
            ("CECILL-2.1", Strength::Strong),
            ("EPL-2.0", Strength::Weak),
            ("EPL-1.0", Strength::Weak),
            ("MPL-2.0", Strength::Weak),
            ("LGPL-2.1-only", Strength::Weak),
            ("GPL-3.0-or-later", Strength::Strong),
            ("GPL-2.0", Strength::Strong),
            ("gpl-2.0+", Strength::Strong),
            ("AGPL-3.0-only", Strength::Network),
            ("EUPL-1.2", Strength::Network),
            ("CC-BY-SA-4.0", Strength::Strong),
            ("GFDL-1.3-or-later", Strength::Strong),
            ("CC-BY-4.0", Strength::Permissive),
            ("SSPL-1.0", Strength::Network),
            ("CC-BY-NC-4.0", Strength::Unknown),
            ("GPL-2.0-with-classpath-exception", Strength::Weak),
        ];
        for (id, want) in cases {
            assert_eq!(strength_of(id), Some(want), "{id}");
        }
    }

    #[test]
    fn the_crate_flag_is_wrong_where_we_say_it_is() {
        // Guards the reason this table exists: if the crate fixes these, revisit.
        assert!(spdx::license_id("CECILL-B").unwrap().is_copyleft());
        assert!(!spdx::license_id("EPL-2.0").unwrap().is_copyleft());
    }
}
