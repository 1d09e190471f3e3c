//! The values of every data cell of a form, computed cells included, so formulas
//! written to a workbook carry their results (LibreOffice does not recalculate
//! on open). The evaluation is the form's compiled [`Grid`]'s.

use rust_decimal::Decimal;

use crate::form::grid::{Blanks, Grid};

use super::ValueLookup;

/// Values by (row index, column index).
pub struct Values {
    n_cols: usize,
    cells: Vec<Option<Decimal>>,
}

impl Values {
    pub fn get(&self, row: usize, col: usize) -> Option<Decimal> {
        self.cells.get(row * self.n_cols + col).copied().flatten()
    }

    /// Computes every cell; `input` gives the typed values by keys.
    pub fn compute(grid: &Grid, input: Option<ValueLookup>) -> Values {
        let form = grid.form();
        let n_cols = form.columns.len();
        let mut cells = vec![None; grid.len()];
        if let Some(input) = input {
            for (i, row) in form.rows.iter().enumerate() {
                for (j, column) in form.columns.iter().enumerate() {
                    if grid.is_input(i, j) {
                        cells[i * n_cols + j] = input(&row.key, &column.key);
                    }
                }
            }
        }
        grid.evaluate(&mut cells, Blanks::Missing);
        Values { n_cols, cells }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::model::FormDef;
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
        let grid = Grid::new(&form);
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
        let values = Values::compute(&grid, Some(&input));
        assert_eq!(values.get(0, 0), Decimal::from_str("40").ok());
        assert_eq!(values.get(0, 1), Decimal::from_str("5.1").ok());
        // The total's percentage is recomputed from the totals, not summed.
        assert_eq!(values.get(0, 2), Decimal::from_str("12.75").ok());
        assert_eq!(values.get(1, 2), Decimal::from_str("50").ok());
        // A sum skips blank inputs, as Excel's SUM does; all blank stays blank.
        let partial = |r: &str, c: &str| (r == "a" && c == "c1").then(|| Decimal::from(7));
        let values = Values::compute(&grid, Some(&partial));
        assert_eq!(values.get(0, 0), Some(Decimal::from(7)));
        assert_eq!(values.get(0, 1), None);
    }
}
