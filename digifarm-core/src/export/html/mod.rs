//! The static HTML site a city publishes: an index page with client-side search and filters,
//! a profile page per project (its Steckbrief: the three support boxes with "Ich möchte
//! helfen", image, facts and licence), `propose.html` (the proposal form, checked in the
//! browser by `digifarm propose`'s own rules compiled to WebAssembly), an `embed.html`
//! without page chrome for an iframe in a city portal, and `sitemap.xml`.
//!
//! Everything is local (no framework, no request to any other host): the index, embed and
//! propose pages carry their CSS and scripts inline, so each works as a single file; the
//! profile pages share one `style.css` next to the index, which keeps a 10,000-project site
//! small. The site is written in German and English; the language of
//! [`Options::lang`](super::Options::lang) (default: the catalog's) sits at the root, the
//! other one in a sub-directory (`en/` or `de/`). Without JavaScript every project is
//! listed and the pages still work (the proposal form needs it).
//!
//! Branding and the legal links come from `[portal]` in `digifarm.toml`: the logo and the
//! accent colour on every page, and the Impressum, privacy policy and accessibility
//! statement in the footer of every page, `embed.html` included.
//!
//! Layout: `index.html`, `embed.html`, `propose.html`, `projects/<id>.html` (a merged
//! catalog's `ms/x` at `projects/ms/x.html`), `<lang>/…` likewise, `images/<id>.jpg|png`
//! (500 × 350), `logo.svg|png`, `propose.wasm`, `style.css`, `sitemap.xml` (with a base URL).

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::text::{
    complexity, esc, help_wanted_label, kind_name, lifecycle, loc, loc_marked, status, tr,
};
use super::{Error, File, Options, dimensions, help_wanted, partner_index, supporters};
use crate::catalog::Catalog;
use crate::i18n::Lang;
use crate::license::{self, Policy};
use crate::model::{Complexity, Partner, Project, ProjectStatus};
use crate::picture::{self, Kind};
use crate::portal::{self, Contact, WantedNeed};

mod propose;

const CSS: &str = include_str!("style.css");
const JS: &str = include_str!("filter.js");

/// The languages the site is written in.
const SITE_LANGUAGES: [&str; 2] = ["de", "en"];

/// One language edition of the site.
struct Edition<'a> {
    lang: &'a str,
    /// Directory of this edition relative to the site root (`""` or `"en/"`).
    dir: String,
    /// The other editions: (language, directory).
    others: Vec<(&'a str, String)>,
}

impl Edition<'_> {
    /// From a page `depth` directories below this edition's root to the site root.
    fn to_root(&self, depth: usize) -> String {
        let levels = depth + usize::from(!self.dir.is_empty());
        "../".repeat(levels)
    }

    fn words(&self) -> Lang {
        Lang::from_tag(self.lang)
    }
}

fn editions(primary: &str) -> Vec<Edition<'_>> {
    let mut langs: Vec<&str> = vec![primary];
    // One edition a language: `de-AT` as the catalog's language is the German edition.
    langs.extend(
        SITE_LANGUAGES
            .iter()
            .copied()
            .filter(|l| Lang::of_tag(primary) != Lang::of_tag(l)),
    );
    let dir_of = |i: usize, l: &str| {
        if i == 0 {
            String::new()
        } else {
            format!("{l}/")
        }
    };
    langs
        .iter()
        .enumerate()
        .map(|(i, &lang)| Edition {
            lang,
            dir: dir_of(i, lang),
            others: langs
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(j, &l)| (l, dir_of(j, l)))
                .collect(),
        })
        .collect()
}

fn language_name(lang: &str) -> &'static str {
    match Lang::of_tag(lang) {
        Some(Lang::De) => "Deutsch",
        Some(Lang::En) => "English",
        None => "Other language",
    }
}

/// Only web links become `href`s; anything else (`javascript:`, `ssh://`) is shown as text.
fn link(url: &str, text: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        format!("<a href=\"{}\">{}</a>", esc(url), esc(text))
    } else {
        esc(text)
    }
}

fn paragraphs(text: &str) -> String {
    let mut out = String::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        out.push_str(&esc(para).replace('\n', "<br>"));
        out.push_str("</p>\n");
    }
    out
}

/// The directory depth of a profile page below its edition: `projects/x.html` is 1, a merged
/// catalog's `projects/ms/x.html` is 2.
fn profile_depth(id: &str) -> usize {
    1 + id.matches('/').count()
}

/// A published image: its path from the site root and its size.
#[derive(Debug, Clone)]
struct Image {
    path: String,
    width: u32,
    height: u32,
}

/// What every page of the site shares.
struct Site<'a> {
    catalog: &'a Catalog,
    options: &'a Options,
    /// The catalog's default language.
    dl: &'a str,
    /// The stylesheet with the city's accent colour.
    css: String,
    logo: Option<Image>,
    images: HashMap<&'a str, Image>,
    policy: Policy,
    partners: HashMap<&'a str, &'a Partner>,
    /// Stored health data by project id, looked up once per profile page.
    health: HashMap<&'a str, &'a crate::health::StoredHealth>,
    facets: Facets,
}

