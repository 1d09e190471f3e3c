use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;
use crate::form::fixtures;
use crate::form::model::{ColumnRole, LineRole, Relation, Row, RowRole, ValueType};

/// Real-layout provincial templates with their expected imports (copied from the
/// project's shared fixtures so the tests never depend on a folder outside it).
const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/templates");

fn opts() -> ImportOptions {
    ImportOptions {
        code: "TEST".into(),
        ..ImportOptions::default()
    }
}

fn import(path: &Path) -> Imported {
    match import_template(path, &opts()) {
        Ok(i) => i,
        Err(e) => panic!("{}: {}", path.display(), e.message_en()),
    }
}

fn row<'a>(form: &'a FormDef, name: &str) -> &'a Row {
    form.rows
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no row named {name}"))
}

fn rows_named<'a>(form: &'a FormDef, name: &str) -> Vec<&'a Row> {
    form.rows.iter().filter(|r| r.name == name).collect()
}

fn parent_name<'a>(form: &'a FormDef, r: &Row) -> Option<&'a str> {
    r.parent
        .as_deref()
        .and_then(|p| form.row(p))
        .map(|p| p.name.as_str())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Checks every field of an `*.expect.json`; an unknown field fails the test so
/// a new expectation is never skipped silently.
fn check_expectations(xlsx: &Path, expect: &Value) {
    let form = import(xlsx).form;
    let name = xlsx.display();
    let Some(fields) = expect.as_object() else {
        panic!("{name}: expect file is not an object")
    };
    for (field, want) in fields {
        match field.as_str() {
            "form_no" => assert_eq!(form.form_no.as_deref(), want.as_str(), "{name}: form_no"),
            "title" => assert_eq!(Some(form.title.as_str()), want.as_str(), "{name}: title"),
            "data_columns" => {
                let numbers: Vec<String> = form.columns.iter().map(|c| c.number.clone()).collect();
                assert_eq!(numbers, strings(want), "{name}: data_columns");
            }
            "computed_columns" => {
                let got: BTreeMap<String, String> = form
                    .columns
                    .iter()
                    .filter(|c| c.role == ColumnRole::Computed)
                    .map(|c| (c.number.clone(), c.formula.clone().unwrap_or_default()))
                    .collect();
                let want: BTreeMap<String, String> = want
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(got, want, "{name}: computed_columns");
            }
            "column_labels" => {
                for (number, path) in want.as_object().into_iter().flatten() {
                    let column = form.columns.iter().find(|c| &c.number == number);
                    assert_eq!(
                        column.map(|c| c.header.clone()),
                        Some(strings(path)),
                        "{name}: header of {number}"
                    );
                }
            }
            "rows" => assert_eq!(Some(form.rows.len() as u64), want.as_u64(), "{name}: rows"),
            "rows_any" => {
                let allowed: Vec<u64> = want
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_u64)
                    .collect();
                assert!(
                    allowed.contains(&(form.rows.len() as u64)),
                    "{name}: {} rows, want one of {allowed:?}",
                    form.rows.len()
                );
            }
            "heading_rows" => {
                let got: BTreeSet<String> = form
                    .rows
                    .iter()
                    .filter(|r| r.role == RowRole::Heading)
                    .map(|r| r.name.clone())
                    .collect();
                let want: BTreeSet<String> = strings(want).into_iter().collect();
                assert_eq!(got, want, "{name}: heading_rows");
            }
            "levels" => {
                for (row_name, level) in want.as_object().into_iter().flatten() {
                    assert_eq!(
                        Some(u64::from(row(&form, row_name).level)),
                        level.as_u64(),
                        "{name}: level of {row_name}"
                    );
                }
            }
            "subset_of" => {
                for (child, parent) in want.as_object().into_iter().flatten() {
                    let r = row(&form, child);
                    assert_eq!(
                        parent_name(&form, r),
                        parent.as_str(),
                        "{name}: parent of {child}"
                    );
                    assert_eq!(
                        r.relation,
                        Some(Relation::OfWhich),
                        "{name}: relation of {child}"
                    );
                }
            }
            "units" => {
                for (row_name, unit) in want.as_object().into_iter().flatten() {
                    assert_eq!(
                        row(&form, row_name).unit.as_deref(),
                        unit.as_str(),
                        "{name}: unit of {row_name}"
                    );
                }
            }
            "codes" => {
                for (row_name, code) in want.as_object().into_iter().flatten() {
                    assert_eq!(
                        row(&form, row_name).code.as_deref(),
                        code.as_str(),
                        "{name}: code of {row_name}"
                    );
                }
            }
            "computed_rows" => {
                for (row_name, parts) in want.as_object().into_iter().flatten() {
                    let r = row(&form, row_name);
                    assert_eq!(r.role, RowRole::Computed, "{name}: role of {row_name}");
                    let formula =
                        crate::form::formula::parse_rows(r.formula.as_deref().unwrap_or(""))
                            .expect("formula");
                    let got: BTreeSet<&str> = formula
                        .references()
                        .into_iter()
                        .filter_map(|k| form.row(k).map(|x| x.name.as_str()))
                        .collect();
                    let want: BTreeSet<String> = strings(parts).into_iter().collect();
                    assert_eq!(
                        got,
                        want.iter().map(String::as_str).collect(),
                        "{name}: parts of {row_name}"
                    );
                }
            }
            "first_data_row" => {
                let origin = form.layout.origin.expect("origin");
                let first = origin.row
                    + u32::from(form.layout.header_rows)
                    + u32::from(form.layout.number_row)
                    + 1;
                assert_eq!(
                    Some(u64::from(first)),
                    want.as_u64(),
                    "{name}: first_data_row"
                );
            }
            "note" => {}
            other => panic!("{name}: expectation '{other}' is not checked by this test"),
        }
    }
}

