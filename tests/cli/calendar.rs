use std::path::Path;

use serde_json::json;

use crate::common::Env;

const SCHEDULE_2026: &str = "date,kind,name\n\
2026-01-01,off,Tết Dương lịch\n\
2026-01-02,off,Nghỉ hoán đổi Tết Dương lịch\n\
2026-01-10,workday,Làm bù ngày 02/01/2026\n\
2026-02-16,off,Tết Nguyên đán\n\
2026-02-17,off,Tết Nguyên đán\n\
2026-02-18,off,Tết Nguyên đán\n\
2026-02-19,off,Tết Nguyên đán\n\
2026-02-20,off,Tết Nguyên đán\n";

#[test]
fn period_show_gives_the_decree_09_window_and_deadline() {
    let env = Env::new();
    let v = env.json(&["period", "show", "2026q1"]);
    assert_eq!(v["id"], "2026Q1");
    assert_eq!(v["type"], "quarterly");
    assert_eq!(v["start"], "2025-12-15");
    assert_eq!(v["end"], "2026-03-14");
    assert_eq!(v["deadline"], "2026-03-20T23:59:59+07:00");
    let cal = env.json(&["period", "show", "2026Q1", "--window", "calendar"]);
    assert_eq!(
        (cal["start"].as_str(), cal["end"].as_str()),
        (Some("2026-01-01"), Some("2026-03-31"))
    );
    // Day 20 of February 2026 is mùng 4 Tết: the deadline rolls to Monday 23 Feb.
    assert_eq!(
        env.json(&["period", "show", "2026-02"])["deadline"],
        "2026-02-23T23:59:59+07:00"
    );
    // 20 June 2026 is a Saturday.
    assert_eq!(
        env.json(&["period", "show", "2026S1"])["deadline"],
        "2026-06-22T23:59:59+07:00"
    );
    // A rule given as data.
    let r = env.json(&["period", "show", "202611", "--deadline", "workdays:3@16:30"]);
    assert_eq!(r["deadline"], "2026-11-18T16:30:00+07:00");
    let r = env.json(&[
        "period",
        "show",
        "202611",
        "--deadline",
        "day:15:last,roll=none",
    ]);
    assert_eq!(r["deadline"], "2026-11-15T23:59:59+07:00");
    env.run(&["period", "show", "202611", "--deadline", "day:40"])
        .code(2);
}

