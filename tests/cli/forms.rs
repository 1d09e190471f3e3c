//! Template import end to end: realistic Vietnamese templates made with rust_xlsxwriter.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Formula, Workbook};
use serde_json::{json, Value};

use crate::common::{fixture, Env};

/// A monthly socio-economic report in the usual provincial layout, starting at `top`
/// rows and `left` columns from A1. `extra_row` adds one more indicator (a new version).
pub fn ktxh_template(path: &Path, top: u32, left: u16, extra_row: bool) {
    ktxh_filled(path, top, left, extra_row, &[]);
}

/// The same template with values typed in: (row name, data column 1-based, value).
pub fn ktxh_filled(path: &Path, top: u32, left: u16, extra_row: bool, values: &[(&str, u16, f64)]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Bieu01").unwrap();
    let bold = Format::new().set_bold();
    let (t, l) = (top, left);
    ws.write_string(t, l, "Biểu số 01/KTXH-X").unwrap();
    ws.write_string(t, l + 3, "BÁO CÁO TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG")
        .unwrap();
    ws.write_string(t + 1, l + 3, "Tháng ... năm 2026").unwrap();
    ws.write_string(t + 1, l + 6, "Đơn vị báo cáo: UBND xã")
        .unwrap();
    ws.write_string(t + 2, l + 6, "Đơn vị nhận báo cáo: UBND tỉnh")
        .unwrap();
    // Two header rows with merges, then the column-number row.
    let h = t + 4;
    ws.merge_range(h, l, h + 1, l, "STT", &bold).unwrap();
    ws.merge_range(h, l + 1, h + 1, l + 1, "Chỉ tiêu", &bold)
        .unwrap();
    ws.merge_range(h, l + 2, h + 1, l + 2, "Đơn vị tính", &bold)
        .unwrap();
    ws.merge_range(h, l + 3, h + 1, l + 3, "Kế hoạch năm 2026", &bold)
        .unwrap();
    ws.merge_range(h, l + 4, h, l + 5, "Thực hiện", &bold)
        .unwrap();
    ws.write_string_with_format(h + 1, l + 4, "Tháng báo cáo", &bold)
        .unwrap();
    ws.write_string_with_format(h + 1, l + 5, "Lũy kế từ đầu năm", &bold)
        .unwrap();
    ws.merge_range(
        h,
        l + 6,
        h + 1,
        l + 6,
        "So sánh lũy kế với kế hoạch (%)",
        &bold,
    )
    .unwrap();
    for (i, s) in ["A", "B", "C", "1", "2", "3", "4=3/1*100"]
        .iter()
        .enumerate()
    {
        ws.write_string(h + 2, l + i as u16, *s).unwrap();
    }
    let col = |c: u16| -> String {
        let mut n = c as u32 + 1;
        let mut s = String::new();
        while n > 0 {
            let r = (n - 1) % 26;
            s.insert(0, (b'A' + r as u8) as char);
            n = (n - 1) / 26;
        }
        s
    };
    let mut r = h + 3;
    fn put(
        ws: &mut rust_xlsxwriter::Worksheet,
        l: u16,
        stt: &str,
        name: &str,
        unit: &str,
        r: &mut u32,
    ) -> u32 {
        ws.write_string(*r, l, stt).unwrap();
        ws.write_string(*r, l + 1, name).unwrap();
        if !unit.is_empty() {
            ws.write_string(*r, l + 2, unit).unwrap();
        }
        *r += 1;
        *r - 1
    }
    let mut row_names: Vec<(u32, String)> = Vec::new();
    let mut row = |stt: &str, name: &str, unit: &str, r: &mut u32| {
        row_names.push((*r, name.to_string()));
        put(ws, l, stt, name, unit, r)
    };
    row("I", "KINH TẾ", "", &mut r);
    let total = row("1", "Diện tích gieo trồng cây hằng năm", "ha", &mut r);
    let lua = row("-", "Lúa", "ha", &mut r);
    row("-", "Ngô", "ha", &mut r);
    let last = row("-", "Rau các loại", "ha", &mut r);
    // The total is the sum of its parts, as the template says with a formula.
    r += 1; // a blank spacer row
    row(
        "2",
        "Thu ngân sách nhà nước trên địa bàn",
        "triệu đồng",
        &mut r,
    );
    row("", "Trong đó:", "", &mut r);
    row("-", "Thu nội địa", "triệu đồng", &mut r);
    if extra_row {
        row("-", "Thu từ xuất nhập khẩu", "triệu đồng", &mut r);
    }
    row("II", "VĂN HÓA - XÃ HỘI", "", &mut r);
    let poor = row("1", "Tỷ lệ hộ nghèo", "%", &mut r);
    let c3 = col(l + 3);
    let parts_sum: f64 = values
        .iter()
        .filter(|(n, c, _)| *c == 1 && ["Lúa", "Ngô", "Rau các loại"].contains(n))
        .map(|(_, _, v)| v)
        .sum();
    // A spreadsheet program saves a formula with its result; so do we.
    ws.write_formula(
        total,
        l + 3,
        Formula::new(format!("=SUM({c3}{}:{c3}{})", lua + 1, last + 1))
            .set_result(parts_sum.to_string()),
    )
    .unwrap();
    // A rate has no yearly plan in this form: not applicable.
    ws.write_string(poor, l + 3, "x").unwrap();
    r += 1;
    for (name, col, v) in values {
        // Find the row by scanning what was written: rows start below the number row.
        for rr in h + 3..r {
            if row_names.iter().any(|(x, n)| *x == rr && n == name) {
                ws.write_number(rr, l + 2 + col, *v).unwrap();
            }
        }
    }
    ws.write_string(r, l + 1, "Người lập biểu").unwrap();
    ws.write_string(r, l + 5, "Thủ trưởng đơn vị").unwrap();
    wb.save(path).unwrap();
}

