//! `propose.html`: the proposal form, generated from the proposal's JSON Schema (the one
//! `digifarm propose` reads), checked as the visitor types by `digifarm propose`'s own rules
//! compiled to WebAssembly (`propose.wasm`, crate `digifarm-wasm`), and handing over a
//! proposal YAML file three ways: download, an e-mail to the programme's contact, and a
//! pre-filled new file on the city's forge (`[portal] propose_url`).
//!
//! The schema decides which fields exist, their types, which are required and which values
//! an enumeration allows; [`FIELDS`] gives each its place, label and hint in both languages.
//! A test checks that the two agree, so a field added to the proposal cannot be forgotten
//! here.

use serde_json::{Map, Value, json};

use super::super::text::{complexity, esc, kind_name, status, tr};
use super::{Edition, Page, PageKind, Site, foot, head};
use crate::model::{CityConfig, Complexity, DeploymentMode, Priority, ProjectStatus};
use crate::portal::{self, Contact};
use crate::schema::{self, SchemaKind};

/// The module that checks the form: built from `digifarm-wasm` by `scripts/build-wasm.sh`,
/// which also checks that this committed file is what the source builds.
pub(super) const WASM: &[u8] = include_bytes!("propose.wasm");

const JS: &str = include_str!("propose.js");

/// A field of the form: its schema path (`*` for the items of a list of mappings), German
/// and English label, and German and English hint.
struct Field {
    path: &'static str,
    de: &'static str,
    en: &'static str,
    hint_de: &'static str,
    hint_en: &'static str,
}

const fn f(
    path: &'static str,
    de: &'static str,
    en: &'static str,
    hint_de: &'static str,
    hint_en: &'static str,
) -> Field {
    Field {
        path,
        de,
        en,
        hint_de,
        hint_en,
    }
}

/// Every field of the proposal the form asks for, in the form's order.
const FIELDS: &[Field] = &[
    f("project", "Das Projekt", "The project", "", ""),
    f(
        "project/name",
        "Name des Projekts",
        "Name of the project",
        "",
        "",
    ),
    f(
        "project/id",
        "Kennung",
        "Identifier",
        "Kleinbuchstaben, Ziffern und Bindestriche, z. B. lastenrad-muenster. Daraus wird der Dateiname.",
        "Lower-case letters, digits and hyphens, e.g. lastenrad-muenster. It becomes the file name.",
    ),
    f(
        "project/summary",
        "Kurzbeschreibung",
        "Summary",
        "Ein bis zwei Sätze: Was leistet das Projekt für die Stadt?",
        "One or two sentences: what does the project do for the city?",
    ),
    f(
        "project/description",
        "Ausführliche Beschreibung",
        "Description",
        "",
        "",
    ),
    f(
        "project/status",
        "Stand der Software",
        "State of the software",
        "",
        "",
    ),
    f(
        "project/license",
        "Lizenz",
        "Licence",
        "Als SPDX-Ausdruck, z. B. MIT, GPL-3.0-or-later oder Apache-2.0 OR MIT. Geprüft wird gegen die Lizenzpolitik der Stadt.",
        "As an SPDX expression, e.g. MIT, GPL-3.0-or-later or Apache-2.0 OR MIT. It is checked against the city's licence policy.",
    ),
    f("project/links", "Links", "Links", "", ""),
    f(
        "project/links/source",
        "Quellcode (Repository)",
        "Source code (repository)",
        "Die Adresse, unter der der Quellcode öffentlich liegt: https://…",
        "Where the source code is public: https://…",
    ),
    f(
        "project/links/homepage",
        "Website",
        "Website",
        "https://…",
        "https://…",
    ),
    f(
        "project/links/info",
        "Weitere Informationen",
        "More information",
        "https://…",
        "https://…",
    ),
    f("project/categories", "Kategorien", "Categories", "", ""),
    f(
        "project/software_type",
        "Art der Software",
        "Kind of software",
        "z. B. App, Web-App, Website",
        "e.g. app, web app, website",
    ),
    f("project/complexity", "Komplexität", "Complexity", "", ""),
    f(
        "project/technologies",
        "Technologien",
        "Technologies",
        "Durch Kommas getrennt, z. B. Python, Django",
        "Separated by commas, e.g. Python, Django",
    ),
    f(
        "project/origin",
        "Herkunft",
        "Origin",
        "Ein Bezug zur Stadt ist eine Aufnahmebedingung: die Stadt, aus der das Projekt kommt oder in der es läuft.",
        "A link to the city is a condition of admission: the city the project comes from or runs in.",
    ),
    f("project/origin/city", "Stadt", "City", "", ""),
    f(
        "project/origin/community",
        "Community oder Veranstaltung",
        "Community or event",
        "z. B. ein Hackathon",
        "e.g. a hackathon",
    ),
    f(
        "project/origin/started",
        "Projektstart",
        "Started",
        "JJJJ, JJJJ-MM oder JJJJ-MM-TT",
        "YYYY, YYYY-MM or YYYY-MM-DD",
    ),
    f("project/deployment", "Betrieb", "Deployment", "", ""),
    f("project/deployment/mode", "Betriebsart", "Mode", "", ""),
    f(
        "project/deployment/cities",
        "Städte, in denen es läuft",
        "Cities where it runs",
        "Durch Kommas getrennt",
        "Separated by commas",
    ),
    f(
        "project/needs",
        "Was braucht das Projekt?",
        "What does the project need?",
        "Jeder Bedarf, den noch niemand deckt, wird im Portal als „Hilfe gesucht“ gezeigt.",
        "Every need nobody covers yet is shown on the portal as “help wanted”.",
    ),
    f(
        "project/needs/*/kind",
        "Art der Unterstützung",
        "Kind of support",
        "",
        "",
    ),
    f(
        "project/needs/*/description",
        "Was genau?",
        "What exactly?",
        "",
        "",
    ),
    f(
        "project/needs/*/skills",
        "Gesuchte Fähigkeiten",
        "Skills wanted",
        "Durch Kommas getrennt, z. B. hosting, docker",
        "Separated by commas, e.g. hosting, docker",
    ),
    f(
        "project/needs/*/hours_per_month",
        "Stunden im Monat",
        "Hours a month",
        "",
        "",
    ),
    f(
        "project/needs/*/eur_per_year",
        "Euro im Jahr",
        "Euros a year",
        "",
        "",
    ),
    f(
        "project/needs/*/priority",
        "Dringlichkeit",
        "Urgency",
        "",
        "",
    ),
    f(
        "proposer",
        "Wer schlägt vor?",
        "Who proposes it?",
        "Ihre Angaben sind personenbezogene Daten: Das Programm speichert sie als privaten Kontakt und veröffentlicht sie nicht, außer Sie erlauben es.",
        "Your details are personal data: the programme keeps them as a private contact and does not publish them unless you allow it.",
    ),
    f("proposer/name", "Ihr Name", "Your name", "", ""),
    f(
        "proposer/email",
        "Ihre E-Mail-Adresse",
        "Your e-mail address",
        "",
        "",
    ),
    f(
        "proposer/role",
        "Ihre Rolle im Projekt",
        "Your role in the project",
        "z. B. maintainer, Initiatorin",
        "e.g. maintainer, initiator",
    ),
    f(
        "proposer/public",
        "Mein Name darf öffentlich genannt werden.",
        "My name may be shown publicly.",
        "",
        "",
    ),
    f(
        "attestations",
        "Bestätigungen",
        "Confirmations",
        "Diese Aufnahmebedingungen kann nur ein Mensch bestätigen.",
        "Only a person can vouch for these conditions of admission.",
    ),
    f(
        "attestations/digital",
        "Das Projekt ist digital.",
        "The project is digital.",
        "",
        "",
    ),
    f(
        "attestations/runs",
        "Die Software läuft: Eine Version kann genutzt oder ausprobiert werden.",
        "The software runs: a version can be used or tried.",
        "",
        "",
    ),
    f(
        "attestations/gdpr",
        "Der Datenschutz (DSGVO) ist gewährleistet.",
        "Data protection (GDPR) is ensured.",
        "",
        "",
    ),
    f(
        "attestations/lawful",
        "Das Projekt ist rechtskonform.",
        "The project complies with the law.",
        "",
        "",
    ),
];