fn check_shared(stem: &str) {
    let dir = Path::new(SHARED);
    let expect_path = dir.join(format!("{stem}.expect.json"));
    let text = std::fs::read_to_string(&expect_path).expect("expect file");
    let expect: Value = serde_json::from_str(&text).expect("expect json");
    check_expectations(&dir.join(format!("{stem}.xlsx")), &expect);
}

#[test]
fn monthly_socio_economic_form_meets_its_expectations() {
    check_shared("bieu-01-ktxh-thang");
}

#[test]
fn population_labour_form_meets_its_expectations() {
    check_shared("bieu-02-dan-so-lao-dong");
}

#[test]
fn budget_revenue_form_meets_its_expectations() {
    check_shared("bieu-03-thu-ngan-sach");
}

#[test]
fn every_shared_template_has_its_test() {
    let entries = std::fs::read_dir(SHARED).expect("the template fixtures");
    let known = [
        "bieu-01-ktxh-thang",
        "bieu-02-dan-so-lao-dong",
        "bieu-03-thu-ngan-sach",
    ];
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".expect.json") {
            assert!(
                known.contains(&stem),
                "new shared template {stem}: add a test for it"
            );
        }
    }
}

#[test]
fn title_block_and_signature_block_are_kept_for_redrawing() {
    let path = Path::new(SHARED).join("bieu-01-ktxh-thang.xlsx");
    let form = import(&path).form;
    let layout = &form.layout;
    assert_eq!(
        layout.line(LineRole::ReportingUnit),
        Some("Đơn vị báo cáo: UBND xã ......................")
    );
    assert_eq!(
        layout.line(LineRole::ReceivingUnit),
        Some("Đơn vị nhận báo cáo: Văn phòng UBND tỉnh")
    );
    assert_eq!(layout.line(LineRole::Period), Some("Tháng ..... năm 2026"));
    let title = layout
        .title_lines
        .iter()
        .find(|l| l.role == LineRole::Title)
        .expect("title");
    assert_eq!((title.row, title.width), (-3, 9));
    assert!(layout
        .footer_lines
        .iter()
        .any(|l| l.role == LineRole::Signatory && l.text == "Người lập biểu"));
    assert!(layout
        .footer_lines
        .iter()
        .any(|l| l.role == LineRole::SignatureDate));
    assert_eq!(layout.sheet_name.as_deref(), Some("Biểu 01"));
    assert!(layout.header_merges.iter().any(|s| (
        s.first_row,
        s.first_col,
        s.last_row,
        s.last_col
    ) == (0, 4, 0, 5)));
    assert_eq!(form.code, "TEST");
    assert_eq!(form.version, 0);
}

