//! The content of the aggregate document: a regime's period aggregated over its units
//! by the lead unit, with what another instance needs to aggregate it again exactly.
//!
//! Content: `{regime, period, form_code, form_version, include, coverage, rows:
//! [aggregated rows], components: [{row, column, n, sum, weights, min, max, overflow}]}`.
//! `rows` are what a person reads (computed cells recomputed); `components` are the
//! running aggregate of every input cell ([`crate::aggregate::engine::Component`]):
//! a national instance adds the provinces' components and recomputes, so its totals,
//! averages (Σ/n), weighted averages (Σ value·weight / Σ weight) and computed
//! percentages equal those computed over all the communes at once.

use rusqlite::Connection;
use serde_json::{json, Value};

use crate::aggregate::engine::Plan;
use crate::error::Result;
use crate::ops::aggregate::collect::{self, Grouping, Need, Options};
use crate::ops::aggregate::Include;
use crate::store::regime::Regime;

/// The aggregate document's content of `r`'s `period` over its accepted reports, with
/// the lead unit that sends it; no permission check (callers make their own).
pub fn content_of(conn: &Connection, r: &Regime, period: &str) -> Result<(String, Value)> {
    let o = Options {
        statuses: Include::Accepted.statuses(),
        grouping: Grouping::None,
        ytd: false,
        previous_year: false,
        lineage: false,
        cells: None,
        within: None,
    };
    let c = collect::aggregate_regime(conn, r, period, &o, Need::Aggregate)?;
    let rules = collect::rules(conn, &c.form)?;
    let plan = Plan::new(&c.form, &rules);
    let components = plan.components(&c.sums);
    let a = &c.aggregate;
    Ok((
        r.lead_unit.clone(),
        json!({
            "regime": a.regime,
            "period": a.period,
            "form_code": a.form_code,
            "form_version": a.form_version,
            "include": Include::Accepted.as_str(),
            "coverage": a.coverage,
            "rows": a.rows,
            "components": components,
        }),
    ))
}
