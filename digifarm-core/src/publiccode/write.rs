//! Writes a [`Document`] as the YAML of one version of the standard: keys in the standard's
//! order, every string double-quoted (so no YAML 1.1 reader takes `no` for a boolean or
//! `0.4` for a number), and only the keys and categories the target version knows.

use super::document::{Description, Document, Organisation};
use super::version::{self, Version};
use super::vocab;
use crate::source::Pos;
use crate::source::yaml_tree::{Entry, Kind, Node, Scalar};

/// A YAML node for the emitter.
enum Y {
    Str(String),
    Bool(bool),
    List(Vec<Y>),
    Map(Vec<(String, Y)>),
}

fn s(v: impl Into<String>) -> Y {
    Y::Str(v.into())
}

fn list<I: IntoIterator<Item = T>, T: Into<String>>(items: I) -> Y {
    Y::List(items.into_iter().map(|t| Y::Str(t.into())).collect())
}

struct MapBuilder(Vec<(String, Y)>);

impl MapBuilder {
    fn put(&mut self, key: &str, value: Y) {
        self.0.push((key.to_owned(), value));
    }
    fn opt(&mut self, key: &str, value: Option<&String>) {
        if let Some(v) = value {
            self.put(key, s(v.clone()));
        }
    }
    fn non_empty(&mut self, key: &str, values: &[String]) {
        if !values.is_empty() {
            self.put(key, list(values.iter().cloned()));
        }
    }
}

/// A string as a YAML double-quoted scalar that reads back exactly and holds only YAML 1.2
/// printable characters (JSON string syntax would write DEL, C1 controls and noncharacters
/// raw, and a publiccode.yml with them is not YAML 1.2).
fn quote(v: &str) -> String {
    crate::yaml_emit::double_quoted(v)
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_owned()
    } else {
        quote(k)
    }
}

fn emit(out: &mut String, node: &Y, indent: usize) {
    let pad = " ".repeat(indent);
    match node {
        Y::Map(entries) => {
            for (k, v) in entries {
                match v {
                    Y::Map(e) if !e.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", key(k)));
                        emit(out, v, indent + 2);
                    }
                    Y::List(items) if !items.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", key(k)));
                        emit(out, v, indent + 2);
                    }
                    _ => {
                        out.push_str(&format!("{pad}{}: ", key(k)));
                        scalar(out, v);
                    }
                }
            }
        }
        Y::List(items) => {
            for item in items {
                match item {
                    Y::Map(e) if !e.is_empty() => {
                        let mut inner = String::new();
                        emit(&mut inner, item, indent + 2);
                        out.push_str(&format!("{pad}- {}", inner.trim_start_matches(' ')));
                    }
                    _ => {
                        out.push_str(&format!("{pad}- "));
                        scalar(out, item);
                    }
                }
            }
        }
        other => scalar(out, other),
    }
}

fn scalar(out: &mut String, node: &Y) {
    match node {
        Y::Str(v) => out.push_str(&quote(v)),
        Y::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Y::List(_) => out.push_str("[]"),
        Y::Map(_) => out.push_str("{}"),
    }
    out.push('\n');
}

fn organisation(o: &Organisation) -> Y {
    let mut m = MapBuilder(Vec::new());
    m.opt("name", o.name.as_ref());
    m.put("uri", s(o.uri.clone()));
    Y::Map(m.0)
}

fn description(d: &Description) -> Y {
    let mut m = MapBuilder(Vec::new());
    m.opt("localisedName", d.localised_name.as_ref());
    m.opt("genericName", d.generic_name.as_ref());
    m.put("shortDescription", s(d.short_description.clone()));
    m.put("longDescription", s(d.long_description.clone()));
    m.opt("documentation", d.documentation.as_ref());
    m.opt("apiDocumentation", d.api_documentation.as_ref());
    m.non_empty("features", &d.features);
    m.non_empty("screenshots", &d.screenshots);
    m.non_empty("videos", &d.videos);
    m.non_empty("awards", &d.awards);
    Y::Map(m.0)
}

/// The first line of every file written.
const HEADER: &str = "# Written by digifarm; the standard: https://yml.publiccode.tools\n";

