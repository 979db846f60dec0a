//! Exports: a catalog rendered as JSON, JSON Lines, CSV, Markdown, publiccode.yml, schema.org
//! JSON-LD, an Atom feed of needs that want help, or a static HTML site.
//!
//! Rendering is pure: [`render`] turns a catalog into a list of [`File`]s (relative path and
//! bytes) and touches no file system; [`write`] puts them on disk atomically. Contact data is
//! personal data: unless [`Options::include_private`] is set, every renderer works on
//! [`public_view`] of the catalog, which holds no contacts and no attestations at all, and the formats meant for
//! the public web (`html`, `atom`, `jsonld`) refuse `include_private`.
//!
//! [`publish`] is the whole use case the front ends call: validation report in, files out,
//! nothing written unless the catalog may be published.
//!
//! ```
//! use digifarm_core::export::{self, Format, Options};
//! let synth = digifarm_core::synth::catalog(7, 3, 2, 2);
//! let catalog = digifarm_core::catalog::Catalog::from_records(
//!     synth.config, synth.projects, synth.partners, synth.offers);
//! let files = export::render(&catalog, Format::Csv, &Options::default())?;
//! let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
//! assert_eq!(names, ["projects.csv", "needs.csv", "partners.csv", "offers.csv"]);
//! assert!(files[0].bytes.starts_with("\u{feff}id;name".as_bytes()));
//! # Ok::<(), digifarm_core::export::Error>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::catalog::Catalog;
use crate::catalog::assets::Assets;
use crate::model::{Partner, Project};

pub mod atom;
pub mod csv;
pub mod html;
pub mod json;
pub mod jsonld;
pub mod markdown;
pub mod publiccode;
mod publish;
pub(crate) mod text;
mod write;

pub use publish::{Notice, PublishError, Published, publish};
pub use write::{WriteError, WriteOptions, write};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A catalog directory of JSON arrays (`projects.json`, …) plus `digifarm.toml`.
    Json,
    /// A catalog directory of JSON Lines files plus `digifarm.toml`.
    Jsonl,
    /// One CSV file per entity kind.
    Csv,
    /// A Markdown list of projects.
    Markdown,
    /// schema.org JSON-LD.
    Jsonld,
    /// An Atom feed of the needs that want help.
    Atom,
    /// A static HTML site.
    Html,
    /// One `publiccode.yml` per project.
    Publiccode,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 8] = [
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Markdown,
        Format::Jsonld,
        Format::Atom,
        Format::Html,
        Format::Publiccode,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Jsonld => "jsonld",
            Format::Atom => "atom",
            Format::Html => "html",
            Format::Publiccode => "publiccode",
        }
    }

    /// What the format is, in one line (the command line's help lists it).
    pub fn summary(self) -> &'static str {
        match self {
            Format::Json => {
                "Catalog directory of JSON arrays plus digifarm.toml (loads back unchanged)"
            }
            Format::Jsonl => "Catalog directory of JSON Lines files plus digifarm.toml",
            Format::Csv => "One CSV file per entity kind",
            Format::Markdown => "Markdown list of projects",
            Format::Jsonld => "schema.org JSON-LD",
            Format::Atom => "Atom feed of needs that want help",
            Format::Html => "Static HTML site with search, filters and profile pages",
            Format::Publiccode => "One publiccode.yml per project",
        }
    }

    /// Whether the format is meant for the public web, so that private data is refused even
    /// when asked for.
    pub fn is_public_only(self) -> bool {
        matches!(self, Format::Html | Format::Atom | Format::Jsonld)
    }

    /// Whether the format publishes the programme (html, atom, markdown, jsonld,
    /// publiccode): it lists only what [`published`] keeps. The data formats (json, jsonl,
    /// csv) are the programme's own round trip and keep every record unless
    /// [`Options::public_only`] is set.
    pub fn is_publishing(self) -> bool {
        matches!(
            self,
            Format::Html | Format::Atom | Format::Markdown | Format::Jsonld | Format::Publiccode
        )
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| format!("unknown export format `{s}`"))
    }
}

/// CSV flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvDialect {
    /// What German Excel opens correctly: `;` separator, UTF-8 byte order mark, CRLF, and
    /// cells that Excel would run as a formula prefixed with `'`.
    #[default]
    Excel,
    /// RFC 4180: `,` separator, no byte order mark, CRLF, cells as they are.
    Rfc4180,
}

