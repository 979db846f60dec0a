//! One module per subcommand.

pub mod import;
pub mod license;
pub mod match_;
pub mod merge;
pub mod propose;
pub mod review;
pub mod plugin;
pub mod schema;
pub mod stale;
pub mod stats;
pub mod validate;
