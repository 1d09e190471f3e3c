use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use rust_xlsxwriter::Worksheet;

use super::*;
use crate::aggregate::model::{AggRow, Coverage};
use crate::entry::{Value, Values};

/// Two header levels (`Thực hiện` over two columns), a computed column, a heading,
/// a computed total and two parts.
fn form() -> FormDef {
    FormDef::from_json(
        r#"{"code":"DS01","version":2,"form_no":"Biểu số 01/DS","title":"BÁO CÁO DÂN SỐ",
        "columns":[{"key":"kh","header":["Kế hoạch năm"]},
                   {"key":"thang","header":["Thực hiện","Tháng báo cáo"]},
                   {"key":"lk","header":["Thực hiện","Lũy kế"]},
                   {"key":"tl","header":["Lũy kế so kế hoạch (%)"],"type":"percent","formula":"3/1*100"}],
        "rows":[{"key":"muc","stt":"I","name":"Dân số","role":"heading"},
                {"key":"tong","stt":"1","name":"Tổng số","unit":"người","role":"computed"},
                {"key":"nam","stt":"-","name":"Nam","unit":"người","parent":"tong","relation":"part_of_total"},
                {"key":"nu","stt":"-","name":"Nữ","unit":"người","parent":"tong","relation":"part_of_total"}]}"#,
    )
    .expect("mapping")
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

/// Input values of a unit: (row, kh, thang, lk).
fn unit(code: &str, name: &str, inputs: &[(&str, &str, &str, &str)]) -> (UnitDetail, Values) {
    let mut values = Values::new();
    for (row, kh, thang, lk) in inputs {
        for (col, v) in [("kh", kh), ("thang", thang), ("lk", lk)] {
            values.insert((row.to_string(), col.to_string()), Value::Number(d(v)));
        }
    }
    (
        UnitDetail::from_values(&form(), code, name, &values),
        values,
    )
}

fn units() -> Vec<UnitDetail> {
    units_with_values().into_iter().map(|(u, _)| u).collect()
}

fn units_with_values() -> Vec<(UnitDetail, Values)> {
    vec![
        unit(
            "H01",
            "UBND xã Tân Phú",
            &[("nam", "100", "10.5", "50"), ("nu", "200", "20", "100.25")],
        ),
        unit(
            "H02",
            "UBND xã Phú Lộc",
            &[("nam", "200", "30", "150"), ("nu", "100", "19.5", "99.75")],
        ),
    ]
}

/// The aggregate as the engine would give it: inputs summed, computed cells
/// recomputed (so `nam`'s ratio is 200/300*100 to 28 digits).
fn aggregate() -> Aggregate {
    let form = form();
    let mut sums: Values = Values::new();
    for (_, values) in units_with_values() {
        for (k, v) in values {
            let add = v.as_number().unwrap_or_default();
            let e = sums.entry(k).or_insert(Value::Number(Decimal::ZERO));
            *e = Value::Number(e.as_number().unwrap_or_default() + add);
        }
    }
    crate::entry::recompute(&form, &mut sums);
    let rows = form
        .rows
        .iter()
        .map(|r| AggRow {
            row: r.key.clone(),
            code: r.code.clone(),
            stt: r.stt.clone(),
            name: r.name.clone(),
            unit: r.unit.clone(),
            level: r.level,
            values: form
                .columns
                .iter()
                .map(|c| {
                    let v = sums
                        .get(&(r.key.clone(), c.key.clone()))
                        .map(|v| v.to_string());
                    (c.number.clone(), v)
                })
                .collect(),
        })
        .collect();
    let coverage = Coverage {
        included: 2,
        expected: 3,
        statuses: vec![crate::domain::workflow::RevisionStatus::Accepted],
        units_included: vec!["H01".into(), "H02".into()],
        units_missing: vec!["H03".into()],
    };
    Aggregate {
        regime: "DS-THANG".into(),
        period: "202611".into(),
        form_code: "DS01".into(),
        form_version: 2,
        coverage,
        excluded: Vec::new(),
        rows,
        subtotals: Vec::new(),
        ytd: None,
        previous_year: None,
        growth: None,
    }
}

