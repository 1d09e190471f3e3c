//! Deadlines the seeds actually use (issue 11 item 7): "before the 20th" (Thanh Hóa
//! Art. 7) against "at the latest on the 20th" (Ninh Bình Art. 14), the school year's
//! start-of-year and end-of-year reports, ad hoc requests due the day their data ends,
//! and `--deadline-at` given as a date.

use crate::common::*;

/// The KTXH01 form, for regimes to report on.
fn with_form() -> Env {
    let env = Env::with_province();
    let t = env.path("ktxh.xlsx");
    crate::forms::ktxh_template(&t, 0, 0, false);
    env.json(&["form", "import", t.to_str().unwrap(), "--code", "KTXH01"]);
    env
}

fn add(env: &Env, code: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "-o",
        "json",
        "regime",
        "add",
        "--code",
        code,
        "--name",
        "Báo cáo thống kê giáo dục",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
    ];
    args.extend_from_slice(extra);
    env.run(&args)
}

fn period(env: &Env, id: &str, regime: &str) -> serde_json::Value {
    env.json(&["period", "show", id, "--regime", regime])
}

#[test]
fn before_the_20th_is_due_the_19th_and_at_the_latest_the_20th() {
    // 19 Mar 2026 is a Thursday.
    let thanh_hoa = Env::new().json(&["period", "show", "202603", "--deadline", "day:20:before"]);
    assert_eq!(thanh_hoa["deadline"], "2026-03-19T23:59:59+07:00");
    let ninh_binh = Env::new().json(&["period", "show", "202603", "--deadline", "day:20"]);
    assert_eq!(ninh_binh["deadline"], "2026-03-20T23:59:59+07:00");
    // 19 Sep 2026 is a Saturday: the roll starts from the last allowed day (Monday 21),
    // unless the rule says otherwise.
    let sat = Env::new().json(&["period", "show", "202609", "--deadline", "day:20:before"]);
    assert_eq!(sat["deadline"], "2026-09-21T23:59:59+07:00");
    let prev = Env::new().json(&[
        "period",
        "show",
        "202609",
        "--deadline",
        "day:20:before,roll=prev",
    ]);
    assert_eq!(prev["deadline"], "2026-09-18T23:59:59+07:00");
    // Half-months (Thanh Hóa Art. 7(2)): before the 20th, before the 5th of next month.
    let h2 = Env::new().json(&[
        "period",
        "show",
        "202610H2",
        "--deadline",
        "half:20:5:before",
    ]);
    assert_eq!(h2["deadline"], "2026-11-04T23:59:59+07:00");
}

#[test]
fn a_regime_stores_the_before_rule_and_its_periods_follow_it() {
    let env = with_form();
    let r = add(
        &env,
        "KTXH-TH",
        &["--frequency", "monthly", "--deadline", "DAY:20:Before"],
    )
    .ok()
    .json();
    assert_eq!(r["deadline_rule"], "day:20:last:before@23:59:59");
    let p = period(&env, "202603", "KTXH-TH");
    assert_eq!(p["rule_deadline"], "2026-03-19T23:59:59+07:00");
    assert_eq!(p["deadline"], "2026-03-19T23:59:59+07:00");
    let shown = env.json(&["regime", "show", "KTXH-TH"]);
    assert_eq!(shown["deadline_rule"], "day:20:last:before@23:59:59");
}

