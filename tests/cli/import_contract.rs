//! One exit-status contract for imports (dry runs with conflicts, folders with some
//! files refused), and fill-in workbooks whose formulas carry no cached result.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{CalculationMode, Formula, Workbook};
use serde_json::{json, Value};

use crate::common::Env;

fn with_regime() -> Env {
    let env = Env::with_province();
    env.add_ktxh_regime();
    env
}

#[test]
fn dry_runs_that_find_conflicts_exit_5_for_every_import_and_write_nothing() {
    let env = Env::with_province();
    let units = env.write(
        "units.csv",
        "code,name,kind,parent\nH99.30,Xã A,commune,000.00.00.H99\nH99.31,Xã B,commune,KHONGCO\n",
    );
    let accounts = env.write(
        "accounts.csv",
        "username,full_name,unit,roles\nmoi,Nguyễn Văn Mới,H99.01,\nma,Ma Văn Ma,KHONGCO,\n",
    );
    let indicators = env.write(
        "indicators.json",
        &json!([
            {"code": "DS09", "name": "Dân số trung bình"},
            {"code": "TL01", "name": "Tỷ lệ hộ nghèo", "aggregation": "weighted_average"}
        ])
        .to_string(),
    );
    let calendar = env.write(
        "calendar.csv",
        "date,kind,name\n2026-12-30,off,Nghỉ bù\n2026-12-31,off,Nghỉ\n31/12/2026,workday,Làm\n",
    );
    for (what, file) in [
        ("unit", &units),
        ("account", &accounts),
        ("indicator", &indicators),
        ("calendar", &calendar),
    ] {
        let file = file.to_str().unwrap();
        let r = env
            .run(&["-o", "json", what, "import", file, "--dry-run"])
            .code(5);
        // The report is still printed, conflicts listed.
        let report = r.json();
        assert_eq!(report["dry_run"], true, "{what}");
        assert!(
            !report["conflicts"].as_array().unwrap().is_empty(),
            "{what}: {report}"
        );
        assert!(r.stderr.contains("Chạy thử"), "{what}: {}", r.stderr);
        let en = env
            .run(&["--lang", "en", what, "import", file, "--dry-run"])
            .code(5);
        assert!(
            en.stderr.contains("Dry run") && en.stderr.contains("nothing was written"),
            "{what}: {}",
            en.stderr
        );
        // And the real import refuses the file the same way.
        env.run(&[what, "import", file]).code(5);
    }
    // Nothing of any file was written.
    env.run(&["unit", "show", "H99.30"]).code(6);
    env.run(&["account", "show", "moi"]).code(6);
    env.run(&["indicator", "show", "DS09"]).code(6);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let days: i64 = conn
        .query_row("SELECT count(*) FROM calendar_override", [], |r| r.get(0))
        .unwrap();
    assert_eq!(days, 0, "the calendar changed");
    // A dry run without conflicts is a success.
    let clean = env.write(
        "clean.csv",
        "code,name,kind,parent\nH99.40,Xã C,commune,000.00.00.H99\n",
    );
    let ok = env.json(&["unit", "import", clean.to_str().unwrap(), "--dry-run"]);
    assert_eq!(ok["created"], 1);
    env.run(&["unit", "show", "H99.40"]).code(6);
}

#[test]
fn a_folder_import_that_refuses_some_files_says_it_was_partial() {
    let env = with_regime();
    let lua = env.row_key("KTXH01", "Lúa");
    let dir = env.path("thu-muc");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("a.json"),
        json!([{"row_code": lua, "column_number": "1", "value": "300"}]).to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.join("b.csv"),
        format!("row_code,column_number,value\n{lua},2,hai trăm\n"),
    )
    .unwrap();
    let given = ["--regime", "KTXH", "--unit", "H99.03", "--period", "202611"];
    let mut args = vec!["entry", "import", dir.to_str().unwrap()];
    args.extend_from_slice(&given);
    let r = env.run(&args).code(5);
    assert!(
        r.stderr
            .contains("Nhập một phần: 1 tệp đã nhập, 1 tệp bị từ chối"),
        "{}",
        r.stderr
    );
    // The imported file stays imported; the refused one wrote nothing.
    let shown = env.json(&[
        "entry", "show", "KTXH", "--period", "202611", "--unit", "H99.03",
    ]);
    let values: Vec<(String, String)> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["column"].as_str().unwrap().to_string(),
                c["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(values, vec![("1".to_string(), "300".to_string())]);
    // Run again: a.json is unchanged, b.csv refused: still partial, in English too.
    let mut en = vec!["--lang", "en"];
    en.extend_from_slice(&args);
    let r = env.run(&en).code(5);
    assert!(
        r.stderr
            .contains("Partial import: 1 files imported, 1 files refused"),
        "{}",
        r.stderr
    );
    // Every file refused: not partial.
    std::fs::remove_file(dir.join("a.json")).unwrap();
    std::fs::write(dir.join("c.csv"), format!("{lua},1,ba\n")).unwrap();
    let r = env.run(&args).code(5);
    assert!(
        r.stderr.contains("2 tệp bị từ chối") && !r.stderr.contains("một phần"),
        "{}",
        r.stderr
    );
}

