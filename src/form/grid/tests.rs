use std::collections::HashMap;
use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn form(json: &str) -> FormDef {
    FormDef::from_json(json).expect("form")
}

/// Evaluates with the given inputs by (row key, column key).
fn evaluate(grid: &Grid, inputs: &[(&str, &str, &str)], blanks: Blanks) -> Vec<Option<Decimal>> {
    let mut cells = vec![None; grid.len()];
    for (r, c, v) in inputs {
        let cell = grid.cell_of(r, c).expect("cell");
        cells[cell] = Some(d(v));
    }
    grid.evaluate(&mut cells, blanks);
    cells
}

const RATIO: &str = r#"{"code":"K","title":"T",
    "columns":[{"key":"kh"},{"key":"th"},{"key":"tl","formula":"2/1*100"}],
    "rows":[{"key":"h","name":"H","role":"heading"},
            {"key":"t","name":"Tổng","role":"computed"},
            {"key":"a","name":"A","parent":"t"},{"key":"b","name":"B","parent":"t"}],
    "not_applicable":[{"row":"b","column":"kh"}]}"#;

#[test]
fn an_input_cell_is_neither_x_nor_heading_nor_under_a_formula() {
    let form = form(RATIO);
    let grid = Grid::new(&form);
    let roles: Vec<Vec<CellRole>> = (0..4)
        .map(|i| (0..3).map(|j| grid.role(i, j)).collect())
        .collect();
    use CellRole::*;
    assert_eq!(
        roles,
        vec![
            vec![Heading, Heading, Heading],
            vec![Computed, Computed, Computed],
            vec![Input, Input, Computed],
            vec![NotApplicable, Input, Computed],
        ]
    );
    assert!(grid.is_input(2, 0));
    assert!(!grid.is_input(3, 0));
    // `entry set` asks about formulas and headings before `x`.
    assert!(!grid.is_computed_or_heading(3, 0));
    assert!(grid.is_computed_or_heading(0, 0));
    assert!(grid.is_computed_or_heading(2, 2));
}

#[test]
fn x_wins_over_a_formula_and_a_heading() {
    let form = form(
        r#"{"code":"K","title":"T",
        "columns":[{"key":"a"},{"key":"b","formula":"1*100"}],
        "rows":[{"key":"h","name":"H","role":"heading"},{"key":"r","name":"R"}],
        "not_applicable":[{"row":"h","column":"a"},{"row":"r","column":"b"}]}"#,
    );
    let grid = Grid::new(&form);
    assert_eq!(grid.role(0, 0), CellRole::NotApplicable);
    assert_eq!(grid.role(1, 1), CellRole::NotApplicable);
    assert!(grid.is_computed_or_heading(1, 1));
}

#[test]
fn computed_cells_come_after_the_computed_cells_they_name() {
    // `e` names `t` and `d`, which come later in the form; `t` sums `a` and `b`.
    let form = form(
        r#"{"code":"K","title":"T","columns":[{"key":"v"}],
        "rows":[{"key":"e","name":"E","formula":"t/d"},
                {"key":"t","name":"T","role":"computed"},
                {"key":"a","name":"A","parent":"t"},{"key":"b","name":"B","parent":"t"},
                {"key":"d","name":"D","formula":"a-b*2"}]}"#,
    );
    let grid = Grid::new(&form);
    let order: Vec<usize> = grid.order_of_evaluation().map(|(i, _)| i).collect();
    assert_eq!(order, vec![1, 4, 0]);
    let cells = evaluate(&grid, &[("a", "v", "10"), ("b", "v", "2")], Blanks::Missing);
    assert_eq!(cells[1], Some(d("12")));
    assert_eq!(cells[4], Some(d("6")));
    assert_eq!(cells[0], Some(d("2")));
}

