//! Checks that a form definition hangs together, mainly for hand-written mappings:
//! unique keys, existing parents, formulas over existing keys, no cycles. Each
//! problem names where it is (`rows[3].parent`) in both languages.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::model::{ColumnRole, FormDef, RowRole, TableColumnKind};

/// Larger forms are refused: the importer reads at most 10,000 rows, and every
/// cell of a form is evaluated when it is drawn.
pub const MAX_ROWS: usize = 20_000;
pub const MAX_COLUMNS: usize = 500;

/// One thing wrong with a form definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON path of the offending field, e.g. `rows[3].parent`.
    pub path: String,
    pub message_vi: String,
    pub message_en: String,
}

impl Problem {
    fn new(path: impl Into<String>, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }

    /// A JSON syntax or shape error, with its line and column.
    pub fn json(e: &serde_json::Error) -> Self {
        let at = format!("dòng {}, cột {}", e.line(), e.column());
        Problem::new(
            format!("line {}:{}", e.line(), e.column()),
            format!("tệp JSON không hợp lệ ({at}): {e}"),
            format!("invalid JSON document: {e}"),
        )
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message_en)
    }
}

/// Keys must be identifiers so formulas can name them.
fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl FormDef {
    /// Reads a form definition (a stored one or a hand-written mapping), fills in
    /// derivable fields and validates it.
    pub fn from_json(text: &str) -> Result<FormDef, Vec<Problem>> {
        let mut form: FormDef = serde_json::from_str(text).map_err(|e| vec![Problem::json(&e)])?;
        form.normalize();
        let problems = form.validate();
        if problems.is_empty() {
            Ok(form)
        } else {
            Err(problems)
        }
    }

    /// Every problem found; empty when the form is usable.
    pub fn validate(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.code.trim().is_empty() {
            out.push(Problem::new(
                "code",
                "thiếu mã biểu mẫu",
                "the form code is empty",
            ));
        }
        if self.title.trim().is_empty() {
            out.push(Problem::new(
                "title",
                "thiếu tên biểu mẫu",
                "the form title is empty",
            ));
        }
        if self.columns.is_empty() {
            out.push(Problem::new(
                "columns",
                "biểu mẫu không có cột số liệu nào",
                "the form has no data column",
            ));
        }
        if self.rows.is_empty() {
            out.push(Problem::new(
                "rows",
                "biểu mẫu không có dòng chỉ tiêu nào",
                "the form has no row",
            ));
        }
        if self.rows.len() > MAX_ROWS || self.columns.len() > MAX_COLUMNS {
            out.push(Problem::new(
                "rows",
                format!(
                    "biểu mẫu quá lớn: {} dòng, {} cột (tối đa {MAX_ROWS} dòng, {MAX_COLUMNS} cột)",
                    self.rows.len(),
                    self.columns.len()
                ),
                format!(
                    "form too large: {} rows, {} columns (at most {MAX_ROWS} rows, {MAX_COLUMNS} columns)",
                    self.rows.len(),
                    self.columns.len()
                ),
            ));
            return out;
        }
        self.check_columns(&mut out);
        self.check_rows(&mut out);
        self.check_not_applicable(&mut out);
        self.check_layout(&mut out);
        out
    }

    fn check_columns(&self, out: &mut Vec<Problem>) {
        let mut keys = HashSet::new();
        let mut numbers = HashSet::new();
        for (i, c) in self.columns.iter().enumerate() {
            let at = format!("columns[{i}]");
            if !is_identifier(&c.key) {
                out.push(Problem::new(
                    format!("{at}.key"),
                    format!("khóa cột '{}' phải bắt đầu bằng chữ cái và chỉ gồm chữ, số, '_'", c.key),
                    format!("column key '{}' must start with a letter and hold only letters, digits, '_'", c.key),
                ));
            }
            if !keys.insert(c.key.as_str()) {
                out.push(Problem::new(
                    format!("{at}.key"),
                    format!("khóa cột '{}' bị trùng", c.key),
                    format!("duplicate column key '{}'", c.key),
                ));
            }
            if !numbers.insert(c.number.as_str()) {
                out.push(Problem::new(
                    format!("{at}.number"),
                    format!("số thứ tự cột '{}' bị trùng", c.number),
                    format!("duplicate column number '{}'", c.number),
                ));
            }
            match (c.role, &c.formula) {
                (ColumnRole::Computed, None) => out.push(Problem::new(
                    format!("{at}.formula"),
                    format!("cột '{}' là cột tính toán nhưng thiếu công thức", c.key),
                    format!("column '{}' is computed but has no formula", c.key),
                )),
                (ColumnRole::Input, Some(_)) => out.push(Problem::new(
                    format!("{at}.role"),
                    format!("cột '{}' có công thức nhưng vai trò là nhập liệu", c.key),
                    format!("column '{}' has a formula but its role is input", c.key),
                )),
                _ => {}
            }
        }
        let mut graph: HashMap<&str, Vec<String>> = HashMap::new();
        for (i, c) in self.columns.iter().enumerate() {
            let Some(parsed) = self.column_formula(c) else {
                continue;
            };
            let at = format!("columns[{i}].formula");
            match parsed {
                Err(e) => out.push(Problem::new(
                    at,
                    format!("công thức cột '{}' sai: {}", c.key, e.message_vi()),
                    format!("formula of column '{}': {}", c.key, e.message_en()),
                )),
                Ok(expr) => {
                    let mut targets = Vec::new();
                    for r in expr.references() {
                        match self.column_by_ref(r) {
                            Some(t) => targets.push(t.key.clone()),
                            None => out.push(Problem::new(
                                at.clone(),
                                format!(
                                    "công thức cột '{}' tham chiếu cột '{r}' không tồn tại",
                                    c.key
                                ),
                                format!(
                                    "formula of column '{}' refers to missing column '{r}'",
                                    c.key
                                ),
                            )),
                        }
                    }
                    graph.insert(c.key.as_str(), targets);
                }
            }
        }
        if let Some(cycle) = find_cycle(&graph) {
            out.push(Problem::new(
                "columns",
                format!("công thức các cột tạo vòng lặp: {}", cycle.join(" → ")),
                format!("column formulas form a cycle: {}", cycle.join(" → ")),
            ));
        }
    }

    fn check_rows(&self, out: &mut Vec<Problem>) {
        let index: HashMap<&str, usize> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key.as_str(), i))
            .collect();
        let mut seen = HashSet::new();
        for (i, r) in self.rows.iter().enumerate() {
            let at = format!("rows[{i}]");
            if !is_identifier(&r.key) {
                out.push(Problem::new(
                    format!("{at}.key"),
                    format!(
                        "khóa dòng '{}' phải bắt đầu bằng chữ cái và chỉ gồm chữ, số, '_'",
                        r.key
                    ),
                    format!(
                        "row key '{}' must start with a letter and hold only letters, digits, '_'",
                        r.key
                    ),
                ));
            }
            if !seen.insert(r.key.as_str()) {
                out.push(Problem::new(
                    format!("{at}.key"),
                    format!("khóa dòng '{}' bị trùng", r.key),
                    format!("duplicate row key '{}'", r.key),
                ));
            }
            if r.name.trim().is_empty() {
                out.push(Problem::new(
                    format!("{at}.name"),
                    format!("dòng '{}' thiếu tên chỉ tiêu", r.key),
                    format!("row '{}' has no name", r.key),
                ));
            }
            match &r.parent {
                Some(p) if p == &r.key => out.push(Problem::new(
                    format!("{at}.parent"),
                    format!("dòng '{}' là cha của chính nó", r.key),
                    format!("row '{}' is its own parent", r.key),
                )),
                Some(p) => match index.get(p.as_str()) {
                    None => out.push(Problem::new(
                        format!("{at}.parent"),
                        format!("dòng cha '{p}' của dòng '{}' không tồn tại", r.key),
                        format!("parent '{p}' of row '{}' does not exist", r.key),
                    )),
                    Some(&j) => {
                        let parent = &self.rows[j];
                        if parent.level != 0
                            && r.level != 0
                            && r.level != parent.level.saturating_add(1)
                        {
                            out.push(Problem::new(
                                format!("{at}.level"),
                                format!(
                                    "dòng '{}' có cấp {} nhưng dòng cha '{p}' có cấp {}",
                                    r.key, r.level, parent.level
                                ),
                                format!(
                                    "row '{}' has level {} but its parent '{p}' has level {}",
                                    r.key, r.level, parent.level
                                ),
                            ));
                        }
                    }
                },
                None => {
                    if r.relation.is_some() {
                        out.push(Problem::new(
                            format!("{at}.relation"),
                            format!(
                                "dòng '{}' có quan hệ với dòng cha nhưng không có dòng cha",
                                r.key
                            ),
                            format!("row '{}' has a relation to its parent but no parent", r.key),
                        ));
                    }
                }
            }
            match r.role {
                RowRole::Computed if r.formula.is_none() && self.children(&r.key).next().is_none() => {
                    out.push(Problem::new(
                        format!("{at}.formula"),
                        format!("dòng '{}' là dòng tính toán nhưng không có công thức và không có dòng con", r.key),
                        format!("row '{}' is computed but has neither a formula nor children", r.key),
                    ))
                }
                RowRole::Input | RowRole::Heading if r.formula.is_some() => out.push(Problem::new(
                    format!("{at}.role"),
                    format!("dòng '{}' có công thức nhưng không phải dòng tính toán", r.key),
                    format!("row '{}' has a formula but its role is not computed", r.key),
                )),
                _ => {}
            }
        }
        let parents: HashMap<&str, Vec<String>> = self
            .rows
            .iter()
            .map(|r| (r.key.as_str(), r.parent.iter().cloned().collect()))
            .collect();
        if let Some(cycle) = find_cycle(&parents) {
            out.push(Problem::new(
                "rows",
                format!("quan hệ cha - con tạo vòng lặp: {}", cycle.join(" → ")),
                format!("parent links form a cycle: {}", cycle.join(" → ")),
            ));
        }
        let mut graph: HashMap<&str, Vec<String>> = HashMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            let Some(parsed) = self.row_formula(r) else {
                continue;
            };
            let at = format!("rows[{i}].formula");
            match parsed {
                Err(e) => out.push(Problem::new(
                    at,
                    format!("công thức dòng '{}' sai: {}", r.key, e.message_vi()),
                    format!("formula of row '{}': {}", r.key, e.message_en()),
                )),
                Ok(expr) => {
                    let refs: Vec<String> =
                        expr.references().into_iter().map(str::to_string).collect();
                    for reference in &refs {
                        if !index.contains_key(reference.as_str()) {
                            out.push(Problem::new(
                                at.clone(),
                                format!("công thức dòng '{}' tham chiếu dòng '{reference}' không tồn tại", r.key),
                                format!("formula of row '{}' refers to missing row '{reference}'", r.key),
                            ));
                        }
                    }
                    graph.insert(r.key.as_str(), refs);
                }
            }
        }
        if let Some(cycle) = find_cycle(&graph) {
            out.push(Problem::new(
                "rows",
                format!("công thức các dòng tạo vòng lặp: {}", cycle.join(" → ")),
                format!("row formulas form a cycle: {}", cycle.join(" → ")),
            ));
        }
    }

    fn check_not_applicable(&self, out: &mut Vec<Problem>) {
        for (i, cell) in self.not_applicable.iter().enumerate() {
            if self.row(&cell.row).is_none() {
                out.push(Problem::new(
                    format!("not_applicable[{i}].row"),
                    format!("ô 'x' tham chiếu dòng '{}' không tồn tại", cell.row),
                    format!("not-applicable cell refers to missing row '{}'", cell.row),
                ));
            }
            if self.column(&cell.column).is_none() {
                out.push(Problem::new(
                    format!("not_applicable[{i}].column"),
                    format!("ô 'x' tham chiếu cột '{}' không tồn tại", cell.column),
                    format!(
                        "not-applicable cell refers to missing column '{}'",
                        cell.column
                    ),
                ));
            }
        }
    }

    fn check_layout(&self, out: &mut Vec<Problem>) {
        let mut data_keys = HashSet::new();
        for (i, tc) in self.layout.table_columns.iter().enumerate() {
            if tc.kind != TableColumnKind::Data {
                continue;
            }
            let at = format!("layout.table_columns[{i}].key");
            match &tc.key {
                Some(k) if self.column(k).is_none() => out.push(Problem::new(
                    at,
                    format!("bố cục tham chiếu cột '{k}' không tồn tại"),
                    format!("layout refers to missing column '{k}'"),
                )),
                Some(k) if !data_keys.insert(k.as_str()) => out.push(Problem::new(
                    at,
                    format!("bố cục vẽ cột '{k}' hai lần"),
                    format!("layout draws column '{k}' twice"),
                )),
                None => out.push(Problem::new(
                    at,
                    "cột số liệu trong bố cục thiếu khóa",
                    "a data column of the layout has no key",
                )),
                _ => {}
            }
        }
        for (i, label) in self.layout.label_rows.iter().enumerate() {
            if self.row(&label.before).is_none() {
                out.push(Problem::new(
                    format!("layout.label_rows[{i}].before"),
                    format!("dòng nhãn đặt trước dòng '{}' không tồn tại", label.before),
                    format!("label row is placed before missing row '{}'", label.before),
                ));
            }
        }
    }
}

