//! The database side of aggregation: which units' reports count (accepted by
//! default), their values, the indicator rules of each row, and the periods a
//! year-to-date or same-period-last-year comparison needs.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::aggregate::engine;
use crate::aggregate::model::{Aggregate, RowRule};
use crate::auth::permission::{Actor, Role};
use crate::domain::period::Period;
use crate::domain::workflow::RevisionStatus;
use crate::entry::Value;
use crate::error::{Error, Kind, Msg, Result};
use crate::form::FormDef;
use crate::ops::regime;
use crate::store::indicator as isql;
use crate::store::regime::{self as rsql, Regime};
use crate::store::report as sql;
use crate::store::unit as units;
use rust_decimal::Decimal;

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

#[derive(Clone)]
pub struct Options {
    /// Which revision statuses count: `accepted` (default), or `sent` too.
    pub statuses: Vec<crate::domain::workflow::RevisionStatus>,
    pub grouping: Grouping,
    pub ytd: bool,
    pub previous_year: bool,
    /// Count a merged unit's reports under its successor.
    pub lineage: bool,
    /// Only these cells (row key, column key) are wanted (a dashboard's indicators in
    /// one column): only the values they are made of are read, and every other cell
    /// comes out blank. `None`: the whole form.
    pub cells: Option<Vec<(String, String)>>,
    /// Only units within these subtrees count and are expected (a unit's own view of
    /// its figures, [`scope`]). `None`: every assigned unit.
    pub within: Option<Vec<i64>>,
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

/// A unit whose report counts, and the revisions whose values it takes: one, or
/// under lineage every merged predecessor's that reported (their values add up).
pub struct Counted {
    pub unit: String,
    pub unit_name: String,
    pub parent: Option<String>,
    pub status: RevisionStatus,
    revisions: Vec<i64>,
    /// The signature the workbook's status sheet reports, when the counted revision
    /// is the one the unit last sent: checked from the values read for aggregation.
    check: Option<Check>,
}

/// What a sent revision's signature covers besides its values.
struct Check {
    revision: i64,
    /// The reporting unit's own code (its report's, not a successor's).
    unit: String,
    number: i64,
    form_code: String,
    form_version: i64,
    narrative: Option<String>,
    signature: String,
    key_id: i64,
}

/// The units whose reports count, every unit expected as (code, name), and the
/// units the obligation rule leaves out of the expected ones.
struct Collected {
    units: Vec<Counted>,
    expected: Vec<(String, String)>,
    excluded: Vec<crate::ops::monitor::Excluded>,
    /// The period's revisions that hold components (a province's aggregate imported
    /// by a national instance): their components are merged instead of their values
    /// added.
    components: std::collections::HashSet<i64>,
}

impl Collected {
    fn heads(&self) -> Vec<engine::Head<'_>> {
        self.units
            .iter()
            .map(|u| engine::Head {
                unit: &u.unit,
                unit_name: &u.unit_name,
                status: u.status,
            })
            .collect()
    }
}

/// What does not change from one period to the next of an aggregation: the units
/// and the regime's assignments.
struct Setting {
    units: HashMap<i64, crate::store::unit::Unit>,
    assignments: Vec<rsql::Assignment>,
}

impl Setting {
    fn load(conn: &Connection, r: &Regime, o: &Options) -> Result<Setting> {
        Ok(Setting {
            units: units::all(conn)?.into_iter().map(|u| (u.id, u)).collect(),
            assignments: rsql::assignments(conn, r.id, !o.lineage)?,
        })
    }
}

