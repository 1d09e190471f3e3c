//! Soft warnings kept on a report revision, stored language-neutrally: a key and its
//! arguments (`{"cell":"T!D12","key":"blank","args":{"row":"Nông nghiệp","column":"2"}}`),
//! rendered in the reader's language when shown. Importing the same file again with
//! another `--lang` stores the same warnings, so it stays a no-op.
//!
//! Revisions stored before warnings had keys hold plain text in the language of the
//! import that made them; such a warning reads back as the key `text` and is shown as
//! it was written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(test)]
use crate::error::Lang;
use crate::error::Msg;

/// One soft warning: where (when known), what (`key`) and the values it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredWarning")]
pub struct Warning {
    /// `'Biểu 01'!D12`, `data.csv:7`, ... as the reader gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// `blank`, `blank_more`, `legacy_text`, `outlier`, or `text` (stored as text).
    pub key: String,
    pub args: BTreeMap<String, String>,
}

/// What the database may hold: a warning with a key, or an older plain text.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredWarning {
    Keyed {
        #[serde(default)]
        cell: Option<String>,
        key: String,
        #[serde(default)]
        args: BTreeMap<String, String>,
    },
    Text(String),
}

impl From<StoredWarning> for Warning {
    fn from(s: StoredWarning) -> Warning {
        match s {
            StoredWarning::Keyed { cell, key, args } => Warning { cell, key, args },
            StoredWarning::Text(text) => Warning::new(None, "text", &[("text", text)]),
        }
    }
}

impl Warning {
    pub fn new(cell: Option<&str>, key: &str, args: &[(&str, String)]) -> Warning {
        Warning {
            cell: cell.filter(|c| !c.is_empty()).map(str::to_string),
            key: key.to_string(),
            args: args
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }

    fn arg(&self, name: &str) -> &str {
        self.args.get(name).map_or("?", String::as_str)
    }

    /// `CELL: message` in both languages (the message alone when there is no cell): the
    /// face picks the reader's.
    pub fn msg(&self) -> Msg {
        let m = self.message();
        match &self.cell {
            Some(c) => Msg::new(format!("{c}: {}", m.vi), format!("{c}: {}", m.en)),
            None => m,
        }
    }

    /// The message alone.
    pub fn message(&self) -> Msg {
        let a = |name: &str| self.arg(name);
        match self.key.as_str() {
            "blank" => Msg::new(
                format!("«{}», cột {}: chưa nhập số liệu", a("row"), a("column")),
                format!("«{}», column {}: left blank", a("row"), a("column")),
            ),
            "blank_more" => Msg::new(
                format!("và {} ô bắt buộc khác chưa nhập", a("count")),
                format!("and {} more required cells left blank", a("count")),
            ),
            "legacy_text" => Msg::new(
                format!(
                    "văn bản mã {} đã được chuyển sang Unicode: «{}»",
                    a("encoding"),
                    a("text")
                ),
                format!(
                    "{} text converted to Unicode: «{}»",
                    a("encoding"),
                    a("text")
                ),
            ),
            "outlier" => self.outlier(),
            // Written before warnings had keys: as stored, in the language it was.
            "text" => Msg::new(a("text"), a("text")),
            // A key this version does not know (written by a newer one): as stored.
            other => {
                let args: Vec<String> = self.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let text = format!("{other} ({})", args.join(", "));
                Msg::new(text.clone(), text)
            }
        }
    }

    fn outlier(&self) -> Msg {
        let a = |name: &str| self.arg(name);
        let (mut vi, mut en) = (Vec::new(), Vec::new());
        if let Some(z) = self.args.get("z") {
            let periods = a("periods");
            vi.push(format!(
                "lệch xa lịch sử của chính đơn vị (z hiệu chỉnh = {z}, qua {periods} kỳ)"
            ));
            en.push(format!(
                "far from the unit's own history (modified z-score {z} over {periods} periods)"
            ));
        }
        if let Some(prev) = self.args.get("previous") {
            vi.push(format!(
                "thay đổi từ 10 lần trở lên so với kỳ trước ({prev})"
            ));
            en.push(format!(
                "changed tenfold or more from the previous period ({prev})"
            ));
        }
        let (row, column, value) = (a("row"), a("column"), a("value"));
        Msg::new(
            format!(
                "dòng {row}, cột {column}: giá trị {value} {}",
                vi.join("; ")
            ),
            format!(
                "row {row}, column {column}: the value {value} is {}",
                en.join("; ")
            ),
        )
    }

    /// [`Warning::msg`] in one language, for tests that read it.
    #[cfg(test)]
    pub fn text(&self, lang: Lang) -> String {
        self.msg().get(lang).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyed_warning_round_trips_and_renders_in_either_language() {
        let w = Warning::new(
            Some("T!D12"),
            "blank",
            &[("row", "Nông nghiệp".into()), ("column", "2".into())],
        );
        let stored = serde_json::to_string(&w).expect("json");
        assert_eq!(
            stored,
            r#"{"cell":"T!D12","key":"blank","args":{"column":"2","row":"Nông nghiệp"}}"#
        );
        let back: Warning = serde_json::from_str(&stored).expect("read back");
        assert_eq!(back, w);
        assert_eq!(
            back.text(Lang::Vi),
            "T!D12: «Nông nghiệp», cột 2: chưa nhập số liệu"
        );
        assert_eq!(
            back.text(Lang::En),
            "T!D12: «Nông nghiệp», column 2: left blank"
        );
    }

    #[test]
    fn an_old_plain_text_warning_reads_back_as_written() {
        let old: Vec<Warning> =
            serde_json::from_str(r#"["T!D12: «Nông nghiệp», cột 2: chưa nhập số liệu"]"#)
                .expect("old format");
        assert_eq!(old[0].key, "text");
        assert_eq!(
            old[0].text(Lang::En),
            "T!D12: «Nông nghiệp», cột 2: chưa nhập số liệu"
        );
    }

    #[test]
    fn an_outlier_names_its_reasons() {
        let w = Warning::new(
            None,
            "outlier",
            &[
                ("row", "nam".into()),
                ("column", "th".into()),
                ("value", "5020".into()),
                ("previous", "502".into()),
            ],
        );
        assert_eq!(
            w.text(Lang::En),
            "row nam, column th: the value 5020 is changed tenfold or more from the previous period (502)"
        );
        assert!(w.text(Lang::Vi).contains("thay đổi từ 10 lần"));
    }
}
