//! Every rule of the standard, checked on a positioned YAML tree. The checker also reads the
//! content into a [`Document`], so import and export use exactly what was checked.
//!
//! Each finding names the reference validator's key path in its message
//! (`maintenance.contacts[0].name`) and points at the key (or list item) it is about; a
//! missing key is reported where it belongs: at the first key of the mapping that should
//! hold it (or at the `{` of a flow mapping).

use std::collections::HashSet;
use std::path::{Component, Path};

use unicode_segmentation::UnicodeSegmentation;

use super::document::{Audience, Contact, Contractor, Description, Document, Organisation};
use super::version::{self, Version};
use super::vocab;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::yaml_tree::{self, Entry, Kind, Node, Scalar};
use crate::source::{self, Pos};

/// Reaches the network for the checks that need it (URL liveness, remote logos). digifarm's
/// implementation is [`super::network::HttpChecker`] (feature `network`); tests may bring
/// their own.
pub trait Network: Sync {
    /// `Ok` when `url` answers with a success status; otherwise why not.
    ///
    /// # Errors
    /// A message saying why the URL is not reachable (refused address, timeout, status).
    fn check_url(&self, url: &str) -> Result<(), String>;
}

/// What a check may look at besides the file itself.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// The directory the publiccode.yml sits in (the repository root): relative `logo`,
    /// `screenshots` and `authorsFile` paths are looked up there. `None` skips those checks.
    pub base_dir: Option<&'a Path>,
    /// The codes of the Italian public administrations register (IndicePA), lowercase: with
    /// it, `urn:x-italian-pa:<code>` and `IT.riuso.codiceIPA` are checked against it; without
    /// it only their form is checked (and a note says so).
    pub ipa_codes: Option<&'a HashSet<String>>,
    /// Network checks; `None` (the default) makes none.
    pub network: Option<&'a dyn Network>,
}

/// The result of checking one publiccode.yml.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The version the file declares, if it is one.
    pub version: Option<Version>,
    /// What the file says, as far as it could be read.
    pub document: Document,
    /// Every finding, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Whether the file is valid (warnings and notes allowed).
    pub fn is_valid(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Whether the file has warnings.
    pub fn has_warnings(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning)
    }
}

/// Checks the bytes of one publiccode.yml; `file` is the name used in diagnostics.
pub fn check(bytes: &[u8], file: &str, options: &Options<'_>) -> Checked {
    checked(file, options, |ck, document| ck.run(bytes, document))
}

/// [`check`] on a file's parsed content: what checking the text that `root` was read from
/// gives, for a text within the size limit (the export check builds `root` directly).
pub(crate) fn check_tree(root: &Node, file: &str, options: &Options<'_>) -> Checked {
    checked(file, options, |ck, document| ck.root(root, document))
}

/// Runs `rules` with a fresh checker and returns what they found, sorted.
fn checked(
    file: &str,
    options: &Options<'_>,
    rules: impl FnOnce(&mut Ck<'_>, &mut Document) -> Option<Version>,
) -> Checked {
    let mut ck = Ck {
        file,
        out: Vec::new(),
        options,
        version: Version::Current,
    };
    let mut document = Document::default();
    let version = rules(&mut ck, &mut document);
    crate::diagnostic::sort(&mut ck.out);
    Checked {
        version,
        document,
        diagnostics: ck.out,
    }
}

/// A key path in the reference's notation (`a.b[0].c`) and the JSON pointer (`/a/b/0/c`).
#[derive(Clone)]
struct At {
    key: String,
    ptr: String,
}

impl At {
    fn root() -> At {
        At {
            key: String::new(),
            ptr: String::new(),
        }
    }
    fn key(&self, k: &str) -> At {
        let mut ptr = String::with_capacity(self.ptr.len() + k.len() + 1);
        ptr.push_str(&self.ptr);
        source::push_pointer(&mut ptr, k);
        let mut key = String::with_capacity(self.key.len() + k.len() + 1);
        key.push_str(&self.key);
        if !key.is_empty() {
            key.push('.');
        }
        key.push_str(k);
        At { key, ptr }
    }
    fn index(&self, i: usize) -> At {
        At {
            key: format!("{}[{i}]", self.key),
            ptr: format!("{}/{i}", self.ptr),
        }
    }
}

struct Ck<'a> {
    file: &'a str,
    out: Vec<Diagnostic>,
    options: &'a Options<'a>,
    version: Version,
}

/// Where a key that is missing from `parent` belongs.
fn missing_pos(parent: &Node) -> Pos {
    match &parent.kind {
        Kind::Map {
            entries,
            flow: false,
        } => entries.first().map_or(parent.pos, |e| e.key_pos),
        _ => parent.pos,
    }
}

const TOP_KEYS: &[&str] = &[
    "publiccodeYmlVersion",
    "name",
    "applicationSuite",
    "url",
    "landingURL",
    "isBasedOn",
    "softwareVersion",
    "releaseDate",
    "logo",
    "monochromeLogo",
    "organisation",
    "inputTypes",
    "outputTypes",
    "platforms",
    "categories",
    "usedBy",
    "fundedBy",
    "roadmap",
    "developmentStatus",
    "softwareType",
    "supports",
    "intendedAudience",
    "description",
    "legal",
    "maintenance",
    "localisation",
    "dependsOn",
    "IT",
    "it",
];
const DESCRIPTION_KEYS: &[&str] = &[
    "localisedName",
    "genericName",
    "shortDescription",
    "longDescription",
    "documentation",
    "apiDocumentation",
    "features",
    "screenshots",
    "videos",
    "awards",
];
const DEPRECATED_SAFE_TO_DROP: &str =
    "This key is DEPRECATED and will be removed in the future. It's safe to drop it";

