//! One module per subcommand.

pub mod license;
pub mod schema;
pub mod validate;
