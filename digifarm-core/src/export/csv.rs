//! CSV: one file per entity kind (`projects.csv`, `needs.csv`, `partners.csv`, `offers.csv`,
//! and `contacts.csv` only with private data).
//!
//! The default [`CsvDialect::Excel`] is what German Excel opens correctly by double-click:
//! `;` as separator, a UTF-8 byte order mark (without it Excel reads ANSI and breaks umlauts),
//! CRLF line ends and decimal commas. [`CsvDialect::Rfc4180`] is plain RFC 4180 for tools
//! (`,`, no byte order mark). In both, a text cell that a spreadsheet would evaluate as a
//! formula (`=`, `+`, `-`, `@`, tab or carriage return first) is prefixed with `'`: a tool's
//! CSV ends up in a spreadsheet sooner or later, and a catalog is written by strangers
//! (CSV injection). Numbers are never changed. Lists inside a cell are joined with `, `.

use super::text::loc;
use super::{CsvDialect, File, Options, help_wanted};
use crate::catalog::Catalog;
use crate::model::{Contact, LocalizedText, Project};

/// Writes CSV rows in one dialect.
#[derive(Debug)]
pub struct CsvWriter {
    dialect: CsvDialect,
    out: String,
}

impl CsvWriter {
    /// A writer that starts with the byte order mark if the dialect wants one.
    pub fn new(dialect: CsvDialect) -> CsvWriter {
        let mut out = String::new();
        if dialect == CsvDialect::Excel {
            out.push('\u{feff}');
        }
        CsvWriter { dialect, out }
    }

    fn separator(&self) -> char {
        match self.dialect {
            CsvDialect::Excel => ';',
            CsvDialect::Rfc4180 => ',',
        }
    }

    /// Appends one record.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        let sep = self.separator();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(sep);
            }
            let cell = cell.as_ref();
            let guarded;
            let cell = if is_formula(cell) {
                guarded = format!("'{cell}");
                guarded.as_str()
            } else {
                cell
            };
            if cell.contains([sep, '"', '\n', '\r']) {
                self.out.push('"');
                self.out.push_str(&cell.replace('"', "\"\""));
                self.out.push('"');
            } else {
                self.out.push_str(cell);
            }
        }
        self.out.push_str("\r\n");
    }

    /// A number as the dialect writes it (decimal comma for Excel).
    pub fn number(&self, n: f64) -> String {
        let s = n.to_string();
        match self.dialect {
            CsvDialect::Excel => s.replace('.', ","),
            CsvDialect::Rfc4180 => s,
        }
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Whether a spreadsheet would evaluate `cell` as a formula: it starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return, and is not simply a number (`-3`, `-2,5`).
fn is_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && cell.replacen(',', ".", 1).parse::<f64>().is_err()
}

fn join(items: &[String]) -> String {
    items.join(", ")
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn text(t: Option<&LocalizedText>, lang: &str, default_lang: &str) -> String {
    loc(t, lang, default_lang).to_owned()
}

const PROJECT_COLUMNS: [&str; 29] = [
    "id",
    "name",
    "summary",
    "description",
    "status",
    "lifecycle",
    "categories",
    "software_type",
    "complexity",
    "technologies",
    "origin_city",
    "origin_community",
    "started",
    "admitted_on",
    "homepage",
    "source",
    "info",
    "license",
    "content_help_wanted",
    "technical_help_wanted",
    "financial_help_wanted",
    "content_supported_by",
    "technical_supported_by",
    "financial_supported_by",
    "last_reviewed",
    "image",
    "health_level",
    "health_score",
    "health_as_of",
];

fn supported_by_ids(p: &Project, kind: &str) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for n in p.needs.iter().filter(|n| n.kind == kind) {
        for r in n.public_support() {
            if !ids.contains(&r.partner.as_str()) {
                ids.push(&r.partner);
            }
        }
    }
    ids.join(", ")
}