fn status() -> Vec<StatusRow> {
    let row = |unit: &str, name: &str, status: &str, sent: Option<&str>, t: &str| StatusRow {
        unit: unit.into(),
        unit_name: name.into(),
        status: status.parse().expect("status"),
        sent_at: sent.map(String::from),
        deadline: "2026-11-20T16:30:00+07:00".into(),
        timeliness: t.parse().expect("timeliness"),
        approver: sent.map(|_| "Nguyễn Văn An".into()),
        sender: sent.map(|_| "Trần Thị Bình".into()),
        signature_valid: sent.map(|_| true),
    };
    vec![
        row(
            "H01",
            "UBND xã Tân Phú",
            "accepted",
            Some("2026-11-19T09:15:00+07:00"),
            "on_time",
        ),
        row(
            "H02",
            "UBND xã Phú Lộc",
            "accepted",
            Some("2026-11-23T10:00:00+07:00"),
            "late",
        ),
        row("H03", "UBND xã Mỹ Hòa", "not_started", None, "missing"),
    ]
}

fn meta() -> Meta {
    Meta {
        regime_name: "Báo cáo dân số hằng tháng".into(),
        period_words: "Tháng 11 năm 2026".into(),
        aggregating_unit: "UBND huyện Tân Châu".into(),
        generated_at: "2026-11-25T08:00:00+07:00".into(),
        generated_by: "tonghop.tanchau".into(),
        data_as_of: "2026-11-25T07:59:00+07:00".into(),
        statuses: vec![crate::domain::workflow::RevisionStatus::Accepted],
        row_decimals: Default::default(),
        approval: None,
    }
}

fn write(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("tong-hop.xlsx");
    write_aggregate_workbook(&form(), &aggregate(), &units(), &status(), &meta(), &path)
        .expect("workbook");
    path
}

fn sheet_xml(path: &Path, n: usize) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{n}.xml"))
        .expect("sheet")
        .read_to_string(&mut xml)
        .expect("read");
    xml
}

fn text_at(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    range
        .get_value((row, col))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// Where the form sheet puts its cells, drawn again with the same options.
fn summary_layout() -> crate::form::SheetLayout {
    let form = form();
    let values = summary::AggregateValues::of(&form, &aggregate()).expect("values");
    summary::write(&mut Worksheet::new(), &form, &values, &meta(), Vec::new()).expect("layout")
}

#[test]
fn aggregate_workbook_has_the_four_sheets_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let book: Xlsx<_> = calamine::open_workbook(write(dir.path())).expect("open");
    assert_eq!(
        book.sheet_names(),
        vec![SUMMARY_SHEET, DETAIL_SHEET, STATUS_SHEET, INFO_SHEET]
    );
}

#[test]
fn computed_cells_are_formulas_caching_the_exact_aggregate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path());
    let layout = summary_layout();
    let mut book: Xlsx<_> = calamine::open_workbook(&path).expect("open");
    let range = book.worksheet_range(SUMMARY_SHEET).expect("range");
    let formulas = book.worksheet_formula(SUMMARY_SHEET).expect("formulas");
    let at = |r: &str, c: &str| {
        let cell = layout.cell(r, c).expect("bound cell");
        (cell.row, u32::from(cell.col))
    };

    // The computed column: 200 / 300 * 100 to the engine's 28 digits.
    let ratio = at("nam", "tl");
    let f = formulas.get_value(ratio).cloned().unwrap_or_default();
    assert!(f.starts_with("IFERROR(") && f.contains('/'), "{f}");
    let agg = aggregate();
    let exact = agg.rows[2].values["4"].clone().expect("ratio");
    assert!(exact.len() > 20, "{exact}: a long exact decimal");
    assert_eq!(
        range.get_value(ratio),
        Some(&Data::Float(exact.parse::<f64>().expect("f64")))
    );
    // The same decimal, trailing zeros dropped (66.666…670 → 66.666…67).
    let cached = d(&exact).normalize().to_string();
    assert!(
        sheet_xml(&path, 1).contains(&format!("<v>{cached}</v>")),
        "the cached result is the exact decimal {cached}"
    );

    // The computed row is a SUM whose cached value is the aggregated total.
    let total = at("tong", "lk");
    let f = formulas.get_value(total).cloned().unwrap_or_default();
    assert!(f.starts_with("SUM("), "{f}");
    assert_eq!(range.get_value(total), Some(&Data::Float(400.0)));
    // The total's ratio is recomputed from the totals (400/600), not summed.
    match range.get_value(at("tong", "tl")) {
        Some(Data::Float(v)) => assert!((v - 400.0 / 6.0).abs() < 1e-9, "{v}"),
        other => panic!("{other:?}"),
    }
    // Inputs are plain numbers.
    assert_eq!(
        range.get_value(at("nam", "thang")),
        Some(&Data::Float(40.5))
    );
    assert_eq!(formulas.get_value(at("nam", "thang")), Some(&String::new()));
}