/// Fields of the proposal the form leaves out on purpose: the date a need is open since is
/// the date of the proposal, and who supports a need is the programme's decision.
#[cfg(test)]
const NOT_ASKED: &[&str] = &["project/needs/*/since", "project/needs/*/supported_by"];

/// The most characters the form takes in a field that several lines of text fill (a
/// description), where the schema sets no limit. A check of the form runs on every change;
/// 20,000 characters keep it well under a second.
const MAX_AREA_CHARS: u64 = 20_000;
/// The same for a line of text (a name, a summary, a link, an address).
const MAX_LINE_CHARS: u64 = 2_000;
/// The same for a comma-separated list of words.
const MAX_LIST_CHARS: u64 = 2_000;
/// The same for a number.
const MAX_NUMBER_CHARS: u64 = 40;

/// How a field is filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Widget {
    /// One line of text (`type` is `text`, `url` or `email`).
    Line(&'static str),
    /// Several lines of text.
    Area,
    /// A comma-separated list of words.
    List,
    /// Several of the given values (checkboxes).
    Choices(Vec<(String, String)>),
    /// A number.
    Number,
    /// Yes or no.
    Check,
    /// One of the given values (value, label).
    Select(Vec<(String, String)>),
}

/// The form as generated from the schema.
#[derive(Debug)]
enum Node {
    Field {
        path: String,
        widget: Widget,
        required: bool,
        /// The schema's `maxLength`, if it has one.
        max_len: Option<u64>,
    },
    Group {
        path: String,
        required: bool,
        children: Vec<Node>,
    },
    Repeat {
        path: String,
        item: Vec<Node>,
    },
}

fn label(path: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.path == path)
}

