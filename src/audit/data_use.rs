//! Data use is logged (Ninh Bình Art. 4(2) forbids copying, showing or moving report
//! data without authority; Art. 4(4) using it without permission): every command that
//! takes report data out — `aggregate`, `export aggregate` (workbook, CSV or JSON),
//! `export dashboard` and `dashboard --regime` (the view) — leaves one audit entry, `data_use:REGIME/PERIOD`, saying who
//! (the entry's actor), what (the command and the kind of use), which regime and
//! period(s), and where the data went (the file written, or standard output).
//!
//! These commands only read; the entry is written in a short transaction of its own
//! once the data is ready. A file export whose entry cannot be written is removed, so
//! no data leaves unlogged.

use std::path::Path;

use rusqlite::Connection;
use serde_json::{json, Map, Value};

use crate::audit::Recorder;
use crate::error::Result;

/// The kind of use: the command that took the data out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Aggregate,
    ExportAggregate,
    ExportDashboard,
    Dashboard,
    /// `exchange export --dhis2`: the units' values as a DHIS2 data value set.
    ExportDhis2,
    /// `reconcile`: the units' values shown against another source.
    Reconcile,
    /// `exchange export`: a signed document carrying report data.
    ExchangeExport,
    /// `report attachment get`: an attachment's bytes.
    Attachment,
    /// `report narrative compile`: the units' narratives in one document.
    CompileNarratives,
}

impl Use {
    /// As the audit entry records it.
    pub fn as_str(self) -> &'static str {
        match self {
            Use::Aggregate => "aggregate",
            Use::ExportAggregate => "export_aggregate",
            Use::ExportDashboard => "export_dashboard",
            Use::Dashboard => "dashboard",
            Use::ExportDhis2 => "export_dhis2",
            Use::Reconcile => "reconcile",
            Use::ExchangeExport => "exchange_export",
            Use::Attachment => "attachment",
            Use::CompileNarratives => "compile_narratives",
        }
    }
}

/// One use of report data.
#[derive(Debug, Clone)]
pub struct DataUse {
    pub what: Use,
    /// The regime (`None`: every regime the actor may see, as `dashboard` allows).
    pub regime: Option<String>,
    /// The period, or `FROM..TO` for a span.
    pub period: String,
    /// `table`, `json`, `csv` or `xlsx`.
    pub format: &'static str,
    /// The file written; `None` for standard output.
    pub out: Option<String>,
    /// Anything else worth keeping (coverage, options).
    pub extra: Map<String, Value>,
}

impl DataUse {
    pub fn new(what: Use, regime: Option<&str>, period: &str) -> DataUse {
        DataUse {
            what,
            regime: regime.map(|r| r.trim().to_string()),
            period: period.trim().to_string(),
            format: "table",
            out: None,
            extra: Map::new(),
        }
    }

    /// Written to `path` (kept as an absolute path, where it can be made one).
    pub fn to_file(mut self, path: &Path) -> DataUse {
        let shown = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.out = Some(shown.display().to_string());
        self
    }

    pub fn format(mut self, format: &'static str) -> DataUse {
        self.format = format;
        self
    }

    pub fn with(mut self, key: &str, value: Value) -> DataUse {
        self.extra.insert(key.to_string(), value);
        self
    }

    /// `data_use:REGIME/PERIOD` (`*` for every regime).
    pub fn object(&self) -> String {
        format!(
            "data_use:{}/{}",
            self.regime.as_deref().unwrap_or("*"),
            self.period
        )
    }

    pub fn detail(&self) -> Value {
        let mut d = Map::new();
        d.insert("use".into(), json!(self.what.as_str()));
        d.insert("regime".into(), json!(self.regime));
        d.insert("period".into(), json!(self.period));
        d.insert("format".into(), json!(self.format));
        d.insert("out".into(), json!(self.out.as_deref().unwrap_or("stdout")));
        for (k, v) in &self.extra {
            d.insert(k.clone(), v.clone());
        }
        Value::Object(d)
    }
}

/// Appends the audit entry of one data use.
pub fn record(conn: &Connection, rec: &Recorder, usage: &DataUse) -> Result<()> {
    rec.event(conn, &usage.object(), usage.detail())
}

/// Hands a written file out only once its use is logged: when `log` fails the file is
/// removed and the error returned. Not logged, not handed out.
pub fn hand_out(path: &Path, log: impl FnOnce() -> Result<()>) -> Result<()> {
    if let Err(e) = log() {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_use_names_its_regime_period_and_destination() {
        let u = DataUse::new(Use::ExportAggregate, Some("KTXH"), "202611")
            .format("xlsx")
            .to_file(Path::new("/tmp/tong-hop.xlsx"))
            .with("units_included", json!(3));
        assert_eq!(u.object(), "data_use:KTXH/202611");
        let d = u.detail();
        assert_eq!(d["use"], "export_aggregate");
        assert_eq!(d["out"], "/tmp/tong-hop.xlsx");
        assert_eq!(d["units_included"], 3);
        let all = DataUse::new(Use::ExportDashboard, None, "202601..202612");
        assert_eq!(all.object(), "data_use:*/202601..202612");
        assert_eq!(all.detail()["out"], "stdout");
    }

    #[test]
    fn a_file_whose_use_cannot_be_logged_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tong-hop.xlsx");
        std::fs::write(&path, b"so lieu").unwrap();
        let refused = || {
            Err(crate::error::Error::new(
                crate::error::Kind::Failure,
                crate::error::Msg::new("không ghi được", "cannot write"),
            ))
        };
        assert!(hand_out(&path, refused).is_err());
        assert!(!path.exists());
        std::fs::write(&path, b"so lieu").unwrap();
        hand_out(&path, || Ok(())).unwrap();
        assert!(path.exists());
    }
}
