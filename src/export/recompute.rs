//! Computed cells of many units' reports, fast: the form's formulas are resolved to
//! cell positions once, then each unit is a pass over a dense grid.
//!
//! This is [`crate::entry::recompute`] (which prepares the form again on every
//! call, too slow for 3,321 units) with the same rules, the same dependency order
//! and the same treatment of cycles; a test holds the two to the same results.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::entry::{Value, Values};
use crate::form::formula::Expr;
use crate::form::{FormDef, RowRole};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Input,
    Computed,
    /// Not applicable (`x`) or a heading: never a value.
    Empty,
}

/// How a computed cell gets its value.
enum Plan<'f> {
    /// A row formula that is a pure sum: the cells present, added (blanks skipped).
    Sum(Vec<usize>),
    /// Any other formula; each reference resolved to a cell (or to nothing).
    Eval {
        expr: &'f Expr,
        refs: Vec<(&'f str, Option<usize>)>,
    },
}

/// A cell of one unit's grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'v> {
    Empty,
    Number(Decimal),
    Text(&'v str),
}

/// A form's formulas, resolved once.
pub struct Recomputer<'f> {
    n_cols: usize,
    row_index: HashMap<&'f str, usize>,
    col_index: HashMap<&'f str, usize>,
    roles: Vec<Role>,
    /// Computed cells in evaluation order with their plans; cells caught in a
    /// cycle are left out, so they (and what depends on them) have no value.
    plans: Vec<(usize, Plan<'f>)>,
}

impl<'f> Recomputer<'f> {
    pub fn new(form: &'f FormDef, formulas: &'f Formulas) -> Recomputer<'f> {
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
        let col_of = |reference: &str| -> Option<usize> {
            col_index
                .get(form.column_by_ref(reference)?.key.as_str())
                .copied()
        };
        let mut roles = vec![Role::Input; form.rows.len() * n_cols];
        for (i, row) in form.rows.iter().enumerate() {
            for j in 0..n_cols {
                roles[i * n_cols + j] = if row.role == RowRole::Heading {
                    Role::Empty
                } else if formulas.columns[j].is_some() || formulas.rows[i].is_some() {
                    Role::Computed
                } else {
                    Role::Input
                };
            }
        }
        for c in &form.not_applicable {
            if let (Some(&i), Some(&j)) = (
                row_index.get(c.row.as_str()),
                col_index.get(c.column.as_str()),
            ) {
                roles[i * n_cols + j] = Role::Empty;
            }
        }
        // The cells a computed cell's formula names, in the formula's order.
        let (col_refs, row_refs) = (&formulas.column_refs, &formulas.row_refs);
        let refs = |cell: usize| -> Vec<usize> {
            let (i, j) = (cell / n_cols, cell % n_cols);
            if formulas.columns[j].is_some() {
                col_refs[j].iter().map(|&k| i * n_cols + k).collect()
            } else {
                row_refs[i].iter().map(|&k| k * n_cols + j).collect()
            }
        };
        let deps = |cell: usize| -> Vec<usize> {
            refs(cell)
                .into_iter()
                .filter(|&c| roles[c] == Role::Computed)
                .collect()
        };

