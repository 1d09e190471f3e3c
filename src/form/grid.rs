//! A form's formula grid, compiled once: which cells take input, and the computed
//! cells in evaluation order with their formulas resolved to cell positions.
//!
//! Entry validation, `entry set`, aggregation and both workbook writers read the
//! same rule for an input cell and the same evaluation, so the cached results a
//! workbook carries, the values a report stores and an aggregate's totals cannot
//! drift apart. The rules:
//!
//! - A cell is **not applicable** when the form marks it `x`, a **heading** when its
//!   row is a heading, **computed** when its column or its row has a (readable)
//!   formula, an **input** otherwise. `x` wins over everything, a heading over a
//!   formula.
//! - A column formula wins over a row formula where both apply.
//! - A row formula that is a pure sum (`r3+r4+r5`, the sum of children) skips
//!   blank, text and `x` cells as Excel's `SUM` does; all blank stays blank. Any
//!   other formula needs all its inputs and gives nothing on a division by zero or
//!   an overflow.
//! - Cells caught in a formula cycle (and those whose evaluation led into one) have
//!   no value, never a loop.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::formula::{self, Expr, FormulaError};
use super::model::{Column, FormDef, Row, RowRole};

/// What a data cell is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellRole {
    Input,
    Computed,
    /// Printed `x`: no value is expected there.
    NotApplicable,
    Heading,
}

/// How a blank input counts while evaluating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blanks {
    /// As stored: a formula with a blank input has no value (a sum skips blanks).
    Missing,
    /// As a spreadsheet computes: a blank is 0 (an `x` stays text).
    Zero,
}

/// How a computed cell gets its value.
enum Plan {
    /// A pure sum over these cells (blanks skipped).
    Sum(Vec<usize>),
    /// The column formula of column `j`, each reference resolved to a cell.
    Column(usize, Vec<(String, Option<usize>)>),
    /// The row formula of row `i`, each reference resolved to a cell.
    Row(usize, Vec<(String, Option<usize>)>),
}

/// A form compiled for evaluation. Cells are numbered row-major:
/// `row index × columns + column index`.
pub struct Grid<'f> {
    form: &'f FormDef,
    n_cols: usize,
    row_index: HashMap<&'f str, usize>,
    col_index: HashMap<&'f str, usize>,
    /// The parsed formula of each column (`None`: none, or unreadable).
    column_formulas: Vec<Option<Expr>>,
    /// The parsed formula of each row (its own, or the sum of its children).
    row_formulas: Vec<Option<Expr>>,
    /// The column indexes each column formula names, in the formula's order.
    column_refs: Vec<Vec<usize>>,
    /// The row indexes each row formula names, in the formula's order.
    row_refs: Vec<Vec<usize>>,
    roles: Vec<CellRole>,
    /// Computed cells in evaluation order with their plans, cycles left out.
    plans: Vec<(usize, Plan)>,
}

impl FormDef {
    /// Column numbers, for parsing column formulas.
    pub fn column_numbers(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.number.as_str()).collect()
    }

    /// The parsed formula of a column, its references being column numbers: the
    /// same reading the template importer gives a column-number row.
    pub fn column_formula(&self, column: &Column) -> Option<Result<Expr, FormulaError>> {
        let numbers = self.column_numbers();
        column
            .formula
            .as_deref()
            .map(|f| formula::parse_columns(f, &numbers))
    }

    /// The formula of a computed row: its own, or the sum of its children.
    pub fn row_formula(&self, row: &Row) -> Option<Result<Expr, FormulaError>> {
        if let Some(f) = &row.formula {
            return Some(formula::parse_rows(f));
        }
        if row.role != RowRole::Computed {
            return None;
        }
        let children: Vec<&str> = self.children(&row.key).map(|r| r.key.as_str()).collect();
        if children.is_empty() {
            return None;
        }
        Some(formula::parse_rows(&children.join("+")))
    }
}

impl<'f> Grid<'f> {
    /// Compiles a form: parses its formulas, decides each cell's role and orders the
    /// computed cells so each comes after the computed cells it names.
    pub fn new(form: &'f FormDef) -> Grid<'f> {
        let n_cols = form.columns.len();
        let row_index: HashMap<&str, usize> = form
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key.as_str(), i))
            .collect();
        let col_index: HashMap<&str, usize> = form
            .columns
            .iter()
            .enumerate()
            .map(|(j, c)| (c.key.as_str(), j))
            .collect();
        let column_formulas: Vec<Option<Expr>> = form
            .columns
            .iter()
            .map(|c| form.column_formula(c).and_then(Result::ok))
            .collect();
        let row_formulas: Vec<Option<Expr>> = form
            .rows
            .iter()
            .map(|r| form.row_formula(r).and_then(Result::ok))
            .collect();
        let col_of = |reference: &str| -> Option<usize> {
            col_index
                .get(form.column_by_ref(reference)?.key.as_str())
                .copied()
        };
        let refs_of = |formulas: &[Option<Expr>], index: &dyn Fn(&str) -> Option<usize>| {
            formulas
                .iter()
                .map(|e| {
                    e.as_ref().map_or_else(Vec::new, |e| {
                        e.references().into_iter().filter_map(index).collect()
                    })
                })
                .collect::<Vec<Vec<usize>>>()
        };
        let column_refs = refs_of(&column_formulas, &col_of);
        let row_refs = refs_of(&row_formulas, &|r| row_index.get(r).copied());