#[test]
fn the_bare_of_which_label_is_kept_as_a_label_row() {
    let path = Path::new(SHARED).join("bieu-02-dan-so-lao-dong.xlsx");
    let form = import(&path).form;
    let label = &form.layout.label_rows[0];
    assert_eq!(label.text, "Trong đó:");
    assert_eq!(
        form.row(&label.before).map(|r| r.name.as_str()),
        Some("Lực lượng lao động")
    );
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn a_table_away_from_the_top_left_with_three_header_levels_is_found() {
    let dir = tmp();
    let imported = import(&fixtures::offset_three_levels(dir.path()));
    let form = &imported.form;
    assert_eq!(form.layout.origin.map(|o| (o.row, o.col)), Some((6, 2)));
    assert_eq!(form.layout.header_rows, 3);
    assert_eq!(form.form_no.as_deref(), Some("Biểu số 05/NN-H"));
    assert_eq!(form.title, "BÁO CÁO KẾT QUẢ SẢN XUẤT NÔNG NGHIỆP");
    assert_eq!(
        form.columns[2].header,
        vec!["Thực hiện", "Năm 2026", "Diện tích (ha)"]
    );
    assert_eq!(form.columns[4].header, vec!["Ghi chú"]);
    assert_eq!(form.columns[4].value_type, ValueType::Text);
}

#[test]
fn a_form_without_column_numbers_gets_them_in_order_with_a_warning() {
    let dir = tmp();
    let imported = import(&fixtures::offset_three_levels(dir.path()));
    let numbers: Vec<&str> = imported
        .form
        .columns
        .iter()
        .map(|c| c.number.as_str())
        .collect();
    assert_eq!(numbers, vec!["1", "2", "3", "4", "5"]);
    assert!(!imported.form.layout.number_row);
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.message_en.contains("no column-number row")));
}

#[test]
fn x_cells_are_not_applicable() {
    let dir = tmp();
    let form = import(&fixtures::offset_three_levels(dir.path())).form;
    let key = &row(&form, "Số hộ chăn nuôi").key;
    let cells: Vec<&str> = form
        .not_applicable
        .iter()
        .filter(|c| &c.row == key)
        .map(|c| c.column.as_str())
        .collect();
    assert_eq!(cells, vec!["c2", "c4"]);
    assert_eq!(form.not_applicable.len(), 4);
}

#[test]
fn spacer_rows_are_skipped_and_the_signature_ends_the_table() {
    let dir = tmp();
    let form = import(&fixtures::offset_three_levels(dir.path())).form;
    assert_eq!(form.rows.len(), 10);
    assert!(form.rows.iter().all(|r| !r.name.is_empty()));
    assert!(form
        .layout
        .footer_lines
        .iter()
        .any(|l| l.text == "THỦ TRƯỞNG ĐƠN VỊ"));
}

#[test]
fn same_names_under_different_parents_are_distinct_rows() {
    let dir = tmp();
    let form = import(&fixtures::offset_three_levels(dir.path())).form;
    let parents: Vec<Option<&str>> = rows_named(&form, "Vụ Mùa")
        .iter()
        .map(|r| parent_name(&form, r))
        .collect();
    assert_eq!(parents, vec![Some("Cây lúa"), Some("Cây ngô")]);
    let lua = row(&form, "Cây lúa");
    assert_eq!((lua.level, lua.role), (2, RowRole::Input));
    assert_eq!(row(&form, "TRỒNG TRỌT").role, RowRole::Heading);
    assert_eq!(
        rows_named(&form, "Vụ Mùa")[0].relation,
        Some(Relation::OfWhich)
    );
    assert_eq!(form.validate(), vec![]);
}

