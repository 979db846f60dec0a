//! digifarm-net: everything in digifarm that talks to the network.
//!
//! - [`http`]: the one guarded HTTP client (address guard on resolved addresses, one
//!   deadline per request, body caps after decompression, bounded redirects). Any command
//!   that fetches a URL uses it.
//! - [`fetch`]: polite forge requests on top: tokens, conditional requests with an ETag
//!   cache, rate-limit pauses, counts.
//! - [`refresh`]: `digifarm refresh`, reading each project's forge (GitHub, GitLab,
//!   Forgejo/Gitea, Bitbucket) and homepage into the catalog's `health/` files.
//!
//! The core library (`digifarm-core`) has no network code and does not depend on this crate,
//! so it keeps building for WebAssembly and for the Python wheel without a TLS stack.

pub mod fetch;
mod forge;
pub mod http;
pub mod refresh;
