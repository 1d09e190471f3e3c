//! The aggregated workbook of a regime's period (SPEC §8): the aggregate, each unit's
//! detail, the reporting status with every signature checked, and the metadata.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::Connection;

use crate::aggregate::Aggregate;
use crate::auth::permission::Actor;
use crate::error::{Error, Kind, Msg, Result};
use crate::form::FormDef;
use crate::ops::aggregate::collect::{self, Need, Options};

/// Aggregates `regime`'s `period` and writes the workbook to `path` (beside it, then
/// put in place; an existing file is replaced only when `replace`, and is refused
/// before any work otherwise). Three things overlap: this thread reads the period's
/// values and hands each unit to a writer thread, which writes the per-unit detail
/// as the units come (so no unit is kept longer than its rows take to write); then
/// this thread works out the reporting status while the writer writes the form's
/// sheet; the writer asks for the status when its sheet is due.
#[allow(clippy::too_many_arguments)]
pub fn write(
    conn: &Connection,
    actor: &Actor,
    regime: &str,
    period: &str,
    o: &Options,
    now: Timestamp,
    path: &Path,
    replace: bool,
) -> Result<(FormDef, Aggregate)> {
    let r = crate::ops::regime::find(conn, regime)?;
    // The lead unit's whole aggregate, or a unit's own subtree (as `aggregate`).
    let within = collect::scope(conn, actor, &r, collect::refused(&r))?;
    crate::files::check_output(path, replace)?;
    let o = &Options {
        within: within.clone(),
        ..o.clone()
    };
    let period = crate::ops::regime::parse_period(&r, period)?;
    // The regime as it stood for the period: its form and lead unit then.
    let base = r;
    let r = crate::ops::regime::rules_for(&base, &period);
    let form = crate::ops::form::load(conn, &r.form, None)?;
    let aggregating_unit = match &within {
        None => crate::ops::unit::find(conn, &r.lead_unit)?.name,
        Some(roots) => collect::scope_names(conn, roots)?,
    };
    let words = crate::domain::period::Period::parse(&period)
        .map(|p| p.name_vi())
        .unwrap_or_else(|_| period.clone());
    let meta = crate::export::Meta {
        regime_name: r.name.clone(),
        period_words: words,
        aggregating_unit,
        generated_at: crate::clock::rfc3339(now),
        generated_by: actor.username.clone(),
        data_as_of: crate::clock::rfc3339(now),
        statuses: o.statuses.clone(),
        row_decimals: row_decimals(conn, &form)?,
        approval: approval_words(conn, &r, &period, o)?,
    };
    let stopped = || {
        Error::new(
            Kind::Failure,
            Msg::new("Không ghi được bảng tính", "Cannot write the workbook"),
        )
    };
    std::thread::scope(|scope| -> Result<(FormDef, Aggregate)> {
        // Room for 512 units (about 10 MB): reading outruns writing, so this thread is
        // done with the reading early and works out the status while the detail is
        // still being written.
        let (units, arriving) = std::sync::mpsc::sync_channel::<crate::export::UnitDetail>(512);
        let (aggregate, aggregated) = std::sync::mpsc::sync_channel::<Result<Aggregate>>(1);
        let (status, statused) = std::sync::mpsc::sync_channel(1);
        let (form_w, meta_w) = (&form, &meta);
        let writer = scope.spawn(move || {
            crate::export::write_aggregate_workbook_streamed(
                form_w,
                arriving,
                move || aggregated.recv().unwrap_or_else(|_| Err(stopped())),
                move || statused.recv().unwrap_or_else(|_| Err(stopped())),
                meta_w,
                path,
                replace,
            )
        });
        // The writer stopping (a full disk, a sheet too large) stops the reading;
        // its error is then the one to tell.
        let mut writer_gone = false;
        let read = {
            let mut sink = |d: collect::Detail| -> Result<()> {
                units
                    .send(crate::export::UnitDetail {
                        unit: d.unit,
                        unit_name: d.unit_name,
                        slots: d.slots,
                    })
                    .map_err(|_| {
                        writer_gone = true;
                        stopped()
                    })
            };
            collect::aggregate_regime(conn, &base, &period, o, Need::Workbook(&mut sink))
        };
        drop(units);
        let failed = match read {
            Ok(c) => {
                let _ = aggregate.send(Ok(c.aggregate));
                match status_rows(conn, actor, &r, &period, now, &c.signatures, &within) {
                    Ok(rows) => {
                        let _ = status.send(Ok(rows));
                        None
                    }
                    Err(e) => Some(e),
                }
            }
            Err(e) => Some(e),
        };
        drop((aggregate, status));
        let written = writer.join().unwrap_or_else(|_| Err(stopped()));
        match (failed, written) {
            (Some(_), Err(w)) if writer_gone => Err(w),
            (Some(e), _) => Err(e),
            (None, Ok(agg)) => Ok((form.clone(), agg)),
            (None, Err(w)) => Err(w),
        }
    })
}

/// Each form row's decimals, from its linked indicator when the catalogue sets them.
pub(crate) fn row_decimals(
    conn: &Connection,
    form: &FormDef,
) -> Result<std::collections::HashMap<String, u32>> {
    let mut out = std::collections::HashMap::new();
    for row in &form.rows {
        let Some(code) = row.indicator.as_deref() else {
            continue;
        };
        if let Some(d) = crate::store::indicator::by_code(conn, code)?.and_then(|i| i.decimals) {
            out.insert(row.key.clone(), d.clamp(0, 6) as u32);
        }
    }
    Ok(out)
}

