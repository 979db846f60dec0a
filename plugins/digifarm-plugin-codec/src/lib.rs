//! The record layout between the digifarm plugin host and its plugins, stated once.
//!
//! A plugin call's records travel as a WIT `types.encoded` (package `digifarm:plugin`): a
//! byte stream `data` and one string `strings` holding every string of the call. The host
//! writes it with [`Encoder`]; the Rust SDK reads it with [`Decoder`]; both are this crate,
//! and the crate's round-trip tests hold them to each other on generated catalogs, so the two sides cannot
//! drift apart. The crate is `no_std` + `alloc` with no dependencies, so it compiles into a
//! plugin (wasm32-wasip2) as well as into the host.
//!
//! # Encoding, version 1
//!
//! `data` starts with the four bytes [`MAGIC`] (`dfb1`), then the payload the function
//! names (a validator: `list<project>`; a scorer: `list<project>`, `list<partner>`,
//! `list<offer>`, `list<candidate>`; an exporter: `city`, `list<project>`, `list<partner>`,
//! `list<offer>`). Values follow the WIT records field by field, in declaration order:
//!
//! | WIT type     | bytes                                                               |
//! |--------------|---------------------------------------------------------------------|
//! | `string`     | u32 byte offset and u32 byte length into `strings` (on character boundaries) |
//! | `option<T>`  | byte 0 (none), or byte 1 followed by a `T`                          |
//! | `list<T>`    | u32 count, then the items                                           |
//! | `u32`        | 4 bytes                                                             |
//! | `f64`        | 8 bytes IEEE 754                                                    |
//! | `bool`       | byte 0 or 1                                                         |
//! | `localized`  | `list<text>`                                                        |
//! | `candidate`  | four u32: project, need index, offer, partner                       |
//!
//! Numbers are little-endian. Dates are ISO 8601 strings (`2024-05-01`); enum values are the
//! catalog's kebab-case words (`in-development`, `public-body`).
//!
//! # Encoding, version 2
//!
//! Made for plugins that run in an interpreter (the Python and JavaScript SDKs), which pay
//! for every step of a walk over the records and for every UTF-8 offset they translate. A
//! plugin asks for it in its manifest (`encoding = 2`); the WIT record is the same, so
//! plugins built for version 1 keep getting version 1. The differences:
//!
//! - `data` starts with [`MAGIC_INDEXED`] (`dfb2`) and a u32 `index_at`; the payload
//!   follows, as in version 1, up to byte `index_at`.
//! - A `string`'s offset and length count characters (Unicode scalar values) of `strings`,
//!   not UTF-8 bytes: a string is a slice of the text in the plugin's own string type
//!   (Python slices code points; JavaScript's UTF-16 units are characters unless the text
//!   holds characters beyond the BMP).
//! - From `index_at` to the end, the index of the input's list of projects: five u32 (where
//!   that list ends; how many projects, needs and supporters it holds; how many characters
//!   `strings` holds, so that a JavaScript decoder knows without scanning the text whether
//!   every character is one UTF-16 unit), then three
//!   tables of u32 byte positions in `data`: [`index::PROJECT_FIELDS`] per project (where
//!   each of its fields starts, in WIT declaration order), [`index::NEED_FIELDS`] per need
//!   and [`index::SUPPORT_FIELDS`] per `supported_by` entry, in the order of the records.
//!
//! # Encoding, version 3
//!
//! Version 2 for JavaScript plugins (`encoding = 3`), whose engine turns `strings` into a
//! string of its own when the call starts: QuickJS copies an ASCII text as it is but decodes
//! any other one character by character, and a catalog in German is never ASCII. The
//! differences from version 2:
//!
//! - `data` starts with [`MAGIC_ASCII`] (`dfb3`); the index follows the payload as in
//!   version 2.
//! - Every byte of `strings` is ASCII. A string that is ASCII and holds no backslash is
//!   written as it is; any other is written as the body of a JSON string literal (RFC 8259,
//!   without its quotes) in ASCII: `"` and `\` escaped, control characters as `\b`, `\t`,
//!   `\n`, `\f`, `\r` or `\u00XX`, every character beyond ASCII as `\uXXXX` (one beyond
//!   the BMP as its surrogate pair), hexadecimal digits in lower case. So every backslash of
//!   `strings` starts an escape.
//! - A string's offset and length count bytes of `strings`; the length of an escaped one has
//!   its top bit set ([`ESCAPED`]). The index's character count is the length of `strings`.
//!
//! A JavaScript decoder takes an unmarked string as a slice of the text and reads a marked
//! one with `JSON.parse`; [`Unescaped`] resolves every escape of a text at once, so that
//! [`Decoder::new_v3`] reads version 3 as it reads version 2.
//!
//! The encoder finds the index by walking what it wrote; the decoder walks what it read and
//! refuses an index that differs, so a plugin that trusts the index reads the same fields
//! as one that walks.
//!
//! Adding a field to a record means: the view struct in [`view`], one line in [`Encoder`],
//! one line in [`Decoder`] (the round-trip test fails until both agree), one line in the
//! index's walk (`index.rs`, when the field is a project's, a need's or a supporter's), the
//! host's mapping from the core model, and the WIT document. Changing the layout needs a new
//! [`MAGIC`].

