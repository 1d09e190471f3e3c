//! Whose report a file is: a fill-in workbook says so itself (its identity sheet,
//! checked against what the command line gave); the form's own template filled by
//! hand and the long CSV/JSON format are placed by `--regime/--unit/--period`. Shared
//! by `entry import` and the fallback channel's `report record-offline`.

use std::path::Path;

use rusqlite::Connection;

use crate::entry::{self, CellInput};
use crate::error::{Error, Kind, Msg, Result};
use crate::form::FormDef;
use crate::ops::report::{self, Target};
use crate::store::report as sql;

/// The form version a unit fills now: its open draft's, else the regime's latest.
pub fn form_for(conn: &Connection, t: &Target) -> Result<FormDef> {
    if let Some(id) = sql::report_id(conn, t.regime.id, t.unit.id, &t.period)? {
        if let Some(rev) = sql::revisions(conn, id)?.pop() {
            return crate::ops::form::load(conn, &rev.form_code, Some(rev.form_version));
        }
    }
    crate::ops::form::load(
        conn,
        &t.regime.form,
        crate::ops::regime::form_version_for(&t.regime, &t.period),
    )
}

/// Where a file's values go when it carries no identity of its own.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub regime: Option<String>,
    pub unit: Option<String>,
    pub period: Option<String>,
}

/// What a file said: the report it is for, and the cells.
pub struct Read {
    pub regime: String,
    pub unit: String,
    pub period: String,
    pub form_version: Option<u32>,
    pub cells: Vec<CellInput>,
}

fn is_xlsx(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

/// A file as read from disk, before the database says what it belongs to.
pub enum Loaded {
    /// A fill-in workbook made by `entry template`: identity and cells.
    Filled(entry::read::Filled),
    /// A workbook without identity: the form's own template filled by hand.
    Original,
    /// The long CSV or JSON format.
    Long,
}

/// Reads what can be read without the database: a fill-in workbook whole, the rest
/// later against the form. Pure, so a folder's files can be read on another core
/// while the previous one is stored.
pub fn load(path: &Path) -> Result<Loaded> {
    if !is_xlsx(path) {
        return Ok(Loaded::Long);
    }
    Ok(match entry::read::read_workbook_if_any(path)? {
        Some(filled) => Loaded::Filled(filled),
        None => Loaded::Original,
    })
}

/// Reads one file without touching the database beyond the form lookup.
pub fn read(conn: &Connection, path: &Path, given: &Given) -> Result<Read> {
    resolve(conn, path, load(path)?, given)
}

/// Says whose report a loaded file is: its identity, checked against what the command
/// line gave, or the command line's own `--regime/--unit/--period`.
pub fn resolve(conn: &Connection, path: &Path, loaded: Loaded, given: &Given) -> Result<Read> {
    if let Loaded::Filled(filled) = loaded {
        let id = filled.identity;
        let mismatch = |what_vi: &str, what_en: &str, want: &str, got: &str| {
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Tệp là biểu của {what_vi} {got}, không phải {want}"),
                    format!("The workbook is for {what_en} {got}, not {want}"),
                ),
            )
        };
        if let Some(u) = given.unit.as_deref().filter(|u| u.trim() != id.unit) {
            return Err(mismatch("đơn vị", "unit", u.trim(), &id.unit));
        }
        if let Some(r) = given.regime.as_deref().filter(|r| r.trim() != id.regime) {
            return Err(mismatch("chế độ báo cáo", "regime", r.trim(), &id.regime));
        }
        if let Some(p) = &given.period {
            let r = crate::ops::regime::find(conn, &id.regime)?;
            let want = crate::ops::regime::parse_period(&r, p)?;
            if want != id.period {
                return Err(mismatch("kỳ", "period", &want, &id.period));
            }
        }
        return Ok(Read {
            regime: id.regime,
            unit: id.unit,
            period: id.period,
            form_version: Some(id.form_version),
            cells: filled.cells,
        });
    }
    let (Some(regime), Some(unit), Some(period)) = (&given.regime, &given.unit, &given.period)
    else {
        return Err(Error::new(
            Kind::Usage,
            Msg::new("Tệp không mang thông tin biểu (không phải biểu tải từ baocao): cần --regime, --unit và --period", "The file carries no identity (not a baocao fill-in workbook): give --regime, --unit and --period"),
        ));
    };
    let t = report::locate(conn, regime, unit, period)?;
    let form = form_for(conn, &t)?;
    let cells = match loaded {
        Loaded::Original => entry::read_original_template(path, &form)?,
        _ => entry::read_long(path, &form)?,
    };
    Ok(Read {
        regime: t.regime.code,
        unit: t.unit.code,
        period: t.period,
        form_version: None,
        cells,
    })
}
