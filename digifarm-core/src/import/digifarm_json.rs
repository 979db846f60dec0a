//! Import of the DIGIFARM spreadsheet export (Münster's `digifarm.json`): a JSON array with
//! one object per project and the spreadsheet's German column names as keys.
//!
//! | column | becomes |
//! |---|---|
//! | `Name` | `name`, and the `id` (slug with ä → ae, ö → oe, ü → ue, ß → ss) |
//! | `Kurzbeschreibung`, `Langbeschreibung` | `summary` (trimmed), `description` (surrounding quotes removed) |
//! | `Ursprung`, `Quelle`, `Projektstart` | `origin.city`, `origin.community`, `origin.started` (`MM/YYYY` → `YYYY-MM`) |
//! | `Aufnahmedatum` | `admitted_on` (`DD.MM.YYYY`), `lifecycle: admitted` with a dated `history` entry |
//! | `Kategorie`, `Typ`, `Komplexität`, `Technologien` | `categories`, `software_type`, `complexity`, `technologies` (comma list) |
//! | `Projekt-Url`, `Quellcode`, `Digifarm-Url` | `links.homepage`, `links.source`, `links.info` |
//! | `Vorschaubild` | not imported: a remote image is never fetched; reported with the URL (`import-unmapped`) so the file can be put into the catalog's `images/` |
//! | `Lizenz` | `license` through free-text normalisation, with a diagnostic when not exact SPDX |
//! | `Status` | `status` (+ `status_note` when the text says more than the status) |
//! | `Inhalt`, `Technik`, `Sponsor` | needs `content`, `technical`, `financial`; empty = help wanted, else the named supporters become partners |
//! | `Kollaborationsplattform`, `Digifarm-Projekt` | checked, not stored: the forge follows from `links.source`; the flag is reported when not `ja` |
//!
//! Unknown columns are reported (`import-unmapped`), never dropped silently.

use chrono::NaiveDate;

use super::Import;
use super::slugify;
use crate::diagnostic::{self, Code, Diagnostic};
use crate::json_tree::{self, Member, Node, Tree, pointer_token};
use crate::license::normalize as normalize_license;
use crate::model::{
    Complexity, Decision, Lifecycle, Links, LocalizedText, Need, Origin, Partner, PartnerKind,
    Project, ProjectStatus, SupportRef,
};

/// Deeper input is refused; the format is an array of flat objects.
const MAX_DEPTH: usize = 64;

/// The columns this importer knows, in the order of Münster's spreadsheet.
pub const COLUMNS: [&str; 22] = [
    "Name",
    "Kurzbeschreibung",
    "Langbeschreibung",
    "Ursprung",
    "Quelle",
    "Kategorie",
    "Typ",
    "Komplexität",
    "Aufnahmedatum",
    "Projekt-Url",
    "Status",
    "Digifarm-Projekt",
    "Technik",
    "Inhalt",
    "Sponsor",
    "Technologien",
    "Kollaborationsplattform",
    "Quellcode",
    "Lizenz",
    "Projektstart",
    "Digifarm-Url",
    "Vorschaubild",
];

/// Imports a DIGIFARM JSON file. `file` is the name used in diagnostics. Never panics: bad
/// input (not UTF-8, empty, not JSON, not an array, wrong types) yields diagnostics and
/// whatever records could still be read.
pub fn import(bytes: &[u8], file: &str) -> Import {
    let mut ctx = Ctx {
        file: file.to_owned(),
        out: Import::default(),
    };
    let text = match crate::source::decode(bytes) {
        Ok(text) => text,
        Err(e) => {
            ctx.push(e.to_diagnostic(file));
            return ctx.out;
        }
    };
    let root = match json_tree::parse(text, MAX_DEPTH) {
        Ok(root) => root,
        Err(e) => {
            let code = if e.too_deep {
                Code::TooDeep
            } else {
                Code::JsonSyntax
            };
            ctx.push(Diagnostic::new(code, file, "", e.message).at(e.line, e.column));
            return ctx.out;
        }
    };
    let Tree::Array(items) = &root.value else {
        ctx.push(
            Diagnostic::new(
                Code::WrongType,
                file,
                "",
                format!(
                    "expected an array of project objects, found {}",
                    root.value.type_name()
                ),
            )
            .at(root.line, root.column),
        );
        return ctx.out;
    };
    import_rows(items, ctx.out, file)
}

