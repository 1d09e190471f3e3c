//! Behaviour of data entry end to end: workbooks written, filled, read back and
//! validated; the original template; the long format; the soft checks.

use std::path::{Path, PathBuf};

use calamine::Xlsx;
use rust_xlsxwriter::{Format, Formula, Workbook};

use super::testing::*;
use super::*;
use crate::error::{Kind, Lang};
use crate::form::import::{import_template, ImportOptions};

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn blank_workbook(dir: &Path, assigned: Option<&Assigned>) -> PathBuf {
    let path = dir.join("blank.xlsx");
    write_fill_in(&form(), &identity(), assigned, None, &path).expect("write");
    path
}

fn expected_with_totals(inputs: &Values) -> Values {
    let mut v = inputs.clone();
    recompute(&form(), &mut v);
    v
}

fn cell_of(filled: &Filled, row: &str, column: &str) -> String {
    filled
        .cells
        .iter()
        .find(|c| c.row == row && c.column == column)
        .map(|c| c.cell.clone())
        .expect("cell in map")
}

fn errors_at(outcome: &Outcome) -> Vec<(Option<String>, String)> {
    outcome
        .errors
        .iter()
        .map(|p| (p.cell.clone(), p.message_en.clone()))
        .collect()
}

#[test]
fn a_filled_copy_reads_back_with_its_identity_and_exact_values() {
    let dir = dir();
    let blank = blank_workbook(dir.path(), None);
    let filled = dir.path().join("filled.xlsx");
    let inputs = good_inputs();
    filled_copy(&blank, &form(), &inputs, &filled, &as_is, &keep);

    let read = read_workbook(&filled).expect("read");
    assert_eq!(read.identity, identity());
    assert_eq!(read.cells.len(), form().rows.len() * form().columns.len());
    let nam = read
        .cells
        .iter()
        .find(|c| c.row == "nam" && c.column == "th")
        .expect("nam/th");
    assert!(nam.cell.starts_with("DS01!"), "{}", nam.cell);
    let outcome = validate(&form(), &read.cells, None);
    assert!(outcome.is_ok(), "{:?}", outcome.errors);
    assert_eq!(outcome.values, expected_with_totals(&inputs));
    assert_eq!(
        outcome.values.get(&("tong".into(), "th".into())),
        Some(&Value::Number(d("1040.75")))
    );
    // The ratio of the total is recomputed from the totals, exactly.
    assert_eq!(
        outcome.values.get(&("tong".into(), "tl".into())),
        Some(&Value::Number(d("1040.75") / d("1020") * d("100")))
    );
}

#[test]
fn current_values_prefill_the_workbook_and_import_unchanged() {
    let dir = dir();
    let path = dir.path().join("draft.xlsx");
    let inputs = good_inputs();
    write_fill_in(&form(), &identity(), None, Some(&inputs), &path).expect("write");
    let read = read_workbook(&path).expect("read");
    let outcome = validate(&form(), &read.cells, None);
    assert!(outcome.is_ok(), "{:?}", outcome.errors);
    assert_eq!(outcome.values, expected_with_totals(&inputs));
    // Reading the same file twice gives the same thing (re-import is a no-op).
    assert_eq!(read_workbook(&path).expect("again"), read);
}

