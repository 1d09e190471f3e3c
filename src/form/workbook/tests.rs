use std::path::Path;
use std::str::FromStr;

use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;

use super::*;
use crate::form::fixtures;
use crate::form::import::{import_template, ImportOptions};
use crate::form::model::{Column, Row};

/// Real-layout provincial templates with their expected imports (copied from the
/// project's shared fixtures so the tests never depend on a folder outside it).
const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/templates");

fn import(path: &Path) -> FormDef {
    let opts = ImportOptions {
        code: "RT".into(),
        ..ImportOptions::default()
    };
    match import_template(path, &opts) {
        Ok(i) => i.form,
        Err(e) => panic!("{}: {}", path.display(), e.message_en()),
    }
}

/// What must survive export and re-import: everything but presentation details.
fn structure(
    form: &FormDef,
) -> (
    Vec<Column>,
    Vec<Row>,
    Vec<crate::form::model::CellRef>,
    String,
    Option<String>,
) {
    let mut rows = form.rows.clone();
    for r in &mut rows {
        r.label = r.label.clone().filter(|l| *l != r.name);
    }
    (
        form.columns.clone(),
        rows,
        form.not_applicable.clone(),
        form.title.clone(),
        form.form_no.clone(),
    )
}

fn round_trip(path: &Path) {
    let first = import(path);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("blank.xlsx");
    export_blank_template(&first, &out).expect("export");
    let second = import(&out);
    assert_eq!(structure(&first), structure(&second), "{}", path.display());
    assert_eq!(first.layout.label_rows, second.layout.label_rows);
    assert_eq!(first.layout.header_rows, second.layout.header_rows);
    assert_eq!(first.layout.number_row, second.layout.number_row);
    assert_eq!(first.layout.table_columns, second.layout.table_columns);
    assert_eq!(
        first.layout.header_merges.len(),
        second.layout.header_merges.len()
    );
    assert_eq!(
        first
            .diff(&second)
            .iter()
            .filter(|c| c.target != crate::form::ChangeTarget::Layout)
            .count(),
        0
    );
}

#[test]
fn fixture_forms_survive_export_and_reimport() {
    let dir = tempfile::tempdir().expect("temp dir");
    round_trip(&fixtures::offset_three_levels(dir.path()));
    round_trip(&fixtures::sum_rows(dir.path()));
    round_trip(&fixtures::split_columns(dir.path()));
    round_trip(&fixtures::indented_names(dir.path()));
    round_trip(&fixtures::many_rows(dir.path(), 45));
}

#[test]
fn shared_templates_survive_export_and_reimport() {
    let entries = std::fs::read_dir(SHARED).expect("the template fixtures");
    let mut count = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "xlsx") {
            round_trip(&path);
            count += 1;
        }
    }
    assert!(count >= 3);
}

fn hand_written() -> FormDef {
    FormDef::from_json(
        r#"{"code":"DS01","form_no":"Biểu số 01/DS","title":"BÁO CÁO DÂN SỐ",
        "columns":[{"key":"kh","header":["Kế hoạch"]},{"key":"th","header":["Thực hiện"]},
                   {"key":"tl","header":["Tỷ lệ (%)"],"type":"percent","formula":"2/1*100"}],
        "rows":[{"key":"tong","name":"Tổng số","unit":"người","role":"computed"},
                {"key":"nam","name":"Nam","unit":"người","parent":"tong","relation":"part_of_total"},
                {"key":"nu","name":"Nữ","unit":"người","parent":"tong","relation":"part_of_total"}],
        "not_applicable":[{"row":"nu","column":"kh"}]}"#,
    )
    .expect("mapping")
}

