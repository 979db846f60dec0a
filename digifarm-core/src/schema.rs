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
    /// `proposal.schema.json` (the proposal form, `digifarm propose --from`)
    Proposal,
    /// `health.schema.json` (`health/<id>.yaml`, written by `digifarm refresh`)
    Health,
}

impl SchemaKind {
    /// Every schema, in file order.
    pub const ALL: [SchemaKind; 6] = [
        SchemaKind::Project,
        SchemaKind::Partner,
        SchemaKind::Offer,
        SchemaKind::Config,
        SchemaKind::Proposal,
        SchemaKind::Health,
    ];

    /// `project`, `partner`, `offer`, `config` or `proposal`.
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Project => "project",
            SchemaKind::Partner => "partner",
            SchemaKind::Offer => "offer",
            SchemaKind::Config => "config",
            SchemaKind::Proposal => "proposal",
            SchemaKind::Health => "health",
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
                format!(
                    "unknown schema `{s}` (expected project, partner, offer, config, proposal or health)"
                )
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
        SchemaKind::Proposal => schemars::schema_for!(crate::model::Proposal),
        SchemaKind::Health => schemars::schema_for!(crate::model::HealthRecord),
    };
    let mut value = schema.to_value();
    simplify_enums(&mut value);
    value
}

/// schemars writes a documented unit enum as `oneOf` of `const` branches. Validators and
/// form generators handle a plain `enum` better (one check, one clear error), so the branches
/// become an `enum` and their descriptions move into the description of the whole.
fn simplify_enums(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let consts: Option<Vec<(Value, Option<String>)>> = map
                .get("oneOf")
                .and_then(Value::as_array)
                .and_then(|branches| {
                    branches
                        .iter()
                        .map(|b| {
                            let c = b.get("const")?.clone();
                            let d = b
                                .get("description")
                                .and_then(Value::as_str)
                                .map(str::to_owned);
                            Some((c, d))
                        })
                        .collect()
                });
            if let Some(consts) = consts {
                map.remove("oneOf");
                let mut description = map
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                for (c, d) in &consts {
                    if let (Some(c), Some(d)) = (c.as_str(), d) {
                        description.push_str(&format!("\n- `{c}`: {d}"));
                    }
                }
                map.insert("type".to_owned(), Value::String("string".to_owned()));
                map.insert(
                    "enum".to_owned(),
                    Value::Array(consts.into_iter().map(|(c, _)| c).collect()),
                );
                if !description.is_empty() {
                    map.insert(
                        "description".to_owned(),
                        Value::String(description.trim_start().to_owned()),
                    );
                }
            }
            map.values_mut().for_each(simplify_enums);
        }
        Value::Array(items) => items.iter_mut().for_each(simplify_enums),
        _ => {}
    }
}

/// The schema of `kind` as the text committed in `digifarm-core/schemas/`.
pub fn json_schema_text(kind: SchemaKind) -> String {
    let mut text = serde_json::to_string_pretty(&json_schema(kind)).unwrap_or_default();
    text.push('\n');
    text
}

/// The compiled validator for `kind`, built once per process.
pub(crate) fn validator(kind: SchemaKind) -> Option<&'static jsonschema::Validator> {
    static CELLS: [OnceLock<Option<jsonschema::Validator>>; 6] = [
        OnceLock::new(),
        OnceLock::new(),
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
        SchemaKind::Proposal => 4,
        SchemaKind::Health => 5,
    };
    CELLS[index]
        .get_or_init(|| {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&json_schema(kind))
                .ok()
        })
        .as_ref()
}
