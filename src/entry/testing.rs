//! Forms and files for the entry tests.

use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::identity::IDENTITY_SHEET;
use super::read::{CellInput, RawValue};
use super::validate::{Value, Values};
use crate::form::workbook::{write_form_sheet, SheetLayout, SheetOptions};
use crate::form::FormDef;

pub fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// A population and labour form: a computed total with `Chia ra` parts and a
/// `Trong đó` row, a heading, an input total with parts, a computed percentage
/// column, an integer column, a text column and an `x` cell.
pub fn form() -> FormDef {
    FormDef::from_json(
        r#"{"code":"DS01","version":2,"form_no":"Biểu số 01/DS","title":"BÁO CÁO DÂN SỐ VÀ LAO ĐỘNG",
        "columns":[
          {"key":"kh","number":"1","header":["Kế hoạch"]},
          {"key":"th","number":"2","header":["Thực hiện"]},
          {"key":"tl","number":"3","header":["Tỷ lệ (%)"],"type":"percent","formula":"2/1*100"},
          {"key":"ho","number":"4","header":["Số hộ"],"type":"integer"},
          {"key":"gc","number":"5","header":["Ghi chú"],"type":"text"}],
        "rows":[
          {"key":"tong","code":"01","name":"Tổng số dân","unit":"người","role":"computed","formula":"nam+nu"},
          {"key":"nam","code":"02","name":"Nam","unit":"người","parent":"tong","relation":"part_of_total"},
          {"key":"nu","code":"03","name":"Nữ","unit":"người","parent":"tong","relation":"part_of_total"},
          {"key":"dt","code":"04","name":"Dân tộc thiểu số","label":"Trong đó: Dân tộc thiểu số","unit":"người","parent":"tong","relation":"of_which"},
          {"key":"ld","code":"05","name":"LAO ĐỘNG","role":"heading"},
          {"key":"ldt","code":"06","name":"Lao động có việc làm","unit":"người","parent":"ld"},
          {"key":"nn","code":"07","name":"Nông nghiệp","unit":"người","parent":"ldt","relation":"part_of_total"},
          {"key":"cn","code":"08","name":"Công nghiệp","unit":"người","parent":"ldt","relation":"part_of_total"}],
        "not_applicable":[{"row":"dt","column":"ho"}]}"#,
    )
    .unwrap_or_else(|p| panic!("test form: {p:?}"))
}

pub fn identity() -> super::Identity {
    super::Identity {
        regime: "BC-DS-THANG".into(),
        form_code: "DS01".into(),
        form_version: 2,
        unit: "000.00.00.H12".into(),
        unit_name: "UBND xã Tân Phú".into(),
        period: "202611".into(),
        period_words: "Tháng 11 năm 2026".into(),
    }
}

pub fn cell(row: &str, column: &str, raw: RawValue) -> CellInput {
    CellInput {
        row: row.into(),
        column: column.into(),
        cell: format!("T!{row}.{column}"),
        raw,
    }
}

pub fn num(row: &str, column: &str, s: &str) -> CellInput {
    cell(row, column, RawValue::Number(d(s)))
}

pub fn text(row: &str, column: &str, s: &str) -> CellInput {
    cell(row, column, RawValue::Text(s.into()))
}

pub fn values(pairs: &[(&str, &str, &str)]) -> Values {
    pairs
        .iter()
        .map(|(r, c, v)| {
            let value = v
                .parse::<Decimal>()
                .map_or_else(|_| Value::Text(v.to_string()), Value::Number);
            ((r.to_string(), c.to_string()), value)
        })
        .collect()
}

/// A complete, consistent set of inputs for [`form`].
pub fn good_inputs() -> Values {
    values(&[
        ("nam", "kh", "500"),
        ("nam", "th", "510.5"),
        ("nam", "ho", "120"),
        ("nam", "gc", "Ước tính"),
        ("nu", "kh", "520"),
        ("nu", "th", "530.25"),
        ("nu", "ho", "130"),
        ("dt", "kh", "100"),
        ("dt", "th", "90"),
        ("ldt", "kh", "600"),
        ("ldt", "th", "610"),
        ("ldt", "ho", "200"),
        ("nn", "kh", "400"),
        ("nn", "th", "405"),
        ("nn", "ho", "150"),
        ("cn", "kh", "200"),
        ("cn", "th", "205"),
        ("cn", "ho", "50"),
    ])
}

/// The rows of the identity sheet of a workbook, as text.
pub fn identity_rows(path: &Path) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).expect("open");
    let range = book
        .worksheet_range(IDENTITY_SHEET)
        .expect("identity sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// "Fills in" a fill-in workbook the way a person would end up with it: the same
/// form drawn again with `values` in it, `tweak` applied to the data sheet (text
/// typed over a number, a stale cached result), and the identity sheet of `blank`
/// copied over after `edit` (a tampering test edits it).
pub fn filled_copy(
    blank: &Path,
    form: &FormDef,
    values: &Values,
    out: &Path,
    tweak: &dyn Fn(&mut Worksheet, &SheetLayout),
    edit: &dyn Fn(&mut Vec<Vec<String>>),
) {
    let mut rows = identity_rows(blank);
    let sheet = rows
        .iter()
        .find(|r| r.first().map(String::as_str) == Some("sheet"))
        .and_then(|r| r.get(1).cloned())
        .expect("sheet row");
    let field = |key: &str| {
        rows.iter()
            .find(|r| r.first().map(String::as_str) == Some(key))
            .and_then(|r| r.get(1).cloned())
    };
    let (unit_name, period_words) = (field("unit_name"), field("period_words"));
    edit(&mut rows);
    let numbers = |r: &str, c: &str| {
        values
            .get(&(r.to_string(), c.to_string()))
            .and_then(Value::as_number)
    };
    let texts = |r: &str, c: &str| match values.get(&(r.to_string(), c.to_string())) {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(&sheet).expect("name");
    // Drawn as the blank was, so the cell map still fits.
    let opts = SheetOptions {
        unit_name,
        period_words,
        values: Some(&numbers),
        texts: Some(&texts),
        ..SheetOptions::default()
    };
    let layout = write_form_sheet(ws, form, &opts).expect("draw");
    tweak(ws, &layout);
    let id = book.add_worksheet();
    id.set_name(IDENTITY_SHEET).expect("name");
    for (r, row) in rows.iter().enumerate() {
        for (c, t) in row.iter().enumerate() {
            if !t.is_empty() {
                id.write_string(r as u32, c as u16, t).expect("write");
            }
        }
    }
    id.set_hidden(true);
    book.save(out).expect("save");
}

/// No change.
pub fn as_is(_: &mut Worksheet, _: &SheetLayout) {}
/// No change.
pub fn keep(_: &mut Vec<Vec<String>>) {}
