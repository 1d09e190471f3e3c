//! The effective working-day calendar of this database: the built-in rules of
//! `domain::calendar` plus the administrator's overrides (the official yearly schedule),
//! each change audited.

use std::path::Path;

use jiff::civil::Date;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::domain::calendar::{Override, OverrideKind, WorkCalendar};
use crate::domain::worktime::Outage;
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::input;
use crate::store::calendar::{self as sql, OverrideRow};

/// The calendar every deadline computation uses.
pub fn load(conn: &Connection) -> Result<WorkCalendar> {
    let mut list = Vec::new();
    for r in sql::all(conn)? {
        let (Ok(date), Ok(kind)) = (r.date.parse::<Date>(), r.kind.parse::<OverrideKind>()) else {
            continue;
        };
        list.push(Override {
            date,
            kind,
            name: r.name,
        });
    }
    Ok(WorkCalendar::new(list).with_outages(outage_spans(conn)?))
}

/// The outages as the calendar carries them (recorded outages only).
fn outage_spans(conn: &Connection) -> Result<Vec<Outage>> {
    let local =
        |stored: &str| Some(crate::clock::to_local(crate::clock::parse_stored(stored)?).datetime());
    Ok(crate::store::notice::outages(conn)?
        .into_iter()
        .filter_map(|o| {
            Some(Outage {
                id: o.id,
                from: local(&o.starts_at)?,
                to: local(&o.ends_at)?,
                regime: o.regime,
                reason: o.reason,
            })
        })
        .collect())
}

/// Built-in rules only, for commands run without a database.
pub fn builtin() -> WorkCalendar {
    WorkCalendar::new(Vec::new())
}

fn can_write(actor: &Actor) -> Result<()> {
    actor.require_sysadmin(Msg::new(
        "sửa lịch làm việc (chỉ quản trị hệ thống)",
        "change the working calendar (sysadmin only)",
    ))
}

fn default_name(kind: OverrideKind) -> &'static str {
    match kind {
        OverrideKind::Off => "Ngày nghỉ theo thông báo",
        OverrideKind::Workday => "Ngày làm bù",
    }
}

pub fn set(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    date: Date,
    kind: OverrideKind,
    name: Option<&str>,
) -> Result<OverrideRow> {
    can_write(actor)?;
    let name = match input::optional_name("Tên ngày", "Day name", name, 200)? {
        Some(n) => n,
        None => default_name(kind).to_string(),
    };
    let row = OverrideRow {
        date: date.to_string(),
        kind: kind.to_string(),
        name,
    };
    if sql::get(conn, &row.date)?.as_ref() == Some(&row) {
        return Ok(row);
    }
    sql::upsert(conn, &row)?;
    rec.change(
        conn,
        "calendar",
        &row.date,
        json!({"kind": row.kind, "name": row.name}),
    )?;
    Ok(row)
}

pub fn remove(conn: &Connection, actor: &Actor, rec: &Recorder, date: Date) -> Result<OverrideRow> {
    can_write(actor)?;
    let d = date.to_string();
    let Some(row) = sql::get(conn, &d)? else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có ngày điều chỉnh {d}"),
                format!("No calendar override on {d}"),
            ),
        ));
    };
    sql::remove(conn, &d)?;
    rec.change(conn, "calendar", &d, json!({"removed": row}))?;
    Ok(row)
}

/// Reads the official schedule: CSV `date,kind,name`, kind `off` or `workday`.
pub fn read_file(path: &Path) -> Result<Vec<(usize, Override)>> {
    parse(&crate::files::read_text(path)?)
}

pub fn parse(text: &str) -> Result<Vec<(usize, Override)>> {
    crate::files::read_csv(text, &["date", "kind"], &["name"], |line, r| {
        let date = crate::clock::parse_date(&r["date"])?;
        let kind = r["kind"].parse::<OverrideKind>().map_err(|_| {
            let k = &r["kind"];
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("loại ngày «{k}» không hợp lệ (off hoặc workday)"),
                    format!("day kind «{k}» is invalid (off or workday)"),
                ),
            )
        })?;
        let name = match input::optional_name(
            "Tên ngày",
            "Day name",
            r.get("name").map(String::as_str),
            200,
        )? {
            Some(n) => n,
            None => default_name(kind).to_string(),
        };
        Ok((line, Override { date, kind, name }))
    })
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<crate::ops::unit::Conflict>,
}

pub fn import(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    rows: &[(usize, Override)],
    dry_run: bool,
    lang: Lang,
) -> Result<ImportReport> {
    can_write(actor)?;
    let mut report = ImportReport {
        dry_run,
        created: 0,
        updated: 0,
        unchanged: 0,
        conflicts: Vec::new(),
    };
    let mut seen = std::collections::HashMap::new();
    for (line, o) in rows {
        if let Some((first, kind)) = seen.insert(o.date, (*line, o.kind)) {
            if kind != o.kind {
                let msg = Msg::new(
                    format!("ngày trùng với dòng {first} nhưng khác loại"),
                    format!("date repeats line {first} with another kind"),
                );
                report.conflicts.push(crate::ops::unit::Conflict {
                    line: *line,
                    code: o.date.to_string(),
                    reason: msg.get(lang).to_string(),
                    msg,
                });
            }
            continue;
        }
        match sql::get(conn, &o.date.to_string())? {
            None => report.created += 1,
            Some(r) if r.kind == o.kind.to_string() && r.name == o.name => report.unchanged += 1,
            Some(_) => report.updated += 1,
        }
    }
    if dry_run {
        return Ok(report);
    }
    if !report.conflicts.is_empty() {
        let details = report
            .conflicts
            .iter()
            .map(|c| {
                Msg::new(
                    format!("dòng {}: {}", c.line, c.msg.vi),
                    format!("line {}: {}", c.line, c.msg.en),
                )
            })
            .collect();
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Tệp lịch có xung đột; không ghi gì",
                "The schedule has conflicts; nothing was written",
            ),
        )
        .with_details(details));
    }
    for (_, o) in rows {
        set(conn, actor, rec, o.date, o.kind, Some(&o.name))?;
    }
    Ok(report)
}
