//! The standard's controlled vocabularies: categories (with the version that introduced
//! them), scopes, software types, development statuses, maintenance types, suggested
//! platforms, ISO 3166-1 alpha-2 country codes, `supports` aliases and the video hosts whose
//! URLs support oEmbed.

use std::sync::LazyLock;

use super::version::Version;

/// `developmentStatus` values.
pub const DEVELOPMENT_STATUSES: &[&str] = &["concept", "development", "beta", "stable", "obsolete"];

/// `softwareType` values.
pub const SOFTWARE_TYPES: &[&str] = &[
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
];

/// `maintenance.type` values.
pub const MAINTENANCE_TYPES: &[&str] = &["internal", "contract", "community", "none"];

/// The predefined `platforms` (other human-readable values are allowed).
pub const PLATFORMS: &[&str] = &["web", "windows", "mac", "linux", "ios", "android"];

/// `IT.countryExtensionVersion` values.
pub const IT_EXTENSION_VERSIONS: &[&str] = &["0.2", "1.0"];

/// The categories list, each with the first version whose list has it.
pub const CATEGORIES: &[(&str, Version)] = &[
    ("accounting", Version::V0_2),
    ("agile-project-management", Version::V0_2),
    ("applicant-tracking", Version::V0_2),
    ("application-development", Version::V0_2),
    ("appointment-scheduling", Version::V0_2),
    ("backup", Version::V0_2),
    ("billing-and-invoicing", Version::V0_2),
    ("blog", Version::V0_2),
    ("budgeting", Version::V0_2),
    ("business-intelligence", Version::V0_2),
    ("business-process-management", Version::V0_2),
    ("cad", Version::V0_2),
    ("call-center-management", Version::V0_2),
    ("cloud-management", Version::V0_2),
    ("collaboration", Version::V0_2),
    ("communications", Version::V0_2),
    ("compliance-management", Version::V0_2),
    ("contact-management", Version::V0_2),
    ("content-management", Version::V0_2),
    ("crm", Version::V0_2),
    ("customer-service-and-support", Version::V0_2),
    ("data-analytics", Version::V0_2),
    ("data-collection", Version::V0_2),
    ("data-visualization", Version::V0_2),
    ("design", Version::V0_5),
    ("design-system", Version::V0_5),
    ("digital-asset-management", Version::V0_2),
    ("digital-citizenship", Version::V0_2),
    ("document-management", Version::V0_2),
    ("donor-management", Version::V0_2),
    ("e-commerce", Version::V0_2),
    ("e-signature", Version::V0_2),
    ("educational-content", Version::V0_2),
    ("email-management", Version::V0_2),
    ("email-marketing", Version::V0_2),
    ("employee-management", Version::V0_2),
    ("enterprise-project-management", Version::V0_2),
    ("enterprise-social-networking", Version::V0_2),
    ("erp", Version::V0_2),
    ("event-management", Version::V0_2),
    ("facility-management", Version::V0_2),
    ("feedback-and-reviews-management", Version::V0_2),
    ("financial-reporting", Version::V0_2),
    ("fleet-management", Version::V0_2),
    ("fundraising", Version::V0_2),
    ("gamification", Version::V0_2),
    ("geographic-information-systems", Version::V0_2),
    ("grant-management", Version::V0_2),
    ("graphic-design", Version::V0_2),
    ("help-desk", Version::V0_2),
    ("hr", Version::V0_2),
    ("ide", Version::V0_2),
    ("identity-management", Version::V0_2),
    ("instant-messaging", Version::V0_2),
    ("integrated-library-system", Version::V0_5),
    ("inventory-management", Version::V0_2),
    ("it-asset-management", Version::V0_2),
    ("it-development", Version::V0_2),
    ("it-management", Version::V0_2),
    ("it-security", Version::V0_2),
    ("it-service-management", Version::V0_2),
    ("knowledge-management", Version::V0_2),
    ("learning-management-system", Version::V0_2),
    ("marketing", Version::V0_2),
    ("mind-mapping", Version::V0_2),
    ("mobile-marketing", Version::V0_2),
    ("mobile-payment", Version::V0_2),
    ("network-management", Version::V0_2),
    ("office", Version::V0_2),
    ("online-booking", Version::V0_2),
    ("online-community", Version::V0_2),
    ("payment-gateway", Version::V0_2),
    ("payroll", Version::V0_2),
    ("predictive-analysis", Version::V0_2),
    ("procurement", Version::V0_2),
    ("productivity-suite", Version::V0_2),
    ("project-collaboration", Version::V0_2),
    ("project-management", Version::V0_2),
    ("property-management", Version::V0_2),
    ("real-estate-management", Version::V0_2),
    ("regulations-and-directives", Version::V0_5),
    ("remote-support", Version::V0_2),
    ("resource-management", Version::V0_2),
    ("sales-management", Version::V0_2),
    ("seo", Version::V0_2),
    ("service-desk", Version::V0_2),
    ("social-media-management", Version::V0_2),
    ("survey", Version::V0_2),
    ("talent-management", Version::V0_2),
    ("task-management", Version::V0_2),
    ("taxes-management", Version::V0_2),
    ("test-management", Version::V0_2),
    ("time-management", Version::V0_2),
    ("time-tracking", Version::V0_2),
    ("translation", Version::V0_2),
    ("video-conferencing", Version::V0_2),
    ("video-editing", Version::V0_2),
    ("visitor-management", Version::V0_2),
    ("voip", Version::V0_2),
    ("warehouse-management", Version::V0_2),
    ("web-collaboration", Version::V0_2),
    ("web-conferencing", Version::V0_2),
    ("website-builder", Version::V0_2),
    ("whistleblowing", Version::V0_5),
    ("workflow-management", Version::V0_2),
    ("other", Version::V0_5),
];