#[test]
fn the_fill_in_workbook_is_protected_with_the_identity_very_hidden() {
    let dir = dir();
    let path = blank_workbook(dir.path(), None);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).expect("open")).expect("zip");
    let mut read = |name: &str| {
        use std::io::Read;
        let mut s = String::new();
        zip.by_name(name)
            .expect("part")
            .read_to_string(&mut s)
            .expect("read");
        s
    };
    let workbook = read("xl/workbook.xml");
    assert!(
        workbook.contains(r#"name="_baocao""#) && workbook.contains(r#"state="veryHidden""#),
        "{workbook}"
    );
    let data = read("xl/worksheets/sheet1.xml");
    assert!(data.contains("<sheetProtection"));
    assert!(
        data.contains("Tháng 11 năm 2026")
            || read("xl/sharedStrings.xml").contains("Tháng 11 năm 2026")
    );
    // Integer and percent columns refuse negatives; the drawer's rule was replaced,
    // not doubled.
    assert!(
        data.contains(r#"<formula1>0</formula1>"#),
        "non-negative rule"
    );
    assert_eq!(data.matches("<dataValidation ").count(), 4);
    let identity_sheet = read("xl/worksheets/sheet2.xml");
    assert!(identity_sheet.contains("<sheetProtection"));
}

#[test]
fn an_edited_identity_is_refused() {
    let dir = dir();
    let blank = blank_workbook(dir.path(), None);
    let filled = dir.path().join("other-unit.xlsx");
    let to_other_unit = |rows: &mut Vec<Vec<String>>| {
        for r in rows.iter_mut() {
            if r[0] == "unit" {
                r[1] = "000.00.00.H99".into();
            }
        }
    };
    filled_copy(
        &blank,
        &form(),
        &good_inputs(),
        &filled,
        &as_is,
        &to_other_unit,
    );
    let e = read_workbook(&filled).expect_err("tampered");
    assert_eq!(e.kind, Kind::Invalid);
    assert!(e.msg.en.contains("checksum"), "{}", e.msg.en);
    assert!(e.hint.is_some());
    // Callers tell "no identity sheet" from "a broken one" by the sheet's name.
    assert!(!e.msg.en.contains(IDENTITY_SHEET) && !e.msg.vi.contains(IDENTITY_SHEET));
    assert!(has_identity_sheet(&filled).expect("sheets"));
}

#[test]
fn a_cell_map_pointing_elsewhere_is_refused() {
    let dir = dir();
    let blank = blank_workbook(dir.path(), None);
    let filled = dir.path().join("moved.xlsx");
    let swap = |rows: &mut Vec<Vec<String>>| {
        if let Some(r) = rows.iter_mut().find(|r| r[0] == "cell") {
            r[3] = "A1".into();
        }
    };
    filled_copy(&blank, &form(), &good_inputs(), &filled, &as_is, &swap);
    assert!(read_workbook(&filled)
        .expect_err("moved")
        .msg
        .en
        .contains("checksum"));
    // Without the checksum row at all.
    let cut = dir.path().join("cut.xlsx");
    let drop_sum = |rows: &mut Vec<Vec<String>>| {
        rows.pop();
    };
    filled_copy(&blank, &form(), &good_inputs(), &cut, &as_is, &drop_sum);
    assert_eq!(read_workbook(&cut).expect_err("cut").kind, Kind::Invalid);
}

#[test]
fn text_in_a_number_cell_is_reported_with_its_cell_reference() {
    let dir = dir();
    let blank = blank_workbook(dir.path(), None);
    let filled = dir.path().join("text.xlsx");
    let type_text = |ws: &mut rust_xlsxwriter::Worksheet, layout: &crate::form::SheetLayout| {
        let c = layout.cell("nu", "th").expect("cell");
        ws.write_string(c.row, c.col, "khoảng 500").expect("write");
    };
    filled_copy(&blank, &form(), &good_inputs(), &filled, &type_text, &keep);
    let read = read_workbook(&filled).expect("read");
    let outcome = validate(&form(), &read.cells, None);
    let errors = errors_at(&outcome);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, Some(cell_of(&read, "nu", "th")));
    assert!(cell_of(&read, "nu", "th").starts_with("DS01!F"));
    assert!(errors[0].1.contains("khoảng 500"), "{}", errors[0].1);
    assert!(outcome.errors[0].message_vi.contains("nhập số như 1.234,5"));
}

#[test]
fn vietnamese_formatted_text_reads_as_the_number() {
    let dir = dir();
    let blank = blank_workbook(dir.path(), None);
    let filled = dir.path().join("vn.xlsx");
    let mut inputs = good_inputs();
    inputs.remove(&("nu".to_string(), "th".to_string()));
    let type_vn = |ws: &mut rust_xlsxwriter::Worksheet, layout: &crate::form::SheetLayout| {
        let c = layout.cell("nu", "th").expect("cell");
        ws.write_string(c.row, c.col, "1.234,5").expect("write");
        let n = layout.cell("ldt", "gc").expect("cell");
        ws.write_string(n.row, n.col, "  ").expect("write");
    };
    filled_copy(&blank, &form(), &inputs, &filled, &type_vn, &keep);
    let read = read_workbook(&filled).expect("read");
    let nu = read
        .cells
        .iter()
        .find(|c| c.row == "nu" && c.column == "th")
        .expect("nu");
    assert_eq!(nu.raw, RawValue::Text("1.234,5".into()));
    let outcome = validate(&form(), &read.cells, None);
    assert!(outcome.is_ok(), "{:?}", outcome.errors);
    assert_eq!(
        outcome.values.get(&("nu".into(), "th".into())),
        Some(&Value::Number(d("1234.5")))
    );
}