/// Every assigned unit with its report's counting revision for one period, without
/// their values. A unit is expected by the obligation rule
/// ([`crate::domain::obligation`]), as `status` counts it: an active assignment owing
/// the period, or one that sent a report for it anyway; the others are left out and
/// returned as excluded.
fn select(
    conn: &Connection,
    setting: &Setting,
    r: &Regime,
    period: &str,
    o: &Options,
    cal: &crate::domain::calendar::WorkCalendar,
) -> Result<Collected> {
    let Setting {
        units: all_units,
        assignments,
    } = setting;
    let by_code: HashMap<&str, &crate::store::unit::Unit> =
        all_units.values().map(|u| (u.code.as_str(), u)).collect();
    // The period's revisions in one query, by unit code.
    let mut revisions: HashMap<String, Vec<sql::Counting>> = HashMap::new();
    for (unit, rev) in sql::period_counting(conn, r.id, period)? {
        revisions.entry(unit).or_default().push(rev);
    }
    let mut expected = Vec::new();
    let mut expected_codes = std::collections::HashSet::new();
    let mut excluded = Vec::new();
    let mut out: Vec<Counted> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    // The period's deadline by the regime's rule, which assignments' start is measured against.
    let (rule_info, rule_due) = crate::ops::regime::rule_due(r, period, cal)?;
    let tree = match &o.within {
        Some(_) => Some(units::tree(conn)?),
        None => None,
    };
    for a in assignments {
        let Some(u) = all_units.get(&a.unit_id) else {
            continue;
        };
        // A unit's own view: nothing outside its subtrees counts or is expected.
        if let (Some(roots), Some(tree)) = (&o.within, &tree) {
            if !roots.iter().any(|&root| tree.within(a.unit_id, root)) {
                continue;
            }
        }
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
                .is_some_and(|revs| revs.iter().any(|x| x.sent));
            match crate::ops::monitor::excluded_if(r, a, &rule_info, rule_due, sent) {
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
        let last_sent = revs.iter().rev().find(|x| x.sent);
        let check = match (last_sent, &rev.signature, rev.key_id) {
            (Some(sent), Some(signature), Some(key_id)) if sent.id == rev.id => Some(Check {
                revision: rev.id,
                unit: u.code.clone(),
                number: rev.number,
                form_code: rev.form_code.clone(),
                form_version: rev.form_version,
                narrative: rev.narrative.clone(),
                signature: signature.clone(),
                key_id,
            }),
            _ => None,
        };
        match position.get(&code).and_then(|&i| out.get_mut(i)) {
            // Two merged predecessors: their values add up under the successor.
            Some(existing) => {
                existing.revisions.push(rev.id);
                existing.check = None;
            }
            None => {
                position.insert(code.clone(), out.len());
                out.push(Counted {
                    unit: code,
                    unit_name: name,
                    parent,
                    status: rev.status,
                    revisions: vec![rev.id],
                    check,
                })
            }
        }
    }
    excluded.sort_by(|a, b| a.unit.cmp(&b.unit));
    Ok(Collected {
        units: out,
        expected,
        excluded,
        components: crate::store::exchange::period_component_revisions(conn, r.id, period)?,
    })
}

/// The units of a period as aggregation sees them, without their values.
pub struct Roster {
    /// Every unit expected by the obligation rule, as (code, name).
    pub expected: Vec<(String, String)>,
    /// The units whose report counts, as (code, name) (under lineage a successor's code).
    pub counted: Vec<(String, String)>,
    /// The units the obligation rule leaves out of the expected ones.
    pub excluded: Vec<crate::ops::monitor::Excluded>,
}

/// The units aggregation expects for `period` of regime `r` and those whose report
/// counts, by the same selection [`aggregate_regime`] makes (the compiled narratives
/// list exactly these). The caller checked the actor's scope (`o.within`).
pub fn roster(conn: &Connection, r: &Regime, period: &str, o: &Options) -> Result<Roster> {
    let period = regime::parse_period(r, period)?;
    let cal = crate::ops::calendar::load(conn)?;
    let setting = Setting::load(conn, r, o)?;
    let c = select(conn, &setting, r, &period, o, &cal)?;
    Ok(Roster {
        expected: c.expected,
        counted: c.units.into_iter().map(|u| (u.unit, u.unit_name)).collect(),
        excluded: c.excluded,
    })
}

/// What a reading of some units gathered: their sums, their groups' sums, and the
/// signatures checked on the way (revision id → valid).
struct Pass {
    sums: engine::Sums,
    groups: Vec<engine::Sums>,
    signatures: HashMap<i64, bool>,
}

/// How the units of a period are read: which, into which subtotal group each falls,
/// and whether the signatures of the revisions read are checked
/// (`Some((regime, period))`).
struct Reading<'r> {
    units: &'r [Counted],
    which: &'r [usize],
    group_of: &'r [Option<usize>],
    n_groups: usize,
    sign: Option<(&'r str, &'r str)>,
    /// Revisions whose components count instead of their values
    /// ([`Collected::components`]).
    components: &'r std::collections::HashSet<i64>,
    /// Read only the rows from the first to the last of these row keys (see
    /// [`Options::cells`]).
    rows: Option<(&'r str, &'r str)>,
}