/// Maps rows already read (objects of column → string with positions) to projects and
/// partners, adding to `out`. The CSV importer reads its file into the same shape.
pub(crate) fn import_rows(items: &[Node], out: Import, file: &str) -> Import {
    let mut ctx = Ctx {
        file: file.to_owned(),
        out,
    };
    for (index, item) in items.iter().enumerate() {
        ctx.project(index, item);
    }
    diagnostic::sort(&mut ctx.out.diagnostics);
    ctx.out
}

struct Ctx {
    file: String,
    out: Import,
}

/// A string cell with where it is.
#[derive(Clone)]
struct Cell<'a> {
    text: &'a str,
    pointer: String,
    line: u32,
    column: u32,
}

impl Ctx {
    fn push(&mut self, d: Diagnostic) {
        self.out.diagnostics.push(d);
    }

    fn diag(
        &mut self,
        code: Code,
        pointer: &str,
        (line, column): (u32, u32),
        message: String,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(code, self.file.clone(), pointer, message).at(line, column);
        d.help = help;
        self.push(d);
    }

    fn cell_diag(&mut self, code: Code, cell: &Cell<'_>, message: String, help: Option<String>) {
        self.diag(code, &cell.pointer, (cell.line, cell.column), message, help);
    }

    fn project(&mut self, index: usize, item: &Node) {
        let base = format!("/{index}");
        let Tree::Object(members) = &item.value else {
            self.diag(
                Code::WrongType,
                &base,
                (item.line, item.column),
                format!(
                    "expected a project object, found {}; entry skipped",
                    item.value.type_name()
                ),
                None,
            );
            return;
        };
        let cells = self.cells(&base, members);
        let get = |key: &str| -> Option<Cell<'_>> {
            cells
                .iter()
                .rev()
                .find(|(k, _)| *k == key)
                .map(|(_, c)| c.clone())
                .filter(|c| !c.text.trim().is_empty())
        };
        let at = (item.line, item.column);

        let Some(name) = get("Name") else {
            self.diag(
                Code::MissingField,
                &base,
                at,
                "the entry has no `Name`; it cannot get an id and was skipped".into(),
                None,
            );
            return;
        };
        let Some(summary) = get("Kurzbeschreibung") else {
            self.diag(
                Code::MissingField,
                &base,
                at,
                format!(
                    "`{}` has no `Kurzbeschreibung` (the required summary); entry skipped",
                    name.text.trim()
                ),
                Some("add a one-line description to the spreadsheet and import again".into()),
            );
            return;
        };
        let id = self.project_id(&name);
        if name.text.trim().chars().count() > 200 {
            self.cell_diag(
                Code::InvalidFormat,
                &name,
                "the name is longer than 200 characters".into(),
                Some("shorten `name`; the long text belongs in the description".into()),
            );
        }

        let mut project = Project {
            id,
            name: name.text.trim().to_owned(),
            summary: LocalizedText::Plain(summary.text.trim().to_owned()),
            description: get("Langbeschreibung").map(|c| LocalizedText::Plain(unquote(c.text))),
            status: ProjectStatus::InDevelopment,
            status_note: None,
            status_since: None,
            lifecycle: Lifecycle::Admitted,
            history: Vec::new(),
            categories: get("Kategorie")
                .map(|c| comma_list(c.text))
                .unwrap_or_default(),
            software_type: get("Typ").map(|c| c.text.trim().to_owned()),
            complexity: None,
            technologies: get("Technologien")
                .map(|c| comma_list(c.text))
                .unwrap_or_default(),
            origin: None,
            admitted_on: None,
            links: Links::default(),
            license: String::new(),
            license_note: None,
            deployment: None,
            needs: Vec::new(),
            contacts: Vec::new(),
            last_reviewed: None,
            image: None,
            image_alt: None,
            attestations: Vec::new(),
            software: None,
            complete: None,
            approvals: Vec::new(),
        };

