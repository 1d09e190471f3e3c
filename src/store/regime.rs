//! SQL of regimes, assignments and reception windows.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::error::Result;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Regime {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub content: Option<String>,
    pub legal_basis: Option<String>,
    pub method: Option<String>,
    pub form: String,
    pub frequency: Option<String>,
    pub window: String,
    pub deadline_rule: Option<String>,
    pub period_label: Option<String>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub deadline_at: Option<String>,
    /// The lead unit's code (cơ quan chủ trì), which receives and aggregates.
    pub lead_unit: String,
    #[serde(skip)]
    pub lead_unit_id: i64,
    pub receivers: Vec<String>,
    pub status: String,
    /// The rule sets in force from a period on, oldest first (the first is the
    /// original); the fields above are the newest. See `ops::regime::rules_for`.
    #[serde(skip)]
    pub versions: Vec<Version>,
    /// Thematic and ad hoc regimes: their requests, each a period, oldest first.
    #[serde(skip)]
    pub requests: Vec<Request>,
}

/// A regime's rules in force from a period on (sửa đổi, bổ sung, bãi bỏ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    pub seq: i64,
    /// The first period it applies to; null: from the beginning (the original).
    pub from_period: Option<String>,
    /// original | amend | supplement | abolish
    pub kind: String,
    pub window: String,
    pub deadline_rule: Option<String>,
    pub lead_unit: String,
    #[serde(skip)]
    pub lead_unit_id: i64,
    pub form: String,
    /// The version of `form` its reports use; null: the latest when a report is made.
    pub form_version: Option<i64>,
    pub receivers: Vec<String>,
    /// Units that owe the regime from `from_period` on by this version (giao thêm).
    pub assigned: Vec<String>,
    /// Units that no longer owe it from `from_period` on by this version (thôi giao).
    pub unassigned: Vec<String>,
    /// The deciding document (số, ngày của quyết định).
    pub decision: Option<String>,
    pub reason: Option<String>,
    pub actor: Option<String>,
    pub at: String,
}

/// One request (yêu cầu báo cáo) of a thematic or ad hoc regime: a period of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub period: String,
    pub start: String,
    pub end: String,
    pub deadline: String,
    /// The units asked (null: every assigned unit).
    pub units: Option<Vec<String>>,
    pub reason: Option<String>,
    /// active | cancelled
    pub status: String,
    pub actor: Option<String>,
    pub at: String,
}

const SELECT: &str = "SELECT r.id, r.code, r.name, r.type, r.content, r.legal_basis, r.method, r.form_code, r.frequency, r.window_kind,
    r.deadline_rule, r.period_label, r.window_start, r.window_end, r.deadline_at, u.code, r.lead_unit_id, r.receivers, r.status
    FROM regime r JOIN unit u ON u.id = r.lead_unit_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Regime> {
    let receivers: Option<String> = r.get(17)?;
    Ok(Regime {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        content: r.get(4)?,
        legal_basis: r.get(5)?,
        method: r.get(6)?,
        form: r.get(7)?,
        frequency: r.get(8)?,
        window: r.get(9)?,
        deadline_rule: r.get(10)?,
        period_label: r.get(11)?,
        window_start: r.get(12)?,
        window_end: r.get(13)?,
        deadline_at: r.get(14)?,
        lead_unit: r.get(15)?,
        lead_unit_id: r.get(16)?,
        receivers: receivers
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        status: r.get(18)?,
        versions: Vec::new(),
        requests: Vec::new(),
    })
}

fn json_list(s: Option<String>) -> Option<Vec<String>> {
    s.and_then(|s| serde_json::from_str(&s).ok())
}

const VERSION_SELECT: &str =
    "SELECT v.regime_id, v.seq, v.from_period, v.kind, v.window_kind, v.deadline_rule, u.code,
    v.lead_unit_id, v.form_code, v.receivers, v.decision, v.reason, v.actor, v.at, v.form_version,
    v.assigned, v.unassigned
    FROM regime_version v JOIN unit u ON u.id = v.lead_unit_id";

fn version_from(r: &Row<'_>) -> rusqlite::Result<(i64, Version)> {
    Ok((
        r.get(0)?,
        Version {
            seq: r.get(1)?,
            from_period: r.get(2)?,
            kind: r.get(3)?,
            window: r.get(4)?,
            deadline_rule: r.get(5)?,
            lead_unit: r.get(6)?,
            lead_unit_id: r.get(7)?,
            form: r.get(8)?,
            form_version: r.get(14)?,
            receivers: json_list(r.get(9)?).unwrap_or_default(),
            assigned: json_list(r.get(15)?).unwrap_or_default(),
            unassigned: json_list(r.get(16)?).unwrap_or_default(),
            decision: r.get(10)?,
            reason: r.get(11)?,
            actor: r.get(12)?,
            at: r.get(13)?,
        },
    ))
}