impl Reading<'_> {
    /// Reads the values of `units[i]` for every `i` of `which`, in that order, one
    /// revision after another in key order. A second revision of the same unit
    /// (merged predecessors) adds to the first: numbers are summed (an overflow
    /// leaves the cell blank), anything else keeps the first.
    fn share(
        &self,
        conn: &Connection,
        plan: &engine::Plan,
        which: &[usize],
        mut sink: Option<Sink>,
    ) -> Result<Pass> {
        let mut pass = Pass {
            sums: plan.sums(),
            groups: (0..self.n_groups).map(|_| plan.sums()).collect(),
            signatures: HashMap::new(),
        };
        let mut slots: engine::Slots = vec![None; plan.n_slots()];
        let mut locator = plan.locator();
        let mut signed = crate::sign::ValuesJson::default();
        let mut keys: HashMap<i64, Option<String>> = HashMap::new();
        for &i in which {
            let Some(unit) = self.units.get(i) else {
                continue;
            };
            slots.iter_mut().for_each(|s| *s = None);
            let check = unit.check.as_ref().filter(|_| self.sign.is_some());
            signed.clear();
            let mut readable = true;
            // An imported aggregate adds its components: totals stay totals, averages
            // Σ/n and weighted averages Σ value·weight / Σ weight over all the units
            // it was made of. Its values are read only to be shown (the workbook's
            // detail) when they are all the unit has.
            let mut merged: Option<engine::Sums> = None;
            let all_components = unit.revisions.iter().all(|r| self.components.contains(r));
            for &revision in unit.revisions.iter() {
                if !self.components.contains(&revision) {
                    continue;
                }
                let parts = crate::store::exchange::components(conn, revision)?;
                let s = plan.sums_from(&parts).map_err(|(row, column)| {
                    Error::new(
                        Kind::Invalid,
                        Msg::new(
                            format!(
                                "Thành phần tổng hợp ({row}, {column}) của báo cáo {} không phải ô nhập của biểu {}",
                                unit.unit,
                                plan.form().code
                            ),
                            format!(
                                "The aggregate component ({row}, {column}) of {}'s report is not an input cell of form {}",
                                unit.unit,
                                plan.form().code
                            ),
                        ),
                    )
                })?;
                match merged.as_mut() {
                    Some(m) => m.merge(&s),
                    None => merged = Some(s),
                }
            }
            let shown_only = all_components && merged.is_some();
            for (n, &revision) in unit.revisions.iter().enumerate() {
                if self.components.contains(&revision) && (!shown_only || sink.is_none()) {
                    continue;
                }
                let each = |row: &[u8], column: &[u8], num: Option<&str>, txt: Option<&str>| {
                    if check.is_some() {
                        match (std::str::from_utf8(row), std::str::from_utf8(column)) {
                            (Ok(r), Ok(c)) => signed.push(r, c, num.or(txt).unwrap_or_default()),
                            _ => readable = false,
                        }
                    }
                    let Some(slot) = locator.slot(row, column) else {
                        return;
                    };
                    if !plan.is_input(slot) {
                        return;
                    }
                    let value = match num {
                        Some(n) => match n.parse::<Decimal>() {
                            Ok(d) => Value::Number(d),
                            Err(_) => return,
                        },
                        None => Value::Text(txt.unwrap_or_default().to_string()),
                    };
                    let Some(cell) = slots.get_mut(slot) else {
                        return;
                    };
                    match (cell.as_mut(), value) {
                        (None, v) => *cell = Some(v),
                        (Some(Value::Number(e)), Value::Number(d)) if n > 0 => {
                            *cell = e.checked_add(d).map(Value::Number);
                        }
                        (Some(_), _) => {}
                    }
                };
                match self.rows {
                    Some((first, last)) => {
                        sql::each_value_in_rows(conn, revision, first, last, each)?
                    }
                    None => sql::each_value(conn, revision, each)?,
                }
            }
            if let (Some(c), Some((regime, period)), true) = (check, self.sign, readable) {
                let key = match keys.get(&c.key_id) {
                    Some(k) => k.clone(),
                    None => {
                        let k = sql::key_by_id(conn, c.key_id)?;
                        keys.insert(c.key_id, k.clone());
                        k
                    }
                };
                let valid = match key {
                    None => false,
                    Some(public) => {
                        let attachments = sql::attachment_digests(conn, c.revision)?;
                        let content = crate::sign::Content {
                            regime,
                            form_code: &c.form_code,
                            form_version: c.form_version,
                            unit: &c.unit,
                            period,
                            revision: c.number,
                            values: &Default::default(),
                            narrative: c.narrative.as_deref(),
                            attachments: &attachments,
                        };
                        let document = crate::sign::canonical_with(&content, &signed);
                        crate::sign::verify(&public, &document, &c.signature)
                    }
                };
                pass.signatures.insert(c.revision, valid);
            }
            let group = self.group_of.get(i).copied().flatten();
            if !shown_only {
                plan.add(&mut pass.sums, &slots);
                if let Some(g) = group.and_then(|g| pass.groups.get_mut(g)) {
                    plan.add(g, &slots);
                }
            }
            if let Some(m) = &merged {
                pass.sums.merge(m);
                if let Some(g) = group.and_then(|g| pass.groups.get_mut(g)) {
                    g.merge(m);
                }
            }
            if let Some(sink) = sink.as_mut() {
                sink(Detail {
                    unit: unit.unit.clone(),
                    unit_name: unit.unit_name.clone(),
                    slots: slots.clone(),
                })?;
            }
        }
        Ok(pass)
    }

    /// Reads the units in two halves, the second on another core through its own
    /// connection when one reads the same state ([`crate::store::second_reader`]),
    /// else after the first on this one. The halves merge in order, so the result
    /// never depends on which happened. With a sink the units are read in one pass
    /// in order (the sink's consumer, the workbook writer, has the other core).
    fn run(&self, conn: &Connection, plan: &engine::Plan, sink: Option<Sink>) -> Result<Pass> {
        // Tests split the smallest periods too, so both ways are always exercised.
        const SPLIT_FROM: usize = if cfg!(test) { 2 } else { 256 };
        if sink.is_some() || self.which.len() < SPLIT_FROM {
            return self.share(conn, plan, self.which, sink);
        }
        let (first, second) = self.which.split_at(self.which.len() / 2);
        let (a, b) = match crate::store::second_reader(conn) {
            Some(other) => std::thread::scope(|scope| {
                let other_half = scope.spawn(move || self.share(&other, plan, second, None));
                let a = self.share(conn, plan, first, None);
                let b = other_half.join().unwrap_or_else(|_| {
                    Err(Error::new(
                        Kind::Failure,
                        Msg::new(
                            "Luồng đọc số liệu dừng bất thường",
                            "The reading thread stopped unexpectedly",
                        ),
                    ))
                });
                (a, b)
            }),
            None => (
                self.share(conn, plan, first, None),
                self.share(conn, plan, second, None),
            ),
        };
        let (mut a, b) = (a?, b?);
        a.sums.merge(&b.sums);
        for (x, y) in a.groups.iter_mut().zip(&b.groups) {
            x.merge(y);
        }
        a.signatures.extend(b.signatures);
        Ok(a)
    }
}

