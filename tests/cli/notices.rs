//! Maintenance notices, outages, the fallback channel and visible extensions (issue 11
//! items 2–5): Bắc Ninh Art. 9, Đồng Tháp Art. 11(2), 17(3), 20(3), Ninh Bình Art. 14(4),
//! Thái Bình Art. 10(2d).

use serde_json::Value;

use crate::common::{Env, ADMIN_PW};

const PW: &str = "Mat-khau-Rieng-2026!";

/// The province with the monthly KTXH regime (202612 due Monday 21/12 23:59:59) and
/// staff of commune H99.01 and of the lead unit.
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
        ],
        PW,
    );
    env
}

fn at(env: &mut Env, now: &str) {
    env.now = Some(now.into());
}

fn as_(env: &Env, user: &str) {
    if user == "admin" {
        env.login("admin", ADMIN_PW).ok();
    } else {
        env.login(user, PW).ok();
    }
}

/// Enter, submit, approve: the unit's report for `period` waits for its sender.
fn prepare(env: &Env, period: &str) {
    let lua = env.row_key("KTXH01", "Lúa");
    as_(env, "nhap.01");
    env.json(&["entry", "set", "KTXH", "--period", period, &lua, "1", "100"]);
    env.json(&["report", "submit", "KTXH", "--period", period]);
    as_(env, "lanhdao.01");
    env.json(&["report", "approve", "KTXH", "--period", period]);
}

fn kinds(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| format!("{}:{}", n["kind"].as_str().unwrap(), n["id"]))
        .collect()
}

