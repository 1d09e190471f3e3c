//! The aggregated workbook is ready to forward as it comes out of `demo`: coverage and
//! the missing units on the face of the form's sheet, every number of a row in its
//! indicator's places, the detail sheet formatted like the form, people by their full
//! names, the conventional header and signature lines; the dashboard charts the month's
//! actuals over periods named in words.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use crate::common::Env;

/// One part of an .xlsx file, as text.
fn part(xlsx: &Path, name: &str) -> String {
    let file = std::fs::File::open(xlsx).expect("open the workbook");
    let mut zip = zip::ZipArchive::new(file).expect("an .xlsx is a zip");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in {}", xlsx.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The value of attribute `name` in the XML start tag `tag` (the text after `<el`).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("{name}=\"");
    let at = tag
        .match_indices(&key)
        .find(|(i, _)| *i == 0 || tag.as_bytes()[i - 1].is_ascii_whitespace())?
        .0
        + key.len();
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// Style index → number format code, from styles.xml.
fn formats(xlsx: &Path) -> Vec<String> {
    let styles = part(xlsx, "xl/styles.xml");
    let mut codes: HashMap<String, String> = [
        ("0", "General"),
        ("2", "0.00"),
        ("3", "#,##0"),
        ("4", "#,##0.00"),
        ("49", "@"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for tag in styles.split("<numFmt ").skip(1) {
        let (Some(id), Some(code)) = (attr(tag, "numFmtId"), attr(tag, "formatCode")) else {
            continue;
        };
        codes.insert(id.to_string(), code.replace("&quot;", "\""));
    }
    let xfs = &styles[styles.find("<cellXfs").expect("cellXfs")..];
    let xfs = &xfs[..xfs.find("</cellXfs>").unwrap()];
    xfs.split("<xf ")
        .skip(1)
        .map(|tag| {
            let id = attr(tag, "numFmtId").unwrap_or("0");
            codes
                .get(id)
                .cloned()
                .unwrap_or_else(|| format!("builtin {id}"))
        })
        .collect()
}

/// (cell reference, number format) of every numeric cell of a sheet part, and the
/// row formats (`<row s=…>`) by row number.
fn number_cells(xlsx: &Path, sheet: &str) -> (Vec<(String, String)>, HashMap<u32, String>) {
    let fmts = formats(xlsx);
    let xml = part(xlsx, sheet);
    let mut rows = HashMap::new();
    for tag in xml.split("<row ").skip(1) {
        let tag = &tag[..tag.find('>').unwrap()];
        let tag = format!(" {tag}");
        if let (Some(r), Some(s)) = (attr(&tag, "r"), attr(&tag, "s")) {
            rows.insert(
                r.parse().unwrap(),
                fmts[s.parse::<usize>().unwrap()].clone(),
            );
        }
    }
    let mut cells = Vec::new();
    for tag in xml.split("<c ").skip(1) {
        let head = format!(" {}", &tag[..tag.find('>').unwrap()]);
        let is_number = attr(&head, "t").is_none() && tag.contains("<v>");
        if !is_number {
            continue;
        }
        let r = attr(&head, "r").unwrap().to_string();
        let s = attr(&head, "s").map_or(0, |s| s.parse().unwrap());
        cells.push((r, fmts[s].clone()));
    }
    (cells, rows)
}

fn row_of(cell: &str) -> u32 {
    cell.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap()
}

fn text_at(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    range
        .get_value((row, col))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

fn find_text(range: &calamine::Range<Data>, wanted: &str) -> Option<(u32, u32)> {
    range.cells().find_map(|(r, c, d)| {
        matches!(d, Data::String(s) if s.contains(wanted)).then_some((r as u32, c as u32))
    })
}

#[test]
fn the_demo_workbooks_are_ready_to_forward() {
    let env = Env::new();
    env.run(&["-o", "json", "demo", "--dir", "demo"]).ok();
    let book_path = env.path("demo/tong-hop-KTXH-THANG-202611.xlsx");
    let mut book: Xlsx<_> = calamine::open_workbook(&book_path).unwrap();

    // The face: form number top left, the reporting unit top right on the same line,
    // coverage and the missing commune under the table, then the signatures.
    let face = book.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(text_at(&face, 0, 0), "Biểu số 01/KTXH-X");
    let (r, c) = find_text(&face, "Đơn vị báo cáo:").expect("the reporting unit");
    assert_eq!((r, c > 1), (0, true), "top right, beside the form number");
    let (note_row, _) = find_text(
        &face,
        "Ghi chú: số liệu tổng hợp từ 39 trên 40 đơn vị phải báo cáo (97,5%)",
    )
    .expect("coverage on the face");
    let (missing_row, _) = find_text(
        &face,
        "Chưa có số liệu của 1 đơn vị: 99008 Phường Trường Thi.",
    )
    .expect("the missing commune named");
    let (sign_row, _) = find_text(&face, "(Ký, họ tên, đóng dấu)").expect("signature lines");
    assert!(note_row < missing_row && missing_row < sign_row);
    assert!(find_text(&face, "(Ký, họ tên)").is_some());

    // Every number of an indicator's row in that indicator's places.
    let (cells, _) = number_cells(&book_path, "xl/worksheets/sheet1.xml");
    let mut by_row: HashMap<u32, Vec<&str>> = HashMap::new();
    for (cell, fmt) in &cells {
        if fmt != "0.00" {
            by_row.entry(row_of(cell)).or_default().push(fmt);
        }
    }
    let lua = find_text(&face, "Lúa").expect("Lúa").0 + 1;
    assert!(
        by_row[&lua].iter().all(|f| *f == "#,##0.0"),
        "{:?}",
        by_row[&lua]
    );
    let ho = find_text(&face, "Số hộ nghèo").expect("hộ nghèo").0 + 1;
    assert!(
        by_row[&ho].iter().all(|f| *f == "#,##0"),
        "{:?}",
        by_row[&ho]
    );
    for (row, fmts) in &by_row {
        assert!(fmts.windows(2).all(|w| w[0] == w[1]), "row {row}: {fmts:?}");
    }

    // The detail sheet: rows in their indicator's places, percentages with two.
    let detail = book.worksheet_range("Chi tiết đơn vị").unwrap();
    let (cells, row_formats) = number_cells(&book_path, "xl/worksheets/sheet2.xml");
    let first = find_text(&detail, "Lúa").expect("a Lúa row").0 + 1;
    assert_eq!(row_formats.get(&first).map(String::as_str), Some("#,##0.0"));
    let percents: Vec<&String> = cells
        .iter()
        .filter(|(c, _)| c.starts_with('I'))
        .map(|(_, f)| f)
        .collect();
    assert!(!percents.is_empty() && percents.iter().all(|f| *f == "0.00"));

    // The status sheet names people by their full names.
    let status = book.worksheet_range("Tình hình gửi báo cáo").unwrap();
    let (r, _) = find_text(&status, "Phường Hà Sơn").expect("99001's row");
    let names: Vec<String> = (7..9).map(|c| text_at(&status, r, c)).collect();
    assert_eq!(names, ["Phạm Quốc Lâm", "Phạm Quốc Lâm"]);
    assert!(status
        .cells()
        .all(|(_, _, d)| !matches!(d, Data::String(s) if s.ends_with(".phason"))));

    // The dashboard: the month's actuals, periods in words, numbers formatted.
    let dash_path = env.path("demo/bang-theo-doi-KTXH-THANG-202611.xlsx");
    let mut dash: Xlsx<_> = calamine::open_workbook(&dash_path).unwrap();
    let series = dash.worksheet_range("Số liệu chỉ tiêu").unwrap();
    let labels: Vec<String> = (1..series.height() as u32)
        .map(|r| text_at(&series, r, 0))
        .filter(|t| !t.is_empty())
        .collect();
    assert!(labels.contains(&"T11/2026".to_string()), "{labels:?}");
    assert!(labels.iter().all(|l| l.starts_with('T')), "{labels:?}");
    let charts = part(&dash_path, "xl/charts/chart2.xml");
    assert!(
        charts.contains("formatCode=\"#,##0"),
        "the value axis is formatted"
    );
}