#[test]
fn sum_formulas_make_rows_computed_over_row_keys() {
    let dir = tmp();
    let imported = import(&fixtures::sum_rows(dir.path()));
    let form = &imported.form;
    let total = row(form, "TỔNG SỐ");
    assert_eq!(total.role, RowRole::Computed);
    assert_eq!(total.stt, None);
    assert_eq!(total.formula.as_deref(), Some("r2+r5"));
    let urban = row(form, "Khu vực thành thị");
    assert_eq!(urban.formula.as_deref(), Some("r3+r4"));
    assert_eq!(
        (urban.level, urban.parent.as_deref(), urban.relation),
        (2, Some("r1"), Some(Relation::PartOfTotal))
    );
    assert_eq!(
        rows_named(form, "Nữ")[1].relation,
        Some(Relation::PartOfTotal)
    );
    assert_eq!(form.columns[2].formula.as_deref(), Some("2/1*100"));
    assert_eq!(form.columns[2].value_type, ValueType::Percent);
    // The IFERROR cells of the computed column are that column's business.
    assert!(
        imported
            .warnings
            .iter()
            .all(|w| !w.message_en.contains("IFERROR")),
        "{:?}",
        imported.warnings
    );
    assert_eq!(form.layout.origin.map(|o| (o.row, o.col)), Some((4, 1)));
}

#[test]
fn rows_summed_in_one_column_only_get_one_warning_for_all() {
    let dir = tmp();
    let path = dir.path().join("partial.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, text) in ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *text).expect("cell");
    }
    let mut r = 1u32;
    for group in 1..=12 {
        ws.write_string(r, 0, group.to_string()).expect("cell");
        ws.write_string(r, 1, format!("Nhóm {group}"))
            .expect("cell");
        ws.write_formula(r, 3, format!("=SUM(D{}:D{})", r + 2, r + 3).as_str())
            .expect("cell");
        for part in 1..=2u32 {
            ws.write_string(r + part, 0, "-").expect("cell");
            ws.write_string(r + part, 1, format!("Phần {part}"))
                .expect("cell");
        }
        r += 3;
    }
    book.save(&path).expect("save");
    let imported = import(&path);
    assert_eq!(
        imported
            .form
            .rows
            .iter()
            .filter(|r| r.role == RowRole::Computed)
            .count(),
        12
    );
    let partial: Vec<&Diagnostic> = imported
        .warnings
        .iter()
        .filter(|w| w.message_en.contains("hold no formula"))
        .collect();
    assert_eq!(partial.len(), 1, "{partial:?}");
    assert_eq!(
        partial[0].cells.as_deref(),
        Some("2, 5, 8, 11, 14, 17, 20, 23, … (12)")
    );
}

#[test]
fn chia_ra_columns_make_the_total_column_computed() {
    let dir = tmp();
    let imported = import(&fixtures::split_columns(dir.path()));
    let total = &imported.form.columns[0];
    assert_eq!(
        (total.role, total.formula.as_deref()),
        (ColumnRole::Computed, Some("2+3"))
    );
    assert_eq!(
        imported.form.columns[1].header,
        vec!["Chia ra", "Thành thị"]
    );
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.message_en.contains("'Chia ra' parts")));
}

#[test]
fn a_bare_chia_ra_label_makes_the_rows_below_parts_of_the_total() {
    let dir = tmp();
    let form = import(&fixtures::split_columns(dir.path())).form;
    let nam = row(&form, "Nam");
    assert_eq!(
        (parent_name(&form, nam), nam.relation),
        (Some("Dân số trung bình"), Some(Relation::PartOfTotal))
    );
    assert_eq!(row(&form, "Số hộ gia đình").level, 1);
    assert_eq!(form.layout.label_rows[0].text, "Chia ra:");
}

#[test]
fn indentation_gives_levels_when_there_is_no_stt() {
    let dir = tmp();
    let form = import(&fixtures::indented_names(dir.path())).form;
    let levels: Vec<(&str, u8)> = form
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.level))
        .collect();
    assert_eq!(
        levels,
        vec![
            ("Số trường học", 1),
            ("Mầm non", 2),
            ("Tiểu học", 2),
            ("trường chuẩn quốc gia", 3),
            ("Trung học cơ sở", 2),
            ("Số học sinh", 1)
        ]
    );
    assert_eq!(
        row(&form, "trường chuẩn quốc gia").relation,
        Some(Relation::OfWhich)
    );
}

#[test]
fn legacy_text_is_converted_with_a_warning_per_cell() {
    let dir = tmp();
    let path = fixtures::legacy_text(dir.path());
    let options = ImportOptions {
        convert: Some(fixtures::decode_legacy),
        ..opts()
    };
    let imported = import_template(&path, &options).expect("import");
    assert_eq!(imported.form.rows[0].name, "Dân số");
    assert_eq!(imported.form.rows[0].unit.as_deref(), Some("người"));
    let converted = imported
        .warnings
        .iter()
        .filter(|w| w.message_en.starts_with("converted"))
        .count();
    assert_eq!(converted, 5);
    assert_eq!(imported.warnings[0].cells.as_deref(), Some("B3"));
}

