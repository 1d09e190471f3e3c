//! Unit periods left out by the obligation rule ([`crate::domain::obligation`]), and the
//! note that names them under monitoring tables, dashboards and aggregates.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::domain::obligation::Reason;
use crate::error::Msg;

/// A unit's period left out by the obligation rule ([`crate::domain::obligation`]):
/// assigned after its deadline (or before its `--from` period), and nothing sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    pub regime: String,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    /// The period's deadline by the regime's rule.
    pub deadline: String,
    /// `assigned_after_deadline`, `before_from_period` or `assignment_ended`.
    pub reason: &'static str,
    pub assigned_at: Option<String>,
    /// The first period given to `assign add --from`, if any.
    pub from_period: Option<String>,
    #[serde(skip)]
    pub window_end: String,
}

/// The note naming units left out by the obligation rule (None when there are none):
/// each unit once, with its periods.
pub fn excluded_note(excluded: &[Excluded]) -> Option<Msg> {
    let units: BTreeSet<(&str, &str)> = excluded
        .iter()
        .map(|x| (x.unit.as_str(), x.unit_name.as_str()))
        .collect();
    excluded_note_of(excluded, units.len())
}

/// [`excluded_note`] from the unit periods of the units it names (at least the first
/// [`NOTE_UNITS`] in code order: a long listing keeps only those) and the number of
/// units left out in all.
pub fn excluded_note_of(excluded: &[Excluded], units: usize) -> Option<Msg> {
    // Only units assigned after a deadline are named: a period before an assignment's
    // first period or from its end is simply not the unit's (see `Reason::is_named`).
    let named = |x: &Excluded| Reason::parse(x.reason).is_some_and(Reason::is_named);
    let units = if excluded.iter().all(named) {
        units
    } else {
        excluded
            .iter()
            .filter(|x| named(x))
            .map(|x| x.unit.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    };
    let excluded: Vec<&Excluded> = excluded.iter().filter(|x| named(x)).collect();
    if excluded.is_empty() {
        return None;
    }
    // unit → regime → periods, in order.
    type Periods<'a> = BTreeMap<&'a str, BTreeSet<&'a str>>;
    let mut by_unit: BTreeMap<(&str, &str), Periods<'_>> = BTreeMap::new();
    for x in excluded {
        by_unit
            .entry((&x.unit, &x.unit_name))
            .or_default()
            .entry(&x.regime)
            .or_default()
            .insert(&x.period);
    }
    let n = units.max(by_unit.len());
    let shown = |vi: bool| {
        let mut parts: Vec<String> = by_unit
            .iter()
            .take(NOTE_UNITS)
            .map(|((code, name), regimes)| {
                let what = regimes
                    .iter()
                    .map(|(r, ps)| match (ps.first(), ps.last()) {
                        (Some(a), Some(b)) if ps.len() > 3 => {
                            let k = ps.len();
                            format!("{r} {a}…{b}, {k} {}", if vi { "kỳ" } else { "periods" })
                        }
                        _ => format!("{r} {}", ps.iter().copied().collect::<Vec<_>>().join(", ")),
                    })
                    .collect::<Vec<_>>()
                    .join(" / ");
                format!("{code} {name} ({what})")
            })
            .collect();
        let more = n.saturating_sub(NOTE_UNITS);
        if more > 0 {
            parts.push(if vi {
                format!("và {more} đơn vị khác")
            } else {
                format!("and {more} more units")
            });
        }
        parts.join("; ")
    };
    Some(Msg::new(
        format!("{n} đơn vị được giao sau hạn, không tính: {}", shown(true)),
        format!(
            "{n} units assigned after the deadline, not counted: {}",
            shown(false)
        ),
    ))
}

/// Units a note names before "and N more" (JSON objects list them all).
pub const NOTE_UNITS: usize = 50;
