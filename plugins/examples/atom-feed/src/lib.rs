//! An Atom feed (RFC 4287) of needs that want help, as a digifarm exporter plugin.
//!
//! One entry per need without a supporter. Links point at `<base_url>/projects/<id>` where
//! `base_url` is the config key the city grants (default: the city's website). Entry dates are
//! the need's `since`, else the project's `last_reviewed`, else 2000-01-01: the plugin has no
//! clock, so the feed is deterministic.

use digifarm_plugin_sdk::{Catalog, ExportOutput, Exporter, export, host, text};

struct AtomFeed;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn timestamp(date: Option<&str>) -> String {
    format!("{}T00:00:00Z", date.unwrap_or("2000-01-01"))
}

impl Exporter for AtomFeed {
    fn export(catalog: &Catalog<'_>) -> Result<ExportOutput, String> {
        let lang = catalog
            .city
            .languages
            .first()
            .cloned()
            .unwrap_or_else(|| "de".to_owned());
        let base = host::config("base_url")
            .or_else(|| catalog.city.website.clone())
            .unwrap_or_else(|| "https://example.invalid".to_owned());
        let base = base.trim_end_matches('/');
        let mut entries = Vec::new();
        let mut newest = String::from("2000-01-01");
        for p in &catalog.projects {
            for (i, need) in p.needs.iter().enumerate() {
                if !need.supported_by.is_empty() {
                    continue;
                }
                let date = need.since.or(p.last_reviewed);
                if let Some(d) = date
                    && d > newest.as_str()
                {
                    newest = d.to_owned();
                }
                let summary = text(&need.description, &lang)
                    .or_else(|| text(&p.summary, &lang))
                    .unwrap_or("");
                let mut categories = String::new();
                for skill in &need.skills {
                    categories.push_str(&format!("    <category term=\"{}\"/>\n", esc(skill)));
                }
                entries.push(format!(
                    "  <entry>\n    <id>{base}/projects/{id}#need-{i}</id>\n    <title>{name}: {kind} help wanted</title>\n    <link href=\"{base}/projects/{id}\"/>\n    <updated>{updated}</updated>\n    <category term=\"{kind}\"/>\n{categories}    <summary>{summary}</summary>\n  </entry>\n",
                    id = esc(p.id),
                    name = esc(p.name),
                    kind = esc(need.kind),
                    updated = timestamp(date),
                    summary = esc(summary),
                ));
            }
        }
        let title = if catalog.city.name.is_empty() {
            "Civic-tech projects seeking help".to_owned()
        } else {
            format!("{}: civic-tech projects seeking help", catalog.city.name)
        };
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        xml.push_str(&format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <id>{base}/help-wanted</id>\n  <title>{}</title>\n  <link rel=\"self\" href=\"{base}/help-wanted.atom\"/>\n  <updated>{}</updated>\n  <author><name>{}</name></author>\n",
            esc(&lang),
            esc(&title),
            timestamp(Some(&newest)),
            esc(if catalog.city.name.is_empty() { "digifarm" } else { &catalog.city.name }),
        ));
        for e in entries {
            xml.push_str(&e);
        }
        xml.push_str("</feed>\n");
        Ok(ExportOutput {
            media_type: "application/atom+xml".to_owned(),
            bytes: xml.into_bytes(),
        })
    }
}

export!(exporter: AtomFeed);