impl Site<'_> {
    fn title(&self, lang: &str) -> String {
        let portal = &self.catalog.config.portal;
        if let Some(t) = portal.title.as_ref().and_then(|t| t.get(lang, self.dl))
            && !t.trim().is_empty()
        {
            return t.trim().to_owned();
        }
        let city = &self.catalog.config.city.name;
        let words = tr(lang, "Civic-Tech-Projekte", "Civic tech projects");
        if city.is_empty() {
            words.to_owned()
        } else {
            format!("{words} – {city}")
        }
    }

    /// The absolute URL of `path` (relative to the site root), when `--base-url` is known.
    fn absolute(&self, path: &str) -> Option<String> {
        self.options
            .base_url
            .as_deref()
            .map(|b| format!("{}/{path}", b.trim_end_matches('/')))
    }
}

/// Which page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageKind {
    Index,
    Embed,
    Profile,
    Propose,
}

struct Page<'a> {
    edition: &'a Edition<'a>,
    /// Directories below the edition root (0 for index, 1 for profiles, more for a merged
    /// catalog's profiles).
    depth: usize,
    /// Path of this page relative to the edition root.
    path: String,
    title: String,
    kind: PageKind,
}

impl Page<'_> {
    fn root(&self) -> String {
        self.edition.to_root(self.depth)
    }

    /// From this page to its edition's root.
    fn up(&self) -> String {
        "../".repeat(self.depth)
    }
}

fn head(site: &Site<'_>, page: &Page<'_>) -> String {
    let e = page.edition;
    let root = page.root();
    let mut out = String::new();
    out.push_str(&format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"digifarm\">\n<title>{}</title>\n\
         <script>document.documentElement.className += \" js\";</script>\n",
        esc(e.lang),
        esc(&page.title)
    ));
    for (l, dir) in &e.others {
        out.push_str(&format!(
            "<link rel=\"alternate\" hreflang=\"{l}\" href=\"{root}{dir}{}\">\n",
            esc(&page.path)
        ));
    }
    if page.kind == PageKind::Embed {
        // Links leave the iframe rather than opening inside the city portal's frame.
        out.push_str("<base target=\"_blank\">\n");
    }
    if page.kind == PageKind::Profile {
        out.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{root}style.css\">\n</head>\n"
        ));
    } else {
        out.push_str("<style>\n");
        out.push_str(&site.css);
        out.push_str("</style>\n</head>\n");
    }
    if page.kind == PageKind::Embed {
        out.push_str("<body class=\"embed\">\n");
        return out;
    }
    let lang = e.lang;
    let up = page.up();
    out.push_str(&format!(
        "<body>\n<a class=\"skip\" href=\"#main\">{}</a>\n<header class=\"site\">\n<a class=\"brand\" href=\"{up}index.html\">",
        tr(lang, "Zum Inhalt springen", "Skip to content"),
    ));
    if let Some(logo) = &site.logo {
        // The title beside it names the site: the logo itself is decoration here.
        out.push_str(&format!(
            "<img src=\"{root}{}\" alt=\"\" width=\"{}\" height=\"{}\">",
            esc(&logo.path),
            logo.width,
            logo.height
        ));
    }
    out.push_str(&format!(
        "<span>{}</span></a>\n<nav aria-label=\"{}\"><ul>\n",
        esc(&site.title(lang)),
        tr(lang, "Seitennavigation", "Site navigation")
    ));
    let current = |kind: PageKind| {
        if page.kind == kind {
            " aria-current=\"page\""
        } else {
            ""
        }
    };
    out.push_str(&format!(
        "<li><a href=\"{up}index.html\"{}>{}</a></li>\n<li><a href=\"{up}propose.html\"{}>{}</a></li>\n",
        current(PageKind::Index),
        tr(lang, "Alle Projekte", "All projects"),
        current(PageKind::Propose),
        tr(lang, "Projekt vorschlagen", "Propose a project"),
    ));
    for (l, dir) in &e.others {
        out.push_str(&format!(
            "<li><a href=\"{root}{dir}{}\" hreflang=\"{l}\" lang=\"{l}\">{}</a></li>\n",
            esc(&page.path),
            language_name(l)
        ));
    }
    out.push_str("</ul></nav>\n</header>\n");
    out
}

/// The footer of every page: the legal links, the programme's contact, and where the data
/// comes from.
fn foot(site: &Site<'_>, page: &Page<'_>) -> String {
    let lang = page.edition.lang;
    let portal = &site.catalog.config.portal;
    let mut out = String::from("<footer>\n");
    let legal: Vec<(&Option<String>, &str)> = vec![
        (
            &portal.imprint_url,
            tr(lang, "Impressum", "Legal notice (Impressum)"),
        ),
        (
            &portal.privacy_url,
            tr(lang, "Datenschutz", "Privacy policy"),
        ),
        (
            &portal.accessibility_url,
            tr(lang, "Barrierefreiheit", "Accessibility statement"),
        ),
    ];
    let links: Vec<String> = legal
        .into_iter()
        .filter_map(|(url, name)| {
            let url = portal::web_url(url.as_deref()?).ok()?;
            Some(format!("<li>{}</li>", link(&url, name)))
        })
        .collect();
    if !links.is_empty() {
        out.push_str(&format!(
            "<nav aria-label=\"{}\"><ul>{}</ul></nav>\n",
            tr(lang, "Rechtliches", "Legal"),
            links.concat()
        ));
    }
    if let Some(contact) = portal
        .contact
        .as_deref()
        .and_then(|c| portal::contact(c).ok())
    {
        let shown = match &contact {
            Contact::Email(address) => format!(
                "<a href=\"{}\">{}</a>",
                esc(&portal::mailto_address(address)),
                esc(address)
            ),
            Contact::Web(url) => link(url, url),
        };
        out.push_str(&format!(
            "<p>{}: {shown}</p>\n",
            tr(lang, "Kontakt zum Programm", "Contact the programme")
        ));
    }
    if page.kind == PageKind::Embed {
        out.push_str(&format!(
            "<p><a href=\"propose.html\">{}</a></p>\n",
            tr(lang, "Projekt vorschlagen", "Propose a project")
        ));
    }
    out.push_str(&format!(
        "<p>{}</p>\n</footer>\n</body>\n</html>\n",
        tr(
            lang,
            "Erstellt mit digifarm. Persönliche Kontaktdaten werden nicht veröffentlicht.",
            "Made with digifarm. Personal contact data is never published."
        )
    ));
    out
}