/// The identity sheet of a fill-in workbook, row by row, and its data sheet's name.
fn identity(path: &Path) -> (Vec<Vec<String>>, String) {
    let bytes = std::fs::read(path).unwrap();
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("_baocao").unwrap();
    let rows: Vec<Vec<String>> = range
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
        .collect();
    let sheet = rows
        .iter()
        .find(|r| r[0] == "sheet")
        .map(|r| r[1].clone())
        .unwrap();
    (rows, sheet)
}

/// The A1 address of the cell (row key, column key) in the identity's map.
fn address(rows: &[Vec<String>], row: &str, column: &str) -> String {
    rows.iter()
        .find(|r| r.len() >= 4 && r[0] == "cell" && r[1] == row && r[2] == column)
        .map(|r| r[3].clone())
        .unwrap_or_else(|| panic!("no cell {row} × {column}"))
}

/// A 0-based (row, column) of an A1 address.
fn at(a1: &str) -> (u32, u16) {
    let split = a1.find(|c: char| c.is_ascii_digit()).unwrap();
    let col = a1[..split]
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
    (a1[split..].parse::<u32>().unwrap() - 1, (col - 1) as u16)
}

/// A workbook as a library that does not calculate writes it: the identity sheet
/// copied, the given cells of the data sheet written (a formula with no result).
fn rewrite(
    out: &Path,
    rows: &[Vec<String>],
    sheet: &str,
    cells: &[(&str, &str)],
    recalc_on_load: bool,
) {
    let mut book = Workbook::new();
    if !recalc_on_load {
        book.set_calculation_mode(CalculationMode::Manual);
    }
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    ws.set_formula_result_default("");
    for (a1, what) in cells {
        let (r, c) = at(a1);
        if let Some(f) = what.strip_prefix('=') {
            ws.write_formula(r, c, Formula::new(format!("={f}")))
                .unwrap();
        } else {
            ws.write_number(r, c, what.parse::<f64>().unwrap()).unwrap();
        }
    }
    let id = book.add_worksheet();
    id.set_name("_baocao").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                id.write_string(r as u32, c as u16, text).unwrap();
            }
        }
    }
    book.save(out).unwrap();
}

fn value_of(shown: &Value, row: &str, column: &str) -> Option<String> {
    shown
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["row"] == row && c["column"] == column)
        .and_then(|c| c["value"].as_str().map(str::to_string))
}