#[test]
fn cached_float_sums_are_read_as_the_exact_decimal() {
    let dir = dir();
    let blank = blank_workbook(dir.path(), None);
    let filled = dir.path().join("float.xlsx");
    let mut inputs = good_inputs();
    inputs.insert(("nam".into(), "th".into()), Value::Number(d("0.1")));
    inputs.insert(("nu".into(), "th".into()), Value::Number(d("0.2")));
    inputs.insert(("dt".into(), "th".into()), Value::Number(d("0.1")));
    let stale_float = |ws: &mut rust_xlsxwriter::Worksheet, layout: &crate::form::SheetLayout| {
        let (t, a, b) = (
            layout.cell("tong", "th").expect("t"),
            layout.cell("nam", "th").expect("a"),
            layout.cell("nu", "th").expect("b"),
        );
        let f = format!(
            "=SUM({},{})",
            rust_xlsxwriter::utility::row_col_to_cell(a.row, a.col),
            rust_xlsxwriter::utility::row_col_to_cell(b.row, b.col)
        );
        // What Excel caches for 0.1 + 0.2.
        ws.write_formula(
            t.row,
            t.col,
            Formula::new(f).set_result("0.30000000000000004"),
        )
        .expect("formula");
    };
    filled_copy(&blank, &form(), &inputs, &filled, &stale_float, &keep);
    let read = read_workbook(&filled).expect("read");
    let total = read
        .cells
        .iter()
        .find(|c| c.row == "tong" && c.column == "th")
        .expect("total");
    assert_eq!(total.raw, RawValue::Number(d("0.3")));
    let outcome = validate(&form(), &read.cells, None);
    assert!(outcome.is_ok(), "{:?}", outcome.errors);
    assert_eq!(
        outcome.values.get(&("tong".into(), "th".into())),
        Some(&Value::Number(d("0.3")))
    );
}

#[test]
fn a_computed_cell_that_disagrees_with_its_formula_is_an_error() {
    let dir = dir();
    let blank = blank_workbook(dir.path(), None);
    let filled = dir.path().join("typed-over.xlsx");
    let overwrite = |ws: &mut rust_xlsxwriter::Worksheet, layout: &crate::form::SheetLayout| {
        let t = layout.cell("tong", "kh").expect("t");
        ws.write_number(t.row, t.col, 999.0).expect("number");
    };
    filled_copy(&blank, &form(), &good_inputs(), &filled, &overwrite, &keep);
    let read = read_workbook(&filled).expect("read");
    let outcome = validate(&form(), &read.cells, None);
    let errors = errors_at(&outcome);
    // The workbook asks for a recalculation on opening (rust_xlsxwriter writes
    // `fullCalcOnLoad`), so its formulas are computed as a spreadsheet would: the
    // rate computed from the typed-over total disagrees too, as Excel would show it.
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, Some(cell_of(&read, "tong", "kh")));
    assert!(errors[0].1.contains("999") && errors[0].1.contains("1020"));
    assert_eq!(errors[1].0, Some(cell_of(&read, "tong", "tl")));
    // The stored value is the recomputed one, whatever the file said.
    assert_eq!(
        outcome.values.get(&("tong".into(), "kh".into())),
        Some(&Value::Number(d("1020")))
    );
}