/// Export options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Language of text in formats that show one language (default: the catalog's default
    /// language). The HTML site is written in every supported language; this one is at the
    /// root.
    pub lang: Option<String>,
    /// Include contact data (refused for `html`, `atom` and `jsonld`).
    pub include_private: bool,
    /// CSV flavour.
    pub csv_dialect: CsvDialect,
    /// Absolute URL where the HTML site will be published (for the sitemap and feed links).
    pub base_url: Option<String>,
    /// The publiccode.yml version to write (default `"0"`, the current one).
    pub publiccode_version: crate::publiccode::Version,
    /// publiccode.yml: write the projects that yield a valid file and leave out the others
    /// (instead of failing).
    pub skip_invalid: bool,
    /// Give the data formats (json, jsonl, csv) the publishing formats' filter: only what
    /// [`published`] keeps.
    pub public_only: bool,
    /// The reference date for what is published (offers past their `valid_until` are not)
    /// (default: today).
    pub today: Option<NaiveDate>,
    /// The catalog's image files (project images, the logo) for the HTML site, as
    /// `catalog::assets::read_site` gives them (the scaled copies made, or read from the
    /// cache), or `catalog::assets::read` (the render scales them); without them the site
    /// has no images.
    pub assets: Option<Arc<Assets>>,
}

impl Options {
    /// The reference date: [`Options::today`], else today.
    pub fn date(&self) -> NaiveDate {
        self.today.unwrap_or_else(crate::validate::today)
    }

    /// The language to render, given the catalog.
    pub fn language<'a>(&'a self, catalog: &'a Catalog) -> &'a str {
        self.lang
            .as_deref()
            .unwrap_or_else(|| catalog.config.default_language())
    }
}

/// One rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Path relative to the output directory, `/`-separated.
    pub path: String,
    /// Contents (shared: an image read once is published without a copy).
    pub bytes: bytes::Bytes,
}

impl File {
    fn new(path: impl Into<String>, bytes: impl Into<bytes::Bytes>) -> File {
        File {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Why an export could not be rendered.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Private data was asked for in a format meant for the public web.
    #[error(
        "`--include-private` is refused for `{0}`: this format is meant for the public web and never carries contact data"
    )]
    PrivateRefused(Format),
    /// The language is not one the catalog or the site supports.
    #[error("unsupported language `{0}` (expected a two-letter code such as de or en)")]
    Language(String),
    /// A value could not be serialised.
    #[error("cannot serialise: {0}")]
    Serialize(String),
    /// These projects cannot yield a valid publiccode.yml; each with its fixes.
    #[error(
        "{} project(s) cannot be exported as a valid publiccode.yml (fix them, or use --skip-invalid):\n{}",
        .0.len(),
        .0.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n")
    )]
    PubliccodeInvalid(Vec<publiccode::Refusal>),
    /// Project images that cannot be decoded or scaled (project id and why). A front end
    /// turns them into diagnostics with `catalog::assets::image_diagnostics`.
    #[error(
        "{} project image(s) cannot be published: {}",
        .0.len(),
        .0.iter().map(|(id, p)| format!("{id}: {p}")).collect::<Vec<_>>().join("; ")
    )]
    Images(Vec<(String, crate::picture::Problem)>),
}

/// The catalog without personal data and internal records: every contact of every project
/// and partner, the attestations and approvals of projects and who made each decision in
/// their history (they name people: a proposer, a reviewer), and of each need's support
/// only what is committed (`agreed` or `active`, [`Need::public`]), without its history.
///
/// [`Need::public`]: crate::model::Need::public
pub fn public_view(catalog: &Catalog) -> Catalog {
    let mut public = Catalog::from_records(
        catalog.config.clone(),
        catalog.projects.clone(),
        catalog.partners.clone(),
        catalog.offers.clone(),
    );
    // Health data holds no personal data (authors are counted, not named).
    public.health = catalog.health.clone();
    for p in &mut public.projects {
        without_people(p);
        for n in &mut p.needs {
            *n = n.public();
        }
    }
    for p in &mut public.partners {
        p.contacts.clear();
    }
    public
}

/// Removes from `project` what names people: its contacts, its attestations (who vouched
/// for a criterion) and approvals (the reviewer), and who made each decision in its history
/// and each change in its support's histories.
pub fn without_people(project: &mut Project) {
    project.contacts.clear();
    project.attestations.clear();
    project.approvals.clear();
    for decision in &mut project.history {
        decision.by = None;
    }
    for change in project
        .needs
        .iter_mut()
        .flat_map(|n| &mut n.supported_by)
        .flat_map(|s| &mut s.history)
    {
        change.by = None;
    }
}

