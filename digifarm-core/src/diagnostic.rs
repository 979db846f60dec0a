//! Findings about a catalog: every problem is a [`Diagnostic`] with a stable [`Code`].

use std::borrow::Cow;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The catalog is invalid.
    Error,
    /// Worth fixing; the catalog is still valid.
    Warning,
    /// For information.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident, $desc:literal; )*) => {
        /// The stable code of a built-in finding. Codes are public API: they appear in CLI
        /// JSON, in Python and in plugins, and are never renamed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every built-in code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The kebab-case code.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity a finding with this code has unless a rule says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// A one-line description.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $desc,)* }
            }
        }
    };
}

codes! {
    /// The file could not be read.
    Io = "io-error", Error, "a file could not be read";
    /// Bytes that are not UTF-8.
    InvalidUtf8 = "invalid-utf8", Error, "the file is not valid UTF-8";
    /// Nothing in the file.
    EmptyFile = "empty-file", Error, "the file is empty";
    /// Over the size limit.
    FileTooLarge = "file-too-large", Error, "the file or record exceeds the size limit";
    /// A directory or special file where a record file is expected.
    NotAFile = "not-a-file", Error, "a directory or special file stands where a record file is expected";
    /// A file the catalog names resolves outside the catalog (a symbolic link, `..`, an
    /// absolute path); it is not read.
    OutsideCatalog = "outside-catalog", Error, "a file or directory of the catalog resolves outside it (symbolic link, `..`, absolute path) and was not read";
    /// A file the catalog does not know what to do with.
    UnknownFile = "unknown-file", Warning, "a file in a catalog directory is not a YAML, JSON or JSON Lines record file";
    /// No `digifarm.toml`.
    ConfigMissing = "config-missing", Info, "the catalog has no digifarm.toml; defaults apply";
    /// YAML syntax error.
    YamlSyntax = "yaml-syntax", Error, "the YAML is malformed";
    /// JSON syntax error.
    JsonSyntax = "json-syntax", Error, "the JSON is malformed";
    /// TOML syntax error.
    TomlSyntax = "toml-syntax", Error, "the TOML is malformed";
    /// YAML feature not allowed in catalogs.
    YamlUnsupported = "yaml-unsupported", Error, "the YAML uses a feature catalogs do not allow (several documents, alias bombs, complex keys)";
    /// Nested too deeply.
    TooDeep = "too-deep", Error, "the data is nested more deeply than the limit";
    /// A key appears twice in one mapping.
    DuplicateKey = "duplicate-key", Error, "a key appears twice in the same mapping";
    /// NaN or infinity.
    InvalidNumber = "invalid-number", Error, "a number is not finite (NaN or infinity)";
    /// A required field is absent.
    MissingField = "missing-field", Error, "a required field is missing";
    /// A field the model does not have.
    UnknownField = "unknown-field", Error, "a field is not part of the model";
    /// Wrong JSON type.
    WrongType = "wrong-type", Error, "a value has the wrong type";
    /// Not one of the allowed values.
    InvalidValue = "invalid-value", Error, "a value is not one of the allowed values";
    /// Pattern, format or length violated.
    InvalidFormat = "invalid-format", Error, "a value does not have the required format or length";
    /// Number out of range.
    OutOfRange = "out-of-range", Error, "a number is out of the allowed range";
    /// Any other schema violation.
    SchemaViolation = "schema-violation", Error, "the record violates the JSON Schema";
    /// Two records share an id.
    DuplicateId = "duplicate-id", Error, "two records of the same kind share an id";
    /// The file name is not `<id>.<ext>`.
    FileNameMismatch = "file-name-mismatch", Error, "a record's file name does not match its id";
    /// A reference to a record that does not exist.
    DanglingReference = "dangling-reference", Error, "a reference names a partner or offer that does not exist";
    /// `supported_by` names an offer of another partner.
    ReferenceMismatch = "reference-mismatch", Error, "a support reference names an offer that belongs to another partner";
    /// Dates that contradict each other.
    InconsistentDates = "inconsistent-dates", Error, "dates contradict each other (valid_from after valid_until, history out of order, …)";
    /// A date later than today where that is impossible.
    DateInFuture = "date-in-future", Warning, "a date that records the past lies in the future";
    /// Localized text without the default language.
    MissingDefaultLanguage = "missing-default-language", Error, "localized text lacks the catalog's default language";
    /// Money or hours that are zero or negative.
    AmountNotPositive = "amount-not-positive", Error, "an amount of money or hours is not positive";
    /// A need or offer kind the city does not know.
    UnknownNeedKind = "unknown-need-kind", Error, "a need or offer kind is neither built in nor listed in the city config";
    /// A category outside the city's taxonomy.
    UnknownCategory = "unknown-category", Warning, "a project category is not in the city's taxonomy";
    /// `lifecycle` differs from the last history decision.
    LifecycleMismatch = "lifecycle-mismatch", Warning, "the lifecycle differs from the last decision in the history";
    /// An admitted project without source repository.
    SourceMissing = "source-missing", Error, "an admitted project does not link its source repository";
    /// Not an SPDX expression.
    LicenseInvalid = "license-invalid", Error, "the licence is not a valid SPDX expression";
    /// `NONE`, `NOASSERTION`, empty.
    LicenseMissing = "license-missing", Error, "the licence is missing, NONE or NOASSERTION";
    /// Missing licence on a project the city is clarifying.
    LicensePending = "license-pending", Warning, "the licence is missing but listed as pending in the city config";
    /// The policy refuses it.
    LicenseNotAllowed = "license-not-allowed", Error, "the licence is not allowed by the city's policy";
    /// A deprecated SPDX id.
    LicenseDeprecated = "license-deprecated", Warning, "the licence uses a deprecated SPDX identifier";
    /// A licence for content used for code.
    LicenseContentOnly = "license-content-only", Warning, "the licence is meant for content, not software";
    /// `LicenseRef-*` without clarification.
    LicenseRefUnclarified = "license-ref-unclarified", Error, "a LicenseRef is used that the city config does not clarify";
    /// Ids not in canonical case.
    LicenseCase = "license-case", Info, "licence identifiers are not in their canonical case";
    /// Offer requirement not valid.
    LicenseRequirementInvalid = "license-requirement-invalid", Error, "an offer's licence requirement is neither an SPDX expression nor a known policy";
    /// Not reviewed within the threshold.
    StaleListing = "stale-listing", Warning, "the listing has not been reviewed within the city's threshold";
    /// Paused/broken for too long.
    StaleStatus = "stale-status", Warning, "the project has been paused or broken for longer than the city's threshold";
    /// Never reviewed.
    NeverReviewed = "never-reviewed", Info, "the listing has no last_reviewed date";
    /// An input field or value the importer could not map.
    ImportUnmapped = "import-unmapped", Warning, "an imported field or value could not be mapped to the model and needs a decision";
    /// The source marks a value as uncertain.
    ImportUncertain = "import-uncertain", Info, "the imported source marks a value as uncertain; it was kept as given";
    /// Free-text licence read as one SPDX expression.
    LicenseNormalized = "license-normalized", Info, "a free-text licence was read as exactly one SPDX expression";
    /// Free-text licence with several readings.
    LicenseAmbiguous = "license-ambiguous", Warning, "a free-text licence has several SPDX readings; the narrowest was chosen until someone confirms";
    /// Free-text licence that names no licence.
    LicenseUnknown = "license-unknown", Error, "a free-text licence could not be read as any SPDX licence";
    /// Partner kind not recognisable.
    PartnerKindUnknown = "partner-kind-unknown", Warning, "the kind of an imported partner could not be recognised; a default was set";
    /// Project status free text not recognisable.
    StatusUnknown = "status-unknown", Warning, "an imported status text could not be mapped to a status; a conservative one was set";
    /// The declared licence differs from the checkout's LICENSE file.
    LicenseFileMismatch = "license-file-mismatch", Warning, "the declared licence does not match the licence file of the source checkout";
    /// A proposal shows no link to the city.
    CityLinkMissing = "city-link-missing", Error, "a proposal shows no link to the city as the city config defines it";
    /// A proposal lacks an attestation the admission criteria need.
    AttestationMissing = "attestation-missing", Error, "a proposal does not attest an admission criterion that only a person can vouch for";
    /// Two merged catalogs list the same source repository.
    DuplicateSource = "duplicate-source", Warning, "two cities list the same project (same source repository URL)";
    /// A plugin could not be loaded or failed while running.
    PluginFailed = "plugin-failed", Error, "a plugin could not be loaded or failed while running (timeout, run budget spent, out of memory, trap, invalid output, too many findings, refused grant); the message names the plugin";
    /// Malformed CSV.
    CsvSyntax = "csv-syntax", Error, "the CSV is malformed (unbalanced quotes, text after a closing quote)";
    /// A CSV row with another number of cells than the header.
    CsvColumnCount = "csv-column-count", Error, "a CSV row has more or fewer cells than the header";
    /// A YAML tag that catalogs do not use, or that does not fit its value.
    YamlTag = "yaml-tag", Error, "a YAML tag is not one of the core schema's (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) or does not fit its value (`!!int \"abc\"`)";
    /// A text holds a control character or Unicode noncharacter.
    InvalidCharacter = "invalid-character", Error, "a text holds a control character or Unicode noncharacter that cannot be published (outside YAML 1.2's printable set, or U+FFFE, U+FFFF, …)";
    /// A YAML 1.1 boolean (`yes`, `no`, `on`, `off`) where YAML 1.2 reads a string.
    Yaml11Boolean = "yaml11-boolean", Error, "a YAML 1.1 boolean word (yes/no/on/off) stands where a boolean is expected; YAML 1.2 reads it as a string";
    /// A `publiccodeYmlVersion` that is not a version of the standard.
    PubliccodeVersionUnsupported = "publiccode-version-unsupported", Error, "the publiccodeYmlVersion is not a version of the standard (0.6 and 1 are not; the current one is \"0\")";
    /// An older version of the standard.
    PubliccodeVersionOutdated = "publiccode-version-outdated", Warning, "the publiccode.yml declares an older version of the standard; it is read as the latest";
    /// A deprecated key or form.
    PubliccodeDeprecated = "publiccode-deprecated", Warning, "a publiccode.yml key or form is deprecated by the standard";
    /// Keys the standard excludes together.
    PubliccodeConflict = "publiccode-conflict", Error, "a publiccode.yml key is not allowed in this combination (contractors without maintenance type contract, `it` next to `IT`)";
    /// A key or value newer than the declared version.
    PubliccodeNewerKey = "publiccode-newer-key", Info, "a publiccode.yml key or category is newer than the version the file declares";
    /// A file a publiccode.yml refers to is wrong.
    PubliccodeFile = "publiccode-file", Error, "a file a publiccode.yml refers to (logo, screenshot, authors file) is missing, outside the repository, an absolute or file: path, of a wrong type, or not a usable image";
    /// A check that could only be done in part.
    PubliccodeUnchecked = "publiccode-unchecked", Info, "a value was checked for its form only (e.g. an iPA code without the IndicePA register)";
    /// A URL that does not answer (with `--network`).
    UrlUnreachable = "url-unreachable", Error, "a URL did not answer with success, or its address is refused (private or loopback), within the timeout (with --network)";
    /// A project that cannot be exported as a valid publiccode.yml.
    PubliccodeExportInvalid = "publiccode-export-invalid", Warning, "the project would not export as a valid publiccode.yml; the message says what to add";
    /// `[portal] contact` is neither an e-mail address nor a web URL.
    PortalContactInvalid = "portal-contact-invalid", Error, "the portal's contact is neither an e-mail address nor an http(s) URL";
    /// Neither `[portal] contact` nor `help_url`: "Ich möchte helfen" would lead nowhere.
    PortalContactMissing = "portal-contact-missing", Warning, "the portal has neither a contact nor a help form, so offers of help have nowhere to go";
    /// A `[portal]` link that is not an http(s) URL.
    PortalUrlInvalid = "portal-url-invalid", Error, "a portal link is not an http(s) URL (e.g. a javascript: link)";
    /// Impressum, privacy policy or accessibility statement missing.
    PortalLegalLinkMissing = "portal-legal-link-missing", Warning, "the published site lacks the link to the Impressum, the privacy policy or the accessibility statement";
    /// `[portal] accent_color` is not a colour.
    AccentColorInvalid = "accent-color-invalid", Error, "the portal's accent colour is not a colour written as #rrggbb";
    /// `[portal] accent_color` has too little contrast against white.
    AccentColorContrast = "accent-color-contrast", Error, "the portal's accent colour has less than 4.5:1 contrast against white (WCAG 2.1 AA)";
    /// An image or logo file that does not exist.
    ImageMissing = "image-missing", Error, "a project image or the portal logo names a file that does not exist";
    /// A URL where an image file in the catalog is expected.
    ImageRemote = "image-remote", Error, "a project image or the portal logo is a URL; images are files in the catalog and are never fetched";
    /// An image path outside the catalog.
    ImageOutsideCatalog = "image-outside-catalog", Error, "a project image or the portal logo lies outside the catalog (an absolute path, `..` or a link out of it)";
    /// Not an image of an allowed type (by content), or undecodable.
    ImageInvalid = "image-invalid", Error, "a project image or the portal logo is not a PNG, JPEG or WebP (logo: SVG or PNG) by its content, or cannot be decoded";
    /// Over the size limits.
    ImageTooLarge = "image-too-large", Error, "a project image or the portal logo is larger than the limits (bytes, width, height or pixels)";
    /// An SVG logo with scripts or external references.
    ImageUnsafe = "image-unsafe", Error, "an SVG logo holds scripts, event handlers or references to other files or hosts";
    /// The source URL names no repository.
    SourceNotRepository = "source-not-repository", Warning, "the source URL is not a repository (a user or group page, a directory inside a repository)";
    /// Archived or disabled repository.
    RepositoryArchived = "repository-archived", Warning, "the source repository is archived or disabled: its development has ended";
    /// The forge answers 404 or 410.
    RepositoryGone = "repository-gone", Warning, "the source repository no longer exists at its URL (the forge answered 404 or 410)";
    /// Renamed or transferred repository.
    RepositoryMoved = "repository-moved", Warning, "the source repository has moved; the record's source URL is outdated";
    /// No activity within `[health] active_days`.
    MaintenanceSlow = "maintenance-slow", Info, "no commit or release within the active threshold ([health] active_days, release_active_days)";
    /// No activity within `[health] slow_days`.
    MaintenanceStale = "maintenance-stale", Warning, "no commit or release within the slow threshold ([health] slow_days, release_slow_days)";
    /// The homepage does not answer with success.
    HomepageUnreachable = "homepage-unreachable", Warning, "the homepage answered with an error status or could not be reached";
    /// The forge's detected licence differs from the declared one.
    ForgeLicenseMismatch = "forge-license-mismatch", Warning, "the licence the forge detects in the repository differs from the declared licence";
    /// Health data too old or for another source URL.
    HealthOutdated = "health-outdated", Info, "the stored health data is older than [health] max_age_days or was recorded for another source URL";
    /// A health file without its project.
    HealthOrphan = "health-orphan", Warning, "a health file names no project of the catalog";
    /// A repository on a host with no known forge API.
    ForgeUnknown = "forge-unknown", Error, "refresh: the source repository is on a host digifarm knows no forge API for (add it to [[health.forges]])";
    /// A request failed.
    FetchFailed = "fetch-failed", Error, "refresh: a request failed (unreachable host, timeout, server error, body too large, too many redirects)";
    /// A request to a private address was refused.
    FetchRefused = "fetch-refused", Error, "refresh: a request was refused because the address is private, loopback or link-local (allow with --allow-private)";
    /// A forge's answer could not be read.
    ForgeResponseInvalid = "forge-response-invalid", Error, "refresh: a forge answered with malformed JSON, invalid UTF-8 or an unexpected shape";
    /// A rate limit would need too long a pause.
    ForgeRateLimited = "forge-rate-limited", Error, "refresh: a forge's rate limit would have needed a longer pause than [health] max_wait_seconds";
    /// `token_env` in `[[health.forges]]` names a variable refresh no longer reads.
    HealthTokenEnvIgnored = "health-token-env-ignored", Warning, "`token_env` in [[health.forges]] is ignored: a catalog does not choose which secret refresh sends; the token comes from the forge's own variable (DIGIFARM_TOKEN_<HOST> for a self-hosted forge)";
    /// A support entry's status or history breaks the support lifecycle.
    SupportLifecycle = "support-lifecycle", Error, "a support entry's status or history has a step the support lifecycle (suggested → agreed → active → ended) does not allow";
    /// Committed support past its last day.
    SupportOverdue = "support-overdue", Warning, "agreed or active support is past its `until` date: record its end or extend it";
    /// An offer that ends soon.
    OfferExpiring = "offer-expiring", Warning, "an offer's validity ends within the city's threshold (`staleness.offer_days`)";
    /// Live support through an expired offer.
    OfferExpiredInUse = "offer-expired-in-use", Warning, "suggested, agreed or active support goes through an offer that has expired";
    /// Admission refused: an open checklist criterion.
    AdmissionCriterionOpen = "admission-criterion-open", Error, "`review --admit` refused: an admission criterion is neither met nor attested";
    /// Admission refused: the four-eyes rule.
    ApprovalsMissing = "approvals-missing", Error, "`review --admit` refused: fewer different reviewers approved than `admission.approvals` requires";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case code (a built-in [`Code`] or a plugin's own).
    pub code: Cow<'static, str>,
    /// How serious it is.
    pub severity: Severity,
    /// The file it is in, as given (relative to where the catalog was opened).
    pub file: String,
    /// 1-based line; 0 when unknown.
    pub line: u32,
    /// 1-based column (in characters); 0 when unknown.
    pub column: u32,
    /// JSON pointer into the record (empty for the whole record or file).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, where known.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity, no position yet.
    pub fn new(
        code: Code,
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code: Cow::Borrowed(code.as_str()),
            severity: code.default_severity(),
            file: file.into(),
            line: 0,
            column: 0,
            pointer: pointer.into(),
            message: message.into(),
            help: None,
        }
    }

    /// Adds a fix hint.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Overrides the severity.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Sets the position.
    #[must_use]
    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics into their stable output order: file, line, column, code, message.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(order);
}

