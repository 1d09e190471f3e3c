//! The report-data document (QCVN 125's report data packet): one report revision as
//! its unit sent it — the values (exact decimals as strings, text as typed), the
//! narrative, the attachments' SHA-256 digests and the unit's own Ed25519 signature.
//!
//! Content: `{regime, period, unit, unit_name, form_code, form_version, revision,
//! status, sent_at, timeliness, channel, narrative, values: [[row, column, value]…],
//! attachments: [sha256…], unit_signature: {key_id, public_key, value, signed_by} | null}`.
//! The unit's signature covers the canonical report document `report canonical`
//! shows ([`crate::sign::canonical`]), rebuilt from these same fields
//! ([`unit_signature_ok`]): a receiver checks the unit's signature as well as the
//! exporting account's.

use std::collections::BTreeMap;

use jiff::Timestamp;
use rusqlite::Connection;
use serde_json::{json, Value};

use crate::auth::permission::Actor;
use crate::error::{Error, Kind, Msg, Result};
use crate::ops::report::Which;
use crate::store::report::{self as sql, Revision, Stored, ValueMap};

/// One document's content per report: the unit's (`unit`) or, without it, every
/// unit's of the period that has a sent revision (for an aggregator or viewer of the
/// regime's lead unit). Each with the unit it comes from.
pub fn contents(
    conn: &Connection,
    actor: &Actor,
    _now: Timestamp,
    regime: &str,
    period: &str,
    unit: Option<&str>,
) -> Result<Vec<(String, Value)>> {
    if let Some(unit) = unit {
        let t = Which {
            regime: regime.into(),
            period: period.into(),
            unit: Some(unit.into()),
        }
        .readable(conn, actor)?;
        let no_report = || {
            Error::new(
                Kind::NotFound,
                Msg::new(
                    format!("Báo cáo {} chưa được gửi", t.reference()),
                    format!("Report {} has not been sent", t.reference()),
                ),
            )
        };
        let id = sql::report_id(conn, t.regime.id, t.unit.id, &t.period)?.ok_or_else(no_report)?;
        let rev = sql::revisions(conn, id)?
            .into_iter()
            .rev()
            .find(|r| r.sent_at.is_some())
            .ok_or_else(no_report)?;
        return Ok(vec![(
            t.unit.code.clone(),
            content_of(
                conn,
                &t.regime.code,
                &t.unit.code,
                &t.unit.name,
                &t.period,
                &rev,
            )?,
        )]);
    }
    let r = crate::ops::aggregate::collect::may_aggregate(conn, actor, regime)?;
    let period = crate::ops::regime::parse_period(&r, period)?;
    // The last sent revision of each unit, in unit order.
    let mut last: BTreeMap<String, Revision> = BTreeMap::new();
    for (unit, rev) in sql::period_revisions(conn, r.id, &period)? {
        if rev.sent_at.is_some() {
            last.insert(unit, rev);
        }
    }
    let mut out = Vec::with_capacity(last.len());
    for (unit, rev) in last {
        let name = crate::store::unit::by_code(conn, &unit)?
            .map(|u| u.name)
            .unwrap_or_default();
        let c = content_of(conn, &r.code, &unit, &name, &period, &rev)?;
        out.push((unit, c));
    }
    Ok(out)
}

fn content_of(
    conn: &Connection,
    regime: &str,
    unit: &str,
    unit_name: &str,
    period: &str,
    rev: &Revision,
) -> Result<Value> {
    let values = sql::values(conn, rev.id)?;
    let attachments = sql::attachment_digests(conn, rev.id)?;
    let signature = match (&rev.signature, rev.key_id) {
        (Some(sig), Some(key_id)) => {
            let public = sql::key_by_id(conn, key_id)?;
            Some(json!({
                "key_id": key_id,
                "public_key": public,
                "value": sig,
                "signed_by": rev.signed_by,
            }))
        }
        _ => None,
    };
    let triples: Vec<Value> = values
        .iter()
        .map(|((r, c), v)| json!([r, c, v.as_str(), matches!(v, Stored::Num(_))]))
        .collect();
    Ok(json!({
        "regime": regime,
        "period": period,
        "unit": unit,
        "unit_name": unit_name,
        "form_code": rev.form_code,
        "form_version": rev.form_version,
        "revision": rev.number,
        "status": rev.status,
        "sent_at": rev.sent_at,
        "timeliness": rev.timeliness,
        "channel": rev.channel,
        "narrative": rev.narrative,
        "values": triples,
        "attachments": attachments,
        "unit_signature": signature,
    }))
}

/// The values of a report-data content: (row, column) → the stored value.
pub fn values_of(content: &Value) -> Option<ValueMap> {
    let mut out = ValueMap::new();
    for v in content.get("values")?.as_array()? {
        let a = v.as_array()?;
        let (row, col, val) = (
            a.first()?.as_str()?,
            a.get(1)?.as_str()?,
            a.get(2)?.as_str()?,
        );
        let number = a.get(3).and_then(Value::as_bool).unwrap_or(false);
        let stored = match number {
            true => Stored::Num(val.to_string()),
            false => Stored::Text(val.to_string()),
        };
        out.insert((row.to_string(), col.to_string()), stored);
    }
    Some(out)
}

/// Whether the unit's own signature in a report-data content verifies over the
/// canonical report document rebuilt from the content (`None`: not signed, e.g. a
/// report recorded from the fallback channel).
pub fn unit_signature_ok(content: &Value) -> Option<bool> {
    let sig = content.get("unit_signature").filter(|s| !s.is_null())?;
    let s = |k: &str| content.get(k).and_then(Value::as_str);
    let values = values_of(content)?;
    let attachments: Vec<String> = content
        .get("attachments")?
        .as_array()?
        .iter()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    let canonical = crate::sign::canonical(&crate::sign::Content {
        regime: s("regime")?,
        form_code: s("form_code")?,
        form_version: content.get("form_version")?.as_i64()?,
        unit: s("unit")?,
        period: s("period")?,
        revision: content.get("revision")?.as_i64()?,
        values: &values,
        narrative: s("narrative"),
        attachments: &attachments,
    });
    Some(crate::sign::verify(
        sig.get("public_key")?.as_str()?,
        &canonical,
        sig.get("value")?.as_str()?,
    ))
}
