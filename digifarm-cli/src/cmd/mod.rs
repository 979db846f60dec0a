//! One module per subcommand.

pub mod match_;
pub mod schema;
pub mod validate;