#[test]
fn thanh_hoa_school_year_start_and_end_of_year_reports() {
    let env = with_form();
    // Start-of-year data: window 1–15 September, due before 20/9.
    let start = add(
        &env,
        "GD-DAUNAM",
        &[
            "--frequency",
            "school_year",
            "--window",
            "school_start",
            "--deadline",
            "day:20:first:before",
        ],
    )
    .ok()
    .json();
    assert_eq!(start["window"], "school_start");
    assert_eq!(start["deadline_rule"], "day:20:first:before@23:59:59");
    let p = period(&env, "2025Sep", "GD-DAUNAM");
    assert_eq!(p["start"], "2025-09-01");
    assert_eq!(p["end"], "2025-09-15");
    assert_eq!(p["window"], "school_start");
    assert_eq!(p["deadline"], "2025-09-19T23:59:59+07:00");
    // End-of-year data: window 1 Sep → 15 Jun (Thanh Hóa Art. 6(6)), due before 20/6.
    let end = add(
        &env,
        "GD-CUOINAM",
        &[
            "--frequency",
            "school_year",
            "--deadline",
            "day:20:last:before",
        ],
    )
    .ok()
    .json();
    assert_eq!(end["window"], "nd09");
    let p = period(&env, "2025Sep", "GD-CUOINAM");
    assert_eq!(
        (p["start"].as_str(), p["end"].as_str()),
        (Some("2025-09-01"), Some("2026-06-15"))
    );
    assert_eq!(p["deadline"], "2026-06-19T23:59:59+07:00");
    // Without --deadline, start-of-year data is due on day 20 of September.
    add(
        &env,
        "GD-DAUNAM2",
        &["--frequency", "nam_hoc", "--window", "đầu năm học"],
    )
    .ok();
    let p = period(&env, "2026Sep", "GD-DAUNAM2");
    assert_eq!(p["deadline"], "2026-09-21T23:59:59+07:00"); // 20 Sep 2026 is a Sunday
                                                            // The window alone, without a regime.
    let w = Env::new().json(&["period", "show", "2025Sep", "--window", "school_start"]);
    assert_eq!(
        (w["start"].as_str(), w["end"].as_str()),
        (Some("2025-09-01"), Some("2025-09-15"))
    );
    assert_eq!(w["deadline"], "2025-09-22T23:59:59+07:00"); // 20 Sep 2025 is a Saturday
                                                            // Start-of-year windows are for school years only.
    let bad = add(
        &env,
        "KTXH-X",
        &["--frequency", "monthly", "--window", "school_start"],
    )
    .code(5);
    assert!(bad.stderr.contains("school_start"), "{}", bad.stderr);
    assert!(bad.stderr.contains("năm học"), "{}", bad.stderr);
    // The regimes that failed left nothing behind.
    env.run(&["regime", "show", "KTXH-X"]).code(6);
}

#[test]
fn before_on_a_day_count_anchor_is_refused_with_the_grammar() {
    let env = with_form();
    let bad = add(
        &env,
        "KTXH-B",
        &["--frequency", "monthly", "--deadline", "days:5:before"],
    )
    .code(5);
    assert!(bad.stderr.contains("day:20:before"), "{}", bad.stderr);
    let en = env
        .run(&[
            "--lang",
            "en",
            "regime",
            "add",
            "--code",
            "KTXH-B",
            "--name",
            "X",
            "--form",
            "KTXH01",
            "--lead",
            "000.00.00.H99",
            "--frequency",
            "monthly",
            "--deadline",
            "workdays:2:before",
        ])
        .code(5);
    assert!(
        en.stderr.contains(":before goes with day: and half:"),
        "{}",
        en.stderr
    );
    let usage = Env::new().run(&["period", "show", "202603", "--deadline", "days:1:before"]);
    assert_eq!(usage.code, 2, "{}", usage.stderr);
}

#[test]
fn a_before_rule_still_needs_the_working_day_gap() {
    // Quarter windows close on the 14th of the last month: "before the 16th" makes the
    // 15th the last allowed day, with no working day between (Decree 09 Art. 8(5)).
    let env = with_form();
    let bad = env
        .run(&[
            "--lang",
            "en",
            "regime",
            "add",
            "--code",
            "KTXH-Q",
            "--name",
            "X",
            "--form",
            "KTXH01",
            "--lead",
            "000.00.00.H99",
            "--frequency",
            "quarterly",
            "--deadline",
            "day:16:before",
        ])
        .code(5);
    assert!(bad.stderr.contains("Art. 8(5)"), "{}", bad.stderr);
}