/// The stable output order of [`sort`].
fn order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (&a.file, a.line, a.column, &a.code, &a.pointer, &a.message)
        .cmp(&(&b.file, b.line, b.column, &b.code, &b.pointer, &b.message))
}

/// How many findings a validation report lists at most. The others are counted by severity
/// ([`Omitted`]): a stranger's file of a few megabytes can hold millions of broken records,
/// and listing each would take memory and output without end (a code-scanning upload takes
/// 25,000 results).
pub const MAX_LISTED: usize = 100_000;

/// Findings found but not listed, by severity (see [`MAX_LISTED`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Omitted {
    /// Errors not listed.
    pub errors: usize,
    /// Warnings not listed.
    pub warnings: usize,
    /// Notes not listed.
    pub notes: usize,
}

impl Omitted {
    /// How many findings were not listed.
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.notes
    }

    /// Whether every finding is listed.
    pub fn is_none(&self) -> bool {
        self.total() == 0
    }

    /// How many of `severity` were not listed.
    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.warnings,
            Severity::Info => self.notes,
        }
    }

    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.notes += 1,
        }
    }
}

/// A finding kept with something of its own (the source line it points at), ordered as
/// [`sort`] orders.
struct Ranked<T> {
    diagnostic: Diagnostic,
    extra: T,
}

