//! The static HTML site: an index page with client-side search and filters, a profile page
//! per project with the three support boxes, an `embed.html` without page chrome for an
//! iframe in a city portal, and `sitemap.xml`.
//!
//! Everything is local (no framework, no request to any other host): the index and embed pages
//! carry their CSS and a few lines of JavaScript inline, so each works as a single file; the
//! profile pages share one `style.css` next to the index, which keeps a 10,000-project site
//! small. The site is written in German and English; the language of
//! [`Options::lang`](super::Options::lang) (default: the catalog's) sits at the root, the
//! other one in a sub-directory (`en/` or `de/`). Without JavaScript every project is
//! listed and the pages still work.
//!
//! Layout: `index.html`, `embed.html`, `projects/<id>.html`, `<lang>/…` likewise,
//! `style.css`, `sitemap.xml`.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use super::text::{complexity, esc, help_wanted_label, kind_name, lifecycle, loc, status, tr};
use super::{File, Options, dimensions, help_wanted, partner_index, supporters};
use crate::catalog::Catalog;
use crate::license::{self, Policy};
use crate::model::{Complexity, Partner, Project, ProjectStatus};

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
}

fn editions(primary: &str) -> Vec<Edition<'_>> {
    let mut langs: Vec<&str> = vec![primary];
    langs.extend(SITE_LANGUAGES.iter().copied().filter(|l| *l != primary));
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
    match lang {
        "de" => "Deutsch",
        "en" => "English",
        _ => "Other language",
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

struct Page<'a> {
    edition: &'a Edition<'a>,
    /// Directories below the edition root (0 for index, 1 for profiles).
    depth: usize,
    /// Path of this page relative to the edition root.
    path: String,
    title: String,
    embed: bool,
}

fn head(page: &Page<'_>, city: &str) -> String {
    let e = page.edition;
    let root = e.to_root(page.depth);
    let mut out = String::new();
    out.push_str(&format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"digifarm\">\n<title>{}</title>\n",
        esc(e.lang),
        esc(&page.title)
    ));
    for (l, dir) in &e.others {
        out.push_str(&format!(
            "<link rel=\"alternate\" hreflang=\"{l}\" href=\"{root}{dir}{}\">\n",
            esc(&page.path)
        ));
    }
    if page.embed {
        // Links leave the iframe rather than opening inside the city portal's frame.
        out.push_str("<base target=\"_blank\">\n");
    }
    if page.depth == 0 {
        out.push_str("<style>\n");
        out.push_str(CSS);
        out.push_str("</style>\n</head>\n");
    } else {
        out.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{root}style.css\">\n</head>\n"
        ));
    }
    out.push_str(if page.embed {
        "<body class=\"embed\">\n"
    } else {
        "<body>\n"
    });
    if !page.embed {
        out.push_str(&format!(
            "<a class=\"skip\" href=\"#main\">{}</a>\n<header class=\"site\">\n<p>{}</p>\n<nav aria-label=\"{}\">",
            tr(e.lang, "Zum Inhalt springen", "Skip to content"),
            esc(if city.is_empty() { "digifarm" } else { city }),
            tr(e.lang, "Sprache", "Language"),
        ));
        for (l, dir) in &e.others {
            out.push_str(&format!(
                "<a href=\"{root}{dir}{}\" hreflang=\"{l}\" lang=\"{l}\">{}</a> ",
                esc(&page.path),
                language_name(l)
            ));
        }
        out.push_str("</nav>\n</header>\n");
    }
    out
}