/// The aggregated values of every counted unit of a period, in one pass.
fn sums_of(
    conn: &Connection,
    plan: &engine::Plan,
    c: &Collected,
    statuses: &[RevisionStatus],
    rows: Option<(&str, &str)>,
) -> Result<engine::Sums> {
    let heads = c.heads();
    let included = engine::counted(&heads, statuses);
    let reading = Reading {
        units: &c.units,
        which: &included,
        group_of: &[],
        n_groups: 0,
        sign: None,
        components: &c.components,
        rows,
    };
    Ok(reading.run(conn, plan, None)?.sums)
}

/// One counted unit's input cells, for the per-unit detail of the workbook.
pub struct Detail {
    pub unit: String,
    pub unit_name: String,
    pub slots: engine::Slots,
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

/// Whose figures of regime `r` the actor may see aggregated: `None` for the whole
/// regime (an aggregator or a viewer of its lead unit, as [`may_aggregate`]);
/// otherwise the subtrees of its own leader's (approver) and viewer grants that hold
/// units assigned `r` — a unit sees its own figures (Ninh Bình Art. 10(2a): the
/// leader "xem biểu đồ Dashboard các chỉ số của đơn vị"; Art. 12(3b): approved
/// figures kept for the unit's own reports; Đồng Tháp Art. 15(3)). Refused (exit 4)
/// when neither holds; `what` names the refused act.
pub fn scope(conn: &Connection, actor: &Actor, r: &Regime, what: Msg) -> Result<Option<Vec<i64>>> {
    let tree = units::tree(conn)?;
    if actor.holds_for_regime(Role::Aggregator, r.lead_unit_id, &r.code, &tree)
        || actor.holds_for_regime(Role::Viewer, r.lead_unit_id, &r.code, &tree)
    {
        return Ok(None);
    }
    let assigned = rsql::assignments(conn, r.id, false)?;
    let mut roots: Vec<i64> = actor
        .grants
        .iter()
        .filter(|g| matches!(g.role, Role::Approver | Role::Viewer))
        .filter(|g| g.regimes.as_ref().is_none_or(|rs| rs.contains(&r.code)))
        .filter(|g| assigned.iter().any(|a| tree.within(a.unit_id, g.unit_id)))
        .map(|g| g.unit_id)
        .collect();
    roots.sort_unstable();
    roots.dedup();
    actor.require(!roots.is_empty(), what)?;
    Ok(Some(roots))
}

/// The act [`scope`] refuses: aggregating regime `r`.
pub fn refused(r: &Regime) -> Msg {
    Msg::new(
        format!("tổng hợp chế độ {}", r.code),
        format!("aggregate regime {}", r.code),
    )
}

/// The units a [`scope`] covers, named as a document heading names them
/// (`Xã Hòa Bình`, or several joined by commas).
pub fn scope_names(conn: &Connection, roots: &[i64]) -> Result<String> {
    let mut names = Vec::new();
    for &id in roots {
        if let Some(u) = units::by_id(conn, id)? {
            names.push(u.name);
        }
    }
    Ok(names.join(", "))
}

/// Whether a unit lies within a [`scope`]: every unit when the scope is the whole
/// regime.
pub struct Within {
    roots: Option<Vec<i64>>,
    tree: Option<crate::auth::permission::UnitTree>,
    ids: HashMap<String, i64>,
}

impl Within {
    pub fn new(conn: &Connection, roots: &Option<Vec<i64>>) -> Result<Within> {
        let Some(roots) = roots else {
            return Ok(Within {
                roots: None,
                tree: None,
                ids: HashMap::new(),
            });
        };
        Ok(Within {
            roots: Some(roots.clone()),
            tree: Some(units::tree(conn)?),
            ids: units::all(conn)?
                .into_iter()
                .map(|u| (u.code, u.id))
                .collect(),
        })
    }

