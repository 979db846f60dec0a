//! The encoder and the decoder held to each other: generated records survive a round trip
//! unchanged, and a damaged input is refused, never a panic.

use alloc::borrow::ToOwned;
use alloc::vec::Vec;

use super::*;

/// splitmix64: a fixed sequence, so a failure names its seed and repeats.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }

    fn str(&mut self) -> &'static str {
        const POOL: &[&str] = &[
            "",
            "a",
            "de",
            "Münster",
            "in-development",
            "🚲 Lastenrad für alle",
            "https://git.example.org/münster/app",
            "2024-05-01",
            "Straße\n\"quoted\"\t\u{0}",
            "C:\\Daten\\u00e4 \\\" \u{7f}",
            "ein längerer Text über ein Projekt, das Ehrenamtliche in der Stadt pflegen",
        ];
        POOL[self.below(POOL.len())]
    }

    fn opt_str(&mut self) -> Option<&'static str> {
        self.coin().then(|| self.str())
    }

    fn strs(&mut self) -> Vec<&'static str> {
        (0..self.below(4)).map(|_| self.str()).collect()
    }

    fn f64(&mut self) -> f64 {
        match self.below(5) {
            0 => 0.0,
            1 => -0.0,
            2 => f64::INFINITY,
            3 => f64::MAX,
            _ => (self.next() % 100_000) as f64 / 7.0,
        }
    }

    fn opt_f64(&mut self) -> Option<f64> {
        self.coin().then(|| self.f64())
    }

    fn texts(&mut self) -> Vec<Text<'static>> {
        (0..self.below(3))
            .map(|_| Text {
                lang: self.str(),
                value: self.str(),
            })
            .collect()
    }

    fn need(&mut self) -> Need<'static> {
        Need {
            kind: self.str(),
            description: self.texts(),
            skills: self.strs(),
            hours_per_month: self.opt_f64(),
            eur_per_year: self.opt_f64(),
            priority: self.str(),
            since: self.opt_str(),
            supported_by: (0..self.below(3))
                .map(|_| SupportRef {
                    partner: self.str(),
                    offer: self.opt_str(),
                    since: self.opt_str(),
                })
                .collect(),
        }
    }

    fn project(&mut self) -> Project<'static> {
        Project {
            id: self.str(),
            name: self.str(),
            summary: self.texts(),
            description: self.texts(),
            status: self.str(),
            status_since: self.opt_str(),
            lifecycle: self.str(),
            categories: self.strs(),
            software_type: self.opt_str(),
            complexity: self.opt_str(),
            technologies: self.strs(),
            origin: self.coin().then(|| Origin {
                city: self.opt_str(),
                community: self.opt_str(),
                started: self.opt_str(),
            }),
            admitted_on: self.opt_str(),
            links: Links {
                homepage: self.opt_str(),
                source: self.opt_str(),
                info: self.opt_str(),
            },
            license: self.str(),
            deployment: self.coin().then(|| Deployment {
                mode: self.str(),
                cities: self.strs(),
            }),
            needs: (0..self.below(4)).map(|_| self.need()).collect(),
            last_reviewed: self.opt_str(),
        }
    }

    fn partner(&mut self) -> Partner<'static> {
        Partner {
            id: self.str(),
            name: self.str(),
            kind: self.str(),
            sectors: self.strs(),
            region: self.opt_str(),
            website: self.opt_str(),
        }
    }

    fn offer(&mut self) -> Offer<'static> {
        Offer {
            id: self.str(),
            partner: self.str(),
            kind: self.str(),
            description: self.texts(),
            skills: self.strs(),
            topics: self.strs(),
            regions: self.strs(),
            remote: self.coin(),
            capacity: Capacity {
                projects: self.coin().then(|| self.next() as u32),
                hours_per_month: self.opt_f64(),
            },
            budget_eur_per_year: self.opt_f64(),
            license_requirement: self.opt_str(),
            valid_from: self.opt_str(),
            valid_until: self.opt_str(),
        }
    }

    fn catalog(&mut self) -> Catalog<'static> {
        Catalog {
            city: City {
                name: self.str(),
                ags: self.opt_str(),
                languages: self.strs(),
                website: self.opt_str(),
            },
            projects: (0..self.below(6)).map(|_| self.project()).collect(),
            partners: (0..self.below(4)).map(|_| self.partner()).collect(),
            offers: (0..self.below(5)).map(|_| self.offer()).collect(),
        }
    }

    fn scorer_batch(&mut self) -> ScorerBatch<'static> {
        let Catalog {
            projects,
            partners,
            offers,
            ..
        } = self.catalog();
        let candidates = (0..self.below(6))
            .map(|_| {
                [
                    self.next() as u32,
                    self.next() as u32,
                    self.next() as u32,
                    self.next() as u32,
                ]
            })
            .collect();
        ScorerBatch {
            projects,
            partners,
            offers,
            candidates,
        }
    }
}