/// What a publishing format lists on `today`: the projects whose lifecycle the portal
/// publishes (`[portal] lifecycles`, default admitted and sustained), the offers that have not
/// expired (`valid_until` not before `today`), and the partners that support a published
/// project or make a published offer. Proposed, in-review, rejected, retired and archived
/// projects are left out, and so is everything only they refer to.
pub fn published(catalog: &Catalog, today: NaiveDate) -> Catalog {
    let portal = &catalog.config.portal;
    let projects: Vec<Project> = catalog
        .projects
        .iter()
        .filter(|p| portal.publishes(p.lifecycle))
        .cloned()
        .collect();
    let offers: Vec<_> = catalog
        .offers
        .iter()
        .filter(|o| o.valid_until.is_none_or(|until| until >= today))
        .cloned()
        .collect();
    let mut supporting: HashSet<&str> = projects
        .iter()
        .flat_map(|p| &p.needs)
        .flat_map(|n| &n.supported_by)
        .map(|s| s.partner.as_str())
        .collect();
    supporting.extend(offers.iter().map(|o| o.partner.as_str()));
    let partners = catalog
        .partners
        .iter()
        .filter(|p| supporting.contains(p.id.as_str()))
        .cloned()
        .collect();
    let mut listed = Catalog::from_records(catalog.config.clone(), projects, partners, offers);
    // The health data of the listed projects (their profile pages and exports explain it).
    let ids: HashSet<&str> = listed.projects.iter().map(|p| p.id.as_str()).collect();
    listed.health.files = catalog
        .health
        .files
        .iter()
        .filter(|h| ids.contains(h.record.project.as_str()))
        .cloned()
        .collect();
    listed
}

/// Renders `catalog` in `format`.
///
/// # Errors
/// [`Error::PrivateRefused`] for `include_private` with a public-web format, [`Error::Language`]
/// for a malformed language code, [`Error::Serialize`] if a value cannot be serialised.
pub fn render(catalog: &Catalog, format: Format, options: &Options) -> Result<Vec<File>, Error> {
    if options.include_private && format.is_public_only() {
        return Err(Error::PrivateRefused(format));
    }
    if let Some(lang) = &options.lang
        && !(lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase()))
    {
        return Err(Error::Language(lang.clone()));
    }
    let listed;
    let catalog = if format.is_publishing() || options.public_only {
        listed = published(catalog, options.date());
        &listed
    } else {
        catalog
    };
    let public;
    let catalog = if options.include_private {
        catalog
    } else {
        public = public_view(catalog);
        &public
    };
    match format {
        Format::Json => json::render(catalog),
        Format::Jsonl => json::render_lines(catalog),
        Format::Csv => Ok(csv::render(catalog, options)),
        Format::Markdown => Ok(markdown::render(catalog, options)),
        Format::Jsonld => jsonld::render(catalog, options),
        Format::Atom => Ok(atom::render(catalog, options)),
        Format::Html => html::render(catalog, options),
        Format::Publiccode => publiccode::render(catalog, options),
    }
}

/// Which dimensions (need kinds) of a project want help: kinds with a need nobody supports.
pub fn help_wanted(project: &Project) -> Vec<&str> {
    let mut kinds: Vec<&str> = Vec::new();
    for need in &project.needs {
        if need.wants_help() && !kinds.contains(&need.kind.as_str()) {
            kinds.push(&need.kind);
        }
    }
    kinds
}

/// The need kinds shown as support dimensions for `project`: the three built-in ones, then any
/// other kind the project has a need of.
pub(crate) fn dimensions(project: &Project) -> Vec<&str> {
    let mut kinds: Vec<&str> = crate::model::BUILTIN_NEED_KINDS.to_vec();
    for need in &project.needs {
        if !kinds.contains(&need.kind.as_str()) {
            kinds.push(&need.kind);
        }
    }
    kinds
}

/// Partners by id.
pub(crate) fn partner_index(catalog: &Catalog) -> HashMap<&str, &Partner> {
    catalog
        .partners
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect()
}

/// The names of the partners that support `project` in `kind` (committed support only), in
/// order, without repeats.
pub(crate) fn supporters<'a>(
    project: &'a Project,
    kind: &str,
    partners: &HashMap<&str, &'a Partner>,
) -> Vec<&'a str> {
    let mut names: Vec<&str> = Vec::new();
    for need in project.needs.iter().filter(|n| n.kind == kind) {
        for r in need.public_support() {
            let name = partners
                .get(r.partner.as_str())
                .map_or(r.partner.as_str(), |p| p.name.as_str());
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}
