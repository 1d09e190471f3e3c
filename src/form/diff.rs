//! What changed between two versions of a form (`form diff A B`), and keeping row
//! and column keys stable across a re-import so that diff says something useful.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::formula;
use super::model::{Column, FormDef, Row};

/// One difference between two form versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub target: ChangeTarget,
    /// Key of the row or column (or `row/column` for a cell); empty for the form.
    pub key: String,
    /// The field that changed, for `kind: changed`.
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub message_vi: String,
    pub message_en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeTarget {
    Form,
    Column,
    Row,
    Cell,
    Layout,
}

impl ChangeTarget {
    fn vi(self) -> &'static str {
        match self {
            ChangeTarget::Form => "biểu mẫu",
            ChangeTarget::Column => "cột",
            ChangeTarget::Row => "dòng",
            ChangeTarget::Cell => "ô",
            ChangeTarget::Layout => "bố cục",
        }
    }

    fn en(self) -> &'static str {
        match self {
            ChangeTarget::Form => "form",
            ChangeTarget::Column => "column",
            ChangeTarget::Row => "row",
            ChangeTarget::Cell => "cell",
            ChangeTarget::Layout => "layout",
        }
    }
}

fn json_text<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) => "∅".to_string(),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

struct Collector(Vec<Change>);

impl Collector {
    fn added(&mut self, target: ChangeTarget, key: &str, what: &str) {
        self.0.push(Change {
            kind: ChangeKind::Added,
            target,
            key: key.to_string(),
            field: None,
            before: None,
            after: Some(what.to_string()),
            message_vi: format!("thêm {} '{key}': {what}", target.vi()),
            message_en: format!("{} '{key}' added: {what}", target.en()),
        });
    }

    fn removed(&mut self, target: ChangeTarget, key: &str, what: &str) {
        self.0.push(Change {
            kind: ChangeKind::Removed,
            target,
            key: key.to_string(),
            field: None,
            before: Some(what.to_string()),
            after: None,
            message_vi: format!("bỏ {} '{key}': {what}", target.vi()),
            message_en: format!("{} '{key}' removed: {what}", target.en()),
        });
    }

    fn field<T: Serialize + PartialEq>(
        &mut self,
        target: ChangeTarget,
        key: &str,
        field: &str,
        a: &T,
        b: &T,
    ) {
        if a == b {
            return;
        }
        let (before, after) = (json_text(a), json_text(b));
        let label = if key.is_empty() {
            target.vi().to_string()
        } else {
            format!("{} '{key}'", target.vi())
        };
        let label_en = if key.is_empty() {
            target.en().to_string()
        } else {
            format!("{} '{key}'", target.en())
        };
        self.0.push(Change {
            kind: ChangeKind::Changed,
            target,
            key: key.to_string(),
            field: Some(field.to_string()),
            message_vi: format!(
                "{label}: {} đổi từ «{before}» thành «{after}»",
                field_vi(field)
            ),
            message_en: format!("{label_en}: {field} changed from «{before}» to «{after}»"),
            before: Some(before),
            after: Some(after),
        });
    }
}

fn field_vi(field: &str) -> &str {
    match field {
        "form_no" => "số hiệu biểu",
        "title" => "tên biểu",
        "kind" => "loại biểu",
        "number" => "số thứ tự cột",
        "header" => "tiêu đề",
        "type" => "kiểu dữ liệu",
        "role" => "vai trò",
        "formula" => "công thức",
        "stt" => "STT",
        "code" => "mã số",
        "name" => "tên chỉ tiêu",
        "unit" => "đơn vị tính",
        "level" => "cấp",
        "parent" => "dòng cha",
        "relation" => "quan hệ với dòng cha",
        "indicator" => "chỉ tiêu danh mục",
        other => other,
    }
}

