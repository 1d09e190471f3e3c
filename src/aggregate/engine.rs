//! The aggregation engine (SPEC §2 indicator rules, §7 aggregation): pure code, no
//! database, no clock, no I/O.
//!
//! Rules:
//!
//! - **Over units** ([`combine`]): each *input* cell (an input row × an input column,
//!   not `x`, not a heading — the form [`Grid`]'s input cells) is combined
//!   across the units by its row's [`RowRule::aggregation`]: `sum` (also when a row
//!   has no rule), `average` (over the units that have a value), `weighted_average`
//!   (Σ value·weight / Σ weight, the weight being the same unit's value in the weight
//!   row and the SAME column; a unit without a weight is left out; Σ weight = 0, or no
//!   `weight_row`, gives no value), `min`, `max`, `none` (no value). An unknown rule
//!   gives no value rather than a number under a rule not understood. A cell no unit
//!   has a value for stays blank (never 0). Text cells are not aggregated.
//!   Then the grid's evaluation fills the computed rows (sums of children, row formulas) and
//!   computed columns (`3/1*100`) from the aggregated inputs: a percentage of the
//!   total is never the sum nor the average of the units' percentages.
//! - **Arithmetic** is exact `rust_decimal` (28 significant digits). Only divisions
//!   produce long fractions: every value the engine returns (averages, weighted
//!   averages and computed cells, computed at full precision from full-precision
//!   inputs) is rounded to at most [`MAX_DECIMALS`] = 10 decimal places, half away
//!   from zero; sums of inputs are exact. An overflow gives no value, never a panic.
//! - **Coverage** ([`aggregate`]): a unit counts when its `status` is one of
//!   `statuses`; a unit listed twice counts once (the first). `units_included` is in
//!   `expected` order, then any included unit that is not expected (a report from a
//!   unit no longer assigned still counts, so `included` may exceed `expected`);
//!   `units_missing` is every expected unit not included, in `expected` order.
//! - **Subtotals** ([`subtotals`]): units and expected units are grouped by
//!   `level_of(code)` (called once per distinct code; `None` = in no group). Groups come
//!   in the order their first unit appears in `expected`, then in `units`. A group's
//!   name is the name `expected` or `units` give its code (a `--by unit` group), else
//!   its code: the caller may overwrite `Subtotal::unit_name`.
//! - **Over time** ([`year_to_date`]): each input cell by its row's
//!   `time_aggregation`: `flow` (also when a row has no rule) = the sum over the
//!   periods that have a value, `stock` = the last period's value (blank when the last
//!   period has none), `rate` = the average over the periods that have a value; then
//!   computed cells are recomputed from those inputs (a ratio column is recomputed from
//!   the year-to-date totals). An unknown time rule gives no value.
//! - **Growth** ([`growth`]): per cell `current / previous × 100`, rounded to 2 decimals
//!   half away from zero; blank when either is blank or text, or previous is 0. Rows
//!   are matched by row key, cells by column number label.
//! - **Display** ([`rows_of`]): every form row in form order, headings with blank
//!   values; values keyed by column number label, decimals normalized (`12.50` →
//!   `12.5`, `100.00` → `100`).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::{Decimal, RoundingStrategy};

use super::model::{AggRow, Coverage, RowRule, Subtotal, UnitInput};
use crate::domain::workflow::RevisionStatus;
use crate::entry::{Value, Values};
use crate::form::grid::{Blanks, Grid};
use crate::form::{FormDef, RowRole};

/// Most decimal places a value computed by division keeps.
pub const MAX_DECIMALS: u32 = 10;
/// Decimal places of a growth rate.
pub const GROWTH_DECIMALS: u32 = 2;

const ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// Aggregation over units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agg {
    Sum,
    Average,
    Weighted,
    Min,
    Max,
    Nothing,
}

