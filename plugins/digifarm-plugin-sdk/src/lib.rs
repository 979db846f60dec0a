//! Write digifarm plugins in Rust.
//!
//! A plugin is a type that implements one of [`Validator`], [`Scorer`], [`Exporter`] or
//! [`Importer`], plus one [`export!`] line. Build it with
//! `cargo build --release --target wasm32-wasip2`; the `.wasm` in `target/wasm32-wasip2/release/`
//! is a WebAssembly component that the digifarm host runs in a sandbox.
//!
//! ```ignore
//! use digifarm_plugin_sdk::{export, Validator, City, Project, Diagnostic};
//!
//! struct NeedsSource;
//!
//! impl Validator for NeedsSource {
//!     fn validate(_city: &City, projects: &[Project<'_>]) -> Result<Vec<Diagnostic>, String> {
//!         Ok(projects
//!             .iter()
//!             .filter(|p| p.links.source.is_none())
//!             .map(|p| Diagnostic::error(p.id, "source-missing", "/links/source", "no source link"))
//!             .collect())
//!     }
//! }
//!
//! export!(validator: NeedsSource);
//! ```
//!
//! The records are the ones of the WIT package `digifarm:plugin@0.1.0`
//! (`plugins/wit/since_v0.1.0/`): public fields only. Validators, scorers and exporters
//! receive them as borrowed views ([`Project`], [`Offer`], …) decoded from the host's
//! `encoded` input without copying by `digifarm-plugin-codec`, the crate whose encoder the
//! host runs;
//! importers return owned WIT records ([`record::Project`], …). A panic in the plugin is
//! reported to the host's log, so the error the city sees carries the panic message.

extern crate alloc;

#[doc(hidden)]
pub mod __validator {
    wit_bindgen::generate!({
        path: "../wit/since_v0.1.0",
        world: "validator",
        pub_export_macro: true,
        export_macro_name: "__export_validator",
        default_bindings_module: "digifarm_plugin_sdk::__validator",
    });
}

#[doc(hidden)]
pub mod __scorer {
    wit_bindgen::generate!({
        path: "../wit/since_v0.1.0",
        world: "scorer",
        pub_export_macro: true,
        export_macro_name: "__export_scorer",
        default_bindings_module: "digifarm_plugin_sdk::__scorer",
        with: {
            "digifarm:plugin/types@0.1.0": crate::__validator::digifarm::plugin::types,
            "digifarm:plugin/host@0.1.0": crate::__validator::digifarm::plugin::host,
        },
    });
}

#[doc(hidden)]
pub mod __exporter {
    wit_bindgen::generate!({
        path: "../wit/since_v0.1.0",
        world: "exporter",
        pub_export_macro: true,
        export_macro_name: "__export_exporter",
        default_bindings_module: "digifarm_plugin_sdk::__exporter",
        with: {
            "digifarm:plugin/types@0.1.0": crate::__validator::digifarm::plugin::types,
            "digifarm:plugin/host@0.1.0": crate::__validator::digifarm::plugin::host,
        },
    });
}

#[doc(hidden)]
pub mod __importer {
    wit_bindgen::generate!({
        path: "../wit/since_v0.1.0",
        world: "importer",
        pub_export_macro: true,
        export_macro_name: "__export_importer",
        default_bindings_module: "digifarm_plugin_sdk::__importer",
        with: {
            "digifarm:plugin/types@0.1.0": crate::__validator::digifarm::plugin::types,
            "digifarm:plugin/host@0.1.0": crate::__validator::digifarm::plugin::host,
        },
    });
}

/// A whole catalog, public fields only (the exporter's input).
#[derive(Debug, Clone)]
pub struct Catalog<'a> {
    /// The city.
    pub city: City,
    /// Projects.
    pub projects: Vec<Project<'a>>,
    /// Partners.
    pub partners: Vec<Partner<'a>>,
    /// Offers.
    pub offers: Vec<Offer<'a>>,
}

/// Decodes an exporter's input: a `catalog`, the city as the WIT record validators and
/// scorers receive.
///
/// # Errors
/// When the input is not encoding version 1 or 2.
pub fn decode_catalog<'a>(buf: &'a [u8], strings: &'a str) -> Result<Catalog<'a>, DecodeError> {
    codec::decode_catalog(buf, strings).map(catalog_of)
}

