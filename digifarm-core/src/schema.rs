//! The JSON Schemas of the record kinds, generated from the model by schemars, and the
//! compiled validators used by catalog validation.

use std::sync::OnceLock;

use serde_json::Value;

use crate::model::{CityConfig, Partner, Project, RecordKind, SupportOffer};

/// Which schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaKind {
    /// `project.schema.json`
    Project,
    /// `partner.schema.json`
    Partner,
    /// `offer.schema.json`
    Offer,
    /// `config.schema.json` (`digifarm.toml`)
    Config,
}

impl SchemaKind {
    /// Every schema, in file order.
    pub const ALL: [SchemaKind; 4] = [
        SchemaKind::Project,
        SchemaKind::Partner,
        SchemaKind::Offer,
        SchemaKind::Config,
    ];

    /// `project`, `partner`, `offer` or `config`.
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Project => "project",
            SchemaKind::Partner => "partner",
            SchemaKind::Offer => "offer",
            SchemaKind::Config => "config",
        }
    }

    /// The committed file name, e.g. `project.schema.json`.
    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.name())
    }
}

impl From<RecordKind> for SchemaKind {
    fn from(kind: RecordKind) -> Self {
        match kind {
            RecordKind::Project => SchemaKind::Project,
            RecordKind::Partner => SchemaKind::Partner,
            RecordKind::Offer => SchemaKind::Offer,
        }
    }
}

impl std::str::FromStr for SchemaKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SchemaKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!("unknown schema `{s}` (expected project, partner, offer or config)")
            })
    }
}

/// The JSON Schema (Draft 2020-12) of `kind`, as generated from the model.
pub fn json_schema(kind: SchemaKind) -> Value {
    let schema = match kind {
        SchemaKind::Project => schemars::schema_for!(Project),
        SchemaKind::Partner => schemars::schema_for!(Partner),
        SchemaKind::Offer => schemars::schema_for!(SupportOffer),
        SchemaKind::Config => schemars::schema_for!(CityConfig),
    };
    schema.to_value()
}

/// The schema of `kind` as the text committed in `digifarm-core/schemas/`.
pub fn json_schema_text(kind: SchemaKind) -> String {
    let mut text = serde_json::to_string_pretty(&json_schema(kind)).unwrap_or_default();
    text.push('\n');
    text
}

/// The compiled validator for `kind`, built once per process.
#[allow(dead_code)] // used by catalog validation on main
pub(crate) fn validator(kind: SchemaKind) -> Option<&'static jsonschema::Validator> {
    static CELLS: [OnceLock<Option<jsonschema::Validator>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let index = match kind {
        SchemaKind::Project => 0,
        SchemaKind::Partner => 1,
        SchemaKind::Offer => 2,
        SchemaKind::Config => 3,
    };
    CELLS[index]
        .get_or_init(|| jsonschema::draft202012::new(&json_schema(kind)).ok())
        .as_ref()
}
