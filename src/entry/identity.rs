//! The identity sheet of a fill-in workbook ([`super::workbook`]): its name, format
//! tag, keys and checksum, and the identity it carries; written by the workbook,
//! checked by the reader.

use sha2::{Digest, Sha256};

/// The name of the hidden sheet holding the identity and the layout map.
pub const IDENTITY_SHEET: &str = "_baocao";
/// The format tag written first in the identity sheet.
pub(crate) const FORMAT_TAG: &str = "baocao-fill-in/1";

/// Who a workbook is for: written into it, read back on import.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    /// Regime code.
    pub regime: String,
    pub form_code: String,
    pub form_version: u32,
    /// Reporting unit code.
    pub unit: String,
    /// The unit's name as printed after `Đơn vị báo cáo:`.
    pub unit_name: String,
    /// Canonical period id (`202611`).
    pub period: String,
    /// The period in words as printed (`Tháng 11 năm 2026`).
    pub period_words: String,
}

/// SHA-256 (hex) of the rows as a JSON array of arrays of strings, trailing empty
/// strings of each row left out (a sheet does not keep empty cells).
pub(crate) fn checksum(rows: &[Vec<String>]) -> String {
    let trimmed: Vec<&[String]> = rows
        .iter()
        .map(|r| {
            let keep = r.iter().rposition(|s| !s.is_empty()).map_or(0, |i| i + 1);
            &r[..keep]
        })
        .collect();
    let json = serde_json::to_string(&trimmed).unwrap_or_default();
    hex::encode(Sha256::digest(json.as_bytes()))
}

/// The keys of the identity sheet's single-valued rows, in order.
pub(crate) const IDENTITY_KEYS: [&str; 9] = [
    "format",
    "regime",
    "form_code",
    "form_version",
    "unit",
    "unit_name",
    "period",
    "period_words",
    "sheet",
];