impl Agg {
    fn of(rule: Option<&RowRule>) -> Agg {
        match rule.map(|r| r.aggregation.as_str()) {
            None | Some("sum") => Agg::Sum,
            Some("average") => Agg::Average,
            Some("weighted_average") => Agg::Weighted,
            Some("min") => Agg::Min,
            Some("max") => Agg::Max,
            Some(_) => Agg::Nothing,
        }
    }
}

/// Aggregation over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Time {
    Flow,
    Stock,
    Rate,
    Nothing,
}

impl Time {
    fn of(rule: Option<&RowRule>) -> Time {
        match rule.map(|r| r.time_aggregation.as_str()) {
            None | Some("flow") => Time::Flow,
            Some("stock") => Time::Stock,
            Some("rate") => Time::Rate,
            Some(_) => Time::Nothing,
        }
    }
}

/// One input cell to aggregate.
#[derive(Debug, Clone, Copy)]
struct InputCell {
    /// `row index × columns + column index`.
    slot: usize,
    agg: Agg,
    time: Time,
    /// Slot of the weight for `weighted_average`.
    weight: Option<usize>,
}

/// Every cell of a form by slot (`row index × columns + column index`), sorted by
/// (row key, column key) as a [`Values`] map iterates.
struct Cells<'a> {
    n_rows: usize,
    n_cols: usize,
    /// (row key, column key, slot), in `Values` order.
    index: Vec<(&'a str, &'a str, usize)>,
}

impl<'a> Cells<'a> {
    fn new(form: &'a FormDef) -> Cells<'a> {
        let n_cols = form.columns.len();
        let mut index: Vec<(&str, &str, usize)> = Vec::with_capacity(form.rows.len() * n_cols);
        for (i, r) in form.rows.iter().enumerate() {
            for (j, c) in form.columns.iter().enumerate() {
                index.push((r.key.as_str(), c.key.as_str(), i * n_cols + j));
            }
        }
        index.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        Cells {
            n_rows: form.rows.len(),
            n_cols,
            index,
        }
    }

    fn n_slots(&self) -> usize {
        self.n_rows * self.n_cols
    }

    /// The value of every form cell of `values` by slot, in one merged pass over the
    /// sorted map and the sorted index (no lookups, no allocation).
    fn fill<'v>(&self, values: &'v Values, buf: &mut [Option<&'v Value>]) {
        buf.iter_mut().for_each(|b| *b = None);
        let mut cells = self.index.iter().peekable();
        for ((r, c), v) in values {
            let key = (r.as_str(), c.as_str());
            while let Some(&&(ir, ic, slot)) = cells.peek() {
                match (ir, ic).cmp(&key) {
                    Ordering::Less => {
                        cells.next();
                    }
                    Ordering::Equal => {
                        if let Some(b) = buf.get_mut(slot) {
                            *b = Some(v);
                        }
                        cells.next();
                        break;
                    }
                    Ordering::Greater => break,
                }
            }
            if cells.peek().is_none() {
                break;
            }
        }
    }
}

/// A form prepared once for many aggregations: its cells and its input cells.
///
/// The streaming reader ([`crate::ops::aggregate`]) uses it directly: it finds each
/// stored value's slot with a [`Locator`], fills one unit's [`Slots`], adds them to
/// [`Sums`] (the total, and a group's when there are subtotals), and asks for the
/// [`Plan::values`] at the end — no per-unit maps, no owned keys.
pub struct Plan<'a> {
    form: &'a FormDef,
    grid: Grid<'a>,
    cells: Cells<'a>,
    inputs: Vec<InputCell>,
}

/// One unit's cells by slot (`row index × columns + column index`): input cells
/// only, as read from a stored revision.
pub type Slots = Vec<Option<Value>>;

/// The running aggregate of every input cell of a form over the units added so far.
#[derive(Debug, Clone)]
pub struct Sums {
    accs: Vec<Acc>,
}

impl Sums {
    /// Adds what another part of the same units gathered (another reader's share).
    pub fn merge(&mut self, other: &Sums) {
        for (a, b) in self.accs.iter_mut().zip(&other.accs) {
            a.merge(b);
        }
    }
}

