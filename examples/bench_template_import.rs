//! Benchmark: importing a 2,000-row template (issue: "well under a second").
//!
//! `cargo run --release --example bench_template_import` writes a realistic template
//! with 2,000 indicator rows (headings, levels, `Trong đó:` parts, SUM formulas, `x`
//! cells) and a 3-level header, then times the template reader alone and the whole
//! `baocao form import --dry-run` command (a fresh process, the way people run it).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use rust_xlsxwriter::{Format, Formula, Workbook};

fn write_template(path: &Path, rows: usize) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    ws.write_string(0, 0, "Biểu số 99/TH-X").unwrap();
    ws.write_string(0, 3, "BÁO CÁO TỔNG HỢP CHỈ TIÊU").unwrap();
    ws.merge_range(3, 0, 5, 0, "STT", &bold).unwrap();
    ws.merge_range(3, 1, 5, 1, "Chỉ tiêu", &bold).unwrap();
    ws.merge_range(3, 2, 5, 2, "Đơn vị tính", &bold).unwrap();
    ws.merge_range(3, 3, 5, 3, "Kế hoạch năm", &bold).unwrap();
    ws.merge_range(3, 4, 3, 7, "Thực hiện", &bold).unwrap();
    ws.merge_range(4, 4, 4, 5, "Tháng báo cáo", &bold).unwrap();
    ws.merge_range(4, 6, 4, 7, "Lũy kế", &bold).unwrap();
    for (i, s) in [
        "Tổng số",
        "Trong đó: khu vực nhà nước",
        "Tổng số",
        "Trong đó: khu vực nhà nước",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(5, 4 + i as u16, *s, &bold)
            .unwrap();
    }
    ws.merge_range(3, 8, 5, 8, "So sánh (%)", &bold).unwrap();
    for (i, s) in ["A", "B", "C", "1", "2", "3", "4", "5", "6=4/1*100"]
        .iter()
        .enumerate()
    {
        ws.write_string(6, i as u16, *s).unwrap();
    }
    let mut r = 7u32;
    let mut n = 0;
    let mut group = 0;
    while n < rows {
        group += 1;
        ws.write_string(r, 0, roman(group)).unwrap();
        ws.write_string(r, 1, format!("NHÓM CHỈ TIÊU {group}"))
            .unwrap();
        r += 1;
        n += 1;
        for k in 1..=10 {
            if n >= rows {
                break;
            }
            let total = r;
            ws.write_string(r, 0, k.to_string()).unwrap();
            ws.write_string(r, 1, format!("Chỉ tiêu {group}.{k}"))
                .unwrap();
            ws.write_string(r, 2, "tỷ đồng").unwrap();
            r += 1;
            n += 1;
            for p in 1..=3 {
                if n >= rows {
                    break;
                }
                ws.write_string(r, 0, "-").unwrap();
                ws.write_string(r, 1, format!("Thành phần {p} của {group}.{k}"))
                    .unwrap();
                ws.write_string(r, 2, "tỷ đồng").unwrap();
                r += 1;
                n += 1;
            }
            ws.write_formula(
                total,
                3,
                Formula::new(format!("=SUM(D{}:D{})", total + 2, total + 4)),
            )
            .unwrap();
            ws.write_string(total, 8, "x").unwrap();
        }
    }
    ws.write_string(r + 1, 1, "Người lập biểu").unwrap();
    ws.write_string(r + 1, 6, "Thủ trưởng đơn vị").unwrap();
    wb.save(path).unwrap();
}

fn roman(mut n: usize) -> String {
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in table {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bieu-2000.xlsx");
    write_template(&path, 2000);
    let size = std::fs::metadata(&path).unwrap().len();
    let opts = baocao::form::ImportOptions {
        code: "TH99".into(),
        sheet: None,
        convert: Some(baocao::ops::form::convert_legacy),
    };
    let mut best = f64::MAX;
    let mut rows = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let imported = baocao::form::import_template(&path, &opts).expect("import");
        best = best.min(t.elapsed().as_secs_f64());
        rows = imported.form.rows.len();
    }
    println!(
        "template reader: {rows} rows from a {} KB workbook in {:.1} ms (best of 5)",
        size / 1024,
        best * 1000.0
    );

    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/baocao");
    if !bin.exists() {
        println!("(build the release binary to time the whole command: cargo build --release)");
        return;
    }
    let db = dir.path().join("b.db");
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut c = Command::new(&bin);
        c.env("BAOCAO_DB", &db)
            .env("HOME", dir.path())
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null());
        let mut child = c.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success(), "{args:?}");
    };
    run(&["-q", "init", "--password-stdin"], "Bench-mark-2026!\n");
    run(
        &["-q", "login", "admin", "--password-stdin"],
        "Bench-mark-2026!\n",
    );
    let p = path.to_str().unwrap();
    let t = Instant::now();
    run(
        &["-q", "form", "import", p, "--code", "TH99", "--dry-run"],
        "",
    );
    let dry = t.elapsed().as_secs_f64();
    let t = Instant::now();
    run(&["-q", "form", "import", p, "--code", "TH99"], "");
    let full = t.elapsed().as_secs_f64();
    println!("baocao form import --dry-run: {:.1} ms; storing the form and {rows} new indicators: {:.1} ms", dry * 1000.0, full * 1000.0);
}