#[test]
fn a_notice_must_come_three_working_days_ahead_or_ten_working_hours() {
    let mut env = Env::with_province();
    // Monday 7/12/2026, 09:00.
    at(&mut env, "2026-12-07T09:00:00+07:00");
    let rule = env.json(&["notice", "rule"]);
    assert_eq!(rule["rule"], "3wd");
    // Wednesday evening is two working days ahead: refused, naming the earliest start.
    let r = env
        .run(&[
            "--lang",
            "en",
            "notice",
            "add",
            "--from",
            "2026-12-09T18:00",
            "--to",
            "2026-12-09T22:00",
            "--reason",
            "Nâng cấp máy chủ",
        ])
        .code(5);
    assert!(
        r.stderr.contains("at least 3 working days") && r.stderr.contains("2026-12-10T00:00"),
        "{}",
        r.stderr
    );
    // Thursday is three: accepted, with the rule it was checked against.
    let n = env.json(&[
        "notice",
        "add",
        "--from",
        "2026-12-10T18:00",
        "--to",
        "2026-12-10T22:00",
        "--reason",
        "Nâng cấp máy chủ",
    ]);
    assert_eq!(
        (n["kind"].as_str(), n["rule"].as_str(), n["from"].as_str()),
        (
            Some("maintenance"),
            Some("3wd"),
            Some("2026-12-10T18:00:00+07:00")
        )
    );
    // Đồng Tháp's rule: 10 working hours of the office day (07:30–11:30, 13:00–17:00).
    env.json(&["notice", "rule", "10wh"]);
    // From Monday 09:00: 6.5 hours today, 3.5 more by Tuesday 11:00.
    env.run(&[
        "notice",
        "add",
        "--from",
        "2026-12-08T10:30",
        "--to",
        "2026-12-08T11:30",
        "--reason",
        "Bảo trì",
    ])
    .code(5);
    env.json(&[
        "notice",
        "add",
        "--from",
        "2026-12-08T11:00",
        "--to",
        "2026-12-08T11:30",
        "--reason",
        "Bảo trì",
    ]);
    env.run(&["notice", "rule", "3 ngày"]).code(5);
    env.run(&[
        "notice",
        "add",
        "--from",
        "2026-12-20T11:00",
        "--to",
        "2026-12-20T10:00",
        "--reason",
        "x",
    ])
    .code(5);
    // Only the sysadmin announces; every signed-in user sees the notices.
    let pw = env.account("xem.01", "H99.02", &["viewer"]);
    env.login("xem.01", &pw).ok();
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\n{PW}\n")),
    )
    .ok();
    env.run(&[
        "notice",
        "add",
        "--from",
        "2026-12-28T08:00",
        "--to",
        "2026-12-28T10:00",
        "--reason",
        "x",
    ])
    .code(4);
    env.run(&["notice", "rule", "3wd"]).code(4);
    let who = env.json(&["whoami"]);
    // In the order they were announced (both at 09:00: by start).
    assert_eq!(kinds(&who["notices"]), ["maintenance:2", "maintenance:1"]);
    assert_eq!(
        kinds(&env.json(&["notice", "list"])),
        ["maintenance:2", "maintenance:1"]
    );
    let human = env.run(&["whoami"]).ok();
    assert!(
        human
            .stderr
            .contains("Thông báo: Tạm ngừng hệ thống từ 10/12/2026 18:00"),
        "{}",
        human.stderr
    );
    // Once over, a notice leaves the list (but not --all).
    at(&mut env, "2026-12-11T09:00:00+07:00");
    assert_eq!(kinds(&env.json(&["notice", "list"])), Vec::<String>::new());
    assert_eq!(
        env.json(&["notice", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Audited.
    env.login("admin", ADMIN_PW).ok();
    env.run(&["audit", "verify"]).ok();
    let log = env.json(&["audit", "log"]);
    let objects: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["object"].as_str())
        .collect();
    assert!(
        objects.contains(&"notice:1") && objects.contains(&"notice_rule"),
        "{objects:?}"
    );
}

#[test]
fn an_outage_over_a_deadline_moves_it_and_closes_reception() {
    let mut env = province();
    at(&mut env, "2026-12-18T09:00:00+07:00");
    prepare(&env, "202612");
    // Monday 21/12 08:00: the system goes down; the sysadmin records it with the
    // incident's document while it lasts (until Tuesday noon).
    at(&mut env, "2026-12-21T09:00:00+07:00");
    as_(&env, "admin");
    env.run(&[
        "outage",
        "add",
        "--from",
        "2026-12-21T08:00",
        "--to",
        "2026-12-22T12:00",
        "--reason",
        "Mất điện",
    ])
    .code(5);
    let o = env.json(&[
        "outage",
        "add",
        "--from",
        "2026-12-21T08:00",
        "--to",
        "2026-12-22T12:00",
        "--reason",
        "Mất điện",
        "--document",
        "12/BC-STTTT",
        "--document-date",
        "2026-12-21",
    ]);
    // Monday 08:00–17:00 less lunch, Tuesday 07:30–11:30: 11.5 working hours.
    assert_eq!(o["working_minutes"], 690);
    // While it lasts, reception is closed.
    as_(&env, "gui.01");
    env.json(&["account", "key", "generate"]);
    let r = env
        .run(&[
            "--lang", "en", "report", "send", "KTXH", "--period", "202612",
        ])
        .code(7);
    assert!(r.stderr.contains("not receiving reports"), "{}", r.stderr);
    // The deadline moved by 1 office day and 210 minutes: Wednesday 23/12 11:00.
    let p = env.json(&["period", "show", "202612", "--regime", "KTXH"]);
    assert_eq!(p["rule_deadline"], "2026-12-21T23:59:59+07:00");
    assert_eq!(p["deadline"], "2026-12-23T11:00:00+07:00");
    assert_eq!(p["outage_extension"]["working_minutes"], 690);
    assert_eq!(p["outage_extension"]["reasons"][0], "Mất điện");
    let d = env.json(&["deadlines", "--within", "7d"]);
    let mine = d
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["unit"] == "H99.01" && x["period"] == "202612")
        .expect("202612 in deadlines");
    assert_eq!(
        (mine["deadline"].as_str(), mine["rule_deadline"].as_str()),
        (
            Some("2026-12-23T11:00:00+07:00"),
            Some("2026-12-21T23:59:59+07:00")
        )
    );
    // Everyone signed in sees the outage.
    assert_eq!(kinds(&env.json(&["notice", "list"])), ["outage:1"]);
    // Sent Wednesday morning: on time against the moved deadline.
    at(&mut env, "2026-12-23T10:00:00+07:00");
    env.json(&["report", "send", "KTXH", "--period", "202612"]);
    let v = env.json(&["report", "show", "KTXH", "--period", "202612"]);
    assert_eq!(v["timeliness"], "on_time");
    assert_eq!(v["rule_deadline"], "2026-12-21T23:59:59+07:00");
    assert_eq!(v["outage_extension"]["outages"][0], 1);
    // A planned outage comes from a notice; the sysadmin alone records outages.
    as_(&env, "admin");
    let n = env.json(&[
        "notice",
        "add",
        "--from",
        "2027-01-04T18:00",
        "--to",
        "2027-01-04T20:00",
        "--reason",
        "Nâng cấp",
    ]);
    let planned = env.json(&["outage", "add", "--notice", &n["id"].to_string()]);
    assert_eq!(
        (planned["notice"].as_i64(), planned["reason"].as_str()),
        (n["id"].as_i64(), Some("Nâng cấp"))
    );
    env.run(&["outage", "add", "--notice", "99"]).code(6);
    assert_eq!(env.json(&["outage", "list"]).as_array().unwrap().len(), 2);
    as_(&env, "tonghop");
    env.run(&["outage", "list"]).code(4);
}