const SEEDS: u64 = 500;

#[test]
fn round_trip_catalogs() {
    for seed in 0..SEEDS {
        let catalog = Gen(seed).catalog();
        let enc = encode_catalog(&catalog);
        assert_eq!(&enc.data[..4], MAGIC);
        let back = decode_catalog(&enc.data, &enc.strings);
        assert_eq!(back.as_ref(), Ok(&catalog), "seed {seed}");
        // Encoding what was decoded gives the same bytes: nothing is lost or reordered.
        assert_eq!(encode_catalog(&catalog), enc, "seed {seed}");
    }
}

#[test]
fn round_trip_validator_and_scorer_inputs() {
    for seed in 0..SEEDS {
        let mut g = Gen(seed);
        let projects: Vec<Project<'static>> = (0..g.below(5)).map(|_| g.project()).collect();
        let enc = encode_projects(&projects);
        assert_eq!(
            decode_projects(&enc.data, &enc.strings).as_ref(),
            Ok(&projects),
            "seed {seed}"
        );
        let batch = g.scorer_batch();
        let enc = encode_scorer_batch(&batch);
        assert_eq!(
            decode_scorer_batch(&enc.data, &enc.strings).as_ref(),
            Ok(&batch),
            "seed {seed}"
        );
    }
}

#[test]
fn nan_keeps_its_bits() {
    let mut need = Gen(1).need();
    need.hours_per_month = Some(f64::NAN);
    let project = Project {
        needs: alloc::vec![need],
        ..Gen(2).project()
    };
    let enc = encode_projects(core::slice::from_ref(&project));
    let back = decode_projects(&enc.data, &enc.strings);
    let hours = back.ok().and_then(|p| p[0].needs[0].hours_per_month);
    assert!(hours.is_some_and(f64::is_nan));
}

#[test]
fn every_truncation_is_refused() {
    for seed in 0..40 {
        let enc = encode_catalog(&Gen(seed).catalog());
        for cut in 0..enc.data.len() {
            assert!(
                decode_catalog(&enc.data[..cut], &enc.strings).is_err(),
                "seed {seed}: {cut} of {} bytes decoded",
                enc.data.len()
            );
        }
        let mut longer = enc.data.clone();
        longer.push(0);
        assert!(decode_catalog(&longer, &enc.strings).is_err());
    }
}

#[test]
fn damaged_bytes_never_panic() {
    for seed in 0..60 {
        let mut g = Gen(seed ^ 0xABCD);
        let enc = encode_catalog(&g.catalog());
        for _ in 0..200 {
            let mut data = enc.data.clone();
            let at = 4 + g.below(data.len() - 4);
            data[at] = g.next() as u8;
            // Refused or decoded into something; either way no panic, no out-of-bounds read.
            let _ = decode_catalog(&data, &enc.strings);
        }
    }
}

#[test]
fn a_string_off_a_character_boundary_is_refused() {
    let mut e = Encoder::new(0);
    e.count(1);
    let mut data = e.finish().data;
    data.extend_from_slice(&0u32.to_le_bytes());
    data.extend_from_slice(&1u32.to_le_bytes());
    // A project whose id is the first byte of "ü".
    let err = decode_projects(&data, "ü").err();
    assert!(err.is_some_and(|e| e.0.contains("character boundaries")));
}

#[test]
fn another_version_is_refused() {
    let enc = encode_projects(&[]);
    let mut data = enc.data.clone();
    data[3] = b'4';
    let err = decode_projects(&data, &enc.strings).err();
    assert!(err.is_some_and(|e| e.0.contains("dfb1") && e.0.contains("dfb2")));
}

#[test]
fn round_trip_version_2() {
    for seed in 0..SEEDS {
        let mut g = Gen(seed);
        let catalog = g.catalog();
        let enc = encode_catalog_with(&catalog, Version::V2);
        assert_eq!(&enc.data[..4], MAGIC_INDEXED);
        let back = decode_catalog(&enc.data, &enc.strings);
        assert_eq!(back.as_ref(), Ok(&catalog), "seed {seed}");
        // The same text as version 1; only the offsets and the index differ.
        assert_eq!(enc.strings, encode_catalog(&catalog).strings);
        let projects: Vec<Project<'static>> = (0..g.below(5)).map(|_| g.project()).collect();
        let enc = encode_projects_with(&projects, Version::V2);
        let back = decode_projects(&enc.data, &enc.strings);
        assert_eq!(back.as_ref(), Ok(&projects), "seed {seed}");
        let batch = g.scorer_batch();
        let enc = encode_scorer_batch_with(&batch, Version::V2);
        let back = decode_scorer_batch(&enc.data, &enc.strings);
        assert_eq!(back.as_ref(), Ok(&batch), "seed {seed}");
    }
}

