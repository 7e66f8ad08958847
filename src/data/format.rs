//! How an input file was written: its encoding, separator, decimal mark and line ends, as
//! detected when it is read.

use serde::{Deserialize, Serialize};

/// The character encoding a table was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 that starts with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// Bytes that are not UTF-8, read as Windows-1252 (Excel's plain "CSV" on Windows; a
    /// superset of Latin-1 for letters such as ë and é).
    Windows1252,
}

/// How a table was written, as detected from its bytes and header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFormat {
    /// `,`, `;` or tab, whichever the header line holds most of.
    pub separator: u8,
    pub encoding: TextEncoding,
    /// With `;` the decimal mark is a comma and a point groups thousands (`1.234,5`), as Dutch
    /// Excel writes numbers.
    pub decimal_comma: bool,
    /// Lines end in CR LF (Windows).
    pub crlf: bool,
}

impl InputFormat {
    /// UTF-8 (with or without BOM), `,`-separated, decimal points: nothing worth noting.
    pub fn is_plain(&self) -> bool {
        self.encoding != TextEncoding::Windows1252 && self.separator == b',' && !self.decimal_comma
    }
}