fn error_of(bytes: &[u8]) -> TemplateError {
    match import_bytes(bytes, &opts()) {
        Ok(_) => panic!("imported garbage"),
        Err(e) => e,
    }
}

#[test]
fn garbage_bytes_are_not_a_workbook() {
    assert_eq!(
        error_of(b"\x00\x01 not a spreadsheet at all"),
        TemplateError::NotXlsx
    );
    assert_eq!(error_of(b""), TemplateError::EmptyFile);
}

#[test]
fn encrypted_and_old_binary_workbooks_are_told_apart() {
    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.extend(std::iter::repeat_n(0u8, 512));
    assert_eq!(error_of(&cfb), TemplateError::LegacyXls);
    cfb.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    let e = error_of(&cfb);
    assert_eq!(e, TemplateError::Encrypted);
    assert!(e.message_vi().contains("mật khẩu"));
    assert!(e.message_en().contains("password"));
}

#[test]
fn a_truncated_workbook_is_reported_as_damaged() {
    let dir = tmp();
    let bytes = std::fs::read(fixtures::sum_rows(dir.path())).expect("read");
    for cut in [bytes.len() / 2, bytes.len() - 10, 30] {
        let e = error_of(&bytes[..cut]);
        assert!(
            matches!(e, TemplateError::Corrupt { .. }),
            "cut at {cut}: {e:?}"
        );
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = tmp();
    let path = dir.path().join("huge.xlsx");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(50 * 1024 * 1024).expect("sparse file");
    let e = import_template(&path, &opts()).unwrap_err();
    assert!(
        matches!(e, TemplateError::TooLarge { size, .. } if size == 50 * 1024 * 1024),
        "{e:?}"
    );
    assert!(e.message_en().contains("50.0 MB"));
}

fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            zip.start_file(*name, options).expect("entry");
            zip.write_all(data).expect("write");
        }
        zip.finish().expect("finish");
    }
    out.into_inner()
}

fn rewrite_zip_entry(bytes: &[u8], name: &str, edit: &dyn Fn(&str) -> String) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read entry");
        let entry_name = entry.name().expect("entry name").to_string();
        if entry_name == name {
            let edited = edit(&String::from_utf8(data).expect("utf-8"));
            assert!(edited.contains("GS1048000"), "merge not found in {name}");
            data = edited.into_bytes();
        }
        entries.push((entry_name, data));
    }
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip_with(&refs)
}