impl Ck<'_> {
    fn push(&mut self, code: Code, at: &At, pos: Pos, message: String, help: Option<String>) {
        let mut d = Diagnostic::new(code, self.file, at.ptr.clone(), message)
            .at(pos.line.max(1), pos.column.max(1));
        d.help = help;
        self.out.push(d);
    }

    fn error(&mut self, code: Code, at: &At, pos: Pos, message: String) {
        self.push(code, at, pos, message, None);
    }

    fn warn(&mut self, code: Code, at: &At, pos: Pos, message: String) {
        self.push(code, at, pos, message, None);
        if let Some(d) = self.out.last_mut() {
            d.severity = Severity::Warning;
        }
    }

    fn required(&mut self, at: &At, pos: Pos) {
        self.error(
            Code::MissingField,
            at,
            pos,
            format!("`{}` is a required field", at.key),
        );
    }

    fn wrong_type(&mut self, at: &At, pos: Pos, expected: &str, found: &Node) {
        let help = match &found.kind {
            Kind::Scalar {
                text,
                resolved: Scalar::Number | Scalar::Bool(_),
            } if expected == "a string" => Some(format!("quote it: \"{text}\"")),
            _ => None,
        };
        self.push(
            Code::WrongType,
            at,
            pos,
            format!(
                "wrong type for `{}`: expected {expected}, found {}",
                at.key,
                found.type_name()
            ),
            help,
        );
    }

    fn unknown_keys(&mut self, node: &Node, at: &At, known: &[&str]) {
        let Kind::Map { entries, .. } = &node.kind else {
            return;
        };
        for e in entries {
            if !known.contains(&e.key.as_str()) {
                let help = crate::catalog::closest_name(&e.key, known.iter().copied())
                    .map(|k| format!("did you mean `{k}`?"));
                let child = at.key(&e.key);
                self.push(
                    Code::UnknownField,
                    &child,
                    e.key_pos,
                    format!("unknown field `{}`", child.key),
                    help,
                );
            }
        }
    }

    /// A scalar read as a string (numbers and booleans as written); null is absent.
    fn text(&mut self, e: &Entry, at: &At) -> Option<String> {
        match &e.value.kind {
            Kind::Scalar {
                resolved: Scalar::Null,
                ..
            } => None,
            Kind::Scalar { text, .. } => Some(text.clone()),
            _ => {
                self.wrong_type(at, e.key_pos, "a string", &e.value);
                None
            }
        }
    }

    fn opt_text(&mut self, map: &Node, at: &At, key: &str) -> Option<(String, Pos)> {
        let e = map.get(key)?;
        let child = at.key(key);
        self.text(e, &child).map(|t| (t, e.key_pos))
    }

    /// A required non-empty string; reported missing at its place.
    fn req_text(&mut self, map: &Node, at: &At, key: &str) -> Option<(String, Pos)> {
        let child = at.key(key);
        match map.get(key) {
            None => {
                self.required(&child, missing_pos(map));
                None
            }
            Some(e) => match self.text(e, &child) {
                Some(t) if !t.is_empty() => Some((t, e.key_pos)),
                _ => {
                    self.required(&child, e.key_pos);
                    None
                }
            },
        }
    }

    /// A boolean. The current reference (v5) decodes with goccy/go-yaml, whose booleans are
    /// only true/True/TRUE and false/False/FALSE; a YAML 1.1 word (`yes`, `no`, `on`, `off`,
    /// `y`, `n`, any case) is a string there, and a string in a boolean field is "wrong type
    /// for this field": an error, `yaml11-boolean`, and the value is missing.
    fn boolean(&mut self, e: &Entry, at: &At) -> Option<bool> {
        match &e.value.kind {
            Kind::Scalar {
                resolved: Scalar::Bool(b),
                ..
            } => Some(*b),
            Kind::Scalar {
                resolved: Scalar::Null,
                ..
            } => None,
            Kind::Scalar { text, .. }
                if matches!(
                    text.to_ascii_lowercase().as_str(),
                    "yes" | "no" | "on" | "off" | "y" | "n"
                ) =>
            {
                let word = matches!(text.to_ascii_lowercase().as_str(), "yes" | "on" | "y");
                self.push(
                    Code::Yaml11Boolean,
                    at,
                    e.key_pos,
                    format!(
                        "wrong type for `{}`: `{text}` is a boolean only in YAML 1.1; publiccode.yml is YAML 1.2",
                        at.key
                    ),
                    Some(format!("write `{word}`")),
                );
                None
            }
            _ => {
                self.wrong_type(at, e.key_pos, "a boolean", &e.value);
                None
            }
        }
    }

    /// A mapping; null is absent.
    fn map<'n>(&mut self, e: &'n Entry, at: &At) -> Option<&'n Node> {
        match &e.value.kind {
            Kind::Map { .. } => Some(&e.value),
            Kind::Scalar {
                resolved: Scalar::Null,
                ..
            } => None,
            _ => {
                self.wrong_type(at, e.key_pos, "a mapping", &e.value);
                None
            }
        }
    }

    /// A list's items; null is an empty list. `None` when the value is not a list.
    fn list<'n>(&mut self, e: &'n Entry, at: &At) -> Option<&'n [Node]> {
        match &e.value.kind {
            Kind::Seq { items, .. } => Some(items),
            Kind::Scalar {
                resolved: Scalar::Null,
                ..
            } => Some(&[]),
            _ => {
                self.wrong_type(at, e.key_pos, "a list", &e.value);
                None
            }
        }
    }

    /// A list of strings with each item's position.
    fn texts(&mut self, e: &Entry, at: &At) -> Option<Vec<(String, Pos)>> {
        let items = self.list(e, at)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match &item.kind {
                Kind::Scalar {
                    resolved: Scalar::Null,
                    ..
                } => out.push((String::new(), item.pos)),
                Kind::Scalar { text, .. } => out.push((text.clone(), item.pos)),
                _ => self.wrong_type(&at.index(i), item.pos, "a string", item),
            }
        }
        Some(out)
    }

    fn opt_texts(&mut self, map: &Node, at: &At, key: &str) -> Vec<(String, Pos)> {
        let Some(e) = map.get(key) else {
            return Vec::new();
        };
        self.texts(e, &at.key(key)).unwrap_or_default()
    }

    fn one_of(&mut self, at: &At, pos: Pos, value: &str, allowed: &[&str]) -> bool {
        if allowed.contains(&value) {
            return true;
        }
        let list = allowed
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let help = crate::catalog::closest_name(value, allowed.iter().copied())
            .map(|k| format!("did you mean `{k}`?"));
        self.push(
            Code::InvalidValue,
            at,
            pos,
            format!("`{}` must be one of the following: {list}", at.key),
            help,
        );
        false
    }

    fn format_error(&mut self, at: &At, pos: Pos, what: &str) {
        self.error(
            Code::InvalidFormat,
            at,
            pos,
            format!("`{}` must be {what}", at.key),
        );
    }

    fn deprecated(&mut self, at: &At, pos: Pos, message: &str) {
        self.warn(
            Code::PubliccodeDeprecated,
            at,
            pos,
            format!("`{}`: {message}", at.key),
        );
    }

    fn run(&mut self, bytes: &[u8], doc: &mut Document) -> Option<Version> {
        let root_at = At::root();
        if bytes.len() as u64 > source::MAX_RECORD_BYTES {
            self.error(
                Code::FileTooLarge,
                &root_at,
                Pos::new(1, 1),
                format!(
                    "the file has {} bytes; a publiccode.yml may have at most {} (8 MiB)",
                    bytes.len(),
                    source::MAX_RECORD_BYTES
                ),
            );
            return None;
        }
        let text = match source::check_utf8(bytes) {
            Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
            Err(e) => {
                self.out.push(e.to_diagnostic(self.file));
                return None;
            }
        };
        // Several YAML documents are an error (`yaml-unsupported` from the parser), as in the
        // current reference (v5 parser.go, goccy/go-yaml): "multiple YAML documents in one
        // file are not supported".
        let root = match yaml_tree::parse(text) {
            Ok(Some(root)) => root,
            Ok(None) => {
                self.required(&root_at.key("publiccodeYmlVersion"), Pos::new(1, 1));
                return None;
            }
            Err(e) => {
                self.out.push(e.to_diagnostic(self.file));
                return None;
            }
        };
        self.root(&root, doc)
    }

    /// Every rule on the file's parsed content.
    fn root(&mut self, root: &Node, doc: &mut Document) -> Option<Version> {
        if !matches!(root.kind, Kind::Map { .. }) {
            self.error(
                Code::WrongType,
                &At::root(),
                root.pos,
                format!("a publiccode.yml is a mapping, found {}", root.type_name()),
            );
            return None;
        }
        let version = self.version(root, doc)?;
        self.version = version;
        self.document(root, doc);
        Some(version)
    }

    fn version(&mut self, root: &Node, doc: &mut Document) -> Option<Version> {
        let at = At::root().key("publiccodeYmlVersion");
        let Some(e) = root.get("publiccodeYmlVersion") else {
            self.required(&at, missing_pos(root));
            return None;
        };
        let Kind::Scalar {
            text,
            resolved: Scalar::Str,
        } = &e.value.kind
        else {
            let help = match &e.value.kind {
                Kind::Scalar { text, .. } => format!("quote it: publiccodeYmlVersion: \"{text}\""),
                _ => "write publiccodeYmlVersion: \"0\"".to_owned(),
            };
            self.push(
                Code::WrongType,
                &at,
                e.key_pos,
                format!(
                    "wrong type for `publiccodeYmlVersion`: expected a string, found {}",
                    e.value.type_name()
                ),
                Some(help),
            );
            return None;
        };
        doc.version = text.clone();
        let Some(version) = Version::parse(text) else {
            self.push(
                Code::PubliccodeVersionUnsupported,
                &at,
                e.key_pos,
                format!(
                    "`publiccodeYmlVersion`: {}",
                    version::unsupported_message(text)
                ),
                Some("write publiccodeYmlVersion: \"0\", the current version".to_owned()),
            );
            return None;
        };
        if version.is_outdated() {
            self.push(
                Code::PubliccodeVersionOutdated,
                &at,
                e.key_pos,
                format!(
                    "`publiccodeYmlVersion`: v{text} is not the latest version, use '0'. Parsing this file as v{}.",
                    Version::V0_7
                ),
                Some("write publiccodeYmlVersion: \"0\"".to_owned()),
            );
        }
        Some(version)
    }

    fn document(&mut self, root: &Node, doc: &mut Document) {
        let at = At::root();
        self.unknown_keys(root, &at, TOP_KEYS);
        let Kind::Map { entries, .. } = &root.kind else {
            return;
        };
        // Keys newer than the declared version: the reference reads every 0.x as the
        // latest, so this is a note, not a finding.
        for e in entries {
            let since = version::key_since(&e.key);
            if !self.version.knows(since) {
                self.push(
                    Code::PubliccodeNewerKey,
                    &at.key(&e.key),
                    e.key_pos,
                    format!(
                        "`{}` was introduced in {since}; this file declares {}, whose readers may not know it",
                        e.key, doc.version
                    ),
                    None,
                );
            }
        }
        if let Some((name, _)) = self.req_text(root, &at, "name") {
            doc.name = name;
        }
        doc.application_suite = self.opt_text(root, &at, "applicationSuite").map(|t| t.0);
        self.url_key(root, &at, doc);
        if let Some((u, pos)) = self.opt_text(root, &at, "landingURL") {
            let child = at.key("landingURL");
            self.http_url(&child, pos, &u);
            doc.landing_url = Some(u);
        }
        self.is_based_on(root, &at, doc);
        doc.software_version = self.opt_text(root, &at, "softwareVersion").map(|t| t.0);
        if let Some(e) = root.get("releaseDate") {
            let child = at.key("releaseDate");
            if let Some(d) = self.text(e, &child) {
                if !is_date(&d) {
                    self.format_error(&child, e.key_pos, "a date with format 'YYYY-MM-DD'");
                }
                doc.release_date = Some(d);
            }
        }
        if let Some((logo, pos)) = self.opt_text(root, &at, "logo") {
            self.file_ref(&at.key("logo"), pos, &logo, FileKind::Logo);
            doc.logo = Some(logo);
        }
        if let Some((logo, pos)) = self.opt_text(root, &at, "monochromeLogo") {
            let child = at.key("monochromeLogo");
            if !logo.is_empty() {
                self.deprecated(
                    &child,
                    pos,
                    "This key is DEPRECATED and will be removed in the future. Use 'logo' instead",
                );
            }
            self.file_ref(&child, pos, &logo, FileKind::Logo);
            doc.monochrome_logo = Some(logo);
        }
        if let Some(e) = root.get("organisation") {
            let child = at.key("organisation");
            if let Some(m) = self.map(e, &child) {
                doc.organisation = self.organisation(m, &child);
            }
        }
        for key in ["inputTypes", "outputTypes"] {
            let Some(e) = root.get(key) else { continue };
            let child = at.key(key);
            let items = self.texts(e, &child).unwrap_or_default();
            for (i, (t, pos)) in items.iter().enumerate() {
                if !is_mime_type(t) {
                    let item = child.index(i);
                    self.error(
                        Code::InvalidFormat,
                        &item,
                        *pos,
                        format!("`{}` is not a valid MIME type", item.key),
                    );
                }
            }
            self.deprecated(&child, e.key_pos, DEPRECATED_SAFE_TO_DROP);
            let list = items.into_iter().map(|t| t.0).collect();
            if key == "inputTypes" {
                doc.input_types = list;
            } else {
                doc.output_types = list;
            }
        }
        self.platforms(root, &at, doc);
        if let Some(e) = root.get("categories") {
            let child = at.key("categories");
            for (i, (c, pos)) in self
                .texts(e, &child)
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                match vocab::category(&c) {
                    None => {
                        let item = child.index(i);
                        let help = crate::catalog::closest_name(
                            &c,
                            vocab::CATEGORIES.iter().map(|(c, _)| *c),
                        )
                        .map(|k| format!("did you mean `{k}`?"));
                        self.push(
                            Code::InvalidValue,
                            &item,
                            pos,
                            format!("`{}` must be a valid category (see the standard's categories list): `{c}` is not one", item.key),
                            help,
                        );
                    }
                    Some(since) if !self.version.knows(since) => self.push(
                        Code::PubliccodeNewerKey,
                        &child.index(i),
                        pos,
                        format!(
                            "the category `{c}` was added in {since}; this file declares {}",
                            doc.version
                        ),
                        None,
                    ),
                    Some(_) => {}
                }
                doc.categories.push(c);
            }
        }
        doc.used_by = self
            .opt_texts(root, &at, "usedBy")
            .into_iter()
            .map(|t| t.0)
            .collect();
        if let Some(e) = root.get("fundedBy") {
            let child = at.key("fundedBy");
            if let Some(items) = self.list(e, &child) {
                for (i, item) in items.iter().enumerate() {
                    let item_at = child.index(i);
                    match &item.kind {
                        Kind::Map { .. } => {
                            if let Some(o) = self.organisation(item, &item_at) {
                                doc.funded_by.push(o);
                            }
                        }
                        _ => self.wrong_type(&item_at, item.pos, "a mapping", item),
                    }
                }
            }
        }
        if let Some((u, pos)) = self.opt_text(root, &at, "roadmap") {
            self.http_url(&at.key("roadmap"), pos, &u);
            doc.roadmap = Some(u);
        }
        if let Some((s, pos)) = self.req_text(root, &at, "developmentStatus") {
            self.one_of(
                &at.key("developmentStatus"),
                pos,
                &s,
                vocab::DEVELOPMENT_STATUSES,
            );
            doc.development_status = s;
        }
        if let Some((s, pos)) = self.req_text(root, &at, "softwareType") {
            self.one_of(&at.key("softwareType"), pos, &s, vocab::SOFTWARE_TYPES);
            doc.software_type = s;
        }
        self.supports(root, &at, doc);
        self.audience(root, &at, doc);
        self.descriptions(root, &at, doc);
        self.legal(root, &at, doc);
        self.maintenance(root, &at, doc);
        self.localisation(root, &at, doc);
        self.depends_on(root, &at, doc);
        self.country_sections(root, &at, doc);
    }

    fn url_key(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let child = at.key("url");
        let Some(e) = root.get("url") else {
            self.required(&child, missing_pos(root));
            return;
        };
        let Some(u) = self.text(e, &child) else {
            self.required(&child, e.key_pos);
            return;
        };
        if u.is_empty() {
            self.required(&child, e.key_pos);
            return;
        }
        if !is_url(&u) {
            self.push(
                Code::InvalidFormat,
                &child,
                e.key_pos,
                format!("`url` must be a valid URL: `{u}` is not the address of a code repository"),
                Some("write the repository's address, e.g. https://github.com/org/repo".to_owned()),
            );
        } else {
            self.reachable(&child, e.key_pos, &u);
        }
        doc.url = u;
    }

    fn is_based_on(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let Some(e) = root.get("isBasedOn") else {
            return;
        };
        let child = at.key("isBasedOn");
        let items: Vec<(String, Pos)> = match &e.value.kind {
            Kind::Scalar {
                resolved: Scalar::Null,
                ..
            } => Vec::new(),
            Kind::Scalar { text, .. } => vec![(text.clone(), e.key_pos)],
            _ => self.texts(e, &child).unwrap_or_default(),
        };
        for (i, (u, pos)) in items.iter().enumerate() {
            if !is_url(u) {
                let item = child.index(i);
                self.format_error(&item, *pos, "a valid URL");
            }
        }
        doc.is_based_on = items.into_iter().map(|t| t.0).collect();
    }

    fn platforms(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let child = at.key("platforms");
        let (items, pos) = match root.get("platforms") {
            None => (Vec::new(), missing_pos(root)),
            Some(e) => (self.texts(e, &child).unwrap_or_default(), e.key_pos),
        };
        if items.is_empty() {
            self.push(
                Code::MissingField,
                &child,
                pos,
                "`platforms` must contain more than 0 items".to_owned(),
                Some(format!(
                    "list where users run it, e.g. {}",
                    vocab::PLATFORMS.join(", ")
                )),
            );
        }
        doc.platforms = items.into_iter().map(|t| t.0).collect();
    }

    fn organisation(&mut self, m: &Node, at: &At) -> Option<Organisation> {
        self.unknown_keys(m, at, &["name", "uri"]);
        let name = self.opt_text(m, at, "name").map(|t| t.0);
        let (uri, pos) = self.req_text(m, at, "uri")?;
        self.organisation_uri(&at.key("uri"), pos, &uri);
        Some(Organisation { name, uri })
    }

    fn organisation_uri(&mut self, at: &At, pos: Pos, uri: &str) {
        match uri_kind(uri) {
            UriKind::Invalid => self.push(
                Code::InvalidFormat,
                at,
                pos,
                format!("`{}` is not a valid URI: `{uri}`", at.key),
                Some("an organisation URI is a URL (https://…) or a URN (urn:…), e.g. urn:x-italian-pa:<codiceIPA>".to_owned()),
            ),
            UriKind::ItalianPa(code) => {
                let code = code.to_owned();
                self.ipa_code(at, pos, &code, true);
            }
            UriKind::Url | UriKind::Urn => {}
        }
    }

    /// An IndicePA code: checked against the register when one is given, else by form.
    fn ipa_code(&mut self, at: &At, pos: Pos, code: &str, in_uri: bool) {
        let well_formed = !code.is_empty()
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let known = match self.options.ipa_codes {
            Some(codes) => well_formed && codes.contains(&code.to_ascii_lowercase()),
            None => well_formed,
        };
        if !known {
            let what = if in_uri {
                "a valid Italian Public Administration Code (iPA) with format 'urn:x-italian-pa:[codiceIPA]'"
            } else {
                "a valid Italian Public Administration Code (iPA)"
            };
            self.format_error(at, pos, what);
        } else if self.options.ipa_codes.is_none() {
            self.push(
                Code::PubliccodeUnchecked,
                at,
                pos,
                format!("the iPA code `{code}` was checked for its form only, not against the IndicePA register"),
                Some("pass the register's codes with --ipa-codes FILE (one code a line)".to_owned()),
            );
        }
    }

    fn supports(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let Some(e) = root.get("supports") else {
            return;
        };
        let child = at.key("supports");
        let Some(items) = self.list(e, &child) else {
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let item_at = child.index(i);
            if !matches!(item.kind, Kind::Map { .. }) {
                self.wrong_type(&item_at, item.pos, "a mapping", item);
                continue;
            }
            self.unknown_keys(item, &item_at, &["id"]);
            let Some((id, pos)) = self.req_text(item, &item_at, "id") else {
                continue;
            };
            let id_at = item_at.key("id");
            if let Some(alias) = id.strip_prefix("alias:") {
                if !vocab::SUPPORT_ALIASES.contains(&alias) {
                    self.push(
                        Code::InvalidValue,
                        &id_at,
                        pos,
                        format!("`{}` contains an unknown alias: `{id}`", id_at.key),
                        Some(format!(
                            "known aliases: {}; or use the URL or URN of the standard or regulation",
                            vocab::SUPPORT_ALIASES
                                .iter()
                                .map(|a| format!("alias:{a}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                }
            } else if matches!(uri_kind(&id), UriKind::Invalid) {
                self.format_error(
                    &id_at,
                    pos,
                    "a known alias ('alias:<name>') or a valid URI (URL or URN)",
                );
            }
            doc.supports.push(id);
        }
    }

    fn audience(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let Some(e) = root.get("intendedAudience") else {
            return;
        };
        let child = at.key("intendedAudience");
        let Some(m) = self.map(e, &child) else {
            return;
        };
        self.unknown_keys(m, &child, &["scope", "countries", "unsupportedCountries"]);
        let mut audience = Audience::default();
        for (i, (s, pos)) in self.opt_texts(m, &child, "scope").into_iter().enumerate() {
            if !vocab::SCOPES.contains(&s.as_str()) {
                let item = child.key("scope").index(i);
                let help = crate::catalog::closest_name(&s, vocab::SCOPES.iter().copied())
                    .map(|k| format!("did you mean `{k}`?"));
                self.push(
                    Code::InvalidValue,
                    &item,
                    pos,
                    format!("`{}` must be a valid scope (see the standard's scope list): `{s}` is not one", item.key),
                    help,
                );
            }
            audience.scope.push(s);
        }
        for key in ["countries", "unsupportedCountries"] {
            let list_at = child.key(key);
            for (i, (c, pos)) in self.opt_texts(m, &child, key).into_iter().enumerate() {
                let item = list_at.index(i);
                if !vocab::is_country(&c) {
                    self.format_error(
                        &item,
                        pos,
                        "a valid ISO 3166-1 alpha-2 two-letter country code",
                    );
                } else if c == c.to_ascii_lowercase() {
                    self.deprecated(
                        &item,
                        pos,
                        &format!(
                            "Lowercase country codes are DEPRECATED. Use uppercase instead ('{}')",
                            c.to_ascii_uppercase()
                        ),
                    );
                }
                if key == "countries" {
                    audience.countries.push(c);
                } else {
                    audience.unsupported_countries.push(c);
                }
            }
        }
        doc.intended_audience = Some(audience);
    }

    fn descriptions(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let child = at.key("description");
        let (entries, pos) = match root.get("description") {
            None => (&[][..], missing_pos(root)),
            Some(e) => match self.map(e, &child) {
                Some(Node {
                    kind: Kind::Map { entries, .. },
                    ..
                }) => (&entries[..], e.key_pos),
                _ => (&[][..], e.key_pos),
            },
        };
        if entries.is_empty() {
            self.push(
                Code::MissingField,
                &child,
                pos,
                "`description` must contain more than 0 items: at least one language".to_owned(),
                Some("add description: {en: {shortDescription: …, longDescription: …, features: […]}}".to_owned()),
            );
            return;
        }
        for e in entries {
            if !is_bcp47(&e.key) {
                self.push(
                    Code::InvalidFormat,
                    &child,
                    pos,
                    format!(
                        "`description` must be a valid BCP 47 language: `{}` is not",
                        e.key
                    ),
                    Some("use a language tag such as en, de, it or en-GB".to_owned()),
                );
            }
            let lang_at = child.key(&e.key);
            // A language without content (`en: ~`) decodes as an empty description in the
            // reference, whose required keys are then missing: reported at the null.
            let empty = Node {
                kind: Kind::Map {
                    entries: Vec::new(),
                    flow: true,
                },
                pos: e.value.pos,
            };
            let m = if e.value.is_null() {
                &empty
            } else {
                match self.map(e, &lang_at) {
                    Some(m) => m,
                    None => continue,
                }
            };
            doc.description
                .push((e.key.clone(), self.description(m, &lang_at)));
        }
    }

    fn description(&mut self, m: &Node, at: &At) -> Description {
        self.unknown_keys(m, at, DESCRIPTION_KEYS);
        let mut d = Description {
            localised_name: self.opt_text(m, at, "localisedName").map(|t| t.0),
            ..Description::default()
        };
        if let Some((g, pos)) = self.opt_text(m, at, "genericName") {
            let g_at = at.key("genericName");
            if graphemes(&g) > 35 {
                self.length_error(&g_at, pos, "a maximum of 35");
            }
            if !g.is_empty() {
                self.deprecated(&g_at, pos, DEPRECATED_SAFE_TO_DROP);
            }
            d.generic_name = Some(g);
        }
        if let Some((s, pos)) = self.req_text(m, at, "shortDescription") {
            if graphemes(&s) > 150 {
                self.length_error(&at.key("shortDescription"), pos, "a maximum of 150");
            }
            d.short_description = s;
        }
        if let Some((l, pos)) = self.req_text(m, at, "longDescription") {
            let n = graphemes(&l);
            let l_at = at.key("longDescription");
            if n < 150 {
                self.length_error(&l_at, pos, "at least 150");
            } else if n > 10_000 {
                self.length_error(&l_at, pos, "a maximum of 10000");
            }
            d.long_description = l;
        }
        for key in ["documentation", "apiDocumentation"] {
            if let Some((u, pos)) = self.opt_text(m, at, key) {
                self.http_url(&at.key(key), pos, &u);
                if key == "documentation" {
                    d.documentation = Some(u);
                } else {
                    d.api_documentation = Some(u);
                }
            }
        }
        let f_at = at.key("features");
        let (features, pos) = match m.get("features") {
            None => (Vec::new(), missing_pos(m)),
            Some(e) => (self.texts(e, &f_at).unwrap_or_default(), e.key_pos),
        };
        if features.is_empty() {
            self.push(
                Code::MissingField,
                &f_at,
                pos,
                format!("`{}` must contain more than 0 items", f_at.key),
                Some("list what the software lets its users do".to_owned()),
            );
        }
        d.features = features.into_iter().map(|t| t.0).collect();
        let s_at = at.key("screenshots");
        for (i, (s, pos)) in self.opt_texts(m, at, "screenshots").into_iter().enumerate() {
            self.file_ref(&s_at.index(i), pos, &s, FileKind::Screenshot);
            d.screenshots.push(s);
        }
        let v_at = at.key("videos");
        for (i, (v, pos)) in self.opt_texts(m, at, "videos").into_iter().enumerate() {
            let item = v_at.index(i);
            if !is_http_url(&v) {
                self.format_error(&item, pos, "an HTTP URL");
            }
            if !vocab::is_oembed_video(&v) {
                self.push(
                    Code::InvalidValue,
                    &item,
                    pos,
                    format!("`{}`: `{v}` is not a valid video URL supporting oEmbed", item.key),
                    Some("link the video as an oEmbed provider lists it (https://www.youtube.com/watch?v=…, https://youtu.be/…, https://vimeo.com/…)".to_owned()),
                );
            }
            d.videos.push(v);
        }
        d.awards = self
            .opt_texts(m, at, "awards")
            .into_iter()
            .map(|t| t.0)
            .collect();
        d
    }

    fn length_error(&mut self, at: &At, pos: Pos, limit: &str) {
        self.format_error(at, pos, &format!("{limit} characters in length"));
    }

    fn legal(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let child = at.key("legal");
        let license_at = child.key("license");
        let Some(e) = root.get("legal") else {
            self.required(&license_at, missing_pos(root));
            return;
        };
        let Some(m) = self.map(e, &child) else {
            self.required(&license_at, e.value.pos);
            return;
        };
        self.unknown_keys(
            m,
            &child,
            &["license", "mainCopyrightOwner", "repoOwner", "authorsFile"],
        );
        if let Some((l, pos)) = self.req_text(m, &child, "license") {
            if let Err(e) = crate::license::parse(&l) {
                self.push(
                    Code::LicenseInvalid,
                    &license_at,
                    pos,
                    format!(
                        "`legal.license` must be a valid license (see https://spdx.org/licenses): {}",
                        e.message
                    ),
                    e.help,
                );
            }
            doc.license = l;
        }
        doc.main_copyright_owner = self.opt_text(m, &child, "mainCopyrightOwner").map(|t| t.0);
        if let Some((o, pos)) = self.opt_text(m, &child, "repoOwner") {
            self.deprecated(
                &child.key("repoOwner"),
                pos,
                "This key is DEPRECATED and will be removed in the future. Use 'organisation.name' instead",
            );
            doc.repo_owner = Some(o);
        }
        if let Some((f, pos)) = self.opt_text(m, &child, "authorsFile") {
            let f_at = child.key("authorsFile");
            self.deprecated(&f_at, pos, DEPRECATED_SAFE_TO_DROP);
            self.file_ref(&f_at, pos, &f, FileKind::Any);
            doc.authors_file = Some(f);
        }
    }

    fn maintenance(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let child = at.key("maintenance");
        let type_at = child.key("type");
        let empty = Node {
            kind: Kind::Map {
                entries: Vec::new(),
                flow: false,
            },
            pos: Pos::new(1, 1),
        };
        let m = match root.get("maintenance") {
            None => {
                self.required(&type_at, missing_pos(root));
                return;
            }
            Some(e) => match self.map(e, &child) {
                Some(m) => m,
                None => {
                    self.required(&type_at, e.key_pos);
                    &empty
                }
            },
        };
        self.unknown_keys(m, &child, &["type", "contractors", "contacts"]);
        let kind = self.req_text(m, &child, "type");
        if let Some((t, pos)) = &kind {
            self.one_of(&type_at, *pos, t, vocab::MAINTENANCE_TYPES);
            doc.maintenance_type = t.clone();
        }
        let kind = kind.map(|k| k.0).unwrap_or_default();
        let contractors_at = child.key("contractors");
        match m.get("contractors") {
            Some(e) => {
                if !kind.is_empty() && kind != "contract" {
                    self.push(
                        Code::PubliccodeConflict,
                        &contractors_at,
                        e.key_pos,
                        format!("`maintenance.contractors` must not be present unless \"type\" is \"contract\" (it is \"{kind}\")"),
                        Some("remove the contractors, or set maintenance.type: contract".to_owned()),
                    );
                }
                let items = self.list(e, &contractors_at).unwrap_or_default();
                if items.is_empty() && kind == "contract" {
                    self.contract_needs(&contractors_at, e.key_pos, "contractors", "contract");
                }
                for (i, item) in items.iter().enumerate() {
                    let item_at = contractors_at.index(i);
                    if !matches!(item.kind, Kind::Map { .. }) {
                        self.wrong_type(&item_at, item.pos, "a mapping", item);
                        continue;
                    }
                    doc.contractors.push(self.contractor(item, &item_at));
                }
            }
            None if kind == "contract" => {
                self.contract_needs(&contractors_at, missing_pos(m), "contractors", "contract");
            }
            None => {}
        }
        let contacts_at = child.key("contacts");
        let needs_contacts = kind == "internal" || kind == "community";
        match m.get("contacts") {
            Some(e) => {
                let items = self.list(e, &contacts_at).unwrap_or_default();
                if items.is_empty() && needs_contacts {
                    self.contract_needs(&contacts_at, e.key_pos, "contacts", &kind);
                }
                for (i, item) in items.iter().enumerate() {
                    let item_at = contacts_at.index(i);
                    if !matches!(item.kind, Kind::Map { .. }) {
                        self.wrong_type(&item_at, item.pos, "a mapping", item);
                        continue;
                    }
                    doc.contacts.push(self.contact(item, &item_at));
                }
            }
            None if needs_contacts => {
                self.contract_needs(&contacts_at, missing_pos(m), "contacts", &kind);
            }
            None => {}
        }
    }

    fn contract_needs(&mut self, at: &At, pos: Pos, what: &str, kind: &str) {
        let help = if what == "contacts" {
            "add at least one contact (name, and e-mail or phone) who maintains the software"
        } else {
            "add at least one contractor with name and until (YYYY-MM-DD)"
        };
        self.push(
            Code::MissingField,
            at,
            pos,
            format!(
                "`{}` is a required field when \"type\" is \"{kind}\"",
                at.key
            ),
            Some(help.to_owned()),
        );
    }

    fn contractor(&mut self, m: &Node, at: &At) -> Contractor {
        self.unknown_keys(m, at, &["name", "email", "website", "until"]);
        let mut c = Contractor {
            name: self
                .req_text(m, at, "name")
                .map(|t| t.0)
                .unwrap_or_default(),
            ..Contractor::default()
        };
        if let Some((u, pos)) = self.req_text(m, at, "until") {
            if !is_date(&u) {
                self.format_error(&at.key("until"), pos, "a date with format 'YYYY-MM-DD'");
            }
            c.until = u;
        }
        if let Some((e, pos)) = self.opt_text(m, at, "email") {
            self.email(&at.key("email"), pos, &e);
            c.email = Some(e);
        }
        if let Some((w, pos)) = self.opt_text(m, at, "website") {
            self.http_url(&at.key("website"), pos, &w);
            c.website = Some(w);
        }
        c
    }

    fn contact(&mut self, m: &Node, at: &At) -> Contact {
        self.unknown_keys(m, at, &["name", "email", "affiliation", "phone"]);
        let mut c = Contact {
            name: self
                .req_text(m, at, "name")
                .map(|t| t.0)
                .unwrap_or_default(),
            ..Contact::default()
        };
        if let Some((e, pos)) = self.opt_text(m, at, "email") {
            self.email(&at.key("email"), pos, &e);
            c.email = Some(e);
        }
        c.affiliation = self.opt_text(m, at, "affiliation").map(|t| t.0);
        // A phone number is free text with the international prefix; an unquoted `+39…` is
        // a YAML number and is kept as written.
        c.phone = self.opt_text(m, at, "phone").map(|t| t.0);
        c
    }

    fn email(&mut self, at: &At, pos: Pos, value: &str) {
        if !value.is_empty() && !is_email(value) {
            self.format_error(at, pos, "a valid email address");
        }
    }

    fn localisation(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let child = at.key("localisation");
        let ready_at = child.key("localisationReady");
        let langs_at = child.key("availableLanguages");
        let m = match root.get("localisation") {
            None => {
                let pos = missing_pos(root);
                self.required(&ready_at, pos);
                self.required(&langs_at, pos);
                return;
            }
            Some(e) => match self.map(e, &child) {
                Some(m) => m,
                None => {
                    self.required(&ready_at, e.key_pos);
                    self.required(&langs_at, e.key_pos);
                    return;
                }
            },
        };
        self.unknown_keys(m, &child, &["localisationReady", "availableLanguages"]);
        match m.get("localisationReady") {
            None => self.required(&ready_at, missing_pos(m)),
            Some(e) => match self.boolean(e, &ready_at) {
                Some(b) => doc.localisation_ready = Some(b),
                None => self.required(&ready_at, e.key_pos),
            },
        }
        match m.get("availableLanguages") {
            None => self.required(&langs_at, missing_pos(m)),
            Some(e) => {
                let items = self.texts(e, &langs_at).unwrap_or_default();
                if items.is_empty() {
                    self.push(
                        Code::MissingField,
                        &langs_at,
                        e.key_pos,
                        "`localisation.availableLanguages` must contain more than 0 items"
                            .to_owned(),
                        None,
                    );
                }
                for (i, (l, pos)) in items.into_iter().enumerate() {
                    if !is_bcp47(&l) {
                        self.format_error(&langs_at.index(i), pos, "a valid BCP 47 language");
                    }
                    doc.available_languages.push(l);
                }
            }
        }
    }

    fn depends_on(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let Some(e) = root.get("dependsOn") else {
            return;
        };
        let child = at.key("dependsOn");
        let Some(m) = self.map(e, &child) else {
            return;
        };
        doc.has_depends_on = true;
        self.unknown_keys(m, &child, &["open", "proprietary", "hardware"]);
        for key in ["open", "proprietary", "hardware"] {
            let Some(e) = m.get(key) else { continue };
            let list_at = child.key(key);
            let Some(items) = self.list(e, &list_at) else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let item_at = list_at.index(i);
                if !matches!(item.kind, Kind::Map { .. }) {
                    self.wrong_type(&item_at, item.pos, "a mapping", item);
                    continue;
                }
                self.unknown_keys(
                    item,
                    &item_at,
                    &["name", "versionMin", "versionMax", "version", "optional"],
                );
                self.req_text(item, &item_at, "name");
                for k in ["versionMin", "versionMax", "version"] {
                    self.opt_text(item, &item_at, k);
                }
                if let Some(e) = item.get("optional") {
                    self.boolean(e, &item_at.key("optional"));
                }
            }
        }
    }

    fn country_sections(&mut self, root: &Node, at: &At, doc: &mut Document) {
        let upper = root.get("IT");
        let lower = root.get("it");
        if let Some(e) = lower {
            let it_at = at.key("it");
            self.deprecated(
                &it_at,
                e.key_pos,
                "Lowercase country codes are DEPRECATED and will be removed in the future. Use 'IT' instead",
            );
            if upper.is_some() {
                self.push(
                    Code::PubliccodeConflict,
                    &it_at,
                    e.key_pos,
                    "`it`: 'IT' key already present. Remove this key".to_owned(),
                    Some("keep only the `IT` section".to_owned()),
                );
            }
        }
        for (key, e) in [("IT", upper), ("it", lower)] {
            let Some(e) = e else { continue };
            doc.has_country_section = true;
            let it_at = at.key(key);
            let Some(m) = self.map(e, &it_at) else {
                continue;
            };
            self.italian_section(m, &it_at);
        }
    }

    fn italian_section(&mut self, m: &Node, at: &At) {
        self.unknown_keys(
            m,
            at,
            &[
                "countryExtensionVersion",
                "conforme",
                "riuso",
                "piattaforme",
            ],
        );
        if let Some((v, pos)) = self.opt_text(m, at, "countryExtensionVersion") {
            self.one_of(
                &at.key("countryExtensionVersion"),
                pos,
                &v,
                vocab::IT_EXTENSION_VERSIONS,
            );
        }
        let bools: [(&str, &[&str]); 2] = [
            (
                "conforme",
                &[
                    "lineeGuidaDesign",
                    "modelloInteroperabilita",
                    "misureMinimeSicurezza",
                    "gdpr",
                ],
            ),
            ("piattaforme", &["spid", "pagopa", "cie", "anpr", "io"]),
        ];
        for (section, keys) in bools {
            let Some(e) = m.get(section) else { continue };
            let s_at = at.key(section);
            if section == "conforme" {
                self.deprecated(&s_at, e.key_pos, DEPRECATED_SAFE_TO_DROP);
            }
            let Some(s) = self.map(e, &s_at) else {
                continue;
            };
            self.unknown_keys(s, &s_at, keys);
            for k in keys {
                if let Some(e) = s.get(k) {
                    self.boolean(e, &s_at.key(k));
                }
            }
        }
        if let Some(e) = m.get("riuso") {
            let r_at = at.key("riuso");
            if let Some(r) = self.map(e, &r_at) {
                self.unknown_keys(r, &r_at, &["codiceIPA"]);
                if let Some((code, pos)) = self.opt_text(r, &r_at, "codiceIPA")
                    && !code.is_empty()
                {
                    let c_at = r_at.key("codiceIPA");
                    let before = self.out.iter().filter(|d| d.is_error()).count();
                    self.ipa_code(&c_at, pos, &code, false);
                    if self.out.iter().filter(|d| d.is_error()).count() == before {
                        self.deprecated(
                            &c_at,
                            pos,
                            &format!("This key is DEPRECATED and will be removed in the future. Use 'organisation.uri' and set it to 'urn:x-italian-pa:{code}' instead"),
                        );
                    }
                }
            }
        }
    }

    fn http_url(&mut self, at: &At, pos: Pos, value: &str) {
        if is_http_url(value) {
            self.reachable(at, pos, value);
        } else {
            self.push(
                Code::InvalidFormat,
                at,
                pos,
                format!("`{}` must be an HTTP URL: `{value}` is not", at.key),
                Some("write a full address starting with https://".to_owned()),
            );
        }
    }

    fn reachable(&mut self, at: &At, pos: Pos, url: &str) {
        let Some(net) = self.options.network else {
            return;
        };
        if let Err(why) = net.check_url(url) {
            self.push(
                Code::UrlUnreachable,
                at,
                pos,
                format!("'{url}' not reachable: {why}"),
                None,
            );
        }
    }

    fn file_ref(&mut self, at: &At, pos: Pos, value: &str, kind: FileKind) {
        if value.is_empty() {
            return;
        }
        if value.starts_with('/') {
            self.push(
                Code::PubliccodeFile,
                at,
                pos,
                format!(
                    "`{}` is an absolute path. Only relative paths or HTTP(s) URLs allowed",
                    at.key
                ),
                Some(
                    "write the path relative to the repository root, e.g. img/logo.svg".to_owned(),
                ),
            );
            return;
        }
        if value.to_ascii_lowercase().starts_with("file:") {
            self.push(
                Code::PubliccodeFile,
                at,
                pos,
                format!(
                    "`{}` is a file:// URL. Only relative paths or HTTP(s) URLs allowed",
                    at.key
                ),
                Some(
                    "write the path relative to the repository root, e.g. img/logo.svg".to_owned(),
                ),
            );
            return;
        }
        let extensions: &[&str] = match kind {
            FileKind::Logo => &["svg", "svgz", "png"],
            FileKind::Screenshot => &["jpg", "png"],
            FileKind::Any => &[],
        };
        let path_part = value.split(['?', '#']).next().unwrap_or(value);
        let ext = path_part
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .filter(|e| !e.contains('/'))
            .unwrap_or_default();
        let is_remote = has_scheme(value);
        if is_remote {
            // A remote file is looked at only with the network.
            if self.options.network.is_none() {
                return;
            }
            if !extensions.is_empty() && !extensions.contains(&ext.as_str()) {
                self.file_extension(at, pos, value, extensions);
                return;
            }
            self.reachable(at, pos, value);
            return;
        }
        let Some(base) = self.options.base_dir else {
            return;
        };
        if !extensions.is_empty() && !extensions.contains(&ext.as_str()) {
            self.file_extension(at, pos, value, extensions);
            return;
        }
        let outside = |ck: &mut Self| {
            ck.push(
                Code::PubliccodeFile,
                at,
                pos,
                format!("`{}` points outside the repository: `{value}`", at.key),
                Some(
                    "the file must be inside the repository that holds the publiccode.yml"
                        .to_owned(),
                ),
            );
        };
        // Written out of the directory (a root, a drive prefix, more `..` than names) is
        // refused before the file system is asked anything.
        let mut depth = 0i32;
        for c in Path::new(value).components() {
            match c {
                Component::ParentDir => depth -= 1,
                Component::Normal(_) => depth += 1,
                Component::CurDir => {}
                Component::RootDir | Component::Prefix(_) => depth = -1,
            }
            if depth < 0 {
                outside(self);
                return;
            }
        }
        // A link inside the repository may still lead out of it: the file is read only
        // where its real path lies inside, so nothing outside is probed or reported.
        let path = match super::files::contained(base, Path::new(value)) {
            Ok(Some(path)) => path,
            Ok(None) => {
                outside(self);
                return;
            }
            Err(e) => {
                self.error(
                    Code::Io,
                    at,
                    pos,
                    format!("`{}`: cannot read {value}: {e}", at.key),
                );
                return;
            }
        };
        match super::files::read_head(&path, 64) {
            Ok(None) => self.push(
                Code::PubliccodeFile,
                at,
                pos,
                format!("`{}`: no such file: {value}", at.key),
                Some(
                    "commit the file, or fix the path (relative to the publiccode.yml)".to_owned(),
                ),
            ),
            Ok(Some(head)) => {
                if kind == FileKind::Logo && ext == "png" {
                    self.png_logo(at, pos, value, &head);
                }
            }
            Err(e) => self.error(
                Code::Io,
                at,
                pos,
                format!("`{}`: cannot read {value}: {e}", at.key),
            ),
        }
    }

    fn file_extension(&mut self, at: &At, pos: Pos, value: &str, allowed: &[&str]) {
        self.push(
            Code::PubliccodeFile,
            at,
            pos,
            format!("`{}`: invalid file extension for: {value}", at.key),
            Some(format!("allowed: {}", allowed.join(", "))),
        );
    }

    fn png_logo(&mut self, at: &At, pos: Pos, value: &str, head: &[u8]) {
        const MIN_WIDTH: usize = 120;
        match imagesize::image_type(head) {
            Ok(imagesize::ImageType::Png) => match imagesize::blob_size(head) {
                Ok(size) if size.width >= MIN_WIDTH => {}
                Ok(size) => self.push(
                    Code::PubliccodeFile,
                    at,
                    pos,
                    format!(
                        "`{}`: invalid image size of {} (min {MIN_WIDTH}px of width): {value}",
                        at.key, size.width
                    ),
                    Some("use a vector logo (SVG) or a PNG at least 1000 px wide".to_owned()),
                ),
                Err(_) => self.image_unknown(at, pos, value),
            },
            _ => self.image_unknown(at, pos, value),
        }
    }

    fn image_unknown(&mut self, at: &At, pos: Pos, value: &str) {
        self.push(
            Code::PubliccodeFile,
            at,
            pos,
            format!(
                "`{}`: image: unknown format: {value} is not a PNG image",
                at.key
            ),
            None,
        );
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Logo,
    Screenshot,
    Any,
}

/// Grapheme clusters, as the standard's lengths count.
fn graphemes(s: &str) -> usize {
    // Below U+0300 (Latin letters with their accents precomposed, punctuation) every
    // character is a cluster of its own, except CR LF: the common case needs no segmentation.
    let crlf = s.matches("\r\n").count();
    if s.is_ascii() {
        return s.len() - crlf;
    }
    let mut chars = 0;
    for c in s.chars() {
        if u32::from(c) >= 0x300 {
            return s.graphemes(true).count();
        }
        chars += 1;
    }
    chars - crlf
}

/// `YYYY-MM-DD`, a real calendar date.
pub(crate) fn is_date(s: &str) -> bool {
    crate::model::date::parse_strict(s).is_some()
}

/// `type/subtype` as media types are written (RFC 6838 restricted names).
fn is_mime_type(s: &str) -> bool {
    let s = s.trim_matches(' ');
    let Some((t, sub)) = s.split_once('/') else {
        return false;
    };
    let name = |n: &str, extra: &[u8]| {
        let b = n.as_bytes();
        !b.is_empty()
            && b.len() <= 127
            && b[0].is_ascii_alphanumeric()
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || b"!#$&^_-".contains(c) || extra.contains(c))
    };
    name(t, b"") && name(sub, b".+")
}

fn is_email(s: &str) -> bool {
    email_address::EmailAddress::parse_with_options(
        s,
        email_address::Options::default().without_display_text(),
    )
    .is_ok()
        && !s.contains(char::is_whitespace)
        && s.rsplit_once('@').is_some_and(|(_, d)| !d.is_empty())
}

fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    let b = scheme.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphabetic()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

/// Percent escapes well formed, no control characters or spaces.
fn plain_url_text(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if !b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    || !b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
                {
                    return false;
                }
                i += 3;
                continue;
            }
            c if c < 0x20 || c == 0x7f || c == b' ' => return false,
            _ => {}
        }
        i += 1;
    }
    true
}

/// A URL with a scheme and a host (or an opaque part, as `mailto:` has).
fn is_url(s: &str) -> bool {
    if s.is_empty() || !plain_url_text(s) || !has_scheme(s) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("file:") {
        return true;
    }
    let Some((_, rest)) = s.split_once(':') else {
        return false;
    };
    if let Some(authority) = rest.strip_prefix("//") {
        let host = authority
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .rsplit('@')
            .next()
            .unwrap_or("");
        if !host.is_empty() {
            return url::Url::parse(s).is_ok();
        }
        return rest.split_once('#').is_some_and(|(_, f)| !f.is_empty());
    }
    if rest.starts_with('/') {
        return rest.split_once('#').is_some_and(|(_, f)| !f.is_empty());
    }
    !rest.is_empty()
}

/// An `http://` or `https://` URL with a host.
fn is_http_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && is_url(s)
        && url::Url::parse(s).is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty()))
}