impl FormDef {
    /// The differences from `self` (older) to `other` (newer), matched by key.
    /// Formulas compare by meaning (`(3)/(1)*100` equals `3/1*100`); layout changes
    /// are summarised in one entry.
    pub fn diff(&self, other: &FormDef) -> Vec<Change> {
        let mut c = Collector(Vec::new());
        let form = ChangeTarget::Form;
        c.field(form, "", "form_no", &self.form_no, &other.form_no);
        c.field(form, "", "title", &self.title, &other.title);
        c.field(form, "", "kind", &self.kind, &other.kind);

        let old_cols: HashMap<&str, &Column> =
            self.columns.iter().map(|x| (x.key.as_str(), x)).collect();
        let new_cols: HashMap<&str, &Column> =
            other.columns.iter().map(|x| (x.key.as_str(), x)).collect();
        for col in &self.columns {
            if !new_cols.contains_key(col.key.as_str()) {
                c.removed(ChangeTarget::Column, &col.key, &column_text(col));
            }
        }
        for col in &other.columns {
            let Some(old) = old_cols.get(col.key.as_str()) else {
                c.added(ChangeTarget::Column, &col.key, &column_text(col));
                continue;
            };
            let t = ChangeTarget::Column;
            c.field(t, &col.key, "number", &old.number, &col.number);
            c.field(t, &col.key, "header", &old.header, &col.header);
            c.field(t, &col.key, "type", &old.value_type, &col.value_type);
            c.field(t, &col.key, "role", &old.role, &col.role);
            let (a, b) = (canonical_column(self, old), canonical_column(other, col));
            c.field(t, &col.key, "formula", &a, &b);
        }

        let old_rows: HashMap<&str, &Row> = self.rows.iter().map(|x| (x.key.as_str(), x)).collect();
        let new_rows: HashMap<&str, &Row> =
            other.rows.iter().map(|x| (x.key.as_str(), x)).collect();
        for row in &self.rows {
            if !new_rows.contains_key(row.key.as_str()) {
                c.removed(ChangeTarget::Row, &row.key, &row_text(row));
            }
        }
        for row in &other.rows {
            let Some(old) = old_rows.get(row.key.as_str()) else {
                c.added(ChangeTarget::Row, &row.key, &row_text(row));
                continue;
            };
            let t = ChangeTarget::Row;
            c.field(t, &row.key, "stt", &old.stt, &row.stt);
            c.field(t, &row.key, "code", &old.code, &row.code);
            c.field(t, &row.key, "name", &old.name, &row.name);
            c.field(t, &row.key, "unit", &old.unit, &row.unit);
            c.field(t, &row.key, "level", &old.level, &row.level);
            c.field(t, &row.key, "parent", &old.parent, &row.parent);
            c.field(t, &row.key, "role", &old.role, &row.role);
            c.field(t, &row.key, "relation", &old.relation, &row.relation);
            let (a, b) = (canonical_row(&old.formula), canonical_row(&row.formula));
            c.field(t, &row.key, "formula", &a, &b);
            c.field(t, &row.key, "indicator", &old.indicator, &row.indicator);
        }

        let old_na: HashSet<(&str, &str)> = self
            .not_applicable
            .iter()
            .map(|x| (x.row.as_str(), x.column.as_str()))
            .collect();
        let new_na: HashSet<(&str, &str)> = other
            .not_applicable
            .iter()
            .map(|x| (x.row.as_str(), x.column.as_str()))
            .collect();
        for cell in &self.not_applicable {
            if !new_na.contains(&(cell.row.as_str(), cell.column.as_str())) {
                c.removed(
                    ChangeTarget::Cell,
                    &format!("{}/{}", cell.row, cell.column),
                    "x",
                );
            }
        }
        for cell in &other.not_applicable {
            if !old_na.contains(&(cell.row.as_str(), cell.column.as_str())) {
                c.added(
                    ChangeTarget::Cell,
                    &format!("{}/{}", cell.row, cell.column),
                    "x",
                );
            }
        }
        if self.layout != other.layout {
            c.0.push(Change {
                kind: ChangeKind::Changed,
                target: ChangeTarget::Layout,
                key: String::new(),
                field: None,
                before: None,
                after: None,
                message_vi: "bố cục trình bày (tiêu đề, ô gộp, chữ ký) thay đổi".to_string(),
                message_en: "presentation layout (title block, merges, signatures) changed"
                    .to_string(),
            });
        }
        c.0
    }