/// A cycle in a dependency graph, as the list of keys walked round it.
fn find_cycle(graph: &HashMap<&str, Vec<String>>) -> Option<Vec<String>> {
    // Iterative colouring DFS: a hand-written chain of 10,000 rows must not
    // overflow the stack.
    let mut state: HashMap<&str, u8> = HashMap::new();
    let mut keys: Vec<&&str> = graph.keys().collect();
    keys.sort();
    for &&start in &keys {
        if state.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            let edge = graph.get(node).and_then(|edges| edges.get(top.1));
            top.1 += 1;
            let Some(target) = edge else {
                state.insert(node, 2);
                stack.pop();
                continue;
            };
            let Some((&target, _)) = graph.get_key_value(target.as_str()) else {
                continue;
            };
            match state.get(target).copied().unwrap_or(0) {
                0 => {
                    state.insert(target, 1);
                    stack.push((target, 0));
                }
                1 => {
                    let from = stack.iter().position(|(n, _)| *n == target).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[from..].iter().map(|(n, _)| n.to_string()).collect();
                    cycle.push(target.to_string());
                    return Some(cycle);
                }
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(rows: &str, columns: &str) -> FormDef {
        let text = format!(r#"{{"code":"K","title":"T","columns":{columns},"rows":{rows}}}"#);
        let mut f: FormDef = serde_json::from_str(&text).unwrap();
        f.normalize();
        f
    }

    fn paths(f: &FormDef) -> Vec<String> {
        f.validate().into_iter().map(|p| p.path).collect()
    }

    const COLS: &str = r#"[{"key":"c1"},{"key":"c2"}]"#;

    #[test]
    fn a_consistent_form_has_no_problems() {
        let f = form(
            r#"[{"key":"t","name":"Tổng","role":"computed"},{"key":"a","name":"A","parent":"t","relation":"part_of_total"},
               {"key":"b","name":"B","parent":"t"}]"#,
            r#"[{"key":"c1"},{"key":"c2"},{"key":"c3","role":"computed","formula":"2/1*100","type":"percent"}]"#,
        );
        assert_eq!(f.validate(), vec![]);
    }

    #[test]
    fn duplicate_keys_are_reported_where_they_are() {
        let f = form(
            r#"[{"key":"a","name":"A"},{"key":"a","name":"B"}]"#,
            r#"[{"key":"c1"},{"key":"c1"}]"#,
        );
        let p = paths(&f);
        assert!(p.contains(&"rows[1].key".to_string()), "{p:?}");
        assert!(p.contains(&"columns[1].key".to_string()), "{p:?}");
    }

    #[test]
    fn missing_parent_is_reported_in_both_languages() {
        let f = form(r#"[{"key":"a","name":"A","parent":"zz"}]"#, COLS);
        let problems = f.validate();
        assert_eq!(problems[0].path, "rows[0].parent");
        assert!(problems[0].message_vi.contains("không tồn tại"));
        assert!(problems[0].message_en.contains("'zz'"));
    }

    #[test]
    fn parent_cycles_are_found() {
        let f = form(
            r#"[{"key":"a","name":"A","parent":"b"},{"key":"b","name":"B","parent":"a"}]"#,
            COLS,
        );
        let problems = f.validate();
        assert!(
            problems.iter().any(|p| p.message_en.contains("cycle")),
            "{problems:?}"
        );
    }

    #[test]
    fn formulas_must_reference_existing_keys() {
        let f = form(
            r#"[{"key":"a","name":"A","role":"computed","formula":"b+zz"},{"key":"b","name":"B"}]"#,
            r#"[{"key":"c1"},{"key":"c2","formula":"1/c9*100"}]"#,
        );
        let problems = f.validate();
        assert!(problems
            .iter()
            .any(|p| p.path == "rows[0].formula" && p.message_en.contains("'zz'")));
        assert!(problems
            .iter()
            .any(|p| p.path == "columns[1].formula" && p.message_en.contains("'c9'")));
    }

    #[test]
    fn formula_cycles_are_found() {
        let f = form(
            r#"[{"key":"a","name":"A","formula":"b+1"},{"key":"b","name":"B","formula":"a*2"}]"#,
            r#"[{"key":"c1","formula":"2+0"},{"key":"c2","formula":"1+0"}]"#,
        );
        let problems = f.validate();
        assert!(problems
            .iter()
            .any(|p| p.message_en.starts_with("row formulas form a cycle")));
        assert!(problems
            .iter()
            .any(|p| p.message_en.starts_with("column formulas form a cycle")));
    }

    #[test]
    fn computed_row_without_formula_or_children_is_refused() {
        let f = form(r#"[{"key":"a","name":"A","role":"computed"}]"#, COLS);
        assert_eq!(paths(&f), vec!["rows[0].formula"]);
    }

    #[test]
    fn keys_must_be_identifiers_for_formulas() {
        let f = form(
            r#"[{"key":"1","name":"A"},{"key":"dòng","name":"B"}]"#,
            COLS,
        );
        assert_eq!(paths(&f), vec!["rows[0].key", "rows[1].key"]);
    }

    #[test]
    fn oversized_mappings_are_refused_early() {
        let columns: Vec<String> = (0..501).map(|i| format!(r#"{{"key":"c{i}"}}"#)).collect();
        let f = form(
            r#"[{"key":"a","name":"A"}]"#,
            &format!("[{}]", columns.join(",")),
        );
        assert_eq!(paths(&f), vec!["rows"]);
        assert!(f.validate()[0].message_en.starts_with("form too large"));
    }

    #[test]
    fn a_long_parent_chain_does_not_overflow() {
        let rows: Vec<String> = (0..20_000)
            .map(|i| {
                if i == 0 {
                    r#"{"key":"r0","name":"N","level":1}"#.to_string()
                } else {
                    format!(
                        r#"{{"key":"r{i}","name":"N","parent":"r{}","level":1}}"#,
                        i - 1
                    )
                }
            })
            .collect();
        let f = form(&format!("[{}]", rows.join(",")), COLS);
        // Levels given wrongly on purpose: reported, no crash.
        assert!(!f.validate().is_empty());
    }
}