/// One input cell's running aggregate as it travels in an aggregate document: what
/// another instance needs to add these units to others exactly (a province's
/// aggregate into the national one): the count, the sum (Σ value·weight for a
/// weighted average), the weights, the extremes. Decimals are exact strings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Component {
    pub row: String,
    pub column: String,
    /// Values (or weighted values) added.
    pub n: u64,
    pub sum: String,
    pub weights: String,
    pub min: Option<String>,
    pub max: Option<String>,
    /// A sum overflowed: the cell has no value, here or wherever it is added.
    pub overflow: bool,
}

/// Finds a stored value's slot. Values of one revision come sorted by (row key,
/// column key), as the value table's key orders them, so the next slot is almost
/// always the next entry of the form's sorted index: a short forward step, no hash.
pub struct Locator<'p> {
    index: &'p [(&'p str, &'p str, usize)],
    at: usize,
}

impl Locator<'_> {
    /// The slot of (row key, column key), given as bytes (as SQLite hands them).
    pub fn slot(&mut self, row: &[u8], column: &[u8]) -> Option<usize> {
        let key = (row, column);
        while let Some(&(r, c, slot)) = self.index.get(self.at) {
            match (r.as_bytes(), c.as_bytes()).cmp(&key) {
                Ordering::Less => self.at += 1,
                Ordering::Equal => {
                    self.at += 1;
                    return Some(slot);
                }
                Ordering::Greater => break,
            }
        }
        // Out of order (the next revision began) or not a cell of the form.
        match self
            .index
            .binary_search_by(|&(r, c, _)| (r.as_bytes(), c.as_bytes()).cmp(&key))
        {
            Ok(i) => {
                self.at = i + 1;
                self.index.get(i).map(|e| e.2)
            }
            Err(i) => {
                self.at = i;
                None
            }
        }
    }
}

impl<'a> Plan<'a> {
    pub fn new(form: &'a FormDef, rules: &HashMap<String, RowRule>) -> Plan<'a> {
        let n_cols = form.columns.len();
        let grid = Grid::new(form);
        let mut inputs = Vec::new();
        for (i, r) in form.rows.iter().enumerate() {
            let rule = rules.get(&r.key);
            let agg = Agg::of(rule);
            let time = Time::of(rule);
            let weight_row = rule
                .and_then(|r| r.weight_row.as_deref())
                .and_then(|w| grid.row_index(w));
            for j in 0..n_cols {
                if !grid.is_input(i, j) {
                    continue;
                }
                inputs.push(InputCell {
                    slot: i * n_cols + j,
                    agg,
                    time,
                    weight: weight_row.map(|w| w * n_cols + j),
                });
            }
        }
        Plan {
            form,
            grid,
            cells: Cells::new(form),
            inputs,
        }
    }

    pub fn form(&self) -> &'a FormDef {
        self.form
    }

    /// Number of slots of a unit's [`Slots`].
    pub fn n_slots(&self) -> usize {
        self.cells.n_slots()
    }

    /// Whether a slot is an input cell (the only cells stored reports hold).
    pub fn is_input(&self, slot: usize) -> bool {
        let (i, j) = self.grid.position(slot);
        slot < self.grid.len() && self.grid.is_input(i, j)
    }

