//! The rules for `[portal]` in `digifarm.toml`: the programme's contact, the links a
//! published site carries, and the accent colour. The logo file is checked with the project
//! images (`catalog::assets`), where files are read.

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::LocalizedText;
use crate::portal::{self, MIN_CONTRAST, Rgb};

/// The links every German municipal site must carry, with their German names.
const LEGAL_LINKS: [(&str, &str); 3] = [
    ("imprint_url", "Impressum"),
    ("privacy_url", "Datenschutzerklärung"),
    ("accessibility_url", "Erklärung zur Barrierefreiheit"),
];

/// Whether `digifarm.toml` has a `[portal]` section: a city that sets up its portal is told
/// what the published site still lacks; a catalog without one is not nagged.
fn has_portal_section(catalog: &Catalog) -> bool {
    catalog
        .config_file
        .and_then(|i| catalog.sources.get(i as usize))
        .is_some_and(|src| {
            crate::source::positions(&src.text, crate::source::Format::Toml).contains_key("/portal")
        })
}

pub(super) fn rules(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let file = catalog.config_file_path();
    let portal = &catalog.config.portal;
    let diag = |code: Code, key: &str, message: String| {
        Diagnostic::new(code, file.clone(), format!("/portal{key}"), message)
    };
    if has_portal_section(catalog) {
        out.extend(gaps(catalog));
    }

    if let Some(contact) = &portal.contact
        && let Err(why) = portal::contact(contact)
    {
        out.push(
            diag(Code::PortalContactInvalid, "/contact", why).with_help(
                "give the programme's role address (digifarm@stadt.example) or its contact page (https://…), never a person's",
            ),
        );
    }
    let urls = [
        ("help_url", &portal.help_url),
        ("propose_url", &portal.propose_url),
        ("imprint_url", &portal.imprint_url),
        ("privacy_url", &portal.privacy_url),
        ("accessibility_url", &portal.accessibility_url),
    ];
    for (key, value) in urls {
        if let Some(url) = value
            && let Err(why) = portal::web_url(url)
        {
            out.push(
                diag(Code::PortalUrlInvalid, &format!("/{key}"), why)
                    .with_help("write the full address, starting with https://"),
            );
        }
    }
    if let Some(colour) = &portal.accent_color {
        match Rgb::parse(colour) {
            Err(why) => out.push(diag(Code::AccentColorInvalid, "/accent_color", why)),
            Ok(rgb) => {
                let ratio = rgb.contrast(Rgb::WHITE);
                if ratio < MIN_CONTRAST {
                    out.push(
                        diag(
                            Code::AccentColorContrast,
                            "/accent_color",
                            format!(
                                "`{}` has a contrast of {ratio:.2}:1 against white; links and buttons need at least {MIN_CONTRAST}:1",
                                colour.trim()
                            ),
                        )
                        .with_help(format!(
                            "a darker shade of the same colour passes: `{}`",
                            darken_until_readable(rgb).hex()
                        )),
                    );
                }
            }
        }
    }
    if let Some(title @ LocalizedText::Localized(_)) = &portal.title {
        let lang = catalog.config.default_language();
        if !title.has_default(lang) {
            out.push(
                diag(
                    Code::MissingDefaultLanguage,
                    "/title",
                    format!(
                        "the portal's title has no `{lang}` version (languages: {})",
                        title.languages().join(", ")
                    ),
                )
                .with_help(format!(
                    "add `{lang} = \"…\"`, the catalog's default language"
                )),
            );
        }
    }
}

/// What a published site lacks: the legal links (`portal-legal-link-missing`) and a route
/// for offers of help (`portal-contact-missing`). Validation reports them when
/// `digifarm.toml` has a `[portal]` section; the HTML export always says so.
pub fn gaps(catalog: &Catalog) -> Vec<Diagnostic> {
    let file = catalog.config_file_path();
    let portal = &catalog.config.portal;
    let mut out = Vec::new();
    if portal.contact.is_none() && portal.help_url.is_none() {
        out.push(
            Diagnostic::new(
                Code::PortalContactMissing,
                file.clone(),
                "/portal",
                "neither `contact` nor `help_url` is set: \"Ich möchte helfen\" on the portal would lead nowhere",
            )
            .with_help("set `contact = \"digifarm@stadt.example\"` (an e-mail address or URL) or `help_url` in [portal]"),
        );
    }
    let links = [
        (&portal.imprint_url, LEGAL_LINKS[0]),
        (&portal.privacy_url, LEGAL_LINKS[1]),
        (&portal.accessibility_url, LEGAL_LINKS[2]),
    ];
    for (value, (key, name)) in links {
        if value.is_none() {
            out.push(
                Diagnostic::new(
                    Code::PortalLegalLinkMissing,
                    file.clone(),
                    "/portal",
                    format!("no `{key}`: the published site has no link to the {name}"),
                )
                .with_help(format!(
                    "add `{key} = \"https://…\"` to [portal]: every page of a German public body's site must link its {name}"
                )),
            );
        }
    }
    out
}