#[test]
fn cells_not_assigned_are_greyed_locked_and_refused_on_import() {
    let dir = dir();
    let assigned = Assigned {
        rows: Some(vec!["nam".into(), "nu".into(), "dt".into()]),
        columns: None,
    };
    let blank = blank_workbook(dir.path(), Some(&assigned));
    let mut book: Xlsx<_> = calamine::open_workbook(&blank).expect("open");
    let styles = book.worksheet_style("DS01").expect("styles");
    let filled = read_workbook(&blank).expect("read");
    let at = |row: &str, col: &str| {
        let c = filled
            .cells
            .iter()
            .find(|c| c.row == row && c.column == col)
            .expect("cell");
        let addr = c.cell.split('!').nth(1).expect("address").to_string();
        let digits = addr.find(|ch: char| ch.is_ascii_digit()).expect("digits");
        let r: u32 = addr[digits..].parse::<u32>().expect("row") - 1;
        let col = addr[..digits]
            .bytes()
            .fold(0u32, |a, b| a * 26 + u32::from(b - b'A' + 1))
            - 1;
        (r, col)
    };
    let style = |pos: (u32, u32)| styles.get(pos).cloned();
    let locked = |pos: (u32, u32)| {
        style(pos)
            .and_then(|s| s.protection)
            .is_none_or(|p| p.locked)
    };
    let filled_bg = |pos: (u32, u32)| {
        style(pos)
            .and_then(|s| s.fill)
            .is_some_and(|f| f.get_color().is_some())
    };
    assert!(!locked(at("nam", "th")), "assigned input unlocked");
    assert!(!filled_bg(at("nam", "th")));
    assert!(locked(at("nn", "th")), "unassigned input locked");
    assert!(filled_bg(at("nn", "th")), "unassigned input greyed");
    assert!(filled_bg(at("dt", "ho")), "x greyed");

    let mut cells = vec![num("nam", "th", "5"), num("nn", "th", "7")];
    cells.push(num("nu", "th", "6"));
    let outcome = validate(&form(), &cells, Some(&assigned));
    let errors = errors_at(&outcome);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].1.contains("not assigned"));
    assert_eq!(errors[0].0.as_deref(), Some("T!nn.th"));
    // Blanks are only warned about where the unit is assigned.
    assert!(outcome
        .warnings
        .iter()
        .all(|w| !w.text(Lang::En).contains("Nông nghiệp")));
}

#[test]
fn a_workbook_without_identity_or_garbage_is_invalid_input() {
    let dir = dir();
    let plain = dir.path().join("plain.xlsx");
    crate::form::export_blank_template(&form(), &plain).expect("export");
    let e = read_workbook(&plain).expect_err("no identity");
    assert_eq!(e.kind, Kind::Invalid);
    assert!(!has_identity_sheet(&plain).expect("sheets"));
    assert!(e.msg.en.contains("_baocao") && e.hint.is_some());

    let junk = dir.path().join("junk.xlsx");
    std::fs::write(&junk, b"PK\x03\x04 not really a zip").expect("write");
    assert_eq!(read_workbook(&junk).expect_err("junk").kind, Kind::Invalid);
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, b"").expect("write");
    assert_eq!(read_long(&empty, &form()).expect("empty"), Vec::new());
    let json = dir.path().join("bad.json");
    std::fs::write(&json, b"[{\"row_code\": 1, \"colum\": 2}]").expect("write");
    assert_eq!(
        read_long(&json, &form()).expect_err("bad").kind,
        Kind::Invalid
    );
    let missing = dir.path().join("missing.xlsx");
    assert_eq!(
        read_workbook(&missing).expect_err("missing").kind,
        Kind::NotFound
    );
}

/// A provincial template drawn by hand: title block, header, column-number row,
/// a `TỔNG SỐ` row of SUM formulas over two parts, a `Trong đó` row; with
/// `filled`, values typed in (one as Vietnamese text), a spacer row, and the
/// sheet renamed.
fn hand_template(dir: &Path, name: &str, filled: bool) -> PathBuf {
    hand_template_with(dir, name, filled, false)
}