#[test]
fn title_block_names_the_aggregating_unit_and_the_period_in_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut book: Xlsx<_> = calamine::open_workbook(write(dir.path())).expect("open");
    let range = book.worksheet_range(SUMMARY_SHEET).expect("range");
    let all: Vec<String> = range.used_cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(all.contains(&"Đơn vị báo cáo: UBND huyện Tân Châu".to_string()));
    assert!(all.contains(&"Tháng 11 năm 2026".to_string()));
    assert!(all.contains(&"4=3/1*100".to_string()));
}

#[test]
fn merged_header_ranges_are_present() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path());
    let layout = summary_layout();
    let mut book: Xlsx<_> = calamine::open_workbook(&path).expect("open");
    let merges: Vec<((u32, u32), (u32, u32))> = book
        .merge_cells_by_sheet_name(SUMMARY_SHEET)
        .expect("merges")
        .into_iter()
        .map(|m| (m.start, m.end))
        .collect();
    let top = layout.header_top;
    let col = |key: &str| {
        layout
            .columns
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, c)| u32::from(*c))
            .expect("column")
    };
    // `Thực hiện` spans its two sub-columns; single headers span both header rows.
    assert!(
        merges.contains(&((top, col("thang")), (top, col("lk")))),
        "{merges:?}"
    );
    assert!(merges.contains(&((top, col("kh")), (top + 1, col("kh")))));
    assert!(merges.contains(&((top, col("tl")), (top + 1, col("tl")))));
    let range = book.worksheet_range(SUMMARY_SHEET).expect("range");
    assert_eq!(text_at(&range, top, col("thang")), "Thực hiện");
    assert_eq!(text_at(&range, top + 1, col("lk")), "Lũy kế");
}