fn adhoc(env: &Env, code: &str, end: &str, due: &str, lang: &str) -> Run {
    env.run(&[
        "--lang",
        lang,
        "-o",
        "json",
        "regime",
        "add",
        "--code",
        code,
        "--type",
        "adhoc",
        "--name",
        "Báo cáo đột xuất tình hình mưa lũ",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--period-id",
        "2026DX1",
        "--start",
        "2026-11-20",
        "--end",
        end,
        "--deadline-at",
        due,
    ])
}

#[test]
fn an_ad_hoc_request_may_be_due_the_day_its_data_ends() {
    let env = with_form();
    // Due at 17:00 the day its data ends: accepted (Art. 8(5) binds periodic regimes).
    let r = adhoc(&env, "DX-LU", "2026-11-25", "2026-11-25T17:00", "vi")
        .ok()
        .json();
    assert_eq!(r["deadline_at"], "2026-11-25T17:00:00+07:00");
    assert_eq!(r["window_end"], "2026-11-25");
    // A date alone means the end of that day.
    let r = adhoc(&env, "DX-LU2", "2026-11-25", "25/11/2026", "vi")
        .ok()
        .json();
    assert_eq!(r["deadline_at"], "2026-11-25T23:59:59+07:00");
    let p = period(&env, "2026DX1", "DX-LU2");
    assert_eq!(p["deadline"], "2026-11-25T23:59:59+07:00");
    // Before the data ends: refused, saying why the same day is fine.
    let bad = adhoc(&env, "DX-LU3", "2026-11-25", "2026-11-24", "en").code(5);
    assert!(
        bad.stderr.contains("periodic regimes only"),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("Art. 8(5)"), "{}", bad.stderr);
    let vi = adhoc(&env, "DX-LU3", "2026-11-25", "2026-11-24T23:00", "vi").code(5);
    assert!(
        vi.stderr.contains("chỉ áp dụng cho báo cáo định kỳ"),
        "{}",
        vi.stderr
    );
    env.run(&["regime", "show", "DX-LU3"]).code(6);
    // A bad date is a bad date.
    adhoc(&env, "DX-LU3", "2026-11-25", "31/11/2026", "vi").code(5);
}

#[test]
fn databases_of_the_previous_schema_keep_their_regimes_and_reports() {
    use rusqlite::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        for sql in [
            include_str!("../../src/store/migrations/0001_foundation.sql"),
            include_str!("../../src/store/migrations/0002_indexes.sql"),
            include_str!("../../src/store/migrations/0003_catalogue.sql"),
            include_str!("../../src/store/migrations/0004_reporting.sql"),
            include_str!("../../src/store/migrations/0005_obligations.sql"),
            include_str!("../../src/store/migrations/0006_national_scale.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 6).unwrap();
        conn.execute_batch(
            "INSERT INTO unit (id, code, name, kind) VALUES (1, 'H99', 'UBND tỉnh', 'province');
             INSERT INTO regime (id, code, name, type, form_code, frequency, window_kind, deadline_rule, lead_unit_id, created_at)
                 VALUES (7, 'KTXH', 'Báo cáo tháng', 'periodic', 'KTXH01', 'monthly', 'calendar', 'day:20:last@23:59:59', 1, '2026-01-01');
             INSERT INTO assignment (ref, regime_id, unit_id, changed_at) VALUES ('KTXH/H99', 7, 1, '2026-01-01');
             INSERT INTO report (regime_id, unit_id, period) VALUES (7, 1, '202611');",
        )
        .unwrap();
    }
    baocao::store::Store::open(&path).expect("migrates");
    let conn = Connection::open(&path).unwrap();
    let kept: (String, String) = conn
        .query_row(
            "SELECT code, window_kind FROM regime WHERE id = 7",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(kept, ("KTXH".into(), "calendar".into()));
    let reports: i64 = conn
        .query_row("SELECT count(*) FROM report WHERE regime_id = 7", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(reports, 1);
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0);
    conn.execute(
        "UPDATE regime SET window_kind = 'school_start' WHERE id = 7",
        [],
    )
    .unwrap();
    assert!(conn
        .execute("UPDATE regime SET window_kind = 'weekly' WHERE id = 7", [])
        .is_err());
    // Foreign keys still hold on the rebuilt table.
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    assert!(conn.execute("DELETE FROM regime WHERE id = 7", []).is_err());
}

// Legacy text detected per workbook (issue 11 item 8).

/// A small template typed in TCVN3 with short unit cells ("hé" is TCVN3 for "hộ", and a
/// Unicode word too), every cell in `font`.
fn tcvn3_template(path: &std::path::Path, font: &str) {
    use baocao::text::{from_unicode, Encoding};
    use rust_xlsxwriter::{Format, Workbook};
    let f = Format::new().set_font_name(font);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let t = |s: &str| from_unicode(s, Encoding::Tcvn3);
    ws.write_string_with_format(0, 0, t("BÁO CÁO CHĂN NUÔI"), &f)
        .unwrap();
    for (c, h) in ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(2, c as u16, t(h), &f).unwrap();
    }
    let rows = [
        ("1", "Số hộ chăn nuôi", "hộ"),
        ("2", "Đàn trâu", "con"),
        ("3", "Lao động", "người"),
        ("4", "Diện tích", "ha"),
        ("5", "Sản lượng thịt", "tấn"),
    ];
    for (i, (stt, name, unit)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, *stt, &f).unwrap();
        ws.write_string_with_format(r, 1, t(name), &f).unwrap();
        ws.write_string_with_format(r, 2, t(unit), &f).unwrap();
    }
    wb.save(path).unwrap();
}

