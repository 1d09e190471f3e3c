//! Aggregation end to end: values chosen by hand, results computed by hand, to the last
//! decimal; returned reports do not count; ratio columns are recomputed from totals.

use serde_json::{json, Value};

use crate::common::{Env, ADMIN_PW};

fn mapping() -> String {
    json!({
        "code": "LUA", "version": 1, "title": "BÁO CÁO SẢN XUẤT LÚA", "kind": "numeric",
        "columns": [
            {"key": "c1", "number": "1", "header": ["Kế hoạch"], "type": "decimal", "role": "input", "formula": null},
            {"key": "c2", "number": "2", "header": ["Thực hiện"], "type": "decimal", "role": "input", "formula": null},
            {"key": "c3", "number": "3", "header": ["So sánh (%)"], "type": "percent", "role": "computed", "formula": "2/1*100"}
        ],
        "rows": [
            {"key": "r1", "stt": "1", "name": "Diện tích lúa", "unit": "ha", "level": 1, "role": "input", "indicator": "DT_LUA"},
            {"key": "r2", "stt": "2", "name": "Năng suất lúa", "unit": "tạ/ha", "level": 1, "role": "input", "indicator": "NS_LUA"},
            {"key": "r3", "stt": "3", "name": "Sản lượng lúa", "unit": "tấn", "level": 1, "role": "input", "indicator": "SL_LUA"}
        ],
        "not_applicable": []
    })
    .to_string()
}

/// Enters, approves, signs, sends and accepts one unit's report as the administrator.
fn report(env: &Env, unit: &str, cells: &[(&str, &str, &str)], accept: bool) {
    report_in(env, "202611", unit, cells, accept)
}

/// [`report`] for any period: entered, approved, signed and sent at `env.now`, then
/// accepted (or returned).
pub fn report_in(env: &Env, period: &str, unit: &str, cells: &[(&str, &str, &str)], accept: bool) {
    for (r, c, v) in cells {
        env.json(&[
            "entry", "set", "SXLUA", "--period", period, "--unit", unit, r, c, v,
        ]);
    }
    for step in ["submit", "approve", "send"] {
        env.json(&["report", step, "SXLUA", "--period", period, "--unit", unit]);
    }
    if accept {
        env.json(&[
            "report", "accept", "SXLUA", "--period", period, "--unit", unit,
        ]);
    } else {
        env.json(&[
            "report",
            "return",
            "SXLUA",
            "--period",
            period,
            "--unit",
            unit,
            "--reason",
            "Số liệu chưa khớp",
        ]);
    }
}

/// The rice indicators (area, weighted yield, output), the LUA form and the monthly
/// SXLUA regime led by the province and assigned to the communes, as of `env.now`;
/// the administrator gets a signing key.
pub fn lua_regime(env: &Env) {
    env.json(&[
        "indicator",
        "add",
        "--code",
        "DT_LUA",
        "--name",
        "Diện tích lúa",
        "--unit",
        "ha",
    ]);
    env.json(&[
        "indicator",
        "add",
        "--code",
        "NS_LUA",
        "--name",
        "Năng suất lúa",
        "--unit",
        "tạ/ha",
        "--aggregation",
        "weighted_average",
        "--weight",
        "DT_LUA",
        "--time-aggregation",
        "rate",
    ]);
    env.json(&[
        "indicator",
        "add",
        "--code",
        "SL_LUA",
        "--name",
        "Sản lượng lúa",
        "--unit",
        "tấn",
    ]);
    let m = env.write("lua.json", &mapping());
    env.json(&[
        "form",
        "import",
        m.to_str().unwrap(),
        "--code",
        "LUA",
        "--mapping",
    ]);
    env.json(&[
        "regime",
        "add",
        "--code",
        "SXLUA",
        "--name",
        "Báo cáo sản xuất lúa",
        "--form",
        "LUA",
        "--lead",
        "000.00.00.H99",
        "--frequency",
        "monthly",
    ]);
    env.json(&["assign", "add", "SXLUA", "--kind", "commune"]);
    env.json(&["account", "key", "generate"]);
}