        self.status(&mut project, get("Status"), &base, at);
        self.license(&mut project, get("Lizenz"), &base, at);
        if let Some(c) = get("Komplexität") {
            project.complexity = self.complexity(&c);
        }
        project.origin = self.origin(get("Ursprung"), get("Quelle"), get("Projektstart"));
        if let Some(c) = get("Aufnahmedatum") {
            project.admitted_on = self.date(&c);
        }
        if let Some(date) = project.admitted_on {
            project.history.push(Decision {
                date,
                from: None,
                to: Lifecycle::Admitted,
                by: None,
                reason: Some("listed with this Aufnahmedatum in the imported DIGIFARM list".into()),
                overridden: Vec::new(),
            });
        }
        project.links = Links {
            homepage: get("Projekt-Url").and_then(|c| self.url(&c, false)),
            source: get("Quellcode").and_then(|c| self.url(&c, true)),
            info: get("Digifarm-Url").and_then(|c| self.url(&c, false)),
        };
        if let Some(c) = get("Vorschaubild")
            && !c.text.trim().is_empty()
        {
            // A project's image is a file in the catalog; a remote one is never fetched or
            // hot-linked by the portal.
            self.cell_diag(
                Code::ImportUnmapped,
                &c,
                format!(
                    "the preview image `{}` is remote; images are files in the catalog and are never downloaded",
                    c.text.trim()
                ),
                Some(format!(
                    "save the image as images/{}.png (or .jpg, .webp) in the catalog and set `image: images/{}.png`",
                    project.id, project.id
                )),
            );
        }
        if let Some(c) = get("Kollaborationsplattform") {
            self.forge(&c, project.links.source.as_deref());
        }
        if let Some(c) = get("Digifarm-Projekt") {
            self.flag(&c, &project);
        }
        for (column, kind) in [
            ("Inhalt", "content"),
            ("Technik", "technical"),
            ("Sponsor", "financial"),
        ] {
            let supported_by = get(column).map(|c| self.supporters(&c)).unwrap_or_default();
            project.needs.push(Need {
                supported_by,
                ..Need::of_kind(kind)
            });
        }
        self.out.projects.push(project);
    }

    /// The string cells of one entry; wrong types, duplicates and unknown keys are reported.
    fn cells<'a>(&mut self, base: &str, members: &'a [Member]) -> Vec<(&'a str, Cell<'a>)> {
        let mut cells: Vec<(&'a str, Cell<'a>)> = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let pointer = format!("{base}/{}", pointer_token(&m.key));
            let key_at = (m.line, m.column);
            if members[..i].iter().any(|earlier| earlier.key == m.key) {
                self.diag(
                    Code::DuplicateKey,
                    &pointer,
                    key_at,
                    format!("`{}` appears more than once; the last value is used", m.key),
                    None,
                );
            }
            let Some(known) = COLUMNS.iter().find(|c| **c == m.key) else {
                let similar = COLUMNS
                    .iter()
                    .find(|c| c.to_lowercase() == m.key.trim().to_lowercase());
                self.diag(
                    Code::ImportUnmapped,
                    &pointer,
                    key_at,
                    format!("unknown column `{}`; its value was not imported", m.key),
                    Some(match similar {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => {
                            "add the information to the catalog record by hand if it belongs there"
                                .into()
                        }
                    }),
                );
                continue;
            };
            let text = match &m.value.value {
                Tree::String(s) => s.as_str(),
                Tree::Null => continue,
                // A year or a yes/no flag typed as a number or boolean is still usable.
                Tree::Number(n) if matches!(*known, "Projektstart" | "Aufnahmedatum") => n.as_str(),
                Tree::Bool(true) if *known == "Digifarm-Projekt" => "ja",
                Tree::Bool(false) if *known == "Digifarm-Projekt" => "nein",
                other => {
                    self.diag(
                        Code::WrongType,
                        &pointer,
                        (m.value.line, m.value.column),
                        format!(
                            "`{}` should be a string, found {}; not imported",
                            m.key,
                            other.type_name()
                        ),
                        None,
                    );
                    continue;
                }
            };
            cells.push((
                known,
                Cell {
                    text,
                    pointer,
                    line: m.value.line,
                    column: m.value.column,
                },
            ));
        }
        cells
    }

    fn project_id(&mut self, name: &Cell<'_>) -> String {
        let mut base = slugify(name.text);
        if base.is_empty() {
            base = format!("project-{}", self.out.projects.len() + 1);
            self.cell_diag(
                Code::ImportUnmapped,
                name,
                format!(
                    "no id can be made from the name `{}`; `{base}` was used",
                    name.text
                ),
                Some("rename the file and the `id` to a meaningful slug".into()),
            );
        }
        let mut id = base.clone();
        let mut n = 2;
        while self.out.projects.iter().any(|p| p.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        if id != base {
            self.cell_diag(
                Code::DuplicateId,
                name,
                format!("another project already has the id `{base}`; this one became `{id}`"),
                Some("check whether the list holds the same project twice".into()),
            );
        }
        id
    }

    fn status(
        &mut self,
        project: &mut Project,
        cell: Option<Cell<'_>>,
        base: &str,
        at: (u32, u32),
    ) {
        let Some(cell) = cell else {
            self.diag(
                Code::StatusUnknown,
                base,
                at,
                format!(
                    "`{}` has no `Status`; set to `in-development`",
                    project.name
                ),
                Some("set `status` to what the project really is".into()),
            );
            return;
        };
        let text = cell.text.trim();
        let lower = text.to_lowercase();
        let exact = match lower.as_str() {
            "live" | "online" | "in betrieb" => Some(ProjectStatus::Live),
            "unfertig" | "in entwicklung" | "entwicklung" => Some(ProjectStatus::InDevelopment),
            "idee" | "konzept" => Some(ProjectStatus::Idea),
            "pausiert" => Some(ProjectStatus::Paused),
            "archiviert" | "eingestellt" => Some(ProjectStatus::Archived),
            "defekt" | "kaputt" => Some(ProjectStatus::Broken),
            _ => None,
        };
        if let Some(status) = exact {
            project.status = status;
            return;
        }
        project.status_note = Some(LocalizedText::Plain(text.to_owned()));
        if lower.starts_with("probleme") || lower.contains("defekt") || lower.contains("fehler") {
            project.status = ProjectStatus::Broken;
            return;
        }
        project.status = ProjectStatus::InDevelopment;
        self.cell_diag(
            Code::StatusUnknown,
            &cell,
            format!(
                "status `{text}` is not a known status; set to `in-development` (it claims least) with the text kept as `status_note`"
            ),
            Some("set `status` to live, in-development, paused, broken, archived or idea".into()),
        );
    }

    fn license(
        &mut self,
        project: &mut Project,
        cell: Option<Cell<'_>>,
        base: &str,
        at: (u32, u32),
    ) {
        let (text, pointer, pos) = match &cell {
            Some(c) => (c.text, c.pointer.clone(), (c.line, c.column)),
            None => ("", format!("{base}/Lizenz"), at),
        };
        let normalized = normalize_license(text);
        let shown = text.trim();
        let exact = normalized.candidates.len() == 1
            && !normalized.ambiguous
            && normalized
                .candidates
                .first()
                .is_some_and(|c| c.expression == shown);
        match normalized.candidates.as_slice() {
            [only] if !normalized.ambiguous => {
                project.license = only.expression.clone();
                if !exact {
                    self.diag(
                        Code::LicenseNormalized,
                        &pointer,
                        pos,
                        format!("licence `{text}` read as SPDX `{}`", only.expression),
                        None,
                    );
                }
            }
            [first, ..] => {
                let options = normalized
                    .candidates
                    .iter()
                    .map(|c| format!("`{}`", c.expression))
                    .collect::<Vec<_>>()
                    .join(" or ");
                project.license = first.expression.clone();
                project.license_note = Some(format!(
                    "The source says \"{shown}\", which does not say which SPDX licence is meant ({options}). \
                     The narrower reading `{}` was recorded until the maintainers confirm.",
                    first.expression
                ));
                self.diag(
                    Code::LicenseAmbiguous,
                    &pointer,
                    pos,
                    format!("licence `{shown}` is ambiguous; `{}` was written", first.expression),
                    Some(format!(
                        "did you mean {options}? Ask the maintainers (see the project's LICENSE file headers) and correct `license`"
                    )),
                );
            }
            [] => {
                project.license = "NOASSERTION".to_owned();
                project.license_note = Some(if shown.is_empty() {
                    "The source gives no licence.".to_owned()
                } else {
                    format!("The source says \"{shown}\", which names no licence.")
                });
                self.diag(
                    Code::LicenseUnknown,
                    &pointer,
                    pos,
                    if shown.is_empty() {
                        format!("`{}` has no licence; `NOASSERTION` was written", project.name)
                    } else {
                        format!("licence `{shown}` is not a licence digifarm recognises; `NOASSERTION` was written")
                    },
                    Some(format!(
                        "ask the maintainers for the licence and set an SPDX expression; while that is open, add \
                         [[license.pending]] project = \"{}\" with a reason to digifarm.toml",
                        project.id
                    )),
                );
            }
        }
    }

    fn complexity(&mut self, cell: &Cell<'_>) -> Option<Complexity> {
        match cell.text.trim().to_lowercase().as_str() {
            "niedrig" | "gering" => Some(Complexity::Low),
            "mittel" => Some(Complexity::Medium),
            "hoch" => Some(Complexity::High),
            "sehr hoch" => Some(Complexity::VeryHigh),
            _ => {
                self.cell_diag(
                    Code::ImportUnmapped,
                    cell,
                    format!(
                        "complexity `{}` is not niedrig, mittel, hoch or sehr hoch; left out",
                        cell.text.trim()
                    ),
                    None,
                );
                None
            }
        }
    }

    fn origin(
        &mut self,
        city: Option<Cell<'_>>,
        community: Option<Cell<'_>>,
        started: Option<Cell<'_>>,
    ) -> Option<Origin> {
        for cell in [&city, &community].into_iter().flatten() {
            if cell.text.trim().ends_with('?') {
                self.cell_diag(
                    Code::ImportUncertain,
                    cell,
                    format!(
                        "`{}` is marked as uncertain in the source; kept as given",
                        cell.text.trim()
                    ),
                    Some("confirm with the project and remove the `?`".into()),
                );
            }
        }
        let started = started.and_then(|c| {
            let parsed = start_date(c.text.trim());
            if parsed.is_none() {
                self.cell_diag(
                    Code::ImportUnmapped,
                    &c,
                    format!(
                        "project start `{}` is not `MM/YYYY` or `YYYY`; left out",
                        c.text.trim()
                    ),
                    None,
                );
            }
            parsed
        });
        let origin = Origin {
            city: city.map(|c| c.text.trim().to_owned()),
            community: community.map(|c| c.text.trim().to_owned()),
            started,
        };
        (origin != Origin::default()).then_some(origin)
    }

    fn date(&mut self, cell: &Cell<'_>) -> Option<NaiveDate> {
        let text = cell.text.trim();
        let parsed = NaiveDate::parse_from_str(text, "%d.%m.%Y")
            .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
            .ok();
        if parsed.is_none() {
            self.cell_diag(
                Code::ImportUnmapped,
                cell,
                format!("`{text}` is not a date `DD.MM.YYYY`; left out"),
                None,
            );
        }
        parsed
    }

    fn url(&mut self, cell: &Cell<'_>, source: bool) -> Option<String> {
        let text = cell.text.trim();
        let ok = text.starts_with("https://")
            || text.starts_with("http://")
            || (source && (text.starts_with("git://") || text.starts_with("ssh://")));
        if ok && !text.contains(char::is_whitespace) {
            Some(text.to_owned())
        } else {
            self.cell_diag(
                Code::ImportUnmapped,
                cell,
                format!("`{text}` is not an http(s) URL; left out"),
                Some("write the full address, starting with https://".into()),
            );
            None
        }
    }

    fn forge(&mut self, cell: &Cell<'_>, source: Option<&str>) {
        let forge = cell.text.trim().to_lowercase();
        let host = source.and_then(|s| url_parts(s).map(|(host, _)| host));
        if host.as_deref() != Some(forge.as_str()) {
            self.cell_diag(
                Code::ImportUnmapped,
                cell,
                format!(
                    "collaboration platform `{}` does not match the source repository's host; only `links.source` is kept",
                    cell.text.trim()
                ),
                Some("check `links.source`".into()),
            );
        }
    }

    fn flag(&mut self, cell: &Cell<'_>, project: &Project) {
        let text = cell.text.trim().to_lowercase();
        if text == "ja" {
            return;
        }
        let message = if text == "nein" {
            format!(
                "`Digifarm-Projekt` is `nein` for `{}`; the source does not define the flag, and the project is imported as admitted because it is listed",
                project.name
            )
        } else {
            format!(
                "`Digifarm-Projekt` is `{}`, expected ja or nein",
                cell.text.trim()
            )
        };
        self.cell_diag(
            if text == "nein" {
                Code::ImportUncertain
            } else {
                Code::ImportUnmapped
            },
            cell,
            message,
            Some("set `lifecycle` (and `history`) to the programme's real decision".into()),
        );
    }

    /// The supporters named in a support cell, as references; new partners are recorded.
    fn supporters(&mut self, cell: &Cell<'_>) -> Vec<SupportRef> {
        let mut refs: Vec<SupportRef> = Vec::new();
        for name in cell
            .text
            .split([',', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let partner = self.partner(cell, name);
            if !refs.iter().any(|r| r.partner == partner) {
                refs.push(SupportRef {
                    partner,
                    offer: None,
                    since: None,
                    ..SupportRef::default()
                });
            }
        }
        refs
    }

    /// The id of the partner named `text`, creating the partner on first mention.
    fn partner(&mut self, cell: &Cell<'_>, text: &str) -> String {
        let (id, name, website, kind) = match url_parts(text) {
            Some((host, path)) => {
                let account_host = matches!(
                    host.as_str(),
                    "github.com" | "gitlab.com" | "codeberg.org" | "bitbucket.org"
                );
                if account_host && path.len() == 1 {
                    let forge = host.split('.').next().unwrap_or_default();
                    let account = path.first().cloned().unwrap_or_default();
                    (
                        slugify(&format!("{forge}-{account}")),
                        account,
                        Some(text.to_owned()),
                        Some(PartnerKind::Individual),
                    )
                } else {
                    let label = host.rsplit_once('.').map_or(host.as_str(), |(l, _)| l);
                    let mut slug_source = label.to_owned();
                    for segment in &path {
                        slug_source.push('-');
                        slug_source.push_str(segment);
                    }
                    (
                        slugify(&slug_source),
                        host.clone(),
                        Some(text.to_owned()),
                        None,
                    )
                }
            }
            None => (slugify(text), text.to_owned(), None, guess_kind(text)),
        };
        let id = if id.is_empty() {
            let fallback = format!("partner-{}", self.out.partners.len() + 1);
            self.cell_diag(
                Code::ImportUnmapped,
                cell,
                format!("no id can be made from the supporter `{text}`; `{fallback}` was used"),
                Some("rename the partner file and its `id`".into()),
            );
            fallback
        } else {
            id
        };
        if self.out.partners.iter().any(|p| p.id == id) {
            return id;
        }
        let kind = match kind {
            Some(PartnerKind::Individual) if website.is_some() => {
                self.cell_diag(
                    Code::ImportUncertain,
                    cell,
                    format!("`{text}` is read as a personal account (`kind: individual`)"),
                    Some(format!(
                        "if it is an organisation's account, change `kind` in partners/{id}.yaml"
                    )),
                );
                PartnerKind::Individual
            }
            Some(kind) => kind,
            None => {
                self.cell_diag(
                    Code::PartnerKindUnknown,
                    cell,
                    format!(
                        "the kind of partner `{text}` is not recognisable; `individual` was set, the careful default for data that may be about a person"
                    ),
                    Some(format!(
                        "set `kind` in partners/{id}.yaml to company, association, public-body, academic, foundation or individual"
                    )),
                );
                PartnerKind::Individual
            }
        };
        self.out.partners.push(Partner {
            id: id.clone(),
            name,
            kind,
            description: None,
            sectors: Vec::new(),
            region: None,
            website,
            contacts: Vec::new(),
        });
        id
    }
}

/// The partner kind a name makes clear, if any.
fn guess_kind(name: &str) -> Option<PartnerKind> {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty())
        .collect();
    let has_word = |w: &str| words.contains(&w);
    if lower.contains("e.v.") || lower.contains("e. v.") || lower.contains("verein") {
        return Some(PartnerKind::Association);
    }
    if lower.contains("stiftung") || lower.contains("foundation") {
        return Some(PartnerKind::Foundation);
    }
    if [
        "institut",
        "universität",
        "hochschule",
        "university",
        "lehrstuhl",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return Some(PartnerKind::Academic);
    }
    if has_word("amt")
        || words.iter().any(|w| w.ends_with("amt"))
        || [
            "stadtarchiv",
            "stadtverwaltung",
            "ministerium",
            "behörde",
            "bezirksregierung",
        ]
        .iter()
        .any(|w| lower.contains(w))
    {
        return Some(PartnerKind::PublicBody);
    }
    // Well-known hosting and forge companies that sponsor open source under their brand name.
    const COMPANIES: [&str; 9] = [
        "github",
        "gitlab",
        "netlify",
        "vercel",
        "heroku",
        "hetzner",
        "ionos",
        "digitalocean",
        "microsoft",
    ];
    if COMPANIES.contains(&lower.trim()) {
        return Some(PartnerKind::Company);
    }
    if [
        "gmbh", "ag", "ug", "kg", "gbr", "inc.", "inc", "ltd", "ltd.", "se",
    ]
    .iter()
    .any(|w| has_word(w))
    {
        return Some(PartnerKind::Company);
    }
    None
}

