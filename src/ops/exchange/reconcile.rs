//! Reconciliation (đối soát; Ninh Bình Art. 10(1), Đồng Tháp Art. 15(1–2)): what this
//! system holds for a regime's period, unit by unit, cell by cell, against another
//! source — our long format with a unit column, a DHIS2 data value set read through
//! its mapping, or another instance's report-data documents ([`source`]). Every cell
//! whose values differ by more than the tolerance, or that one side has and the other
//! lacks, is listed.
//!
//! The stored side is each unit's revision chosen by [`Include`] (default: the
//! effective one, accepted else sent) over the units the actor may read ([`stored`]).
//! Input cells are compared, and computed cells where the source carries them
//! (recomputed from the inputs, as aggregation does). A DHIS2 source covers only what
//! its mapping maps, so only those units, rows and columns are compared. Source values
//! of other periods, and units the actor may not read or this system does not know,
//! are left out and counted.

pub mod source;
pub mod stored;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::auth::permission::Actor;
use crate::entry::{RawValue, Value};
use crate::error::{Error, Kind, Msg, Result};
use crate::form::{FormDef, ValueType};
use crate::ops::exchange::dhis2::{self, Incoming, Mapping};
use crate::ops::regime;

pub use source::LongRecord;
pub use stored::Include;

/// How far apart two numbers may be and still agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Tolerance {
    /// Exact agreement.
    #[default]
    Exact,
    /// |source − stored| ≤ this.
    Absolute(Decimal),
    /// |source − stored| ≤ this fraction of |stored| (`1%` is 0.01).
    Relative(Decimal),
}

impl Tolerance {
    /// `0.5` (absolute) or `1%` (relative to the stored value); `,` may stand for `.`.
    pub fn parse(s: &str) -> Result<Tolerance> {
        let t = s.trim();
        let (body, pct) = match t.strip_suffix('%') {
            Some(b) => (b.trim(), true),
            None => (t, false),
        };
        let d = Decimal::from_str_exact(&body.replace(',', "."))
            .ok()
            .filter(|d| !d.is_sign_negative());
        let Some(d) = d else {
            return Err(Error::new(
                Kind::Usage,
                Msg::new(
                    format!("--tolerance «{t}»: một số không âm (0,5) hoặc phần trăm (1%)"),
                    format!("--tolerance «{t}»: a non-negative number (0.5) or a percentage (1%)"),
                ),
            ));
        };
        Ok(if pct {
            Tolerance::Relative(d / Decimal::ONE_HUNDRED)
        } else if d.is_zero() {
            Tolerance::Exact
        } else {
            Tolerance::Absolute(d)
        })
    }

    fn agrees(self, stored: Decimal, source: Decimal) -> bool {
        let gap = (source - stored).abs();
        match self {
            Tolerance::Exact => gap.is_zero(),
            Tolerance::Absolute(t) => gap <= t,
            Tolerance::Relative(f) => gap <= f * stored.abs(),
        }
    }
}

/// What was asked.
#[derive(Debug, Clone)]
pub struct Request {
    pub regime: String,
    pub period: String,
    pub tolerance: Tolerance,
    pub include: Include,
}

/// The other side, read.
pub enum Source {
    /// Our long format (and report-data documents, read into it).
    Long(Vec<LongRecord>),
    /// A DHIS2 data value set and its mapping.
    Dhis2 {
        mapping: Mapping,
        values: Vec<Incoming>,
    },
}

/// How a cell differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    /// Both have a value and they differ (beyond the tolerance).
    Differs,
    /// The source has a value this system does not.
    MissingHere,
    /// This system has a value the source does not.
    MissingInSource,
}

/// One cell that does not agree.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    pub unit: String,
    pub unit_name: String,
    pub row: String,
    pub stt: Option<String>,
    pub indicator: String,
    pub column: String,
    pub stored: Option<String>,
    pub source: Option<String>,
    /// source − stored, when both are numbers.
    pub difference: Option<String>,
    pub kind: DiffKind,
}

/// What was left out of the comparison, and why.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LeftOut {
    /// Source values of another period (or regime).
    pub other_periods: usize,
    /// Units of the source the actor may not read.
    pub units_out_of_scope: Vec<String>,
    /// Units of the source this system does not have (or, for DHIS2, org units the
    /// mapping does not name).
    pub units_unknown: Vec<String>,
    /// Source values for rows or columns the form does not have (or the mapping does
    /// not map).
    pub cells_unknown: usize,
}

/// The outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciled {
    pub regime: String,
    pub period: String,
    pub include: Include,
    pub tolerance: Tolerance,
    /// Units compared.
    pub units: usize,
    /// Cells compared.
    pub cells: usize,
    pub differences: Vec<Difference>,
    pub left_out: LeftOut,
}

/// A source value placed in a cell of a unit.
struct Given {
    raw: String,
    plain: bool,
}

