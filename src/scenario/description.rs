//! A scenario's description: one text, or one per language (`description = { nl = "...", en =
//! "..." }`). The same shape is kept in `manifest.json`, where an older plain string still reads.

use serde::{Deserialize, Serialize};

/// A description as written: one text for every language, or a text per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Description {
    Text(String),
    PerLanguage(Texts),
}

/// A text per language; a missing language falls back to the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Default for Description {
    fn default() -> Self {
        Description::Text(String::new())
    }
}

impl Description {
    /// The text for a language by its ISO 639-1 code (`nl`, `en`): its own if it has one, else
    /// the other language's, else empty.
    pub fn get(&self, code: &str) -> &str {
        match self {
            Description::Text(t) => t,
            Description::PerLanguage(Texts { nl, en }) => {
                let (own, other) = if code == "en" { (en, nl) } else { (nl, en) };
                own.as_deref()
                    .filter(|t| !t.trim().is_empty())
                    .or(other.as_deref())
                    .unwrap_or("")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_or_a_table_per_language() {
        #[derive(Deserialize)]
        struct F {
            description: Description,
        }
        let plain: F = toml::from_str("description = \"Zelfde\"").unwrap();
        assert_eq!(plain.description.get("nl"), "Zelfde");
        assert_eq!(plain.description.get("en"), "Zelfde");
        let both: F =
            toml::from_str("description = { nl = \"Huidig\", en = \"Current\" }").unwrap();
        assert_eq!(both.description.get("nl"), "Huidig");
        assert_eq!(both.description.get("en"), "Current");
        // A missing language falls back to the other one.
        let nl_only: F = toml::from_str("description = { nl = \"Huidig\" }").unwrap();
        assert_eq!(nl_only.description.get("en"), "Huidig");
        // JSON round trip: a string stays a string (older manifests), a table a table.
        let json = serde_json::to_string(&both.description).unwrap();
        assert_eq!(json, r#"{"nl":"Huidig","en":"Current"}"#);
        assert_eq!(
            serde_json::from_str::<Description>(&json).unwrap(),
            both.description
        );
        assert_eq!(
            serde_json::from_str::<Description>("\"Oud\"").unwrap(),
            Description::Text("Oud".into())
        );
        assert!(toml::from_str::<F>("description = 3").is_err());
        assert!(toml::from_str::<F>("description = { de = \"Aktuell\" }").is_err());
    }
}