#[test]
fn summary_prints_on_a4_landscape_with_repeated_headers_and_frozen_panes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path());
    let xml = sheet_xml(&path, 1);
    assert!(xml.contains(r#"paperSize="9""#), "A4");
    assert!(xml.contains(r#"orientation="landscape""#));
    assert!(xml.contains(r#"state="frozen""#));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).expect("open")).expect("zip");
    let mut wb = String::new();
    zip.by_name("xl/workbook.xml")
        .expect("workbook")
        .read_to_string(&mut wb)
        .expect("read");
    assert!(wb.contains("_xlnm.Print_Titles"), "repeated header rows");
}

#[test]
fn detail_has_one_filterable_row_per_unit_and_indicator_with_recomputed_totals() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path());
    let mut book: Xlsx<_> = calamine::open_workbook(&path).expect("open");
    let range = book.worksheet_range(DETAIL_SHEET).expect("range");
    let header: Vec<String> = (0..9).map(|c| text_at(&range, 3, c)).collect();
    assert_eq!(
        header[..5],
        ["Mã đơn vị", "Tên đơn vị", "STT", "Chỉ tiêu", "Đơn vị tính"]
    );
    assert_eq!(header[5], "Kế hoạch năm\n(1)");
    assert_eq!(header[6], "Thực hiện - Tháng báo cáo\n(2)");
    assert_eq!(header[8], "Lũy kế so kế hoạch (%)\n(4)");
    // 2 units × 3 rows (the heading is left out).
    let rows: Vec<(String, String)> = (4..10)
        .map(|r| (text_at(&range, r, 0), text_at(&range, r, 3)))
        .collect();
    assert_eq!(rows[0], ("H01".into(), "Tổng số".into()));
    assert_eq!(rows[5], ("H02".into(), "Nữ".into()));
    assert_eq!(text_at(&range, 10, 0), "");
    // H01's total is recomputed from its inputs, its ratio too; numbers stay numbers.
    assert_eq!(range.get_value((4, 7)), Some(&Data::Float(150.25)));
    match range.get_value((4, 8)) {
        Some(Data::Float(v)) => assert!((v - 150.25 / 3.0).abs() < 1e-9, "{v}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(range.get_value((5, 6)), Some(&Data::Float(10.5)));
    let xml = sheet_xml(&path, 2);
    assert!(xml.contains(r#"<autoFilter ref="A4:I10"/>"#), "autofilter");
}

#[test]
fn status_sheet_says_timeliness_in_vietnamese_and_counts_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path());
    let mut book: Xlsx<_> = calamine::open_workbook(&path).expect("open");
    let range = book.worksheet_range(STATUS_SHEET).expect("range");
    let formulas = book.worksheet_formula(STATUS_SHEET).expect("formulas");
    let row = |r: u32| -> Vec<String> { (0..10).map(|c| text_at(&range, r, c)).collect() };
    assert_eq!(row(3)[6], "Tình hình gửi");
    let h01 = row(4);
    assert_eq!(
        (&h01[1][..], &h01[3][..], &h01[6][..], &h01[9][..]),
        ("H01", "Đã tiếp nhận", "Đúng hạn", "Hợp lệ")
    );
    assert_eq!(row(5)[6], "Trễ hạn");
    let h03 = row(6);
    assert_eq!((&h03[3][..], &h03[6][..]), ("Chưa lập", "Chưa gửi"));
    assert_eq!(h03[4], "", "nothing sent");
    // Sent at is a date-time cell in Vietnam's time.
    match range.get_value((4, 4)) {
        Some(Data::DateTime(dt)) => {
            let expected = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 11, 19)
                .and_then(|d| d.and_hms(9, 15, 0))
                .expect("date");
            assert!((dt.as_f64() - expected.to_excel()).abs() < 1e-9);
        }
        other => panic!("sent at: {other:?}"),
    }
    // Counts at the bottom: labels, COUNTIF formulas and their cached results.
    let counts: BTreeMap<String, (String, String)> = (8..18)
        .filter_map(|r| {
            let label = text_at(&range, r, 2);
            (!label.is_empty()).then(|| {
                let f = formulas.get_value((r, 3)).cloned().unwrap_or_default();
                (label, (text_at(&range, r, 3), f))
            })
        })
        .collect();
    assert_eq!(counts["Tổng số đơn vị"].0, "3");
    assert_eq!(counts["Đúng hạn"].0, "1");
    assert_eq!(counts["Trong gia hạn"].0, "0");
    assert_eq!(counts["Trễ hạn"].0, "1");
    assert_eq!(counts["Chưa gửi"].0, "1");
    assert_eq!(counts["Chưa đến hạn"].0, "0");
    assert_eq!(counts["Chữ ký số hợp lệ"].0, "2");
    assert_eq!(counts["Chữ ký số không hợp lệ"].0, "0");
    assert_eq!(
        counts["Trong gia hạn"].1,
        "COUNTIF(G5:G7,\"Trong gia hạn\")"
    );
    assert_eq!(counts["Đúng hạn"].1, "COUNTIF(G5:G7,\"Đúng hạn\")");
}

#[test]
fn info_sheet_states_coverage_statuses_and_authorship() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut book: Xlsx<_> = calamine::open_workbook(write(dir.path())).expect("open");
    let range = book.worksheet_range(INFO_SHEET).expect("range");
    let info: BTreeMap<String, String> = (3..30)
        .map(|r| (text_at(&range, r, 0), text_at(&range, r, 1)))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    assert_eq!(info["Chế độ báo cáo"], "Báo cáo dân số hằng tháng");
    assert_eq!(info["Kỳ báo cáo"], "Tháng 11 năm 2026");
    assert_eq!(info["Số đơn vị được tổng hợp"], "2");
    assert_eq!(info["Số đơn vị phải báo cáo"], "3");
    assert_eq!(info["Trạng thái báo cáo được tính"], "Đã tiếp nhận");
    assert_eq!(info["Đơn vị chưa được tổng hợp"], "H03");
    assert_eq!(info["Người lập"], "tonghop.tanchau");
    assert_eq!(info["Mã biểu, phiên bản"], "DS01, phiên bản 2");
}

#[test]
fn an_aggregate_of_another_form_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut agg = aggregate();
    agg.form_code = "KTXH01".into();
    let path = dir.path().join("x.xlsx");
    let e = write_aggregate_workbook(&form(), &agg, &[], &[], &meta(), &path).unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
    assert!(!path.exists(), "nothing written");
}

#[test]
fn an_aggregated_value_that_is_not_a_number_is_refused_with_its_cell() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut agg = aggregate();
    agg.rows[2]
        .values
        .insert("2".into(), Some("1.234,5".into()));
    let path = dir.path().join("x.xlsx");
    let e = write_aggregate_workbook(&form(), &agg, &[], &[], &meta(), &path).unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
    assert!(
        e.details[0].vi.contains("dòng nam, cột 2"),
        "{:?}",
        e.details
    );
}

#[test]
fn a_failed_save_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("no-such-folder").join("x.xlsx");
    let e = write_aggregate_workbook(&form(), &aggregate(), &units(), &status(), &meta(), &path)
        .unwrap_err();
    assert_eq!(e.kind, Kind::Failure);
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_empty_aggregate_still_writes_every_sheet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut agg = aggregate();
    for r in &mut agg.rows {
        r.values.values_mut().for_each(|v| *v = None);
    }
    let path = dir.path().join("empty.xlsx");
    write_aggregate_workbook(&form(), &agg, &[], &[], &Meta::default(), &path).expect("write");
    let book: Xlsx<_> = calamine::open_workbook(&path).expect("open");
    assert_eq!(book.sheet_names().len(), 4);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("empty.xlsx")],
        "no partial file left"
    );
}

