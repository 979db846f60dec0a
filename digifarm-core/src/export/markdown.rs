//! Markdown: a list of projects grouped by category, like Münster's "Awesome Civic Tech
//! Projects" page, with licence, status and the dimensions that want help.

use std::collections::BTreeMap;

use super::text::{help_wanted_label, kind_name, loc, status, tr};
use super::{File, Options, help_wanted};
use crate::catalog::Catalog;
use crate::model::Project;

/// Escapes characters Markdown would read as markup.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A URL safe to put inside `(…)`.
fn url(s: &str) -> String {
    s.replace('(', "%28")
        .replace(')', "%29")
        .replace(' ', "%20")
}

fn entry(out: &mut String, p: &Project, lang: &str, dl: &str) {
    let name = md(&p.name);
    match p.links.homepage.as_ref().or(p.links.source.as_ref()) {
        Some(link) => out.push_str(&format!("- **[{name}]({})**", url(link))),
        None => out.push_str(&format!("- **{name}**")),
    }
    let summary = loc(Some(&p.summary), lang, dl);
    if !summary.is_empty() {
        out.push_str(&format!(" – {}", md(summary.trim())));
    }
    out.push('\n');
    let mut facts = vec![
        format!(
            "{}: `{}`",
            tr(lang, "Lizenz", "Licence"),
            p.license.replace('`', "'")
        ),
        format!(
            "{}: {}",
            tr(lang, "Status", "Status"),
            status(lang, p.status)
        ),
    ];
    if !p.technologies.is_empty() {
        facts.push(md(&p.technologies.join(", ")));
    }
    if let Some(source) = &p.links.source {
        facts.push(format!(
            "[{}]({})",
            tr(lang, "Quellcode", "Source code"),
            url(source)
        ));
    }
    out.push_str(&format!("  {}\n", facts.join(" · ")));
    let wanted = help_wanted(p);
    if !wanted.is_empty() {
        let labels: Vec<String> = wanted.iter().map(|k| help_wanted_label(lang, k)).collect();
        out.push_str(&format!("  **{}**\n", labels.join(", ")));
    } else if !p.needs.is_empty() {
        let kinds: Vec<String> = p.needs.iter().map(|n| kind_name(lang, &n.kind)).collect();
        out.push_str(&format!(
            "  {}: {}\n",
            tr(lang, "Unterstützt in", "Supported in"),
            kinds.join(", ")
        ));
    }
}

/// Renders `README.md`.
pub fn render(catalog: &Catalog, options: &Options) -> Vec<File> {
    let lang = options.language(catalog);
    let dl = catalog.config.default_language();
    let city = &catalog.config.city.name;
    let mut out = String::new();
    let title = tr(lang, "Civic-Tech-Projekte", "Civic tech projects");
    if city.is_empty() {
        out.push_str(&format!("# {title}\n\n"));
    } else {
        out.push_str(&format!("# {title} – {}\n\n", md(city)));
    }
    out.push_str(tr(
        lang,
        "Offene Projekte, die Unterstützung bei Inhalt, Technik oder Finanzierung suchen oder schon gefunden haben.\n\n",
        "Open-source projects that look for, or have found, support with content, technology or money.\n\n",
    ));
    let other = tr(lang, "Weitere", "Other").to_owned();
    let mut groups: BTreeMap<String, Vec<&Project>> = BTreeMap::new();
    for p in &catalog.projects {
        let cat = p
            .categories
            .first()
            .cloned()
            .unwrap_or_else(|| other.clone());
        groups.entry(cat).or_default().push(p);
    }
    for (cat, mut projects) in groups {
        projects.sort_by_key(|p| p.name.to_lowercase());
        out.push_str(&format!("## {}\n\n", md(&cat)));
        for p in projects {
            entry(&mut out, p, lang, dl);
        }
        out.push('\n');
    }
    vec![File::new("README.md", out)]
}