    pub fn locator(&self) -> Locator<'_> {
        Locator {
            index: &self.cells.index,
            at: 0,
        }
    }

    /// The input cells `cells` are made of: themselves when inputs, the inputs their
    /// formulas name (through other computed cells), and the weights of weighted
    /// averages among them. Aggregating only those gives the same values for `cells`.
    pub fn inputs_for(&self, cells: &[usize]) -> Vec<bool> {
        let mut needed = vec![false; self.n_slots()];
        let mut seen = vec![false; self.n_slots()];
        let mut stack: Vec<usize> = cells
            .iter()
            .copied()
            .filter(|&c| c < self.n_slots())
            .collect();
        while let Some(slot) = stack.pop() {
            if std::mem::replace(&mut seen[slot], true) {
                continue;
            }
            let (i, j) = self.grid.position(slot);
            if self.grid.is_input(i, j) {
                needed[slot] = true;
            } else {
                stack.extend(
                    self.grid
                        .refs(i, j)
                        .into_iter()
                        .map(|(i, j)| self.grid.cell(i, j)),
                );
            }
        }
        for cell in &self.inputs {
            if needed[cell.slot] {
                if let Some(w) = cell.weight.filter(|&w| w < needed.len()) {
                    needed[w] = true;
                }
            }
        }
        needed
    }

    /// The slot of (row key, column key).
    pub fn slot_of(&self, row: &str, column: &str) -> Option<usize> {
        self.grid.cell_of(row, column)
    }

    /// Nothing added yet.
    pub fn sums(&self) -> Sums {
        Sums {
            accs: vec![Acc::default(); self.inputs.len()],
        }
    }

    /// Adds one unit's cells.
    pub fn add(&self, sums: &mut Sums, unit: &[Option<Value>]) {
        self.add_with(sums, |slot| {
            unit.get(slot)
                .and_then(Option::as_ref)
                .and_then(Value::as_number)
        });
    }

    fn add_with(&self, sums: &mut Sums, number: impl Fn(usize) -> Option<Decimal>) {
        for (cell, acc) in self.inputs.iter().zip(sums.accs.iter_mut()) {
            let Some(v) = number(cell.slot) else {
                continue;
            };
            match cell.agg {
                Agg::Nothing => {}
                Agg::Weighted => {
                    if let Some(w) = cell.weight.and_then(&number) {
                        acc.add_weighted(v, w);
                    }
                }
                agg => acc.add(v, agg),
            }
        }
    }

    /// The aggregated values of what was added, computed cells recomputed.
    pub fn values(&self, sums: &Sums) -> Values {
        self.finish(
            self.inputs
                .iter()
                .zip(&sums.accs)
                .filter_map(|(cell, acc)| Some((cell.slot, acc.result(cell.agg)?))),
        )
    }

    /// The input cells of `sums` that had something added, as [`Component`]s in form
    /// order.
    pub fn components(&self, sums: &Sums) -> Vec<Component> {
        self.inputs
            .iter()
            .zip(&sums.accs)
            .filter(|(_, acc)| acc.n > 0)
            .filter_map(|(cell, acc)| {
                let (row, column) = self.key(cell.slot)?;
                Some(Component {
                    row,
                    column,
                    n: acc.n,
                    sum: acc.sum.to_string(),
                    weights: acc.weights.to_string(),
                    min: acc.min.map(|d| d.to_string()),
                    max: acc.max.map(|d| d.to_string()),
                    overflow: acc.overflow,
                })
            })
            .collect()
    }

    /// [`Sums`] holding `components` (made by [`Plan::components`] of the same form
    /// elsewhere), to [`Sums::merge`] with others. A component that is not an input
    /// cell of this form, repeats one, or holds a number that is not an exact decimal
    /// is named in the error: `(row, column)`.
    pub fn sums_from(
        &self,
        components: &[Component],
    ) -> std::result::Result<Sums, (String, String)> {
        let mut by_slot: HashMap<usize, usize> = HashMap::with_capacity(self.inputs.len());
        for (k, cell) in self.inputs.iter().enumerate() {
            by_slot.insert(cell.slot, k);
        }
        let mut sums = self.sums();
        let mut seen = vec![false; self.inputs.len()];
        for c in components {
            let bad = || (c.row.clone(), c.column.clone());
            let k = self
                .slot_of(&c.row, &c.column)
                .and_then(|slot| by_slot.get(&slot).copied())
                .ok_or_else(bad)?;
            if std::mem::replace(&mut seen[k], true) {
                return Err(bad());
            }
            let num = |s: &str| s.parse::<Decimal>().map_err(|_| bad());
            let opt = |s: &Option<String>| s.as_deref().map(num).transpose();
            sums.accs[k] = Acc {
                n: c.n,
                sum: num(&c.sum)?,
                weights: num(&c.weights)?,
                min: opt(&c.min)?,
                max: opt(&c.max)?,
                overflow: c.overflow,
            };
        }
        Ok(sums)
    }

    /// The form's rows showing `values` (see [`rows_of`]).
    pub fn rows(&self, values: &Values) -> Vec<AggRow> {
        rows_with(self.form, &self.cells, values)
    }

    /// The (row key, column key) of a slot.
    fn key(&self, slot: usize) -> Option<(String, String)> {
        let n_cols = self.cells.n_cols.max(1);
        let row = self.form.rows.get(slot / n_cols)?;
        let col = self.form.columns.get(slot % n_cols)?;
        Some((row.key.clone(), col.key.clone()))
    }

    /// Values from the aggregated input cells, with computed cells recomputed and
    /// everything rounded to [`MAX_DECIMALS`].
    fn finish(&self, cells: impl Iterator<Item = (usize, Decimal)>) -> Values {
        let mut numbers: Vec<Option<Decimal>> = vec![None; self.grid.len()];
        for (slot, d) in cells {
            if let Some(n) = numbers.get_mut(slot) {
                *n = Some(d);
            }
        }
        self.grid.evaluate(&mut numbers, Blanks::Missing);
        numbers
            .into_iter()
            .enumerate()
            .filter_map(|(slot, d)| Some((self.key(slot)?, Value::Number(round(d?, MAX_DECIMALS)))))
            .collect()
    }

    fn combine(&self, inputs: &[&UnitInput]) -> Values {
        let mut sums = self.sums();
        let mut buf: Vec<Option<&Value>> = vec![None; self.cells.n_slots()];
        for unit in inputs {
            self.cells.fill(&unit.values, &mut buf);
            self.add_with(&mut sums, |slot| number(&buf, slot));
        }
        self.values(&sums)
    }

    /// Year to date from each period's aggregated values (see [`year_to_date`]).
    pub fn year_to_date(&self, months: &[Values]) -> Values {
        let mut accs = vec![Acc::default(); self.inputs.len()];
        let mut last: Vec<Option<Decimal>> = vec![None; self.inputs.len()];
        let mut buf: Vec<Option<&Value>> = vec![None; self.cells.n_slots()];
        for month in months {
            self.cells.fill(month, &mut buf);
            for ((cell, acc), last) in self.inputs.iter().zip(accs.iter_mut()).zip(&mut last) {
                *last = number(&buf, cell.slot);
                if let Some(v) = *last {
                    acc.add(v, Agg::Sum);
                }
            }
        }
        self.finish(
            self.inputs
                .iter()
                .zip(&accs)
                .zip(&last)
                .filter_map(|((cell, acc), last)| {
                    let v = match cell.time {
                        Time::Flow => acc.result(Agg::Sum),
                        Time::Stock => *last,
                        Time::Rate => acc.result(Agg::Average),
                        Time::Nothing => None,
                    }?;
                    Some((cell.slot, v))
                }),
        )
    }
}

