//! The standard's controlled vocabularies: categories (with the version that introduced
//! them), scopes, software types, development statuses, maintenance types, suggested
//! platforms, ISO 3166-1 alpha-2 country codes, `supports` aliases and the video hosts whose
//! URLs support oEmbed.

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

/// URL patterns of video hosts that support oEmbed (`*` matches anything), as published by
/// the hosts in the oEmbed provider registry.
pub const OEMBED_VIDEO_SCHEMES: &[&str] = &[
    "https://*.youtube.com/watch*",
    "https://*.youtube.com/v/*",
    "https://*.youtube.com/shorts/*",
    "https://*.youtube.com/live/*",
    "https://*.youtube.com/playlist?list=*",
    "https://youtube.com/watch*",
    "https://youtube.com/shorts/*",
    "https://youtu.be/*",
    "https://*.youtube-nocookie.com/*",
    "https://vimeo.com/*",
    "https://player.vimeo.com/video/*",
    "https://www.dailymotion.com/video/*",
    "https://dailymotion.com/video/*",
    "https://dai.ly/*",
    "https://*.ted.com/talks/*",
    "https://ted.com/talks/*",
    "https://www.loom.com/share/*",
    "https://*.wistia.com/medias/*",
    "https://fast.wistia.net/embed/*",
    "https://clips.twitch.tv/*",
    "https://www.twitch.tv/*",
    "https://www.facebook.com/*/videos/*",
    "https://www.facebook.com/watch/*",
    "https://streamable.com/*",
    "https://www.kickstarter.com/projects/*",
    "https://vid.me/*",
];

/// Whether `url` matches one of [`OEMBED_VIDEO_SCHEMES`] (an `http://` URL is read as its
/// `https://` form).
pub fn is_oembed_video(url: &str) -> bool {
    let https;
    let url = match url.strip_prefix("http://") {
        Some(rest) => {
            https = format!("https://{rest}");
            https.as_str()
        }
        None => url,
    };
    OEMBED_VIDEO_SCHEMES.iter().any(|p| glob(p, url))
}

/// `*` matches any run of characters (also none); everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let Some((first, rest)) = parts.split_first() else {
        return text.is_empty();
    };
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part) {
            Some(i) => remaining = &remaining[i + part.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last) && remaining.len() >= last.len()
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
        assert!(is_oembed_video(
            "https://www.youtube.com/watch?v=RaHmGbBOP84"
        ));
        assert!(is_oembed_video("https://youtu.be/RaHmGbBOP84"));
        assert!(is_oembed_video("http://vimeo.com/123"));
        assert!(!is_oembed_video("https://google.com"));
        assert!(!is_oembed_video("ABC"));
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