#[test]
fn csv_has_a_header_row_and_the_exact_decimals() {
    let csv = aggregate_csv(&form(), &aggregate());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "row,stt,name,unit,1,2,3,4");
    assert_eq!(lines[1], "muc,I,Dân số,,,,,");
    let ratio = aggregate().rows[1].values["4"].clone().expect("ratio");
    assert_eq!(
        lines[2],
        format!("tong,1,Tổng số,người,600,80.0,400.00,{ratio}")
    );
    assert_eq!(lines.len(), 5);
}

#[test]
fn csv_quotes_fields_with_commas_and_quotes() {
    let mut agg = aggregate();
    agg.rows[1].name = "Tổng số, gồm \"cả\" tạm trú".into();
    let csv = aggregate_csv(&form(), &agg);
    assert!(
        csv.contains("tong,1,\"Tổng số, gồm \"\"cả\"\" tạm trú\",người,"),
        "{csv}"
    );
}

#[test]
fn nearest_f64_is_the_double_a_person_would_type() {
    for s in [
        "0.1",
        "40.5",
        "-1234.50",
        "66.666666666666666666666666667",
        "1e-7",
    ] {
        let v = parse_decimal(s).expect("decimal");
        assert_eq!(nearest_f64(v), s.parse::<f64>().expect("f64"), "{s}");
    }
    let big = d("79228162514264337593543950335");
    assert_eq!(nearest_f64(big), 79228162514264337593543950335f64);
}

fn dashboard() -> DashboardData {
    let t = |unit: &str, name: &str, on_time, late, missing| UnitTimeliness {
        unit: unit.into(),
        unit_name: name.into(),
        on_time,
        extended: 0,
        late,
        missing,
        returned: 0,
    };
    let p = |period: &str, v: Option<&str>| (period.to_string(), v.map(String::from));
    DashboardData {
        title: "TÌNH HÌNH BÁO CÁO NĂM 2026".into(),
        units: vec![
            t("H01", "UBND xã Tân Phú", 10, 1, 1),
            t("H02", "UBND xã Phú Lộc", 8, 3, 1),
        ],
        indicators: vec![
            IndicatorSeries {
                name: "Dân số trung bình".into(),
                unit: Some("người".into()),
                points: vec![
                    p("202609", Some("1200")),
                    p("202610", None),
                    p("202611", Some("1250.5")),
                ],
            },
            IndicatorSeries {
                name: "Tỷ lệ hộ nghèo".into(),
                unit: Some("%".into()),
                points: vec![p("2025", Some("3.2")), p("2026", Some("2.9"))],
            },
        ],
        info: Vec::new(),
    }
}