/// Host (lower case, without `www.`) and non-empty path segments of an http(s) URL.
fn url_parts(text: &str) -> Option<(String, Vec<String>)> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let mut parts = rest.split('/');
    let host = parts.next()?.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    if host.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    let path = parts.filter(|p| !p.is_empty()).map(str::to_owned).collect();
    Some((host, path))
}

/// `MM/YYYY` → `YYYY-MM`, `YYYY` → `YYYY`, `DD.MM.YYYY` → `YYYY-MM-DD`.
fn start_date(text: &str) -> Option<String> {
    let year_ok = |y: &str| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
    if year_ok(text) {
        return Some(text.to_owned());
    }
    if let Some((month, year)) = text.split_once('/') {
        let m: u32 = month.trim().parse().ok()?;
        let year = year.trim();
        if (1..=12).contains(&m) && year_ok(year) {
            return Some(format!("{year}-{m:02}"));
        }
        return None;
    }
    NaiveDate::parse_from_str(text, "%d.%m.%Y")
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// Removes one pair of quotation marks around the whole text (the spreadsheet quotes
/// descriptions taken from the projects' own words) and surrounding blanks.
fn unquote(text: &str) -> String {
    let t = text.trim();
    for (open, close) in [('"', '"'), ('„', '“'), ('“', '”'), ('»', '«')] {
        if let Some(inner) = t.strip_prefix(open).and_then(|s| s.strip_suffix(close)) {
            return inner.trim().to_owned();
        }
    }
    t.to_owned()
}

fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