enum UriKind<'a> {
    Url,
    Urn,
    ItalianPa(&'a str),
    Invalid,
}

/// An organisation URI: a URL with a host, or a URN (RFC 2141).
fn uri_kind(s: &str) -> UriKind<'_> {
    if !plain_url_text(s) || !has_scheme(s) {
        return UriKind::Invalid;
    }
    // Prefixes compared by `get`: a multi-byte character may straddle their end.
    if let Some(rest) = crate::license::parse::strip_prefix_ci(s, "urn:")
        && !rest.is_empty()
    {
        if !is_urn(s) {
            return UriKind::Invalid;
        }
        if let Some(code) = crate::license::parse::strip_prefix_ci(rest, "x-italian-pa:")
            && !code.is_empty()
        {
            return UriKind::ItalianPa(code);
        }
        return UriKind::Urn;
    }
    match s.split_once("://") {
        Some((_, authority))
            if !authority
                .split(['/', '?', '#'])
                .next()
                .unwrap_or("")
                .is_empty() =>
        {
            if url::Url::parse(s).is_ok() {
                UriKind::Url
            } else {
                UriKind::Invalid
            }
        }
        _ => UriKind::Invalid,
    }
}

/// `urn:<NID>:<NSS>` as RFC 2141 writes it.
fn is_urn(s: &str) -> bool {
    let Some(rest) = crate::license::parse::strip_prefix_ci(s, "urn:") else {
        return false;
    };
    let Some((nid, nss)) = rest.split_once(':') else {
        return false;
    };
    let nid_ok = !nid.is_empty()
        && nid.len() <= 32
        && nid.as_bytes()[0].is_ascii_alphanumeric()
        && nid.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
    let nss_ok = !nss.is_empty()
        && nss
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"()+,-.:=@;$_!*'%/?#".contains(&c));
    nid_ok && nss_ok
}