impl<T> PartialEq for Ranked<T> {
    fn eq(&self, other: &Self) -> bool {
        order(&self.diagnostic, &other.diagnostic).is_eq()
    }
}
impl<T> Eq for Ranked<T> {}
impl<T> PartialOrd for Ranked<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Ranked<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        order(&self.diagnostic, &other.diagnostic)
    }
}

/// Findings with positions resolved, keeping the first `limit` in output order (exactly those
/// that sorting all of them and keeping the first `limit` would keep) in memory bounded by
/// `limit`, and counting the others.
pub(crate) struct Findings<T = ()> {
    kept: std::collections::BinaryHeap<Ranked<T>>,
    limit: usize,
    omitted: Omitted,
}

impl<T> Findings<T> {
    pub(crate) fn new(limit: usize) -> Findings<T> {
        Findings {
            kept: std::collections::BinaryHeap::new(),
            limit,
            omitted: Omitted::default(),
        }
    }

    /// Adds a finding (its position resolved) with what is kept along with it.
    pub(crate) fn push(&mut self, diagnostic: Diagnostic, extra: T) {
        let entry = Ranked { diagnostic, extra };
        if self.kept.len() < self.limit {
            self.kept.push(entry);
            return;
        }
        let dropped = match self.kept.peek() {
            Some(last) if entry < *last => {
                self.kept.push(entry);
                self.kept.pop()
            }
            _ => Some(entry),
        };
        if let Some(d) = dropped {
            self.omitted.add(d.diagnostic.severity);
        }
    }