/// The colour scaled towards black until it reaches the minimum contrast against white.
fn darken_until_readable(rgb: Rgb) -> Rgb {
    let mut c = rgb;
    for step in 1..=100u16 {
        if c.contrast(Rgb::WHITE) >= MIN_CONTRAST {
            break;
        }
        let scale = |v: u8| u8::try_from(u16::from(v) * (100 - step) / 100).unwrap_or(0);
        c = Rgb(scale(rgb.0), scale(rgb.1), scale(rgb.2));
    }
    c
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::CityConfig;

    fn findings(toml: &str) -> Vec<Diagnostic> {
        let config: CityConfig = toml::from_str(toml).unwrap();
        let catalog = Catalog::from_records(config, Vec::new(), Vec::new(), Vec::new());
        let mut out = Vec::new();
        rules(&catalog, &mut out);
        out
    }

    fn codes(toml: &str) -> Vec<String> {
        findings(toml)
            .into_iter()
            .map(|d| format!("{} {}", d.code, d.pointer))
            .collect()
    }

    const LEGAL: &str = "imprint_url = \"https://www.example.org/impressum\"\nprivacy_url = \"https://www.example.org/datenschutz\"\naccessibility_url = \"https://www.example.org/barrierefreiheit\"\n";

    #[test]
    fn a_complete_portal_is_clean() {
        let toml = format!(
            "[portal]\ncontact = \"digifarm@example.org\"\naccent_color = \"#0a4f8a\"\n{LEGAL}"
        );
        assert_eq!(codes(&toml), Vec::<String>::new());
    }

    #[test]
    fn bad_values_are_errors_with_their_pointer() {
        let toml = format!(
            "[portal]\ncontact = \"Erika Mustermann\"\nhelp_url = \"javascript:alert(1)\"\naccent_color = \"tomato\"\n{LEGAL}"
        );
        assert_eq!(
            codes(&toml),
            [
                "portal-contact-invalid /portal/contact",
                "portal-url-invalid /portal/help_url",
                "accent-color-invalid /portal/accent_color",
            ]
        );
    }

    #[test]
    fn missing_links_and_contact_are_warnings() {
        // Reported by validation only when digifarm.toml has a [portal] section (the
        // catalog-level test in digifarm-cli/tests/portal.rs); `gaps` always says it.
        assert!(findings("[portal]\n").is_empty());
        let config: CityConfig = toml::from_str("[portal]\n").unwrap();
        let found = gaps(&Catalog::from_records(
            config,
            Vec::new(),
            Vec::new(),
            Vec::new(),
        ));
        let codes: Vec<&str> = found.iter().map(|d| d.code.as_ref()).collect();
        assert_eq!(
            codes,
            [
                "portal-contact-missing",
                "portal-legal-link-missing",
                "portal-legal-link-missing",
                "portal-legal-link-missing"
            ]
        );
        assert!(found.iter().all(|d| !d.is_error()));
        assert!(found[3].message.contains("Barrierefreiheit"));
    }

    #[test]
    fn a_pale_accent_fails_with_a_darker_suggestion() {
        let found = findings(&format!(
            "[portal]\ncontact = \"https://example.org/kontakt\"\naccent_color = \"#7fb2e5\"\n{LEGAL}"
        ));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "accent-color-contrast");
        let help = found[0].help.as_deref().unwrap();
        let suggested = help.split('`').nth(1).unwrap();
        assert!(Rgb::parse(suggested).unwrap().contrast(Rgb::WHITE) >= MIN_CONTRAST);
    }
}
