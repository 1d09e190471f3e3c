//! The catalogue document (QCVN 125's regime, report form, period catalogue and
//! indicator catalogue packets): units, indicators, forms, regimes and their periods.
//!
//! Content: `{"units": [unit export rows], "indicators": [indicator export rows],
//! "forms": [{code, version, name, …}], "regimes": [regime as `regime show` gives it]}`.
//! A regime's `frequency`, `window` and `deadline_rule` are its period catalogue: the
//! periods and deadlines follow from them (`period show`).
//!
//! Importing one (sysadmin) creates and updates units and indicators exactly as
//! `unit import` and `indicator import` would (an indicator's and a form's `owner_unit`
//! say who owns it at the sender and change no owner here); forms and regimes are compared by code
//! and version: one this instance does not have is listed as not imported (a form
//! comes from its template, `form import`; a regime from its decision, `regime add`).
//! The outline template (mẫu đề cương) of a regime this instance has is taken as
//! `regime outline set` would set it.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::document::Document;
use super::{DocumentOutcome, ImportConflict};
use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::error::{Error, Kind, Msg, Result};

/// The catalogue as `actor` (a sysadmin) exports it, and the unit it is sent from
/// (the installation's top unit).
pub fn content(conn: &Connection, actor: &Actor) -> Result<(String, Value)> {
    actor.require_sysadmin(Msg::new(
        "xuất danh mục (chỉ quản trị hệ thống)",
        "export the catalogue (sysadmin only)",
    ))?;
    let units = crate::ops::unit::export_rows(conn, true)?;
    let indicators = crate::ops::indicator::export(conn)?;
    let forms = crate::ops::form::list(conn, false)?;
    let regimes = crate::ops::regime::list(conn, false)?;
    let outlines = crate::ops::outline::carried(conn)?;
    let unit = super::system_code(conn)?;
    Ok((
        unit,
        json!({
            "units": units,
            "indicators": indicators,
            "forms": forms,
            "regimes": regimes,
            "outlines": outlines,
        }),
    ))
}

fn malformed(doc: &Document, what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(
        Kind::Invalid,
        Msg::new(
            format!(
                "Danh mục của {}: phần {what} không đúng mẫu: {e}",
                doc.sender.unit
            ),
            format!(
                "The catalogue from {}: its {what} are malformed: {e}",
                doc.sender.unit
            ),
        ),
    )
}

fn list<T: serde::de::DeserializeOwned>(doc: &Document, what: &str) -> Result<Vec<(usize, T)>> {
    let items = match doc.content.get(what) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(malformed(doc, what, "not a list")),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value::<T>(v)
                .map(|t| (i + 1, t))
                .map_err(|e| malformed(doc, what, e))
        })
        .collect()
}

/// Applies (or with `dry_run` measures) a catalogue document into `outcome`.
pub fn import(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    doc: &Document,
    dry_run: bool,
    outcome: &mut DocumentOutcome,
) -> Result<()> {
    actor.require_sysadmin(Msg::new(
        "nhập danh mục (chỉ quản trị hệ thống)",
        "import a catalogue (sysadmin only)",
    ))?;
    let units: Vec<(usize, crate::ops::unit::UnitInput)> = list(doc, "units")?;
    let indicators: Vec<(usize, crate::ops::indicator::IndicatorInput)> = list(doc, "indicators")?;
    // Measured first, applied only when neither part conflicts: one refusal names all.
    let u = crate::ops::unit::import(conn, actor, rec, &units, true)?;
    let i = crate::ops::indicator::import(conn, actor, rec, &indicators, None, true)?;
    let outlines: Vec<(usize, crate::ops::outline::Carried)> = list(doc, "outlines")?;
    let o = crate::ops::outline::take_carried(conn, rec, &doc.sender.unit, &outlines, true)?;
    let mut conflicts: Vec<ImportConflict> = Vec::new();
    for (object, c) in u
        .conflicts
        .iter()
        .map(|c| ("unit", c))
        .chain(i.conflicts.iter().map(|c| ("indicator", c)))
    {
        conflicts.push(ImportConflict {
            object: object.into(),
            code: c.code.clone(),
            reason: c.reason.clone(),
            msg: c.msg.clone(),
        });
    }
    for (object, code, version, known) in known_forms_and_regimes(conn, doc)? {
        if known {
            outcome.unchanged += 1;
            continue;
        }
        // Not a conflict: a form comes from its template, a regime from its decision;
        // the receiver adds them (`form import`, `regime add`) when it takes them up.
        let msg = match object {
            "form" => Msg::new(
                format!("biểu mẫu {code} phiên bản {version} chưa có ở đây (nhập mẫu .xlsx bằng `form import`)"),
                format!("form {code} version {version} is not here (import its .xlsx with `form import`)"),
            ),
            _ => Msg::new(
                format!("chế độ {code} chưa có ở đây (tạo bằng `regime add`)"),
                format!("regime {code} is not here (create it with `regime add`)"),
            ),
        };
        outcome.not_imported.push(ImportConflict {
            object: object.into(),
            code,
            reason: msg.vi.clone(),
            msg,
        });
    }
    outcome.created += u.created + i.created + o.created;
    outcome.updated += u.updated + i.updated + o.updated;
    outcome.unchanged += u.unchanged + i.unchanged + o.unchanged;
    if conflicts.is_empty() && !dry_run {
        crate::ops::unit::import(conn, actor, rec, &units, false)?;
        crate::ops::indicator::import(conn, actor, rec, &indicators, None, false)?;
        crate::ops::outline::take_carried(conn, rec, &doc.sender.unit, &outlines, false)?;
    }
    outcome.conflicts.extend(conflicts);
    Ok(())
}

/// Each form (code, version) and regime (code) the document names, and whether this
/// instance has it.
fn known_forms_and_regimes(
    conn: &Connection,
    doc: &Document,
) -> Result<Vec<(&'static str, String, String, bool)>> {
    let mut out = Vec::new();
    let forms: std::collections::HashSet<(String, i64)> = crate::ops::form::list(conn, true)?
        .into_iter()
        .map(|f| (f.form.code, f.form.version))
        .collect();
    for (_, f) in list::<Value>(doc, "forms")? {
        let code = f.get("code").and_then(Value::as_str).unwrap_or_default();
        let version = f.get("version").and_then(Value::as_i64).unwrap_or_default();
        out.push((
            "form",
            code.to_string(),
            version.to_string(),
            forms.contains(&(code.to_string(), version)),
        ));
    }
    for (_, r) in list::<Value>(doc, "regimes")? {
        let code = r.get("code").and_then(Value::as_str).unwrap_or_default();
        let known = crate::ops::regime::find(conn, code).is_ok();
        out.push(("regime", code.to_string(), String::new(), known));
    }
    Ok(out)
}