fn hand_template_with(dir: &Path, name: &str, filled: bool, extra_row: bool) -> PathBuf {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(if filled { "Sheet1" } else { "Dân số" })
        .expect("name");
    let f = Format::new();
    ws.write_string(0, 1, "Biểu số 02/DS-X").expect("w");
    ws.merge_range(2, 1, 2, 6, "BÁO CÁO DÂN SỐ", &f).expect("m");
    let head = [
        "STT",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Kế hoạch",
        "Thực hiện",
        "Tỷ lệ (%)",
    ];
    let numbers = ["A", "B", "C", "1", "2", "3=2/1*100"];
    for (i, (h, n)) in head.iter().zip(numbers).enumerate() {
        ws.write_string(4, 1 + i as u16, *h).expect("w");
        ws.write_string(5, 1 + i as u16, n).expect("w");
    }
    let gap = u32::from(filled);
    let rows: [(&str, &str, u32); 4] = [
        ("", "TỔNG SỐ", 6),
        ("1", "Thành thị", 7),
        ("2", "Nông thôn", 8 + gap),
        ("", "Trong đó: Hộ nghèo", 9 + gap),
    ];
    for (stt, name, r) in rows {
        if !stt.is_empty() {
            ws.write_string(r, 1, stt).expect("w");
        }
        ws.write_string(r, 2, name).expect("w");
        ws.write_string(r, 3, "người").expect("w");
    }
    let sum = |col: &str, result: &str| {
        Formula::new(format!("=SUM({col}8:{col}{})", 9 + gap)).set_result(result)
    };
    if filled {
        ws.write_formula(6, 4, sum("E", "300")).expect("f");
        ws.write_formula(6, 5, sum("F", "311.5")).expect("f");
        ws.write_number(7, 4, 100.0).expect("n");
        ws.write_number(7, 5, 101.5).expect("n");
        ws.write_number(9, 4, 200.0).expect("n");
        ws.write_string(9, 5, "210").expect("s");
        ws.write_string(10, 5, "1.234,5").expect("s");
    } else {
        ws.write_formula(6, 4, sum("E", "")).expect("f");
        ws.write_formula(6, 5, sum("F", "")).expect("f");
    }
    if extra_row {
        ws.write_string(10 + gap, 1, "II").expect("w");
        ws.write_string(10 + gap, 2, "Dân số tạm trú").expect("w");
        ws.write_string(10 + gap, 3, "người").expect("w");
        ws.write_number(10 + gap, 4, 7.0).expect("n");
    }
    ws.write_string(13 + gap, 5, "THỦ TRƯỞNG ĐƠN VỊ")
        .expect("w");
    let path = dir.join(name);
    book.save(&path).expect("save");
    path
}

#[test]
fn the_original_template_filled_by_hand_is_read_by_row_names_and_column_numbers() {
    let dir = dir();
    let blank = hand_template(dir.path(), "blank.xlsx", false);
    let opts = ImportOptions {
        code: "DS02".into(),
        ..ImportOptions::default()
    };
    let form = import_template(&blank, &opts).expect("import").form;
    let filled = hand_template(dir.path(), "filled.xlsx", true);
    let cells = read_original_template(&filled, &form).expect("read");
    let key_of = |name: &str| {
        form.rows
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.key.clone())
            .expect("row")
    };
    let find = |row: &str, col: &str| {
        cells
            .iter()
            .find(|c| {
                c.row == key_of(row) && form.column(&c.column).is_some_and(|x| x.number == col)
            })
            .unwrap_or_else(|| panic!("{row}/{col} in {cells:?}"))
    };
    assert_eq!(find("Nông thôn", "2").cell, "Sheet1!F10");
    assert_eq!(find("Hộ nghèo", "2").raw.number(), Some(d("1234.5")));
    assert_eq!(find("Nông thôn", "2").raw, RawValue::Text("210".into()));
    let outcome = validate(&form, &cells, None);
    // The Trong đó row (1234.5) exceeds its total (311.5): caught, at its cell.
    let errors = errors_at(&outcome);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0.as_deref(), Some("Sheet1!F11"));
    let total = outcome
        .values
        .get(&(key_of("TỔNG SỐ"), find("TỔNG SỐ", "2").column.clone()))
        .cloned();
    assert_eq!(total, Some(Value::Number(d("311.5"))));
}