/// The version that introduced `category`, if it is in the list.
pub fn category(category: &str) -> Option<Version> {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .map(|(_, v)| *v)
}

/// `intendedAudience.scope` values.
pub const SCOPES: &[&str] = &[
    "agriculture",
    "culture",
    "defence",
    "education",
    "emergency-services",
    "employment",
    "energy",
    "environment",
    "finance-and-economic-development",
    "foreign-affairs",
    "government",
    "healthcare",
    "infrastructures",
    "justice",
    "local-authorities",
    "manufacturing",
    "research",
    "science-and-technology",
    "security",
    "society",
    "sport",
    "tourism",
    "transportation",
    "welfare",
];

/// ISO 3166-1 alpha-2 codes (officially assigned), uppercase.
pub const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Whether `code` is an ISO 3166-1 alpha-2 code written all upper- or all lowercase.
pub fn is_country(code: &str) -> bool {
    let upper = code.to_ascii_uppercase();
    (code == upper || code == code.to_ascii_lowercase())
        && COUNTRIES.binary_search(&upper.as_str()).is_ok()
}

/// The `supports` aliases (`alias:<name>`) of the standard's aliases list: EU regulations
/// (GDPR, eIDAS, NIS2, Cyber Resilience Act) and Italian national platforms (SPID, CIE,
/// ANPR, pagoPA, IO). An id that is a URL or URN is always accepted.
pub const SUPPORT_ALIASES: &[&str] = &[
    "gdpr", "eidas", "nis2", "cra", "spid", "cie", "anpr", "pagopa", "io",
];

/// The oEmbed URL schemes the reference validator accepts for `description.<lang>.videos`:
/// `data/oembed_schemes.json` of italia/publiccode-parser-go (v5) at commit
/// fb3efbb2162f2fd5a115187a0f284c3bf4ccb7e0, byte for byte. It is every `schemes` entry of
/// the oEmbed provider registry (oembed.com `providers.json`, iamcal/oembed, MIT licence,
/// © 2016 Cal Henderson), flattened into one list, quirks included (entries with a trailing
/// comma, `spotify:*`).
const OEMBED_SCHEMES_JSON: &str = include_str!("oembed_schemes.json");

/// [`OEMBED_SCHEMES_JSON`], parsed once.
static OEMBED_SCHEMES: LazyLock<Vec<String>> =
    LazyLock::new(|| serde_json::from_str(OEMBED_SCHEMES_JSON).unwrap_or_else(|_| Vec::new()));

/// The oEmbed URL schemes, as the reference bundles them.
pub fn oembed_schemes() -> &'static [String] {
    &OEMBED_SCHEMES
}

/// Whether `url` matches one of [`oembed_schemes`]: the whole URL, case-sensitively, with `*`
/// standing for any run of characters (also none, also `/`, `.` and `?`) and every other
/// character for itself; `https://youtube.com/watch?v=…` does not match
/// `https://*.youtube.com/watch*` (the `.` before `youtube.com` is literal), nor does an
/// `http://` URL match an `https://` scheme. A scheme the list gives only as `http://`
/// (Kickstarter, Hulu) also takes the `https://` URL, as the oEmbed library the reference
/// matched with before (dyatlov/go-oembed) did: the list's providers serve both, and where
/// the reference's current matching is unknown a valid file is not refused for it. Only the
/// URL's scheme is read in lowercase, as Go's `net/url` parses it before the reference
/// matches the URL.
pub fn is_oembed_video(url: &str) -> bool {
    let lowered;
    let url = match url_scheme(url) {
        Some(scheme) if scheme.bytes().any(|b| b.is_ascii_uppercase()) => {
            lowered = format!("{}{}", scheme.to_ascii_lowercase(), &url[scheme.len()..]);
            lowered.as_str()
        }
        _ => url,
    };
    let insecure = url.strip_prefix("https://");
    oembed_schemes().iter().any(|p| {
        glob(p, url)
            || insecure.is_some_and(|rest| {
                p.strip_prefix("http://")
                    .is_some_and(|pattern| glob(pattern, rest))
            })
    })
}

/// The scheme of `url` as Go's `net/url` finds it: the text before the first `:`, if it is a
/// letter followed by letters, digits, `+`, `-` or `.`.
fn url_scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut bytes = scheme.bytes();
    (bytes.next()?.is_ascii_alphabetic()
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
    .then_some(scheme)
}

