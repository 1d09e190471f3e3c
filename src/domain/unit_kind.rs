//! Kinds of unit (SPEC §2): what a unit is in the administrative tree.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Kind, Msg, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Tỉnh, thành phố (UBND tỉnh).
    Province,
    /// Sở, ban, ngành.
    Department,
    /// Huyện (before the 2025 reform).
    District,
    /// Xã, phường, đặc khu.
    Commune,
    /// Ngành dọc (a central agency's provincial branch).
    Central,
    Other,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::Department => "department",
            UnitKind::District => "district",
            UnitKind::Commune => "commune",
            UnitKind::Central => "central",
            UnitKind::Other => "other",
        }
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UnitKind {
    type Err = Error;
    /// English names, and the Vietnamese words people write in spreadsheets.
    fn from_str(s: &str) -> Result<UnitKind> {
        let t = s
            .nfc()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        Ok(match t.as_str() {
            "province" | "tỉnh" | "tinh" | "thành phố" => UnitKind::Province,
            "department" | "sở" | "so" | "ban" | "ngành" | "sở, ban, ngành" => UnitKind::Department,
            "district" | "huyện" | "huyen" | "quận" => UnitKind::District,
            "commune" | "xã" | "xa" | "phường" | "phuong" | "đặc khu" => UnitKind::Commune,
            "central" | "ngành dọc" | "nganh doc" => UnitKind::Central,
            "other" | "khác" | "khac" => UnitKind::Other,
            _ => {
                return Err(Error::new(
                    Kind::Invalid,
                    Msg::new(
                        format!("Loại đơn vị không hợp lệ: «{s}» (province, department, district, commune, central, other)"),
                        format!("Invalid unit kind «{s}» (province, department, district, commune, central, other)"),
                    ),
                ))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_kind_words_are_understood() {
        assert_eq!("Xã".parse::<UnitKind>().unwrap(), UnitKind::Commune);
        assert_eq!("sở".parse::<UnitKind>().unwrap(), UnitKind::Department);
        assert_eq!(
            "  Đặc   khu ".parse::<UnitKind>().unwrap(),
            UnitKind::Commune
        );
        assert!("làng".parse::<UnitKind>().is_err());
    }

    #[test]
    fn every_kind_reads_back_its_own_name() {
        for k in [
            UnitKind::Province,
            UnitKind::Department,
            UnitKind::District,
            UnitKind::Commune,
            UnitKind::Central,
            UnitKind::Other,
        ] {
            assert_eq!(k.as_str().parse::<UnitKind>().unwrap(), k);
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }
}