/// The YAML text of `doc` for readers of `version` (its `publiccodeYmlVersion` is set to
/// `version`; what that version does not know is left out). A header comment names the
/// writer.
pub fn write(doc: &Document, version: Version) -> String {
    let mut out = String::from(HEADER);
    emit(&mut out, &content(doc, version), 0);
    out
}

/// What reading [`write`]'s text gives, built without writing and parsing it: the same
/// nodes, keys, scalars and positions (`yaml_tree::parse(&write(doc, v))` equals
/// `Some(tree(doc, v))`, tested on generated documents with every kind of character). `None`
/// when the text could exceed what a publiccode.yml may hold, or has a key a reader would
/// refuse (twice in one map, or very long); the caller then checks the text itself, so those
/// rules apply as they would to the file.
pub(crate) fn tree(doc: &Document, version: Version) -> Option<Node> {
    let mut at = Cursor {
        line: 2,
        bytes: HEADER.len(),
        bad_key: false,
    };
    let root = Node {
        kind: block(&content(doc, version), 0, &mut at),
        pos: Pos::new(2, 1),
    };
    (at.bytes as u64 <= crate::source::MAX_RECORD_BYTES && !at.bad_key).then_some(root)
}

/// Where [`emit`] is: the line it writes next, an upper bound of the bytes written, and
/// whether a map got a key twice or a key too long for a YAML reader (the text is then no
/// YAML; its parse says so).
struct Cursor {
    line: usize,
    bytes: usize,
    bad_key: bool,
}

/// YAML readers take a key of at most 1024 characters (saphyr's simple-key limit); keys
/// longer than this are left to the text's own parse.
const LONG_KEY: usize = 512;

impl Cursor {
    /// One line of `indent` spaces and `chars` more characters written, none longer than
    /// four bytes and escapes at most four times their character's length.
    fn line(&mut self, indent: usize, parts: &[&str]) {
        self.line += 1;
        self.bytes += indent + 1 + parts.iter().map(|p| 4 * p.len() + 4).sum::<usize>();
    }
}

/// The non-empty map or list `node`, as [`emit`] writes it at `indent` from `at.line` on.
fn block(node: &Y, indent: usize, at: &mut Cursor) -> Kind {
    match node {
        Y::Map(entries) => {
            let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let written = key(k).chars().count();
                at.bad_key |= written > LONG_KEY || out.iter().any(|e| e.key == *k);
                let key_pos = Pos::new(at.line, indent + 1);
                let value = match v {
                    Y::Map(e) if !e.is_empty() => {
                        at.line(indent, &[k]);
                        nested(v, indent + 2, at)
                    }
                    Y::List(items) if !items.is_empty() => {
                        at.line(indent, &[k]);
                        nested(v, indent + 2, at)
                    }
                    _ => {
                        let column = indent + written + 3;
                        let node = scalar_node(v, Pos::new(at.line, column));
                        at.line(indent, &[k, scalar_text(v)]);
                        node
                    }
                };
                out.push(Entry {
                    key: k.clone(),
                    key_pos,
                    value,
                });
            }
            Kind::Map {
                entries: out,
                flow: false,
            }
        }
        Y::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let pos = Pos::new(at.line, indent + 3);
                match item {
                    Y::Map(e) if !e.is_empty() => out.push(Node {
                        // `- ` and the map's first key on one line, its other keys below.
                        kind: block(item, indent + 2, at),
                        pos,
                    }),
                    _ => {
                        out.push(scalar_node(item, pos));
                        at.line(indent + 2, &[scalar_text(item)]);
                    }
                }
            }
            Kind::Seq {
                items: out,
                flow: false,
            }
        }
        other => scalar_node(other, Pos::new(at.line, indent + 1)).kind,
    }
}

/// A non-empty map or list that starts on the next line, at `indent`.
fn nested(node: &Y, indent: usize, at: &mut Cursor) -> Node {
    let pos = Pos::new(at.line, indent + 1);
    Node {
        kind: block(node, indent, at),
        pos,
    }
}

