//! One module per subcommand.

pub mod import;
pub mod schema;
pub mod validate;
