//! The versioned form definition (biểu mẫu) and its JSON contract.
//!
//! The same JSON is what `form import` stores, what `form show --format json` prints
//! and what a user writes by hand as `--mapping FILE.json` for a form no heuristic
//! reads (`schemas/form.schema.json`). Everything but the essentials has a serde
//! default so a hand-written mapping can stay short; [`FormDef::normalize`] fills in
//! what can be derived and `FormDef::validate` (in `validate.rs`) checks the rest;
//! the formulas are parsed in `grid.rs`. This file imports nothing else of `form`.

use serde::{Deserialize, Serialize};

/// A form definition, one version of one form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDef {
    /// Lets a hand-written file name its schema; never written back.
    #[serde(rename = "$schema", default, skip_serializing)]
    pub schema: Option<String>,
    /// Stable form code, e.g. `KTXH01`.
    pub code: String,
    /// Version number; 0 until the catalogue assigns one.
    #[serde(default)]
    pub version: u32,
    /// The printed form number, e.g. `Biểu số 01/KTXH-X`.
    #[serde(default)]
    pub form_no: Option<String>,
    pub title: String,
    #[serde(default)]
    pub kind: FormKind,
    /// Data columns only, left to right; info columns (STT, name, unit, code) live
    /// in the layout.
    pub columns: Vec<Column>,
    /// Rows (indicators and headings), top to bottom.
    pub rows: Vec<Row>,
    /// Cells printed `x`: no value is expected there.
    #[serde(default)]
    pub not_applicable: Vec<CellRef>,
    #[serde(default)]
    pub layout: Layout,
}

/// numeric = bảng biểu, narrative = thuyết minh, combined = liên kết.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    #[default]
    Numeric,
    Narrative,
    Combined,
}

/// A data column (thuộc tính).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub key: String,
    /// The column-number label (`1`, `2`, ...); formulas refer to it.
    #[serde(default)]
    pub number: String,
    /// Header path from the top header row down, e.g. `["Thực hiện", "Tháng báo cáo"]`.
    #[serde(default)]
    pub header: Vec<String>,
    #[serde(rename = "type", default)]
    pub value_type: ValueType,
    #[serde(default)]
    pub role: ColumnRole,
    /// Formula over column numbers for a computed column (`3/1*100`).
    #[serde(default)]
    pub formula: Option<String>,
}

/// Value type of a column (and of an indicator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Integer,
    #[default]
    Decimal,
    Percent,
    Text,
}

impl ValueType {
    pub fn is_numeric(self) -> bool {
        self != ValueType::Text
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    #[default]
    Input,
    Computed,
}

/// A row of the form: an indicator, a heading, or a computed total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub key: String,
    /// The STT label as printed (`I`, `1`, `1.1`, `a`, `-`).
    #[serde(default)]
    pub stt: Option<String>,
    /// The indicator code printed in a `Mã số` column.
    #[serde(default)]
    pub code: Option<String>,
    /// The indicator name without STT, bullet or `Trong đó:` prefix.
    pub name: String,
    /// The name cell as printed (`Trong đó: Thu nội địa`); absent means `name`.
    #[serde(default)]
    pub label: Option<String>,
    /// Unit of measure (đơn vị tính).
    #[serde(default)]
    pub unit: Option<String>,
    /// Depth in the row tree, 1 at the top; 0 in a mapping means "derive from parent".
    #[serde(default)]
    pub level: u8,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub role: RowRole,
    /// Relation to the parent row.
    #[serde(default)]
    pub relation: Option<Relation>,
    /// Formula over row keys for a computed row; absent means the sum of its children.
    #[serde(default)]
    pub formula: Option<String>,
    /// Code of the catalogue indicator this row reports, once linked.
    #[serde(default)]
    pub indicator: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowRole {
    #[default]
    Input,
    Heading,
    Computed,
}

/// How a child row relates to its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The children sum to the parent (`Chia ra`, a `SUM` over them).
    PartOfTotal,
    /// `Trong đó:` each child is at most the parent.
    OfWhich,
}

/// One cell of the data area.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellRef {
    pub row: String,
    pub column: String,
}

/// Everything needed to redraw the form as drawn.
///
/// Positions are relative to the table's top-left cell (the first header row, the
/// first table column): title lines sit at negative rows; footer lines count from
/// the first row after the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Layout {
    pub sheet_name: Option<String>,
    /// Where the table's top-left cell was in the source sheet (0-based).
    pub origin: Option<CellPos>,
    pub title_lines: Vec<TextLine>,
    /// The table's columns left to right, info and data; empty means the default
    /// order (STT, name, unit, code when used, then the data columns).
    pub table_columns: Vec<TableColumn>,
    /// Header rows above the column-number row; 0 means "as deep as the headers".
    pub header_rows: u8,
    /// Whether the `A B C 1 2 3` row is drawn.
    pub number_row: bool,
    /// Merged header ranges, relative to the table's top-left.
    pub header_merges: Vec<Span>,
    /// Label-only rows such as a bare `Trong đó:`, drawn before the row `before`.
    pub label_rows: Vec<LabelRow>,
    pub footer_lines: Vec<TextLine>,
}