        let mut roles = Vec::with_capacity(form.rows.len() * n_cols);
        for (i, row) in form.rows.iter().enumerate() {
            for formula in &column_formulas {
                roles.push(if row.role == RowRole::Heading {
                    CellRole::Heading
                } else if formula.is_some() || row_formulas[i].is_some() {
                    CellRole::Computed
                } else {
                    CellRole::Input
                });
            }
        }
        for c in &form.not_applicable {
            if let (Some(&i), Some(&j)) = (
                row_index.get(c.row.as_str()),
                col_index.get(c.column.as_str()),
            ) {
                roles[i * n_cols + j] = CellRole::NotApplicable;
            }
        }

        let mut grid = Grid {
            form,
            n_cols,
            row_index,
            col_index,
            column_formulas,
            row_formulas,
            column_refs,
            row_refs,
            roles,
            plans: Vec::new(),
        };
        let (order, cyclic) = grid.order();
        let mut plans = Vec::with_capacity(order.len());
        for cell in order.into_iter().filter(|&c| !cyclic[c]) {
            let (i, j) = (cell / n_cols, cell % n_cols);
            let plan = if let Some(expr) = &grid.column_formulas[j] {
                Plan::Column(
                    j,
                    expr.references()
                        .into_iter()
                        .map(|r| (r.to_string(), grid.column_by_ref(r).map(|k| i * n_cols + k)))
                        .collect(),
                )
            } else if let Some(expr) = &grid.row_formulas[i] {
                let at = |r: &str| grid.row_index.get(r).map(|&k| k * n_cols + j);
                match expr.sum_terms() {
                    Some(terms) => Plan::Sum(terms.into_iter().filter_map(at).collect()),
                    None => Plan::Row(
                        i,
                        expr.references()
                            .into_iter()
                            .map(|r| (r.to_string(), at(r)))
                            .collect(),
                    ),
                }
            } else {
                continue;
            };
            plans.push((cell, plan));
        }
        grid.plans = plans;
        grid
    }

    /// Computed cells in dependency order (iterative post-order, starting row by
    /// row), and which cells a cycle caught: every cell on the path when a cycle
    /// closes.
    fn order(&self) -> (Vec<usize>, Vec<bool>) {
        let n = self.roles.len();
        // 0 new, 1 on the path, 2 done.
        let mut state = vec![0u8; n];
        let mut cyclic = vec![false; n];
        let mut order = Vec::new();
        for start in 0..n {
            if self.roles[start] != CellRole::Computed || state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, Vec<usize>, usize)> = vec![(start, self.deps(start), 0)];
            state[start] = 1;
            while let Some(top) = stack.last_mut() {
                let node = top.0;
                let edge = top.1.get(top.2).copied();
                top.2 += 1;
                match edge {
                    Some(target) => match state[target] {
                        0 => {
                            state[target] = 1;
                            stack.push((target, self.deps(target), 0));
                        }
                        1 => {
                            for (n, _, _) in &stack {
                                cyclic[*n] = true;
                            }
                        }
                        _ => {}
                    },
                    None => {
                        state[node] = 2;
                        order.push(node);
                        stack.pop();
                    }
                }
            }
        }
        (order, cyclic)
    }

    /// The cells a computed cell's formula names, in the formula's order.
    fn refs_of(&self, cell: usize) -> Vec<usize> {
        let (i, j) = (cell / self.n_cols, cell % self.n_cols);
        if self.column_formulas[j].is_some() {
            self.column_refs[j]
                .iter()
                .map(|&k| i * self.n_cols + k)
                .collect()
        } else {
            self.row_refs[i]
                .iter()
                .map(|&k| k * self.n_cols + j)
                .collect()
        }
    }

    /// The computed cells a computed cell names.
    fn deps(&self, cell: usize) -> Vec<usize> {
        self.refs_of(cell)
            .into_iter()
            .filter(|&c| self.roles[c] == CellRole::Computed)
            .collect()
    }

    pub fn form(&self) -> &'f FormDef {
        self.form
    }

    /// Number of cells (rows × columns).
    pub fn len(&self) -> usize {
        self.roles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }

    /// The cell number of (row index, column index).
    pub fn cell(&self, i: usize, j: usize) -> usize {
        i * self.n_cols + j
    }

    /// The (row index, column index) of a cell number.
    pub fn position(&self, cell: usize) -> (usize, usize) {
        let n_cols = self.n_cols.max(1);
        (cell / n_cols, cell % n_cols)
    }

    /// The row index of a row key.
    pub fn row_index(&self, key: &str) -> Option<usize> {
        self.row_index.get(key).copied()
    }

    /// The column index of a column key.
    pub fn column_index(&self, key: &str) -> Option<usize> {
        self.col_index.get(key).copied()
    }

    /// The column index a column-formula reference (a number, or a key) names.
    fn column_by_ref(&self, reference: &str) -> Option<usize> {
        self.column_index(&self.form.column_by_ref(reference)?.key)
    }

    /// The cell of (row key, column key).
    pub fn cell_of(&self, row: &str, column: &str) -> Option<usize> {
        Some(self.cell(self.row_index(row)?, self.column_index(column)?))
    }

    pub fn role(&self, i: usize, j: usize) -> CellRole {
        self.roles[self.cell(i, j)]
    }

    /// Whether someone types a value into the cell: the one rule every user of a
    /// form asks.
    pub fn is_input(&self, i: usize, j: usize) -> bool {
        self.role(i, j) == CellRole::Input
    }

    /// Whether the cell's value comes from a formula or it is a heading, `x` aside.
    pub fn is_computed_or_heading(&self, i: usize, j: usize) -> bool {
        self.form.rows[i].role == RowRole::Heading
            || self.column_formulas[j].is_some()
            || self.row_formulas[i].is_some()
    }

    /// The parsed formula of column `j`.
    pub fn column_formula(&self, j: usize) -> Option<&Expr> {
        self.column_formulas[j].as_ref()
    }

    /// The parsed formula of row `i` (its own, or the sum of its children).
    pub fn row_formula(&self, i: usize) -> Option<&Expr> {
        self.row_formulas[i].as_ref()
    }

    /// The formula that computes a cell: the column's, else the row's.
    pub fn formula(&self, i: usize, j: usize) -> Option<&Expr> {
        self.column_formula(j).or(self.row_formula(i))
    }

    /// The cells (row index, column index) a computed cell's formula names.
    pub fn refs(&self, i: usize, j: usize) -> Vec<(usize, usize)> {
        self.refs_of(self.cell(i, j))
            .into_iter()
            .map(|c| self.position(c))
            .collect()
    }

    /// Whether a computed cell depends, directly or through other computed cells,
    /// on one of `cells`.
    pub fn depends_on(
        &self,
        start: (usize, usize),
        cells: &std::collections::HashSet<(usize, usize)>,
    ) -> bool {
        if cells.is_empty() {
            return false;
        }
        let mut seen = std::collections::HashSet::from([start]);
        let mut stack = vec![start];
        while let Some((i, j)) = stack.pop() {
            for cell in self.refs(i, j) {
                if cells.contains(&cell) {
                    return true;
                }
                if self.role(cell.0, cell.1) == CellRole::Computed && seen.insert(cell) {
                    stack.push(cell);
                }
            }
        }
        false
    }

    /// The computed cells (row index, column index) in evaluation order, those
    /// caught in a cycle left out.
    pub fn order_of_evaluation(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.plans.iter().map(|(c, _)| self.position(*c))
    }

    /// Computes every computed cell of `cells` (one per cell, row-major) from its
    /// input cells, exactly; every cell that is not an input is cleared first.
    pub fn evaluate(&self, cells: &mut [Option<Decimal>], blanks: Blanks) {
        for (cell, role) in cells.iter_mut().zip(&self.roles) {
            if *role != CellRole::Input {
                *cell = None;
            }
        }
        for (cell, plan) in &self.plans {
            let value = {
                let cells: &[Option<Decimal>] = cells;
                // A blank counts as 0 in a spreadsheet's arithmetic; `x` is text there.
                let or_zero = |c: usize| -> Option<Decimal> {
                    match (cells.get(c).copied().flatten(), blanks) {
                        (Some(v), _) => Some(v),
                        (None, Blanks::Zero) if self.roles[c] != CellRole::NotApplicable => {
                            Some(Decimal::ZERO)
                        }
                        _ => None,
                    }
                };
                let eval = |expr: &Expr, refs: &[(String, Option<usize>)]| {
                    expr.eval(&|reference| {
                        let (_, c) = refs.iter().find(|(r, _)| r == reference)?;
                        or_zero((*c)?)
                    })
                };
                match plan {
                    Plan::Sum(terms) => {
                        let sum = terms
                            .iter()
                            .filter_map(|&c| cells.get(c).copied().flatten())
                            .try_fold(None, |acc: Option<Decimal>, v| {
                                Some(Some(acc.unwrap_or_default().checked_add(v)?))
                            })
                            .flatten();
                        match (sum, blanks) {
                            (None, Blanks::Zero) => Some(Decimal::ZERO),
                            (s, _) => s,
                        }
                    }
                    Plan::Column(j, refs) => self.column_formulas[*j]
                        .as_ref()
                        .and_then(|e| eval(e, refs)),
                    Plan::Row(i, refs) => {
                        self.row_formulas[*i].as_ref().and_then(|e| eval(e, refs))
                    }
                }
            };
            if let Some(slot) = cells.get_mut(*cell) {
                *slot = value;
            }
        }
    }
}

#[cfg(test)]
mod tests;