/// Renders the CSV files.
pub fn render(catalog: &Catalog, options: &Options) -> Vec<File> {
    let lang = options.language(catalog);
    let dl = catalog.config.default_language();
    let dialect = options.csv_dialect;
    let yes_no = |b: bool| if b { "true" } else { "false" };

    let verdicts = crate::health::verdicts_as_observed(catalog);
    let mut w = CsvWriter::new(dialect);
    w.row(&PROJECT_COLUMNS);
    for (p, v) in catalog.projects.iter().zip(&verdicts) {
        let wanted = help_wanted(p);
        let origin = p.origin.as_ref();
        let row = vec![
            p.id.clone(),
            p.name.clone(),
            text(Some(&p.summary), lang, dl),
            text(p.description.as_ref(), lang, dl),
            p.status.as_str().to_owned(),
            p.lifecycle.as_str().to_owned(),
            join(&p.categories),
            opt(p.software_type.as_ref()),
            opt(p.complexity.map(|c| c.as_str())),
            join(&p.technologies),
            opt(origin.and_then(|o| o.city.as_ref())),
            opt(origin.and_then(|o| o.community.as_ref())),
            opt(origin.and_then(|o| o.started.as_ref())),
            opt(p.admitted_on),
            opt(p.links.homepage.as_ref()),
            opt(p.links.source.as_ref()),
            opt(p.links.info.as_ref()),
            p.license.clone(),
            yes_no(wanted.contains(&"content")).to_owned(),
            yes_no(wanted.contains(&"technical")).to_owned(),
            yes_no(wanted.contains(&"financial")).to_owned(),
            supported_by_ids(p, "content"),
            supported_by_ids(p, "technical"),
            supported_by_ids(p, "financial"),
            opt(p.last_reviewed),
            opt(p.image.as_ref()),
            if v.observed.is_some() {
                v.level.as_str().to_owned()
            } else {
                String::new()
            },
            opt(v.score),
            opt(v.observed),
        ];
        w.row(&row);
    }
    let projects = w.finish();

    let mut w = CsvWriter::new(dialect);
    w.row(&[
        "project",
        "kind",
        "description",
        "skills",
        "hours_per_month",
        "eur_per_year",
        "priority",
        "since",
        "help_wanted",
        "supported_by",
    ]);
    for p in &catalog.projects {
        for n in &p.needs {
            let refs: Vec<String> = n
                .public_support()
                .map(|r| match &r.offer {
                    Some(o) => format!("{}/{o}", r.partner),
                    None => r.partner.clone(),
                })
                .collect();
            let row = vec![
                p.id.clone(),
                n.kind.clone(),
                text(n.description.as_ref(), lang, dl),
                join(&n.skills),
                n.hours_per_month.map(|v| w.number(v)).unwrap_or_default(),
                n.eur_per_year.map(|v| w.number(v)).unwrap_or_default(),
                n.priority.as_str().to_owned(),
                opt(n.since),
                yes_no(n.wants_help()).to_owned(),
                join(&refs),
            ];
            w.row(&row);
        }
    }
    let needs = w.finish();

    let mut w = CsvWriter::new(dialect);
    w.row(&[
        "id",
        "name",
        "kind",
        "description",
        "sectors",
        "region",
        "website",
    ]);
    for p in &catalog.partners {
        w.row(&[
            p.id.clone(),
            p.name.clone(),
            p.kind.as_str().to_owned(),
            text(p.description.as_ref(), lang, dl),
            join(&p.sectors),
            opt(p.region.as_ref()),
            opt(p.website.as_ref()),
        ]);
    }
    let partners = w.finish();

    let mut w = CsvWriter::new(dialect);
    w.row(&[
        "id",
        "partner",
        "kind",
        "description",
        "skills",
        "topics",
        "regions",
        "remote",
        "capacity_projects",
        "capacity_hours_per_month",
        "budget_eur_per_year",
        "license_requirement",
        "valid_from",
        "valid_until",
    ]);
    for o in &catalog.offers {
        let row = vec![
            o.id.clone(),
            o.partner.clone(),
            o.kind.clone(),
            text(o.description.as_ref(), lang, dl),
            join(&o.skills),
            join(&o.topics),
            join(&o.regions),
            yes_no(o.remote).to_owned(),
            opt(o.capacity.projects),
            o.capacity
                .hours_per_month
                .map(|v| w.number(v))
                .unwrap_or_default(),
            o.budget_eur_per_year
                .map(|v| w.number(v))
                .unwrap_or_default(),
            opt(o.license_requirement.as_ref()),
            opt(o.valid_from),
            opt(o.valid_until),
        ];
        w.row(&row);
    }
    let offers = w.finish();

    let mut files = vec![
        File::new("projects.csv", projects),
        File::new("needs.csv", needs),
        File::new("partners.csv", partners),
        File::new("offers.csv", offers),
    ];
    if options.include_private {
        let mut w = CsvWriter::new(dialect);
        w.row(&[
            "owner_kind",
            "owner",
            "name",
            "role",
            "email",
            "phone",
            "public",
        ]);
        let mut contact_row = |kind: &str, owner: &str, c: &Contact| {
            w.row(&[
                kind.to_owned(),
                owner.to_owned(),
                c.name.clone(),
                opt(c.role.as_ref()),
                opt(c.email.as_ref()),
                opt(c.phone.as_ref()),
                yes_no(c.public).to_owned(),
            ]);
        };
        for p in &catalog.projects {
            for c in &p.contacts {
                contact_row("project", &p.id, c);
            }
        }
        for p in &catalog.partners {
            for c in &p.contacts {
                contact_row("partner", &p.id, c);
            }
        }
        files.push(File::new("contacts.csv", w.finish()));
    }
    files
}