        // Iterative post-order, row by row: 0 new, 1 on the path, 2 done. Every
        // cell on the path when a cycle closes counts as cyclic.
        let mut state = vec![0u8; roles.len()];
        let mut cyclic = vec![false; roles.len()];
        let mut order = Vec::new();
        for start in 0..roles.len() {
            if roles[start] != Role::Computed || state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, Vec<usize>, usize)> = vec![(start, deps(start), 0)];
            state[start] = 1;
            while let Some(top) = stack.last_mut() {
                let node = top.0;
                let edge = top.1.get(top.2).copied();
                top.2 += 1;
                match edge {
                    Some(target) => match state[target] {
                        0 => {
                            state[target] = 1;
                            stack.push((target, deps(target), 0));
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

        let mut plans = Vec::with_capacity(order.len());
        for cell in order.into_iter().filter(|&c| !cyclic[c]) {
            let (i, j) = (cell / n_cols, cell % n_cols);
            let plan = if let Some(expr) = &formulas.columns[j] {
                Plan::Eval {
                    expr,
                    refs: expr
                        .references()
                        .into_iter()
                        .map(|r| (r, col_of(r).map(|k| i * n_cols + k)))
                        .collect(),
                }
            } else if let Some(expr) = &formulas.rows[i] {
                match expr.sum_terms() {
                    Some(terms) => Plan::Sum(
                        terms
                            .into_iter()
                            .filter_map(|r| row_index.get(r).map(|&k| k * n_cols + j))
                            .collect(),
                    ),
                    None => Plan::Eval {
                        expr,
                        refs: expr
                            .references()
                            .into_iter()
                            .map(|r| (r, row_index.get(r).map(|&k| k * n_cols + j)))
                            .collect(),
                    },
                }
            } else {
                continue;
            };
            plans.push((cell, plan));
        }
        Recomputer {
            n_cols,
            row_index,
            col_index,
            roles,
            plans,
        }
    }

    /// Fills `grid` (row-major, rows × columns of the form) with a unit's input
    /// cells as given and its computed cells recomputed.
    pub fn fill<'v>(&self, values: &'v Values, grid: &mut Vec<Cell<'v>>) {
        grid.clear();
        grid.resize(self.roles.len(), Cell::Empty);
        for ((row, column), value) in values {
            let (Some(&i), Some(&j)) = (
                self.row_index.get(row.as_str()),
                self.col_index.get(column.as_str()),
            ) else {
                continue;
            };
            let cell = i * self.n_cols + j;
            if self.roles[cell] == Role::Input {
                grid[cell] = match value {
                    Value::Number(d) => Cell::Number(*d),
                    Value::Text(t) => Cell::Text(t),
                };
            }
        }
        let number = |grid: &[Cell], c: usize| match grid[c] {
            Cell::Number(d) => Some(d),
            _ => None,
        };
        for (cell, plan) in &self.plans {
            let value = match plan {
                Plan::Sum(terms) => terms
                    .iter()
                    .filter_map(|&c| number(grid, c))
                    .try_fold(None, |acc: Option<Decimal>, v| {
                        Some(Some(acc.unwrap_or_default().checked_add(v)?))
                    })
                    .flatten(),
                Plan::Eval { expr, refs } => expr.eval(&|reference| {
                    let (_, c) = refs.iter().find(|(r, _)| *r == reference)?;
                    number(grid, (*c)?)
                }),
            };
            if let Some(v) = value {
                grid[*cell] = Cell::Number(v);
            }
        }
    }
}

pub use crate::form::formula::Formulas;

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/templates");

    fn forms() -> Vec<FormDef> {
        let mut forms = vec![
            FormDef::from_json(
                r#"{"code":"A","title":"T",
                "columns":[{"key":"kh"},{"key":"th"},{"key":"tl","type":"percent","formula":"2/1*100"},
                           {"key":"cl","formula":"2-1"},{"key":"gc","type":"text"}],
                "rows":[{"key":"h","name":"H","role":"heading"},
                        {"key":"t","name":"T","role":"computed"},
                        {"key":"a","name":"A","parent":"t"},{"key":"b","name":"B","parent":"t"},
                        {"key":"c","name":"C","parent":"t","role":"computed"},
                        {"key":"c1","name":"C1","parent":"c"},{"key":"c2","name":"C2","parent":"c"},
                        {"key":"d","name":"D","formula":"a-b*2"},
                        {"key":"e","name":"E","formula":"t/d"}],
                "not_applicable":[{"row":"b","column":"kh"},{"row":"c1","column":"th"}]}"#,
            )
            .expect("form"),
        ];
        if let Ok(entries) = std::fs::read_dir(SHARED) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "xlsx") {
                    let opts = crate::form::ImportOptions {
                        code: "T".into(),
                        ..Default::default()
                    };
                    if let Ok(imported) = crate::form::import_template(&path, &opts) {
                        forms.push(imported.form);
                    }
                }
            }
        }
        forms
    }

    /// A small deterministic generator: values, blanks, texts and zeros.
    fn values(form: &FormDef, seed: u64) -> Values {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 33
        };
        let mut out = Values::new();
        for r in &form.rows {
            for c in &form.columns {
                let value = match next() % 7 {
                    0 => continue,
                    1 => Value::Number(Decimal::ZERO),
                    2 => Value::Text("ghi chú".into()),
                    _ => Value::Number(
                        Decimal::from_str(&format!("{}.{}", next() % 10_000, next() % 100))
                            .unwrap_or_default(),
                    ),
                };
                out.insert((r.key.clone(), c.key.clone()), value);
            }
        }
        out
    }

    #[test]
    fn recomputes_as_entry_recompute_does() {
        let forms = forms();
        // The hand-made form always; the shared templates when ../shared is there.
        assert!(!forms.is_empty());
        for form in &forms {
            let formulas = Formulas::of(form);
            let fast = Recomputer::new(form, &formulas);
            for seed in 0..40 {
                let mut grid = Vec::new();
                let given = values(form, seed);
                let mut expected = given.clone();
                crate::entry::recompute(form, &mut expected);
                fast.fill(&given, &mut grid);
                for (i, r) in form.rows.iter().enumerate() {
                    for (j, c) in form.columns.iter().enumerate() {
                        let want = match expected.get(&(r.key.clone(), c.key.clone())) {
                            Some(Value::Number(d)) => Cell::Number(*d),
                            Some(Value::Text(t)) => Cell::Text(t),
                            None => Cell::Empty,
                        };
                        assert_eq!(
                            grid[i * form.columns.len() + j],
                            want,
                            "form {}, seed {seed}, cell ({}, {})",
                            form.code,
                            r.key,
                            c.key
                        );
                    }
                }
            }
        }
    }
}
