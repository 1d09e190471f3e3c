//! Checks what a file said against the form and the unit's assignment (SPEC §5
//! "submit" and §6), recomputes computed cells exactly, and the soft check against
//! the unit's own history.
//!
//! Hard errors block the import (nothing is written): text in a number cell, a value
//! in an `x` cell or a heading, a computed cell whose value disagrees with its
//! formula, a negative integer or percentage, an integer with a fractional part,
//! `Trong đó` parts above their total, `Chia ra` parts that do not add up to it,
//! values outside the unit's assigned rows and columns, rows or columns the form
//! does not have, the same cell given twice. Warnings do not block: blank input
//! cells, legacy TCVN3/VNI text converted to Unicode.
//!
//! Computed cells follow the same rules as the workbook's formulas (the cached
//! results `write_form_sheet` writes): a column formula wins over a row formula
//! where both apply; a row that is a pure sum skips blank and `x` cells as Excel's
//! `SUM` does (all blank stays blank); any other formula needs all its inputs and
//! gives nothing on a division by zero; heading rows hold nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::read::{CellInput, RawValue};
use super::warning::Warning;
use crate::domain::number::{from_excel_f64, parse_vn_number};
use crate::form::formula::Expr;
use crate::form::grid::{Blanks, CellRole as Role, Grid};
use crate::form::{ColumnRole, FormDef, FormKind, Relation, ValueType};
use crate::text::{auto_convert, Encoding};

mod outlier;
#[cfg(test)]
mod tests;

pub use outlier::outliers;

/// Longest text a text cell takes (the workbook's validation says the same).
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Blank-cell warnings itemised before one summary warning stands for the rest.
const MAX_BLANK_WARNINGS: usize = 200;

/// A stored value: an exact decimal or a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Number(Decimal),
    Text(String),
}

/// Values by (row key, column key), computed cells included.
pub type Values = BTreeMap<(String, String), Value>;

impl Value {
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number(d) => Some(*d),
            Value::Text(_) => None,
        }
    }

    /// Reads a stored string as the column's type says: a number for numeric
    /// columns (the exact decimal `-1234.50`), the text itself for text columns.
    pub fn from_stored(s: &str, value_type: ValueType) -> Option<Value> {
        if value_type.is_numeric() {
            plain_decimal(s).map(Value::Number)
        } else {
            Some(Value::Text(s.to_string()))
        }
    }
}