#[test]
fn a_cycle_gives_no_value_and_no_loop() {
    // Validation refuses such a form; a stored one must still not hang a writer.
    let mut form: FormDef = serde_json::from_str(
        r#"{"code":"K","title":"T","columns":[{"key":"v"}],
        "rows":[{"key":"p","name":"P","formula":"q+a"},{"key":"q","name":"Q","formula":"p+a"},
                {"key":"s","name":"S","formula":"a*2"},{"key":"a","name":"A"}]}"#,
    )
    .expect("json");
    form.normalize();
    assert!(!form.validate().is_empty());
    let grid = Grid::new(&form);
    let order: Vec<usize> = grid.order_of_evaluation().map(|(i, _)| i).collect();
    assert_eq!(order, vec![2]);
    let cells = evaluate(&grid, &[("a", "v", "5")], Blanks::Missing);
    assert_eq!(cells, vec![None, None, Some(d("10")), Some(d("5"))]);
}

#[test]
fn sums_skip_blanks_and_other_formulas_need_every_input() {
    let form = form(RATIO);
    let grid = Grid::new(&form);
    let cells = evaluate(
        &grid,
        &[("a", "kh", "7"), ("a", "th", "0.1")],
        Blanks::Missing,
    );
    let at = |r: &str, c: &str| cells[grid.cell_of(r, c).expect("cell")];
    assert_eq!(at("t", "kh"), Some(d("7")));
    assert_eq!(at("t", "th"), Some(d("0.1")));
    assert_eq!(at("b", "tl"), None);
    // 0.1 / 7 × 100, exactly as rust_decimal divides.
    assert_eq!(at("a", "tl"), Some(d("0.1") / d("7") * d("100")));
    assert_eq!(at("h", "kh"), None);
}

#[test]
fn as_a_spreadsheet_blanks_are_zero_but_x_stays_text() {
    let form = form(RATIO);
    let grid = Grid::new(&form);
    let cells = evaluate(&grid, &[("b", "th", "3")], Blanks::Zero);
    let at = |r: &str, c: &str| cells[grid.cell_of(r, c).expect("cell")];
    // `a` is blank: 0 in the sum and the ratio's divisor, a division by zero.
    assert_eq!(at("t", "kh"), Some(Decimal::ZERO));
    assert_eq!(at("t", "th"), Some(d("3")));
    assert_eq!(at("a", "tl"), None);
    // `b`'s plan is `x`: text in a spreadsheet's arithmetic, so no value.
    assert_eq!(at("b", "tl"), None);
    assert_eq!(at("t", "tl"), None);
}

#[test]
fn evaluation_clears_what_is_not_an_input() {
    let form = form(RATIO);
    let grid = Grid::new(&form);
    let mut cells = vec![Some(d("99")); grid.len()];
    grid.evaluate(&mut cells, Blanks::Missing);
    let at = |r: &str, c: &str| cells[grid.cell_of(r, c).expect("cell")];
    assert_eq!(at("h", "kh"), None);
    assert_eq!(at("b", "kh"), None);
    assert_eq!(at("t", "kh"), Some(d("99")));
    assert_eq!(at("t", "th"), Some(d("198")));
    assert_eq!(at("a", "tl"), Some(d("100")));
}

/// The evaluation the workbook writer had before the grid (form/workbook/eval.rs),
/// kept as an independent oracle: every cell visited, a map for values.
mod oracle {
    use super::*;

    pub struct Formulas {
        pub columns: Vec<Option<Expr>>,
        pub rows: Vec<Option<Expr>>,
        pub column_refs: Vec<Vec<usize>>,
        pub row_refs: Vec<Vec<usize>>,
    }

    impl Formulas {
        pub fn of(form: &FormDef) -> Formulas {
            let columns: Vec<Option<Expr>> = form
                .columns
                .iter()
                .map(|c| form.column_formula(c).and_then(Result::ok))
                .collect();
            let rows: Vec<Option<Expr>> = form
                .rows
                .iter()
                .map(|r| form.row_formula(r).and_then(Result::ok))
                .collect();
            let col_index: HashMap<&str, usize> = form
                .columns
                .iter()
                .enumerate()
                .map(|(j, c)| (c.key.as_str(), j))
                .collect();
            let row_index: HashMap<&str, usize> = form
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| (r.key.as_str(), i))
                .collect();
            let refs = |formulas: &[Option<Expr>], index: &dyn Fn(&str) -> Option<usize>| {
                formulas
                    .iter()
                    .map(|e| {
                        e.as_ref().map_or_else(Vec::new, |e| {
                            e.references().into_iter().filter_map(index).collect()
                        })
                    })
                    .collect()
            };
            let column_refs = refs(&columns, &|r| {
                col_index.get(form.column_by_ref(r)?.key.as_str()).copied()
            });
            let row_refs = refs(&rows, &|r| row_index.get(r).copied());
            Formulas {
                columns,
                rows,
                column_refs,
                row_refs,
            }
        }
    }

    type Frame = (usize, Vec<(usize, usize)>, usize);

    pub fn compute(
        form: &FormDef,
        formulas: &Formulas,
        input: &dyn Fn(&str, &str) -> Option<Decimal>,
    ) -> HashMap<(usize, usize), Decimal> {
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
                input(&form.rows[r].key, &form.columns[c].key)
            };
            if let Some(v) = value {
                values.insert((r, c), v);
            }
        }
        values
    }
}

