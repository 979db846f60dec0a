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
//! Adding a field to a record means: the view struct in [`view`], one line in [`Encoder`],
//! one line in [`Decoder`] (the round-trip test fails until both agree), the host's mapping
//! from the core model, and the WIT document. Changing the layout needs a new [`MAGIC`].

#![no_std]
extern crate alloc;

mod decode;
mod encode;
pub mod view;

pub use decode::{DecodeError, Decoder, decode_catalog, decode_projects, decode_scorer_batch};
pub use encode::{Date, Encoded, Encoder, Ymd};
pub use view::{
    Candidate, Capacity, Catalog, City, Deployment, Links, Need, Offer, Origin, Partner, Project,
    ScorerBatch, SupportRef, Text,
};

/// The first bytes of every encoded input: the layout's version.
pub const MAGIC: &[u8; 4] = b"dfb1";

/// Encodes a validator's input: a `list<project>`.
pub fn encode_projects(projects: &[Project<'_>]) -> Encoded {
    let mut e = Encoder::new(projects.len() * 512);
    e.projects(projects);
    e.finish()
}

/// Encodes a scorer's input.
pub fn encode_scorer_batch(batch: &ScorerBatch<'_>) -> Encoded {
    let mut e = Encoder::new(batch.projects.len() * 512 + batch.candidates.len() * 16);
    e.projects(&batch.projects);
    e.partners(&batch.partners);
    e.offers(&batch.offers);
    e.candidates(&batch.candidates);
    e.finish()
}

/// Encodes an exporter's input: a `catalog`.
pub fn encode_catalog(catalog: &Catalog<'_>) -> Encoded {
    let mut e = Encoder::new(catalog.projects.len() * 512 + 1024);
    e.city(&catalog.city);
    e.projects(&catalog.projects);
    e.partners(&catalog.partners);
    e.offers(&catalog.offers);
    e.finish()
}

#[cfg(test)]
mod tests;