/// `-1234.50` and nothing else (no exponent, no separators, no `_`).
fn plain_decimal(s: &str) -> Option<Decimal> {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (frac.is_empty() != body.contains('.'));
    if !ok {
        return None;
    }
    s.parse().ok()
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(d) => write!(f, "{d}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

/// A string: the exact decimal as typed (`1234.50`) or the text.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A string that is a plain decimal (`-1234.50`) is a number, any other string a
/// text (use [`Value::from_stored`] where the column type is known); JSON numbers
/// are accepted too.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal or a text, as a string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
                Ok(plain_decimal(s).map_or_else(|| Value::Text(s.to_string()), Value::Number))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Value, E> {
                Ok(Value::Number(Decimal::from(n)))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Value, E> {
                Ok(Value::Number(Decimal::from(n)))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Value, E> {
                from_excel_f64(n)
                    .map(Value::Number)
                    .ok_or_else(|| E::custom("number out of range"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A problem found, with the cell it is about when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// `'Biểu 01'!D12`, `data.csv:7`, ... as the reader gave it.
    pub cell: Option<String>,
    pub message_vi: String,
    pub message_en: String,
}

impl Problem {
    fn at(cell: Option<&str>, vi: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem {
            cell: cell.filter(|c| !c.is_empty()).map(str::to_string),
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }
}

/// What validation found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Input values as stored (exact decimals, NFC text) and computed cells.
    pub values: Values,
    /// Hard errors: the import is refused when there is any.
    pub errors: Vec<Problem>,
    /// Soft warnings, stored with the revision.
    pub warnings: Vec<Warning>,
}

impl Outcome {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A form compiled for evaluation, and the keys of its cells.
struct Engine<'a> {
    form: &'a FormDef,
    grid: Grid<'a>,
}

impl<'a> Engine<'a> {
    fn new(form: &'a FormDef) -> Engine<'a> {
        Engine {
            form,
            grid: Grid::new(form),
        }
    }

    fn role(&self, i: usize, j: usize) -> Role {
        self.grid.role(i, j)
    }

    /// The values of every computed cell, from the input values in `values`.
    fn evaluate(&self, values: &Values, blanks: Blanks) -> HashMap<(usize, usize), Decimal> {
        let mut cells: Vec<Option<Decimal>> = vec![None; self.grid.len()];
        for ((row, column), value) in values {
            if let (Some(cell), Value::Number(d)) = (self.grid.cell_of(row, column), value) {
                cells[cell] = Some(*d);
            }
        }
        self.grid.evaluate(&mut cells, blanks);
        self.grid
            .order_of_evaluation()
            .filter_map(|(i, j)| Some(((i, j), cells[self.grid.cell(i, j)]?)))
            .collect()
    }

    fn key(&self, i: usize, j: usize) -> (String, String) {
        (
            self.form.rows[i].key.clone(),
            self.form.columns[j].key.clone(),
        )
    }
}

/// Fills the computed cells of `values` (computed rows: their formula or the sum of
/// their children; computed columns: their column formula) exactly, from the input
/// cells; values left in computed, `x` or heading cells are removed first.
pub fn recompute(form: &FormDef, values: &mut Values) {
    let engine = Engine::new(form);
    for i in 0..form.rows.len() {
        for j in 0..form.columns.len() {
            if engine.role(i, j) != Role::Input {
                values.remove(&engine.key(i, j));
            }
        }
    }
    for ((i, j), v) in engine.evaluate(values, Blanks::Missing) {
        values.insert(engine.key(i, j), Value::Number(v));
    }
}

/// Whether a value a file carries for a computed cell agrees with the recomputed
/// one: equal, or equal at Excel's 15 significant digits, or, for a formula that
/// divides, equal once the recomputed value is rounded to the decimals given.
fn agrees(recomputed: Decimal, given: Decimal, divides: bool) -> bool {
    let away = RoundingStrategy::MidpointAwayFromZero;
    recomputed == given
        || recomputed.round_sf_with_strategy(15, away) == Some(given)
        || (divides && recomputed.round_dp_with_strategy(given.scale(), away) == given)
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        s.push('…');
    }
    s
}

fn type_vi(t: ValueType) -> &'static str {
    match t {
        ValueType::Integer => "số nguyên",
        ValueType::Decimal => "số",
        ValueType::Percent => "tỷ lệ phần trăm",
        ValueType::Text => "văn bản",
    }
}

fn type_en(t: ValueType) -> &'static str {
    match t {
        ValueType::Integer => "an integer",
        ValueType::Decimal => "a number",
        ValueType::Percent => "a percentage",
        ValueType::Text => "text",
    }
}

/// The rows and columns assigned to a unit (giao chỉ tiêu, thuộc tính); `None` = all.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Assigned {
    pub rows: Option<Vec<String>>,
    pub columns: Option<Vec<String>>,
}

impl Assigned {
    pub fn has_row(&self, row: &str) -> bool {
        self.rows
            .as_ref()
            .is_none_or(|rows| rows.iter().any(|r| r == row))
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.columns
            .as_ref()
            .is_none_or(|cols| cols.iter().any(|c| c == column))
    }

    /// Whether the unit may fill the cell (row key, column key).
    pub fn covers(&self, row: &str, column: &str) -> bool {
        self.has_row(row) && self.has_column(column)
    }
}

/// Whether `assigned` (none = everything) covers a cell.
pub(crate) fn covered(assigned: Option<&Assigned>, row: &str, column: &str) -> bool {
    assigned.is_none_or(|a| a.covers(row, column))
}

/// Validates the cells read from a file against `form` for a unit assigned
/// `assigned` (none = everything). See the module documentation for the rules.
pub fn validate(form: &FormDef, cells: &[CellInput], assigned: Option<&Assigned>) -> Outcome {
    let engine = Engine::new(form);
    let mut out = Outcome::default();
    let mut refs: HashMap<(usize, usize), &str> = HashMap::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut marked_na: HashSet<(usize, usize)> = HashSet::new();
    // Values files carry in computed cells, and whether a spreadsheet computed them
    // (a number cell) rather than someone typing them (text, CSV).
    let mut given: Vec<Given> = Vec::new();
    // Inputs a spreadsheet's own formulas did not count as this import does: refused
    // ones, and numbers typed as text (Excel's SUM skips text).
    let mut tainted: HashSet<(usize, usize)> = HashSet::new();
    // Inputs refused: relations over them are not checked (one error is enough).
    let mut refused: HashSet<(usize, usize)> = HashSet::new();

    for input in cells {
        let at = Some(input.cell.as_str());
        let err =
            |out: &mut Outcome, vi: String, en: String| out.errors.push(Problem::at(at, vi, en));
        let (i, j) = match (
            engine.grid.row_index(&input.row),
            engine.grid.column_index(&input.column),
        ) {
            (Some(i), Some(j)) => (i, j),
            (None, _) => {
                if !input.raw.is_empty() {
                    err(
                        &mut out,
                        format!("biểu mẫu không có dòng «{}»", input.row),
                        format!("the form has no row «{}»", input.row),
                    );
                }
                continue;
            }
            (_, None) => {
                if !input.raw.is_empty() {
                    err(
                        &mut out,
                        format!("biểu mẫu không có cột «{}»", input.column),
                        format!("the form has no column «{}»", input.column),
                    );
                }
                continue;
            }
        };
        let (row, column) = (&form.rows[i], &form.columns[j]);
        if !seen.insert((i, j)) {
            if !input.raw.is_empty() {
                err(
                    &mut out,
                    format!(
                        "ô (dòng {}, cột {}) được nhập hai lần",
                        row.key, column.number
                    ),
                    format!(
                        "the cell (row {}, column {}) is given twice",
                        row.key, column.number
                    ),
                );
            }
            continue;
        }
        refs.insert((i, j), input.cell.as_str());
        let role = engine.role(i, j);
        match (role, &input.raw) {
            (_, RawValue::Empty) => continue,
            (Role::NotApplicable, RawValue::NotApplicable) => continue,
            (Role::NotApplicable, _) => {
                err(
                    &mut out,
                    "ô này không áp dụng (x), phải để trống".into(),
                    "this cell is not applicable (x) and must stay empty".into(),
                );
                continue;
            }
            (Role::Heading, RawValue::NotApplicable) => continue,
            (Role::Heading, _) => {
                err(
                    &mut out,
                    format!("dòng tiêu đề «{}» không nhận số liệu", row.name),
                    format!("the heading row «{}» takes no values", row.name),
                );
                continue;
            }
            (Role::Computed, RawValue::Number(d)) => {
                given.push(Given {
                    cell: (i, j),
                    value: *d,
                    at: input.cell.as_str(),
                    by_spreadsheet: true,
                });
                continue;
            }
            (Role::Computed, RawValue::Text(t)) => {
                // An Excel error value (`#DIV/0!`): the file has no result here.
                if t.starts_with('#') {
                    continue;
                }
                match parse_vn_number(t) {
                    Ok(d) => given.push(Given {
                        cell: (i, j),
                        value: d,
                        at: input.cell.as_str(),
                        by_spreadsheet: false,
                    }),
                    Err(_) => err(
                        &mut out,
                        format!("ô tính toán chứa chữ «{}»", short(t)),
                        format!("a computed cell holds the text «{}»", short(t)),
                    ),
                }
                continue;
            }
            (Role::Computed, RawValue::NotApplicable) => continue,
            (Role::Input, RawValue::NotApplicable) => {
                marked_na.insert((i, j));
                continue;
            }
            (Role::Input, raw) => {
                if matches!(raw, RawValue::Text(_)) {
                    tainted.insert((i, j));
                }
            }
        }
        if !covered(assigned, &row.key, &column.key) {
            tainted.insert((i, j));
            refused.insert((i, j));
            err(
                &mut out,
                format!(
                    "ô (dòng «{}», cột {}) không được giao cho đơn vị",
                    row.name, column.number
                ),
                format!(
                    "the cell (row «{}», column {}) is not assigned to the unit",
                    row.name, column.number
                ),
            );
            continue;
        }
        match input_value(column.value_type, &input.raw) {
            Ok((value, warning)) => {
                if let Some(args) = warning {
                    out.warnings.push(Warning::new(at, "legacy_text", &args));
                }
                if let Some(value) = value {
                    out.values.insert(engine.key(i, j), value);
                }
            }
            Err((vi, en)) => {
                tainted.insert((i, j));
                refused.insert((i, j));
                err(&mut out, vi, en);
            }
        }
    }
    recompute(form, &mut out.values);
    check_computed(&engine, &out.values, &given, &tainted, &mut out.errors);
    check_relations(&engine, &refs, &refused, assigned, &mut out);
    warn_blanks(&engine, &refs, &marked_na, assigned, &mut out);
    out
}

type Message = (String, String);

/// A value a file carries in a computed cell.
struct Given<'a> {
    cell: (usize, usize),
    value: Decimal,
    at: &'a str,
    by_spreadsheet: bool,
}

/// The arguments of a `legacy_text` warning.
type LegacyText = [(&'static str, String); 2];

/// The value an input cell stores, and a warning about it; or why it is refused.
fn input_value(
    value_type: ValueType,
    raw: &RawValue,
) -> Result<(Option<Value>, Option<LegacyText>), Message> {
    if value_type == ValueType::Text {
        let text = match raw {
            RawValue::Number(d) => d.to_string(),
            RawValue::Text(t) => t.clone(),
            RawValue::Empty | RawValue::NotApplicable => return Ok((None, None)),
        };
        let converted = auto_convert(&text);
        let warning = (converted.from != Encoding::Unicode).then(|| {
            [
                ("encoding", converted.from.label().to_string()),
                ("text", short(&converted.text)),
            ]
        });
        let text = converted.text.trim().to_string();
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err((
                format!("văn bản dài quá {MAX_TEXT_CHARS} ký tự"),
                format!("the text is longer than {MAX_TEXT_CHARS} characters"),
            ));
        }
        let value = (!text.is_empty()).then_some(Value::Text(text));
        return Ok((value, warning));
    }
    let number = match raw {
        RawValue::Number(d) => *d,
        RawValue::Text(t) => parse_vn_number(t).map_err(|_| {
            let shown = auto_convert(t).text;
            (
                format!(
                    "ô cần {} nhưng có chữ «{}» (nhập số như 1.234,5, để trống, hoặc x nếu không áp dụng)",
                    type_vi(value_type),
                    short(&shown)
                ),
                format!(
                    "the cell needs {} but holds the text «{}» (type a number such as 1.234,5, leave it blank, or x when not applicable)",
                    type_en(value_type),
                    short(&shown)
                ),
            )
        })?,
        RawValue::Empty | RawValue::NotApplicable => return Ok((None, None)),
    };
    let no_negative = matches!(value_type, ValueType::Integer | ValueType::Percent);
    if no_negative && number.is_sign_negative() && !number.is_zero() {
        return Err((
            format!("{} không được âm: {number}", type_vi(value_type)),
            format!("{} must not be negative: {number}", type_en(value_type)),
        ));
    }
    if value_type == ValueType::Integer && !number.fract().is_zero() {
        return Err((
            format!("ô cần số nguyên nhưng có {number}"),
            format!("the cell needs an integer but holds {number}"),
        ));
    }
    Ok((Some(Value::Number(number)), None))
}

/// Values a file carries in computed cells must agree with the recomputed ones.
fn check_computed(
    engine: &Engine,
    values: &Values,
    given: &[Given],
    tainted: &HashSet<(usize, usize)>,
    errors: &mut Vec<Problem>,
) {
    let mut as_excel: Option<HashMap<(usize, usize), Decimal>> = None;
    for g in given {
        let ((i, j), d, at) = (g.cell, g.value, g.at);
        // The spreadsheet's formulas saw those inputs differently (skipped a number
        // typed as text, counted a refused one); the stored value is ours anyway.
        if g.by_spreadsheet && engine.grid.depends_on((i, j), tainted) {
            continue;
        }
        let divides = engine.grid.formula(i, j).is_some_and(Expr::divides);
        let ours = values.get(&engine.key(i, j)).and_then(Value::as_number);
        let fine = match ours {
            Some(v) => agrees(v, d, divides),
            // No value as stored (a blank input): Excel counts blanks as 0.
            None => {
                let excel = as_excel.get_or_insert_with(|| engine.evaluate(values, Blanks::Zero));
                match excel.get(&(i, j)) {
                    Some(&v) => agrees(v, d, divides),
                    None => d.is_zero(),
                }
            }
        };
        if !fine {
            let expected =
                ours.map_or_else(|| "(trống)".to_string(), |v| v.normalize().to_string());
            let expected_en =
                ours.map_or_else(|| "(blank)".to_string(), |v| v.normalize().to_string());
            errors.push(Problem::at(
                Some(at),
                format!(
                    "ô tính toán có {} nhưng công thức cho {expected}",
                    d.normalize()
                ),
                format!(
                    "the computed cell holds {} but its formula gives {expected_en}",
                    d.normalize()
                ),
            ));
        }
    }
}

/// Columns whose values add up across rows: numeric inputs that are not
/// percentages (rates do not add up).
fn additive(engine: &Engine, j: usize) -> bool {
    let c = &engine.form.columns[j];
    engine.grid.column_formula(j).is_none()
        && c.role == ColumnRole::Input
        && matches!(c.value_type, ValueType::Integer | ValueType::Decimal)
}

fn check_relations(
    engine: &Engine,
    refs: &HashMap<(usize, usize), &str>,
    refused: &HashSet<(usize, usize)>,
    assigned: Option<&Assigned>,
    out: &mut Outcome,
) {
    let form = engine.form;
    let value = |i: usize, j: usize| out.values.get(&engine.key(i, j)).and_then(Value::as_number);
    let mut parts: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (c, child) in form.rows.iter().enumerate() {
        let Some(p) = child
            .parent
            .as_deref()
            .and_then(|k| engine.grid.row_index(k))
        else {
            continue;
        };
        match child.relation {
            Some(Relation::PartOfTotal) => parts.entry(p).or_default().push(c),
            Some(Relation::OfWhich) => {
                for j in (0..form.columns.len()).filter(|&j| additive(engine, j)) {
                    if let (Some(vc), Some(vp)) = (value(c, j), value(p, j)) {
                        if vc > vp {
                            problems.push(Problem::at(
                                refs.get(&(c, j)).copied(),
                                format!(
                                    "«Trong đó: {}» ({}) lớn hơn «{}» ({}) ở cột {}",
                                    child.name,
                                    vc.normalize(),
                                    form.rows[p].name,
                                    vp.normalize(),
                                    form.columns[j].number
                                ),
                                format!(
                                    "«of which: {}» ({}) exceeds «{}» ({}) in column {}",
                                    child.name,
                                    vc.normalize(),
                                    form.rows[p].name,
                                    vp.normalize(),
                                    form.columns[j].number
                                ),
                            ));
                        }
                    }
                }
            }
            None => {}
        }
    }
    for (p, children) in parts {
        for j in (0..form.columns.len()).filter(|&j| additive(engine, j)) {
            if engine.role(p, j) == Role::NotApplicable {
                continue;
            }
            let Some(total) = value(p, j) else { continue };
            let cells: Vec<usize> = children
                .iter()
                .copied()
                .filter(|&c| engine.role(c, j) != Role::NotApplicable)
                .collect();
            // Parts this unit does not report cannot be expected to add up.
            let all_ours = cells.iter().all(|&c| {
                engine.role(c, j) != Role::Input
                    || covered(assigned, &form.rows[c].key, &form.columns[j].key)
            });
            let present: Vec<Decimal> = cells.iter().filter_map(|&c| value(c, j)).collect();
            let any_refused =
                refused.contains(&(p, j)) || cells.iter().any(|&c| refused.contains(&(c, j)));
            if !all_ours || present.is_empty() || any_refused {
                continue;
            }
            let sum = present
                .iter()
                .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(*v));
            if sum != Some(total) {
                let shown = sum.map_or_else(|| "?".to_string(), |s| s.normalize().to_string());
                problems.push(Problem::at(
                    refs.get(&(p, j)).copied(),
                    format!(
                        "các thành phần của «{}» cộng lại được {shown}, khác tổng số {} ở cột {}",
                        form.rows[p].name,
                        total.normalize(),
                        form.columns[j].number
                    ),
                    format!(
                        "the parts of «{}» add up to {shown}, not the total {} in column {}",
                        form.rows[p].name,
                        total.normalize(),
                        form.columns[j].number
                    ),
                ));
            }
        }
    }
    out.errors.extend(problems);
}

/// Every assigned numeric input cell of a numeric form is required; blanks (not
/// `x`) are warned about.
fn warn_blanks(
    engine: &Engine,
    refs: &HashMap<(usize, usize), &str>,
    marked_na: &HashSet<(usize, usize)>,
    assigned: Option<&Assigned>,
    out: &mut Outcome,
) {
    let form = engine.form;
    if form.kind == FormKind::Narrative {
        return;
    }
    let mut blanks = 0usize;
    for (i, row) in form.rows.iter().enumerate() {
        for (j, column) in form.columns.iter().enumerate() {
            if engine.role(i, j) != Role::Input
                || !column.value_type.is_numeric()
                || marked_na.contains(&(i, j))
                || !covered(assigned, &row.key, &column.key)
                || out.values.contains_key(&engine.key(i, j))
            {
                continue;
            }
            blanks += 1;
            if blanks <= MAX_BLANK_WARNINGS {
                out.warnings.push(Warning::new(
                    refs.get(&(i, j)).copied(),
                    "blank",
                    &[("row", row.name.clone()), ("column", column.number.clone())],
                ));
            }
        }
    }
    if blanks > MAX_BLANK_WARNINGS {
        let more = blanks - MAX_BLANK_WARNINGS;
        out.warnings.push(Warning::new(
            None,
            "blank_more",
            &[("count", more.to_string())],
        ));
    }
}
