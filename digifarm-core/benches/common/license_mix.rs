//! A realistic mix of licence expressions, shared by the criterion bench and the
//! `license_bench` timing driver in `tools/src/bin/` (which the Python comparison runs).
//!
//! Weights follow what civic-tech catalogs and package registries contain: mostly single
//! permissive or GNU ids, some dual licences, case slips, deprecated ids, a few LicenseRefs,
//! free text that does not parse, and non-free licences.

/// (expression, weight)
pub const MIX: &[(&str, u32)] = &[
    ("MIT", 220),
    ("Apache-2.0", 120),
    ("MIT OR Apache-2.0", 70),
    ("GPL-3.0-or-later", 60),
    ("GPL-3.0-only", 40),
    ("AGPL-3.0-or-later", 35),
    ("EUPL-1.2", 35),
    ("BSD-3-Clause", 30),
    ("BSD-2-Clause", 15),
    ("GPL-2.0-or-later", 20),
    ("GPL-2.0-only", 15),
    ("LGPL-2.1-or-later", 15),
    ("LGPL-3.0-only", 10),
    ("MPL-2.0", 20),
    ("ISC", 15),
    ("Unlicense", 8),
    ("CC0-1.0", 10),
    ("0BSD", 4),
    ("Zlib", 4),
    ("EPL-2.0", 6),
    ("Apache-2.0 WITH LLVM-exception", 6),
    ("GPL-2.0-or-later WITH Classpath-exception-2.0", 5),
    ("(MIT OR Apache-2.0) AND Unicode-3.0", 5),
    ("Apache-2.0 AND MIT AND BSD-3-Clause", 6),
    ("EUPL-1.2 OR AGPL-3.0-or-later", 8),
    ("GPL-3.0-or-later AND CC-BY-SA-4.0", 5),
    ("MIT AND CC-BY-4.0", 5),
    ("mit", 10),
    ("apache-2.0", 6),
    ("gpl-3.0-or-later or mit", 3),
    ("GPL-3.0", 12),
    ("GPL-2.0+", 6),
    ("LGPL-2.1", 4),
    ("AGPL-3.0", 5),
    ("LicenseRef-Stadt-Muenster", 4),
    ("SSPL-1.0", 3),
    ("BUSL-1.1", 3),
    ("MIT AND SSPL-1.0", 2),
    ("CC-BY-NC-4.0", 2),
    ("MIT License", 6),
    ("GPL v3", 4),
    ("Apache License 2.0", 3),
    ("NOASSERTION", 3),
    ("", 2),
];

/// `n` expressions drawn from [`MIX`] by weight, deterministic (SplitMix64).
pub fn expressions(n: usize, seed: u64) -> Vec<&'static str> {
    let total: u64 = MIX.iter().map(|(_, w)| u64::from(*w)).sum();
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    (0..n)
        .map(|_| {
            let mut pick = next() % total;
            for (expr, w) in MIX {
                let w = u64::from(*w);
                if pick < w {
                    return *expr;
                }
                pick -= w;
            }
            "MIT"
        })
        .collect()
}