/// The evaluation entry validation had before the grid (entry/validate), kept as an
/// independent oracle for both ways of counting blanks.
mod validation_oracle {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use CellRole as Role;

    type Cell = (usize, usize);

    /// A form prepared for evaluation: indexes and parsed formulas.
    pub struct Engine<'a> {
        form: &'a FormDef,
        row_index: HashMap<&'a str, usize>,
        col_index: HashMap<&'a str, usize>,
        formulas: super::oracle::Formulas,
        na: HashSet<(usize, usize)>,
    }

    impl<'a> Engine<'a> {
        pub fn new(form: &'a FormDef) -> Engine<'a> {
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
            let na = form
                .not_applicable
                .iter()
                .filter_map(|c| {
                    Some((
                        *row_index.get(c.row.as_str())?,
                        *col_index.get(c.column.as_str())?,
                    ))
                })
                .collect();
            Engine {
                form,
                row_index,
                col_index,
                formulas: super::oracle::Formulas::of(form),
                na,
            }
        }

        fn role(&self, i: usize, j: usize) -> Role {
            if self.na.contains(&(i, j)) {
                Role::NotApplicable
            } else if self.form.rows[i].role == RowRole::Heading {
                Role::Heading
            } else if self.formulas.columns[j].is_some() || self.formulas.rows[i].is_some() {
                Role::Computed
            } else {
                Role::Input
            }
        }

        /// The cells a computed cell's formula names.
        fn refs(&self, i: usize, j: usize) -> Vec<(usize, usize)> {
            if self.formulas.columns[j].is_some() {
                self.formulas.column_refs[j]
                    .iter()
                    .map(|&k| (i, k))
                    .collect()
            } else {
                self.formulas.row_refs[i].iter().map(|&k| (k, j)).collect()
            }
        }

        /// The computed cells a computed cell depends on.
        fn deps(&self, i: usize, j: usize) -> Vec<(usize, usize)> {
            self.refs(i, j)
                .into_iter()
                .filter(|&(r, c)| self.role(r, c) == Role::Computed)
                .collect()
        }

        /// Computed cells in dependency order (iterative post-order), and those caught
        /// in a cycle.
        fn order(&self) -> (Vec<Cell>, HashSet<Cell>) {
            let (n_rows, n_cols) = (self.form.rows.len(), self.form.columns.len());
            let mut state: HashMap<(usize, usize), u8> = HashMap::new();
            let mut order = Vec::new();
            let mut cyclic = HashSet::new();
            for i in 0..n_rows {
                for j in 0..n_cols {
                    if self.role(i, j) != Role::Computed || state.contains_key(&(i, j)) {
                        continue;
                    }
                    type Frame = ((usize, usize), Vec<(usize, usize)>, usize);
                    let mut stack: Vec<Frame> = vec![((i, j), self.deps(i, j), 0)];
                    state.insert((i, j), 1);
                    while let Some(top) = stack.last_mut() {
                        let node = top.0;
                        let edge = top.1.get(top.2).copied();
                        top.2 += 1;
                        match edge {
                            Some(target) => match state.get(&target).copied().unwrap_or(0) {
                                0 => {
                                    state.insert(target, 1);
                                    stack.push((target, self.deps(target.0, target.1), 0));
                                }
                                1 => {
                                    for (n, _, _) in &stack {
                                        cyclic.insert(*n);
                                    }
                                }
                                _ => {}
                            },
                            None => {
                                state.insert(node, 2);
                                order.push(node);
                                stack.pop();
                            }
                        }
                    }
                }
            }
            (order, cyclic)
        }

        /// The values of every computed cell, from the input values in `values`.
        pub fn evaluate(
            &self,
            values: &HashMap<(usize, usize), Decimal>,
            blanks: Blanks,
        ) -> HashMap<(usize, usize), Decimal> {
            let (order, cyclic) = self.order();
            let mut out: HashMap<(usize, usize), Decimal> = HashMap::new();
            for (i, j) in order {
                if cyclic.contains(&(i, j)) {
                    continue;
                }
                let value = {
                    let get = |r: usize, c: usize| -> Option<Decimal> {
                        match self.role(r, c) {
                            Role::Computed => out.get(&(r, c)).copied(),
                            Role::Input => values.get(&(r, c)).copied(),
                            Role::NotApplicable | Role::Heading => None,
                        }
                    };
                    // A blank counts as 0 in Excel's arithmetic; `x` is text there.
                    let get_or_zero = |r: usize, c: usize| -> Option<Decimal> {
                        match (get(r, c), blanks, self.role(r, c)) {
                            (Some(v), _, _) => Some(v),
                            (None, Blanks::Zero, Role::Input | Role::Computed | Role::Heading) => {
                                Some(Decimal::ZERO)
                            }
                            _ => None,
                        }
                    };
                    if let Some(expr) = &self.formulas.columns[j] {
                        expr.eval(&|reference| {
                            let key = self.form.column_by_ref(reference)?.key.as_str();
                            let k = *self.col_index.get(key)?;
                            get_or_zero(i, k)
                        })
                    } else if let Some(expr) = &self.formulas.rows[i] {
                        let lookup = |reference: &str| {
                            let k = *self.row_index.get(reference)?;
                            get(k, j)
                        };
                        match expr.sum_terms() {
                            Some(terms) => {
                                let sum = terms
                                    .into_iter()
                                    .filter_map(lookup)
                                    .try_fold(None, |acc: Option<Decimal>, v| {
                                        Some(Some(acc.unwrap_or_default().checked_add(v)?))
                                    })
                                    .flatten();
                                match (sum, blanks) {
                                    (None, Blanks::Zero) => Some(Decimal::ZERO),
                                    (s, _) => s,
                                }
                            }
                            None => expr.eval(&|reference| {
                                let k = *self.row_index.get(reference)?;
                                get_or_zero(k, j)
                            }),
                        }
                    } else {
                        None
                    }
                };
                if let Some(v) = value {
                    out.insert((i, j), v);
                }
            }
            out
        }
    }
}