#[test]
fn the_fallback_channel_needs_an_outage_and_the_lead_units_aggregator() {
    let mut env = province();
    at(&mut env, "2026-12-18T09:00:00+07:00");
    prepare(&env, "202612");
    prepare(&env, "202611");
    at(&mut env, "2026-12-28T09:00:00+07:00");
    let offline = |period: &str, sent: &str| -> Vec<String> {
        [
            "report",
            "record-offline",
            "KTXH",
            "--period",
            period,
            "--unit",
            "H99.01",
            "--document",
            "45/UBND-VP",
            "--document-date",
            "2026-12-10",
            "--sent-at",
            sent,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    // The unit's own sender cannot record its own report as sent on paper.
    as_(&env, "gui.01");
    let r = env
        .run(&args(&offline("202612", "2026-12-10T16:00")))
        .code(4);
    assert!(r.stderr.contains("người tổng hợp"), "{}", r.stderr);
    // The aggregator, with no outage over the deadline: refused.
    as_(&env, "tonghop");
    let r = env
        .run(&args(&offline("202612", "2026-12-10T16:00")))
        .code(7);
    assert!(
        r.stderr.contains("không rơi vào thời gian sự cố"),
        "{}",
        r.stderr
    );
    // With an outage over 21/12 recorded from its document: accepted, judged by when
    // the document was sent.
    as_(&env, "admin");
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
    as_(&env, "tonghop");
    let off = env.json(&args(&offline("202612", "2026-12-10T16:00")));
    assert_eq!(
        (
            off["status"].as_str(),
            off["timeliness"].as_str(),
            off["figures_entered"].as_bool()
        ),
        (Some("sent"), Some("on_time"), Some(true))
    );
    assert_eq!(off["document"], "45/UBND-VP (2026-12-10)");
    // 202611 (due 20/11) fell in no outage.
    env.run(&args(&offline("202611", "2026-11-19T16:00")))
        .code(7);
    // A document sent in the future, or dated after its sending, is refused.
    env.run(&[
        "report",
        "record-offline",
        "KTXH",
        "--period",
        "202612",
        "--unit",
        "H99.02",
        "--document",
        "1/UBND",
        "--document-date",
        "2026-12-20",
        "--sent-at",
        "2026-12-29T08:00",
    ])
    .code(5);
    // Without figures a report recorded offline cannot be accepted into an aggregate.
    env.run(&[
        "report",
        "record-offline",
        "KTXH",
        "--period",
        "202612",
        "--unit",
        "H99.02",
        "--document",
        "2/UBND",
        "--document-date",
        "2026-12-21",
        "--sent-at",
        "2026-12-21T16:00",
    ])
    .ok();
    let r = env
        .run(&[
            "report", "accept", "KTXH", "--period", "202612", "--unit", "H99.02",
        ])
        .code(7);
    assert!(r.stderr.contains("chưa có số liệu"), "{}", r.stderr);
    env.json(&[
        "report", "accept", "KTXH", "--period", "202612", "--unit", "H99.01",
    ]);
}

#[test]
fn an_extension_granted_after_the_deadline_is_extended_not_on_time() {
    let mut env = province();
    at(&mut env, "2026-11-18T09:00:00+07:00");
    prepare(&env, "202611");
    // 23/11, after the 20/11 deadline, the lead unit extends reception for H99.01.
    at(&mut env, "2026-11-23T09:00:00+07:00");
    as_(&env, "tonghop");
    env.json(&[
        "window",
        "open",
        "KTXH",
        "--period",
        "202611",
        "--unit",
        "H99.01",
        "--until",
        "2026-11-27T17:00",
        "--reason",
        "Mất điện diện rộng",
    ]);
    // The unit's staff are told.
    as_(&env, "nhap.01");
    let list = env.json(&["notice", "list"]);
    assert_eq!(list[0]["kind"], "reception");
    assert_eq!(list[0]["action"], "extend");
    assert_eq!(list[0]["reason"], "Mất điện diện rộng");
    as_(&env, "gui.01");
    env.json(&["account", "key", "generate"]);
    let mail = env.path("mail");
    let rem = env.json(&[
        "remind",
        "--within",
        "7d",
        "--mail-dir",
        mail.to_str().unwrap(),
    ]);
    let msg = std::fs::read_to_string(mail.join("gui.01.eml")).unwrap();
    assert!(
        msg.contains("KTXH kỳ 202611 (H99.01): gia hạn đến 27/11/2026 17:00 — Mất điện diện rộng"),
        "{msg}"
    );
    let me = rem
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["username"] == "gui.01")
        .expect("gui.01 reminded");
    assert_eq!(me["notices"][0]["action"], "extend");
    at(&mut env, "2026-11-24T09:00:00+07:00");
    env.json(&["report", "send", "KTXH", "--period", "202611"]);
    let v = env.json(&["report", "show", "KTXH", "--period", "202611"]);
    assert_eq!(v["timeliness"], "extended");
    assert_eq!(v["rule_deadline"], "2026-11-20T23:59:59+07:00");
    assert_eq!(v["extension"]["reason"], "Mất điện diện rộng");
    assert_eq!(v["extension"]["granted_after_deadline"], true);
    // compliance counts it apart from on time.
    as_(&env, "admin");
    let comp = env.json(&["compliance", "--from", "202611", "--to", "202611"]);
    let row = comp
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "H99.01")
        .unwrap();
    assert_eq!(
        (
            row["on_time"].as_u64(),
            row["extended"].as_u64(),
            row["due"].as_u64()
        ),
        (Some(0), Some(1), Some(1))
    );
    // The aggregated workbook's status sheet says it in words and counts it on its own line.
    let out = env.path("ktxh-202611.xlsx");
    env.json(&[
        "export",
        "aggregate",
        "KTXH",
        "202611",
        "--out",
        out.to_str().unwrap(),
    ]);
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("Tình hình gửi báo cáo").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.contains(&"H99.01".to_string()) && r.contains(&"Trong gia hạn".to_string())),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.get(2).is_some_and(|c| c == "Trong gia hạn")
                && r.get(3).is_some_and(|c| c == "1")),
        "{rows:?}"
    );
}
