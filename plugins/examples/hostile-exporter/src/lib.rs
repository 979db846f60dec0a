//! A deliberately hostile exporter: it declares the media type its config names.
//!
//! | config key | effect (default) |
//! |---|---|
//! | `media_type` | the media type declared (`text/plain`) |
//! | `error` | returned as the plugin's error instead of output |
//! | `body` | the bytes (`hostile`) |

use digifarm_plugin_sdk::{Catalog, ExportOutput, Exporter, export, host};

struct HostileExporter;

/// A config value with its placeholders for characters a catalog may not hold (`{ESC}`,
/// `{BEL}`, `{CSI}`, `{CR}`) replaced by them: `digifarm.toml` refuses raw control
/// characters, and this plugin exists to send them to the host anyway.
fn config(key: &str) -> Option<String> {
    host::config(key).map(|v| {
        v.replace("{ESC}", "\u{1b}")
            .replace("{BEL}", "\u{7}")
            .replace("{CSI}", "\u{9b}")
            .replace("{CR}", "\r")
    })
}

impl Exporter for HostileExporter {
    fn export(_catalog: &Catalog<'_>) -> Result<ExportOutput, String> {
        if let Some(message) = config("error") {
            return Err(message);
        }
        Ok(ExportOutput {
            media_type: config("media_type").unwrap_or_else(|| "text/plain".to_owned()),
            bytes: config("body")
                .unwrap_or_else(|| "hostile".to_owned())
                .into_bytes(),
        })
    }
}

export!(exporter: HostileExporter);
