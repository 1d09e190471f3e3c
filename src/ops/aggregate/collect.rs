//! The database side of aggregation: which units' reports count (accepted by
//! default), their values, the indicator rules of each row, and the periods a
//! year-to-date or same-period-last-year comparison needs.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::aggregate::engine;
use crate::aggregate::model::{Aggregate, RowRule, UnitInput};
use crate::auth::permission::{Actor, Role};
use crate::domain::period::Period;
use crate::entry::{Value, Values};
use crate::error::{Error, Kind, Msg, Result};
use crate::form::FormDef;
use crate::ops::regime;
use crate::store::indicator as isql;
use crate::store::regime::{self as rsql, Regime};
use crate::store::report::{self as sql, Stored};
use crate::store::unit as units;

/// How to group subtotals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grouping {
    None,
    /// Each unit on its own.
    ByUnit,
    /// By each unit's parent.
    ByParent,
    /// By the unit's ancestor at this depth of the tree (1 = the roots).
    Level(usize),
}

pub struct Options {
    /// Which revision statuses count: `accepted` (default), or `sent` too.
    pub statuses: Vec<crate::domain::workflow::RevisionStatus>,
    pub grouping: Grouping,
    pub ytd: bool,
    pub previous_year: bool,
    /// Count a merged unit's reports under its successor.
    pub lineage: bool,
}

/// Row key → rule, from each row's indicator in the catalogue.
pub fn rules(conn: &Connection, form: &FormDef) -> Result<HashMap<String, RowRule>> {
    let catalogue: HashMap<String, isql::Indicator> = isql::all(conn)?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect();
    let row_of_indicator: HashMap<&str, &str> = form
        .rows
        .iter()
        .filter_map(|r| Some((r.indicator.as_deref()?, r.key.as_str())))
        .collect();
    let mut out = HashMap::new();
    for r in &form.rows {
        let Some(ind) = r.indicator.as_deref().and_then(|c| catalogue.get(c)) else {
            continue;
        };
        out.insert(
            r.key.clone(),
            RowRule {
                aggregation: ind.aggregation.clone(),
                weight_row: ind
                    .weight
                    .as_deref()
                    .and_then(|w| row_of_indicator.get(w))
                    .map(|s| s.to_string()),
                time_aggregation: ind.time_aggregation.clone(),
            },
        );
    }
    Ok(out)
}

/// Stored values as the engine takes them; the map is consumed, so no key is copied.
fn to_values(map: sql::ValueMap) -> Values {
    map.into_iter()
        .filter_map(|(k, v)| {
            Some((
                k,
                match v {
                    Stored::Num(n) => Value::Number(n.parse().ok()?),
                    Stored::Text(t) => Value::Text(t),
                },
            ))
        })
        .collect()
}

/// The units whose reports count, every unit expected as (code, name), and the
/// units the obligation rule leaves out of the expected ones.
struct Collected {
    inputs: Vec<UnitInput>,
    expected: Vec<(String, String)>,
    excluded: Vec<crate::ops::monitor::Excluded>,
}

/// Every assigned unit with its report's counting revision for one period. A unit is
/// expected by the obligation rule ([`crate::domain::obligation`]), as `status` counts
/// it: an active assignment owing the period, or one that sent a report for it anyway;
/// the others are left out and returned as excluded.
fn inputs(
    conn: &Connection,
    r: &Regime,
    period: &str,
    o: &Options,
    cal: &crate::domain::calendar::WorkCalendar,
) -> Result<Collected> {
    let all_units: HashMap<i64, crate::store::unit::Unit> =
        units::all(conn)?.into_iter().map(|u| (u.id, u)).collect();
    let by_code: HashMap<&str, &crate::store::unit::Unit> =
        all_units.values().map(|u| (u.code.as_str(), u)).collect();
    // The period's revisions in one query, by unit code.
    let mut revisions: HashMap<String, Vec<sql::Revision>> = HashMap::new();
    for (unit, rev) in sql::period_revisions(conn, r.id, period)? {
        revisions.entry(unit).or_default().push(rev);
    }
    let mut expected = Vec::new();
    let mut expected_codes = std::collections::HashSet::new();
    let mut excluded = Vec::new();
    let mut out: Vec<UnitInput> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    // The period's deadline by the regime's rule, which assignments' start is measured against.
    let (rule_info, rule_due) = crate::ops::regime::rule_due(r, period, cal)?;
    for a in rsql::assignments(conn, r.id, !o.lineage)? {
        let Some(u) = all_units.get(&a.unit_id) else {
            continue;
        };
        // Under lineage a merged unit's report counts as its successor's.
        let (code, name, parent) = match (&u.successor, o.lineage) {
            (Some(s), true) => match by_code.get(s.as_str()) {
                Some(su) => (su.code.clone(), su.name.clone(), su.parent.clone()),
                None => (u.code.clone(), u.name.clone(), u.parent.clone()),
            },
            _ => (u.code.clone(), u.name.clone(), u.parent.clone()),
        };
        if a.active {
            let sent = revisions
                .get(&u.code)
                .is_some_and(|revs| revs.iter().any(|x| x.sent_at.is_some()));
            match crate::ops::monitor::excluded_if(r, &a, &rule_info, rule_due, sent) {
                Some(x) => excluded.push(x),
                None => {
                    if expected_codes.insert(code.clone()) {
                        expected.push((code.clone(), name.clone()));
                    }
                }
            }
        }
        let Some(revs) = revisions.get(&u.code) else {
            continue;
        };
        // The effective revision: the latest accepted; with `sent`, the latest sent one.
        let chosen = revs.iter().rev().find(|x| o.statuses.contains(&x.status));
        let Some(rev) = chosen else { continue };
        let values = to_values(sql::values(conn, rev.id)?);
        match position.get(&code).and_then(|&i| out.get_mut(i)) {
            // Two merged predecessors: their values add up under the successor.
            Some(existing) => {
                for (k, v) in values {
                    if let (Value::Number(d), Some(Value::Number(e))) =
                        (&v, existing.values.get(&k))
                    {
                        let s = *d + *e;
                        existing.values.insert(k, Value::Number(s));
                    } else {
                        existing.values.entry(k).or_insert(v);
                    }
                }
            }
            None => {
                position.insert(code.clone(), out.len());
                out.push(UnitInput {
                    unit: code,
                    unit_name: name,
                    parent,
                    status: rev.status,
                    values,
                })
            }
        }
    }
    excluded.sort_by(|a, b| a.unit.cmp(&b.unit));
    Ok(Collected {
        inputs: out,
        expected,
        excluded,
    })
}