    /// Renames the rows and columns of a freshly imported form after the matching
    /// ones of `previous` (by code, then by the chain of names from the top; columns
    /// by header path, then number), so keys stay stable across versions and
    /// [`FormDef::diff`] reports real changes instead of a shifted numbering.
    pub fn align_keys(&mut self, previous: &FormDef) {
        let mut column_map: HashMap<String, String> = HashMap::new();
        let mut used: HashSet<String> = HashSet::new();
        for col in &self.columns {
            let found = previous
                .columns
                .iter()
                .find(|p| !p.header.is_empty() && p.header == col.header && !used.contains(&p.key))
                .or_else(|| {
                    previous
                        .columns
                        .iter()
                        .find(|p| p.number == col.number && !used.contains(&p.key))
                });
            if let Some(p) = found {
                used.insert(p.key.clone());
                column_map.insert(col.key.clone(), p.key.clone());
            }
        }
        fresh_keys(
            self.columns.iter().map(|c| c.key.as_str()),
            &mut column_map,
            &used,
            "c",
        );

        let old_paths = name_paths(previous);
        let new_paths = name_paths(self);
        let mut row_map: HashMap<String, String> = HashMap::new();
        let mut used: HashSet<String> = HashSet::new();
        for (i, row) in self.rows.iter().enumerate() {
            let by_code = row.code.as_ref().and_then(|code| {
                previous
                    .rows
                    .iter()
                    .find(|p| p.code.as_ref() == Some(code) && !used.contains(&p.key))
            });
            let found = by_code.or_else(|| {
                previous
                    .rows
                    .iter()
                    .enumerate()
                    .find(|(j, p)| old_paths[*j] == new_paths[i] && !used.contains(&p.key))
                    .map(|(_, p)| p)
            });
            if let Some(p) = found {
                used.insert(p.key.clone());
                row_map.insert(row.key.clone(), p.key.clone());
            }
        }
        fresh_keys(
            self.rows.iter().map(|r| r.key.as_str()),
            &mut row_map,
            &used,
            "r",
        );
        self.rename(&row_map, &column_map);
    }

    fn rename(&mut self, rows: &HashMap<String, String>, columns: &HashMap<String, String>) {
        let r = |k: &str| rows.get(k).cloned().unwrap_or_else(|| k.to_string());
        let c = |k: &str| columns.get(k).cloned().unwrap_or_else(|| k.to_string());
        for col in &mut self.columns {
            col.key = c(&col.key);
        }
        for row in &mut self.rows {
            row.key = r(&row.key);
            row.parent = row.parent.as_deref().map(r);
            if let Some(f) = &row.formula {
                if let Some(mapped) = formula::parse_rows(f)
                    .ok()
                    .and_then(|e| e.map_refs(&mut |x| Some(r(x))))
                {
                    row.formula = Some(mapped.to_string());
                }
            }
        }
        for cell in &mut self.not_applicable {
            cell.row = r(&cell.row);
            cell.column = c(&cell.column);
        }
        for tc in &mut self.layout.table_columns {
            tc.key = tc.key.as_deref().map(c);
        }
        for label in &mut self.layout.label_rows {
            label.before = r(&label.before);
        }
    }
}

/// Gives every key not matched a new one that clashes with nothing.
fn fresh_keys<'a>(
    keys: impl Iterator<Item = &'a str>,
    map: &mut HashMap<String, String>,
    used: &HashSet<String>,
    prefix: &str,
) {
    let keys: Vec<&str> = keys.collect();
    let mut taken: HashSet<String> = used.clone();
    taken.extend(map.values().cloned());
    let mut next = 1usize;
    for key in keys {
        if map.contains_key(key) {
            continue;
        }
        let mut candidate = key.to_string();
        while taken.contains(&candidate) {
            candidate = format!("{prefix}{next}");
            next += 1;
        }
        taken.insert(candidate.clone());
        map.insert(key.to_string(), candidate);
    }
}

/// For each row, its name preceded by its ancestors' names.
fn name_paths(form: &FormDef) -> Vec<Vec<String>> {
    let index: HashMap<&str, usize> = form
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key.as_str(), i))
        .collect();
    form.rows
        .iter()
        .map(|row| {
            let mut path = vec![row.name.clone()];
            let mut at = row.parent.as_deref();
            // Bounded: a cyclic parent chain in a bad document must not loop.
            for _ in 0..form.rows.len() {
                let Some(&i) = at.and_then(|k| index.get(k)) else {
                    break;
                };
                path.push(form.rows[i].name.clone());
                at = form.rows[i].parent.as_deref();
            }
            path.reverse();
            path
        })
        .collect()
}

