//! The values of every data cell of a form, computed cells included, so formulas
//! written to a workbook carry their results (LibreOffice does not recalculate
//! on open). Cells are evaluated in dependency order without recursion; a cell
//! caught in a cycle has no value.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::form::model::{FormDef, RowRole};

use super::ValueLookup;

pub use crate::form::formula::Formulas;

/// A cell being visited: its index, its dependencies, the next one to follow.
type Frame = (usize, Vec<(usize, usize)>, usize);

/// Values by (row index, column index).
pub struct Values {
    values: HashMap<(usize, usize), Decimal>,
}

impl Values {
    pub fn get(&self, row: usize, col: usize) -> Option<Decimal> {
        self.values.get(&(row, col)).copied()
    }

    /// Computes every cell; `input` gives the typed values by keys.
    pub fn compute(form: &FormDef, formulas: &Formulas, input: Option<ValueLookup>) -> Values {
        let row_index: HashMap<&str, usize> = form
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key.as_str(), i))
            .collect();
        let col_index = |reference: &str| {
            form.column_by_ref(reference)
                .and_then(|c| form.columns.iter().position(|x| x.key == c.key))
        };
        let na =
            |r: usize, c: usize| form.is_not_applicable(&form.rows[r].key, &form.columns[c].key);
        let deps = |r: usize, c: usize| -> Vec<(usize, usize)> {
            if na(r, c) {
                Vec::new()
            } else if formulas.columns[c].is_some() {
                formulas.column_refs[c].iter().map(|&k| (r, k)).collect()
            } else if formulas.rows[r].is_some() {
                formulas.row_refs[r].iter().map(|&k| (k, c)).collect()
            } else {
                Vec::new()
            }
        };
        // Iterative post-order DFS: 0 new, 1 on the path, 2 done.
        let (n_rows, n_cols) = (form.rows.len(), form.columns.len());
        let mut state = vec![0u8; n_rows * n_cols];
        let mut order = Vec::with_capacity(n_rows * n_cols);
        let mut cyclic = vec![false; n_rows * n_cols];
        for start in 0..n_rows * n_cols {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<Frame> = vec![(start, deps(start / n_cols, start % n_cols), 0)];
            state[start] = 1;
            while let Some(top) = stack.last_mut() {
                let node = top.0;
                let edge = top.1.get(top.2).copied();
                top.2 += 1;
                match edge {
                    Some((r, c)) => {
                        let target = r * n_cols + c;
                        match state[target] {
                            0 => {
                                state[target] = 1;
                                stack.push((target, deps(r, c), 0));
                            }
                            1 => {
                                for (n, _, _) in &stack {
                                    cyclic[*n] = true;
                                }
                            }
                            _ => {}
                        }
                    }
                    None => {
                        state[node] = 2;
                        order.push(node);
                        stack.pop();
                    }
                }
            }
        }
        let mut values: HashMap<(usize, usize), Decimal> = HashMap::new();
        for node in order {
            let (r, c) = (node / n_cols, node % n_cols);
            if cyclic[node] || na(r, c) {
                continue;
            }
            let value = if let Some(expr) = &formulas.columns[c] {
                expr.eval(&|reference| {
                    col_index(reference).and_then(|k| values.get(&(r, k)).copied())
                })
            } else if let Some(expr) = &formulas.rows[r] {
                let lookup = |reference: &str| {
                    row_index
                        .get(reference)
                        .and_then(|&k| values.get(&(k, c)).copied())
                };
                match expr.sum_terms() {
                    // As Excel's SUM: blank and `x` cells count for nothing.
                    Some(terms) => terms
                        .into_iter()
                        .filter_map(lookup)
                        .try_fold(None, |acc: Option<Decimal>, v| {
                            Some(Some(acc.unwrap_or_default().checked_add(v)?))
                        })
                        .flatten(),
                    None => expr.eval(&lookup),
                }
            } else if form.rows[r].role == RowRole::Heading {
                None
            } else {
                input.and_then(|f| f(&form.rows[r].key, &form.columns[c].key))
            };
            if let Some(v) = value {
                values.insert((r, c), v);
            }
        }
        Values { values }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn computed_rows_and_columns_follow_their_inputs() {
        let mut form: FormDef = serde_json::from_str(
            r#"{"code":"K","title":"T",
            "columns":[{"key":"c1","number":"1"},{"key":"c2","number":"2"},{"key":"c3","number":"3","formula":"2/1*100"}],
            "rows":[{"key":"t","name":"Tổng","role":"computed"},{"key":"a","name":"A","parent":"t"},{"key":"b","name":"B","parent":"t"}]}"#,
        )
        .unwrap();
        form.normalize();
        let formulas = Formulas::of(&form);
        let input = |r: &str, c: &str| -> Option<Decimal> {
            let v = match (r, c) {
                ("a", "c1") => "10",
                ("a", "c2") => "5",
                ("b", "c1") => "30",
                ("b", "c2") => "0.1",
                _ => return None,
            };
            Decimal::from_str(v).ok()
        };
        let values = Values::compute(&form, &formulas, Some(&input));
        assert_eq!(values.get(0, 0), Decimal::from_str("40").ok());
        assert_eq!(values.get(0, 1), Decimal::from_str("5.1").ok());
        // The total's percentage is recomputed from the totals, not summed.
        assert_eq!(values.get(0, 2), Decimal::from_str("12.75").ok());
        assert_eq!(values.get(1, 2), Decimal::from_str("50").ok());
        // A sum skips blank inputs, as Excel's SUM does; all blank stays blank.
        let partial = |r: &str, c: &str| (r == "a" && c == "c1").then(|| Decimal::from(7));
        let values = Values::compute(&form, &formulas, Some(&partial));
        assert_eq!(values.get(0, 0), Some(Decimal::from(7)));
        assert_eq!(values.get(0, 1), None);
    }
}