#[test]
fn the_long_csv_format_reads_codes_column_numbers_and_vietnamese_numbers() {
    let dir = dir();
    let path = dir.path().join("data.csv");
    std::fs::write(
        &path,
        "\u{feff}row_code,column_number,value\n\
         02,1,500\n02,2,\"510,5\"\nnu,1,520\nnu,2,530.25\n03,5,Ghi chú\n\n\
         04,4,x\n99,1,5\n02,9,1\n",
    )
    .expect("write");
    let cells = read_long(&path, &form()).expect("read");
    assert_eq!(cells[0], text("nam", "kh", "500").with_cell("data.csv:2"));
    assert_eq!(cells[1].raw.number(), Some(d("510.5")));
    assert_eq!(
        (cells[2].row.as_str(), cells[2].column.as_str()),
        ("nu", "kh")
    );
    assert_eq!(cells[4].raw, RawValue::Text("Ghi chú".into()));
    assert_eq!(cells[5].raw, RawValue::NotApplicable);
    let outcome = validate(&form(), &cells, None);
    let errors = errors_at(&outcome);
    assert_eq!(
        errors,
        vec![
            (
                Some("data.csv:9".to_string()),
                "the form has no row «99»".to_string()
            ),
            (
                Some("data.csv:10".to_string()),
                "the form has no column «9»".to_string()
            ),
        ]
    );

    // A total typed in the file must agree with its parts, even beside numbers
    // typed as text.
    let totals = dir.path().join("totals.csv");
    std::fs::write(&totals, "02,1,500\n03,1,\"520,5\"\n01,1,1020\n").expect("write");
    let outcome = validate(&form(), &read_long(&totals, &form()).expect("read"), None);
    let errors = errors_at(&outcome);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0.as_deref(), Some("totals.csv:3"));
    assert!(errors[0].1.contains("1020.5"), "{}", errors[0].1);

    let semi = dir.path().join("semi.csv");
    std::fs::write(&semi, "02;2;1.234,5\n02;1\n02;1;2;3\n").expect("write");
    let e = read_long(&semi, &form()).expect_err("bad line");
    assert_eq!(e.kind, Kind::Invalid);
    assert!(
        e.details.iter().any(|m| m.en.contains("semi.csv:3")),
        "{:?}",
        e.details
    );
}

#[test]
fn the_long_json_format_takes_strings_numbers_and_nulls() {
    let dir = dir();
    let path = dir.path().join("data.json");
    std::fs::write(
        &path,
        r#"{"values": [
            {"row_code": "02", "column_number": 1, "value": 1.234},
            {"row_code": "03", "column_number": "2", "value": "1.234"},
            {"row_code": "nu", "column_number": "1", "value": null}
        ]}"#,
    )
    .expect("write");
    let cells = read_long(&path, &form()).expect("read");
    // A JSON number is JSON's 1.234; typed text is read the Vietnamese way.
    assert_eq!(cells[0].raw, RawValue::Number(d("1.234")));
    assert_eq!(cells[1].row, "nu");
    assert_eq!(cells[1].raw.number(), Some(d("1234")));
    assert_eq!(cells[1].cell, "data.json#2");
    assert_eq!(cells[2].raw, RawValue::Empty);
}

#[test]
fn of_which_rows_above_their_total_are_errors() {
    let mut cells: Vec<CellInput> = Vec::new();
    for ((r, c), v) in good_inputs() {
        if let Value::Number(n) = v {
            cells.push(num(&r, &c, &n.to_string()));
        }
    }
    cells.retain(|c| !(c.row == "dt" && c.column == "th"));
    cells.push(num("dt", "th", "1040.76"));
    let outcome = validate(&form(), &cells, None);
    let errors = errors_at(&outcome);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0.as_deref(), Some("T!dt.th"));
    assert!(errors[0].1.contains("exceeds"), "{}", errors[0].1);
    // Equal is fine.
    cells.pop();
    cells.push(num("dt", "th", "1040.75"));
    assert!(validate(&form(), &cells, None).is_ok());
}

#[test]
fn parts_that_do_not_add_up_to_an_input_total_are_errors() {
    let mut cells = vec![
        num("ldt", "th", "610"),
        num("nn", "th", "405"),
        num("cn", "th", "205.01"),
    ];
    let outcome = validate(&form(), &cells, None);
    let errors = errors_at(&outcome);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0.as_deref(), Some("T!ldt.th"));
    assert!(errors[0].1.contains("610.01"), "{}", errors[0].1);
    cells[2] = num("cn", "th", "205");
    assert!(validate(&form(), &cells, None).is_ok());
    // 0.1 + 0.2 parts of 0.3: exact.
    let exact = vec![
        num("ldt", "kh", "0.3"),
        num("nn", "kh", "0.1"),
        num("cn", "kh", "0.2"),
    ];
    assert!(validate(&form(), &exact, None).is_ok());
}