/// [`decode_catalog`] for an input of version 3, its text resolved by [`codec::Unescaped`].
///
/// # Errors
/// When the input is not encoding version 3.
pub fn decode_catalog_v3<'a>(
    buf: &'a [u8],
    text: &'a codec::Unescaped<'a>,
) -> Result<Catalog<'a>, DecodeError> {
    codec::decode_catalog_v3(buf, text).map(catalog_of)
}

fn catalog_of(catalog: codec::Catalog<'_>) -> Catalog<'_> {
    let codec::Catalog {
        city,
        projects,
        partners,
        offers,
    } = catalog;
    Catalog {
        city: City {
            name: city.name.into(),
            ags: city.ags.map(Into::into),
            languages: city.languages.into_iter().map(Into::into).collect(),
            website: city.website.map(Into::into),
        },
        projects,
        partners,
        offers,
    }
}

/// Whether an input is of encoding version 3 (what a manifest with `encoding = 3` asks for:
/// text in ASCII, resolved by [`codec::Unescaped`] before the records are read).
fn is_v3(input: &__Encoded) -> bool {
    input.data.starts_with(codec::MAGIC_ASCII)
}

/// Version 3's text with its escapes resolved.
fn unescaped(input: &__Encoded) -> Result<codec::Unescaped<'_>, String> {
    codec::Unescaped::new(&input.strings).map_err(|e| e.to_string())
}

#[doc(hidden)]
pub use __validator::digifarm::plugin::types::Encoded as __Encoded;
pub use __validator::digifarm::plugin::types::{
    City, Diagnostic, ExportOutput, ImportOutput, Score, ScoreTerm, Severity,
};
/// The record layout shared with the host: views, encoder and decoder.
pub use digifarm_plugin_codec as codec;
pub use digifarm_plugin_codec::{
    Candidate, Capacity, DecodeError, Decoder, Deployment, Links, Need, Offer, Origin, Partner,
    Project, ScorerBatch, SupportRef, Text, decode_projects, decode_scorer_batch,
};

/// The owned WIT records an importer returns (inside [`ImportOutput`]).
pub mod record {
    pub use crate::__validator::digifarm::plugin::types::{
        Capacity, Deployment, Links, Need, Offer, Origin, Partner, Project, SupportRef, Text,
    };
}

/// What the host offers: a bounded log, the configuration the city granted, the licence
/// engine.
pub mod host {
    pub use crate::__validator::digifarm::plugin::host::{Level, LicenseVerdict};

    /// Appends a line to the plugin's log (bounded; the host drops what does not fit).
    pub fn log(level: Level, message: &str) {
        crate::__validator::digifarm::plugin::host::log(level, message);
    }

    /// A configuration value the city granted this plugin in `digifarm.toml`.
    pub fn config(key: &str) -> Option<String> {
        crate::__validator::digifarm::plugin::host::config(key)
    }

    /// The host licence engine's verdict on an SPDX expression under the city's policy.
    pub fn check_license(expression: &str) -> LicenseVerdict {
        crate::__validator::digifarm::plugin::host::check_license(expression)
    }
}