    /// The findings kept, in output order, with theirs, and what was not kept.
    pub(crate) fn finish(self) -> (Vec<(Diagnostic, T)>, Omitted) {
        let kept = self
            .kept
            .into_sorted_vec()
            .into_iter()
            .map(|r| (r.diagnostic, r.extra))
            .collect();
        (kept, self.omitted)
    }
}

/// Whether `c` must not reach a terminal or a report as it is: control characters (C0, DEL
/// and C1, among them ESC and the line breaks), the Unicode line and paragraph separators,
/// and the bidirectional formatting characters that reorder what a reader sees (U+202E).
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// The byte offset of the first character of `text` that [`is_unprintable`] names, found
/// on the UTF-8 bytes without decoding characters: each such character starts with a byte
/// below 0x20, 0x7F, or the lead bytes 0xC2 (C1 controls), 0xD8 (U+061C) or 0xE2 (the line
/// separators and the bidirectional formatting characters), which a continuation byte never
/// is. Reports are megabytes of text that hold none, so the scan is what their rendering costs.
pub fn find_unprintable(text: &str) -> Option<usize> {
    scan_unprintable(text.as_bytes(), false)
}

/// [`find_unprintable`], except that a line feed does not count: the line breaks of a text
/// for a terminal are its own.
pub fn find_unprintable_but_newline(text: &str) -> Option<usize> {
    scan_unprintable(text.as_bytes(), true)
}

