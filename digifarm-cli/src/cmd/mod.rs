//! One module per subcommand.

pub mod export;
pub mod import;
pub mod init;
pub mod license;
pub mod match_;
pub mod merge;
pub mod plugin;
pub mod propose;
pub mod publiccode;
pub mod refresh;
pub mod review;
pub mod schema;
pub mod stale;
pub mod stats;
pub mod support;
pub mod validate;