fn number(buf: &[Option<&Value>], slot: usize) -> Option<Decimal> {
    buf.get(slot).copied().flatten().and_then(Value::as_number)
}

/// Running aggregate of one cell.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    /// Values (or weighted values) seen.
    n: u64,
    sum: Decimal,
    weights: Decimal,
    min: Option<Decimal>,
    max: Option<Decimal>,
    overflow: bool,
}

impl Acc {
    /// Adds a value, keeping only what `agg` needs (a sum, or an extreme).
    fn add(&mut self, v: Decimal, agg: Agg) {
        self.n += 1;
        match agg {
            Agg::Min => self.min = Some(self.min.map_or(v, |m| m.min(v))),
            Agg::Max => self.max = Some(self.max.map_or(v, |m| m.max(v))),
            _ => match self.sum.checked_add(v) {
                Some(s) => self.sum = s,
                None => self.overflow = true,
            },
        }
    }

    fn add_weighted(&mut self, v: Decimal, w: Decimal) {
        self.n += 1;
        let sum = v.checked_mul(w).and_then(|p| self.sum.checked_add(p));
        let weights = self.weights.checked_add(w);
        match (sum, weights) {
            (Some(s), Some(w)) => {
                self.sum = s;
                self.weights = w;
            }
            _ => self.overflow = true,
        }
    }

