//! The conformance suite's Rust plugin: decodes the catalog the host sends and encodes it
//! again with the codec. Output: u32 little-endian length of `data`, `data`, then `strings`;
//! the host's test (`tests/conformance.rs`) decodes it and compares every field with what it
//! sent. The Python and JavaScript SDKs have the same plugin.

use digifarm_plugin_sdk::{Catalog, ExportOutput, Exporter, codec, export};

struct Conformance;

impl Exporter for Conformance {
    fn export(catalog: &Catalog<'_>) -> Result<ExportOutput, String> {
        let city = &catalog.city;
        let encoded = codec::encode_catalog(&codec::Catalog {
            city: codec::City {
                name: &city.name,
                ags: city.ags.as_deref(),
                languages: city.languages.iter().map(String::as_str).collect(),
                website: city.website.as_deref(),
            },
            projects: catalog.projects.clone(),
            partners: catalog.partners.clone(),
            offers: catalog.offers.clone(),
        });
        let len = u32::try_from(encoded.data.len()).map_err(|_| "catalog over 4 GiB".to_owned())?;
        let mut bytes = Vec::with_capacity(4 + encoded.data.len() + encoded.strings.len());
        bytes.extend_from_slice(&len.to_le_bytes());
        bytes.extend_from_slice(&encoded.data);
        bytes.extend_from_slice(encoded.strings.as_bytes());
        Ok(ExportOutput {
            media_type: "application/octet-stream".to_owned(),
            bytes,
        })
    }
}

export!(exporter: Conformance);