fn column_text(c: &Column) -> String {
    let header = if c.header.is_empty() {
        String::new()
    } else {
        format!(" {}", c.header.join(" / "))
    };
    format!("({}){header}", c.number)
}

fn row_text(r: &Row) -> String {
    match &r.stt {
        Some(stt) => format!("{stt} {}", r.name),
        None => r.name.clone(),
    }
}

fn canonical_column(form: &FormDef, c: &Column) -> Option<String> {
    match form.column_formula(c) {
        Some(Ok(e)) => Some(e.to_string()),
        _ => c.formula.clone(),
    }
}

fn canonical_row(f: &Option<String>) -> Option<String> {
    f.as_ref().map(|text| {
        formula::parse_rows(text)
            .map(|e| e.to_string())
            .unwrap_or_else(|_| text.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(json: &str) -> FormDef {
        let mut f: FormDef = serde_json::from_str(json).unwrap();
        f.normalize();
        f
    }

    const BASE: &str = r#"{"code":"K","title":"T","columns":[{"key":"c1","number":"1","header":["Kế hoạch"]},
        {"key":"c2","number":"2","header":["Thực hiện"]},{"key":"c3","number":"3","formula":"2/1*100","type":"percent"}],
        "rows":[{"key":"r1","name":"Lúa","unit":"ha"},{"key":"r2","name":"Ngô","unit":"ha"}]}"#;

    #[test]
    fn identical_forms_have_no_changes() {
        assert_eq!(form(BASE).diff(&form(BASE)), vec![]);
    }

    #[test]
    fn added_removed_and_changed_are_reported_in_both_languages() {
        let a = form(BASE);
        let mut b = a.clone();
        b.rows.remove(1);
        b.rows[0].unit = Some("nghìn ha".into());
        b.columns[2].formula = Some("(2)/(1)*100".into());
        b.columns.push(Column {
            key: "c4".into(),
            number: "4".into(),
            header: vec!["Ghi chú".into()],
            value_type: super::super::model::ValueType::Text,
            role: Default::default(),
            formula: None,
        });
        let changes = a.diff(&b);
        let kinds: Vec<(ChangeKind, ChangeTarget, &str)> = changes
            .iter()
            .map(|c| (c.kind, c.target, c.key.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (ChangeKind::Added, ChangeTarget::Column, "c4"),
                (ChangeKind::Removed, ChangeTarget::Row, "r2"),
                (ChangeKind::Changed, ChangeTarget::Row, "r1"),
            ],
            "formula written differently but equal must not count"
        );
        assert_eq!(
            changes[2].message_vi,
            "dòng 'r1': đơn vị tính đổi từ «ha» thành «nghìn ha»"
        );
        assert_eq!(
            changes[2].message_en,
            "row 'r1': unit changed from «ha» to «nghìn ha»"
        );
    }

    #[test]
    fn aligning_keys_follows_names_not_positions() {
        let old = form(BASE);
        // A new row inserted on top shifts the positional keys of a fresh import.
        let mut new = form(
            r#"{"code":"K","title":"T","columns":[{"key":"c1","number":"1","header":["Kế hoạch"]},
            {"key":"c2","number":"2","header":["Thực hiện"]},{"key":"c3","number":"3","formula":"2/1*100","type":"percent"}],
            "rows":[{"key":"r1","name":"Khoai","unit":"ha"},{"key":"r2","name":"Lúa","unit":"ha"},
                    {"key":"r3","name":"Ngô","unit":"ha","role":"computed","formula":"r1+r2"}]}"#,
        );
        new.align_keys(&old);
        let keys: Vec<&str> = new.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, vec!["r3", "r1", "r2"]);
        assert_eq!(new.rows[2].formula.as_deref(), Some("r3+r1"));
        let changes = old.diff(&new);
        assert_eq!(changes[0].kind, ChangeKind::Added);
        assert_eq!(changes[0].key, "r3");
    }
}
