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
    PluginFailed = "plugin-failed", Error, "a plugin could not be loaded or failed while running (timeout, out of memory, trap, invalid output, refused grant); the message names the plugin";
    /// Malformed CSV.
    CsvSyntax = "csv-syntax", Error, "the CSV is malformed (unbalanced quotes, text after a closing quote)";
    /// A CSV row with another number of cells than the header.
    CsvColumnCount = "csv-column-count", Error, "a CSV row has more or fewer cells than the header";
    /// A YAML 1.1 boolean (`yes`, `no`, `on`, `off`) where YAML 1.2 reads a string.
    Yaml11Boolean = "yaml11-boolean", Error, "a YAML 1.1 boolean word (yes/no/on/off) stands where a boolean is expected; YAML 1.2 reads it as a string";
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
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.code, &a.pointer, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.code, &b.pointer, &b.message))
    });
}