/// Sheet 3 of the aggregated workbook: every assigned unit's status, deadline,
/// timeliness, approver, sender and signature check (`checked`: the signatures the
/// aggregation already checked from the values it read, by revision id).
pub(crate) fn status_rows(
    conn: &Connection,
    actor: &Actor,
    r: &crate::store::regime::Regime,
    period: &str,
    now: Timestamp,
    checked: &std::collections::HashMap<i64, bool>,
    within: &Option<Vec<i64>>,
) -> Result<Vec<crate::export::StatusRow>> {
    let inside = collect::Within::new(conn, within)?;
    let signoffs = crate::ops::report::signoffs(conn, r, period, checked)?;
    // People are named as a form names them: by their full names, not their usernames.
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut full_name = |username: Option<String>| -> Result<Option<String>> {
        let Some(u) = username else { return Ok(None) };
        if let Some(n) = names.get(&u) {
            return Ok(Some(n.clone()));
        }
        let n = crate::store::account::by_username(conn, &u)?
            .map(|a| a.full_name)
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| u.clone());
        names.insert(u, n.clone());
        Ok(Some(n))
    };
    let mut status = Vec::new();
    for ob in crate::ops::monitor::status(conn, actor, &r.code, period, now)?.obligations {
        if !inside.holds(&ob.unit) {
            continue;
        }
        let mut s = signoffs.get(&ob.unit).cloned().unwrap_or_default();
        s.approver = full_name(s.approver.take())?;
        s.sender = full_name(s.sender.take())?;
        status.push(crate::export::StatusRow {
            unit: ob.unit,
            unit_name: ob.unit_name,
            status: ob.status,
            sent_at: ob.sent_at,
            deadline: ob.deadline,
            timeliness: ob.timeliness,
            approver: s.approver,
            sender: s.sender,
            signature_valid: s.signature_valid,
        });
    }
    Ok(status)
}

/// What the workbook says of the approved aggregate (`aggregate approve|send`) of the
/// period: which revision holds exactly these figures, approved and sent by whom,
/// signed with which key; or that these figures are not the approved ones. `None`
/// when nothing of the period was approved. The figures are compared by the content
/// digest of the aggregate document, computed only when an approval exists.
fn approval_words(
    conn: &Connection,
    r: &crate::store::regime::Regime,
    period: &str,
    o: &Options,
) -> Result<Option<String>> {
    if crate::store::exchange::aggregate_revisions(conn, r.id, period)?.is_empty() {
        return Ok(None);
    }
    if o.within.is_some() {
        return Ok(Some(
            "Số liệu của riêng đơn vị: không phải bản tổng hợp đã phê duyệt của cơ quan chủ trì"
                .into(),
        ));
    }
    let default = o.statuses == crate::ops::aggregate::Include::Accepted.statuses()
        && o.cells.is_none()
        && !o.lineage;
    if !default {
        return Ok(Some(
            "Không phải bản đã phê duyệt (bảng này tính khác: trạng thái, đơn vị kế thừa)".into(),
        ));
    }
    let (_, content) = super::content::content_of(conn, r, period)?;
    let digest = crate::ops::exchange::document::digest(&content);
    let Some(s) = statement(conn, r, period, &digest)? else {
        return Ok(Some(
            "Số liệu đã thay đổi từ khi được phê duyệt: không phải bản đã phê duyệt".into(),
        ));
    };
    let mut words = format!(
        "Bản {} — phê duyệt bởi {} lúc {}",
        s.revision, s.approved_by, s.approved_at
    );
    if let (Some(by), Some(at)) = (&s.sent_by, &s.sent_at) {
        words.push_str(&format!("; ký số và gửi bởi {by} lúc {at}"));
        if let Some(k) = s.key_id {
            words.push_str(&format!(" (khoá {k})"));
        }
        if let Some(id) = &s.document_id {
            words.push_str(&format!("; mã tài liệu {id}"));
        }
    } else {
        words.push_str("; chưa gửi");
    }
    words.push_str(&format!("; mã băm nội dung {}", s.content_digest));
    Ok(Some(words))
}

/// What the aggregated workbook states of the aggregate it holds: the approved (and
/// perhaps sent) revision whose content is exactly this aggregate, if any.
#[derive(Debug, Clone)]
struct Statement {
    revision: i64,
    content_digest: String,
    approved_by: String,
    approved_at: String,
    sent_by: Option<String>,
    sent_at: Option<String>,
    key_id: Option<i64>,
    /// The signed document's identity (`exchange import` knows it by this).
    document_id: Option<String>,
}

/// The [`Statement`] of a regime's period whose content digest is `digest`; `None`
/// when no approved revision holds exactly this aggregate.
fn statement(
    conn: &Connection,
    r: &crate::store::regime::Regime,
    period: &str,
    digest: &str,
) -> Result<Option<Statement>> {
    let revs = crate::store::exchange::aggregate_revisions(conn, r.id, period)?;
    let Some(rev) = revs.into_iter().rev().find(|v| v.content_digest == digest) else {
        return Ok(None);
    };
    let document_id = match &rev.document {
        Some(text) => serde_json::from_str::<crate::ops::exchange::document::Document>(text)
            .ok()
            .map(|d| d.id()),
        None => None,
    };
    Ok(Some(Statement {
        revision: rev.number,
        content_digest: rev.content_digest,
        approved_by: rev.approved_by,
        approved_at: rev.approved_at,
        sent_by: rev.sent_by,
        sent_at: rev.sent_at,
        key_id: rev.key_id,
        document_id,
    }))
}