fn template(env: &Env, name: &str, top: u32, left: u16, extra: bool) -> PathBuf {
    let p = env.path(name);
    ktxh_template(&p, top, left, extra);
    p
}

fn row<'a>(form: &'a Value, name: &str) -> &'a Value {
    form["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row {name}: {form}"))
}

#[test]
fn a_template_imports_to_the_form_contract() {
    let env = Env::with_province();
    let f = template(&env, "bieu01.xlsx", 0, 0, false);
    let rep = env.json(&["form", "import", f.to_str().unwrap(), "--code", "KTXH01"]);
    assert_eq!(rep["version"], 1);
    assert_eq!(rep["computed_columns"], json!(["4=3/1*100"]));
    let form = env.json(&["form", "show", "KTXH01"]);
    assert_eq!(form["code"], "KTXH01");
    assert_eq!(form["version"], 1);
    assert_eq!(form["form_no"], "Biểu số 01/KTXH-X");
    assert_eq!(form["title"], "BÁO CÁO TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG");
    let numbers: Vec<&str> = form["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4"]);
    let c2 = &form["columns"][1];
    assert_eq!(c2["header"], json!(["Thực hiện", "Tháng báo cáo"]));
    assert_eq!(c2["role"], "input");
    assert_eq!(form["columns"][3]["role"], "computed");
    assert_eq!(form["columns"][3]["formula"], "3/1*100");
    let kt = row(&form, "KINH TẾ");
    assert_eq!(
        (kt["role"].as_str(), kt["level"].as_u64()),
        (Some("heading"), Some(1))
    );
    let dt = row(&form, "Diện tích gieo trồng cây hằng năm");
    assert_eq!(dt["role"], "computed");
    assert_eq!(dt["level"], 2);
    let lua = row(&form, "Lúa");
    assert_eq!(lua["parent"], dt["key"]);
    assert_eq!(lua["unit"], "ha");
    assert_eq!(lua["level"], 3);
    let nd = row(&form, "Thu nội địa");
    assert_eq!(nd["relation"], "of_which");
    assert_eq!(
        nd["parent"],
        row(&form, "Thu ngân sách nhà nước trên địa bàn")["key"]
    );
    let poor = row(&form, "Tỷ lệ hộ nghèo");
    assert!(
        form["not_applicable"]
            .as_array()
            .unwrap()
            .contains(&json!({"row": poor["key"], "column": form["columns"][0]["key"]})),
        "{}",
        form["not_applicable"]
    );
    // Every measured row is linked to a catalogue indicator, created on the way.
    let ind = lua["indicator"].as_str().unwrap();
    assert_eq!(env.json(&["indicator", "show", ind])["unit"], "ha");
    assert_eq!(
        env.json(&["indicator", "show", poor["indicator"].as_str().unwrap()])["aggregation"],
        "average"
    );
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
}