/// Facet values across the catalog, for the filter selects.
#[derive(Default)]
struct Facets {
    technologies: BTreeSet<String>,
    categories: BTreeSet<String>,
    types: BTreeSet<String>,
    complexities: BTreeSet<Complexity>,
    statuses: BTreeSet<ProjectStatus>,
    kinds: Vec<String>,
}

fn facets(catalog: &Catalog) -> Facets {
    let mut f = Facets {
        kinds: crate::model::BUILTIN_NEED_KINDS
            .iter()
            .map(|k| (*k).to_owned())
            .collect(),
        ..Facets::default()
    };
    for p in &catalog.projects {
        f.technologies.extend(p.technologies.iter().cloned());
        f.categories.extend(p.categories.iter().cloned());
        f.types.extend(p.software_type.iter().cloned());
        f.complexities.extend(p.complexity);
        f.statuses.insert(p.status);
        for n in &p.needs {
            if !f.kinds.contains(&n.kind) {
                f.kinds.push(n.kind.clone());
            }
        }
    }
    f
}

fn select(id: &str, name: &str, label: &str, all: &str, options: &[(String, String)]) -> String {
    let mut out = format!(
        "<div><label for=\"{id}\">{}</label><select id=\"{id}\" name=\"{name}\"><option value=\"\">{}</option>",
        esc(label),
        esc(all)
    );
    for (value, text) in options {
        out.push_str(&format!(
            "<option value=\"{}\">{}</option>",
            esc(value),
            esc(text)
        ));
    }
    out.push_str("</select></div>\n");
    out
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

/// The image of `p` as an `<img>`, with its size and a meaningful `alt`.
fn image_tag(site: &Site<'_>, p: &Project, lang: &str, root: &str, lazy: bool) -> String {
    let Some(image) = site.images.get(p.id.as_str()) else {
        return String::new();
    };
    let alt = p
        .image_alt
        .as_ref()
        .and_then(|t| t.get(lang, site.dl))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map_or_else(
            || {
                format!(
                    "{} {}",
                    tr(lang, "Vorschaubild von", "Preview image of"),
                    p.name
                )
            },
            str::to_owned,
        );
    format!(
        "<img class=\"shot\" src=\"{root}{}\" width=\"{}\" height=\"{}\" alt=\"{}\"{}>",
        esc(&image.path),
        image.width,
        image.height,
        esc(&alt),
        if lazy { " loading=\"lazy\"" } else { "" }
    )
}

/// The needs of `p` that want help in `kinds`, named for the help route.
fn wanted_needs<'a>(
    p: &'a Project,
    kinds: &[&str],
    lang: &str,
    dl: &str,
) -> Vec<(String, &'a str)> {
    p.needs
        .iter()
        .filter(|n| n.wants_help() && kinds.contains(&n.kind.as_str()))
        .map(|n| {
            (
                kind_name(lang, &n.kind),
                loc(n.description.as_ref(), lang, dl),
            )
        })
        .collect()
}

/// "Ich möchte helfen" for `kinds` of `p`, or nothing when the portal has no route.
fn help_link(site: &Site<'_>, e: &Edition<'_>, p: &Project, kinds: &[&str], what: &str) -> String {
    let lang = e.lang;
    let needs = wanted_needs(p, kinds, lang, site.dl);
    let mut named: Vec<WantedNeed<'_>> = Vec::new();
    let kinds_of: Vec<&str> = p
        .needs
        .iter()
        .filter(|n| n.wants_help() && kinds.contains(&n.kind.as_str()))
        .map(|n| n.kind.as_str())
        .collect();
    for ((name, description), kind) in needs.iter().zip(&kinds_of) {
        named.push(WantedNeed {
            kind,
            kind_name: name,
            description,
        });
    }
    if named.is_empty() {
        return String::new();
    }
    let profile = site.absolute(&format!("{}projects/{}.html", e.dir, p.id));
    let Some(route) = portal::help_route(
        &site.catalog.config.portal,
        p,
        &named,
        e.words(),
        profile.as_deref(),
    ) else {
        return String::new();
    };
    format!(
        "<p class=\"cta\"><a class=\"button\" href=\"{}\">{}<span class=\"visually-hidden\">: {}</span></a></p>\n",
        esc(&route),
        tr(lang, "Ich möchte helfen", "I want to help"),
        esc(what)
    )
}

