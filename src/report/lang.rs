//! The report's languages and the `catalog!` macro that builds the message catalog
//! (`report::catalog`) with one text per language, so a message missing in one does not compile.

/// Language of the report and chart labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// The ISO 639-1 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }
}

macro_rules! catalog {
    ($( $key:ident { nl: $nl:literal, en: $en:literal } )*) => {
        /// A message key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $( $key ),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$( Msg::$key ),*];

            /// The message in a language, placeholders unfilled.
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Msg::$key, Lang::Nl) => $nl, (Msg::$key, Lang::En) => $en, )*
                }
            }
        }
    };
}

pub(crate) use catalog;