const REQUEST_SELECT: &str = "SELECT regime_id, period, window_start, window_end, deadline_at, units, reason, status, actor, at
    FROM regime_request";

fn request_from(r: &Row<'_>) -> rusqlite::Result<(i64, Request)> {
    Ok((
        r.get(0)?,
        Request {
            period: r.get(1)?,
            start: r.get(2)?,
            end: r.get(3)?,
            deadline: r.get(4)?,
            units: json_list(r.get(5)?),
            reason: r.get(6)?,
            status: r.get(7)?,
            actor: r.get(8)?,
            at: r.get(9)?,
        },
    ))
}

/// Fills in the versions and requests of `list` (of one regime, `only`, or of all).
fn with_history(
    conn: &Connection,
    mut list: Vec<Regime>,
    only: Option<i64>,
) -> Result<Vec<Regime>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{VERSION_SELECT} WHERE ?1 IS NULL OR v.regime_id = ?1 ORDER BY v.regime_id, v.seq"
    ))?;
    let versions = stmt
        .query_map([only], version_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(&format!(
        "{REQUEST_SELECT} WHERE ?1 IS NULL OR regime_id = ?1 ORDER BY regime_id, id"
    ))?;
    let requests = stmt
        .query_map([only], request_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut by_id: std::collections::HashMap<i64, usize> = Default::default();
    for (i, r) in list.iter().enumerate() {
        by_id.insert(r.id, i);
    }
    for (id, v) in versions {
        if let Some(&i) = by_id.get(&id) {
            list[i].versions.push(v);
        }
    }
    for (id, q) in requests {
        if let Some(&i) = by_id.get(&id) {
            list[i].requests.push(q);
        }
    }
    Ok(list)
}

fn one_with_history(conn: &Connection, r: Option<Regime>) -> Result<Option<Regime>> {
    match r {
        Some(r) => {
            let id = r.id;
            Ok(with_history(conn, vec![r], Some(id))?.pop())
        }
        None => Ok(None),
    }
}

/// Appends a version of a regime's rules.
pub fn insert_version(conn: &Connection, regime_id: i64, v: &Version) -> Result<()> {
    conn.execute(
        "INSERT INTO regime_version(regime_id, seq, from_period, kind, window_kind, deadline_rule, lead_unit_id, form_code,
                                    receivers, decision, reason, actor, at, form_version, assigned, unassigned)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            regime_id, v.seq, v.from_period, v.kind, v.window, v.deadline_rule, v.lead_unit_id, v.form,
            serde_json::to_string(&v.receivers)?, v.decision, v.reason, v.actor, v.at, v.form_version,
            (!v.assigned.is_empty()).then(|| serde_json::to_string(&v.assigned)).transpose()?,
            (!v.unassigned.is_empty()).then(|| serde_json::to_string(&v.unassigned)).transpose()?
        ],
    )?;
    Ok(())
}

/// Rewrites the rules of a version (not who it assigns): a rule change made behind a
/// version that only changed who owes the regime carries into it.
pub fn update_version_rules(conn: &Connection, regime_id: i64, v: &Version) -> Result<()> {
    conn.execute(
        "UPDATE regime_version SET window_kind = ?3, deadline_rule = ?4, lead_unit_id = ?5, form_code = ?6,
                form_version = ?7, receivers = ?8
         WHERE regime_id = ?1 AND seq = ?2",
        params![
            regime_id, v.seq, v.window, v.deadline_rule, v.lead_unit_id, v.form, v.form_version,
            serde_json::to_string(&v.receivers)?
        ],
    )?;
    Ok(())
}

/// Adds a request of a thematic or ad hoc regime.
pub fn insert_request(conn: &Connection, regime_id: i64, q: &Request) -> Result<()> {
    conn.execute(
        "INSERT INTO regime_request(regime_id, period, window_start, window_end, deadline_at, units, reason, status, actor, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            regime_id, q.period, q.start, q.end, q.deadline,
            q.units.as_ref().map(serde_json::to_string).transpose()?, q.reason, q.status, q.actor, q.at
        ],
    )?;
    Ok(())
}

/// Cancels a request.
pub fn cancel_request(conn: &Connection, regime_id: i64, period: &str) -> Result<()> {
    conn.execute(
        "UPDATE regime_request SET status = 'cancelled' WHERE regime_id = ?1 AND period = ?2",
        params![regime_id, period],
    )?;
    Ok(())
}

