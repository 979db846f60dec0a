//! One module per subcommand.

pub mod import;
pub mod license;
pub mod match_;
pub mod schema;
pub mod validate;
