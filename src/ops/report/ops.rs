//! Whole operations behind the `report …` and `entry set` commands: typed input in,
//! typed result out, nothing printed (the CLI parses, calls and renders).

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{json, Value};

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::domain::calendar::WorkCalendar;
use crate::error::{Error, Kind, Msg, Result};
use crate::ops::monitor::Excluded;
use crate::ops::regime;
use crate::store::regime as rsql;
use crate::store::report::{self as sql, Revision, Stored, ValueMap};
use crate::store::unit as units;

use super::{Draft, Target};

/// Resolves a report, defaulting the unit to the actor's own.
pub fn locate_for(
    conn: &Connection,
    actor: &Actor,
    regime: &str,
    unit: Option<&str>,
    period: &str,
) -> Result<Target> {
    let unit = match unit {
        Some(u) => u.to_string(),
        None => units::by_id(conn, actor.unit_id)?
            .map(|u| u.code)
            .unwrap_or_default(),
    };
    super::locate(conn, regime, &unit, period)
}

/// Refuses unless the actor may read the report (any grant over its unit, or its
/// lead unit's).
pub fn require_readable(conn: &Connection, actor: &Actor, t: &Target) -> Result<()> {
    let tree = units::tree(conn)?;
    actor.require(
        super::can_read(actor, &tree, t),
        Msg::new(
            format!("xem báo cáo {}", t.reference()),
            format!("view report {}", t.reference()),
        ),
    )
}

/// The outcome of `report verify`: `signature_valid` is `None` when the revision
/// carries no signature.
#[derive(Debug, Serialize)]
pub struct Verified {
    pub report: String,
    pub revision: i64,
    pub signed_by: Option<String>,
    pub sent_at: Option<String>,
    pub signature_valid: Option<bool>,
}

/// `report verify`: checks revision `revision` (else the last signed one) of the
/// report against the database now.
pub fn verify(conn: &Connection, t: &Target, revision: Option<i64>) -> Result<Verified> {
    let Some(report_id) = sql::report_id(conn, t.regime.id, t.unit.id, &t.period)? else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Chưa có báo cáo {}", t.reference()),
                format!("No report {} yet", t.reference()),
            ),
        ));
    };
    let revs = sql::revisions(conn, report_id)?;
    let rev = match revision {
        Some(n) => revs.into_iter().find(|r| r.number == n),
        None => revs.into_iter().rev().find(|r| r.signature.is_some()),
    }
    .ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            Msg::new("Không có bản báo cáo đã ký", "No signed revision"),
        )
    })?;
    let ok = super::signature_ok(conn, t, &rev)?;
    Ok(Verified {
        report: t.reference(),
        revision: rev.number,
        signed_by: rev.signed_by,
        sent_at: rev.sent_at,
        signature_valid: ok,
    })
}

/// Whether a revision holds figures: a narrative or any value.
pub fn has_figures(conn: &Connection, rev: &Revision) -> Result<bool> {
    Ok(rev.narrative.is_some() || !sql::values(conn, rev.id)?.is_empty())
}

/// What `report list` is asked for.
#[derive(Debug, Default)]
pub struct ListFilter<'a> {
    pub regime: Option<&'a str>,
    pub period: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub status: Option<&'a str>,
}

/// `report list`: the reports the actor may read, as rows, and the periods left out
/// because the obligation rule does not apply to them.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    f: &ListFilter<'_>,
    now: Timestamp,
    cal: &WorkCalendar,
) -> Result<(Vec<Value>, Vec<Excluded>)> {
    let tree = units::tree(conn)?;
    let mut excluded = Vec::new();
    let regimes = match f.regime {
        Some(c) => vec![regime::find(conn, c)?],
        None => rsql::all(conn)?,
    };
    let unit_filter = f
        .unit
        .map(|c| crate::ops::unit::find(conn, c))
        .transpose()?;
    let mut out = Vec::new();
    for r in &regimes {
        // With a period: every assigned unit, sent or not. Without: the reports there are.
        let mut keys: Vec<(String, String)> = Vec::new();
        match f.period {
            Some(p) => {
                let p = regime::parse_period(r, p)?;
                for a in rsql::assignments(conn, r.id, true)? {
                    keys.push((a.unit, p.clone()));
                }
            }
            None => {
                for (_, _, _, u, p) in sql::reports(conn, Some(r.id), None)? {
                    keys.push((u, p));
                }
            }
        }
        for (u, p) in keys {
            let t = super::locate(conn, &r.code, &u, &p)?;
            if unit_filter
                .as_ref()
                .is_some_and(|f| !tree.within(t.unit.id, f.id))
                || !super::can_read(actor, &tree, &t)
            {
                continue;
            }
            let v = super::view(conn, &t, now, cal, false)?;
            // The obligation rule `status`, `overdue` and `compliance` apply:
            // a period due before the unit was assigned, with nothing sent, is
            // left out and named, not listed as missing.
            if let Some(a) = rsql::assignment(conn, r.id, t.unit.id)?.filter(|a| a.active) {
                if let Some(x) =
                    crate::ops::monitor::exclusion(r, &a, &t.period, v.sent_at.is_some(), cal)?
                {
                    excluded.push(x);
                    continue;
                }
            }
            if f.status
                .is_some_and(|s| s != v.status.as_str() && s != v.timeliness.as_str())
            {
                continue;
            }
            out.push(json!({"regime": v.regime, "period": v.period, "unit": v.unit, "unit_name": v.unit_name, "status": v.status, "revision": v.revision, "effective_revision": v.effective_revision, "timeliness": v.timeliness, "deadline": v.deadline, "sent_at": v.sent_at, "channel": v.channel}));
        }
    }
    Ok((out, excluded))
}

/// The outcome of `entry set`.
#[derive(Debug, Serialize)]
pub struct CellSet {
    pub report: String,
    pub revision: i64,
    pub row: String,
    pub column: String,
    pub value: Stored,
    pub unchanged: bool,
}

/// `entry set`: one cell of the report's draft, checked against its form and the
/// unit's assignment, merged into the draft.
pub fn set_cell(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    t: &Target,
    row: &str,
    column: &str,
    value: &str,
) -> Result<CellSet> {
    let form = crate::ops::form::load(conn, &t.regime.form, None)?;
    let assigned = rsql::assignment(conn, t.regime.id, t.unit.id)?;
    let (rk, ck, stored) =
        crate::ops::entry::cell::parse_cell(&form, assigned.as_ref(), row, column, value)?;
    let mut map = ValueMap::new();
    map.insert((rk.clone(), ck.clone()), stored.clone());
    let s = super::store_values(
        conn,
        actor,
        rec,
        &units::tree(conn)?,
        t,
        &map,
        Draft {
            warnings: Vec::new(),
            merge: true,
        },
    )?;
    Ok(CellSet {
        report: t.reference(),
        revision: s.revision,
        row: rk,
        column: ck,
        value: stored,
        unchanged: s.unchanged,
    })
}