    /// Adds another share of the same cell's units.
    fn merge(&mut self, other: &Acc) {
        self.n += other.n;
        self.overflow |= other.overflow;
        self.min = match (self.min, other.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, other.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        match (
            self.sum.checked_add(other.sum),
            self.weights.checked_add(other.weights),
        ) {
            (Some(s), Some(w)) => {
                self.sum = s;
                self.weights = w;
            }
            _ => self.overflow = true,
        }
    }

    fn result(&self, agg: Agg) -> Option<Decimal> {
        if self.n == 0 {
            return None;
        }
        match agg {
            Agg::Sum => (!self.overflow).then_some(self.sum),
            Agg::Average if self.overflow => None,
            Agg::Average => divide(self.sum, Decimal::from(self.n)),
            Agg::Weighted if self.overflow || self.weights.is_zero() => None,
            Agg::Weighted => divide(self.sum, self.weights),
            Agg::Min => self.min,
            Agg::Max => self.max,
            Agg::Nothing => None,
        }
    }
}

fn divide(a: Decimal, b: Decimal) -> Option<Decimal> {
    if b.is_zero() {
        return None;
    }
    a.checked_div(b).map(|q| round(q, MAX_DECIMALS))
}

/// Rounds half away from zero to at most `dp` decimals, stripping nothing else.
fn round(d: Decimal, dp: u32) -> Decimal {
    if d.scale() > dp {
        d.round_dp_with_strategy(dp, ROUNDING)
    } else {
        d
    }
}

/// A decimal as the aggregate shows it: exact, without trailing zeros.
pub fn format_decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Combines the units' values cell by cell by each row's rule (see the module
/// documentation), then recomputes the computed rows and columns from the result.
pub fn combine(form: &FormDef, rules: &HashMap<String, RowRule>, inputs: &[&UnitInput]) -> Values {
    Plan::new(form, rules).combine(inputs)
}

/// Who reported and which of its revisions counted: what coverage and grouping need
/// of a unit, without its values.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    pub unit: &'a str,
    pub unit_name: &'a str,
    pub status: RevisionStatus,
}

impl<'a> Head<'a> {
    pub fn of(u: &'a UnitInput) -> Head<'a> {
        Head {
            unit: &u.unit,
            unit_name: &u.unit_name,
            status: u.status,
        }
    }
}

/// The units counted under `statuses`, each code once (the first): their indices.
pub fn counted(units: &[Head], statuses: &[RevisionStatus]) -> Vec<usize> {
    let mut seen: HashSet<&str> = HashSet::new();
    units
        .iter()
        .enumerate()
        .filter(|(_, u)| statuses.contains(&u.status) && seen.insert(u.unit))
        .map(|(i, _)| i)
        .collect()
}

fn coverage_of<'e>(
    included: impl Iterator<Item = &'e str> + Clone,
    expected: impl Iterator<Item = &'e str> + Clone,
    statuses: &[RevisionStatus],
) -> Coverage {
    let inc: HashSet<&str> = included.clone().collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut units_included = Vec::new();
    let mut units_missing = Vec::new();
    for code in expected.clone() {
        if !seen.insert(code) {
            continue;
        }
        if inc.contains(code) {
            units_included.push(code.to_string());
        } else {
            units_missing.push(code.to_string());
        }
    }
    let n_expected = seen.len();
    for u in included {
        if seen.insert(u) {
            units_included.push(u.to_string());
        }
    }
    Coverage {
        included: units_included.len(),
        expected: n_expected,
        statuses: statuses.to_vec(),
        units_included,
        units_missing,
    }
}

/// The coverage of the `included` units (indices into `units`) against `expected`.
pub fn coverage(
    units: &[Head],
    included: &[usize],
    expected: &[(String, String)],
    statuses: &[RevisionStatus],
) -> Coverage {
    coverage_of(
        included
            .iter()
            .filter_map(|&i| units.get(i))
            .map(|u| u.unit),
        expected.iter().map(|(c, _)| c.as_str()),
        statuses,
    )
}

/// Aggregates the units whose status is one of `statuses`: the coverage and the
/// rows of the form with the aggregated values.
pub fn aggregate(
    form: &FormDef,
    rules: &HashMap<String, RowRule>,
    units: &[UnitInput],
    expected: &[(String, String)],
    statuses: &[RevisionStatus],
) -> (Coverage, Vec<AggRow>) {
    let heads: Vec<Head> = units.iter().map(Head::of).collect();
    let inc = counted(&heads, statuses);
    let cov = coverage(&heads, &inc, expected, statuses);
    let plan = Plan::new(form, rules);
    let refs: Vec<&UnitInput> = inc.iter().filter_map(|&i| units.get(i)).collect();
    let values = plan.combine(&refs);
    (cov, rows_with(form, &plan.cells, &values))
}

/// A group of units for a subtotal: its code, name, coverage and the indices of its
/// counted units.
#[derive(Debug, Clone)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub coverage: Coverage,
    pub members: Vec<usize>,
}