fn card(site: &Site<'_>, e: &Edition<'_>, p: &Project) -> String {
    let lang = e.lang;
    let (summary, summary_lang) = loc_marked(Some(&p.summary), lang, site.dl);
    let wanted = help_wanted(p);
    let mut out = format!(
        "<li id=\"p-{id}\" data-id=\"{id}\" data-help=\"{}\" data-tech=\"{}\" data-cat=\"{}\" data-type=\"{}\" data-complexity=\"{}\" data-status=\"{}\">\n",
        esc(&wanted.join(" ")),
        esc(&json_list(&p.technologies)),
        esc(&json_list(&p.categories)),
        esc(p.software_type.as_deref().unwrap_or("")),
        p.complexity.map_or("", Complexity::as_str),
        p.status.as_str(),
        id = esc(&p.id),
    );
    out.push_str(&image_tag(site, p, lang, &e.to_root(0), true));
    out.push_str(&format!(
        "<h2><a href=\"projects/{}.html\">{}</a></h2>\n<p{summary_lang}>{}</p>\n",
        esc(&p.id),
        esc(&p.name),
        esc(summary)
    ));
    if !wanted.is_empty() {
        out.push_str(&format!(
            "<ul class=\"badges\" aria-label=\"{}\">",
            tr(lang, "Gesuchte Unterstützung", "Help wanted")
        ));
        for k in &wanted {
            out.push_str(&format!(
                "<li class=\"badge\" data-kind=\"{}\">{}</li>",
                esc(k),
                esc(&help_wanted_label(lang, k))
            ));
        }
        out.push_str("</ul>\n");
        out.push_str(&help_link(site, e, p, &wanted, &p.name));
    }
    let mut meta = vec![status(lang, p.status).to_owned()];
    if !p.technologies.is_empty() {
        meta.push(p.technologies.join(", "));
    }
    meta.push(license_label(site, p, lang));
    out.push_str(&format!(
        "<p class=\"meta\">{}</p>\n</li>\n",
        esc(&meta.join(" · "))
    ));
    out
}

/// The licence as a citizen reads it: the SPDX expression, or "Lizenz wird geklärt" where
/// there is none yet (`NOASSERTION`, `NONE`, a pending clarification).
fn license_label(site: &Site<'_>, p: &Project, lang: &str) -> String {
    if license_pending(site, p) {
        tr(lang, "Lizenz wird geklärt", "Licence being clarified").to_owned()
    } else {
        p.license.trim().to_owned()
    }
}

fn license_pending(site: &Site<'_>, p: &Project) -> bool {
    let t = p.license.trim();
    t.is_empty()
        || t == "NOASSERTION"
        || t == "NONE"
        || site
            .catalog
            .config
            .license
            .pending
            .iter()
            .any(|x| x.project == p.id)
}

fn index_page(site: &Site<'_>, e: &Edition<'_>, embed: bool) -> File {
    let lang = e.lang;
    let catalog = site.catalog;
    let f = &site.facets;
    let title = site.title(lang);
    let file = if embed { "embed.html" } else { "index.html" };
    let page = Page {
        edition: e,
        depth: 0,
        path: file.to_owned(),
        title: title.clone(),
        kind: if embed {
            PageKind::Embed
        } else {
            PageKind::Index
        },
    };
    let mut out = head(site, &page);
    out.push_str("<main id=\"main\">\n");
    if embed {
        // No page chrome inside the city's portal, but the programme's logo by its title.
        let logo = site.logo.as_ref().map_or_else(String::new, |logo| {
            format!(
                "<img src=\"{}{}\" alt=\"\" width=\"{}\" height=\"{}\"> ",
                e.to_root(0),
                esc(&logo.path),
                logo.width,
                logo.height
            )
        });
        out.push_str(&format!(
            "<h1 class=\"embed-title\">{logo}{}</h1>\n",
            esc(&title)
        ));
    } else {
        out.push_str(&format!("<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"propose.html\">{}</a></p>\n", esc(&title), tr(lang,
            "Offene Software-Projekte für die Stadt, die Unterstützung bei Inhalt, Technik oder Finanzierung suchen oder gefunden haben.",
            "Open-source projects for the city that look for, or have found, support with content, technology or money."),
            tr(lang, "Sie haben selbst ein Projekt? Schlagen Sie es vor.", "Do you run a project yourself? Propose it.")));
    }
    out.push_str(&format!(
        "<form id=\"filters\" class=\"filters\" role=\"search\" aria-label=\"{}\">\n",
        tr(lang, "Projekte filtern", "Filter projects")
    ));
    out.push_str(&format!(
        "<div><label for=\"q\">{}</label><input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\"></div>\n",
        tr(lang, "Suche", "Search")
    ));
    let toggle = tr(lang, "Filter", "Filters");
    out.push_str(&format!(
        "<button type=\"button\" id=\"filter-toggle\" class=\"filter-toggle\" aria-expanded=\"false\" aria-controls=\"filter-fields\" data-label=\"{toggle}\">{toggle}</button>\n<div id=\"filter-fields\" class=\"fields\">\n"
    ));
    let tech: Vec<(String, String)> = f
        .technologies
        .iter()
        .map(|t| (t.clone(), t.clone()))
        .collect();
    let cats: Vec<(String, String)> = f
        .categories
        .iter()
        .map(|t| (t.clone(), t.clone()))
        .collect();
    let types: Vec<(String, String)> = f.types.iter().map(|t| (t.clone(), t.clone())).collect();
    let cxs: Vec<(String, String)> = f
        .complexities
        .iter()
        .map(|c| (c.as_str().to_owned(), complexity(lang, *c).to_owned()))
        .collect();
    let sts: Vec<(String, String)> = f
        .statuses
        .iter()
        .map(|s| (s.as_str().to_owned(), status(lang, *s).to_owned()))
        .collect();
    let all = tr(lang, "Alle", "All");
    out.push_str(&select(
        "f-tech",
        "tech",
        tr(lang, "Technologie", "Technology"),
        all,
        &tech,
    ));
    out.push_str(&select(
        "f-category",
        "category",
        tr(lang, "Kategorie", "Category"),
        all,
        &cats,
    ));
    out.push_str(&select(
        "f-type",
        "type",
        tr(lang, "Typ", "Type"),
        all,
        &types,
    ));
    out.push_str(&select(
        "f-complexity",
        "complexity",
        tr(lang, "Komplexität", "Complexity"),
        all,
        &cxs,
    ));
    out.push_str(&select(
        "f-status",
        "status",
        tr(lang, "Status", "Status"),
        all,
        &sts,
    ));
    out.push_str(&format!(
        "<fieldset><legend>{}</legend>\n",
        tr(lang, "Hilfe gesucht bei", "Help wanted with")
    ));
    for k in &f.kinds {
        out.push_str(&format!(
            "<label><input type=\"checkbox\" name=\"help\" id=\"help-{k}\" value=\"{k}\">{}</label>\n",
            esc(&help_wanted_label(lang, k)),
            k = esc(k)
        ));
    }
    out.push_str(&format!(
        "</fieldset>\n<div><button type=\"reset\">{}</button></div>\n</div>\n</form>\n",
        tr(lang, "Filter zurücksetzen", "Reset filters")
    ));
    let total = catalog.projects.len();
    let template = tr(lang, "{n} von {total} Projekten", "{n} of {total} projects");
    out.push_str(&format!(
        "<p id=\"count\" role=\"status\" aria-live=\"polite\" data-template=\"{}\">{}</p>\n",
        esc(template),
        esc(&template
            .replace("{n}", &total.to_string())
            .replace("{total}", &total.to_string()))
    ));
    out.push_str("<ul id=\"projects\" class=\"cards\">\n");
    for p in &catalog.projects {
        out.push_str(&card(site, e, p));
    }
    out.push_str("</ul>\n");
    out.push_str(&format!(
        "<p id=\"none\" hidden>{}</p>\n</main>\n",
        tr(
            lang,
            "Kein Projekt passt zu diesen Filtern.",
            "No project matches these filters."
        )
    ));
    out.push_str("<script>\n");
    out.push_str(JS);
    out.push_str("</script>\n");
    out.push_str(&foot(site, &page));
    File::new(format!("{}{file}", e.dir), out)
}