/// Follows `$ref` (also inside an optional `anyOf [$ref, null]`); returns the definition's
/// name and schema.
fn resolve<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> (Option<&'a str>, &'a Value) {
    let reference = schema.get("$ref").and_then(Value::as_str).or_else(|| {
        schema
            .get("anyOf")
            .and_then(Value::as_array)
            .and_then(|alts| {
                alts.iter()
                    .find_map(|a| a.get("$ref").and_then(Value::as_str))
            })
    });
    match reference.and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(name) => (Some(name), defs.get(name).unwrap_or(schema)),
        None => (None, schema),
    }
}

fn has_type(schema: &Value, t: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(s)) => s == t,
        Some(Value::Array(ts)) => ts.iter().any(|x| x == t),
        _ => false,
    }
}

/// The options of an enumeration, labelled in `lang`.
fn options(def: Option<&str>, values: &[Value], lang: &str) -> Vec<(String, String)> {
    values
        .iter()
        .filter_map(Value::as_str)
        .map(|v| {
            let text = Value::String(v.to_owned());
            let label = match def {
                Some("ProjectStatus") => serde_json::from_value::<ProjectStatus>(text)
                    .map(|s| status(lang, s).to_owned())
                    .ok(),
                Some("Complexity") => serde_json::from_value::<Complexity>(text)
                    .map(|c| complexity(lang, c).to_owned())
                    .ok(),
                Some("DeploymentMode") => serde_json::from_value::<DeploymentMode>(text)
                    .map(|m| {
                        match m {
                            DeploymentMode::PerCity => tr(
                                lang,
                                "eine Installation je Stadt",
                                "one installation per city",
                            ),
                            DeploymentMode::Central => {
                                tr(lang, "zentral für alle Städte", "central, for every city")
                            }
                        }
                        .to_owned()
                    })
                    .ok(),
                Some("Priority") => serde_json::from_value::<Priority>(text)
                    .map(|p| {
                        match p {
                            Priority::Low => tr(lang, "niedrig", "low"),
                            Priority::Medium => tr(lang, "mittel", "medium"),
                            Priority::High => tr(lang, "hoch", "high"),
                            Priority::Critical => tr(
                                lang,
                                "kritisch: ohne geht es nicht weiter",
                                "critical: the project stops without it",
                            ),
                        }
                        .to_owned()
                    })
                    .ok(),
                _ => None,
            };
            (v.to_owned(), label.unwrap_or_else(|| v.to_owned()))
        })
        .collect()
}

/// The children of the object `schema` at `path`, in [`FIELDS`] order. A child counts as
/// required when the schema requires it and its parent is required (`within`): `mode` is
/// required in a deployment, but a proposal need not say anything about its deployment.
fn children(
    schema: &Value,
    path: &str,
    within: bool,
    defs: &Map<String, Value>,
    config: &CityConfig,
    lang: &str,
) -> Vec<Node> {
    let (_, object) = resolve(schema, defs);
    let props = object.get("properties").and_then(Value::as_object);
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    };
    FIELDS
        .iter()
        .filter_map(|field| {
            let name = field.path.strip_prefix(&prefix)?;
            if name.contains('/') || (prefix.is_empty() && field.path.contains('/')) {
                return None;
            }
            let child = props?.get(name)?;
            Some(node(
                child,
                field.path,
                within && required.contains(&name),
                defs,
                config,
                lang,
            ))
        })
        .collect()
}

fn node(
    schema: &Value,
    path: &str,
    required: bool,
    defs: &Map<String, Value>,
    config: &CityConfig,
    lang: &str,
) -> Node {
    let (def, s) = resolve(schema, defs);
    // Required by the city's admission rules, not by the schema.
    let required = required || (path == "project/links/source" && config.admission.require_source);
    let max_len = s.get("maxLength").and_then(Value::as_u64);
    let field = |widget| Node::Field {
        path: path.to_owned(),
        widget,
        required,
        max_len,
    };
    // The kinds of need this city knows, whatever the schema's pattern allows.
    if path.ends_with("/kind") {
        let kinds = crate::model::BUILTIN_NEED_KINDS
            .iter()
            .map(|k| (*k).to_owned())
            .chain(config.need_kinds.iter().cloned())
            .map(|k| {
                let label = kind_name(lang, &k);
                (k, label)
            })
            .collect();
        return field(Widget::Select(kinds));
    }
    if def == Some("LocalizedText") {
        return field(if path.ends_with("description") {
            Widget::Area
        } else {
            Widget::Line("text")
        });
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        return field(Widget::Select(options(def, values, lang)));
    }
    if has_type(s, "object") {
        return Node::Group {
            path: path.to_owned(),
            required,
            children: children(s, path, required, defs, config, lang),
        };
    }
    if has_type(s, "array") {
        let items = s.get("items").unwrap_or(&Value::Null);
        let (_, item) = resolve(items, defs);
        if has_type(item, "object") {
            let item_path = format!("{path}/*");
            return Node::Repeat {
                path: path.to_owned(),
                item: children(item, &item_path, true, defs, config, lang),
            };
        }
        if path == "project/categories" && !config.categories.is_empty() {
            return field(Widget::Choices(
                config
                    .categories
                    .iter()
                    .map(|c| (c.clone(), c.clone()))
                    .collect(),
            ));
        }
        return field(Widget::List);
    }
    if has_type(s, "boolean") {
        return field(Widget::Check);
    }
    if has_type(s, "number") || has_type(s, "integer") {
        return field(Widget::Number);
    }
    let kind = if path.contains("/links/") {
        "url"
    } else if path.ends_with("/email") {
        "email"
    } else {
        "text"
    };
    field(Widget::Line(kind))
}