#[test]
fn round_trip_version_3() {
    for seed in 0..SEEDS {
        let mut g = Gen(seed);
        let catalog = g.catalog();
        let enc = encode_catalog_with(&catalog, Version::V3);
        assert_eq!(&enc.data[..4], MAGIC_ASCII);
        assert!(enc.strings.is_ascii(), "seed {seed}");
        let text = Unescaped::new(&enc.strings);
        let text = text.as_ref().expect("the encoder's text resolves");
        // Resolved, the same text as version 1.
        assert_eq!(text.text(), encode_catalog(&catalog).strings, "seed {seed}");
        assert_eq!(
            decode_catalog_v3(&enc.data, text).as_ref(),
            Ok(&catalog),
            "seed {seed}"
        );
        // Version 2's layout: the same index tables, only the magic, the spans and the count
        // of characters differ.
        let v2 = encode_catalog_with(&catalog, Version::V2);
        let (end3, p3, n3, s3) = index_of(&enc.data);
        assert_eq!((end3, p3, n3, s3), index_of(&v2.data), "seed {seed}");
        assert_eq!(head_chars(&enc.data), enc.strings.len());
        // Version 2's and 1's decoders refuse it by its magic.
        let err = decode_catalog(&enc.data, &enc.strings).err();
        assert!(
            err.is_some_and(|e| e.0.contains("Decoder::new_v3")),
            "seed {seed}"
        );

        let projects: Vec<Project<'static>> = (0..g.below(5)).map(|_| g.project()).collect();
        let enc = encode_projects_with(&projects, Version::V3);
        let text = Unescaped::new(&enc.strings).expect("the encoder's text resolves");
        assert_eq!(decode_projects_v3(&enc.data, &text).as_ref(), Ok(&projects));
        let batch = g.scorer_batch();
        let enc = encode_scorer_batch_with(&batch, Version::V3);
        let text = Unescaped::new(&enc.strings).expect("the encoder's text resolves");
        assert_eq!(
            decode_scorer_batch_v3(&enc.data, &text).as_ref(),
            Ok(&batch)
        );
    }
}

#[test]
fn version_3_writes_only_what_needs_it_escaped() {
    let project = |name: &'static str| Project {
        name,
        ..Gen(5).project()
    };
    let mark = |name: &'static str| {
        let enc = encode_projects_with(&[project(name)], Version::V3);
        // The name's span: the second string of the project.
        let at = 4 + 4 + 4 + 8;
        let (start, len) = (u32_le(&enc.data, at) as usize, u32_le(&enc.data, at + 4));
        let sent = &enc.strings[start..start + (len & !ESCAPED) as usize];
        (sent.to_owned(), len & ESCAPED != 0)
    };
    assert_eq!(
        mark("plain \"ASCII\"\t"),
        ("plain \"ASCII\"\t".into(), false)
    );
    assert_eq!(mark("Münster"), ("M\\u00fcnster".into(), true));
    assert_eq!(mark("a\\b"), ("a\\\\b".into(), true));
    assert_eq!(
        mark("🚲 \"\u{1}\u{8}\u{c}\n\r\t\u{7f}é"),
        (
            "\\ud83d\\udeb2 \\\"\\u0001\\b\\f\\n\\r\\t\u{7f}\\u00e9".into(),
            true
        )
    );
}