/// Compares the stored values of `req` with `source`.
pub fn reconcile(
    conn: &Connection,
    actor: &Actor,
    req: &Request,
    source: &Source,
) -> Result<Reconciled> {
    let r = regime::find(conn, &req.regime)?;
    let period = regime::parse_period(&r, &req.period)?;
    let scope = stored::scope(
        conn,
        actor,
        &r,
        Msg::new(
            format!("đối soát số liệu chế độ {}", r.code),
            format!("reconcile the data of regime {}", r.code),
        ),
    )?;
    let mut forms = stored::Forms::default();
    let ours = stored::gather(conn, &r, &period, &scope, req.include, &mut forms)?;
    let in_scope: HashSet<&str> = scope.iter().map(|a| a.unit.as_str()).collect();
    let known: HashSet<String> = crate::store::unit::all(conn)?
        .into_iter()
        .map(|u| u.code)
        .collect();
    let latest = forms.get(conn, r.form.trim(), None)?;
    let mut left = LeftOut::default();
    // unit → (row key, column key) → value, and which units/cells a DHIS2 mapping covers.
    let mut theirs: HashMap<String, BTreeMap<(String, String), Given>> = HashMap::new();
    let mut out_scope = BTreeSet::new();
    let mut unknown = BTreeSet::new();
    let mut covered: Option<(HashSet<String>, crate::ops::exchange::dhis2::FormMap)> = None;
    let form_of = |unit: &str| {
        ours.iter()
            .find(|u| u.unit == unit)
            .map_or(latest.clone(), |u| u.form.clone())
    };
    match source {
        Source::Long(records) => {
            for rec in records {
                if rec.regime.as_deref().is_some_and(|g| g != r.code) {
                    left.other_periods += 1;
                    continue;
                }
                if let Some(p) = &rec.period {
                    if regime::parse_period(&r, p).ok().as_deref() != Some(period.as_str()) {
                        left.other_periods += 1;
                        continue;
                    }
                }
                if !known.contains(&rec.unit) {
                    unknown.insert(rec.unit.clone());
                    continue;
                }
                if !in_scope.contains(rec.unit.as_str()) {
                    out_scope.insert(rec.unit.clone());
                    continue;
                }
                let form = form_of(&rec.unit);
                let (Some(row), Some(col)) =
                    (row_key(&form, &rec.row), column_key(&form, &rec.column))
                else {
                    left.cells_unknown += 1;
                    continue;
                };
                if let Some(v) = &rec.value {
                    theirs.entry(rec.unit.clone()).or_default().insert(
                        (row, col),
                        Given {
                            raw: v.clone(),
                            plain: rec.plain,
                        },
                    );
                }
            }
        }
        Source::Dhis2 { mapping, values } => {
            mapping.check_units(&known)?;
            let fm = mapping.for_form(&latest)?;
            let dhis2_period = dhis2::period::require_dhis2(
                &r.code,
                &crate::domain::period::Period::parse(&period).map_err(|e| {
                    Error::new(Kind::Invalid, Msg::new(e.message_vi(), e.message_en()))
                })?,
            )?;
            for v in values {
                let same_period = dhis2::period::from_dhis2(&v.period)
                    .ok()
                    .and_then(|p| dhis2::period::to_dhis2(&p));
                if same_period.as_deref() != Some(dhis2_period.as_str()) {
                    left.other_periods += 1;
                    continue;
                }
                let Some(unit) = mapping.unit_of(&v.org_unit) else {
                    unknown.insert(v.org_unit.clone());
                    continue;
                };
                if !in_scope.contains(unit) {
                    out_scope.insert(unit.to_string());
                    continue;
                }
                let (Some(row), Some(col)) = (
                    fm.row_of(&v.data_element),
                    fm.column_of(v.category_option_combo.as_deref()),
                ) else {
                    left.cells_unknown += 1;
                    continue;
                };
                if v.deleted {
                    continue;
                }
                if let Some(val) = &v.value {
                    theirs.entry(unit.to_string()).or_default().insert(
                        (row.to_string(), col.to_string()),
                        Given {
                            raw: val.clone(),
                            plain: true,
                        },
                    );
                }
            }
            let units: HashSet<String> = mapping.org_units.iter().map(|(c, _)| c.clone()).collect();
            covered = Some((units, fm));
        }
    }
    left.units_out_of_scope = out_scope.into_iter().collect();
    left.units_unknown = unknown.into_iter().collect();

    let mut out = Reconciled {
        regime: r.code.clone(),
        period: period.clone(),
        include: req.include,
        tolerance: req.tolerance,
        units: 0,
        cells: 0,
        differences: Vec::new(),
        left_out: left,
    };
    let empty = BTreeMap::new();
    for u in &ours {
        if let Some((units, _)) = &covered {
            if !units.contains(&u.unit) {
                continue;
            }
        }
        let given = theirs.get(&u.unit).unwrap_or(&empty);
        if given.is_empty() && u.inputs.is_empty() {
            continue;
        }
        out.units += 1;
        let form = &u.form;
        let mut keys: BTreeSet<(String, String)> = u.inputs.keys().cloned().collect();
        keys.extend(given.keys().cloned());
        if let Some((_, fm)) = &covered {
            keys.retain(|(row, col)| {
                fm.data_element(row).is_some() && fm.category_option_combo(col).is_some()
            });
        }
        // In the form's order.
        let mut ordered: Vec<(usize, usize, (String, String))> = keys
            .into_iter()
            .map(|k| {
                let i = form
                    .rows
                    .iter()
                    .position(|r| r.key == k.0)
                    .unwrap_or(usize::MAX);
                let j = form
                    .columns
                    .iter()
                    .position(|c| c.key == k.1)
                    .unwrap_or(usize::MAX);
                (i, j, k)
            })
            .collect();
        ordered.sort();
        for (_, _, key) in ordered {
            out.cells += 1;
            let mine = u.values.get(&key);
            let theirs = given.get(&key);
            if let Some(d) = compare(form, &key, mine, theirs, req.tolerance) {
                let row = form.rows.iter().find(|r| r.key == key.0);
                let col = form.columns.iter().find(|c| c.key == key.1);
                out.differences.push(Difference {
                    unit: u.unit.clone(),
                    unit_name: u.unit_name.clone(),
                    row: key.0.clone(),
                    stt: row.and_then(|r| r.stt.clone()),
                    indicator: row.map_or_else(String::new, |r| r.name.clone()),
                    column: col.map_or_else(|| key.1.clone(), |c| c.number.clone()),
                    stored: d.0,
                    source: d.1,
                    difference: d.2,
                    kind: d.3,
                });
            }
        }
    }
    Ok(out)
}