/// Aggregates a regime's period for the lead unit (or anyone granted over it).
/// The regime, when the actor may aggregate it: an aggregator or a viewer of its lead
/// unit.
pub fn may_aggregate(conn: &Connection, actor: &Actor, regime_code: &str) -> Result<Regime> {
    let r = regime::find(conn, regime_code)?;
    let tree = units::tree(conn)?;
    let allowed = actor.holds_for_regime(Role::Aggregator, r.lead_unit_id, &r.code, &tree)
        || actor.holds_for_regime(Role::Viewer, r.lead_unit_id, &r.code, &tree);
    actor.require(
        allowed,
        Msg::new(
            format!("tổng hợp chế độ {}", r.code),
            format!("aggregate regime {}", r.code),
        ),
    )?;
    Ok(r)
}

pub fn aggregate(
    conn: &Connection,
    actor: &Actor,
    regime_code: &str,
    period: &str,
    o: &Options,
) -> Result<(FormDef, Aggregate, Vec<UnitInput>)> {
    let r = may_aggregate(conn, actor, regime_code)?;
    let tree = units::tree(conn)?;
    let period = regime::parse_period(&r, period)?;
    let form = crate::ops::form::load(conn, &r.form, None)?;
    let rules = rules(conn, &form)?;
    let cal = crate::ops::calendar::load(conn)?;
    let Collected {
        inputs: inputs_now,
        expected,
        excluded,
    } = inputs(conn, &r, &period, o, &cal)?;
    let (coverage, rows) = engine::aggregate(&form, &rules, &inputs_now, &expected, &o.statuses);
    let level_of = |code: &str| -> Option<String> {
        let u = units::by_code(conn, code).ok().flatten()?;
        match &o.grouping {
            Grouping::None => None,
            Grouping::ByUnit => Some(u.code),
            Grouping::ByParent => u.parent.or(Some(u.code)),
            Grouping::Level(n) => {
                let mut chain = vec![u.id];
                let mut cur = u.parent_id;
                while let Some(p) = cur {
                    chain.push(p);
                    cur = tree.parent.get(&p).copied().flatten();
                    if chain.len() > 64 {
                        break;
                    }
                }
                chain.reverse();
                let id = chain.get(n.saturating_sub(1)).copied().unwrap_or(u.id);
                units::by_id(conn, id).ok().flatten().map(|x| x.code)
            }
        }
    };
    let subtotals = if o.grouping == Grouping::None {
        Vec::new()
    } else {
        engine::subtotals(
            &form,
            &rules,
            &inputs_now,
            &expected,
            &o.statuses,
            &level_of,
        )
    };
    let mut agg = Aggregate {
        regime: r.code.clone(),
        period: period.clone(),
        form_code: form.code.clone(),
        form_version: form.version,
        coverage,
        excluded,
        rows,
        subtotals,
        ytd: None,
        previous_year: None,
        growth: None,
    };
    if (o.ytd || o.previous_year) && r.period_label.is_some() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Báo cáo chuyên đề, đột xuất không có lũy kế hay cùng kỳ",
                "Thematic and ad hoc reports have no year-to-date or same period",
            ),
        ));
    }
    if o.ytd {
        let p = Period::parse(&period)
            .map_err(|e| Error::new(Kind::Invalid, Msg::new(e.message_vi(), e.message_en())))?;
        let mut months = Vec::new();
        let mut cur = Some(p);
        while let Some(q) = cur {
            if q.year() != p.year() {
                break;
            }
            let ins = inputs(conn, &r, &q.to_string(), o, &cal)?.inputs;
            let refs: Vec<&UnitInput> = ins
                .iter()
                .filter(|i| o.statuses.contains(&i.status))
                .collect();
            months.push(engine::combine(&form, &rules, &refs));
            cur = q.prev();
        }
        months.reverse();
        agg.ytd = Some(engine::year_to_date(&form, &rules, &months));
    }
    if o.previous_year {
        let p = Period::parse(&period)
            .map_err(|e| Error::new(Kind::Invalid, Msg::new(e.message_vi(), e.message_en())))?;
        let mut q = p;
        let target_year = p.year() - 1;
        let mut steps = 0;
        while q.year() > target_year && steps < 400 {
            q = match q.prev() {
                Some(x) => x,
                None => break,
            };
            steps += 1;
            if q.year() == target_year && q.to_string()[4..] == period[4..] {
                break;
            }
        }
        if q.year() == target_year {
            let prev = inputs(conn, &r, &q.to_string(), o, &cal)?;
            let (_, prev_rows) =
                engine::aggregate(&form, &rules, &prev.inputs, &prev.expected, &o.statuses);
            agg.growth = Some(engine::growth(&agg.rows, &prev_rows));
            agg.previous_year = Some(prev_rows);
        }
    }
    Ok((form, agg, inputs_now))
}