#[test]
fn version_3_text_and_marks_are_checked() {
    // What `Unescaped` refuses: anything but ASCII, an escape JSON does not have, a lone
    // surrogate.
    for bad in [
        "é",
        "\\x41",
        "\\u12",
        "\\u12g4",
        "\\",
        "\\ud83d",
        "\\ud83d\\u0041",
        "\\udeb2",
    ] {
        assert!(Unescaped::new(bad).is_err(), "{bad:?}");
    }
    let text = Unescaped::new("a\\/\\u00e4\\ud83d\\udeb2z");
    assert_eq!(text.map(|t| t.text().to_owned()), Ok("a/ä🚲z".into()));

    // A marked span with a raw quote, or an unmarked one with an escape, is refused; so is a
    // span that ends inside an escape.
    let enc = encode_projects_with(&[Gen(6).project()], Version::V3);
    let at = 4 + 4 + 4; // the first project's id
    let with = |strings: &str, start: u32, len: u32| {
        let mut data = enc.data.clone();
        data[at..at + 4].copy_from_slice(&start.to_le_bytes());
        data[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
        let text = Unescaped::new(strings).expect("valid text");
        let mut d = Decoder::new_v3(&data, &text).expect("a version-3 input");
        d.projects().map(|p| p[0].id.to_owned())
    };
    // The span under test is appended to the text, so the other strings stay where they are.
    let at_end = |s: &str| alloc::format!("{}{s}", enc.strings);
    let end = u32::try_from(enc.strings.len()).expect("a small text");
    assert_eq!(
        with(&at_end("a\\u00e4b"), end, 8 | ESCAPED),
        Ok("aäb".into())
    );
    assert_eq!(with(&at_end("a\\u00e4b"), end, 8).ok(), None);
    assert_eq!(with(&at_end("a\"b"), end, 3 | ESCAPED).ok(), None);
    assert_eq!(with(&at_end("a\"b"), end, 3), Ok("a\"b".into()));
    assert_eq!(with(&at_end("a\\u00e4b"), end, 4 | ESCAPED).ok(), None);
}

/// The little-endian u32 at byte `at` of `data`.
fn u32_le(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]])
}

/// The character count in the head of a version-2 input's index.
fn head_chars(data: &[u8]) -> usize {
    u32_le(data, u32_le(data, 4) as usize + 16) as usize
}

/// The index's tables: (where the projects end, projects, needs, supporters).
fn index_of(data: &[u8]) -> (u32, Vec<u32>, Vec<u32>, Vec<u32>) {
    let u = |at: usize| u32_le(data, at);
    let at = u(4) as usize;
    let (p, n, s) = (u(at + 4) as usize, u(at + 8) as usize, u(at + 12) as usize);
    let table = |from: usize, len: usize| (0..len).map(|i| u(from + 4 * i)).collect::<Vec<_>>();
    let first = at + crate::index::HEAD;
    let projects = table(first, 18 * p);
    let needs = table(first + 72 * p, 8 * n);
    let supporters = table(first + 72 * p + 32 * n, 3 * s);
    assert_eq!(first + 72 * p + 32 * n + 12 * s, data.len());
    (u(at), projects, needs, supporters)
}

#[test]
fn the_index_points_at_each_field() {
    for seed in 0..SEEDS {
        let catalog = Gen(seed).catalog();
        let enc = encode_catalog_with(&catalog, Version::V2);
        let (_, projects, needs, supporters) = index_of(&enc.data);
        let at = |pos: u32| Decoder::new(&enc.data, &enc.strings).map(|d| d.at(pos as usize));
        let str_at = |pos: u32| at(pos).and_then(|mut d| d.next_str());
        let u32_at = |pos: u32| at(pos).and_then(|mut d| d.next_u32());
        let (mut n, mut s) = (0, 0);
        assert_eq!(projects.len(), 18 * catalog.projects.len(), "seed {seed}");
        for (row, p) in projects.chunks(18).zip(&catalog.projects) {
            assert_eq!(str_at(row[0]), Ok(p.id), "seed {seed}");
            assert_eq!(str_at(row[1]), Ok(p.name));
            assert_eq!(u32_at(row[2]), Ok(p.summary.len() as u32));
            assert_eq!(u32_at(row[3]), Ok(p.description.len() as u32));
            assert_eq!(str_at(row[4]), Ok(p.status));
            assert_eq!(str_at(row[6]), Ok(p.lifecycle));
            assert_eq!(u32_at(row[7]), Ok(p.categories.len() as u32));
            assert_eq!(u32_at(row[10]), Ok(p.technologies.len() as u32));
            assert_eq!(enc.data[row[11] as usize], u8::from(p.origin.is_some()));
            assert_eq!(
                enc.data[row[13] as usize],
                u8::from(p.links.homepage.is_some())
            );
            assert_eq!(str_at(row[14]), Ok(p.license));
            assert_eq!(enc.data[row[15] as usize], u8::from(p.deployment.is_some()));
            assert_eq!(u32_at(row[16]), Ok(p.needs.len() as u32));
            assert_eq!(
                enc.data[row[17] as usize],
                u8::from(p.last_reviewed.is_some())
            );
            for need in &p.needs {
                let q = &needs[8 * n..8 * n + 8];
                n += 1;
                assert_eq!(str_at(q[0]), Ok(need.kind));
                assert_eq!(u32_at(q[1]), Ok(need.description.len() as u32));
                assert_eq!(u32_at(q[2]), Ok(need.skills.len() as u32));
                assert_eq!(str_at(q[5]), Ok(need.priority));
                assert_eq!(enc.data[q[6] as usize], u8::from(need.since.is_some()));
                assert_eq!(u32_at(q[7]), Ok(need.supported_by.len() as u32));
                for r in &need.supported_by {
                    let t = &supporters[3 * s..3 * s + 3];
                    s += 1;
                    assert_eq!(str_at(t[0]), Ok(r.partner));
                    assert_eq!(enc.data[t[1] as usize], u8::from(r.offer.is_some()));
                    assert_eq!(enc.data[t[2] as usize], u8::from(r.since.is_some()));
                }
            }
        }
        assert_eq!(
            (8 * n, 3 * s),
            (needs.len(), supporters.len()),
            "seed {seed}"
        );
    }
}