/// The form's tree, from the proposal schema.
fn form(config: &CityConfig, lang: &str) -> Vec<Node> {
    let schema = schema::json_schema(SchemaKind::Proposal);
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    children(&schema, "", true, defs, config, lang)
}

/// An element id for `path` (`project/needs/*/kind` → `f-project-needs-__i__-kind`; the
/// script replaces `__i__` in a copied need).
fn dom_id(prefix: &str, path: &str) -> String {
    format!(
        "{prefix}-{}",
        path.replace('*', "__i__").replace(['/', '_'], "-")
    )
}

fn data_path(path: &str) -> String {
    path.replace('*', "__i__")
}

fn texts(path: &str, lang: &str) -> (&'static str, &'static str) {
    label(path).map_or(("", ""), |f| {
        (tr(lang, f.de, f.en), tr(lang, f.hint_de, f.hint_en))
    })
}

fn render_nodes(nodes: &[Node], lang: &str, out: &mut String) {
    for n in nodes {
        render_node(n, lang, out);
    }
}

fn required_mark(required: bool) -> &'static str {
    if required {
        " <span class=\"req\" aria-hidden=\"true\">*</span>"
    } else {
        ""
    }
}

fn render_node(n: &Node, lang: &str, out: &mut String) {
    match n {
        Node::Field {
            path,
            widget,
            required,
            max_len,
        } => {
            let (text, hint) = texts(path, lang);
            let id = dom_id("f", path);
            let err = dom_id("e", path);
            let hint_id = dom_id("h", path);
            let dp = data_path(path);
            let described = if hint.is_empty() {
                err.clone()
            } else {
                format!("{hint_id} {err}")
            };
            let req = if *required {
                " required aria-required=\"true\""
            } else {
                ""
            };
            let hint_html = if hint.is_empty() {
                String::new()
            } else {
                format!(
                    "<span class=\"hint\" id=\"{hint_id}\">{}</span>\n",
                    esc(hint)
                )
            };
            let error =
                format!("<p class=\"error\" id=\"{err}\" data-error-for=\"{dp}\" hidden></p>\n");
            match widget {
                Widget::Check => {
                    out.push_str(&format!(
                        "<div class=\"field check\" data-field=\"{dp}\">\n<input type=\"checkbox\" id=\"{id}\" data-path=\"{dp}\" data-type=\"bool\"{} aria-describedby=\"{described}\"{req}> <label for=\"{id}\">{}{}</label>\n{hint_html}{error}</div>\n",
                        if *required { "" } else { " data-optional=\"true\"" },
                        esc(text),
                        required_mark(*required),
                    ));
                }
                Widget::Choices(values) => {
                    out.push_str(&format!(
                        "<fieldset class=\"field\" data-field=\"{dp}\" aria-describedby=\"{described}\">\n<legend>{}{}</legend>\n{hint_html}",
                        esc(text),
                        required_mark(*required)
                    ));
                    for (i, (value, shown)) in values.iter().enumerate() {
                        out.push_str(&format!(
                            "<div class=\"check\"><input type=\"checkbox\" id=\"{id}-{i}\" data-path=\"{dp}\" data-type=\"multi\" value=\"{}\"> <label for=\"{id}-{i}\">{}</label></div>\n",
                            esc(value),
                            esc(shown)
                        ));
                    }
                    out.push_str(&error);
                    out.push_str("</fieldset>\n");
                }
                _ => {
                    out.push_str(&format!(
                        "<div class=\"field\" data-field=\"{dp}\">\n<label for=\"{id}\">{}{}</label>\n{hint_html}",
                        esc(text),
                        required_mark(*required)
                    ));
                    // What can be typed: the schema's limit, else one generous for the kind of
                    // field, so that a pasted megabyte cannot keep the page's checks busy for
                    // seconds. The schema counts characters, a browser UTF-16 units (two for a
                    // character beyond the BMP, an emoji), so the schema's limit is doubled
                    // here and the form's check holds the exact one.
                    let limit = match widget {
                        Widget::Select(_) => None,
                        Widget::Area => Some(MAX_AREA_CHARS),
                        Widget::List => Some(MAX_LIST_CHARS),
                        Widget::Number => Some(MAX_NUMBER_CHARS),
                        _ => Some(MAX_LINE_CHARS),
                    }
                    .map(|generous| {
                        let units = max_len.map_or(generous, |n| n.saturating_mul(2));
                        format!(" maxlength=\"{units}\"")
                    })
                    .unwrap_or_default();
                    let attrs = format!(
                        // No `name`: without JavaScript the form must send nothing (a GET
                        // to the page itself would put the answers in the server's log).
                        "id=\"{id}\" data-path=\"{dp}\" aria-describedby=\"{described}\"{req}{limit}"
                    );
                    match widget {
                        Widget::Line(kind) => out.push_str(&format!(
                            "<input type=\"{kind}\" {attrs} data-type=\"string\" autocomplete=\"{}\">\n",
                            match *kind {
                                "email" => "email",
                                "url" => "url",
                                _ if path.ends_with("proposer/name") => "name",
                                _ => "off",
                            }
                        )),
                        Widget::Area => out.push_str(&format!(
                            "<textarea {attrs} data-type=\"string\" rows=\"4\"></textarea>\n"
                        )),
                        Widget::List => out.push_str(&format!(
                            "<input type=\"text\" {attrs} data-type=\"list\" autocomplete=\"off\">\n"
                        )),
                        Widget::Number => out.push_str(&format!(
                            "<input type=\"text\" inputmode=\"decimal\" {attrs} data-type=\"number\" autocomplete=\"off\">\n"
                        )),
                        Widget::Select(values) => {
                            out.push_str(&format!(
                                "<select {attrs} data-type=\"string\"><option value=\"\">{}</option>",
                                tr(lang, "– bitte wählen –", "– please choose –")
                            ));
                            for (value, shown) in values {
                                out.push_str(&format!(
                                    "<option value=\"{}\">{}</option>",
                                    esc(value),
                                    esc(shown)
                                ));
                            }
                            out.push_str("</select>\n");
                        }
                        Widget::Check | Widget::Choices(_) => {}
                    }
                    out.push_str(&error);
                    out.push_str("</div>\n");
                }
            }
        }
        Node::Group {
            path,
            required,
            children,
        } => {
            let (text, hint) = texts(path, lang);
            let dp = data_path(path);
            let hint_id = dom_id("h", path);
            let described = if hint.is_empty() {
                String::new()
            } else {
                format!(" aria-describedby=\"{hint_id}\"")
            };
            out.push_str(&format!(
                "<fieldset data-field=\"{dp}\"{described}>\n<legend>{}{}</legend>\n",
                esc(text),
                required_mark(*required && path.contains('/'))
            ));
            if !hint.is_empty() {
                out.push_str(&format!(
                    "<p class=\"hint\" id=\"{hint_id}\">{}</p>\n",
                    esc(hint)
                ));
            }
            out.push_str(&format!(
                "<p class=\"error\" id=\"{}\" data-error-for=\"{dp}\" hidden></p>\n",
                dom_id("e", path)
            ));
            render_nodes(children, lang, out);
            out.push_str("</fieldset>\n");
        }
        Node::Repeat { path, item } => {
            let (text, hint) = texts(path, lang);
            let dp = data_path(path);
            out.push_str(&format!(
                "<fieldset data-field=\"{dp}\">\n<legend>{}</legend>\n",
                esc(text)
            ));
            if !hint.is_empty() {
                out.push_str(&format!("<p class=\"hint\">{}</p>\n", esc(hint)));
            }
            out.push_str(&format!(
                "<p class=\"error\" id=\"{}\" data-error-for=\"{dp}\" hidden></p>\n<div class=\"items\" data-list=\"{dp}\"></div>\n",
                dom_id("e", path)
            ));
            out.push_str(&format!(
                "<template data-template=\"{dp}\">\n<fieldset class=\"need\" data-item=\"{dp}/__i__\" data-field=\"{dp}/__i__\">\n<legend>{} <span data-number></span></legend>\n<p class=\"error\" id=\"{}\" data-error-for=\"{dp}/__i__\" hidden></p>\n",
                tr(lang, "Bedarf", "Need"),
                dom_id("e", &format!("{path}/*"))
            ));
            render_nodes(item, lang, out);
            out.push_str(&format!(
                "<button type=\"button\" data-remove>{}</button>\n</fieldset>\n</template>\n<button type=\"button\" data-add=\"{dp}\">{}</button>\n</fieldset>\n",
                tr(lang, "Diesen Bedarf entfernen", "Remove this need"),
                tr(lang, "Bedarf hinzufügen", "Add a need")
            ));
        }
    }
}