type Found = (Option<String>, Option<String>, Option<String>, DiffKind);

fn shown(v: &Value) -> String {
    match v {
        Value::Number(d) => d.normalize().to_string(),
        Value::Text(t) => t.clone(),
    }
}

/// The difference in one cell, if any.
fn compare(
    form: &FormDef,
    key: &(String, String),
    mine: Option<&Value>,
    theirs: Option<&Given>,
    tolerance: Tolerance,
) -> Option<Found> {
    let numeric = form
        .columns
        .iter()
        .find(|c| c.key == key.1)
        .is_none_or(|c| c.value_type != ValueType::Text);
    match (mine, theirs) {
        (None, None) => None,
        (Some(m), None) => Some((Some(shown(m)), None, None, DiffKind::MissingInSource)),
        (None, Some(t)) => Some((None, Some(t.raw.clone()), None, DiffKind::MissingHere)),
        (Some(m), Some(t)) => {
            if numeric {
                let theirs_num = if t.plain {
                    Decimal::from_str_exact(t.raw.trim())
                        .or_else(|_| Decimal::from_scientific(t.raw.trim()))
                        .ok()
                } else {
                    RawValue::from_text(&t.raw).number()
                };
                match (m.as_number(), theirs_num) {
                    (Some(a), Some(b)) if tolerance.agrees(a, b) => None,
                    (Some(a), Some(b)) => Some((
                        Some(a.normalize().to_string()),
                        Some(b.normalize().to_string()),
                        Some((b - a).normalize().to_string()),
                        DiffKind::Differs,
                    )),
                    _ => Some((Some(shown(m)), Some(t.raw.clone()), None, DiffKind::Differs)),
                }
            } else {
                let theirs_text = crate::text::normalize(t.raw.trim());
                match m {
                    Value::Text(s) if *s == theirs_text => None,
                    _ => Some((Some(shown(m)), Some(theirs_text), None, DiffKind::Differs)),
                }
            }
        }
    }
}

/// A row named by its catalogue indicator code, its code (mã số) or its key.
pub fn row_key(form: &FormDef, name: &str) -> Option<String> {
    let name = name.trim();
    let one = |f: &dyn Fn(&crate::form::Row) -> bool| {
        let mut it = form.rows.iter().filter(|r| f(r));
        match (it.next(), it.next()) {
            (Some(r), None) => Some(r.key.clone()),
            _ => None,
        }
    };
    one(&|r| r.code.as_deref().map(str::trim) == Some(name))
        .or_else(|| one(&|r| r.indicator.as_deref().map(str::trim) == Some(name)))
        .or_else(|| one(&|r| r.key == name))
}

/// A column named by its number or its key.
pub fn column_key(form: &FormDef, name: &str) -> Option<String> {
    let name = name.trim();
    form.columns
        .iter()
        .find(|c| c.number == name)
        .or_else(|| form.columns.iter().find(|c| c.key == name))
        .map(|c| c.key.clone())
}