/// A form of 1..6 rows and 1..5 columns: headings, computed rows (sums of
/// children or formulas, cycles possible), computed columns over other columns
/// (cycles possible), `x` cells. Formulas always name at least one cell.
fn arbitrary_form() -> impl Strategy<Value = FormDef> {
    (1usize..6, 1usize..5).prop_flat_map(|(n_rows, n_cols)| {
        let row = (0u8..5, 0..n_rows, 0..n_rows, 0u8..4);
        let column = (0u8..3, 0..n_cols, 0..n_cols, 0u8..4);
        (
            proptest::collection::vec(row, n_rows),
            proptest::collection::vec(column, n_cols),
            proptest::collection::vec(any::<bool>(), n_rows * n_cols),
        )
            .prop_map(move |(rows, columns, na)| {
                let op = |o: u8| ["+", "-", "*", "/"][usize::from(o % 4)];
                let rows_json: Vec<serde_json::Value> = rows
                    .iter()
                    .enumerate()
                    .map(|(i, &(kind, a, b, o))| {
                        let key = format!("r{i}");
                        match kind {
                            0 => serde_json::json!({"key": key, "name": key, "role": "heading"}),
                            1 => serde_json::json!({"key": key, "name": key, "role": "computed",
                                "formula": format!("r{a}{}r{b}", op(o))}),
                            2 if a != i => serde_json::json!({"key": key, "name": key,
                                "parent": format!("r{a}")}),
                            3 => serde_json::json!({"key": key, "name": key, "role": "computed"}),
                            _ => serde_json::json!({"key": key, "name": key}),
                        }
                    })
                    .collect();
                // A computed row without children has no formula: an input row then.
                let columns_json: Vec<serde_json::Value> = columns
                    .iter()
                    .enumerate()
                    .map(|(j, &(kind, a, b, o))| {
                        let key = format!("c{j}");
                        let number = (j + 1).to_string();
                        if kind == 0 {
                            serde_json::json!({"key": key, "number": number, "role": "computed",
                                "formula": format!("{}{}{}*100", a + 1, op(o), b + 1)})
                        } else {
                            serde_json::json!({"key": key, "number": number})
                        }
                    })
                    .collect();
                let not_applicable: Vec<serde_json::Value> = na
                    .iter()
                    .enumerate()
                    .filter(|(k, &x)| x && k % 3 == 0)
                    .map(|(k, _)| {
                        serde_json::json!({"row": format!("r{}", k / n_cols),
                            "column": format!("c{}", k % n_cols)})
                    })
                    .collect();
                let json = serde_json::json!({"code": "P", "title": "P",
                    "columns": columns_json, "rows": rows_json,
                    "not_applicable": not_applicable});
                let mut form: FormDef = serde_json::from_value(json).expect("form json");
                form.normalize();
                form
            })
    })
}