/// The groups of the `included` units (indices into `units`), a group being
/// `level_of(unit code)` (see the module documentation for the order and the names).
pub fn groups(
    units: &[Head],
    included: &[usize],
    expected: &[(String, String)],
    statuses: &[RevisionStatus],
    level_of: &dyn Fn(&str) -> Option<String>,
) -> Vec<Group> {
    let inc: Vec<(usize, &Head)> = included
        .iter()
        .filter_map(|&i| Some((i, units.get(i)?)))
        .collect();
    // The group of each distinct code, asked once.
    let mut group_of: HashMap<&str, Option<String>> = HashMap::new();
    let codes = expected
        .iter()
        .map(|(c, _)| c.as_str())
        .chain(inc.iter().map(|(_, u)| u.unit));
    for code in codes {
        group_of.entry(code).or_insert_with(|| level_of(code));
    }
    let mut names: HashMap<&str, &str> = HashMap::new();
    for (c, n) in expected {
        names.entry(c.as_str()).or_insert(n.as_str());
    }
    for u in units {
        names.entry(u.unit).or_insert(u.unit_name);
    }

    struct Building<'x> {
        code: String,
        expected: Vec<&'x str>,
        members: Vec<(usize, &'x str)>,
    }
    let mut groups: Vec<Building> = Vec::new();
    let mut position: HashMap<&str, usize> = HashMap::new();
    let mut group_index = |code: &str, groups: &mut Vec<Building>| -> Option<usize> {
        let g = group_of.get(code)?.as_deref()?;
        Some(*position.entry(g).or_insert_with(|| {
            groups.push(Building {
                code: g.to_string(),
                expected: Vec::new(),
                members: Vec::new(),
            });
            groups.len() - 1
        }))
    };
    for (code, _) in expected {
        if let Some(i) = group_index(code, &mut groups) {
            if let Some(g) = groups.get_mut(i) {
                g.expected.push(code.as_str());
            }
        }
    }
    for (index, u) in &inc {
        if let Some(i) = group_index(u.unit, &mut groups) {
            if let Some(g) = groups.get_mut(i) {
                g.members.push((*index, u.unit));
            }
        }
    }
    groups
        .into_iter()
        .map(|g| Group {
            name: names
                .get(g.code.as_str())
                .copied()
                .unwrap_or(g.code.as_str())
                .to_string(),
            coverage: coverage_of(
                g.members.iter().map(|(_, c)| *c),
                g.expected.iter().copied(),
                statuses,
            ),
            members: g.members.into_iter().map(|(i, _)| i).collect(),
            code: g.code,
        })
        .collect()
}

