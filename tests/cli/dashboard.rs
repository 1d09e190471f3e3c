//! The dashboard end to end: three months of rice reports, some late, one missing,
//! two returned; the workbook read back agrees with `compliance` and `aggregate`.

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

use crate::aggregation::{lua_regime, report_in};
use crate::common::Env;

const AS_OF: &str = "2026-11-30T17:00:00+07:00";

/// SXLUA from September: H99.01 always on time; H99.02 on time but late in October;
/// H99.03 sends nothing in September and is returned in October and November.
pub fn province() -> Env {
    let mut env = Env::with_province();
    env.now = Some("2026-09-01T08:00:00+07:00".into());
    lua_regime(&env);
    let cells = |area: &'static str, done: &'static str| {
        vec![
            ("r1", "1", area),
            ("r1", "2", done),
            ("r2", "1", "50"),
            ("r2", "2", "60"),
            ("r3", "1", "500"),
            ("r3", "2", "720"),
        ]
    };
    let at = |env: &mut Env, t: &str| env.now = Some(t.to_string());
    at(&mut env, "2026-09-18T09:00:00+07:00");
    report_in(&env, "202609", "H99.01", &cells("100", "110"), true);
    report_in(&env, "202609", "H99.02", &cells("200", "190"), true);
    at(&mut env, "2026-10-16T09:00:00+07:00");
    report_in(&env, "202610", "H99.01", &cells("100", "120"), true);
    report_in(&env, "202610", "H99.03", &cells("9", "9"), false);
    at(&mut env, "2026-10-28T09:00:00+07:00");
    report_in(&env, "202610", "H99.02", &cells("250", "210"), true);
    at(&mut env, "2026-11-18T09:00:00+07:00");
    report_in(&env, "202611", "H99.01", &cells("100", "130"), true);
    report_in(&env, "202611", "H99.02", &cells("200", "150"), true);
    report_in(&env, "202611", "H99.03", &cells("9", "9"), false);
    at(&mut env, AS_OF);
    env
}

fn zip_has(path: &Path, name: &str) -> bool {
    let f = std::fs::File::open(path).expect("open workbook");
    let mut zip = zip::ZipArchive::new(f).expect("zip");
    let mut s = String::new();
    let found = zip
        .by_name(name)
        .map(|mut e| e.read_to_string(&mut s).is_ok());
    found.unwrap_or(false)
}