/// What [`scalar`] writes for `node`, as read back.
fn scalar_node(node: &Y, pos: Pos) -> Node {
    let kind = match node {
        Y::Str(v) => Kind::Scalar {
            text: v.clone(),
            resolved: Scalar::Str,
        },
        Y::Bool(b) => Kind::Scalar {
            text: scalar_text(node).to_owned(),
            resolved: Scalar::Bool(*b),
        },
        Y::List(_) => Kind::Seq {
            items: Vec::new(),
            flow: true,
        },
        Y::Map(_) => Kind::Map {
            entries: Vec::new(),
            flow: true,
        },
    };
    Node { kind, pos }
}

/// The text of a scalar before quoting (for the size bound).
fn scalar_text(node: &Y) -> &str {
    match node {
        Y::Str(v) => v,
        Y::Bool(true) => "true",
        Y::Bool(false) => "false",
        Y::List(_) => "[]",
        Y::Map(_) => "{}",
    }
}

/// The document as the emitter's nodes.
fn content(doc: &Document, version: Version) -> Y {
    let knows = |k: &str| version.knows(version::key_since(k));
    let mut m = MapBuilder(Vec::new());
    m.put("publiccodeYmlVersion", s(version.as_str()));
    m.put("name", s(doc.name.clone()));
    m.opt("applicationSuite", doc.application_suite.as_ref());
    m.put("url", s(doc.url.clone()));
    m.opt("landingURL", doc.landing_url.as_ref());
    match doc.is_based_on.as_slice() {
        [] => {}
        [one] => m.put("isBasedOn", s(one.clone())),
        many => m.non_empty("isBasedOn", many),
    }
    m.opt("softwareVersion", doc.software_version.as_ref());
    m.opt("releaseDate", doc.release_date.as_ref());
    m.opt("logo", doc.logo.as_ref());
    m.opt("monochromeLogo", doc.monochrome_logo.as_ref());
    if knows("organisation")
        && let Some(o) = &doc.organisation
    {
        m.put("organisation", organisation(o));
    }
    m.non_empty("inputTypes", &doc.input_types);
    m.non_empty("outputTypes", &doc.output_types);
    m.non_empty("platforms", &doc.platforms);
    let categories: Vec<String> = doc
        .categories
        .iter()
        .filter(|c| vocab::category(c).is_some_and(|since| version.knows(since)))
        .cloned()
        .collect();
    m.non_empty("categories", &categories);
    m.non_empty("usedBy", &doc.used_by);
    if knows("fundedBy") && !doc.funded_by.is_empty() {
        m.put(
            "fundedBy",
            Y::List(doc.funded_by.iter().map(organisation).collect()),
        );
    }
    m.opt("roadmap", doc.roadmap.as_ref());
    m.put("developmentStatus", s(doc.development_status.clone()));
    m.put("softwareType", s(doc.software_type.clone()));
    if knows("supports") && !doc.supports.is_empty() {
        m.put(
            "supports",
            Y::List(
                doc.supports
                    .iter()
                    .map(|id| Y::Map(vec![("id".to_owned(), s(id.clone()))]))
                    .collect(),
            ),
        );
    }
    if let Some(a) = &doc.intended_audience {
        let mut am = MapBuilder(Vec::new());
        am.non_empty("scope", &a.scope);
        am.non_empty("countries", &a.countries);
        am.non_empty("unsupportedCountries", &a.unsupported_countries);
        if !am.0.is_empty() {
            m.put("intendedAudience", Y::Map(am.0));
        }
    }
    m.put(
        "description",
        Y::Map(
            doc.description
                .iter()
                .map(|(lang, d)| (lang.clone(), description(d)))
                .collect(),
        ),
    );
    let mut legal = MapBuilder(Vec::new());
    legal.put("license", s(doc.license.clone()));
    legal.opt("mainCopyrightOwner", doc.main_copyright_owner.as_ref());
    legal.opt("repoOwner", doc.repo_owner.as_ref());
    legal.opt("authorsFile", doc.authors_file.as_ref());
    m.put("legal", Y::Map(legal.0));
    let mut maintenance = MapBuilder(Vec::new());
    maintenance.put("type", s(doc.maintenance_type.clone()));
    if !doc.contractors.is_empty() {
        maintenance.put(
            "contractors",
            Y::List(
                doc.contractors
                    .iter()
                    .map(|c| {
                        let mut cm = MapBuilder(Vec::new());
                        cm.put("name", s(c.name.clone()));
                        cm.put("until", s(c.until.clone()));
                        cm.opt("email", c.email.as_ref());
                        cm.opt("website", c.website.as_ref());
                        Y::Map(cm.0)
                    })
                    .collect(),
            ),
        );
    }
    if !doc.contacts.is_empty() {
        maintenance.put(
            "contacts",
            Y::List(
                doc.contacts
                    .iter()
                    .map(|c| {
                        let mut cm = MapBuilder(Vec::new());
                        cm.put("name", s(c.name.clone()));
                        cm.opt("email", c.email.as_ref());
                        cm.opt("phone", c.phone.as_ref());
                        cm.opt("affiliation", c.affiliation.as_ref());
                        Y::Map(cm.0)
                    })
                    .collect(),
            ),
        );
    }
    m.put("maintenance", Y::Map(maintenance.0));
    let mut localisation = MapBuilder(Vec::new());
    if let Some(ready) = doc.localisation_ready {
        localisation.put("localisationReady", Y::Bool(ready));
    }
    localisation.non_empty("availableLanguages", &doc.available_languages);
    m.put("localisation", Y::Map(localisation.0));
    Y::Map(m.0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::publiccode::document::{Audience, Contact, Contractor};
    use crate::publiccode::{Options, check};
    use crate::source::yaml_tree;

    /// Any text: every character (controls, quotes, backslashes, line and paragraph
    /// separators, BOMs, noncharacters, emoji), or words, or nothing.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            ".{0,12}",
            "[a-z]{1,8}",
            "[\\x00-\\x1f\"\\\\ \\u{7f}-\\u{a0}\\u{2028}\\u{feff}\\u{fffe}#:-]{0,8}",
            Just(String::new()),
            proptest::sample::select(vec!["true", "no", "null", "~", "0.4", "- x", "[]", "{}"])
                .prop_map(str::to_owned),
        ]
    }

    fn texts() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec(text(), 0..3)
    }

    fn maybe() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(text())
    }

    fn organisation() -> impl Strategy<Value = Organisation> {
        (maybe(), text()).prop_map(|(name, uri)| Organisation { name, uri })
    }

    fn description() -> impl Strategy<Value = Description> {
        (
            (maybe(), maybe(), text(), text(), maybe(), maybe()),
            (texts(), texts(), texts(), texts()),
        )
            .prop_map(|((ln, gn, sd, ld, doc, api), (f, s, v, a))| Description {
                localised_name: ln,
                generic_name: gn,
                short_description: sd,
                long_description: ld,
                documentation: doc,
                api_documentation: api,
                features: f,
                screenshots: s,
                videos: v,
                awards: a,
            })
    }

    fn document() -> impl Strategy<Value = Document> {
        let categories: Vec<String> = vocab::CATEGORIES
            .iter()
            .map(|(c, _)| (*c).to_owned())
            .chain(["kein-begriff".to_owned()])
            .collect();
        let head = (
            text(),
            maybe(),
            text(),
            maybe(),
            texts(),
            maybe(),
            maybe(),
            maybe(),
            maybe(),
            proptest::option::of(organisation()),
            (texts(), texts(), texts()),
            proptest::sample::subsequence(categories, 0..4),
        );
        let middle = (
            texts(),
            proptest::collection::vec(organisation(), 0..3),
            maybe(),
            text(),
            text(),
            texts(),
            proptest::option::of((texts(), texts(), texts())),
            // Language keys as a catalog may hold them, odd ones included.
            proptest::collection::vec(
                (
                    prop_oneof!["[a-z]{2}", text().prop_filter("a key", |k| k.len() < 8)],
                    description(),
                ),
                0..3,
            ),
        );
        let contact =
            (text(), maybe(), maybe(), maybe()).prop_map(|(name, email, phone, a)| Contact {
                name,
                email,
                phone,
                affiliation: a,
            });
        let contractor =
            (text(), text(), maybe(), maybe()).prop_map(|(name, until, e, w)| Contractor {
                name,
                until,
                email: e,
                website: w,
            });
        let tail = (
            text(),
            (maybe(), maybe(), maybe()),
            text(),
            proptest::collection::vec(contractor, 0..3),
            proptest::collection::vec(contact, 0..3),
            proptest::option::of(any::<bool>()),
            texts(),
        );
        (head, middle, tail).prop_map(|(h, m, t)| Document {
            version: String::new(),
            name: h.0,
            application_suite: h.1,
            url: h.2,
            landing_url: h.3,
            is_based_on: h.4,
            software_version: h.5,
            release_date: h.6,
            logo: h.7,
            monochrome_logo: h.8,
            organisation: h.9,
            input_types: h.10.0,
            output_types: h.10.1,
            platforms: h.10.2,
            categories: h.11,
            used_by: m.0,
            funded_by: m.1,
            roadmap: m.2,
            development_status: m.3,
            software_type: m.4,
            supports: m.5,
            intended_audience: m
                .6
                .map(|(scope, countries, unsupported_countries)| Audience {
                    scope,
                    countries,
                    unsupported_countries,
                }),
            description: m.7,
            license: t.0,
            main_copyright_owner: t.1.0,
            repo_owner: t.1.1,
            authors_file: t.1.2,
            maintenance_type: t.2,
            contractors: t.3,
            contacts: t.4,
            localisation_ready: t.5,
            available_languages: t.6,
            has_depends_on: false,
            has_country_section: false,
        })
    }

    fn versions() -> impl Strategy<Value = Version> {
        proptest::sample::select(vec![
            Version::Current,
            Version::V0_7,
            Version::V0_5,
            Version::V0_4,
            Version::V0_2,
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// The export check builds the tree instead of writing and parsing the text: both
        /// must be the same, position for position, and so must the check's findings.
        #[test]
        fn the_tree_is_what_reading_the_written_text_gives(doc in document(), version in versions()) {
            let text = write(&doc, version);
            let parsed = yaml_tree::parse(&text);
            let built = tree(&doc, version);
            let Some(built) = built else {
                // Only a map with a key twice (these texts are far below the size bound and
                // their keys short), which is no YAML.
                prop_assert!(parsed.is_err(), "{}", text);
                return Ok(());
            };
            prop_assert_eq!(parsed.as_ref().ok().and_then(Option::as_ref), Some(&built), "{}", text);
            let options = Options::default();
            let from_text = check(text.as_bytes(), "publiccode.yml", &options);
            let from_tree = super::super::check::check_tree(&built, "publiccode.yml", &options);
            prop_assert_eq!(from_tree, from_text);
        }
    }

    #[test]
    fn a_key_too_long_for_a_reader_is_left_to_the_text() {
        for lang in [
            "a".repeat(1100),
            "\u{1}".repeat(300),
            "b".repeat(LONG_KEY + 1),
        ] {
            let doc = Document {
                description: vec![(lang, Description::default())],
                ..Document::default()
            };
            assert!(tree(&doc, Version::Current).is_none());
        }
        let text = write(
            &Document {
                description: vec![("a".repeat(1100), Description::default())],
                ..Document::default()
            },
            Version::Current,
        );
        assert!(yaml_tree::parse(&text).is_err());
        let fits = Document {
            description: vec![("c".repeat(LONG_KEY), Description::default())],
            ..Document::default()
        };
        let built = tree(&fits, Version::Current);
        assert!(built.is_some());
        assert_eq!(
            yaml_tree::parse(&write(&fits, Version::Current))
                .ok()
                .flatten(),
            built
        );
    }

    #[test]
    fn a_document_that_could_be_too_large_is_left_to_the_text() {
        let doc = Document {
            name: "\u{1}".repeat(3 << 20),
            ..Document::default()
        };
        assert!(tree(&doc, Version::Current).is_none());
        let checked = check(
            write(&doc, Version::Current).as_bytes(),
            "publiccode.yml",
            &Options::default(),
        );
        assert_eq!(checked.diagnostics[0].code, "file-too-large");
        let small = Document {
            name: "Stadtbaum".to_owned(),
            ..Document::default()
        };
        assert!(tree(&small, Version::Current).is_some());
    }
}