#[test]
fn version_2_counts_characters() {
    let project = Project {
        id: "🚲 Lastenrad für alle",
        name: "Münster",
        ..Gen(3).project()
    };
    let enc = encode_projects_with(core::slice::from_ref(&project), Version::V2);
    let pair = |at: usize| (u32_le(&enc.data, at), u32_le(&enc.data, at + 4));
    // The id, then the name: offsets and lengths in characters, not UTF-8 bytes.
    assert_eq!(pair(12), (0, 20));
    assert_eq!(pair(20), (20, 7));
    assert_eq!(
        decode_projects(&enc.data, &enc.strings).map(|p| p[0].id),
        Ok(project.id)
    );
}

#[test]
fn the_index_head_counts_the_characters_of_strings() {
    for seed in 0..60 {
        let catalog = Gen(seed).catalog();
        let enc = encode_catalog_with(&catalog, Version::V2);
        assert_eq!(
            head_chars(&enc.data),
            enc.strings.chars().count(),
            "seed {seed}"
        );
        // The same index with other text of as many bytes is refused: the count differs.
        if let Some(c) = enc.strings.chars().find(|c| c.len_utf8() == 2) {
            let other = enc.strings.replacen(c, "ab", 1);
            assert_eq!(other.len(), enc.strings.len());
            assert!(decode_catalog(&enc.data, &other).is_err(), "seed {seed}");
        }
    }
    // Scorer batches without projects: the head still counts the characters of the
    // partners' and offers' strings.
    let mut counted = 0;
    for seed in 0..20 {
        let mut batch = Gen(seed).scorer_batch();
        batch.projects.clear();
        batch.candidates.clear();
        let enc = encode_scorer_batch_with(&batch, Version::V2);
        let chars = enc.strings.chars().count();
        assert_eq!(head_chars(&enc.data), chars, "seed {seed}");
        assert_eq!(
            decode_scorer_batch(&enc.data, &enc.strings).as_ref(),
            Ok(&batch)
        );
        counted += chars;
    }
    assert!(counted > 0);
}

#[test]
fn a_wrong_index_is_refused() {
    for seed in 0..40 {
        let enc = encode_catalog_with(&Gen(seed).catalog(), Version::V2);
        let index_at = u32_le(&enc.data, 4) as usize;
        for at in index_at..enc.data.len() {
            let mut data = enc.data.clone();
            data[at] ^= 1;
            assert!(
                decode_catalog(&data, &enc.strings).is_err(),
                "seed {seed}: a changed byte {at} of the index went unnoticed"
            );
        }
        for cut in 0..enc.data.len() {
            assert!(decode_catalog(&enc.data[..cut], &enc.strings).is_err());
        }
        // Damage anywhere never panics.
        let mut g = Gen(seed ^ 0x5EED);
        for _ in 0..200 {
            let mut data = enc.data.clone();
            let at = g.below(data.len());
            data[at] = g.next() as u8;
            let _ = decode_catalog(&data, &enc.strings);
        }
    }
}

#[test]
fn dates_are_iso_8601() {
    let text = |year, month, day| {
        let mut out = alloc::string::String::new();
        Ymd { year, month, day }.write_iso(&mut out);
        out
    };
    assert_eq!(text(2024, 5, 1), "2024-05-01");
    assert_eq!(text(12, 12, 31), "0012-12-31");
    assert_eq!(text(0, 1, 1), "0000-01-01");
    assert_eq!(text(9999, 12, 31), "9999-12-31");
    assert_eq!(text(10_000, 1, 1), "+10000-01-01");
    assert_eq!(text(-5, 12, 31), "-0005-12-31");
    assert_eq!(text(-262_143, 1, 1), "-262143-01-01");
}