/// The bytes that can start an unprintable character (see [`find_unprintable`]).
static MAY_START_UNPRINTABLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[0x7F] = true;
    table[0xC2] = true;
    table[0xD8] = true;
    table[0xE2] = true;
    table
};

fn scan_unprintable(bytes: &[u8], keep_newline: bool) -> Option<usize> {
    let mut i = 0;
    loop {
        // The common case, a byte that starts nothing of the kind, in a tight loop.
        while bytes
            .get(i)
            .is_some_and(|&b| !MAY_START_UNPRINTABLE[usize::from(b)])
        {
            i += 1;
        }
        let b = *bytes.get(i)?;
        let hit = match b {
            b'\n' => !keep_newline,
            0xC2 => matches!(bytes.get(i + 1), Some(0x80..=0x9F)),
            0xD8 => bytes.get(i + 1) == Some(&0x9C),
            0xE2 => matches!(
                (bytes.get(i + 1), bytes.get(i + 2)),
                (Some(0x80), Some(0x8E | 0x8F | 0xA8..=0xAE)) | (Some(0x81), Some(0xA6..=0xA9))
            ),
            _ => true, // C0 and DEL
        };
        if hit {
            return Some(i);
        }
        i += 1;
    }
}

/// Whether `c` shows nothing by itself: whitespace, an unprintable character, or an
/// invisible formatting character (zero-width space and joiners, word joiner, byte order
/// mark, soft hyphen, tag characters).
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || is_unprintable(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206A}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0001}'
                | '\u{E0020}'..='\u{E007F}'
                | '\u{3164}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{FFA0}'
        )
}

