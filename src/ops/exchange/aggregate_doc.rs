//! The aggregate document a lead unit sends upward: its content is
//! [`crate::ops::aggregate::content`]; here, who may export it.

use rusqlite::Connection;
use serde_json::Value;

use crate::auth::permission::Actor;
use crate::error::Result;
use crate::ops::aggregate::collect;
use crate::ops::aggregate::content::content_of;

/// The aggregate of `regime`'s `period` over its accepted reports, sent from the
/// regime's lead unit (for an aggregator or viewer of it).
pub fn content(
    conn: &Connection,
    actor: &Actor,
    regime: &str,
    period: &str,
) -> Result<(String, Value)> {
    let r = collect::may_aggregate(conn, actor, regime)?;
    content_of(conn, &r, period)
}