fn zip_text(path: &Path, name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).ok()?).ok()?;
    let mut s = String::new();
    zip.by_name(name).ok()?.read_to_string(&mut s).ok()?;
    Some(s)
}

#[test]
fn dashboard_has_a_stacked_bar_and_a_line_per_indicator_over_its_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("dashboard.xlsx");
    write_dashboard(&dashboard(), &path).expect("dashboard");
    let mut book: Xlsx<_> = calamine::open_workbook(&path).expect("open");
    assert_eq!(
        book.sheet_names(),
        vec![
            dashboard::CHART_SHEET,
            dashboard::TIMELINESS_SHEET,
            dashboard::SERIES_SHEET
        ]
    );
    let bar = zip_text(&path, "xl/charts/chart1.xml").expect("bar chart");
    assert!(bar.contains("<c:barChart>") && bar.contains(r#"<c:grouping val="stacked"/>"#));
    assert!(bar.contains("'Số liệu đúng hạn'!$C$2:$C$3"), "{bar}");
    let line = zip_text(&path, "xl/charts/chart2.xml").expect("line chart");
    assert!(line.contains("<c:lineChart>"));
    assert!(line.contains("'Số liệu chỉ tiêu'!$B$2:$B$4"));
    assert!(zip_text(&path, "xl/charts/chart3.xml").is_some());

    let counts = book
        .worksheet_range(dashboard::TIMELINESS_SHEET)
        .expect("range");
    assert_eq!(text_at(&counts, 2, 6), "12");
    let series = book
        .worksheet_range(dashboard::SERIES_SHEET)
        .expect("range");
    assert_eq!(text_at(&series, 0, 1), "Dân số trung bình (người)");
    assert_eq!(series.get_value((3, 1)), Some(&Data::Float(1250.5)));
    assert_eq!(text_at(&series, 2, 1), "", "a missing point stays a gap");
    assert_eq!(text_at(&series, 0, 3), "Kỳ");
}

#[test]
fn dashboard_without_units_or_points_still_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("empty.xlsx");
    write_dashboard(&DashboardData::default(), &path).expect("dashboard");
    assert!(zip_text(&path, "xl/charts/chart1.xml").is_none());
}

#[test]
fn dashboard_metadata_makes_a_fourth_sheet_and_the_charts_are_counted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("info.xlsx");
    let mut data = dashboard();
    data.info = vec![("Chế độ báo cáo".into(), "KTXH".into())];
    let written = write_dashboard(&data, &path).expect("dashboard");
    assert_eq!(written.charts, 3);
    assert_eq!(written.sheets.last().map(String::as_str), Some(INFO_SHEET));
    let mut book: Xlsx<_> = calamine::open_workbook(&path).expect("open");
    assert_eq!(book.sheet_names().len(), 4);
    let info = book.worksheet_range(INFO_SHEET).expect("range");
    assert_eq!(text_at(&info, 3, 1), "KTXH");
    let counts = book
        .worksheet_range(dashboard::TIMELINESS_SHEET)
        .expect("range");
    assert_eq!(text_at(&counts, 0, 3), "Trong gia hạn");
    assert_eq!(text_at(&counts, 0, 8), "Số lần bị trả lại");
}

#[test]
fn a_dashboard_not_to_replace_keeps_the_file_there_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("there.xlsx");
    std::fs::write(&path, "giữ nguyên").expect("write");
    let e = write_dashboard_as(&dashboard(), &path, false).unwrap_err();
    assert_eq!(e.kind, Kind::State);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "giữ nguyên");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    let fresh = dir.path().join("fresh.xlsx");
    write_dashboard_as(&dashboard(), &fresh, false).expect("dashboard");
    write_dashboard_as(&dashboard(), &path, true).expect("replaced");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 2);
}