/// Whether `text` shows nothing: empty, or only whitespace, control and invisible
/// formatting characters.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_invisible)
}

/// `text` made safe to print in a terminal, a CI log, JSON or SARIF: every unprintable
/// character ([`is_unprintable`]) is written as a visible escape (`\n`, `\r`, `\t`,
/// `\u{1b}`), and the result has at most `max_chars` characters, a cut marked with `…`.
/// Text that needs neither is returned as it is.
///
/// ```
/// use digifarm_core::diagnostic::printable;
/// assert_eq!(printable("plain", 80), "plain");
/// assert_eq!(printable("\u{1b}[2Jok\nFORGED\u{202E}", 80), "\\u{1b}[2Jok\\nFORGED\\u{202e}");
/// assert_eq!(printable("abcdef", 3), "abc…");
/// ```
pub fn printable(text: &str, max_chars: usize) -> Cow<'_, str> {
    // At most `max_chars` characters when at most as many bytes, else counted.
    let short = text.len() <= max_chars || text.chars().count() <= max_chars;
    if short && find_unprintable(text).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)) + 4);
    let mut shown = 0usize;
    for c in text.chars() {
        let escape = c.escape_default();
        let width = if is_unprintable(c) { escape.len() } else { 1 };
        if shown + width > max_chars {
            out.push('…');
            return Cow::Owned(out);
        }
        if width == 1 {
            out.push(c);
        } else {
            out.extend(escape);
        }
        shown += width;
    }
    Cow::Owned(out)
}

