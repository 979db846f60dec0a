//! The public portal's rules, written once for `digifarm validate` and the HTML export: what
//! counts as the programme's contact and as a web link, the accent colour and its contrast
//! against white, and where "Ich möchte helfen" leads for a need.
//!
//! ```
//! use digifarm_core::portal::{self, Contact, Rgb};
//! assert!(matches!(portal::contact("digifarm@stadt-muenster.de"), Ok(Contact::Email(_))));
//! assert!(portal::web_url("javascript:alert(1)").is_err());
//! let accent = Rgb::parse("#0a4f8a")?;
//! assert!(accent.contrast(Rgb::WHITE) >= portal::MIN_CONTRAST);
//! assert_eq!(
//!     portal::mailto("hilfe@example.org", "Ich möchte helfen: Gieß den Kiez", "Hallo"),
//!     "mailto:hilfe@example.org?subject=Ich%20m%C3%B6chte%20helfen%3A%20Gie%C3%9F%20den%20Kiez&body=Hallo"
//! );
//! # Ok::<(), String>(())
//! ```

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::i18n::Lang;
use crate::model::{PortalConfig, Project};

/// The contrast text needs against its background (WCAG 2.1 AA, 1.4.3): 4.5:1. The accent
/// colour is used for links and button text on white, and as the background of white text.
pub const MIN_CONTRAST: f64 = 4.5;

/// The programme's public contact: a role e-mail address or a web page (a contact form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    /// An e-mail address (without `mailto:`).
    Email(String),
    /// An http(s) URL.
    Web(String),
}

/// Reads `[portal] contact`: an e-mail address (`mailto:` allowed) or an http(s) URL.
///
/// # Errors
/// Why it is neither.
pub fn contact(text: &str) -> Result<Contact, String> {
    let t = text.trim();
    if t.starts_with("http://") || t.starts_with("https://") {
        return web_url(t).map(Contact::Web);
    }
    let address = t.strip_prefix("mailto:").unwrap_or(t);
    match email(address) {
        Ok(()) => Ok(Contact::Email(address.to_owned())),
        Err(e) => Err(format!(
            "`{text}` is neither an e-mail address ({e}) nor an http(s) URL"
        )),
    }
}

