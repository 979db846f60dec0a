//! Markdown: a list of projects grouped by category, like Münster's "Awesome Civic Tech
//! Projects" page, with licence, status and the dimensions that want help.

use std::collections::BTreeMap;

use super::text::{help_wanted_label, kind_name, loc, status, tr};
use super::{File, Options, help_wanted};
use crate::catalog::Catalog;
use crate::model::Project;

/// Escapes text for Markdown (CommonMark, and GitHub's tables, strikethrough and math): every
/// character that can start markup inside a line is backslash-escaped (`&` too, so that an
/// entity shows as written), line breaks become spaces (a text stays in its list item, where
/// no line of it can start a block), and characters that cannot be published (control
/// characters, noncharacters) are dropped.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if !crate::charset::is_publishable(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A link destination for `(…)`: only web links (the normalised, ASCII form from
/// [`weblink::href`](crate::weblink::href)), with the characters that would end or nest the
/// destination percent-encoded; `None` for anything that is not a web link.
fn url(s: &str) -> Option<String> {
    let href = crate::weblink::href(s)?;
    let mut out = String::with_capacity(href.len());
    for c in href.chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            ' ' => out.push_str("%20"),
            c if c.is_ascii_graphic() => out.push(c),
            // The normalised form is ASCII without controls; anything else is dropped.
            _ => {}
        }
    }
    Some(out)
}

fn entry(out: &mut String, p: &Project, lang: &str, dl: &str) {
    let name = md(&p.name);
    let link = [&p.links.homepage, &p.links.source]
        .into_iter()
        .flatten()
        .find_map(|l| url(l));
    match link {
        Some(link) => out.push_str(&format!("- **[{name}]({link})**")),
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
    if let Some(source) = p.links.source.as_deref().and_then(url) {
        facts.push(format!(
            "[{}]({source})",
            tr(lang, "Quellcode", "Source code"),
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
