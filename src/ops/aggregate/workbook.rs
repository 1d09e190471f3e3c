//! The aggregated workbook of a regime's period (SPEC §8): the aggregate, each unit's
//! detail, the reporting status with every signature checked, and the metadata.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::Connection;

use crate::aggregate::Aggregate;
use crate::auth::permission::Actor;
use crate::error::{Error, Kind, Msg, Result};
use crate::form::FormDef;
use crate::ops::aggregate::collect::{self, Options};

/// Aggregates `regime`'s `period` and writes the workbook to `path` (beside it, then
/// put in place; an existing file is replaced only when `replace`, and is refused
/// before any work otherwise). The form and the
/// detail are written on a second thread while this one works out the reporting
/// status, which only the third sheet needs.
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
    collect::may_aggregate(conn, actor, regime)?;
    crate::files::check_output(path, replace)?;
    let collect::Collection {
        form,
        aggregate: agg,
        details,
        signatures,
    } = collect::aggregate(conn, actor, regime, period, o, collect::Need::Workbook)?;
    let r = crate::ops::regime::find(conn, &agg.regime)?;
    let lead = crate::ops::unit::find(conn, &r.lead_unit)?;
    let words = crate::domain::period::Period::parse(&agg.period)
        .map(|p| p.name_vi())
        .unwrap_or_else(|_| agg.period.clone());
    let meta = crate::export::Meta {
        regime_name: r.name.clone(),
        period_words: words,
        aggregating_unit: lead.name,
        generated_at: crate::clock::rfc3339(now),
        generated_by: actor.username.clone(),
        data_as_of: crate::clock::rfc3339(now),
        statuses: o.statuses.clone(),
    };
    let detail: Vec<crate::export::UnitDetail> = details
        .into_iter()
        .map(|i| crate::export::UnitDetail {
            unit: i.unit,
            unit_name: i.unit_name,
            slots: i.slots,
        })
        .collect();
    std::thread::scope(|scope| -> Result<()> {
        let (send, receive) = std::sync::mpsc::sync_channel(1);
        let (form, agg, detail, meta) = (&form, &agg, &detail, &meta);
        let writer = scope.spawn(move || {
            crate::export::write_aggregate_workbook_with(
                form,
                agg,
                detail,
                move || {
                    receive.recv().unwrap_or_else(|_| {
                        Err(Error::new(
                            Kind::Failure,
                            Msg::new(
                                "Không tính được tình hình gửi báo cáo",
                                "The reporting status could not be worked out",
                            ),
                        ))
                    })
                },
                meta,
                path,
                replace,
            )
        });
        let failed = match status_rows(conn, actor, &r, &agg.period, now, &signatures) {
            Ok(rows) => {
                let _ = send.send(Ok(rows));
                None
            }
            // The writer stops at the status sheet; this error is the one to tell.
            Err(e) => Some(e),
        };
        drop(send);
        let written = writer.join().unwrap_or_else(|_| {
            Err(Error::new(
                Kind::Failure,
                Msg::new("Không ghi được bảng tính", "Cannot write the workbook"),
            ))
        });
        match failed {
            Some(e) => Err(e),
            None => written,
        }
    })?;
    Ok((form, agg))
}

/// Sheet 3 of the aggregated workbook: every assigned unit's status, deadline,
/// timeliness, approver, sender and signature check (`checked`: the signatures the
/// aggregation already checked from the values it read, by revision id).
fn status_rows(
    conn: &Connection,
    actor: &Actor,
    r: &crate::store::regime::Regime,
    period: &str,
    now: Timestamp,
    checked: &std::collections::HashMap<i64, bool>,
) -> Result<Vec<crate::export::StatusRow>> {
    let signoffs = crate::ops::report::signoffs(conn, r, period, checked)?;
    let mut status = Vec::new();
    for ob in crate::ops::monitor::status(conn, actor, &r.code, period, now)?.obligations {
        let s = signoffs.get(&ob.unit).cloned().unwrap_or_default();
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