/// An amount written in the reader's language: `1.200 €`, `€1,200`.
fn euros(lang: Lang, amount: f64) -> String {
    let decimals = usize::from(amount.fract() != 0.0) * 2;
    match lang {
        Lang::De => format!("{}\u{a0}€", lang.number(amount, decimals)),
        Lang::En => format!("€{}", lang.number(amount, decimals)),
    }
}

fn hours(lang: Lang, h: f64) -> String {
    let decimals = usize::from(h.fract() != 0.0);
    lang.number(h, decimals)
}

fn support_box(site: &Site<'_>, e: &Edition<'_>, p: &Project, kind: &str) -> String {
    let lang = e.lang;
    let words = e.words();
    let dl = site.dl;
    let needs: Vec<_> = p.needs.iter().filter(|n| n.kind == kind).collect();
    let names = supporters(p, kind, &site.partners);
    let wanted: Vec<_> = needs.iter().filter(|n| n.wants_help()).collect();
    let class = if !wanted.is_empty() {
        "wanted"
    } else if !names.is_empty() {
        "supported"
    } else {
        "none"
    };
    let mut out = format!(
        "<section class=\"support-box {class}\" data-kind=\"{k}\" aria-labelledby=\"box-{k}\">\n<h3 id=\"box-{k}\">{}</h3>\n",
        esc(&kind_name(lang, kind)),
        k = esc(kind)
    );
    if !names.is_empty() {
        out.push_str(&format!(
            "<p class=\"state\">{} {}</p>\n",
            tr(lang, "Unterstützt von", "Supported by"),
            esc(&names.join(", "))
        ));
    }
    if !wanted.is_empty() {
        out.push_str(&format!(
            "<p class=\"state\">{}</p>\n",
            esc(&help_wanted_label(lang, kind))
        ));
        for n in &wanted {
            let (d, d_lang) = loc_marked(n.description.as_ref(), lang, dl);
            if !d.is_empty() {
                out.push_str(&format!("<p{d_lang}>{}</p>\n", esc(d)));
            }
            let mut extra = Vec::new();
            if !n.skills.is_empty() {
                extra.push(format!(
                    "{}: {}",
                    tr(lang, "Fähigkeiten", "Skills"),
                    n.skills.join(", ")
                ));
            }
            if let Some(h) = n.hours_per_month {
                extra.push(format!(
                    "{} {}",
                    hours(words, h),
                    tr(lang, "Stunden im Monat", "hours a month")
                ));
            }
            if let Some(eur) = n.eur_per_year {
                extra.push(format!(
                    "{} {}",
                    euros(words, eur),
                    tr(lang, "im Jahr", "a year")
                ));
            }
            if let Some(since) = n.since {
                extra.push(format!(
                    "{} {}",
                    tr(lang, "gesucht seit", "wanted since"),
                    words.date(since)
                ));
            }
            if !extra.is_empty() {
                out.push_str(&format!(
                    "<p class=\"meta\">{}</p>\n",
                    esc(&extra.join(" · "))
                ));
            }
        }
        out.push_str(&help_link(
            site,
            e,
            p,
            &[kind],
            &format!("{} – {}", p.name, kind_name(lang, kind)),
        ));
    }
    if class == "none" {
        out.push_str(&format!(
            "<p class=\"state\">{}</p>\n",
            tr(lang, "Kein Bedarf gemeldet", "No need reported")
        ));
    }
    out.push_str("</section>\n");
    out
}