/// The short explanation of a finding's code shown above `digifarm propose`'s own message.
fn explanations(lang: &str) -> Value {
    let pairs: &[(&str, &str, &str)] = &[
        ("missing-field", "Bitte ausfüllen.", "Please fill this in."),
        (
            "invalid-format",
            "Das Format passt nicht.",
            "The format does not fit.",
        ),
        (
            "wrong-type",
            "Bitte eine Zahl oder einen Text wie verlangt angeben.",
            "Please give a number or text as asked.",
        ),
        (
            "invalid-value",
            "Bitte einen der angebotenen Werte wählen.",
            "Please choose one of the values offered.",
        ),
        (
            "out-of-range",
            "Der Wert liegt außerhalb des erlaubten Bereichs.",
            "The value is out of range.",
        ),
        (
            "amount-not-positive",
            "Bitte eine Zahl größer als null angeben.",
            "Please give a number above zero.",
        ),
        (
            "license-invalid",
            "Das ist kein gültiger SPDX-Lizenzausdruck.",
            "This is not a valid SPDX licence expression.",
        ),
        (
            "license-missing",
            "Bitte die Open-Source-Lizenz angeben.",
            "Please give the open-source licence.",
        ),
        (
            "license-not-allowed",
            "Diese Lizenz lässt die Lizenzpolitik der Stadt nicht zu.",
            "The city's licence policy does not allow this licence.",
        ),
        (
            "license-deprecated",
            "Diese Lizenzkennung ist veraltet.",
            "This licence identifier is deprecated.",
        ),
        (
            "license-content-only",
            "Diese Lizenz ist für Inhalte gedacht, nicht für Software.",
            "This licence is meant for content, not software.",
        ),
        (
            "license-ref-unclarified",
            "Eine eigene Lizenz muss die Stadt erst prüfen.",
            "The city has to review a custom licence first.",
        ),
        (
            "license-case",
            "Die Schreibweise der Lizenzkennung weicht ab.",
            "The licence identifier is not in its usual case.",
        ),
        (
            "source-missing",
            "Bitte den Link zum Quellcode angeben.",
            "Please give the link to the source code.",
        ),
        (
            "city-link-missing",
            "Das Projekt braucht einen Bezug zur Stadt: woher es kommt oder wo es läuft.",
            "The project needs a link to the city: where it comes from or runs.",
        ),
        (
            "attestation-missing",
            "Bitte bestätigen.",
            "Please confirm.",
        ),
        (
            "duplicate-id",
            "Diese Kennung ist schon vergeben.",
            "This identifier is taken.",
        ),
        (
            "unknown-category",
            "Diese Kategorie kennt die Stadt nicht.",
            "The city does not know this category.",
        ),
        (
            "unknown-need-kind",
            "Diese Art der Unterstützung kennt die Stadt nicht.",
            "The city does not know this kind of support.",
        ),
        (
            "date-in-future",
            "Das Datum liegt in der Zukunft.",
            "The date lies in the future.",
        ),
        (
            "unknown-field",
            "Dieses Feld kennt das Formular nicht.",
            "The form does not know this field.",
        ),
    ];
    let map: Map<String, Value> = pairs
        .iter()
        .map(|(code, de, en)| {
            (
                (*code).to_owned(),
                Value::String(tr(lang, de, en).to_owned()),
            )
        })
        .collect();
    Value::Object(map)
}