proptest! {
    #[test]
    fn the_grid_evaluates_as_the_writer_did_before_it(
        form in arbitrary_form(),
        values in proptest::collection::vec(proptest::option::of(-50i64..50), 30),
    ) {
        let grid = Grid::new(&form);
        let n_cols = form.columns.len();
        let input = |r: &str, c: &str| -> Option<Decimal> {
            let i = form.rows.iter().position(|x| x.key == r)?;
            let j = form.columns.iter().position(|x| x.key == c)?;
            values[(i * n_cols + j) % values.len()].map(|v| Decimal::new(v, 1))
        };
        let expected = oracle::compute(&form, &oracle::Formulas::of(&form), &input);
        let mut cells = vec![None; grid.len()];
        for (i, r) in form.rows.iter().enumerate() {
            for (j, c) in form.columns.iter().enumerate() {
                if grid.is_input(i, j) {
                    cells[grid.cell(i, j)] = input(&r.key, &c.key);
                }
            }
        }
        grid.evaluate(&mut cells, Blanks::Missing);
        for i in 0..form.rows.len() {
            for j in 0..n_cols {
                prop_assert_eq!(
                    cells[grid.cell(i, j)],
                    expected.get(&(i, j)).copied(),
                    "cell ({}, {})", i, j
                );
            }
        }
    }
}

proptest! {
    #[test]
    fn the_grid_evaluates_as_validation_did_before_it(
        form in arbitrary_form(),
        values in proptest::collection::vec(proptest::option::of(-50i64..50), 30),
        zero in any::<bool>(),
    ) {
        let blanks = if zero { Blanks::Zero } else { Blanks::Missing };
        let grid = Grid::new(&form);
        let n_cols = form.columns.len();
        let mut given: HashMap<(usize, usize), Decimal> = HashMap::new();
        let mut cells = vec![None; grid.len()];
        for i in 0..form.rows.len() {
            for j in 0..n_cols {
                let k = i * n_cols + j;
                if let Some(v) = values[k % values.len()].map(|v| Decimal::new(v, 1)) {
                    // Values anywhere: the old engine read inputs only, the grid clears the rest.
                    given.insert((i, j), v);
                    cells[k] = Some(v);
                }
            }
        }
        let expected = validation_oracle::Engine::new(&form).evaluate(&given, blanks);
        grid.evaluate(&mut cells, blanks);
        for i in 0..form.rows.len() {
            for j in 0..n_cols {
                let want = if grid.is_input(i, j) {
                    given.get(&(i, j)).copied()
                } else {
                    expected.get(&(i, j)).copied()
                };
                prop_assert_eq!(cells[grid.cell(i, j)], want, "cell ({}, {})", i, j);
            }
        }
    }
}