fn fact(out: &mut String, label: &str, value_html: &str) {
    if !value_html.is_empty() {
        out.push_str(&format!("<dt>{}</dt><dd>{value_html}</dd>\n", esc(label)));
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` in the reader's language (`2018`, `Dezember 2018`,
/// `3. Dezember 2018`).
fn partial_date(words: Lang, text: &str) -> String {
    let parts: Vec<&str> = text.split('-').collect();
    let num = |i: usize| parts.get(i).and_then(|s| s.parse::<u32>().ok());
    let year = parts.first().and_then(|s| s.parse::<i32>().ok());
    match (year, num(1), num(2)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d)
            .map_or_else(|| text.to_owned(), |date| words.date(date)),
        (Some(y), Some(m), None) => NaiveDate::from_ymd_opt(y, m, 1)
            .map_or_else(|| text.to_owned(), |date| words.month(date)),
        _ => text.to_owned(),
    }
}

fn profile_page(site: &Site<'_>, e: &Edition<'_>, p: &Project) -> File {
    let lang = e.lang;
    let words = e.words();
    let dl = site.dl;
    let depth = profile_depth(&p.id);
    let page = Page {
        edition: e,
        depth,
        path: format!("projects/{}.html", p.id),
        title: format!(
            "{} – {}",
            p.name,
            tr(lang, "Projektprofil", "Project profile")
        ),
        kind: PageKind::Profile,
    };
    let root = page.root();
    let mut out = head(site, &page);
    let (summary, summary_lang) = loc_marked(Some(&p.summary), lang, dl);
    out.push_str(&format!(
        "<main id=\"main\">\n<p><a href=\"{}index.html\">{}</a></p>\n<article>\n<h1>{}</h1>\n<p class=\"summary\"{summary_lang}>{}</p>\n",
        page.up(),
        tr(lang, "← Alle Projekte", "← All projects"),
        esc(&p.name),
        esc(summary)
    ));
    let image = image_tag(site, p, lang, &root, false);
    if !image.is_empty() {
        out.push_str(&format!("<figure>{image}</figure>\n"));
    }
    if let Some(line) = crate::health::portal_line(
        site.catalog,
        p,
        site.health.get(p.id.as_str()).copied(),
        crate::i18n::Lang::from_tag(lang),
    ) {
        out.push_str(&format!("<p class=\"health\">{}</p>\n", esc(&line)));
    }
    out.push_str(&format!(
        "<section aria-labelledby=\"support-h\">\n<h2 id=\"support-h\">{}</h2>\n<div class=\"support\">\n",
        tr(lang, "Unterstützung", "Support")
    ));
    for kind in dimensions(p) {
        out.push_str(&support_box(site, e, p, kind));
    }
    out.push_str("</div>\n</section>\n");
    let (description, description_lang) = loc_marked(p.description.as_ref(), lang, dl);
    if !description.is_empty() {
        let text = if description_lang.is_empty() {
            paragraphs(description)
        } else {
            format!(
                "<div{description_lang}>\n{}</div>\n",
                paragraphs(description)
            )
        };
        out.push_str(&format!(
            "<section aria-labelledby=\"desc-h\">\n<h2 id=\"desc-h\">{}</h2>\n{text}</section>\n",
            tr(lang, "Beschreibung", "Description"),
        ));
    }
    // General facts.
    let mut general = String::new();
    let mut st = esc(status(lang, p.status));
    let (note, note_lang) = loc_marked(p.status_note.as_ref(), lang, dl);
    if !note.is_empty() {
        st.push_str(&format!(" (<span{note_lang}>{}</span>)", esc(note)));
    }
    if let Some(since) = p.status_since {
        st.push_str(&format!(
            " {} {}",
            tr(lang, "seit", "since"),
            esc(&words.date(since))
        ));
    }
    fact(&mut general, tr(lang, "Status", "Status"), &st);
    fact(
        &mut general,
        tr(lang, "Im Programm", "In the programme"),
        &esc(lifecycle(lang, p.lifecycle)),
    );
    fact(
        &mut general,
        tr(lang, "Kategorien", "Categories"),
        &esc(&p.categories.join(", ")),
    );
    if let Some(o) = &p.origin {
        let parts: Vec<&str> = [o.city.as_deref(), o.community.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        fact(
            &mut general,
            tr(lang, "Herkunft", "Origin"),
            &esc(&parts.join(", ")),
        );
        fact(
            &mut general,
            tr(lang, "Projektstart", "Started"),
            &esc(&o
                .started
                .as_deref()
                .map(|s| partial_date(words, s))
                .unwrap_or_default()),
        );
    }
    if let Some(d) = p.admitted_on {
        fact(
            &mut general,
            tr(lang, "Aufgenommen am", "Admitted on"),
            &esc(&words.date(d)),
        );
    }
    if let Some(d) = p.last_reviewed {
        fact(
            &mut general,
            tr(lang, "Zuletzt geprüft", "Last reviewed"),
            &esc(&words.date(d)),
        );
    }
    out.push_str(&format!(
        "<section aria-labelledby=\"general-h\">\n<h2 id=\"general-h\">{}</h2>\n<dl class=\"facts\">\n{general}</dl>\n</section>\n",
        tr(lang, "Steckbrief", "Profile")
    ));
    // Technical facts.
    let mut technical = String::new();
    fact(
        &mut technical,
        tr(lang, "Art der Software", "Kind of software"),
        &esc(p.software_type.as_deref().unwrap_or("")),
    );
    if let Some(c) = p.complexity {
        fact(
            &mut technical,
            tr(lang, "Komplexität", "Complexity"),
            &esc(complexity(lang, c)),
        );
    }
    fact(
        &mut technical,
        tr(lang, "Technologien", "Technologies"),
        &esc(&p.technologies.join(", ")),
    );
    let mut skills: Vec<&str> = Vec::new();
    for s in p.needs.iter().flat_map(|n| &n.skills) {
        if !skills.contains(&s.as_str()) {
            skills.push(s);
        }
    }
    fact(
        &mut technical,
        tr(lang, "Benötigte Fähigkeiten", "Skills needed"),
        &esc(&skills.join(", ")),
    );
    let costs: f64 = p
        .needs
        .iter()
        .filter(|n| n.kind == "financial")
        .filter_map(|n| n.eur_per_year)
        .sum();
    if costs > 0.0 {
        fact(
            &mut technical,
            tr(lang, "Laufende Kosten", "Running costs"),
            &esc(&format!(
                "{} {}",
                euros(words, costs),
                tr(lang, "im Jahr", "a year")
            )),
        );
    }
    if let Some(d) = &p.deployment {
        let mode = match d.mode {
            crate::model::DeploymentMode::PerCity => tr(
                lang,
                "eine Installation je Stadt",
                "one installation per city",
            ),
            crate::model::DeploymentMode::Central => {
                tr(lang, "zentral für alle Städte", "central, for every city")
            }
        };
        let mut v = esc(mode);
        if !d.cities.is_empty() {
            v.push_str(&format!(" ({})", esc(&d.cities.join(", "))));
        }
        fact(&mut technical, tr(lang, "Betrieb", "Deployment"), &v);
    }
    if let Some(u) = &p.links.homepage {
        fact(&mut technical, tr(lang, "Website", "Website"), &link(u, u));
    }
    if let Some(u) = &p.links.source {
        fact(
            &mut technical,
            tr(lang, "Quellcode", "Source code"),
            &link(u, u),
        );
    }
    if let Some(u) = &p.links.info {
        fact(
            &mut technical,
            tr(lang, "Mehr Informationen", "More information"),
            &link(u, u),
        );
    }
    out.push_str(&format!(
        "<section aria-labelledby=\"tech-h\">\n<h2 id=\"tech-h\">{}</h2>\n<dl class=\"facts\">\n{technical}</dl>\n</section>\n",
        tr(lang, "Technische Angaben", "Technical facts")
    ));
    // Licence with its verdict, in words.
    out.push_str(&format!(
        "<section aria-labelledby=\"license-h\" id=\"license\">\n<h2 id=\"license-h\">{}</h2>\n",
        tr(lang, "Lizenz", "Licence"),
    ));
    let pending = site
        .catalog
        .config
        .license
        .pending
        .iter()
        .find(|x| x.project == p.id);
    if license_pending(site, p) {
        out.push_str(&format!(
            "<p class=\"verdict bad\">{}</p>\n",
            tr(lang, "Lizenz wird geklärt", "Licence being clarified"),
        ));
        if let Some(x) = pending {
            out.push_str(&format!("<p class=\"meta\">{}</p>\n", esc(&x.reason)));
        }
    } else {
        let verdict = license::check(&p.license, &site.policy);
        out.push_str(&format!(
            "<p><code>{}</code></p>\n",
            esc(verdict.normalized.as_deref().unwrap_or(&p.license))
        ));
        out.push_str(&if verdict.allowed {
            format!(
                "<p class=\"verdict ok\">{}</p>\n",
                tr(
                    lang,
                    "Open Source: von der Lizenzpolitik der Stadt zugelassen",
                    "Open source: allowed by the city's licence policy"
                )
            )
        } else {
            format!(
                "<p class=\"verdict bad\">{}</p>\n",
                tr(
                    lang,
                    "Von der Lizenzpolitik der Stadt nicht zugelassen",
                    "Not allowed by the city's licence policy"
                )
            )
        });
    }
    if let Some(n) = &p.license_note {
        out.push_str(&format!("<p class=\"meta\">{}</p>\n", esc(n)));
    }
    out.push_str("</section>\n</article>\n</main>\n");
    out.push_str(&foot(site, &page));
    File::new(format!("{}projects/{}.html", e.dir, p.id), out)
}

fn sitemap(catalog: &Catalog, eds: &[Edition<'_>], base: &str) -> File {
    let base = format!("{}/", base.trim_end_matches('/'));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in eds {
        for page in ["index.html", "propose.html"] {
            out.push_str(&format!(
                "  <url><loc>{}</loc></url>\n",
                esc(&format!("{base}{}{page}", e.dir))
            ));
        }
        for p in &catalog.projects {
            let loc = format!("{base}{}projects/{}.html", e.dir, p.id);
            out.push_str(&format!("  <url><loc>{}</loc>", esc(&loc)));
            if let Some(d) = p.last_reviewed {
                out.push_str(&format!("<lastmod>{d}</lastmod>"));
            }
            out.push_str("</url>\n");
        }
    }
    out.push_str("</urlset>\n");
    File::new("sitemap.xml", out)
}

/// The stylesheet, with the city's accent colour when it has one (validation has checked
/// its contrast).
fn stylesheet(catalog: &Catalog) -> String {
    match catalog
        .config
        .portal
        .accent_color
        .as_deref()
        .and_then(|c| portal::Rgb::parse(c).ok())
    {
        Some(rgb) => format!("{CSS}:root{{--accent:{}}}\n", rgb.hex()),
        None => CSS.to_owned(),
    }
}

/// Renders the site. The images come from [`Options::assets`](super::Options::assets) (read
/// by `catalog::assets`); a project whose image is not there is shown without one.
///
/// # Errors
/// [`Error::Images`] with every project image that cannot be decoded or scaled.
pub fn render(catalog: &Catalog, options: &Options) -> Result<Vec<File>, Error> {
    let primary = options.language(catalog);
    let eds = editions(primary);
    let assets = options.assets.as_deref();
    // Project images: the copies made beforehand (`assets::read_site`, which keeps them
    // between runs), the others scaled here, in parallel.
    let scaled: Vec<(&str, Result<picture::Thumbnail, picture::Problem>)> = catalog
        .projects
        .par_iter()
        .filter_map(|p| {
            let asset = assets?.images.get(&p.id)?;
            let scaled = match &asset.thumbnail {
                Some(made) => Ok(picture::Thumbnail::clone(made)),
                None => picture::thumbnail(&asset.bytes, picture::PROJECT_IMAGE),
            };
            Some((p.id.as_str(), scaled))
        })
        .collect();
    let mut files = Vec::new();
    let mut images = HashMap::new();
    let mut broken = Vec::new();
    for (id, result) in scaled {
        match result {
            Ok(t) => {
                let path = format!("images/{id}.{}", t.extension);
                images.insert(
                    id,
                    Image {
                        path: path.clone(),
                        width: t.width,
                        height: t.height,
                    },
                );
                files.push(File::new(path, t.bytes));
            }
            Err(problem) => broken.push((id.to_owned(), problem)),
        }
    }
    if !broken.is_empty() {
        return Err(Error::Images(broken));
    }
    let logo = match assets.and_then(|a| a.logo.as_ref()) {
        None => None,
        Some(asset) => {
            let path = format!("logo.{}", asset.kind.extension());
            let bytes = picture::published_logo(&asset.bytes, asset.kind)
                .map_err(|p| Error::Images(vec![("portal.logo".to_owned(), p)]))?;
            files.push(File::new(path.clone(), bytes));
            let (width, height) = if asset.kind == Kind::Svg {
                (48, 48)
            } else {
                (asset.width, asset.height)
            };
            Some(Image {
                path,
                width,
                height,
            })
        }
    };
    let site = Site {
        catalog,
        options,
        dl: catalog.config.default_language(),
        css: stylesheet(catalog),
        logo,
        images,
        policy: Policy::from_config(&catalog.config.license),
        partners: partner_index(catalog),
        health: catalog.health.by_project(),
        facets: facets(catalog),
    };
    let pages: Vec<File> = eds
        .par_iter()
        .flat_map_iter(|e| [(e, false), (e, true)])
        .map(|(e, embed)| index_page(&site, e, embed))
        .collect();
    files.extend(pages);
    for e in &eds {
        files.push(propose::page(&site, e));
        let profiles: Vec<File> = catalog
            .projects
            .par_iter()
            .map(|p| profile_page(&site, e, p))
            .collect();
        files.extend(profiles);
    }
    files.push(File::new("style.css", site.css.clone()));
    files.push(File::new("propose.wasm", propose::WASM));
    // The sitemap protocol wants full URLs: without the site's address there is none.
    if let Some(base) = options.base_url.as_deref() {
        files.push(sitemap(catalog, &eds, base));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_are_written_out() {
        assert_eq!(partial_date(Lang::De, "2018-12"), "Dezember 2018");
        assert_eq!(partial_date(Lang::En, "2018-12-03"), "3 December 2018");
        assert_eq!(partial_date(Lang::De, "2018"), "2018");
        assert_eq!(partial_date(Lang::De, "2018-13"), "2018-13");
    }

    #[test]
    fn amounts_in_the_reader_s_language() {
        assert_eq!(euros(Lang::De, 1200.0), "1.200\u{a0}€");
        assert_eq!(euros(Lang::En, 99.5), "€99.50");
        assert_eq!(hours(Lang::De, 2.5), "2,5");
    }

    #[test]
    fn merged_ids_are_one_level_deeper() {
        assert_eq!(profile_depth("klimaheroes"), 1);
        assert_eq!(profile_depth("ms/klimaheroes"), 2);
        let eds = editions("de");
        assert_eq!(eds[0].to_root(2), "../../");
        assert_eq!(eds[1].to_root(2), "../../../");
    }
}