fn foot(page: &Page<'_>) -> String {
    if page.embed {
        return "</body>\n</html>\n".to_owned();
    }
    format!(
        "<footer><p>{}</p></footer>\n</body>\n</html>\n",
        tr(
            page.edition.lang,
            "Erstellt mit digifarm. Kontaktdaten werden nicht veröffentlicht.",
            "Made with digifarm. Contact data is never published."
        )
    )
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

fn card(p: &Project, lang: &str, dl: &str, root_rel: &str) -> String {
    let summary = loc(Some(&p.summary), lang, dl);
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
    out.push_str(&format!(
        "<h2><a href=\"{root_rel}projects/{}.html\">{}</a></h2>\n<p>{}</p>\n",
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
    }
    let mut meta = vec![status(lang, p.status).to_owned()];
    if !p.technologies.is_empty() {
        meta.push(p.technologies.join(", "));
    }
    meta.push(p.license.clone());
    out.push_str(&format!(
        "<p class=\"meta\">{}</p>\n</li>\n",
        esc(&meta.join(" · "))
    ));
    out
}

fn index_page(catalog: &Catalog, e: &Edition<'_>, f: &Facets, embed: bool) -> File {
    let lang = e.lang;
    let dl = catalog.config.default_language();
    let city = &catalog.config.city.name;
    let title = if city.is_empty() {
        tr(lang, "Civic-Tech-Projekte", "Civic tech projects").to_owned()
    } else {
        format!(
            "{} – {}",
            tr(lang, "Civic-Tech-Projekte", "Civic tech projects"),
            city
        )
    };
    let file = if embed { "embed.html" } else { "index.html" };
    let page = Page {
        edition: e,
        depth: 0,
        path: file.to_owned(),
        title: title.clone(),
        embed,
    };
    let mut out = head(&page, city);
    out.push_str("<main id=\"main\">\n");
    if embed {
        out.push_str(&format!("<h1 class=\"embed-title\">{}</h1>\n", esc(&title)));
    } else {
        out.push_str(&format!("<h1>{}</h1>\n<p>{}</p>\n", esc(&title), tr(lang,
            "Offene Software-Projekte für die Stadt, die Unterstützung bei Inhalt, Technik oder Finanzierung suchen oder gefunden haben.",
            "Open-source projects for the city that look for, or have found, support with content, technology or money.")));
    }
    out.push_str(&format!(
        "<form id=\"filters\" class=\"filters\" role=\"search\" aria-label=\"{}\">\n",
        tr(lang, "Projekte filtern", "Filter projects")
    ));
    out.push_str(&format!(
        "<div><label for=\"q\">{}</label><input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\"></div>\n",
        tr(lang, "Suche", "Search")
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
        "</fieldset>\n<div><button type=\"reset\">{}</button></div>\n</form>\n",
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
        out.push_str(&card(p, lang, dl, ""));
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
    out.push_str(&foot(&page));
    File::new(format!("{}{file}", e.dir), out)
}

fn support_box(
    p: &Project,
    kind: &str,
    lang: &str,
    dl: &str,
    partners: &HashMap<&str, &Partner>,
) -> String {
    let needs: Vec<_> = p.needs.iter().filter(|n| n.kind == kind).collect();
    let names = supporters(p, kind, partners);
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
        for n in wanted {
            let d = loc(n.description.as_ref(), lang, dl);
            if !d.is_empty() {
                out.push_str(&format!("<p>{}</p>\n", esc(d)));
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
                    "{h} {}",
                    tr(lang, "Stunden im Monat", "hours a month")
                ));
            }
            if let Some(eur) = n.eur_per_year {
                extra.push(format!("{eur} € {}", tr(lang, "im Jahr", "a year")));
            }
            if !extra.is_empty() {
                out.push_str(&format!(
                    "<p class=\"meta\">{}</p>\n",
                    esc(&extra.join(" · "))
                ));
            }
        }
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

fn profile_page(
    catalog: &Catalog,
    e: &Edition<'_>,
    p: &Project,
    policy: &Policy,
    partners: &HashMap<&str, &Partner>,
) -> File {
    let lang = e.lang;
    let dl = catalog.config.default_language();
    let city = &catalog.config.city.name;
    let page = Page {
        edition: e,
        depth: 1,
        path: format!("projects/{}.html", p.id),
        title: format!(
            "{} – {}",
            p.name,
            tr(lang, "Projektprofil", "Project profile")
        ),
        embed: false,
    };
    let mut out = head(&page, city);
    out.push_str(&format!(
        "<main id=\"main\">\n<p><a href=\"../index.html\">{}</a></p>\n<article>\n<h1>{}</h1>\n<p class=\"summary\">{}</p>\n",
        tr(lang, "← Alle Projekte", "← All projects"),
        esc(&p.name),
        esc(loc(Some(&p.summary), lang, dl))
    ));
    out.push_str(&format!(
        "<section aria-labelledby=\"support-h\">\n<h2 id=\"support-h\">{}</h2>\n<div class=\"support\">\n",
        tr(lang, "Unterstützung", "Support")
    ));
    for kind in dimensions(p) {
        out.push_str(&support_box(p, kind, lang, dl, partners));
    }
    out.push_str("</div>\n</section>\n");
    let description = loc(p.description.as_ref(), lang, dl);
    if !description.is_empty() {
        out.push_str(&format!(
            "<section aria-labelledby=\"desc-h\">\n<h2 id=\"desc-h\">{}</h2>\n{}</section>\n",
            tr(lang, "Beschreibung", "Description"),
            paragraphs(description)
        ));
    }
    // General facts.
    let mut general = String::new();
    let mut st = esc(status(lang, p.status));
    let note = loc(p.status_note.as_ref(), lang, dl);
    if !note.is_empty() {
        st.push_str(&format!(" ({})", esc(note)));
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
            &esc(o.started.as_deref().unwrap_or("")),
        );
    }
    if let Some(d) = p.admitted_on {
        fact(
            &mut general,
            tr(lang, "Aufgenommen am", "Admitted on"),
            &d.to_string(),
        );
    }
    if let Some(d) = p.last_reviewed {
        fact(
            &mut general,
            tr(lang, "Zuletzt geprüft", "Last reviewed"),
            &d.to_string(),
        );
    }
    out.push_str(&format!(
        "<section aria-labelledby=\"general-h\">\n<h2 id=\"general-h\">{}</h2>\n<dl class=\"facts\">\n{general}</dl>\n</section>\n",
        tr(lang, "Allgemeine Angaben", "General facts")
    ));
    // Technical facts.
    let mut technical = String::new();
    fact(
        &mut technical,
        tr(lang, "Typ", "Type"),
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
    // Licence with its verdict.
    let verdict = license::check(&p.license, policy);
    out.push_str(&format!(
        "<section aria-labelledby=\"license-h\" id=\"license\">\n<h2 id=\"license-h\">{}</h2>\n<p><code>{}</code></p>\n",
        tr(lang, "Lizenz", "Licence"),
        esc(verdict.normalized.as_deref().unwrap_or(&p.license))
    ));
    let pending = catalog
        .config
        .license
        .pending
        .iter()
        .find(|x| x.project == p.id);
    if let Some(x) = pending {
        out.push_str(&format!(
            "<p class=\"verdict bad\">{}: {}</p>\n",
            tr(lang, "Lizenz wird geklärt", "Licence being clarified"),
            esc(&x.reason)
        ));
    } else if verdict.allowed {
        out.push_str(&format!(
            "<p class=\"verdict ok\">{} (<code>{}</code>)</p>\n",
            tr(
                lang,
                "Open Source: von der Lizenzpolitik der Stadt zugelassen",
                "Open source: allowed by the city's licence policy"
            ),
            policy.kind.as_str()
        ));
    } else {
        out.push_str(&format!(
            "<p class=\"verdict bad\">{}</p>\n",
            tr(
                lang,
                "Nicht von der Lizenzpolitik der Stadt zugelassen",
                "Not allowed by the city's licence policy"
            )
        ));
    }
    if !verdict.findings.is_empty() {
        out.push_str("<ul>\n");
        for f in &verdict.findings {
            out.push_str(&format!(
                "<li><code>{}</code>: {}</li>\n",
                f.code.as_str(),
                esc(&f.message)
            ));
        }
        out.push_str("</ul>\n");
    }
    if let Some(n) = &p.license_note {
        out.push_str(&format!("<p class=\"meta\">{}</p>\n", esc(n)));
    }
    out.push_str("</section>\n</article>\n</main>\n");
    out.push_str(&foot(&page));
    File::new(format!("{}projects/{}.html", e.dir, p.id), out)
}

fn sitemap(catalog: &Catalog, eds: &[Edition<'_>], base: Option<&str>) -> File {
    let base = base.map_or_else(String::new, |b| format!("{}/", b.trim_end_matches('/')));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in eds {
        out.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            esc(&format!("{base}{}index.html", e.dir))
        ));
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

/// Renders the site.
pub fn render(catalog: &Catalog, options: &Options) -> Vec<File> {
    let primary = options.language(catalog);
    let eds = editions(primary);
    let f = facets(catalog);
    let policy = Policy::from_config(&catalog.config.license);
    let partners = partner_index(catalog);
    let mut files: Vec<File> = eds
        .par_iter()
        .flat_map_iter(|e| [(e, false), (e, true)])
        .map(|(e, embed)| index_page(catalog, e, &f, embed))
        .collect();
    for e in &eds {
        let profiles: Vec<File> = catalog
            .projects
            .par_iter()
            .map(|p| profile_page(catalog, e, p, &policy, &partners))
            .collect();
        files.extend(profiles);
    }
    files.push(File::new("style.css", CSS));
    files.push(sitemap(catalog, &eds, options.base_url.as_deref()));
    files
}