    /// Whether the unit of this code is inside.
    pub fn holds(&self, code: &str) -> bool {
        match (&self.roots, &self.tree) {
            (Some(roots), Some(tree)) => self
                .ids
                .get(code)
                .is_some_and(|&id| roots.iter().any(|&root| tree.within(id, root))),
            _ => true,
        }
    }
}

/// Where each counted unit's cells go as they are read.
pub type Sink<'s> = &'s mut dyn FnMut(Detail) -> Result<()>;

/// What the aggregated workbook needs besides the aggregate.
pub enum Need<'s> {
    /// The aggregate alone.
    Aggregate,
    /// Each counted unit's cells, handed to the sink in counting order as they are
    /// read (the detail sheet), and the signatures of the revisions read (the
    /// status sheet).
    Workbook(Sink<'s>),
}

/// An aggregate with what was gathered for the workbook.
pub struct Collection {
    pub form: FormDef,
    pub aggregate: Aggregate,
    /// With [`Need::Workbook`]: revision id → whether its signature verifies, for
    /// the revisions counted that are their unit's last sent.
    pub signatures: HashMap<i64, bool>,
    /// The running aggregate of the counted units (for an aggregate document's
    /// components).
    pub sums: engine::Sums,
}

/// Aggregates a regime's period (see [`Need`] for what else is gathered on the way).
pub fn aggregate(
    conn: &Connection,
    actor: &Actor,
    regime_code: &str,
    period: &str,
    o: &Options,
    need: Need,
) -> Result<Collection> {
    let r = regime::find(conn, regime_code)?;
    // Who may aggregate a period: the lead unit in force for it.
    match scope(conn, actor, &regime::rules_for(&r, period), refused(&r))? {
        None => aggregate_regime(conn, &r, period, o, need),
        Some(roots) => {
            let o = Options {
                within: Some(roots),
                ..o.clone()
            };
            aggregate_regime(conn, &r, period, &o, need)
        }
    }
}

/// [`aggregate`] of a regime whose permission the caller checked (the lead unit's
/// approver and sender approve and send its aggregate without aggregating rights).
pub fn aggregate_regime(
    conn: &Connection,
    r: &Regime,
    period: &str,
    o: &Options,
    need: Need,
) -> Result<Collection> {
    let period = regime::parse_period(r, period)?;
    if (o.ytd || o.previous_year) && r.period_label.is_some() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Báo cáo chuyên đề, đột xuất không có lũy kế hay cùng kỳ",
                "Thematic and ad hoc reports have no year-to-date or same period",
            ),
        ));
    }
    // The period's form (a regime amended from a later period keeps this one's).
    let form = regime::form_for(conn, r, &period)?;
    let rules = rules(conn, &form)?;
    let cal = crate::ops::calendar::load(conn)?;
    let plan = engine::Plan::new(&form, &rules);
    // With wanted cells, the rows their inputs lie in, and a filter for the results.
    let wanted: Option<std::collections::HashSet<(String, String)>> =
        o.cells.as_ref().map(|c| c.iter().cloned().collect());
    let rows: Option<Vec<String>> = o.cells.as_ref().map(|cells| {
        let slots: Vec<usize> = cells
            .iter()
            .filter_map(|(r, c)| plan.slot_of(r, c))
            .collect();
        let n_cols = form.columns.len().max(1);
        let mut keys: Vec<String> = plan
            .inputs_for(&slots)
            .iter()
            .enumerate()
            .filter(|(_, &needed)| needed)
            .filter_map(|(slot, _)| form.rows.get(slot / n_cols).map(|r| r.key.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    });
    // A range of row keys: one seek per revision, no list to look each key up in.
    let rows = rows
        .as_ref()
        .and_then(|k| Some((k.first()?.as_str(), k.last()?.as_str())));
    let keep = |mut values: crate::entry::Values| {
        if let Some(w) = &wanted {
            values.retain(|k, _| w.contains(k));
        }
        values
    };
    let setting = Setting::load(conn, r, o)?;
    let now = select(conn, &setting, r, &period, o, &cal)?;
    let heads = now.heads();
    let included = engine::counted(&heads, &o.statuses);
    let coverage = engine::coverage(&heads, &included, &now.expected, &o.statuses);

    // Subtotal groups, each with sums of its own, filled in the same pass.
    let groups = match o.grouping {
        Grouping::None => Vec::new(),
        _ => {
            let tree = units::tree(conn)?;
            let level_of = |code: &str| level(conn, &tree, &o.grouping, code);
            engine::groups(&heads, &included, &now.expected, &o.statuses, &level_of)
        }
    };
    let mut group_of: Vec<Option<usize>> = vec![None; now.units.len()];
    for (g, group) in groups.iter().enumerate() {
        for &m in &group.members {
            if let Some(x) = group_of.get_mut(m) {
                *x = Some(g);
            }
        }
    }
    let (sink, sign) = match need {
        Need::Aggregate => (None, None),
        Need::Workbook(sink) => (Some(sink), Some((r.code.as_str(), period.as_str()))),
    };
    let Pass {
        sums,
        groups: group_sums,
        signatures,
    } = Reading {
        units: &now.units,
        which: &included,
        group_of: &group_of,
        n_groups: groups.len(),
        sign,
        components: &now.components,
        rows,
    }
    .run(conn, &plan, sink)?;
    let values = keep(plan.values(&sums));
    let subtotals = groups
        .into_iter()
        .zip(&group_sums)
        .map(|(g, s)| engine::subtotal(&plan, g, &keep(plan.values(s))))
        .collect::<Vec<_>>();
    let mut agg = Aggregate {
        regime: r.code.clone(),
        period: period.clone(),
        form_code: form.code.clone(),
        form_version: form.version,
        coverage,
        excluded: now.excluded,
        rows: plan.rows(&values),
        subtotals,
        ytd: None,
        previous_year: None,
        growth: None,
    };
    if o.ytd {
        // Each earlier period of the year read once; this one's values reused.
        let p = Period::parse(&period)
            .map_err(|e| Error::new(Kind::Invalid, Msg::new(e.message_vi(), e.message_en())))?;
        let mut months = vec![values];
        let mut cur = p.prev();
        while let Some(q) = cur.filter(|q| q.year() == p.year()) {
            let c = select(conn, &setting, r, &q.to_string(), o, &cal)?;
            let s = sums_of(conn, &plan, &c, &o.statuses, rows)?;
            months.push(keep(plan.values(&s)));
            cur = q.prev();
        }
        months.reverse();
        agg.ytd = Some(plan.rows(&keep(plan.year_to_date(&months))));
    }
    if o.previous_year {
        if let Some(q) = same_period_last_year(&period)? {
            let c = select(conn, &setting, r, &q, o, &cal)?;
            let s = sums_of(conn, &plan, &c, &o.statuses, rows)?;
            let prev_rows = plan.rows(&keep(plan.values(&s)));
            agg.growth = Some(engine::growth(&agg.rows, &prev_rows));
            agg.previous_year = Some(prev_rows);
        }
    }
    drop(plan);
    Ok(Collection {
        form,
        aggregate: agg,
        signatures,
        sums,
    })
}

/// The group a unit's subtotal falls in, by `grouping`.
fn level(
    conn: &Connection,
    tree: &crate::auth::permission::UnitTree,
    grouping: &Grouping,
    code: &str,
) -> Option<String> {
    let u = units::by_code(conn, code).ok().flatten()?;
    match grouping {
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
}

/// The same period a year earlier (`202611` → `202511`, `2026Q3` → `2025Q3`), if the
/// calendar has one (a 53rd week may not).
fn same_period_last_year(period: &str) -> Result<Option<String>> {
    let p = Period::parse(period)
        .map_err(|e| Error::new(Kind::Invalid, Msg::new(e.message_vi(), e.message_en())))?;
    let id = p.to_string();
    let earlier = format!("{:04}{}", p.year() - 1, id.get(4..).unwrap_or_default());
    Ok(Period::parse(&earlier).ok().map(|q| q.to_string()))
}

#[cfg(test)]
mod tests {
    use super::same_period_last_year as earlier;

    #[test]
    fn the_same_period_last_year_is_the_same_month_quarter_or_week() {
        // It once stepped back to December for every month but December.
        assert_eq!(earlier("202611").unwrap().as_deref(), Some("202511"));
        assert_eq!(earlier("202601").unwrap().as_deref(), Some("202501"));
        assert_eq!(earlier("2026Q3").unwrap().as_deref(), Some("2025Q3"));
        assert_eq!(earlier("2026S1").unwrap().as_deref(), Some("2025S1"));
        assert_eq!(earlier("2026").unwrap().as_deref(), Some("2025"));
        assert_eq!(earlier("2026W05").unwrap().as_deref(), Some("2025W5"));
        // 2020 had a 53rd ISO week, 2019 did not; 29 February has no twin.
        assert_eq!(earlier("2020W53").unwrap(), None);
        assert_eq!(earlier("20240229").unwrap(), None);
        assert!(earlier("2026-13").is_err());
    }
}
