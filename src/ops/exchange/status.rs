//! The report-status document (QCVN 125's report status packet): every assigned
//! unit's state for a regime's period, as `status` lists it, from the lead unit.
//!
//! Content: `{regime, period, as_of, obligations: [status rows], excluded: [units the
//! obligation rule leaves out]}`.

use jiff::Timestamp;
use rusqlite::Connection;
use serde_json::{json, Value};

use crate::auth::permission::Actor;
use crate::error::Result;

/// The status of `regime`'s `period` at `now`, sent from the regime's lead unit (for
/// an aggregator or viewer of it).
pub fn content(
    conn: &Connection,
    actor: &Actor,
    now: Timestamp,
    regime: &str,
    period: &str,
) -> Result<(String, Value)> {
    let r = crate::ops::aggregate::collect::may_aggregate(conn, actor, regime)?;
    let period = crate::ops::regime::parse_period(&r, period)?;
    let listing = crate::ops::monitor::status(conn, actor, &r.code, &period, now)?;
    Ok((
        r.lead_unit.clone(),
        json!({
            "regime": r.code,
            "period": period,
            "as_of": crate::clock::rfc3339(now),
            "obligations": listing.obligations,
            "excluded": listing.excluded,
        }),
    ))
}
