/// The longest id the model allows.
const MAX_LEN: usize = 80;

/// A record id from a name: lower case, German umlauts transliterated (ä → ae, ö → oe,
/// ü → ue, ß → ss), common accents dropped, every other run of characters that are not ASCII
/// letters or digits turned into one `-`, at most 80 characters. Empty when nothing is left.
///
/// ```
/// assert_eq!(digifarm_core::import::slugify("Schüler-Geschichtswettbewerb Münster"),
///            "schueler-geschichtswettbewerb-muenster");
/// assert_eq!(digifarm_core::import::slugify("Gieß den Kiez"), "giess-den-kiez");
/// ```
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        let mapped: &str = match c {
            'ä' | 'Ä' => "ae",
            'ö' | 'Ö' => "oe",
            'ü' | 'Ü' => "ue",
            'ß' | 'ẞ' => "ss",
            'à' | 'á' | 'â' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Å' => "a",
            'æ' | 'Æ' => "ae",
            'ç' | 'Ç' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
            'ñ' | 'Ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' => "o",
            'ù' | 'ú' | 'û' | 'Ù' | 'Ú' | 'Û' => "u",
            'ý' | 'ÿ' | 'Ý' => "y",
            _ => "",
        };
        if !mapped.is_empty() {
            out.push_str(mapped);
            dash = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    if out.len() > MAX_LEN {
        // ASCII only, so any byte index is a char boundary.
        out.truncate(MAX_LEN);
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Data Inspire Me"), "data-inspire-me");
        assert_eq!(
            slugify("Fair City Guide Münster"),
            "fair-city-guide-muenster"
        );
        assert_eq!(slugify("Stadtbaumfreunde e.V."), "stadtbaumfreunde-e-v");
        assert_eq!(
            slugify("Amt für Bürger- und Ratsservice"),
            "amt-fuer-buerger-und-ratsservice"
        );
        assert_eq!(slugify("ÄÖÜ Café"), "aeoeue-cafe");
        assert_eq!(slugify("  --  "), "");
        assert_eq!(slugify("日本"), "");
        assert_eq!(slugify(&"ab ".repeat(100)).len(), 80);
        assert!(!slugify(&"a ".repeat(100)).ends_with('-'));
    }
}