#[test]
fn a_formula_without_a_cached_result_in_an_input_cell_is_computed_or_refused() {
    let env = with_regime();
    let lua = env.row_key("KTXH01", "Lúa");
    let ngo = env.row_key("KTXH01", "Ngô");
    let template = env.path("nhap.xlsx");
    let which = ["KTXH", "--period", "202611", "--unit", "H99.01"];
    let mut a = vec!["entry", "template"];
    a.extend_from_slice(&which);
    a.extend_from_slice(&["--out", template.to_str().unwrap()]);
    env.json(&a);
    let (rows, sheet) = identity(&template);
    let column_key = |number: &str| -> String {
        let form = env.json(&["form", "show", "KTXH01"]);
        form["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["number"] == number)
            .unwrap()["key"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (c1, c2, c3) = (column_key("1"), column_key("2"), column_key("3"));
    let lua1 = address(&rows, &lua, &c1);
    let lua2 = address(&rows, &lua, &c2);
    let lua3 = address(&rows, &lua, &c3);
    let ngo1 = address(&rows, &ngo, &c1);
    let import = |file: &Path| {
        let mut a = vec!["entry", "import", file.to_str().unwrap()];
        a.extend_from_slice(&["--regime", "KTXH", "--unit", "H99.01", "--period", "202611"]);
        env.run(&a)
    };
    let show = || {
        let mut a = vec!["entry", "show"];
        a.extend_from_slice(&which);
        env.json(&a)
    };

    // No cached value at all (openpyxl, a library without results): computed.
    let openpyxl = env.path("openpyxl.xlsx");
    rewrite(
        &openpyxl,
        &rows,
        &sheet,
        &[
            (&lua1, "1200.5"),
            (&lua2, &format!("={lua1}/2+SUM({ngo1}:{ngo1})")),
            (&lua3, &format!("=({lua2}+0.25)*2")),
            (&ngo1, "10"),
        ],
        false,
    );
    import(&openpyxl).ok();
    let shown = show();
    assert_eq!(
        value_of(&shown, &lua, "2").as_deref(),
        Some("610.25"),
        "{shown}"
    );
    assert_eq!(
        value_of(&shown, &lua, "3").as_deref(),
        Some("1221"),
        "{shown}"
    );

    // A placeholder result with fullCalcOnLoad (rust_xlsxwriter): not trusted.
    let placeholder = env.path("placeholder.xlsx");
    rewrite(
        &placeholder,
        &rows,
        &sheet,
        &[(&lua1, "1000"), (&lua2, &format!("={lua1}*3/4"))],
        true,
    );
    import(&placeholder).ok();
    assert_eq!(value_of(&show(), &lua, "2").as_deref(), Some("750"));

    // A formula that cannot be computed here: refused, naming the cell, nothing written.
    let before = show();
    let rounding = env.path("round.xlsx");
    rewrite(
        &rounding,
        &rows,
        &sheet,
        &[(&lua1, "5"), (&lua2, &format!("=ROUND({lua1}*1.1,0)"))],
        false,
    );
    let r = import(&rounding).code(5);
    assert!(
        r.stderr.contains(&lua2) && r.stderr.contains("ROUND"),
        "{}",
        r.stderr
    );
    assert_eq!(show(), before);
    let r = env
        .run(&[
            "--lang",
            "en",
            "entry",
            "import",
            rounding.to_str().unwrap(),
            "--regime",
            "KTXH",
            "--unit",
            "H99.01",
            "--period",
            "202611",
        ])
        .code(5);
    assert!(
        r.stderr.contains(&lua2) && r.stderr.contains("cannot be computed"),
        "{}",
        r.stderr
    );
}

/// `path` with the text of every `<v>FROM</v>` in its sheets replaced by `to`.
fn patch_values(path: &Path, from: &str, to: &str) {
    use std::io::{Read, Write};
    let bytes = std::fs::read(path).unwrap();
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/") {
            let text = String::from_utf8(data).unwrap();
            data = text
                .replace(&format!("<v>{from}</v>"), &format!("<v>{to}</v>"))
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn out_of_range_numbers_are_refused_from_a_workbook_as_from_csv() {
    let env = with_regime();
    let lua = env.row_key("KTXH01", "Lúa");
    let template = env.path("nhap.xlsx");
    env.json(&[
        "entry",
        "template",
        "KTXH",
        "--period",
        "202611",
        "--unit",
        "H99.01",
        "--out",
        template.to_str().unwrap(),
    ]);
    let (rows, sheet) = identity(&template);
    let form = env.json(&["form", "show", "KTXH01"]);
    let c1 = form["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == "1")
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();
    let lua1 = address(&rows, &lua, &c1);
    let given = ["--regime", "KTXH", "--unit", "H99.01", "--period", "202611"];
    for typed in ["1e-400", "1E+400", "1E-30"] {
        let csv = env.write("so-lieu.csv", &format!("{lua},1,{typed}\n"));
        let mut a = vec!["--lang", "en", "entry", "import", csv.to_str().unwrap()];
        a.extend_from_slice(&given);
        let from_csv = env.run(&a).code(5);
        let book = env.path("so-lieu.xlsx");
        rewrite(&book, &rows, &sheet, &[(&lua1, "123456.789")], false);
        patch_values(&book, "123456.789", typed);
        let mut a = vec!["--lang", "en", "entry", "import", book.to_str().unwrap()];
        a.extend_from_slice(&given);
        let from_xlsx = env.run(&a).code(5);
        assert!(
            from_xlsx.stderr.contains(&lua1) && from_xlsx.stderr.contains(typed),
            "{typed}: {}",
            from_xlsx.stderr
        );
        // The same reason as from CSV, only the place differs.
        let reason = |s: &str| -> String {
            s.lines()
                .find(|l| l.contains(typed))
                .and_then(|l| l.split_once(typed))
                .map(|(_, after)| after.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            reason(&from_xlsx.stderr),
            reason(&from_csv.stderr),
            "{}\n{}",
            from_xlsx.stderr,
            from_csv.stderr
        );
    }
    // Nothing was written: there is no report at all.
    env.run(&[
        "entry", "show", "KTXH", "--period", "202611", "--unit", "H99.01",
    ])
    .code(6);
}