#[test]
fn reimporting_is_a_no_op_and_a_changed_template_is_a_new_version() {
    let env = Env::with_province();
    let f = template(&env, "v1.xlsx", 3, 2, false);
    env.json(&["form", "import", f.to_str().unwrap(), "--code", "KTXH01"]);
    let again = env.json(&["form", "import", f.to_str().unwrap(), "--code", "KTXH01"]);
    assert_eq!(
        (again["unchanged"].as_bool(), again["version"].as_u64()),
        (Some(true), Some(1))
    );
    let g = template(&env, "v2.xlsx", 0, 0, true);
    let dry = env.json(&[
        "form",
        "import",
        g.to_str().unwrap(),
        "--code",
        "KTXH01",
        "--dry-run",
    ]);
    assert_eq!(dry["version"], 2);
    assert_eq!(env.json(&["form", "list"])[0]["version"], 1);
    let v2 = env.json(&["form", "import", g.to_str().unwrap(), "--code", "KTXH01"]);
    assert_eq!(v2["version"], 2);
    assert!(
        v2["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("Thu từ xuất nhập khẩu")),
        "{}",
        v2["changes"]
    );
    let diff = env.json(&["form", "diff", "KTXH01", "1", "2"]);
    assert!(
        diff.as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "added"),
        "{diff}"
    );
    // Keys stay stable across versions: old rows keep theirs.
    let (a, b) = (
        env.json(&["form", "show", "KTXH01", "--version", "1"]),
        env.json(&["form", "show", "KTXH01"]),
    );
    assert_eq!(row(&a, "Lúa")["key"], row(&b, "Lúa")["key"]);
    assert_eq!(
        env.json(&["form", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    env.run(&["form", "show", "KTXH01", "--version", "9"])
        .code(6);
}

#[test]
fn the_blank_template_imports_back_to_the_same_structure() {
    let env = Env::with_province();
    let f = template(&env, "bieu.xlsx", 0, 0, false);
    env.json(&["form", "import", f.to_str().unwrap(), "--code", "KTXH01"]);
    let out = env.path("trang.xlsx");
    env.run(&[
        "form",
        "export-template",
        "KTXH01",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    env.json(&["form", "import", out.to_str().unwrap(), "--code", "KTXH01B"]);
    let (a, b) = (
        env.json(&["form", "show", "KTXH01"]),
        env.json(&["form", "show", "KTXH01B"]),
    );
    let shape = |f: &Value| -> Vec<(Value, Value, Value, Value)> {
        f["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].clone(),
                    r["level"].clone(),
                    r["role"].clone(),
                    r["relation"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(shape(&a), shape(&b));
    assert_eq!(a["columns"], b["columns"]);
    // Same indicators: the second form links to the first one's catalogue entries.
    assert_eq!(row(&a, "Lúa")["indicator"], row(&b, "Lúa")["indicator"]);
}

#[test]
fn files_that_are_not_templates_are_refused_and_nothing_is_stored() {
    let env = Env::with_province();
    let garbage = env.write("rac.xlsx", "đây không phải bảng tính");
    let empty = env.write("rong.xlsx", "");
    let good = template(&env, "tot.xlsx", 0, 0, false);
    let bytes = std::fs::read(&good).unwrap();
    let truncated = env.path("cut.xlsx");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let blank = env.path("trang.xlsx");
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .write_string(0, 0, "Danh sách cán bộ")
        .unwrap();
    wb.save(&blank).unwrap();
    // An encrypted workbook is an OLE compound file, not a zip.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    let encrypted = env.path("mat-khau.xlsx");
    std::fs::write(&encrypted, ole).unwrap();
    for f in [&garbage, &empty, &truncated, &blank, &encrypted] {
        let r = env
            .run(&["form", "import", f.to_str().unwrap(), "--code", "X1"])
            .code(5);
        assert!(!r.stderr.is_empty(), "{}", f.display());
    }
    // A compound (OLE) file: an encrypted workbook or an old .xls; either way it says so.
    let r = env
        .run(&[
            "--lang",
            "en",
            "form",
            "import",
            encrypted.to_str().unwrap(),
            "--code",
            "X1",
        ])
        .code(5);
    assert!(
        r.stderr.contains("password") || r.stderr.contains(".xls"),
        "{}",
        r.stderr
    );
    env.run(&["form", "import", "/khong/co.xlsx", "--code", "X1"])
        .code(6);
    assert_eq!(env.json(&["form", "list"]), json!([]));
    assert_eq!(env.json(&["indicator", "list"]), json!([]));
}

#[test]
fn a_zip_bomb_is_refused_quickly() {
    use std::io::Write;
    let env = Env::with_province();
    let p = env.path("bom.xlsx");
    let file = std::fs::File::create(&p).unwrap();
    let mut z = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(b"<Types/>").unwrap();
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..130 {
        z.write_all(&zeros).unwrap(); // 130 MiB of spaces (the limit is 120 MB), a few hundred kilobytes compressed
    }
    z.finish().unwrap();
    assert!(std::fs::metadata(&p).unwrap().len() < 20 << 20);
    let r = env
        .run(&["form", "import", p.to_str().unwrap(), "--code", "BOM"])
        .code(5);
    assert!(!r.stderr.is_empty());
}

#[test]
fn a_unit_of_measure_clash_names_both_forms() {
    let env = Env::with_province();
    let mapping = |unit: &str| {
        json!({
            "code": "X", "version": 1, "title": "BIỂU THỬ", "kind": "numeric",
            "columns": [{"key": "c1", "number": "1", "header": ["Thực hiện"], "type": "decimal", "role": "input", "formula": null}],
            "rows": [{"key": "r1", "stt": "1", "code": null, "name": "Sản lượng lúa", "unit": unit, "level": 1, "parent": null,
                      "role": "input", "relation": null, "formula": null, "indicator": "SL_LUA"}],
            "not_applicable": []
        })
        .to_string()
    };
    let a = env.write("a.json", &mapping("tấn"));
    env.json(&[
        "form",
        "import",
        a.to_str().unwrap(),
        "--code",
        "NN01",
        "--mapping",
    ]);
    assert_eq!(env.json(&["indicator", "show", "SL_LUA"])["unit"], "tấn");
    let b = env.write("b.json", &mapping("tạ"));
    let r = env
        .run(&[
            "--lang",
            "en",
            "form",
            "import",
            b.to_str().unwrap(),
            "--code",
            "NN02",
            "--mapping",
        ])
        .code(5);
    assert!(
        r.stderr.contains("NN01") && r.stderr.contains("NN02") && r.stderr.contains("SL_LUA"),
        "{}",
        r.stderr
    );
    env.run(&["form", "show", "NN02"]).code(6);
    // Changing the indicator's unit against the form that uses it is refused too.
    let r = env
        .run(&["indicator", "update", "SL_LUA", "--unit", "kg"])
        .code(5);
    assert!(r.stderr.contains("NN01"), "{}", r.stderr);
    let bad = env.write("bad.json", "{\"code\": \"Y\", \"rows\": 5}");
    env.run(&[
        "form",
        "import",
        bad.to_str().unwrap(),
        "--code",
        "Y",
        "--mapping",
    ])
    .code(5);
}

#[test]
fn legacy_tcvn3_text_in_a_template_is_converted_with_a_warning() {
    let env = Env::with_province();
    let p = env.path("tcvn3.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "BÁO CÁO THỬ").unwrap();
    for (i, s) in ["STT", "Chỉ tiêu", "Đơn vị tính", "Thực hiện"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, i as u16, *s).unwrap();
    }
    ws.write_string(3, 0, "1").unwrap();
    // "Số người lao động" as TCVN3 bytes read as Latin-1.
    ws.write_string(3, 1, "Sè ng\u{AD}êi lao ®éng").unwrap();
    ws.write_string(3, 2, "ng\u{AD}êi").unwrap();
    ws.write_string(5, 1, "Người lập biểu").unwrap();
    wb.save(&p).unwrap();
    let r = env
        .run(&[
            "-o",
            "json",
            "form",
            "import",
            p.to_str().unwrap(),
            "--code",
            "LD",
        ])
        .ok();
    assert!(
        !r.json()["warnings"].as_array().unwrap().is_empty(),
        "{}",
        r.stdout
    );
    let form = env.json(&["form", "show", "LD"]);
    assert_eq!(form["rows"][0]["name"], "Số người lao động");
    assert_eq!(form["rows"][0]["unit"], "người");
}

#[test]
fn the_real_ktxh_template_meets_its_expectations() {
    let dir = fixture("templates");
    let env = Env::with_province();
    let f = dir.join("bieu-01-ktxh-thang.xlsx");
    let expect: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("bieu-01-ktxh-thang.expect.json")).unwrap(),
    )
    .unwrap();
    env.json(&["form", "import", f.to_str().unwrap(), "--code", "KTXH01"]);
    let form = env.json(&["form", "show", "KTXH01"]);
    assert_eq!(form["form_no"], expect["form_no"]);
    assert_eq!(
        form["rows"].as_array().unwrap().len() as u64,
        expect["rows"].as_u64().unwrap()
    );
    for (name, level) in expect["levels"].as_object().unwrap() {
        assert_eq!(&row(&form, name)["level"], level, "{name}");
    }
}