/// The periods a regime's reports exist for (any status).
pub fn report_periods(conn: &Connection, regime_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT period FROM report WHERE regime_id = ?1 ORDER BY period",
    )?;
    let rows = stmt.query_map([regime_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The periods one unit's reports of a regime exist for (any status).
pub fn unit_report_periods(conn: &Connection, regime_id: i64, unit_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT period FROM report WHERE regime_id = ?1 AND unit_id = ?2 ORDER BY period",
    )?;
    let rows = stmt.query_map(params![regime_id, unit_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn all(conn: &Connection) -> Result<Vec<Regime>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY r.code"))?;
    let rows = stmt.query_map([], from_row)?;
    let list = rows.collect::<rusqlite::Result<_>>()?;
    with_history(conn, list, None)
}

pub fn by_code(conn: &Connection, code: &str) -> Result<Option<Regime>> {
    let r = conn
        .query_row(&format!("{SELECT} WHERE r.code = ?1"), [code], from_row)
        .optional()?;
    one_with_history(conn, r)
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Option<Regime>> {
    let r = conn
        .query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], from_row)
        .optional()?;
    one_with_history(conn, r)
}

pub fn insert(conn: &Connection, r: &Regime, at: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO regime(code, name, type, content, legal_basis, method, form_code, frequency, window_kind, deadline_rule,
                            period_label, window_start, window_end, deadline_at, lead_unit_id, receivers, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            r.code, r.name, r.kind, r.content, r.legal_basis, r.method, r.form, r.frequency, r.window, r.deadline_rule,
            r.period_label, r.window_start, r.window_end, r.deadline_at, r.lead_unit_id, serde_json::to_string(&r.receivers)?, r.status, at
        ],
    )?;
    let id = conn.last_insert_rowid();
    insert_version(
        conn,
        id,
        &Version {
            seq: 0,
            from_period: None,
            kind: "original".into(),
            window: r.window.clone(),
            deadline_rule: r.deadline_rule.clone(),
            lead_unit: r.lead_unit.clone(),
            lead_unit_id: r.lead_unit_id,
            form: r.form.clone(),
            form_version: None,
            receivers: r.receivers.clone(),
            assigned: Vec::new(),
            unassigned: Vec::new(),
            decision: r.legal_basis.clone(),
            reason: None,
            actor: None,
            at: at.to_string(),
        },
    )?;
    if let (Some(p), Some(s), Some(e), Some(d)) = (
        &r.period_label,
        &r.window_start,
        &r.window_end,
        &r.deadline_at,
    ) {
        insert_request(
            conn,
            id,
            &Request {
                period: p.clone(),
                start: s.clone(),
                end: e.clone(),
                deadline: d.clone(),
                units: None,
                reason: None,
                status: "active".into(),
                actor: None,
                at: at.to_string(),
            },
        )?;
    }
    Ok(id)
}

pub fn save(conn: &Connection, r: &Regime) -> Result<()> {
    conn.execute(
        "UPDATE regime SET name = ?2, content = ?3, legal_basis = ?4, method = ?5, form_code = ?6, frequency = ?7, window_kind = ?8,
            deadline_rule = ?9, period_label = ?10, window_start = ?11, window_end = ?12, deadline_at = ?13, lead_unit_id = ?14,
            receivers = ?15, status = ?16 WHERE id = ?1",
        params![
            r.id, r.name, r.content, r.legal_basis, r.method, r.form, r.frequency, r.window, r.deadline_rule, r.period_label,
            r.window_start, r.window_end, r.deadline_at, r.lead_unit_id, serde_json::to_string(&r.receivers)?, r.status
        ],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct Assignment {
    #[serde(skip)]
    pub id: i64,
    pub regime: String,
    pub unit: String,
    #[serde(skip)]
    pub unit_id: i64,
    pub unit_name: String,
    pub rows: Option<Vec<String>>,
    pub columns: Option<Vec<String>>,
    pub active: bool,
    /// Since when the unit has had to report (periods due earlier are not its to miss).
    pub assigned_at: Option<String>,
    /// The first period the unit reports, when `assign add --from` set it; null: the
    /// first period whose rule deadline had not passed at `assigned_at`.
    pub from_period: Option<String>,
    /// The first period the unit no longer owes, when `assign remove --from` set it;
    /// null: no end.
    pub until_period: Option<String>,
}

const ASSIGN_SELECT: &str =
    "SELECT a.id, g.code, u.code, a.unit_id, u.name, a.rows, a.columns, a.active, a.assigned_at, a.from_period,
        a.until_period
    FROM assignment a JOIN regime g ON g.id = a.regime_id JOIN unit u ON u.id = a.unit_id";

fn assign_from(r: &Row<'_>) -> rusqlite::Result<Assignment> {
    let rows: Option<String> = r.get(5)?;
    let cols: Option<String> = r.get(6)?;
    Ok(Assignment {
        id: r.get(0)?,
        regime: r.get(1)?,
        unit: r.get(2)?,
        unit_id: r.get(3)?,
        unit_name: r.get(4)?,
        rows: rows.and_then(|s| serde_json::from_str(&s).ok()),
        columns: cols.and_then(|s| serde_json::from_str(&s).ok()),
        active: r.get(7)?,
        assigned_at: r.get(8)?,
        from_period: r.get(9)?,
        until_period: r.get(10)?,
    })
}

pub fn assignments(
    conn: &Connection,
    regime_id: i64,
    only_active: bool,
) -> Result<Vec<Assignment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ASSIGN_SELECT} WHERE a.regime_id = ?1 AND (?2 = 0 OR a.active = 1) ORDER BY u.code"
    ))?;
    let rows = stmt.query_map(params![regime_id, only_active as i64], assign_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn all_active_assignments(conn: &Connection) -> Result<Vec<Assignment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ASSIGN_SELECT} WHERE a.active = 1 ORDER BY g.code, u.code"
    ))?;
    let rows = stmt.query_map([], assign_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn assignment(conn: &Connection, regime_id: i64, unit_id: i64) -> Result<Option<Assignment>> {
    Ok(conn
        .query_row(
            &format!("{ASSIGN_SELECT} WHERE a.regime_id = ?1 AND a.unit_id = ?2"),
            params![regime_id, unit_id],
            assign_from,
        )
        .optional()?)
}

#[allow(clippy::too_many_arguments)]
/// `assign remove --from`: the assignment ends before `period` (NULL: no end).
pub fn set_assignment_until(
    conn: &Connection,
    id: i64,
    period: Option<&str>,
    at: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE assignment SET until_period = ?2, changed_at = ?3 WHERE id = ?1",
        params![id, period, at],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn upsert_assignment(
    conn: &Connection,
    regime: &str,
    regime_id: i64,
    unit: &str,
    unit_id: i64,
    rows: Option<&str>,
    cols: Option<&str>,
    active: bool,
    at: &str,
    from_period: Option<&str>,
) -> Result<()> {
    // `from_period`: set when given; a re-assignment starts over from the default (NULL)
    // unless given; otherwise an update keeps the one recorded.
    conn.execute(
        "INSERT INTO assignment(ref, regime_id, unit_id, rows, columns, active, changed_at, assigned_at, from_period) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)
         ON CONFLICT(ref) DO UPDATE SET rows = excluded.rows, columns = excluded.columns, active = excluded.active, changed_at = excluded.changed_at,
             assigned_at = CASE WHEN assignment.active = 0 AND excluded.active = 1 THEN excluded.changed_at ELSE assignment.assigned_at END,
             from_period = CASE WHEN excluded.from_period IS NOT NULL THEN excluded.from_period
                                WHEN assignment.active = 0 AND excluded.active = 1 THEN NULL
                                ELSE assignment.from_period END,
             until_period = NULL",
        params![format!("{regime}/{unit}"), regime_id, unit_id, rows, cols, active, at, from_period],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct WindowEvent {
    pub id: i64,
    pub period: String,
    pub unit: Option<String>,
    #[serde(skip)]
    pub unit_id: Option<i64>,
    pub action: String,
    pub until: Option<String>,
    pub reason: String,
    pub at: String,
    pub actor: String,
}

pub fn window_events(
    conn: &Connection,
    regime_id: i64,
    period: Option<&str>,
) -> Result<Vec<WindowEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id, w.period, u.code, w.unit_id, w.action, w.until, w.reason, w.at, w.actor FROM reception_window w
         LEFT JOIN unit u ON u.id = w.unit_id WHERE w.regime_id = ?1 AND (?2 IS NULL OR w.period = ?2) ORDER BY w.id",
    )?;
    let rows = stmt.query_map(params![regime_id, period], |r| {
        Ok(WindowEvent {
            id: r.get(0)?,
            period: r.get(1)?,
            unit: r.get(2)?,
            unit_id: r.get(3)?,
            action: r.get(4)?,
            until: r.get(5)?,
            reason: r.get(6)?,
            at: r.get(7)?,
            actor: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_window(
    conn: &Connection,
    regime_id: i64,
    period: &str,
    unit_id: Option<i64>,
    action: &str,
    until: Option<&str>,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO reception_window(regime_id, period, unit_id, action, until, reason, at, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![regime_id, period, unit_id, action, until, reason, at, actor],
    )?;
    Ok(conn.last_insert_rowid())
}