/// What the page's script needs: the checker's settings (the city config as far as the
/// proposal rules read it, and the ids already published), the routes and the words.
fn settings(site: &Site<'_>, lang: &str) -> Value {
    let config = &site.catalog.config;
    // Only what the proposal rules read; the rest (plugins and their grants, matching,
    // pending licence clarifications of unpublished projects) stays off the page.
    let mut license = config.license.clone();
    license.pending.clear();
    let public = CityConfig {
        city: config.city.clone(),
        categories: config.categories.clone(),
        need_kinds: config.need_kinds.clone(),
        license,
        admission: config.admission.clone(),
        ..CityConfig::default()
    };
    let ids: Vec<&str> = site
        .catalog
        .projects
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    let portal = &config.portal;
    let mailto = match portal.contact.as_deref().map(portal::contact) {
        Some(Ok(Contact::Email(address))) => Some(portal::mailto_address(&address)),
        _ => None,
    };
    let forge = portal
        .propose_url
        .as_deref()
        .and_then(|u| portal::web_url(u).ok());
    json!({
        "init": {"config": public, "ids": ids},
        "mailto": mailto,
        "forge": forge,
        "explanations": explanations(lang),
        "words": {
            "errors": tr(lang, "Der Vorschlag ist noch nicht vollständig: {n} Punkt(e) fehlen oder passen nicht.", "The proposal is not complete yet: {n} point(s) are missing or do not fit."),
            "accepted": tr(lang, "Der Vorschlag erfüllt alles, was sich automatisch prüfen lässt. Er kann eingereicht werden.", "The proposal meets everything that can be checked automatically. It can be submitted."),
            "warnings": tr(lang, "Hinweise", "Notes"),
            "subject": tr(lang, "Projektvorschlag", "Project proposal"),
            "mailIntro": tr(lang, "Guten Tag,\n\nanbei mein Projektvorschlag für das Programm (Datei für digifarm propose):\n\n", "Hello,\n\nhere is my project proposal for the programme (a file for digifarm propose):\n\n"),
            "loadFailed": tr(lang, "Die Prüfung im Browser konnte nicht geladen werden. Die Seite muss über einen Webserver (http/https) geöffnet werden.", "The check in the browser could not be loaded. The page must be opened through a web server (http/https)."),
            "need": tr(lang, "Bedarf", "Need"),
            "loading": tr(lang, "Die Prüfung wird geladen. Ihr Vorschlag wird geprüft, sobald sie bereit ist.", "The check is loading. Your proposal is checked as soon as it is ready."),
        },
    })
}