impl Default for Layout {
    /// An empty layout with the column-number row drawn (the usual case).
    fn default() -> Self {
        Layout {
            sheet_name: None,
            origin: None,
            title_lines: Vec::new(),
            table_columns: Vec::new(),
            header_rows: 0,
            number_row: true,
            header_merges: Vec::new(),
            label_rows: Vec::new(),
            footer_lines: Vec::new(),
        }
    }
}

impl Layout {
    /// The text of the first title line with this role.
    pub fn line(&self, role: LineRole) -> Option<&str> {
        self.title_lines
            .iter()
            .chain(&self.footer_lines)
            .find(|l| l.role == role)
            .map(|l| l.text.as_str())
    }
}

/// A 0-based sheet position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellPos {
    pub row: u32,
    pub col: u16,
}

/// A line of text outside the table (title block, signature block).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextLine {
    #[serde(default)]
    pub role: LineRole,
    pub text: String,
    pub row: i32,
    #[serde(default)]
    pub col: i32,
    /// Columns the line is merged across; 1 = not merged.
    #[serde(default = "one")]
    pub width: u16,
}

fn one() -> u16 {
    1
}

/// What a line outside the table says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineRole {
    /// `Biểu số 01/KTXH-X`
    FormNo,
    /// `Ban hành kèm theo Quyết định số ...`
    LegalBasis,
    /// `Ngày nhận báo cáo: ...`
    Deadline,
    /// `Đơn vị báo cáo: ...`
    ReportingUnit,
    /// `Đơn vị nhận báo cáo: ...`
    ReceivingUnit,
    Title,
    /// `Tháng ..... năm 2026`, replaced by the period in words on export.
    Period,
    /// `......, ngày ..... tháng ..... năm .....`
    SignatureDate,
    /// `Người lập biểu`, `THỦ TRƯỞNG ĐƠN VỊ`
    Signatory,
    /// `Ghi chú: ...`
    Note,
    #[default]
    Other,
}

/// A table column in drawing order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableColumn {
    pub kind: TableColumnKind,
    /// The data column's key, for `kind: data`.
    #[serde(default)]
    pub key: Option<String>,
    /// Header path of an info column (data columns carry theirs).
    #[serde(default)]
    pub header: Vec<String>,
    /// The column-number label of an info column (`A`, `B`, `C`).
    #[serde(default)]
    pub label: Option<String>,
    /// Width in Excel character units; absent means the default for the kind.
    #[serde(default)]
    pub width: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableColumnKind {
    Stt,
    Name,
    Unit,
    Code,
    Data,
    /// An info column the form draws but that carries no data (kept for layout).
    Other,
}

impl TableColumnKind {
    /// Default width by role: calamine cannot read widths, so these stand in.
    pub fn default_width(self) -> f64 {
        match self {
            TableColumnKind::Stt => 6.0,
            TableColumnKind::Name => 45.0,
            TableColumnKind::Unit => 12.0,
            TableColumnKind::Code => 8.0,
            TableColumnKind::Data => 14.0,
            TableColumnKind::Other => 12.0,
        }
    }
}

/// A merged range, 0-based and inclusive, relative to the table's top-left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    pub first_row: u32,
    pub first_col: u16,
    pub last_row: u32,
    pub last_col: u16,
}

impl Span {
    pub fn contains(&self, row: u32, col: u16) -> bool {
        (self.first_row..=self.last_row).contains(&row)
            && (self.first_col..=self.last_col).contains(&col)
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.first_row <= other.last_row
            && other.first_row <= self.last_row
            && self.first_col <= other.last_col
            && other.first_col <= self.last_col
    }
}

/// A row that only carries a label (a bare `Trong đó:`), drawn before row `before`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelRow {
    pub before: String,
    pub text: String,
}