#[test]
fn a_zip_bomb_is_refused_before_calamine_reads_it() {
    let zeros = vec![0u8; 24 * 1024 * 1024];
    let bytes = zip_with(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    assert!(bytes.len() < 1024 * 1024);
    let e = error_of(&bytes);
    assert!(
        matches!(&e, TemplateError::ZipBomb { entry, .. } if entry == "xl/worksheets/sheet1.xml"),
        "{e:?}"
    );
}

#[test]
fn a_zip_that_is_not_a_workbook_is_reported() {
    let bytes = zip_with(&[("hello.txt", b"xin chao")]);
    assert!(matches!(error_of(&bytes), TemplateError::Corrupt { .. }));
}

#[test]
fn an_empty_workbook_is_not_a_template() {
    let dir = tmp();
    let path = dir.path().join("empty.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet();
    book.save(&path).expect("save");
    let e = import_template(&path, &opts()).unwrap_err();
    let TemplateError::NotATemplate { tried } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(tried[0].message_en, "the sheet is empty");
}

#[test]
fn a_sheet_without_a_form_table_gets_a_located_reason() {
    let dir = tmp();
    let path = dir.path().join("list.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Danh sách").expect("name");
    for r in 0..5u32 {
        ws.write_string(r, 0, format!("Nguyễn Văn {r}"))
            .expect("cell");
        ws.write_number(r, 1, f64::from(r)).expect("cell");
    }
    book.save(&path).expect("save");
    let e = import_template(&path, &opts()).unwrap_err();
    let TemplateError::NotATemplate { tried } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(tried[0].sheet.as_deref(), Some("Danh sách"));
    assert_eq!(tried[0].cells.as_deref(), Some("A1:B5"));
    assert!(e.message_vi().contains("'STT'"), "{}", e.message_vi());

    let named = ImportOptions {
        sheet: Some("danh sách".into()),
        ..opts()
    };
    assert!(matches!(
        import_template(&path, &named),
        Err(TemplateError::Unreadable(_))
    ));
    let missing = ImportOptions {
        sheet: Some("Biểu 09".into()),
        ..opts()
    };
    let e = import_template(&path, &missing).unwrap_err();
    assert_eq!(
        e,
        TemplateError::SheetNotFound {
            sheet: "Biểu 09".into(),
            available: vec!["Danh sách".into()]
        }
    );
}

#[test]
fn a_header_without_data_columns_is_unreadable_with_its_range() {
    let dir = tmp();
    let path = dir.path().join("nodata.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, text) in ["STT", "Chỉ tiêu", "Đơn vị tính"].iter().enumerate() {
        ws.write_string(2, c as u16, *text).expect("cell");
    }
    ws.write_string(3, 1, "Dân số").expect("cell");
    book.save(&path).expect("save");
    let named = ImportOptions {
        sheet: Some("Sheet1".into()),
        ..opts()
    };
    let Err(TemplateError::Unreadable(d)) = import_template(&path, &named) else {
        panic!("expected unreadable")
    };
    assert_eq!(d.cells.as_deref(), Some("A3:C3"));
    assert!(d.message_en.contains("no data column"));
}

#[test]
fn far_away_cells_and_huge_merges_are_ignored_not_allocated() {
    let dir = tmp();
    let path = dir.path().join("far.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, text) in ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *text).expect("cell");
    }
    for (c, text) in ["1", "Dân số", "người"].iter().enumerate() {
        ws.write_string(1, c as u16, *text).expect("cell");
    }
    ws.write_string(1_048_575, 16_383, "xa").expect("far cell");
    ws.merge_range(10, 10, 11, 11, "", &rust_xlsxwriter::Format::new())
        .expect("merge");
    book.save(&path).expect("save");
    // rust_xlsxwriter would write every cell of a huge merge; widen it in the XML.
    let bytes = rewrite_zip_entry(
        &std::fs::read(&path).expect("read"),
        "xl/worksheets/sheet1.xml",
        &|xml| {
            xml.replace(
                r#"<mergeCell ref="K11:L12"/>"#,
                r#"<mergeCell ref="K11:GS1048000"/>"#,
            )
        },
    );
    let imported = import_bytes(&bytes, &opts()).expect("import");
    assert_eq!(imported.form.rows.len(), 1);
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.message_en.contains("beyond the first")));
}

#[test]
fn a_missing_file_is_an_io_error() {
    let e = import_template(&PathBuf::from("/nonexistent/bieu.xlsx"), &opts()).unwrap_err();
    assert!(matches!(e, TemplateError::Io { .. }));
}

/// Not a test of speed (timing is not asserted): run with
/// `cargo test --release -- --ignored --nocapture import_time` to see it.
#[test]
#[ignore]
fn import_time_of_a_2000_row_template() {
    let dir = tmp();
    let path = fixtures::many_rows(dir.path(), 2000);
    let started = std::time::Instant::now();
    let imported = import(&path);
    let elapsed = started.elapsed();
    assert_eq!(imported.form.rows.len(), 2000);
    eprintln!("imported 2,000 rows in {elapsed:?}");
}

#[test]
fn many_rows_import_with_their_sums() {
    let dir = tmp();
    let form = import(&fixtures::many_rows(dir.path(), 60)).form;
    assert_eq!(form.rows.len(), 60);
    assert_eq!(
        form.rows[0].formula.as_deref(),
        Some(
            (2..=20)
                .map(|i| format!("r{i}"))
                .collect::<Vec<_>>()
                .join("+")
                .as_str()
        )
    );
    assert_eq!(form.rows[1].relation, Some(Relation::PartOfTotal));
    assert_eq!(form.columns[3].formula.as_deref(), Some("3/1*100"));
}
