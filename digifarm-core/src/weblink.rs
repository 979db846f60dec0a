//! Web links: what a catalog may give as a homepage, a source repository or a website.
//!
//! A link is checked as a URL with the `url` crate (WHATWG URL parsing, what browsers do),
//! not by its first characters: it must hold no white space or control character (a URL
//! parser silently drops tabs and line breaks, which could hide text after them), parse,
//! use an allowed scheme (`http`/`https` where a web page is meant; `javascript:` is never a
//! link) and name a host. The exporters write a link only through [`href`], in its
//! normalised form (punycode host, percent-encoded path), and escape it for their syntax.

use url::Url;

/// Schemes of a link to a web page.
pub const WEB: &[&str] = &["http", "https"];

/// Schemes of a source repository (`git://` and `ssh://` clone URLs too).
pub const SOURCE: &[&str] = &["http", "https", "git", "ssh"];

/// Checks `s` as a URL with one of `schemes`; the message says what is wrong.
///
/// # Errors
/// White space or a control character, not a URL, another scheme, or no host.
pub fn check(s: &str, schemes: &[&str]) -> Result<Url, String> {
    if let Some(c) = s.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the link holds {} (U+{:04X}); a URL has none",
            if c.is_whitespace() {
                "white space"
            } else {
                "a control character"
            },
            u32::from(c)
        ));
    }
    let url = Url::parse(s).map_err(|e| format!("`{s}` is not a URL: {e}"))?;
    if !schemes.contains(&url.scheme()) {
        return Err(format!(
            "`{}:` links are not allowed here; use {}",
            url.scheme(),
            schemes
                .iter()
                .map(|s| format!("{s}://"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{s}` names no host"));
    }
    Ok(url)
}

/// A web page link (`http`/`https`) as exporters write it: normalised and ASCII (punycode
/// host, percent-encoded path and query); `None` for anything that is not a web link.
pub fn href(s: &str) -> Option<String> {
    check(s, WEB).ok().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_as_urls() {
        assert!(check("https://ok.example/a?b=c#d", WEB).is_ok());
        assert!(check("git://example.org/x.git", SOURCE).is_ok());
        for bad in [
            "https://ok.example/\n\n<script>alert(1)</script>",
            "https://ok.example/ x",
            "https://ok.example/\u{85}",
            "javascript:alert(1)",
            "JavaScript://%0aalert(1)",
            "https://",
            "http//example.org",
            "ftp://example.org/",
            "git://example.org/x.git",
            "data:text/html,<script>",
        ] {
            assert!(check(bad, WEB).is_err(), "{bad:?}");
        }
        assert_eq!(
            href("https://münster.example/a b").as_deref(),
            None,
            "white space is refused, not encoded"
        );
        assert_eq!(
            href("https://münster.example/<x>\"").as_deref(),
            Some("https://xn--mnster-3ya.example/%3Cx%3E%22")
        );
    }
}