#[test]
fn values_in_x_heading_and_computed_cells_and_bad_numbers_are_errors() {
    let cells = vec![
        num("dt", "ho", "3"),
        num("ld", "kh", "1"),
        num("nam", "ho", "-2"),
        num("nu", "ho", "2.5"),
        num("nam", "kh", "-7.5"),
        text("nam", "tl", "nhiều"),
        cell("dt", "ho", RawValue::Empty),
    ];
    let outcome = validate(&form(), &cells, None);
    let errors = errors_at(&outcome);
    let at: Vec<&str> = errors.iter().filter_map(|e| e.0.as_deref()).collect();
    assert_eq!(
        at,
        vec!["T!dt.ho", "T!ld.kh", "T!nam.ho", "T!nu.ho", "T!nam.tl"],
        "{errors:?}"
    );
    // A negative decimal is allowed.
    assert_eq!(
        outcome.values.get(&("nam".into(), "kh".into())),
        Some(&Value::Number(d("-7.5")))
    );
    let dup = vec![num("nam", "kh", "1"), num("nam", "kh", "2")];
    assert!(errors_at(&validate(&form(), &dup, None))[0]
        .1
        .contains("given twice"));
}

#[test]
fn blank_required_cells_are_warned_about_and_x_counts_as_an_answer() {
    let mut cells: Vec<CellInput> = Vec::new();
    for ((r, c), v) in good_inputs() {
        if let Value::Number(n) = v {
            cells.push(num(&r, &c, &n.to_string()));
        }
    }
    let outcome = validate(&form(), &cells, None);
    assert!(outcome.is_ok());
    // dt/ho is `x` in the form; the text column is not required.
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    cells.retain(|c| !(c.row == "nn" && c.column == "ho"));
    cells.retain(|c| !(c.row == "cn" && c.column == "ho"));
    cells.push(cell("cn", "ho", RawValue::NotApplicable));
    let outcome = validate(&form(), &cells, None);
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    assert!(outcome.warnings[0].text(Lang::En).contains("Nông nghiệp"));
}

#[test]
fn legacy_text_is_converted_with_a_warning() {
    let legacy = crate::text::from_unicode("Số liệu ước tính của xã", crate::text::Encoding::Tcvn3);
    let outcome = validate(&form(), &[text("nam", "gc", &legacy)], None);
    assert!(outcome.is_ok());
    assert_eq!(
        outcome.values.get(&("nam".into(), "gc".into())),
        Some(&Value::Text("Số liệu ước tính của xã".into()))
    );
    let w: Vec<&Warning> = outcome
        .warnings
        .iter()
        .filter(|w| w.text(Lang::En).contains("TCVN3"))
        .collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].cell.as_deref(), Some("T!nam.gc"));
}

#[test]
fn recompute_fills_computed_rows_and_columns_exactly() {
    let mut v = values(&[
        ("nam", "kh", "0.1"),
        ("nu", "kh", "0.2"),
        ("nam", "th", "0.2"),
        ("tong", "kh", "99"),
        ("dt", "ho", "4"),
    ]);
    recompute(&form(), &mut v);
    let get = |r: &str, c: &str| v.get(&(r.to_string(), c.to_string())).cloned();
    assert_eq!(get("tong", "kh"), Some(Value::Number(d("0.3"))));
    assert_eq!(get("tong", "th"), Some(Value::Number(d("0.2"))));
    assert_eq!(get("nam", "tl"), Some(Value::Number(d("200"))));
    // A ratio with a blank input has no value; x cells hold nothing.
    assert_eq!(get("nu", "tl"), None);
    assert_eq!(get("dt", "ho"), None);
    assert_eq!(
        get("tong", "tl"),
        Some(Value::Number(d("0.2") / d("0.3") * d("100")))
    );
}