fn cell<'a>(agg: &'a Value, row: &str, col: &str) -> &'a Value {
    &agg["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == row)
        .unwrap()["values"][col]
}

#[test]
fn sums_weighted_averages_and_ratios_match_hand_computation() {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    lua_regime(&env);
    env.now = Some("2026-11-18T09:00:00+07:00".into());
    report(
        &env,
        "H99.01",
        &[
            ("r1", "1", "100"),
            ("r1", "2", "120"),
            ("r2", "1", "50"),
            ("r2", "2", "60"),
            ("r3", "1", "500"),
            ("r3", "2", "720"),
        ],
        true,
    );
    report(
        &env,
        "H99.02",
        &[
            ("r1", "1", "200"),
            ("r1", "2", "150"),
            ("r2", "1", "40"),
            ("r2", "2", "45"),
            ("r3", "1", "800"),
            ("r3", "2", "675"),
        ],
        true,
    );
    // Returned: must not count.
    report(
        &env,
        "H99.03",
        &[
            ("r1", "1", "9999"),
            ("r1", "2", "9999"),
            ("r2", "1", "1"),
            ("r2", "2", "1"),
            ("r3", "1", "1"),
            ("r3", "2", "1"),
        ],
        false,
    );
    let agg = env.json(&["aggregate", "SXLUA", "202611"]);
    assert_eq!(agg["coverage"]["included"], 2);
    assert_eq!(agg["coverage"]["expected"], 3);
    assert_eq!(agg["coverage"]["units_missing"], json!(["H99.03"]));
    assert_eq!(agg["coverage"]["statuses"], json!(["accepted"]));
    // Sums.
    assert_eq!(cell(&agg, "r1", "1"), "300");
    assert_eq!(cell(&agg, "r1", "2"), "270");
    assert_eq!(cell(&agg, "r3", "2"), "1395");
    // The ratio of totals (270/300*100), not the sum (195) or mean (97.5) of the units' ratios.
    assert_eq!(cell(&agg, "r1", "3"), "90");
    // Weighted by area: (50·100 + 40·200)/300 and (60·120 + 45·150)/270.
    let plan: rust_decimal::Decimal = cell(&agg, "r2", "1").as_str().unwrap().parse().unwrap();
    let done: rust_decimal::Decimal = cell(&agg, "r2", "2").as_str().unwrap().parse().unwrap();
    assert_eq!(plan.round_dp(6).to_string(), "43.333333");
    assert_eq!(done.round_dp(6).to_string(), "51.666667");
    assert_eq!(
        cell(&agg, "r3", "3")
            .as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap()
            .round_dp(4)
            .to_string(),
        "107.3077"
    );
    // With sent reports counted too, the returned one still does not count (it is not sent any more).
    let sent = env.json(&["aggregate", "SXLUA", "202611", "--include", "sent"]);
    assert_eq!(sent["coverage"]["included"], 2);
    // Subtotals per unit give each unit back.
    let by_unit = env.json(&["aggregate", "SXLUA", "202611", "--by", "unit"]);
    // People read the table in their language, numbers as the form prints them.
    insta::assert_snapshot!(env.run(&["aggregate", "SXLUA", "202611"]).snapshot(), @r"
    ┌─────┬───────────────┬───────┬──────────────┬───────────────┬─────────────────┐
    │ STT ┆ Chỉ tiêu      ┆ ĐVT   ┆ Kế hoạch (1) ┆ Thực hiện (2) ┆ So sánh (%) (3) │
    ╞═════╪═══════════════╪═══════╪══════════════╪═══════════════╪═════════════════╡
    │ 1   ┆ Diện tích lúa ┆ ha    ┆ 300          ┆ 270           ┆ 90,00           │
    │ 2   ┆ Năng suất lúa ┆ tạ/ha ┆ 43,333333    ┆ 51,666667     ┆ 119,23          │
    │ 3   ┆ Sản lượng lúa ┆ tấn   ┆ 1.300        ┆ 1.395         ┆ 107,31          │
    └─────┴───────────────┴───────┴──────────────┴───────────────┴─────────────────┘
    ------- stderr -------
    SXLUA kỳ 202611: tổng hợp 2/3 đơn vị (báo cáo đã tiếp nhận)
    [exit status: 0]
    ");
    insta::assert_snapshot!(env.run(&["--lang", "en", "aggregate", "SXLUA", "202611"]).snapshot(), @r"
    ┌─────┬───────────────┬───────┬──────────────┬───────────────┬─────────────────┐
    │ No. ┆ Indicator     ┆ Unit  ┆ Kế hoạch (1) ┆ Thực hiện (2) ┆ So sánh (%) (3) │
    ╞═════╪═══════════════╪═══════╪══════════════╪═══════════════╪═════════════════╡
    │ 1   ┆ Diện tích lúa ┆ ha    ┆ 300          ┆ 270           ┆ 90.00           │
    │ 2   ┆ Năng suất lúa ┆ tạ/ha ┆ 43.333333    ┆ 51.666667     ┆ 119.23          │
    │ 3   ┆ Sản lượng lúa ┆ tấn   ┆ 1,300        ┆ 1,395         ┆ 107.31          │
    └─────┴───────────────┴───────┴──────────────┴───────────────┴─────────────────┘
    ------- stderr -------
    SXLUA 202611: 2/3 units aggregated (reports accepted)
    [exit status: 0]
    ");
    // The spellings of the issue: --level N is --by N, --group-by parent is --by parent.
    assert_eq!(
        env.json(&["aggregate", "SXLUA", "202611", "--level", "2"]),
        env.json(&["aggregate", "SXLUA", "202611", "--by", "2"])
    );
    assert_eq!(
        env.json(&["aggregate", "SXLUA", "202611", "--group-by", "parent"]),
        env.json(&["aggregate", "SXLUA", "202611", "--by", "parent"])
    );
    env.run(&["aggregate", "SXLUA", "202611", "--level", "0"])
        .code(2);
    env.run(&[
        "aggregate",
        "SXLUA",
        "202611",
        "--level",
        "2",
        "--by",
        "unit",
    ])
    .code(2);
    let h1 = by_unit["subtotals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["unit"] == "H99.01")
        .unwrap();
    assert_eq!(h1["rows"][0]["values"]["3"], "120");
    // Only the lead unit (or a sysadmin) aggregates.
    let pw = env.account("xem.xa", "H99.01", &["data_entry"]);
    env.login("xem.xa", &pw).ok();
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\nMat-khau-Moi-2026!\n")),
    )
    .ok();
    env.run(&["aggregate", "SXLUA", "202611"]).code(4);
    env.login("admin", ADMIN_PW).ok();
    // The workbook a provincial office forwards: four sheets, the ratio as a formula with its value.
    let out = env.path("tong-hop.xlsx");
    env.json(&[
        "export",
        "aggregate",
        "SXLUA",
        "202611",
        "--out",
        out.to_str().unwrap(),
    ]);
    // A second export does not replace the first unless told to.
    let again = [
        "export",
        "aggregate",
        "SXLUA",
        "202611",
        "--out",
        out.to_str().unwrap(),
    ];
    let r = env.run(&again).code(7);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    env.json(&[&again[..], &["--force"]].concat());
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Tổng hợp",
            "Chi tiết đơn vị",
            "Tình hình gửi báo cáo",
            "Thông tin"
        ]
    );
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    assert!(
        summary
            .rows()
            .flatten()
            .any(|c| matches!(c, calamine::Data::Float(f) if *f == 90.0)
                || matches!(c, calamine::Data::Int(90))),
        "the ratio of totals is cached as 90"
    );
    let csv = env
        .run(&["-o", "csv", "export", "aggregate", "SXLUA", "202611"])
        .ok()
        .stdout;
    assert!(
        csv.lines().any(|l| l == "r1,1,Diện tích lúa,ha,300,270,90"),
        "{csv}"
    );
    env.run(&["aggregate", "SXLUA", "2026Q4"]).code(5);
    env.run(&["aggregate", "NOPE", "202611"]).code(6);
}