/// Whether `pointer` is a JSON pointer (RFC 6901: empty, or `/`-separated reference tokens in
/// which `~` only starts `~0` or `~1`) that can be shown as it is (no [`is_unprintable`]
/// character).
pub fn is_json_pointer(pointer: &str) -> bool {
    if pointer.is_empty() {
        return true;
    }
    pointer.starts_with('/')
        && find_unprintable(pointer).is_none()
        && pointer
            .split('~')
            .skip(1)
            .all(|after| after.starts_with('0') || after.starts_with('1'))
}

#[cfg(test)]
mod printable_tests {
    use super::*;

    #[test]
    fn escapes_and_caps() {
        assert_eq!(printable("Münster – ok", 80), "Münster – ok");
        assert!(matches!(printable("Münster", 80), Cow::Borrowed(_)));
        assert_eq!(
            printable("red \u{1b}[31mtext\nnext\u{202E}\u{9b}\u{7f}", 80),
            "red \\u{1b}[31mtext\\nnext\\u{202e}\\u{9b}\\u{7f}"
        );
        assert_eq!(printable("a\tb\rc", 80), "a\\tb\\rc");
        assert_eq!(printable("\u{2028}\u{2066}", 80), "\\u{2028}\\u{2066}");
        // Capped by characters, escapes counted as shown, never cut inside an escape.
        assert_eq!(printable(&"ü".repeat(10), 4), "üüüü…");
        assert_eq!(printable("ab\u{1b}", 4), "ab…");
        assert_eq!(printable("abc", 3), "abc");
        assert_eq!(printable("", 0), "");
        assert_eq!(printable("x", 0), "…");
        let long = "/".repeat(8 << 20);
        assert_eq!(printable(&long, 100).chars().count(), 101);
        // Nothing unprintable survives.
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!printable(&all, usize::MAX).chars().any(is_unprintable));
    }

    /// The byte scan names exactly the characters `is_unprintable` names, every one of them.
    #[test]
    fn byte_scan_matches_the_definition() {
        for c in (0u32..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("ab{c}ü{c}");
            let expected = is_unprintable(c).then_some(2);
            assert_eq!(find_unprintable(&text), expected, "{c:?}");
            let expected = (c != '\n' && is_unprintable(c)).then_some(2);
            assert_eq!(find_unprintable_but_newline(&text), expected, "{c:?}");
        }
        assert_eq!(find_unprintable(""), None);
        assert_eq!(find_unprintable("x\n"), Some(1));
        assert_eq!(find_unprintable_but_newline("x\ny\u{85}"), Some(3));
        // A lead byte whose character is printable (U+2027) is passed over.
        assert_eq!(find_unprintable("\u{2027}\u{2028}"), Some(3));
    }

    proptest::proptest! {
        #[test]
        fn byte_scan_finds_the_first(text in "(\\PC|[\u{0}-\u{9f}\u{2000}-\u{206f}\u{600}-\u{61f}]){0,40}") {
            let expected = text.char_indices().find(|&(_, c)| is_unprintable(c)).map(|(i, _)| i);
            proptest::prop_assert_eq!(find_unprintable(&text), expected);
            let expected = text
                .char_indices()
                .find(|&(_, c)| c != '\n' && is_unprintable(c))
                .map(|(i, _)| i);
            proptest::prop_assert_eq!(find_unprintable_but_newline(&text), expected);
        }
    }

    #[test]
    fn json_pointers() {
        for ok in [
            "", "/", "//", "/a", "/a/0/b", "/a~0b", "/~1", "/ä ö", "/a~01",
        ] {
            assert!(is_json_pointer(ok), "{ok:?}");
        }
        for bad in [
            "a",
            "~0",
            "/a~",
            "/a~2",
            "/~a",
            "/\u{1b}[2J",
            "/a\nb",
            "/\u{202E}",
        ] {
            assert!(!is_json_pointer(bad), "{bad:?}");
        }
    }

    #[test]
    fn blank_text() {
        for blank in [
            "",
            " ",
            "\u{1b}\u{7}\n\t",
            "\u{200B}\u{FEFF}\u{202E}",
            "\u{00A0}\u{3000}",
            "\u{E0041}\u{2060}",
        ] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for shown in ["x", " \u{1b}x", "·", "🙂", "\u{200D}a"] {
            assert!(!is_blank(shown), "{shown:?}");
        }
    }

    #[test]
    fn findings_keep_the_first_in_output_order_and_count_the_rest() {
        // Findings in a scrambled order, several equal in every sorted field.
        let all: Vec<Diagnostic> = (0..500u32)
            .map(|i| {
                let k = (i * 7919) % 500;
                let mut d = Diagnostic::new(
                    if k % 3 == 0 {
                        Code::InvalidValue
                    } else {
                        Code::StaleListing
                    },
                    format!("f{}.yaml", k % 7),
                    "/x",
                    format!("m{}", k % 11),
                );
                d.line = k % 13;
                d.column = 1;
                d
            })
            .collect();
        let mut sorted = all.clone();
        sort(&mut sorted);
        for limit in [0, 1, 2, 17, 250, 499, 500, 501] {
            let mut found: Findings<u32> = Findings::new(limit);
            for (i, d) in all.iter().enumerate() {
                found.push(d.clone(), i as u32);
            }
            let (kept, omitted) = found.finish();
            let kept: Vec<Diagnostic> = kept.into_iter().map(|(d, _)| d).collect();
            let n = limit.min(all.len());
            assert_eq!(kept[..], sorted[..n], "limit {limit}");
            assert_eq!(omitted.total(), all.len() - n);
            let errors = sorted[n..].iter().filter(|d| d.is_error()).count();
            assert_eq!(omitted.errors, errors);
            assert_eq!(omitted.warnings, all.len() - n - errors);
        }
    }
}