#[test]
fn a_planted_tenfold_jump_is_flagged_and_a_steady_history_is_not() {
    let period = |n: &str| values(&[("nam", "th", n), ("nu", "th", "100")]);
    let history: Vec<Values> = ["500", "505", "498", "510", "502"]
        .iter()
        .map(|n| period(n))
        .collect();
    assert!(outliers(&history, &period("507")).is_empty());
    let jumped = outliers(&history, &period("5020"));
    assert_eq!(jumped.len(), 1, "{jumped:?}");
    assert!(jumped[0].text(Lang::En).contains("row nam, column th"));
    assert!(jumped[0].text(Lang::En).contains("tenfold"));
    assert!(jumped[0].text(Lang::En).contains("modified z-score"));
    // A digit dropped is a jump too, even with a short history.
    let short = outliers(&history[..1], &period("50"));
    assert_eq!(short.len(), 1);
    assert!(!short[0].text(Lang::En).contains("z-score"));
    // Moderate drift over a long history: z-score only.
    let drift = outliers(&history, &period("700"));
    assert_eq!(drift.len(), 1);
    assert!(!drift[0].text(Lang::En).contains("tenfold"));
}

trait WithCell {
    fn with_cell(self, cell: &str) -> Self;
}

impl WithCell for CellInput {
    fn with_cell(mut self, cell: &str) -> Self {
        self.cell = cell.to_string();
        self
    }
}

#[test]
fn a_far_away_cell_does_not_blow_up_reading() {
    let dir = dir();
    let blank = blank_workbook(dir.path(), None);
    let filled = dir.path().join("far.xlsx");
    let far = |ws: &mut rust_xlsxwriter::Worksheet, _: &crate::form::SheetLayout| {
        ws.write_string(1_048_575, 16_383, "xa").expect("far cell");
    };
    filled_copy(&blank, &form(), &good_inputs(), &filled, &far, &keep);
    let read = read_workbook(&filled).expect("read");
    assert!(validate(&form(), &read.cells, None).is_ok());
}

#[test]
fn an_identity_with_empty_fields_round_trips() {
    let dir = dir();
    let path = dir.path().join("bare.xlsx");
    let mut id = identity();
    id.unit_name.clear();
    id.period_words.clear();
    write_fill_in(&form(), &id, None, None, &path).expect("write");
    assert_eq!(read_workbook(&path).expect("read").identity, id);
}

#[test]
fn a_workbook_that_is_no_template_is_refused_for_the_original_form() {
    let dir = dir();
    let path = dir.path().join("nothing.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet()
        .write_string(0, 0, "không có bảng nào")
        .expect("write");
    book.save(&path).expect("save");
    let e = read_original_template(&path, &form()).expect_err("no table");
    assert_eq!(e.kind, Kind::Invalid);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn garbage_long_files_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
        let dir = dir();
        for name in ["g.csv", "g.json"] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).expect("write");
            if let Ok(cells) = read_long(&path, &form()) {
                let _ = validate(&form(), &cells, None);
            }
        }
    }

    #[test]
    fn any_typed_text_validates_without_panic(s in "\\PC{0,30}", row in 0usize..8, col in 0usize..5) {
        let f = form();
        let cells = vec![text(&f.rows[row].key, &f.columns[col].key, &s)];
        let outcome = validate(&f, &cells, None);
        proptest::prop_assert!(outcome.errors.len() <= 1);
    }
}

#[test]
fn a_template_row_the_form_lacks_is_reported_where_it_holds_a_value() {
    let dir = dir();
    let blank = hand_template(dir.path(), "blank.xlsx", false);
    let opts = ImportOptions {
        code: "DS02".into(),
        ..ImportOptions::default()
    };
    let form = import_template(&blank, &opts).expect("import").form;
    let filled = hand_template_with(dir.path(), "extra.xlsx", false, true);
    let cells = read_original_template(&filled, &form).expect("read");
    let outcome = validate(&form, &cells, None);
    let errors = errors_at(&outcome);
    assert_eq!(
        errors,
        vec![(
            Some("'Dân số'!E11".to_string()),
            "the form has no row «Dân số tạm trú»".to_string()
        )]
    );
}
