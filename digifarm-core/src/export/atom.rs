//! Atom (RFC 4287): one entry per need that wants help, so that people can subscribe to
//! "where can I help?". Dates come from the catalog, never from the clock, so the same
//! catalog always gives the same feed.

use chrono::NaiveDate;

use super::text::{esc, help_wanted_label, loc, tr};
use super::{File, Options};
use crate::catalog::Catalog;

fn stamp(d: NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// Renders `feed.atom`.
pub fn render(catalog: &Catalog, options: &Options) -> Vec<File> {
    let lang = options.language(catalog);
    let dl = catalog.config.default_language();
    let city = &catalog.config.city;
    let base = options.base_url.as_deref().map(|b| b.trim_end_matches('/'));
    let feed_key = city.ags.clone().unwrap_or_else(|| {
        slug(if city.name.is_empty() {
            "digifarm"
        } else {
            &city.name
        })
    });
    let mut entries = String::new();
    let mut newest: Option<NaiveDate> = None;
    for p in &catalog.projects {
        for (i, n) in p.needs.iter().enumerate() {
            if !n.wants_help() {
                continue;
            }
            let date = n.since.or(p.last_reviewed).or(p.admitted_on);
            newest = newest.max(date);
            let updated = date.map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), stamp);
            let link = match base {
                Some(b) => Some(format!("{b}/projects/{}.html", p.id)),
                None => [&p.links.info, &p.links.homepage, &p.links.source]
                    .into_iter()
                    .flatten()
                    .find_map(|l| crate::weblink::href(l)),
            };
            let title = format!("{}: {}", p.name, help_wanted_label(lang, &n.kind));
            let mut content = loc(n.description.as_ref(), lang, dl).to_owned();
            if content.is_empty() {
                content = loc(Some(&p.summary), lang, dl).to_owned();
            }
            entries.push_str("  <entry>\n");
            entries.push_str(&format!(
                "    <id>urn:digifarm:{}:need:{}:{i}</id>\n",
                esc(&feed_key),
                esc(&p.id)
            ));
            entries.push_str(&format!("    <title>{}</title>\n", esc(&title)));
            entries.push_str(&format!("    <updated>{updated}</updated>\n"));
            if let Some(l) = link {
                entries.push_str(&format!(
                    "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                    esc(&l)
                ));
            }
            entries.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\"/>\n",
                esc(&n.kind),
                esc(&help_wanted_label(lang, &n.kind))
            ));
            entries.push_str(&format!(
                "    <content type=\"text\">{}</content>\n",
                esc(&content)
            ));
            entries.push_str("  </entry>\n");
        }
    }
    let title = if city.name.is_empty() {
        tr(
            lang,
            "Projekte suchen Unterstützung",
            "Projects looking for help",
        )
        .to_owned()
    } else {
        format!(
            "{}: {}",
            city.name,
            tr(
                lang,
                "Projekte suchen Unterstützung",
                "projects looking for help"
            )
        )
    };
    let author = if city.name.is_empty() {
        "digifarm"
    } else {
        &city.name
    };
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        esc(lang)
    ));
    out.push_str(&format!(
        "  <id>urn:digifarm:{}:help-wanted</id>\n",
        esc(&feed_key)
    ));
    out.push_str(&format!("  <title>{}</title>\n", esc(&title)));
    out.push_str(&format!(
        "  <updated>{}</updated>\n",
        newest.map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), stamp)
    ));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        esc(author)
    ));
    if let Some(b) = base {
        out.push_str(&format!(
            "  <link rel=\"self\" href=\"{}/feed.atom\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}/\"/>\n",
            esc(b),
            esc(b)
        ));
    }
    out.push_str("  <generator>digifarm</generator>\n");
    out.push_str(&entries);
    out.push_str("</feed>\n");
    vec![File::new("feed.atom", out)]
}
