//! Computed cells of many units' reports, fast: the form is compiled to a
//! [`Grid`] once, then each unit is one evaluation over a dense grid of cells,
//! the same evaluation entry validation and the workbook writer use.

use rust_decimal::Decimal;

use crate::entry::Value;
use crate::form::grid::{Blanks, Grid};
use crate::form::FormDef;

/// A cell of one unit's grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'v> {
    Empty,
    Number(Decimal),
    Text(&'v str),
}

/// A form compiled once for many units (the name `detail.rs` knows it by).
pub struct Formulas<'f> {
    grid: Grid<'f>,
}

impl<'f> Formulas<'f> {
    pub fn of(form: &'f FormDef) -> Formulas<'f> {
        Formulas {
            grid: Grid::new(form),
        }
    }
}

/// A form's formulas, resolved once.
pub struct Recomputer<'f> {
    grid: &'f Grid<'f>,
}

impl<'f> Recomputer<'f> {
    pub fn new(_form: &'f FormDef, formulas: &'f Formulas<'f>) -> Recomputer<'f> {
        Recomputer {
            grid: &formulas.grid,
        }
    }

    /// Fills `grid` (row-major, rows × columns of the form) with a unit's input
    /// cells as given and its computed cells recomputed.
    pub fn fill<'v>(&self, slots: &'v [Option<Value>], grid: &mut Vec<Cell<'v>>) {
        grid.clear();
        grid.resize(self.grid.len(), Cell::Empty);
        let mut numbers: Vec<Option<Decimal>> = vec![None; self.grid.len()];
        for (cell, value) in slots.iter().enumerate().take(self.grid.len()) {
            let Some(value) = value else { continue };
            let (i, j) = self.grid.position(cell);
            if self.grid.is_input(i, j) {
                grid[cell] = match value {
                    Value::Number(d) => {
                        numbers[cell] = Some(*d);
                        Cell::Number(*d)
                    }
                    Value::Text(t) => Cell::Text(t),
                };
            }
        }
        self.grid.evaluate(&mut numbers, Blanks::Missing);
        for (slot, number) in grid.iter_mut().zip(&numbers) {
            if let Some(v) = number {
                *slot = Cell::Number(*v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Values;
    use std::str::FromStr;

    const TEMPLATES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/templates");

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
        for entry in std::fs::read_dir(TEMPLATES)
            .expect("the template fixtures")
            .flatten()
        {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "xlsx") {
                let opts = crate::form::ImportOptions {
                    code: "T".into(),
                    ..Default::default()
                };
                let imported =
                    crate::form::import_template(&path, &opts).expect("a fixture imports");
                forms.push(imported.form);
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
        // The hand-made form and the three real templates.
        assert_eq!(forms.len(), 4);
        for form in &forms {
            let formulas = Formulas::of(form);
            let fast = Recomputer::new(form, &formulas);
            for seed in 0..40 {
                let mut grid = Vec::new();
                let given = values(form, seed);
                let mut expected = given.clone();
                crate::entry::recompute(form, &mut expected);
                let slots = crate::export::UnitDetail::from_values(form, "", "", &given).slots;
                fast.fill(&slots, &mut grid);
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