/// A `<script type="application/json">` island: `<`, `>`, `&` and the line separators are
/// written as `\u` escapes, so no text can close the element or break the script.
pub(super) fn json_island(id: &str, value: &Value) -> String {
    let text = value.to_string();
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            c => safe.push(c),
        }
    }
    format!("<script type=\"application/json\" id=\"{id}\">{safe}</script>\n")
}

/// `propose.html` of edition `e`.
pub(super) fn page(site: &Site<'_>, e: &Edition<'_>) -> super::File {
    let lang = e.lang;
    let page = Page {
        edition: e,
        depth: 0,
        path: "propose.html".to_owned(),
        title: format!(
            "{} – {}",
            tr(lang, "Projekt vorschlagen", "Propose a project"),
            site.title(lang)
        ),
        kind: PageKind::Propose,
    };
    let mut out = head(site, &page);
    let portal = &site.catalog.config.portal;
    // Where a finished proposal goes besides the download (validation checked the contact).
    let contact = portal
        .contact
        .as_deref()
        .and_then(|c| portal::contact(c).ok());
    out.push_str(&format!(
        "<main id=\"main\">\n<h1>{}</h1>\n<p>{}</p>\n<p>{}</p>\n",
        tr(lang, "Projekt vorschlagen", "Propose a project"),
        tr(lang,
            "Das Programm nimmt Open-Source-Projekte auf, die digital sind, laufen, unter einer offenen Lizenz stehen, den Datenschutz gewährleisten, rechtskonform sind und einen Bezug zur Stadt haben. Das Formular prüft Ihre Angaben schon beim Ausfüllen mit denselben Regeln, die das Programm anwendet, und erstellt daraus eine Vorschlagsdatei.",
            "The programme admits open-source projects that are digital, run, are under an open licence, ensure data protection, comply with the law and have a link to the city. The form checks your answers as you fill it in, with the same rules the programme applies, and turns them into a proposal file."),
        tr(lang, "Pflichtangaben sind mit * markiert. Nichts verlässt Ihren Browser, bis Sie die Datei herunterladen oder absenden.", "Required answers are marked with *. Nothing leaves your browser until you download or send the file."),
    ));
    out.push_str(&format!(
        "<noscript><p>{}</p></noscript>\n",
        tr(
            lang,
            "Das Formular braucht JavaScript.",
            "The form needs JavaScript."
        )
    ));
    out.push_str("<div id=\"summary\" tabindex=\"-1\" hidden></div>\n");
    out.push_str(&format!(
        "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>\n<form id=\"propose\" class=\"propose\" novalidate data-wasm=\"{}propose.wasm\">\n",
        e.to_root(0)
    ));
    render_nodes(&form(&site.catalog.config, lang), lang, &mut out);
    out.push_str(&format!(
        "<p class=\"actions\"><button type=\"submit\" class=\"button\">{}</button></p>\n</form>\n",
        tr(lang, "Vorschlag prüfen", "Check the proposal")
    ));
    out.push_str(&format!(
        "<section id=\"result\" aria-labelledby=\"result-h\" hidden>\n<h2 id=\"result-h\" tabindex=\"-1\">{}</h2>\n<p>{}</p>\n<pre id=\"yaml\"></pre>\n<p class=\"actions\"><a id=\"download\" class=\"button\" href=\"#\">{}</a>",
        tr(lang, "Ihr Vorschlag", "Your proposal"),
        match (&contact, portal.propose_url.is_some()) {
            (None, false) => tr(lang, "Diese Datei liest das Programm mit „digifarm propose“ ein. Laden Sie sie herunter und reichen Sie sie beim Programm ein.", "The programme reads this file with “digifarm propose”. Download it and submit it to the programme."),
            _ => tr(lang, "Diese Datei liest das Programm mit „digifarm propose“ ein. Reichen Sie sie auf einem dieser Wege ein:", "The programme reads this file with “digifarm propose”. Submit it in one of these ways:"),
        },
        tr(lang, "Datei herunterladen", "Download the file"),
    ));
    if let Some(Contact::Web(url)) = &contact {
        out.push_str(&format!(
            " <a class=\"button secondary\" href=\"{}\">{}</a>",
            esc(url),
            tr(
                lang,
                "Über die Kontaktseite des Programms einreichen",
                "Submit it through the programme's contact page"
            )
        ));
    }
    if matches!(contact, Some(Contact::Email(_))) {
        out.push_str(&format!(
            " <a id=\"mail\" class=\"button secondary\" href=\"#\">{}</a>",
            tr(
                lang,
                "Per E-Mail an das Programm senden",
                "Send it to the programme by e-mail"
            )
        ));
    }
    if portal.propose_url.is_some() {
        out.push_str(&format!(
            " <a id=\"forge\" class=\"button secondary\" href=\"#\">{}</a>",
            tr(
                lang,
                "Im Repository des Programms anlegen",
                "Create it in the programme's repository"
            )
        ));
    }
    out.push_str("</p>\n</section>\n</main>\n");
    out.push_str(&json_island("form-settings", &settings(site, lang)));
    out.push_str("<script>\n");
    out.push_str(JS);
    out.push_str("</script>\n");
    out.push_str(&foot(site, &page));
    super::File::new(format!("{}propose.html", e.dir), out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    /// Every property of the proposal schema is a field of the form or left out on purpose,
    /// and every field of the form is in the schema.
    #[test]
    fn the_form_and_the_schema_agree() {
        let schema = schema::json_schema(SchemaKind::Proposal);
        let defs = schema["$defs"].as_object().unwrap().clone();
        let mut paths = Vec::new();
        fn walk(s: &Value, path: &str, defs: &Map<String, Value>, out: &mut Vec<String>) {
            let (def, s) = resolve(s, defs);
            if def == Some("LocalizedText") {
                return;
            }
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                for (name, child) in props {
                    let p = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}/{name}")
                    };
                    out.push(p.clone());
                    walk(child, &p, defs, out);
                }
            } else if has_type(s, "array")
                && let Some(items) = s.get("items")
            {
                let (_, item) = resolve(items, defs);
                if has_type(item, "object") {
                    walk(item, &format!("{path}/*"), defs, out);
                }
            }
        }
        walk(&schema, "", &defs, &mut paths);
        // The properties of a support reference belong to `supported_by`, which is not asked.
        paths.retain(|p| !p.starts_with("project/needs/*/supported_by/"));
        for p in &paths {
            assert!(
                label(p).is_some() || NOT_ASKED.contains(&p.as_str()),
                "the proposal schema has `{p}`, which the form neither asks nor leaves out"
            );
        }
        for f in FIELDS {
            assert!(
                paths.iter().any(|p| p == f.path),
                "the form asks `{}`, which the schema lacks",
                f.path
            );
            assert!(!f.de.is_empty() && !f.en.is_empty(), "{}", f.path);
        }
    }

    #[test]
    fn the_form_follows_the_schema_s_types_and_requirements() {
        let config = CityConfig::default();
        let nodes = form(&config, "de");
        let mut html = String::new();
        render_nodes(&nodes, "de", &mut html);
        for required in [
            "project/id",
            "project/name",
            "project/summary",
            "project/license",
            "proposer/name",
            "attestations/gdpr",
        ] {
            let at = html
                .find(&format!("data-path=\"{required}\""))
                .unwrap_or_else(|| panic!("{required}"));
            let tag_end = html[at..].find('>').unwrap();
            assert!(
                html[at..at + tag_end].contains("required"),
                "{required} is not marked required"
            );
        }
        assert!(
            !html[html.find("data-path=\"project/description\"").unwrap()..]
                .split('>')
                .next()
                .unwrap()
                .contains("required")
        );
        // Enumerations are selects with the schema's values, labelled in the page's language.
        assert!(html.contains("<option value=\"in-development\">In Entwicklung</option>"));
        assert!(html.contains("<option value=\"very-high\">sehr hoch</option>"));
        assert!(html.contains("type=\"url\" id=\"f-project-links-source\""));
        assert!(html.contains("data-template=\"project/needs\""));
        assert!(!html.contains("supported"));
    }

    #[test]
    fn every_text_field_has_a_length_limit_the_schema_s_where_it_sets_one() {
        let config = CityConfig::default();
        let mut html = String::new();
        render_nodes(&form(&config, "de"), "de", &mut html);
        let tag_of = |path: &str| {
            let at = html
                .find(&format!("data-path=\"{path}\""))
                .unwrap_or_else(|| panic!("{path}"));
            let start = html[..at].rfind('<').unwrap();
            let end = at + html[at..].find('>').unwrap();
            html[start..end].to_owned()
        };
        // The schema's limits doubled: it counts characters, a browser UTF-16 units.
        for (path, limit) in [
            ("project/id", 160),
            ("project/name", 400),
            ("project/license", 2000),
            ("project/summary", MAX_LINE_CHARS),
            ("project/description", MAX_AREA_CHARS),
            ("project/technologies", MAX_LIST_CHARS),
            ("proposer/email", MAX_LINE_CHARS),
            ("project/needs/__i__/hours_per_month", MAX_NUMBER_CHARS),
        ] {
            let tag = tag_of(path);
            assert!(tag.contains(&format!(" maxlength=\"{limit}\"")), "{tag}");
        }
        // Every input that takes text has one; a select has none.
        for tag in html.split('<').filter(|t| {
            (t.starts_with("input ") && !t.contains("type=\"checkbox\""))
                || t.starts_with("textarea ")
        }) {
            assert!(tag.contains(" maxlength=\""), "<{tag}");
        }
        assert!(
            html.split('<')
                .filter(|t| t.starts_with("select "))
                .all(|t| !t.contains("maxlength")),
        );
    }

    #[test]
    fn json_islands_cannot_close_their_script() {
        let island = json_island(
            "x",
            &json!({"name": "</script><script>alert(1)</script>", "s": "\u{2028}&"}),
        );
        assert!(!island[..island.len() - 10].contains("</script><"));
        assert!(island.contains("\\u003c/script\\u003e"));
        let inner = island
            .trim_start_matches("<script type=\"application/json\" id=\"x\">")
            .trim_end_matches("</script>\n");
        let back: Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