fn number(d: Option<&Data>) -> f64 {
    match d {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(d: Option<&Data>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

#[test]
fn the_workbook_agrees_with_compliance_and_aggregate() {
    let env = province();
    let out = env.path("bang-theo-doi.xlsx");
    let summary = env.json(&[
        "export",
        "dashboard",
        "--regime",
        "SXLUA",
        "--from",
        "202609",
        "--to",
        "202611",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(summary["units"], 3);
    assert_eq!(
        summary["periods"],
        serde_json::json!(["202609", "202610", "202611"])
    );
    assert_eq!(summary["charts"], 4, "one bar chart and three lines");
    // The month's actuals by default, not the annual plan.
    assert_eq!(summary["column"], "2");

    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Biểu đồ",
            "Số liệu đúng hạn",
            "Số liệu chỉ tiêu",
            "Thông tin"
        ]
    );
    assert!(zip_has(&out, "xl/charts/chart1.xml"));
    assert!(zip_has(&out, "xl/charts/chart4.xml"));

    // Timeliness: the numbers of `compliance` over the same span.
    let compliance = env.json(&[
        "compliance",
        "--from",
        "202609",
        "--to",
        "202611",
        "--regime",
        "SXLUA",
    ]);
    let counts = book.worksheet_range("Số liệu đúng hạn").unwrap();
    let mut seen = 0;
    for r in 1..counts.height() as u32 {
        let unit = text(counts.get_value((r, 0)));
        let c = compliance
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == unit.as_str())
            .unwrap_or_else(|| panic!("{unit} is not in compliance"));
        for (col, key) in [
            (2, "on_time"),
            (3, "extended"),
            (4, "late"),
            (5, "missing"),
            (8, "returned"),
        ] {
            assert_eq!(
                number(counts.get_value((r, col))),
                c[key].as_u64().unwrap() as f64,
                "{unit} {key}"
            );
        }
        assert_eq!(
            number(counts.get_value((r, 6))),
            c["due"].as_u64().unwrap() as f64
        );
        seen += 1;
    }
    assert_eq!(seen, 3);
    // Worst first: H99.03 sent nothing on time.
    assert_eq!(text(counts.get_value((1, 0))), "H99.03");
    let h2 = compliance
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "H99.02")
        .unwrap();
    assert_eq!(
        (h2["on_time"].as_u64(), h2["late"].as_u64()),
        (Some(2), Some(1))
    );

    // Indicators: the values of `aggregate` for each period, column 2; periods in words.
    let series = book.worksheet_range("Số liệu chỉ tiêu").unwrap();
    assert_eq!(text(series.get_value((0, 1))), "Diện tích lúa (ha)");
    assert_eq!(text(series.get_value((0, 7))), "Sản lượng lúa (tấn)");
    for (i, period) in ["202609", "202610", "202611"].iter().enumerate() {
        let agg = env.json(&["aggregate", "SXLUA", period]);
        let row = i as u32 + 1;
        let label = format!("T{}/{}", period[4..].trim_start_matches('0'), &period[..4]);
        assert_eq!(text(series.get_value((row, 0))), label);
        for (k, key) in ["r1", "r2", "r3"].iter().enumerate() {
            let want: f64 = agg["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["row"] == *key)
                .unwrap()["values"]["2"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            let got = number(series.get_value((row, k as u32 * 3 + 1)));
            assert!((got - want).abs() < 1e-9, "{period} {key}: {got} ≠ {want}");
        }
    }
    assert_eq!(number(series.get_value((1, 1))), 300.0);
    assert_eq!(number(series.get_value((3, 1))), 280.0);
    let info = book.worksheet_range("Thông tin").unwrap();
    assert!(info
        .rows()
        .flatten()
        .any(|c| c.to_string().contains("SXLUA")));

    // An existing file is kept unless --force; --force replaces it.
    let again = [
        "export",
        "dashboard",
        "--regime",
        "SXLUA",
        "--from",
        "202611",
        "--to",
        "202611",
        "--out",
        out.to_str().unwrap(),
    ];
    let r = env.run(&again).code(7);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    let mut forced = again.to_vec();
    forced.push("--force");
    let v = env.json(&forced);
    assert_eq!(v["periods"], serde_json::json!(["202611"]));
}

#[test]
fn chosen_indicators_and_column_follow_the_aggregate() {
    let env = province();
    let d = env.json(&[
        "dashboard",
        "--regime",
        "SXLUA",
        "--from",
        "202609",
        "--to",
        "202611",
        "--indicator",
        "SL_LUA",
        "--indicator",
        "1",
        "--column",
        "2",
    ]);
    let rows: Vec<&str> = d["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["row"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["r3", "r1"]);
    assert_eq!(d["column"]["number"], "2");
    let area: Vec<Value> = d["indicators"][1]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].clone())
        .collect();
    assert_eq!(
        area,
        [Value::from("300"), Value::from("330"), Value::from("280")]
    );
    assert_eq!(d["indicators"][1]["points"][0]["units_included"], 2);
    assert_eq!(d["indicators"][1]["points"][0]["units_expected"], 3);
    // A returned report was still sent on time: compliance counts it so.
    assert_eq!(d["totals"]["due"], 9);
    assert_eq!(
        (
            d["totals"]["on_time"].as_u64(),
            d["totals"]["late"].as_u64(),
            d["totals"]["missing"].as_u64()
        ),
        (Some(7), Some(1), Some(1))
    );
    assert_eq!(d["totals"]["returned"], 2);
    // Without a regime: every regime, no indicators.
    let all = env.json(&["dashboard", "--from", "202609", "--to", "202611"]);
    assert_eq!(all["regime"], Value::Null);
    assert_eq!(all["indicators"], serde_json::json!([]));
    assert_eq!(all["totals"], d["totals"]);
    // The default span: the regime's last three months up to today.
    let def = env.json(&["dashboard", "--regime", "SXLUA"]);
    assert_eq!(
        def["periods"],
        serde_json::json!(["202609", "202610", "202611"])
    );
    assert_eq!(def["indicators"].as_array().unwrap().len(), 3);
    env.run(&["dashboard", "--regime", "SXLUA", "--indicator", "NOPE"])
        .code(6);
    env.run(&["dashboard", "--regime", "SXLUA", "--column", "9"])
        .code(6);
}

#[test]
fn the_terminal_summary_is_compact() {
    let env = province();
    insta::assert_snapshot!(env.run(&["dashboard", "--regime", "SXLUA"]).snapshot(), @r"
    SXLUA — Báo cáo sản xuất lúa, kỳ 202609 → 202611 (3 kỳ), tính đến 30/11/2026 17:00
    ┌────────┬─────────────────┬──────────┬──────────┬─────────┬─────┬──────────┬─────────┬───────────┐
    │ Mã     ┆ Đơn vị          ┆ Phải gửi ┆ Đúng hạn ┆ Gia hạn ┆ Trễ ┆ Chưa gửi ┆ Trả lại ┆ Tỷ lệ (%) │
    ╞════════╪═════════════════╪══════════╪══════════╪═════════╪═════╪══════════╪═════════╪═══════════╡
    │ H99.03 ┆ Xã Đồng Tâm     ┆        3 ┆        2 ┆       0 ┆   0 ┆        1 ┆       2 ┆     66.67 │
    │ H99.02 ┆ Phường Hòa Bình ┆        3 ┆        2 ┆       0 ┆   1 ┆        0 ┆       0 ┆     66.67 │
    │ H99.01 ┆ Xã Tân Phong    ┆        3 ┆        3 ┆       0 ┆   0 ┆        0 ┆       0 ┆    100.00 │
    │        ┆ Tổng cộng       ┆        9 ┆        7 ┆       0 ┆   1 ┆        1 ┆       2 ┆     77.78 │
    └────────┴─────────────────┴──────────┴──────────┴─────────┴─────┴──────────┴─────────┴───────────┘
    Chỉ tiêu, cột 2 (Thực hiện), báo cáo đã tiếp nhận
    ┌──────────────────────┬───────┬────────┬────────┬────────┐
    │ Chỉ tiêu             ┆ ĐVT   ┆ 202609 ┆ 202610 ┆ 202611 │
    ╞══════════════════════╪═══════╪════════╪════════╪════════╡
    │ Diện tích lúa        ┆ ha    ┆    300 ┆    330 ┆    280 │
    │ Năng suất lúa        ┆ tạ/ha ┆     60 ┆     60 ┆     60 │
    │ Sản lượng lúa        ┆ tấn   ┆   1440 ┆   1440 ┆   1440 │
    │ Đơn vị được tổng hợp ┆       ┆    2/3 ┆    2/3 ┆    2/3 │
    └──────────────────────┴───────┴────────┴────────┴────────┘
    [exit status: 0]
    ");
    insta::assert_snapshot!(env.run(&["--lang", "en", "dashboard"]).snapshot(), @r"
    All regimes, period 202611, as of 30/11/2026 17:00
    ┌────────┬─────────────────┬─────┬─────────┬──────────┬──────┬─────────┬──────────┬──────────┐
    │ Code   ┆ Unit            ┆ Due ┆ On time ┆ Extended ┆ Late ┆ Missing ┆ Returned ┆ Rate (%) │
    ╞════════╪═════════════════╪═════╪═════════╪══════════╪══════╪═════════╪══════════╪══════════╡
    │ H99.03 ┆ Xã Đồng Tâm     ┆   1 ┆       1 ┆        0 ┆    0 ┆       0 ┆        1 ┆   100.00 │
    │ H99.02 ┆ Phường Hòa Bình ┆   1 ┆       1 ┆        0 ┆    0 ┆       0 ┆        0 ┆   100.00 │
    │ H99.01 ┆ Xã Tân Phong    ┆   1 ┆       1 ┆        0 ┆    0 ┆       0 ┆        0 ┆   100.00 │
    │        ┆ Total           ┆   3 ┆       3 ┆        0 ┆    0 ┆       0 ┆        1 ┆   100.00 │
    └────────┴─────────────────┴─────┴─────────┴──────────┴──────┴─────────┴──────────┴──────────┘
    [exit status: 0]
    ");
}

#[test]
fn bad_input_says_why_and_leaves_no_file() {
    let env = province();
    let out = env.path("x.xlsx");
    let o = out.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut a = vec!["export", "dashboard"];
        a.extend_from_slice(args);
        env.run(&a)
    };
    insta::assert_snapshot!(run(&["--regime", "NOPE", "--from", "202609", "--to", "202611", "--out", o]).snapshot(), @r"
    ------- stderr -------
    Lỗi: Không có chế độ báo cáo mã «NOPE»
    [exit status: 6]
    ");
    insta::assert_snapshot!(run(&["--from", "202613", "--to", "202611", "--out", o]).snapshot(), @r#"
    ------- stderr -------
    Lỗi: Kỳ báo cáo "202613" không hợp lệ: tháng phải từ 01 đến 12. Các dạng được chấp nhận (không phân biệt chữ hoa, chữ thường): 20261123 hoặc 2026-11-23 (ngày), 2026W48 (tuần ISO), 202611H1, 202611H2 (nửa tháng), 202611 hoặc 2026-11 (tháng), 2026Q1 đến 2026Q4 (quý), 2026S1, 2026S2 (6 tháng), 2026 (năm), 2025Sep (năm học 2025-2026).
    [exit status: 5]
    "#);
    insta::assert_snapshot!(run(&["--from", "202609", "--to", "2026Q4", "--out", o]).snapshot(), @r"
    ------- stderr -------
    Lỗi: --from 202609 là kỳ hằng tháng còn --to 2026Q4 là kỳ hằng quý: hai đầu phải cùng loại kỳ
    [exit status: 2]
    ");
    insta::assert_snapshot!(run(&["--lang", "en", "--from", "202611", "--to", "202609", "--out", o]).snapshot(), @r"
    ------- stderr -------
    Error: --to 202609 comes before --from 202611: no periods
    [exit status: 2]
    ");
    insta::assert_snapshot!(run(&["--from", "201601", "--to", "202701", "--out", o]).snapshot(), @r"
    ------- stderr -------
    Lỗi: Từ 201601 đến 202701 là quá 120 kỳ; hãy chọn khoảng ngắn hơn
    [exit status: 2]
    ");
    insta::assert_snapshot!(run(&["--regime", "SXLUA", "--from", "2026Q3", "--to", "2026Q4", "--out", o]).snapshot(), @r"
    ------- stderr -------
    Lỗi: Chế độ SXLUA báo cáo theo kỳ tháng, không theo kỳ quý: «2026Q3» không phải là kỳ của chế độ này
    [exit status: 5]
    ");
    // A folder, a folder that is not there, a file where a folder should be.
    let dir = env.path("thu-muc");
    std::fs::create_dir(&dir).unwrap();
    let file = env.write("tep.txt", "x");
    for (target, code) in [
        (dir.clone(), 5),
        (env.path("khong-co/x.xlsx"), 5),
        (file.join("x.xlsx"), 5),
    ] {
        let t = target.to_str().unwrap();
        let r = run(&["--from", "202609", "--to", "202611", "--out", t]).code(code);
        assert!(r.stderr.starts_with("Lỗi: "), "{}", r.stderr);
        let r = run(&[
            "--lang", "en", "--from", "202609", "--to", "202611", "--out", t,
        ])
        .code(code);
        assert!(r.stderr.starts_with("Error: "), "{}", r.stderr);
    }
    assert!(!out.exists());
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xlsx") || n.contains(".partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}