/// `*` matches any run of characters (also none); everything else matches itself. Linear in
/// `pattern.len() + text.len()`: the literal pieces between stars are found leftmost-first
/// (taking the earliest match of each piece never loses a match, so there is no
/// backtracking), and `str::find` is itself linear.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let Some(last) = parts.next_back() else {
        return remaining.is_empty();
    };
    for part in parts {
        match remaining.find(part) {
            Some(i) => remaining = &remaining[i + part.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_the_assigned_ones_sorted() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|w| w[0] < w[1]));
        assert!(is_country("DE") && is_country("de") && !is_country("De"));
        assert!(!is_country("UK") && !is_country("EU") && !is_country("DEU"));
    }

    #[test]
    fn video_hosts() {
        assert_eq!(oembed_schemes().len(), 680);
        for ok in [
            "https://www.youtube.com/watch?v=RaHmGbBOP84",
            "https://m.youtube.com/watch?v=RaHmGbBOP84",
            "https://www.youtube.com/shorts/abc",
            "https://www.youtube.com/playlist?list=PL1",
            "https://youtube.com/playlist?list=PL1",
            "https://youtu.be/RaHmGbBOP84",
            "HTTPS://youtu.be/RaHmGbBOP84",
            "https://vimeo.com/123",
            "https://player.vimeo.com/video/123",
            "https://www.dailymotion.com/video/x7",
            "https://www.facebook.com/stadt/videos/123",
            "https://www.facebook.com/watch/?v=123",
            "https://soundcloud.com/stadt/rat",
            "http://soundcloud.com/stadt/rat",
            "https://www.slideshare.net/stadt/vortrag",
            "https://stadt.vidyard.com/watch/1",
            "https://www.tiktok.com/@stadt/video/1",
            "https://x.com/stadt/status/1",
            "https://twitter.com/stadt/status/1",
            "https://www.ted.com/talks/x",
            "http://ted.com/talks/x",
            "https://fast.wistia.com/embed/iframe/x",
            "spotify:track:1",
            "Spotify:track:1",
            // Listed only as `http://`: the `https://` URL is taken too.
            "http://www.kickstarter.com/projects/x",
            "https://www.kickstarter.com/projects/x",
        ] {
            assert!(is_oembed_video(ok), "{ok}");
        }
        for refused in [
            "https://youtube.com/watch?v=RaHmGbBOP84",
            "https://youtube.com/shorts/abc",
            "http://www.youtube.com/watch?v=RaHmGbBOP84",
            "http://youtu.be/RaHmGbBOP84",
            "https://www.youtube-nocookie.com/embed/x",
            "https://www.youtube.com/embed/x",
            "https://www.youtube.com/live/x",
            "http://vimeo.com/123",
            "https://dailymotion.com/video/x7",
            "https://dai.ly/x7",
            "https://www.loom.com/share/x",
            "https://www.twitch.tv/x",
            "https://clips.twitch.tv/x",
            "https://www.YouTube.com/watch?v=x",
            "https://google.com",
            "ABC",
            "",
        ] {
            assert!(!is_oembed_video(refused), "{refused}");
        }
    }

    #[test]
    fn glob_semantics() {
        assert!(glob("a*b*c", "abc"));
        assert!(glob("a*b*c", "a/x/b?y.c"));
        assert!(glob("a*", "a"));
        assert!(glob("*", ""));
        assert!(glob("ab", "ab"));
        assert!(!glob("ab", "abc"));
        assert!(!glob("a*bc", "abc/"));
        // prefix and suffix may not share characters
        assert!(!glob("ab*ba", "aba"));
        assert!(glob("ab*ba", "abba"));
        assert!(!glob("a*b*c", "acb"));
    }

    #[test]
    fn hostile_urls_are_fast() {
        // 100 KB of the characters the schemes' literal pieces are made of, many near
        // misses: a backtracking matcher would take seconds here.
        let tails = [
            "/".repeat(100_000),
            "*".repeat(100_000),
            "a".repeat(100_000),
            "/videos".repeat(15_000),
            "youtube.com/watch".repeat(6_000),
            "/e/".repeat(33_000),
        ];
        let heads = [
            "https://www.facebook.com/",
            "https://backtracks.fm/",
            "https://x.youtube.com/",
            "https://naturalatlas.com/",
            "https://a.b.flickr.com/",
            "",
        ];
        let start = std::time::Instant::now();
        for head in heads {
            for tail in &tails {
                let url = format!("{head}{tail}x");
                let _ = is_oembed_video(&url);
            }
        }
        let spent = start.elapsed();
        assert!(spent.as_secs() < 5, "took {spent:?}");
    }

    #[test]
    fn categories_unique() {
        let mut names: Vec<&str> = CATEGORIES.iter().map(|(c, _)| *c).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
        assert_eq!(category("design"), Some(Version::V0_5));
        assert_eq!(category("crm"), Some(Version::V0_2));
    }
}
