//! One module per subcommand.

pub mod import;
pub mod license;
pub mod schema;
pub mod validate;