/// A BCP 47 language tag whose subtags are in the IANA registry (`en_GB`, with POSIX's
/// underscore, is not one).
pub(crate) fn is_bcp47(s: &str) -> bool {
    !s.contains('_') && language_tags::LanguageTag::parse(s).is_ok_and(|t| t.validate().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_prefixes_cut_inside_a_character_are_no_panic() {
        // Found by the publiccode write property test: byte 4 lies inside the 4-byte
        // character, where `s[..4]` panicked.
        for s in [
            "q:{\u{1477e}::=/",
            "a:\u{800}",
            "urn\u{e9}:x:y",
            "urn:x-italian-p\u{e9}a:c_h501",
            "ur\u{1477e}",
        ] {
            assert!(matches!(uri_kind(s), UriKind::Invalid), "{s}");
            assert!(!is_urn(s), "{s}");
        }
        assert!(matches!(
            uri_kind("urn:x-italian-pa:c_h501"),
            UriKind::ItalianPa("c_h501")
        ));
        assert!(matches!(uri_kind("URN:isbn:0451450523"), UriKind::Urn));
        assert!(matches!(uri_kind("https://example.org/x"), UriKind::Url));
    }

    #[test]
    fn formats() {
        assert!(is_date("2017-04-15") && !is_date("2017-4-15") && !is_date("2017-02-30"));
        assert!(!is_date("2017-04-15T10:00:00Z") && !is_date(""));
        assert!(
            is_mime_type("text/plain") && is_mime_type("application/vnd.oasis.opendocument.text")
        );
        assert!(!is_mime_type("foobar") && !is_mime_type("text/"));
        assert!(is_email("a.b@example.org") && !is_email("not-an-email") && !is_email("a@"));
        assert!(is_url("https://github.com/italia/x.git") && is_url("git://host/repo"));
        assert!(!is_url("foobar") && !is_url("???") && !is_url("https://"));
        assert!(is_http_url("https://developers.italia.it") && !is_http_url("ftp://x.org/"));
        assert!(!is_http_url("ABC") && !is_http_url("not_a_url"));
        assert!(matches!(
            uri_kind("urn:x-italian-pa:pcm"),
            UriKind::ItalianPa("pcm")
        ));
        assert!(matches!(uri_kind("urn:isbn:0451450523"), UriKind::Urn));
        assert!(matches!(uri_kind("https://example.org/org"), UriKind::Url));
        assert!(matches!(uri_kind("pcm"), UriKind::Invalid));
        assert!(matches!(uri_kind("mailto:a@b.c"), UriKind::Invalid));
        assert!(is_bcp47("en") && is_bcp47("en-GB") && is_bcp47("sl-IT-nedis") && is_bcp47("de"));
        assert!(!is_bcp47("en_GB") && !is_bcp47("xxx") && !is_bcp47("no such language"));
        assert_eq!(graphemes("e\u{301}"), 1);
        assert_eq!(graphemes("abc"), 3);
        assert_eq!(graphemes("Grüße\r\n"), 6);
        assert_eq!(graphemes("🇩🇪 Straße"), 8);
    }
}