fn cell_text(range: &calamine::Range<Data>, row: u32, col: u16) -> String {
    range
        .get_value((row, u32::from(col)))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn a_fill_in_sheet_has_live_formulas_with_cached_results() {
    let form = hand_written();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fill.xlsx");
    let values = |r: &str, c: &str| -> Option<Decimal> {
        match (r, c) {
            ("nam", "kh") => Decimal::from_str("100").ok(),
            ("nam", "th") => Decimal::from_str("50.5").ok(),
            ("nu", "th") => Decimal::from_str("60").ok(),
            _ => None,
        }
    };
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let opts = SheetOptions {
        unit_name: Some("UBND xã Tân Phú".into()),
        period_words: Some("Tháng 11 năm 2026".into()),
        values: Some(&values),
        unlock_inputs: true,
        ..SheetOptions::default()
    };
    let layout = write_form_sheet(ws, &form, &opts).expect("draw");
    book.save(&path).expect("save");

    let mut xlsx: Xlsx<_> = calamine::open_workbook(&path).expect("open");
    let range = xlsx.worksheet_range("Sheet1").expect("range");
    let formulas = xlsx.worksheet_formula("Sheet1").expect("formulas");
    let total_th = layout.cell("tong", "th").expect("bound");
    assert_eq!(total_th.role, CellRole::Computed);
    let (nam, nu) = (
        layout.cell("nam", "th").expect("nam"),
        layout.cell("nu", "th").expect("nu"),
    );
    let th_letter = rust_xlsxwriter::utility::column_number_to_name(total_th.col);
    assert_eq!(
        formulas
            .get_value((total_th.row, u32::from(total_th.col)))
            .map(String::as_str),
        Some(format!("SUM({th_letter}{}:{th_letter}{})", nam.row + 1, nu.row + 1).as_str())
    );
    assert_eq!(cell_text(&range, total_th.row, total_th.col), "110.5");
    let ratio = layout.cell("nam", "tl").expect("ratio");
    assert_eq!(cell_text(&range, ratio.row, ratio.col), "50.5");
    let f = formulas
        .get_value((ratio.row, u32::from(ratio.col)))
        .cloned()
        .unwrap_or_default();
    assert!(f.starts_with("IFERROR("), "{f}");
    // The total's percentage is recomputed, and 0-plan cells print blank, not #DIV/0!.
    let total_ratio = layout.cell("tong", "tl").expect("total ratio");
    assert_eq!(cell_text(&range, total_ratio.row, total_ratio.col), "110.5");
    let na = layout.cell("nu", "kh").expect("x");
    assert_eq!(
        (na.role, cell_text(&range, na.row, na.col).as_str()),
        (CellRole::NotApplicable, "x")
    );

    let all: Vec<String> = range.used_cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(
        all.contains(&"Đơn vị báo cáo: UBND xã Tân Phú".to_string()),
        "{all:?}"
    );
    assert!(all.contains(&"Tháng 11 năm 2026".to_string()));
    assert!(all.contains(&"3=2/1*100".to_string()));

    let styles = xlsx.worksheet_style("Sheet1").expect("styles");
    let locked = |row: u32, col: u16| {
        styles
            .get((row, u32::from(col)))
            .and_then(|s| s.protection.as_ref())
            .is_none_or(|p| p.locked)
    };
    assert!(!locked(nam.row, nam.col), "inputs are unlocked");
    let sheet_xml = {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).expect("open")).expect("zip");
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .expect("sheet")
            .read_to_string(&mut xml)
            .expect("read");
        xml
    };
    assert!(
        sheet_xml.contains("<sheetProtection"),
        "the sheet is protected"
    );
    assert_eq!(
        sheet_xml.matches("<dataValidation ").count(),
        2,
        "one validation per input column"
    );
    let page = sheet_xml.split("<pageSetup").nth(1).unwrap_or("");
    assert!(
        page.contains(r#"paperSize="9""#) && page.contains(r#"orientation="landscape""#),
        "A4 landscape"
    );
    assert!(sheet_xml.contains(r#"state="frozen""#), "frozen panes");
    assert!(
        locked(total_th.row, total_th.col),
        "computed cells stay locked"
    );
    assert!(locked(na.row, na.col));
}

#[test]
fn the_layout_binds_every_data_cell_once() {
    let form = hand_written();
    let mut book = Workbook::new();
    let layout =
        write_form_sheet(book.add_worksheet(), &form, &SheetOptions::default()).expect("draw");
    assert_eq!(layout.cells.len(), form.rows.len() * form.columns.len());
    let index = cell_index(&layout);
    assert_eq!(index.len(), layout.cells.len());
    let nam = layout.cell("nam", "th").expect("cell");
    assert_eq!(
        layout.at(nam.row, nam.col).map(|c| c.row_key.as_str()),
        Some("nam")
    );
    assert_eq!(layout.rows[0], ("tong".to_string(), layout.first_data_row));
}

#[test]
fn a_hand_written_mapping_draws_a_form_that_imports_back() {
    let form = hand_written();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mapping.xlsx");
    export_blank_template(&form, &path).expect("export");
    let back = import(&path);
    assert_eq!(back.title, "BÁO CÁO DÂN SỐ");
    assert_eq!(back.form_no.as_deref(), Some("Biểu số 01/DS"));
    let names: Vec<(&str, u8, Option<&str>)> = back
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.level, r.parent.as_deref()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("Tổng số", 1, None),
            ("Nam", 2, Some("r1")),
            ("Nữ", 2, Some("r1"))
        ]
    );
    assert_eq!(back.rows[0].formula.as_deref(), Some("r2+r3"));
    assert_eq!(back.columns[2].formula.as_deref(), Some("2/1*100"));
    assert_eq!(back.not_applicable.len(), 1);
}

#[test]
fn hostile_layout_positions_do_not_overflow() {
    let mut form = hand_written();
    form.layout.origin = Some(crate::form::model::CellPos {
        row: u32::MAX,
        col: u16::MAX,
    });
    form.layout.title_lines.push(crate::form::model::TextLine {
        role: crate::form::model::LineRole::Title,
        text: "T".into(),
        row: i32::MIN,
        col: i32::MIN,
        width: u16::MAX,
    });
    let mut book = Workbook::new();
    let layout =
        write_form_sheet(book.add_worksheet(), &form, &SheetOptions::default()).expect("drawn");
    assert!(layout.header_top <= 1_000 && layout.left <= 1_000);
}

#[test]
fn sheet_names_are_made_acceptable_to_excel() {
    let mut form = hand_written();
    form.layout.sheet_name = Some("Biểu [01]/2026: tổng hợp dân số toàn tỉnh năm".into());
    let name = sheet_name(&form);
    assert!(
        name.chars().count() <= 31 && !name.contains(['[', ']', '/', ':']),
        "{name}"
    );
}