#[test]
fn invalid_period_ids_exit_5_and_show_the_accepted_forms() {
    let env = Env::new();
    for id in ["2026Q5", "202613", "20260230", "2026W54", "", "quý một"] {
        let r = env.run(&["period", "show", id]).code(5);
        assert!(r.stderr.contains("2026Q1"), "{id}: {}", r.stderr);
    }
    insta::assert_snapshot!(env.run(&["--lang", "en", "period", "show", "202613"]).snapshot(), @r#"
    ------- stderr -------
    Error: invalid period "202613": month must be 01 to 12. Accepted forms (any case): 20261123 or 2026-11-23 (day), 2026W48 (ISO week), 202611H1, 202611H2 (half month), 202611 or 2026-11 (month), 2026Q1 to 2026Q4 (quarter), 2026S1, 2026S2 (six months), 2026 (year), 2025Sep (school year 2025-2026).
    [exit status: 5]
    "#);
}

#[test]
fn periods_list_step_and_contain_dates() {
    let env = Env::new();
    let months = env.json(&["period", "list", "--type", "monthly", "--year", "2026"]);
    assert_eq!(months.as_array().unwrap().len(), 12);
    assert_eq!(months[10]["id"], "202611");
    assert_eq!(months[10]["start"], "2026-10-15");
    assert_eq!(env.json(&["period", "next", "2026Q4"])["id"], "2027Q1");
    assert_eq!(env.json(&["period", "previous", "2026W1"])["id"], "2025W52");
    // 24/11/2026 is past the 14th: under Decree 09 it belongs to December's window.
    assert_eq!(
        env.json(&[
            "--as-of",
            "2026-11-24",
            "period",
            "current",
            "--type",
            "monthly"
        ])["id"],
        "202612"
    );
    assert_eq!(
        env.json(&[
            "period",
            "current",
            "--type",
            "quarterly",
            "--date",
            "14/12/2026"
        ])["id"],
        "2026Q4"
    );
    assert_eq!(
        env.json(&[
            "period",
            "current",
            "--type",
            "weekly",
            "--date",
            "2026-11-23"
        ])["id"],
        "2026W48"
    );
    let school = env.json(&["period", "show", "2025Sep"]);
    assert_eq!(
        (school["start"].as_str(), school["end"].as_str()),
        (Some("2025-09-01"), Some("2026-06-15"))
    );
    let h2 = env.json(&["period", "show", "202611H2"]);
    assert_eq!(h2["deadline"], "2026-12-07T23:59:59+07:00");
}

#[test]
fn lunar_conversion_both_ways() {
    let env = Env::new();
    assert_eq!(
        env.json(&["calendar", "lunar", "2026-02-17"]),
        json!({"solar": "2026-02-17", "lunar": {"year": 2026, "month": 1, "day": 1, "leap": false}})
    );
    assert_eq!(
        env.json(&["calendar", "solar", "2026-01-01"])["solar"],
        "2026-02-17"
    );
    // Tết 2007 in Vietnam was 17 Feb (China: 18 Feb).
    assert_eq!(
        env.json(&["calendar", "solar", "2007-01-01"])["solar"],
        "2007-02-17"
    );
    // 2025 has a leap sixth month.
    let leap = env.json(&["calendar", "solar", "2025-06-01", "--leap"]);
    assert_eq!(leap["solar"], "2025-07-25");
    env.run(&["calendar", "solar", "2026-06-01", "--leap"])
        .code(5);
    env.run(&["calendar", "lunar", "1800-01-01"]).code(5);
}

#[test]
fn built_in_rules_hold_without_overrides_and_the_official_schedule_wins() {
    let env = Env::with_admin();
    let day = |d: &str| env.json(&["calendar", "is-workday", d]);
    assert_eq!(day("2026-01-02")["workday"], true);
    assert_eq!(day("2026-01-10")["workday"], false);
    assert_eq!(day("2026-02-17")["reason"], "Tết Nguyên đán");
    let f = env.write("lich-2026.csv", SCHEDULE_2026);
    let dry = env.json(&["calendar", "import", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry["created"], 8);
    assert_eq!(day("2026-01-02")["workday"], true);
    env.json(&["calendar", "import", f.to_str().unwrap()]);
    assert_eq!(day("2026-01-10")["workday"], true);
    assert_eq!(
        day("2026-01-02"),
        json!({"date": "2026-01-02", "workday": false, "reason": "Nghỉ hoán đổi Tết Dương lịch"})
    );
    assert_eq!(
        env.json(&["calendar", "import", f.to_str().unwrap()])["unchanged"],
        8
    );
    let holidays = env.json(&["calendar", "holidays", "2026"]);
    let kinds: Vec<(&str, &str)> = holidays
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["date"].as_str().unwrap(), d["kind"].as_str().unwrap()))
        .collect();
    assert!(
        kinds.contains(&("2026-01-10", "override_workday")),
        "{kinds:?}"
    );
    assert!(kinds.contains(&("2026-04-27", "compensatory")), "{kinds:?}");
    // Add, then remove, an announced day off; both audited.
    env.json(&[
        "calendar",
        "add-off",
        "2026-09-04",
        "--name",
        "Nghỉ thêm Quốc khánh",
    ]);
    assert_eq!(day("2026-09-04")["workday"], false);
    env.json(&["calendar", "remove", "2026-09-04"]);
    assert_eq!(day("2026-09-04")["workday"], true);
    env.run(&["calendar", "remove", "2026-09-04"]).code(6);
    let log = env.json(&["audit", "log", "--object", "calendar:2026-09-04"]);
    assert_eq!(log.as_array().unwrap().len(), 2);
    assert_eq!(env.json(&["audit", "verify"])["ok"], true);
    let next = env.json(&["calendar", "next-workday", "2026-02-13"]);
    assert_eq!(next["date"], "2026-02-23");
    assert_eq!(
        env.json(&[
            "calendar",
            "workdays",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31"
        ])["workdays"],
        21
    );
}

#[test]
fn bad_calendar_input_is_refused_and_nothing_written() {
    let env = Env::with_admin();
    let f = env.write(
        "bad.csv",
        "date,kind,name\n2026-01-02,off,Nghỉ\n2026-13-01,off,Sai\n2026-01-03,holiday,Sai\n",
    );
    let r = env
        .run(&["calendar", "import", f.to_str().unwrap()])
        .code(5);
    assert!(
        r.stderr.contains("dòng 3") && r.stderr.contains("dòng 4"),
        "{}",
        r.stderr
    );
    assert_eq!(
        env.json(&["calendar", "is-workday", "2026-01-02"])["workday"],
        true
    );
    env.run(&["calendar", "is-workday", "hôm qua"]).code(5);
    env.run(&[
        "calendar",
        "workdays",
        "--from",
        "2026-02-01",
        "--to",
        "2026-01-01",
    ])
    .code(5);
    env.run(&["calendar", "holidays", "3000"]).code(5);
    env.run(&["logout"]).ok();
    env.run(&["calendar", "add-off", "2026-09-04"]).code(4);
}

#[test]
fn the_real_2026_schedule_imports() {
    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/province/holidays-2026.csv");
    let env = Env::with_admin();
    env.json(&["calendar", "import", csv.to_str().unwrap()]);
    assert_eq!(
        env.json(&["calendar", "is-workday", "2026-01-10"])["workday"],
        true
    );
    assert_eq!(
        env.json(&["calendar", "is-workday", "2026-01-02"])["workday"],
        false
    );
}