/// A validator: a batch of projects in, findings out.
pub trait Validator {
    /// Checks a batch of projects. `subject` of each finding is the project id.
    fn validate(city: &City, projects: &[Project<'_>]) -> Result<Vec<Diagnostic>, String>;
}

/// A scorer: one score per candidate, in the same order.
pub trait Scorer {
    /// Scores a batch of candidates; each `value` in [0, 1].
    fn score(city: &City, candidates: &[Candidate<'_>]) -> Result<Vec<Score>, String>;
}

/// An exporter: a catalog in, bytes and their media type out.
pub trait Exporter {
    /// Renders the catalog.
    fn export(catalog: &Catalog<'_>) -> Result<ExportOutput, String>;
}

/// An importer: bytes and their media type in, records out.
pub trait Importer {
    /// Reads records from `bytes`.
    fn import(media_type: String, bytes: Vec<u8>) -> Result<ImportOutput, String>;
}

impl Diagnostic {
    /// A finding with severity error.
    pub fn error(subject: &str, code: &str, pointer: &str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, subject, code, pointer, message)
    }

    /// A finding with severity warning.
    pub fn warning(subject: &str, code: &str, pointer: &str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, subject, code, pointer, message)
    }

    fn new(
        severity: Severity,
        subject: &str,
        code: &str,
        pointer: &str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            subject: subject.into(),
            code: code.into(),
            severity,
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
}

/// The text of a localized field in `lang`, else the untagged default, else the first one.
pub fn text<'a>(field: &[Text<'a>], lang: &str) -> Option<&'a str> {
    field
        .iter()
        .find(|t| t.lang == lang)
        .or_else(|| field.iter().find(|t| t.lang.is_empty()))
        .or_else(|| field.first())
        .map(|t| t.value)
}

/// Decodes a validator's input and runs the plugin on it.
#[doc(hidden)]
pub fn __validate<T: Validator>(city: &City, input: &__Encoded) -> Result<Vec<Diagnostic>, String> {
    __install_panic_hook();
    let text;
    let projects = if is_v3(input) {
        text = unescaped(input)?;
        codec::decode_projects_v3(&input.data, &text)
    } else {
        decode_projects(&input.data, &input.strings)
    }
    .map_err(|e| e.to_string())?;
    T::validate(city, &projects)
}

/// Decodes a scorer's input and runs the plugin on it.
#[doc(hidden)]
pub fn __score<T: Scorer>(city: &City, input: &__Encoded) -> Result<Vec<Score>, String> {
    __install_panic_hook();
    let text;
    let batch = if is_v3(input) {
        text = unescaped(input)?;
        codec::decode_scorer_batch_v3(&input.data, &text)
    } else {
        decode_scorer_batch(&input.data, &input.strings)
    }
    .map_err(|e| e.to_string())?;
    let candidates = batch.resolve()?;
    T::score(city, &candidates)
}

/// Decodes an exporter's input and runs the plugin on it.
#[doc(hidden)]
pub fn __export<T: Exporter>(input: &__Encoded) -> Result<ExportOutput, String> {
    __install_panic_hook();
    let text;
    let catalog = if is_v3(input) {
        text = unescaped(input)?;
        decode_catalog_v3(&input.data, &text)
    } else {
        decode_catalog(&input.data, &input.strings)
    }
    .map_err(|e| e.to_string())?;
    T::export(&catalog)
}

/// Sends panic messages to the host log so that the host's error carries them.
#[doc(hidden)]
pub fn __install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(alloc::boxed::Box::new(|info| {
            let message = alloc::format!("panic: {info}");
            host::log(host::Level::Error, &message);
        }));
    });
}

/// Exports a plugin: `export!(validator: MyType)`, `export!(scorer: MyType)`,
/// `export!(exporter: MyType)` or `export!(importer: MyType)`.
#[macro_export]
macro_rules! export {
    (validator: $t:ty) => {
        #[doc(hidden)]
        pub struct __DigifarmPlugin;
        impl $crate::__validator::Guest for __DigifarmPlugin {
            fn validate(
                city: $crate::City,
                projects: $crate::__Encoded,
            ) -> ::std::result::Result<::std::vec::Vec<$crate::Diagnostic>, ::std::string::String>
            {
                $crate::__validate::<$t>(&city, &projects)
            }
        }
        $crate::__validator::__export_validator!(__DigifarmPlugin);
    };
    (scorer: $t:ty) => {
        #[doc(hidden)]
        pub struct __DigifarmPlugin;
        impl $crate::__scorer::Guest for __DigifarmPlugin {
            fn score(
                city: $crate::City,
                candidates: $crate::__Encoded,
            ) -> ::std::result::Result<::std::vec::Vec<$crate::Score>, ::std::string::String> {
                $crate::__score::<$t>(&city, &candidates)
            }
        }
        $crate::__scorer::__export_scorer!(__DigifarmPlugin);
    };
    (exporter: $t:ty) => {
        #[doc(hidden)]
        pub struct __DigifarmPlugin;
        impl $crate::__exporter::Guest for __DigifarmPlugin {
            fn export_catalog(
                catalog: $crate::__Encoded,
            ) -> ::std::result::Result<$crate::ExportOutput, ::std::string::String> {
                $crate::__export::<$t>(&catalog)
            }
        }
        $crate::__exporter::__export_exporter!(__DigifarmPlugin);
    };
    (importer: $t:ty) => {
        #[doc(hidden)]
        pub struct __DigifarmPlugin;
        impl $crate::__importer::Guest for __DigifarmPlugin {
            fn import_records(
                media_type: ::std::string::String,
                bytes: ::std::vec::Vec<u8>,
            ) -> ::std::result::Result<$crate::ImportOutput, ::std::string::String> {
                $crate::__install_panic_hook();
                <$t as $crate::Importer>::import(media_type, bytes)
            }
        }
        $crate::__importer::__export_importer!(__DigifarmPlugin);
    };
}