/// A group's subtotal from its members' aggregated values ([`Plan::values`]).
pub fn subtotal(plan: &Plan, group: Group, values: &Values) -> Subtotal {
    Subtotal {
        unit: group.code,
        unit_name: group.name,
        coverage: group.coverage,
        rows: plan.rows(values),
    }
}

/// One aggregate per group of units, the group being `level_of(unit code)` (see the
/// module documentation for the order and the names).
pub fn subtotals(
    form: &FormDef,
    rules: &HashMap<String, RowRule>,
    units: &[UnitInput],
    expected: &[(String, String)],
    statuses: &[RevisionStatus],
    level_of: &dyn Fn(&str) -> Option<String>,
) -> Vec<Subtotal> {
    let heads: Vec<Head> = units.iter().map(Head::of).collect();
    let inc = counted(&heads, statuses);
    let plan = Plan::new(form, rules);
    groups(&heads, &inc, expected, statuses, level_of)
        .into_iter()
        .map(|g| {
            let refs: Vec<&UnitInput> = g.members.iter().filter_map(|&i| units.get(i)).collect();
            let values = plan.combine(&refs);
            Subtotal {
                unit_name: g.name,
                unit: g.code,
                coverage: g.coverage,
                rows: rows_with(form, &plan.cells, &values),
            }
        })
        .collect()
}

/// Year to date (lũy kế) from the aggregated values of each period of the year so
/// far, oldest first, by each row's time rule.
pub fn year_to_date(
    form: &FormDef,
    rules: &HashMap<String, RowRule>,
    months: &[Values],
) -> Vec<AggRow> {
    let plan = Plan::new(form, rules);
    let values = plan.year_to_date(months);
    rows_with(form, &plan.cells, &values)
}

/// Growth rate per cell: current / previous × 100, rounded to 2 decimals.
pub fn growth(current: &[AggRow], previous: &[AggRow]) -> Vec<AggRow> {
    let before: HashMap<&str, &AggRow> = previous.iter().map(|r| (r.row.as_str(), r)).collect();
    let hundred = Decimal::ONE_HUNDRED;
    current
        .iter()
        .map(|row| {
            let prev = before.get(row.row.as_str());
            let values = row
                .values
                .iter()
                .map(|(label, cur)| {
                    let rate = (|| {
                        let c: Decimal = cur.as_deref()?.parse().ok()?;
                        let p: Decimal = prev?.values.get(label)?.as_deref()?.parse().ok()?;
                        if p.is_zero() {
                            return None;
                        }
                        let q = c.checked_div(p)?.checked_mul(hundred)?;
                        Some(format_decimal(
                            q.round_dp_with_strategy(GROWTH_DECIMALS, ROUNDING),
                        ))
                    })();
                    (label.clone(), rate)
                })
                .collect();
            AggRow {
                values,
                ..row.clone()
            }
        })
        .collect()
}

/// The form's rows in form order with `values` keyed by column number label;
/// headings carry blank values.
pub fn rows_of(form: &FormDef, values: &Values) -> Vec<AggRow> {
    rows_with(form, &Cells::new(form), values)
}

fn rows_with(form: &FormDef, cells: &Cells, values: &Values) -> Vec<AggRow> {
    let mut buf: Vec<Option<&Value>> = vec![None; cells.n_slots()];
    cells.fill(values, &mut buf);
    form.rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let heading = r.role == RowRole::Heading;
            let values: BTreeMap<String, Option<String>> = form
                .columns
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    let v = if heading {
                        None
                    } else {
                        buf.get(i * cells.n_cols + j)
                            .copied()
                            .flatten()
                            .map(|v| match v {
                                Value::Number(d) => format_decimal(*d),
                                Value::Text(t) => t.clone(),
                            })
                    };
                    (c.number.clone(), v)
                })
                .collect();
            AggRow {
                row: r.key.clone(),
                code: r.code.clone(),
                stt: r.stt.clone(),
                name: r.name.clone(),
                unit: r.unit.clone(),
                level: r.level,
                values,
            }
        })
        .collect()
}