fn units_of(env: &Env, code: &str) -> Vec<(String, String)> {
    env.json(&["form", "show", code])["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap_or_default().to_string(),
                r["unit"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_tcvn3_workbook_converts_its_short_cells_too() {
    let env = Env::with_province();
    let path = env.path("channuoi.xlsx");
    tcvn3_template(&path, ".VnTime");
    // Alone, "hé" reads as a Unicode word; the workbook and its font say TCVN3.
    assert_eq!(baocao::text::detect("hé"), baocao::text::Encoding::Unicode);
    env.json(&["form", "import", path.to_str().unwrap(), "--code", "CN01"]);
    let rows = units_of(&env, "CN01");
    assert_eq!(
        rows,
        [
            ("Số hộ chăn nuôi", "hộ"),
            ("Đàn trâu", "con"),
            ("Lao động", "người"),
            ("Diện tích", "ha"),
            ("Sản lượng thịt", "tấn"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn the_workbook_text_decides_when_the_font_says_nothing() {
    let env = Env::with_province();
    let path = env.path("channuoi-arial.xlsx");
    tcvn3_template(&path, "Arial");
    env.json(&["form", "import", path.to_str().unwrap(), "--code", "CN02"]);
    let rows = units_of(&env, "CN02");
    assert_eq!(rows[0], ("Số hộ chăn nuôi".to_string(), "hộ".to_string()));
}

#[test]
fn a_unicode_workbook_in_a_tcvn3_font_is_left_alone() {
    // Text already in Unicode, though the cells still name .VnTime: letters only
    // Unicode has keep every cell as it is.
    use rust_xlsxwriter::{Format, Workbook};
    let env = Env::with_province();
    let path = env.path("unicode-vntime.xlsx");
    let f = Format::new().set_font_name(".VnTime");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(2, c as u16, *h, &f).unwrap();
    }
    let rows = [
        ("Số hộ chăn nuôi", "hộ"),
        ("Cà phê", "tấn"),
        ("Tháng cao điểm", "tháng"),
        ("Giá bán", "nghìn đồng"),
        ("Con giống", "con"),
    ];
    for (i, (name, unit)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, (i + 1).to_string(), &f)
            .unwrap();
        ws.write_string_with_format(r, 1, *name, &f).unwrap();
        ws.write_string_with_format(r, 2, *unit, &f).unwrap();
    }
    wb.save(&path).unwrap();
    env.json(&["form", "import", path.to_str().unwrap(), "--code", "CN03"]);
    assert_eq!(
        units_of(&env, "CN03"),
        rows.map(|(a, b)| (a.to_string(), b.to_string()))
    );
}