impl FormDef {
    /// Fills in what a hand-written mapping may leave out: column numbers (1..n in
    /// order), levels from parents, computed roles where a formula is given.
    pub fn normalize(&mut self) {
        let taken: Vec<String> = self.columns.iter().map(|c| c.number.clone()).collect();
        let mut next = 1usize;
        for column in &mut self.columns {
            if column.number.trim().is_empty() {
                while taken.contains(&next.to_string()) {
                    next += 1;
                }
                column.number = next.to_string();
                next += 1;
            }
            if column.formula.is_some() && column.role == ColumnRole::Input {
                column.role = ColumnRole::Computed;
            }
        }
        // Levels: resolved in passes so a parent listed after its child still works;
        // bounded by the row count so a cycle (reported by validate) cannot loop.
        let index: std::collections::HashMap<String, usize> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key.clone(), i))
            .collect();
        for _ in 0..self.rows.len().min(255) {
            let mut changed = false;
            for i in 0..self.rows.len() {
                if self.rows[i].level != 0 {
                    continue;
                }
                let level = match &self.rows[i].parent {
                    None => Some(1),
                    Some(p) => index
                        .get(p)
                        .map(|&j| self.rows[j].level)
                        .filter(|&l| l != 0)
                        .map(|l| l.saturating_add(1)),
                };
                if let Some(level) = level {
                    self.rows[i].level = level;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for row in &mut self.rows {
            if row.formula.is_some() && row.role == RowRole::Input {
                row.role = RowRole::Computed;
            }
        }
    }

    pub fn column(&self, key: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.key == key)
    }

    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }

    /// The column a column-formula reference names (by number, or by key).
    pub fn column_by_ref(&self, reference: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.number == reference)
            .or_else(|| self.column(reference))
    }

    /// Direct children of a row, in form order.
    pub fn children<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Row> + 'a {
        self.rows
            .iter()
            .filter(move |r| r.parent.as_deref() == Some(key))
    }

    pub fn is_not_applicable(&self, row: &str, column: &str) -> bool {
        self.not_applicable
            .iter()
            .any(|c| c.row == row && c.column == column)
    }

    /// The form's kind as its columns make it: narrative when every column holds
    /// text, numeric otherwise (a `Ghi chú` column does not make a table a
    /// narrative; `combined` is for a mapping to state).
    pub fn kind_from_columns(columns: &[Column]) -> FormKind {
        if !columns.is_empty() && columns.iter().all(|c| c.value_type == ValueType::Text) {
            FormKind::Narrative
        } else {
            FormKind::Numeric
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_written_mapping_needs_only_the_essentials() {
        let text = r#"{
          "code": "DS01", "title": "DÂN SỐ",
          "columns": [{"key": "tong"}, {"key": "nam"}, {"key": "nu"}],
          "rows": [{"key": "ds", "name": "Dân số", "unit": "người"},
                   {"key": "tt", "name": "Thành thị", "parent": "ds", "relation": "part_of_total"}]
        }"#;
        let form = FormDef::from_json(text).unwrap();
        assert_eq!(form.columns[2].number, "3");
        assert_eq!(form.columns[0].value_type, ValueType::Decimal);
        assert_eq!(form.rows[1].level, 2);
        assert_eq!(form.kind, FormKind::Numeric);
        assert!(form.layout.number_row);
    }

    #[test]
    fn unknown_fields_in_a_mapping_are_reported() {
        let text =
            r#"{"code":"X","title":"T","columns":[],"rows":[{"key":"a","name":"A","parnet":"b"}]}"#;
        let problems = FormDef::from_json(text).unwrap_err();
        assert!(problems[0].message_en.contains("parnet"), "{problems:?}");
    }

    #[test]
    fn json_round_trip_keeps_every_field() {
        let text = r#"{"code":"K","version":3,"form_no":"Biểu số 01","title":"T","kind":"combined",
          "columns":[{"key":"c1","number":"1","header":["A","B"],"type":"percent","role":"computed","formula":"2/3*100"},
                     {"key":"c2","number":"2","type":"text"},{"key":"c3","number":"3"}],
          "rows":[{"key":"r1","stt":"I","code":"01","name":"N","label":"N","unit":"ha","level":1,
                   "role":"heading","relation":null,"formula":null,"indicator":"IND1"}],
          "not_applicable":[{"row":"r1","column":"c2"}],
          "layout":{"sheet_name":"S","origin":{"row":6,"col":1},"title_lines":[{"role":"title","text":"T","row":-3,"col":0,"width":5}],
                    "table_columns":[{"kind":"stt","header":["STT"],"label":"A","width":6.0}],
                    "header_rows":2,"number_row":true,"header_merges":[{"first_row":0,"first_col":0,"last_row":1,"last_col":0}],
                    "label_rows":[{"before":"r1","text":"Trong đó:"}],"footer_lines":[]}}"#;
        let form: FormDef = serde_json::from_str(text).unwrap();
        let again: FormDef = serde_json::from_str(&serde_json::to_string(&form).unwrap()).unwrap();
        assert_eq!(form, again);
        assert_eq!(form.columns[0].value_type, ValueType::Percent);
        assert_eq!(form.rows[0].indicator.as_deref(), Some("IND1"));
    }
}