/// Checks an e-mail address someone can be written to: `name@domain.tld`, without display
/// text (`Name <…>`) or an IP address as domain.
///
/// # Errors
/// Why it is not one.
pub fn email(address: &str) -> Result<(), String> {
    let options = email_address::Options::default()
        .with_minimum_sub_domains(2)
        .without_display_text()
        .without_domain_literal();
    email_address::EmailAddress::parse_with_options(address, options)
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Checks a link the portal publishes: an absolute `http`/`https` URL with a host, without
/// whitespace or control characters (so no `javascript:`, `data:` or relative paths).
/// Returns the URL as given (trimmed).
///
/// # Errors
/// Why it is not such a URL.
pub fn web_url(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{}` contains whitespace or control characters",
            t.escape_debug()
        ));
    }
    let url = url::Url::parse(t).map_err(|e| format!("`{t}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "`{t}` is a `{}:` link; only http and https links are published",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{t}` names no host"));
    }
    Ok(t.to_owned())
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// White, the portal's background.
    pub const WHITE: Rgb = Rgb(255, 255, 255);

    /// Reads `#rrggbb` or `#rgb`.
    ///
    /// # Errors
    /// Why the text is not such a colour.
    pub fn parse(text: &str) -> Result<Rgb, String> {
        let t = text.trim();
        let hex = t
            .strip_prefix('#')
            .filter(|h| (h.len() == 6 || h.len() == 3) && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| format!("`{t}` is not a colour written as #rrggbb (e.g. #0a4f8a)"))?;
        let digit = |i: usize, n: usize| u8::from_str_radix(&hex[i..i + n], 16).unwrap_or(0);
        Ok(if hex.len() == 6 {
            Rgb(digit(0, 2), digit(2, 2), digit(4, 2))
        } else {
            Rgb(digit(0, 1) * 17, digit(1, 1) * 17, digit(2, 1) * 17)
        })
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2.1).
    pub fn luminance(self) -> f64 {
        let channel = |v: u8| {
            let c = f64::from(v) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// Contrast ratio with `other` (1 to 21).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

/// What may stay unencoded in a `mailto:` header value (RFC 6068 with RFC 3986's unreserved
/// characters); everything else, umlauts, spaces and line breaks included, is
/// percent-encoded as UTF-8.
const MAILTO_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What may stay unencoded in the address of a `mailto:` link.
const MAILTO_ADDRESS: &AsciiSet = &MAILTO_VALUE.remove(b'@').remove(b'+');

/// A `mailto:` link with a subject and a body, percent-encoded (line breaks as `%0D%0A`).
pub fn mailto(address: &str, subject: &str, body: &str) -> String {
    let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "mailto:{}?subject={}&body={}",
        utf8_percent_encode(address, MAILTO_ADDRESS),
        utf8_percent_encode(subject, MAILTO_VALUE),
        utf8_percent_encode(&body, MAILTO_VALUE)
    )
}

/// A plain `mailto:` link to `address`.
pub fn mailto_address(address: &str) -> String {
    format!("mailto:{}", utf8_percent_encode(address, MAILTO_ADDRESS))
}

/// One need of a project that wants help, as the help route names it.
#[derive(Debug, Clone, Copy)]
pub struct WantedNeed<'a> {
    /// The need kind (`technical`).
    pub kind: &'a str,
    /// Its name in the reader's language (`Technik`).
    pub kind_name: &'a str,
    /// What exactly is needed, in the reader's language (may be empty).
    pub description: &'a str,
}

/// Where "Ich möchte helfen" leads for `needs` of `project`: `help_url` with `project` and
/// one `need` query parameter per need (percent-encoded), else a `mailto:` to an e-mail
/// `contact` with a subject and body naming the project and the needs, else a web `contact`
/// as it is. `None` when the portal has neither (validation warns about that), or when the
/// configured value is not valid (validation reports it as an error, so a valid catalog
/// always gets its route). `profile_url`, when known, is quoted in the e-mail.
pub fn help_route(
    portal: &PortalConfig,
    project: &Project,
    needs: &[WantedNeed<'_>],
    lang: Lang,
    profile_url: Option<&str>,
) -> Option<String> {
    if let Some(form) = portal.help_url.as_deref() {
        let mut url = url::Url::parse(&web_url(form).ok()?).ok()?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("project", &project.id);
            for need in needs {
                query.append_pair("need", need.kind);
            }
        }
        return Some(url.to_string());
    }
    match contact(portal.contact.as_deref()?).ok()? {
        Contact::Web(url) => Some(url),
        Contact::Email(address) => {
            let kinds: Vec<&str> = needs.iter().map(|n| n.kind_name).collect();
            let subject = format!(
                "{}: {} ({})",
                lang.pick("Ich möchte helfen", "I would like to help"),
                project.name,
                kinds.join(", ")
            );
            let mut body = match lang {
                Lang::De => format!(
                    "Guten Tag,\n\nich möchte das Projekt „{}“ ({}) unterstützen.\n",
                    project.name, project.id
                ),
                Lang::En => format!(
                    "Hello,\n\nI would like to support the project “{}” ({}).\n",
                    project.name, project.id
                ),
            };
            for need in needs {
                body.push_str(&format!("\n{}", need.kind_name));
                if !need.description.is_empty() {
                    body.push_str(&format!(": {}", need.description));
                }
                body.push('\n');
            }
            if let Some(url) = profile_url {
                body.push_str(&format!(
                    "\n{} {url}\n",
                    lang.pick("Projektseite:", "Project page:")
                ));
            }
            body.push_str(lang.pick("\nSo kann ich helfen:\n\n", "\nThis is how I can help:\n\n"));
            Some(mailto(&address, &subject, &body))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn contacts() {
        assert_eq!(
            contact("mailto:digifarm@stadt-muenster.de"),
            Ok(Contact::Email("digifarm@stadt-muenster.de".to_owned()))
        );
        assert!(matches!(
            contact("https://www.stadt-muenster.de/kontakt"),
            Ok(Contact::Web(_))
        ));
        for bad in [
            "Erika Mustermann",
            "erika@localhost",
            "Erika <erika@example.org>",
            "javascript:alert(1)",
            "",
            "https://",
        ] {
            assert!(contact(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn web_links() {
        assert!(web_url("https://www.stadt-muenster.de/impressum").is_ok());
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "/impressum",
            "https://ok.example/\n<script>",
            "ftp://example.org/",
            "mailto:a@b.de",
        ] {
            assert!(web_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn colours_and_contrast() {
        assert_eq!(Rgb::parse("#0A4F8A").unwrap().hex(), "#0a4f8a");
        assert_eq!(Rgb::parse("#fff").unwrap(), Rgb::WHITE);
        for bad in ["red", "#12345", "0a4f8a", "#ggg", "rgb(1,2,3)", ""] {
            assert!(Rgb::parse(bad).is_err(), "{bad}");
        }
        let black = Rgb(0, 0, 0);
        assert!((black.contrast(Rgb::WHITE) - 21.0).abs() < 1e-9);
        // #767676 is the lightest grey with 4.5:1 on white; #777777 fails.
        assert!(Rgb::parse("#767676").unwrap().contrast(Rgb::WHITE) >= MIN_CONTRAST);
        assert!(Rgb::parse("#777777").unwrap().contrast(Rgb::WHITE) < MIN_CONTRAST);
    }

    #[test]
    fn mailto_encodes_everything_but_unreserved_characters() {
        let link = mailto("a+b@example.org", "Ä & ö?", "Zeile 1\nZeile 2 #3");
        assert_eq!(
            link,
            "mailto:a+b@example.org?subject=%C3%84%20%26%20%C3%B6%3F&body=Zeile%201%0D%0AZeile%202%20%233"
        );
    }
}