#![no_std]
extern crate alloc;

mod decode;
mod encode;
pub mod index;
pub mod view;

pub use decode::{
    DecodeError, Decoder, Unescaped, decode_catalog, decode_catalog_v3, decode_projects,
    decode_projects_v3, decode_scorer_batch, decode_scorer_batch_v3,
};
pub use encode::{Date, Encoded, Encoder, Version, Ymd};
pub use view::{
    Candidate, Capacity, Catalog, City, Deployment, Links, Need, Offer, Origin, Partner, Project,
    ScorerBatch, SupportRef, Text,
};

/// The first bytes of every encoded input of version 1: the layout's version.
pub const MAGIC: &[u8; 4] = b"dfb1";
/// The first bytes of every encoded input of version 2.
pub const MAGIC_INDEXED: &[u8; 4] = b"dfb2";
/// The first bytes of every encoded input of version 3.
pub const MAGIC_ASCII: &[u8; 4] = b"dfb3";
/// Version 3: the bit of a string's length that marks it escaped.
pub const ESCAPED: u32 = 0x8000_0000;

/// Encodes a validator's input: a `list<project>`, in version 1.
pub fn encode_projects(projects: &[Project<'_>]) -> Encoded {
    encode_projects_with(projects, Version::V1)
}

/// Encodes a validator's input in `version`.
pub fn encode_projects_with(projects: &[Project<'_>], version: Version) -> Encoded {
    let mut e = Encoder::with_version(projects.len() * 512, version);
    e.projects(projects);
    e.finish()
}

/// Encodes a scorer's input, in version 1.
pub fn encode_scorer_batch(batch: &ScorerBatch<'_>) -> Encoded {
    encode_scorer_batch_with(batch, Version::V1)
}

/// Encodes a scorer's input in `version`.
pub fn encode_scorer_batch_with(batch: &ScorerBatch<'_>, version: Version) -> Encoded {
    let capacity = batch.projects.len() * 512 + batch.candidates.len() * 16;
    let mut e = Encoder::with_version(capacity, version);
    e.projects(&batch.projects);
    e.partners(&batch.partners);
    e.offers(&batch.offers);
    e.candidates(&batch.candidates);
    e.finish()
}

/// Encodes an exporter's input: a `catalog`, in version 1.
pub fn encode_catalog(catalog: &Catalog<'_>) -> Encoded {
    encode_catalog_with(catalog, Version::V1)
}

/// Encodes an exporter's input in `version`.
pub fn encode_catalog_with(catalog: &Catalog<'_>, version: Version) -> Encoded {
    let mut e = Encoder::with_version(catalog.projects.len() * 512 + 1024, version);
    e.city(&catalog.city);
    e.projects(&catalog.projects);
    e.partners(&catalog.partners);
    e.offers(&catalog.offers);
    e.finish()
}

#[cfg(test)]
mod tests;
