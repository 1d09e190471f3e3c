//! The aggregator enters the figures of a report sent outside the system (issue 11
//! item 4): `report record-offline --values FILE`, checked as `entry import` checks a
//! file, audited as entered by the aggregator from the document, counted once accepted.

use serde_json::Value;

use crate::common::{Env, ADMIN_PW};

const PW: &str = "Mat-khau-Rieng-2026!";

/// The KTXH province with staff of commune H99.01, the lead unit's aggregator and an
/// aggregator of another unit.
fn province() -> Env {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    env.add_ktxh_regime();
    env.add_staff(
        &[
            ("nhap.01", "H99.01", "data_entry"),
            ("lanhdao.01", "H99.01", "approver"),
            ("gui.01", "H99.01", "sender"),
            ("tonghop", "000.00.00.H99", "aggregator"),
            ("tonghop.02", "H99.02", "aggregator"),
        ],
        PW,
    );
    env.now = Some("2026-12-18T09:00:00+07:00".into());
    env
}

fn as_(env: &Env, user: &str) {
    env.login(user, PW).ok();
}

fn record(unit: &str, document: &str, values: &str) -> Vec<String> {
    [
        "report",
        "record-offline",
        "KTXH",
        "--period",
        "202612",
        "--unit",
        unit,
        "--document",
        document,
        "--document-date",
        "2026-12-21",
        "--sent-at",
        "2026-12-21T16:00",
        "--values",
        values,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// `unit`'s value of Lúa, column 1, in the latest revision of its 202612 report.
fn lua_value(env: &Env, unit: &str, lua: &str) -> Option<String> {
    let rows = env.json(&[
        "entry", "show", "KTXH", "--period", "202612", "--unit", unit,
    ]);
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == lua && r["column"] == "1")
        .and_then(|r| r["value"].as_str().map(String::from))
}

fn status(env: &Env, unit: &str) -> Value {
    env.json(&[
        "report", "show", "KTXH", "--period", "202612", "--unit", unit,
    ])["status"]
        .clone()
}

#[test]
fn the_lead_units_aggregator_enters_the_documents_figures() {
    let mut env = province();
    let lua = env.row_key("KTXH01", "Lúa");
    // H99.01 had drafted 100 and approved it before the outage; its document says 120.
    as_(&env, "nhap.01");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202612", &lua, "1", "100",
    ]);
    env.json(&["report", "submit", "KTXH", "--period", "202612"]);
    as_(&env, "lanhdao.01");
    env.json(&["report", "approve", "KTXH", "--period", "202612"]);
    // The system was out over 202612's deadline (21/12), recorded after the fact.
    env.now = Some("2026-12-28T09:00:00+07:00".into());
    env.login("admin", ADMIN_PW).ok();
    env.json(&[
        "outage",
        "add",
        "--from",
        "2026-12-21T13:00",
        "--to",
        "2026-12-22T10:00",
        "--reason",
        "Sự cố đường truyền",
        "--document",
        "15/BC-STTTT",
        "--document-date",
        "2026-12-22",
    ]);
    let good = env.write(
        "van-ban.csv",
        &format!("row_code,column_number,value\n{lua},1,120\n"),
    );
    let good = good.to_str().unwrap();
    let bad = env.write(
        "sai.csv",
        &format!("row_code,column_number,value\n{lua},1,muoi hai\n"),
    );
    let bad = bad.to_str().unwrap();

    // Nobody of the sending unit, nor an aggregator of another unit, may enter them.
    for user in ["nhap.01", "lanhdao.01", "gui.01", "tonghop.02"] {
        as_(&env, user);
        let r = env
            .run(&args(&record("H99.01", "45/UBND-VP", good)))
            .code(4);
        assert!(r.stderr.contains("người tổng hợp"), "{user}: {}", r.stderr);
        // Not even a file with errors gets past the role check.
        env.run(&args(&record("H99.01", "45/UBND-VP", bad))).code(4);
    }
    // Nothing was written by any of them.
    as_(&env, "tonghop");
    assert_eq!(status(&env, "H99.01"), "approved");
    assert_eq!(lua_value(&env, "H99.01", &lua).as_deref(), Some("100"));

    // Figures with an error: exit 5 naming the file's line and the cell's fault,
    // nothing recorded.
    let mut en = vec!["--lang".to_string(), "en".to_string()];
    en.extend(record("H99.01", "45/UBND-VP", bad));
    let r = env.run(&args(&en)).code(5);
    assert!(
        r.stderr.contains("45/UBND-VP") && r.stderr.contains("nothing was recorded"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("sai.csv:2") && r.stderr.contains("«muoi hai»"),
        "{}",
        r.stderr
    );
    // A file with no figures, or another unit's fill-in workbook: refused the same way.
    let empty = env.write("trong.csv", "row_code,column_number,value\n");
    env.run(&args(&record(
        "H99.01",
        "45/UBND-VP",
        empty.to_str().unwrap(),
    )))
    .code(5);
    let other = env.path("mau-H99.03.xlsx");
    env.json(&[
        "entry",
        "template",
        "KTXH",
        "--period",
        "202612",
        "--unit",
        "H99.03",
        "--out",
        other.to_str().unwrap(),
    ]);
    let r = env
        .run(&args(&record(
            "H99.01",
            "45/UBND-VP",
            other.to_str().unwrap(),
        )))
        .code(5);
    assert!(r.stderr.contains("H99.03"), "{}", r.stderr);
    assert_eq!(status(&env, "H99.01"), "approved");
    assert_eq!(lua_value(&env, "H99.01", &lua).as_deref(), Some("100"));
    assert_eq!(status(&env, "H99.03"), "not_started");

    // The document's figures: recorded as sent then, with 120 replacing the draft's 100.
    let off = env.json(&args(&record("H99.01", "45/UBND-VP", good)));
    assert_eq!(
        (
            off["status"].as_str(),
            off["timeliness"].as_str(),
            off["figures_entered"].as_bool()
        ),
        (Some("sent"), Some("on_time"), Some(true))
    );
    assert_eq!(lua_value(&env, "H99.01", &lua).as_deref(), Some("120"));

    // H99.02 had not started: the aggregator records its document with its figures.
    let h2 = env.write(
        "van-ban-2.csv",
        &format!("row_code,column_number,value\n{lua},1,30\n"),
    );
    env.json(&args(&record("H99.02", "7/UBND", h2.to_str().unwrap())));

    // Audited as entered by the aggregator, from the document.
    env.login("admin", ADMIN_PW).ok();
    let log = env.json(&["audit", "log", "--object", "revision"]);
    let entered: Vec<(&str, &str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["detail"]["entered_by"].is_null())
        .map(|e| {
            (
                e["object"].as_str().unwrap(),
                e["actor"].as_str().unwrap(),
                e["detail"]["from_document"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entered,
        [
            (
                "revision:KTXH/H99.01/202612#1",
                "tonghop",
                "45/UBND-VP (2026-12-21)"
            ),
            (
                "revision:KTXH/H99.02/202612#1",
                "tonghop",
                "7/UBND (2026-12-21)"
            ),
        ]
    );

    // Both are accepted and counted in the aggregate with the document's figures.
    as_(&env, "tonghop");
    for unit in ["H99.01", "H99.02"] {
        let a = env.json(&[
            "report", "accept", "KTXH", "--period", "202612", "--unit", unit,
        ]);
        assert_eq!(a["status"], "accepted");
    }
    let agg = env.json(&["aggregate", "KTXH", "202612"]);
    assert_eq!(
        agg["coverage"]["units_included"],
        serde_json::json!(["H99.01", "H99.02"])
    );
    let row = agg["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == lua.as_str())
        .unwrap();
    assert_eq!(row["values"]["1"], "150");
}

#[test]
fn figures_come_later_for_a_report_recorded_without_them() {
    let mut env = province();
    let lua = env.row_key("KTXH01", "Lúa");
    env.now = Some("2026-12-28T09:00:00+07:00".into());
    env.json(&[
        "outage",
        "add",
        "--from",
        "2026-12-21T13:00",
        "--to",
        "2026-12-22T10:00",
        "--reason",
        "Sự cố đường truyền",
        "--document",
        "15/BC-STTTT",
        "--document-date",
        "2026-12-22",
    ]);
    let file = env.write(
        "van-ban.csv",
        &format!("row_code,column_number,value\n{lua},1,75\n"),
    );
    let bad = env.write(
        "sai.csv",
        &format!("row_code,column_number,value\n{lua},1,bay lam\n"),
    );
    let figures = |unit: &str, f: &std::path::Path| -> Vec<String> {
        [
            "report",
            "offline-figures",
            "KTXH",
            "--period",
            "202612",
            "--unit",
            unit,
            "--values",
            f.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    // Before anything is recorded offline there is no such report: not for the
    // aggregator to fill (the unit enters its own figures).
    as_(&env, "tonghop");
    env.run(&args(&figures("H99.01", &file))).code(6);
    // Recorded from the document without its figures: it cannot be accepted yet.
    env.json(&[
        "report",
        "record-offline",
        "KTXH",
        "--period",
        "202612",
        "--unit",
        "H99.01",
        "--document",
        "45/UBND-VP",
        "--document-date",
        "2026-12-21",
        "--sent-at",
        "2026-12-21T16:00",
    ]);
    let accept = [
        "report", "accept", "KTXH", "--period", "202612", "--unit", "H99.01",
    ];
    env.run(&accept).code(7);
    // The unit's own staff and another unit's aggregator cannot use this path.
    for user in ["nhap.01", "lanhdao.01", "gui.01", "tonghop.02"] {
        as_(&env, user);
        env.run(&args(&figures("H99.01", &file))).code(4);
        env.run(&args(&figures("H99.01", &bad))).code(4);
    }
    // Text where a number belongs is refused, naming the cell; nothing written.
    as_(&env, "tonghop");
    let r = env.run(&args(&figures("H99.01", &bad))).code(5);
    assert!(r.stderr.contains("sai.csv:2"), "{}", r.stderr);
    assert_eq!(lua_value(&env, "H99.01", &lua), None);
    env.run(&accept).code(7);
    // The document's figures: the report stays sent, judged as it was.
    let v = env.json(&args(&figures("H99.01", &file)));
    assert_eq!(
        (
            v["status"].as_str(),
            v["timeliness"].as_str(),
            v["document"].as_str(),
            v["figures_entered"].as_bool()
        ),
        (
            Some("sent"),
            Some("on_time"),
            Some("45/UBND-VP (2026-12-21)"),
            Some(true)
        )
    );
    assert_eq!(lua_value(&env, "H99.01", &lua).as_deref(), Some("75"));
    let history = env.json(&[
        "report", "history", "KTXH", "--period", "202612", "--unit", "H99.01",
    ]);
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["action"].as_str(),
            last["actor"].as_str(),
            last["comment"].as_str()
        ),
        (
            Some("offline_figures"),
            Some("tonghop"),
            Some("45/UBND-VP (2026-12-21)")
        )
    );
    env.json(&accept);
    let agg = env.json(&["aggregate", "KTXH", "202612"]);
    let row = agg["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == lua.as_str())
        .unwrap();
    assert_eq!(row["values"]["1"], "75");
    // Once accepted, or for a report sent in the system, the path is closed: the
    // aggregator gains no data entry on normal reports.
    env.run(&args(&figures("H99.01", &file))).code(7);
    env.now = Some("2027-01-05T09:00:00+07:00".into());
    as_(&env, "nhap.01");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202701", &lua, "1", "10",
    ]);
    as_(&env, "tonghop");
    let jan = |f: &std::path::Path| {
        let mut a = figures("H99.01", f);
        a[4] = "202701".into();
        a
    };
    let r = env.run(&args(&jan(&file))).code(7);
    assert!(r.stderr.contains("gửi ngoài hệ thống"), "{}", r.stderr);
    as_(&env, "nhap.01");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202701", &lua, "1", "10",
    ]);
    assert_eq!(
        env.json(&["entry", "show", "KTXH", "--period", "202701"])
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["row"] == lua.as_str() && r["column"] == "1")
            .unwrap()["value"],
        "10"
    );
}