#[test]
fn a_series_value_that_is_not_a_number_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = dashboard();
    data.indicators[0].points[0].1 = Some("nhiều".into());
    let e = write_dashboard(&data, &dir.path().join("x.xlsx")).unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
}

/// `cargo test --release export::tests::detail_of -- --ignored --nocapture`
#[test]
#[ignore]
fn detail_of_3321_units_by_100_rows_by_6_columns_is_written_quickly() {
    let mut json = String::from(
        r#"{"code":"BIG","title":"BIỂU LỚN","columns":[
        {"key":"c1"},{"key":"c2"},{"key":"c3"},{"key":"c4"},{"key":"c5"},
        {"key":"c6","type":"percent","formula":"2/1*100"}],"rows":[
        {"key":"r0","stt":"1","name":"Tổng số","unit":"người","role":"computed"}"#,
    );
    for i in 1..100 {
        json.push_str(&format!(
            r#",{{"key":"r{i}","stt":"-","name":"Chỉ tiêu {i}","unit":"người","parent":"r0","relation":"part_of_total"}}"#
        ));
    }
    json.push_str("]}");
    let form = FormDef::from_json(&json).expect("form");
    let detail: Vec<(UnitDetail, Values)> = (0..3321)
        .map(|u| {
            let mut values = Values::new();
            for i in 1..100 {
                for c in 1..=5 {
                    let v = Decimal::new((u * 1000 + i * 10 + c) as i64, 1);
                    values.insert((format!("r{i}"), format!("c{c}")), Value::Number(v));
                }
            }
            let d = UnitDetail::from_values(
                &form,
                &format!("{:05}", 25000 + u),
                &format!("UBND xã số {u}"),
                &values,
            );
            (d, values)
        })
        .collect();
    let mut sums = Values::new();
    for (_, values) in &detail {
        for (k, v) in values {
            let e = sums
                .entry(k.clone())
                .or_insert(Value::Number(Decimal::ZERO));
            *e = Value::Number(
                e.as_number().unwrap_or_default() + v.as_number().unwrap_or_default(),
            );
        }
    }
    crate::entry::recompute(&form, &mut sums);
    let detail: Vec<UnitDetail> = detail.into_iter().map(|(d, _)| d).collect();
    let agg = Aggregate {
        regime: "BIG".into(),
        period: "202611".into(),
        form_code: "BIG".into(),
        form_version: 0,
        coverage: Coverage {
            included: detail.len(),
            expected: detail.len(),
            statuses: vec![crate::domain::workflow::RevisionStatus::Accepted],
            units_included: detail.iter().map(|u| u.unit.clone()).collect(),
            units_missing: Vec::new(),
        },
        excluded: Vec::new(),
        rows: form
            .rows
            .iter()
            .map(|r| AggRow {
                row: r.key.clone(),
                code: None,
                stt: r.stt.clone(),
                name: r.name.clone(),
                unit: r.unit.clone(),
                level: r.level,
                values: form
                    .columns
                    .iter()
                    .map(|c| {
                        let v = sums.get(&(r.key.clone(), c.key.clone()));
                        (c.number.clone(), v.map(|v| v.to_string()))
                    })
                    .collect(),
            })
            .collect(),
        subtotals: Vec::new(),
        ytd: None,
        previous_year: None,
        growth: None,
    };
    let status: Vec<StatusRow> = detail
        .iter()
        .map(|u| StatusRow {
            unit: u.unit.clone(),
            unit_name: u.unit_name.clone(),
            status: crate::domain::workflow::ReportStatus::Revision(
                crate::domain::workflow::RevisionStatus::Accepted,
            ),
            sent_at: Some("2026-11-19T09:15:00+07:00".into()),
            deadline: "2026-11-20T16:30:00+07:00".into(),
            timeliness: crate::domain::workflow::Timeliness::OnTime,
            approver: Some("Lãnh đạo".into()),
            sender: Some("Văn thư".into()),
            signature_valid: Some(true),
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.xlsx");
    let started = std::time::Instant::now();
    write_aggregate_workbook(&form, &agg, &detail, &status, &meta(), &path).expect("write");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "3,321 units × 100 rows × 6 columns: {:?}, {} bytes",
        started.elapsed(),
        size
    );
}
