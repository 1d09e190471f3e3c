//! Issue 18 items 1 and 3: regimes that change over time (sửa đổi, bổ sung, bãi bỏ from a
//! period, by a decision; Bắc Ninh Art. 10(3), Đồng Tháp Art. 21(1)) with the past judged
//! by the rules it had, and thematic or ad hoc regimes with many requests (Ninh Bình
//! Art. 14(2–3), Thái Bình Art. 10(1)), each a period of its own for monitoring.

use serde_json::Value;

use crate::common::{Env, ADMIN_PW, NOW};

const PW: &str = "Mat-khau-Rieng-2026!";

/// The province, the monthly KTXH regime (set up 2 November 2026) and H99.01's staff.
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
    env.now = Some(NOW.into());
    env
}

fn as_(env: &Env, user: &str) {
    env.login(user, PW).ok();
}

/// H99.01 enters, submits, approves and sends its KTXH report for `period` at `at`.
fn send(env: &Env, period: &str, at: &str) -> Value {
    let lua = env.row_key("KTXH01", "Lúa");
    as_(env, "nhap.01");
    env.json(&[
        "--as-of", at, "entry", "set", "KTXH", "--period", period, &lua, "1", "120",
    ]);
    env.json(&[
        "--as-of", at, "report", "submit", "KTXH", "--period", period,
    ]);
    as_(env, "lanhdao.01");
    env.json(&[
        "--as-of", at, "report", "approve", "KTXH", "--period", period,
    ]);
    as_(env, "gui.01");
    env.run(&["account", "key", "generate"]);
    let sent = env.json(&["--as-of", at, "report", "send", "KTXH", "--period", period]);
    env.login("admin", ADMIN_PW).ok();
    sent
}

/// What monitoring says of KTXH on 25 January 2027, in JSON and as tables.
fn monitoring(env: &Env) -> Vec<String> {
    monitoring_runs(env)
        .into_iter()
        .map(|(out, err)| format!("{out}\n{err}"))
        .collect()
}

/// [`monitoring`]'s outputs, stdout and stderr apart.
fn monitoring_runs(env: &Env) -> Vec<(String, String)> {
    let at = "2027-01-25T08:00";
    // Before December's deadline by either rule: only November is overdue.
    let early = "2026-12-10T08:00";
    let runs: [&[&str]; 8] = [
        &[
            "-o", "json", "--as-of", early, "overdue", "--regime", "KTXH",
        ],
        &["--as-of", early, "overdue", "--regime", "KTXH"],
        &[
            "-o",
            "json",
            "--as-of",
            at,
            "compliance",
            "--from",
            "202611",
            "--to",
            "202611",
        ],
        &[
            "--as-of",
            at,
            "compliance",
            "--from",
            "202611",
            "--to",
            "202611",
        ],
        &["-o", "json", "--as-of", at, "status", "KTXH", "202611"],
        &["--as-of", at, "status", "KTXH", "202611"],
        &["-o", "json", "period", "show", "202611", "--regime", "KTXH"],
        // Between December's new deadline (18th) and its old one (21st).
        &[
            "-o",
            "json",
            "--as-of",
            "2026-12-19T08:00",
            "overdue",
            "--regime",
            "KTXH",
        ],
    ];
    runs.iter()
        .map(|a| {
            let r = env.run(a);
            (r.stdout, r.stderr)
        })
        .collect()
}

fn update(env: &Env, args: &[&str]) -> crate::common::Run {
    let mut a = vec![
        "-o",
        "json",
        "regime",
        "update",
        "KTXH",
        "--decision",
        "Quyết định 215/QĐ-UBND ngày 24/11/2026 của UBND tỉnh",
        "--reason",
        "Rút ngắn thời hạn gửi báo cáo tháng để kịp tổng hợp",
    ];
    a.extend_from_slice(args);
    env.run(&a)
}

#[test]
fn an_amended_deadline_leaves_the_past_as_it_was_and_moves_the_future() {
    let mut env = province();
    let sent = send(&env, "202611", "2026-11-19T15:00");
    assert_eq!(sent["timeliness"], "on_time");
    let before = monitoring(&env);
    let dec_before = env.json(&["period", "show", "202612", "--regime", "KTXH"]);
    assert_eq!(dec_before["deadline"], "2026-12-21T23:59:59+07:00");

    // Only the sysadmin and the lead unit's set-up accounts change regimes (a reporting
    // unit's approver is refused); refused changes write nothing.
    env.now = Some("2026-11-25T09:00:00+07:00".into());
    as_(&env, "lanhdao.01");
    update(&env, &["--from", "202612", "--deadline", "day:18"]).code(4);
    env.login("admin", ADMIN_PW).ok();
    // From a period already due or with reports: refused, the past stays judged.
    let r = update(&env, &["--from", "202611", "--deadline", "day:18"]).code(7);
    assert!(r.stderr.contains("202611"), "{}", r.stderr);
    // A rule that breaks Decree 09 Art. 8(5), an unknown period, nothing to change.
    update(&env, &["--from", "202612", "--deadline", "day:14"]).code(5);
    update(&env, &["--from", "2026Q4", "--deadline", "day:18"]).code(5);
    update(&env, &["--from", "202612"]).code(5);
    assert_eq!(
        env.json(&["regime", "history", "KTXH"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let v = update(&env, &["--from", "202612", "--deadline", "day:18"])
        .ok()
        .json();
    assert_eq!(v["period"], "202612");
    assert_eq!(v["version"]["kind"], "amend");
    assert_eq!(v["deadline_rule"], "day:18:last@23:59:59");
    // The past: byte for byte what it was. The changed period: its new deadline.
    env.now = Some(NOW.into());
    let after = monitoring(&env);
    for (i, (b, a)) in before.iter().zip(&after).enumerate().take(7) {
        assert_eq!(b, a, "output {i} of the earlier period changed");
    }
    assert_ne!(
        before[7], after[7],
        "the later period must follow the new rule"
    );
    let dec = env.json(&["period", "show", "202612", "--regime", "KTXH"]);
    assert_eq!(dec["deadline"], "2026-12-18T23:59:59+07:00");
    let nov = env.json(&["regime", "show", "KTXH", "--period", "202611"]);
    assert_eq!(nov["deadline_rule"], "day:20:last@23:59:59");
    assert_eq!(nov["version"]["kind"], "original");
    let dec = env.json(&["regime", "show", "KTXH", "--period", "202612"]);
    assert_eq!(dec["deadline_rule"], "day:18:last@23:59:59");
    assert_eq!(
        dec["version"]["decision"],
        "Quyết định 215/QĐ-UBND ngày 24/11/2026 của UBND tỉnh"
    );
    // The report sent keeps its stored deadline judgement.
    let report = env.json(&[
        "report", "show", "KTXH", "--period", "202611", "--unit", "H99.01",
    ]);
    assert_eq!(report["timeliness"], "on_time");

    // Supplement: receivers from January; abolish from March. History lists them all.
    env.now = Some("2026-12-01T09:00:00+07:00".into());
    let v = update(&env, &["--from", "202701", "--add-receiver", "tonghop"])
        .ok()
        .json();
    assert_eq!(v["version"]["kind"], "supplement");
    assert_eq!(v["receivers"], serde_json::json!(["tonghop"]));
    // Not before the latest change.
    update(&env, &["--from", "202612", "--add-receiver", "gui.01"]).code(5);
    update(
        &env,
        &["--from", "202703", "--abolish", "--deadline", "day:18"],
    )
    .code(5);
    let v = update(&env, &["--from", "202703", "--abolish"]).ok().json();
    assert_eq!(v["version"]["kind"], "abolish");
    update(&env, &["--from", "202704", "--add-receiver", "gui.01"]).code(7);
    let h = env.json(&["regime", "history", "KTXH"]);
    let kinds: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["original", "amend", "supplement", "abolish"]);
    assert_eq!(h[3]["from_period"], "202703");
    assert_eq!(h[0]["from_period"], Value::Null);
    let table = env.run(&["regime", "history", "KTXH"]).ok().stdout;
    assert!(
        table.contains("Từ kỳ") && table.contains("202703"),
        "{table}"
    );
    // Abolished from March: no report, no obligation; February still owed.
    let r = env
        .run(&["period", "show", "202703", "--regime", "KTXH"])
        .code(7);
    assert!(r.stderr.contains("bãi bỏ"), "{}", r.stderr);
    let upcoming = env.json(&[
        "--as-of",
        "2027-01-25T08:00",
        "deadlines",
        "--within",
        "60d",
        "--regime",
        "KTXH",
    ]);
    let periods: Vec<&str> = upcoming
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["period"].as_str().unwrap())
        .collect();
    assert!(periods.contains(&"202702"), "{periods:?}");
    assert!(!periods.iter().any(|p| p >= &"202703"), "{periods:?}");
    env.run(&["audit", "verify"]).ok();
    // The versions are in the audit trail: one edited behind the tool's back is found.
    env.sql("UPDATE regime_version SET deadline_rule = 'day:25:last@23:59:59' WHERE seq = 1");
    let r = env.run(&["--lang", "en", "audit", "verify"]).code(1);
    assert!(r.stderr.contains("regime_version:KTXH"), "{}", r.stderr);
}

fn thematic(env: &Env) {
    let t = env.path("ktxh.xlsx");
    crate::forms::ktxh_template(&t, 0, 0, false);
    env.json(&["form", "import", t.to_str().unwrap(), "--code", "KTXH01"]);
    env.json(&[
        "regime",
        "add",
        "--code",
        "CD-PCCC",
        "--name",
        "Báo cáo chuyên đề công tác phòng cháy, chữa cháy",
        "--type",
        "chuyên đề",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--period-id",
        "2026CD1",
        "--start",
        "2026-01-01",
        "--end",
        "2026-11-20",
        "--deadline-at",
        "2026-11-27",
    ]);
    env.json(&["assign", "add", "CD-PCCC", "--kind", "commune"]);
}

#[test]
fn a_thematic_regime_takes_many_requests_each_a_period() {
    let env = Env::with_province();
    thematic(&env);
    // The regime's own period is its first request.
    let list = env.json(&["regime", "request", "list", "CD-PCCC"]);
    assert_eq!(list[0]["period"], "2026CD1");
    // A second request, to one commune, with its own window, deadline and reason.
    let q = env.json(&[
        "regime",
        "request",
        "add",
        "CD-PCCC",
        "--period",
        "2026CD2",
        "--start",
        "2026-11-01",
        "--end",
        "2026-11-30",
        "--deadline-at",
        "2026-12-04T17:00",
        "--units",
        "H99.01",
        "--reason",
        "Công văn 88/UBND-NC: rà soát sau vụ cháy chợ Tân Phong",
    ]);
    assert_eq!(q["period"], "2026CD2");
    assert_eq!(q["deadline"], "2026-12-04T17:00:00+07:00");
    assert_eq!(q["units"], serde_json::json!(["H99.01"]));
    // A taken id, a deadline passed, a unit not assigned, a periodic regime: refused.
    let again = |period: &str, deadline: &str, unit: &str, regime: &str| {
        env.run(&[
            "regime",
            "request",
            "add",
            regime,
            "--period",
            period,
            "--start",
            "2026-11-01",
            "--end",
            "2026-11-30",
            "--deadline-at",
            deadline,
            "--units",
            unit,
            "--reason",
            "Yêu cầu báo cáo bổ sung",
        ])
    };
    again("2026CD2", "2026-12-10", "H99.01", "CD-PCCC").code(5);
    again("2026CD3", "2026-11-22", "H99.01", "CD-PCCC").code(5);
    again("2026CD3", "2026-12-10", "000.01.00.H99", "CD-PCCC").code(5);
    env.add_ktxh_regime();
    again("2026CD3", "2026-12-10", "H99.01", "KTXH").code(5);
    // Each request is a period: its own window and deadline.
    let p = env.json(&["period", "show", "2026CD2", "--regime", "CD-PCCC"]);
    assert_eq!(p["start"], "2026-11-01");
    assert_eq!(p["deadline"], "2026-12-04T17:00:00+07:00");
    let p = env.json(&["period", "show", "2026CD1", "--regime", "CD-PCCC"]);
    assert_eq!(p["deadline"], "2026-11-27T23:59:59+07:00");
    // Monitoring: the first request owes every commune, the second only H99.01.
    let overdue = env.json(&[
        "--as-of",
        "2026-12-08T08:00",
        "overdue",
        "--regime",
        "CD-PCCC",
    ]);
    let mut seen: Vec<(String, String)> = overdue
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["period"].as_str().unwrap().to_string(),
                o["unit"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("2026CD1", "H99.01"),
            ("2026CD1", "H99.02"),
            ("2026CD1", "H99.03"),
            ("2026CD2", "H99.01")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let status = env.json(&[
        "--as-of",
        "2026-12-08T08:00",
        "status",
        "CD-PCCC",
        "2026CD2",
    ]);
    assert_eq!(status.as_array().unwrap().len(), 1);
    // A thematic regime changes from a request on: earlier requests keep their rules;
    // deadlines are each request's own, not a rule to amend.
    let v = env.json(&[
        "regime",
        "update",
        "CD-PCCC",
        "--from",
        "2026CD2",
        "--add-receiver",
        "admin",
        "--decision",
        "Công văn 90/UBND-NC",
        "--reason",
        "Văn phòng UBND tỉnh theo dõi",
    ]);
    assert_eq!(v["version"]["kind"], "supplement");
    let first = env.json(&["regime", "show", "CD-PCCC", "--period", "2026CD1"]);
    assert_eq!(first["receivers"], serde_json::json!([]));
    assert_eq!(first["deadline_at"], "2026-11-27T23:59:59+07:00");
    let second = env.json(&["regime", "show", "CD-PCCC", "--period", "2026CD2"]);
    assert_eq!(second["receivers"], serde_json::json!(["admin"]));
    assert_eq!(second["deadline_at"], "2026-12-04T17:00:00+07:00");
    env.run(&[
        "regime",
        "update",
        "CD-PCCC",
        "--from",
        "2026CD2",
        "--deadline",
        "day:20",
        "--decision",
        "Công văn 91/UBND-NC",
        "--reason",
        "Thử",
    ])
    .code(5);
    // A request is cancelled once, with no reports; then it is no period.
    env.json(&[
        "regime",
        "request",
        "add",
        "CD-PCCC",
        "--period",
        "2026CD3",
        "--start",
        "2026-11-01",
        "--end",
        "2026-11-30",
        "--deadline-at",
        "2026-12-15",
        "--reason",
        "Kiểm tra an toàn phòng cháy cuối năm",
    ]);
    let c = env.json(&[
        "regime",
        "request",
        "cancel",
        "CD-PCCC",
        "--period",
        "2026CD3",
        "--reason",
        "Đã lồng ghép vào báo cáo năm",
    ]);
    assert_eq!(c["status"], "cancelled");
    env.run(&[
        "regime",
        "request",
        "cancel",
        "CD-PCCC",
        "--period",
        "2026CD3",
        "--reason",
        "Lần hai",
    ])
    .code(7);
    env.run(&["period", "show", "2026CD3", "--regime", "CD-PCCC"])
        .code(7);
    let deadlines = env.json(&[
        "--as-of",
        "2026-12-10T08:00",
        "deadlines",
        "--within",
        "10d",
    ]);
    assert!(deadlines
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["period"] != "2026CD3"));
    // Requests are the sysadmin's and the lead unit's: a department's aggregator, outside
    // the province (the lead unit), is refused.
    let pw = env.account("tonghop.stc", "000.01.00.H99", &["aggregator"]);
    env.login("tonghop.stc", &pw).ok();
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\n{PW}\n")),
    )
    .ok();
    env.run(&[
        "regime",
        "request",
        "add",
        "CD-PCCC",
        "--period",
        "2026CD4",
        "--start",
        "2026-11-01",
        "--end",
        "2026-11-30",
        "--deadline-at",
        "2026-12-15",
        "--reason",
        "Thử",
    ])
    .code(4);
    let list = env.json(&["regime", "request", "list", "CD-PCCC"]);
    assert_eq!(list.as_array().unwrap().len(), 3);
}

/// The CLI pointed at a server (no local database near it).
fn remote(env: &Env, url: &str, args: &[&str], stdin: Option<&str>) -> crate::common::Run {
    let mut c = env.cmd();
    c.env("BAOCAO_SERVER", url)
        .env("BAOCAO_DB", env.path("khong-co-o-may-khach.db"))
        .args(args);
    crate::common::run_command(c, stdin)
}

#[test]
fn changes_and_requests_run_through_the_server_as_they_run_locally() {
    let env = province();
    env.json(&[
        "regime",
        "add",
        "--code",
        "CD-LU",
        "--name",
        "Báo cáo đột xuất tình hình lũ",
        "--type",
        "adhoc",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--period-id",
        "2026DX1",
        "--start",
        "2026-11-01",
        "--end",
        "2026-11-25",
        "--deadline-at",
        "2026-11-26",
    ]);
    env.json(&["assign", "add", "CD-LU", "--kind", "commune"]);
    // The server works on a copy of the same province.
    let served = Env::new();
    std::fs::copy(env.db(), served.db()).expect("copy");
    let server = crate::server::Server::start(&served, &[]);
    let pw = format!("{ADMIN_PW}\n");
    remote(
        &env,
        &server.url,
        &["login", "admin", "--password-stdin"],
        Some(&pw),
    )
    .ok();
    let steps: [&[&str]; 7] = [
        &[
            "-o",
            "json",
            "regime",
            "update",
            "KTXH",
            "--from",
            "202612",
            "--deadline",
            "day:18",
            "--decision",
            "Quyết định 215/QĐ-UBND",
            "--reason",
            "Rút ngắn thời hạn",
        ],
        &["-o", "json", "regime", "history", "KTXH"],
        &["-o", "json", "regime", "show", "KTXH", "--period", "202612"],
        &[
            "-o",
            "json",
            "regime",
            "request",
            "add",
            "CD-LU",
            "--period",
            "2026DX2",
            "--start",
            "2026-11-20",
            "--end",
            "2026-11-30",
            "--deadline-at",
            "2026-12-02",
            "--units",
            "H99.02",
            "--reason",
            "Lũ quét tại phường Hòa Bình",
        ],
        &["-o", "json", "regime", "request", "list", "CD-LU"],
        &[
            "-o", "json", "period", "show", "2026DX2", "--regime", "CD-LU",
        ],
        &[
            "-o",
            "json",
            "regime",
            "request",
            "cancel",
            "CD-LU",
            "--period",
            "2026DX2",
            "--reason",
            "Nhập vào báo cáo tháng",
        ],
    ];
    for args in steps {
        let here = env.run(args);
        let there = remote(&env, &server.url, args, None);
        assert_eq!(
            (here.code, here.stdout.clone()),
            (there.code, there.stdout.clone()),
            "{args:?}\nlocal: {}\nremote: {}",
            here.stderr,
            there.stderr
        );
        assert_eq!(here.code, 0, "{args:?}: {}", here.stderr);
    }
    // Refusals travel too: the same change again is from a period with a newer change.
    let again = steps[0];
    let here = env.run(again);
    let there = remote(&env, &server.url, again, None);
    assert_eq!((here.code, here.stderr), (there.code, there.stderr));
}

#[test]
fn a_request_is_reported_under_its_own_period_id_and_deadline() {
    let env = province();
    env.json(&[
        "regime",
        "add",
        "--code",
        "DX-LU",
        "--name",
        "Báo cáo đột xuất tình hình lũ",
        "--type",
        "đột xuất",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--period-id",
        "2026DX1",
        "--start",
        "2026-11-01",
        "--end",
        "2026-11-20",
        "--deadline-at",
        "2026-11-21",
    ]);
    env.json(&["assign", "add", "DX-LU", "--kind", "commune"]);
    let request = |period: &str, deadline: &str, units: &str| {
        env.json(&[
            "regime",
            "request",
            "add",
            "DX-LU",
            "--period",
            period,
            "--start",
            "2026-11-15",
            "--end",
            "2026-11-24",
            "--deadline-at",
            deadline,
            "--units",
            units,
            "--reason",
            "Mưa lũ kéo dài trên địa bàn tỉnh",
        ])
    };
    request("2026DX2", "2026-11-25T17:00", "H99.02");
    request("2026DX3", "2026-11-26T17:00", "H99.01,H99.03");
    let lua = env.row_key("KTXH01", "Lúa");
    as_(&env, "nhap.01");
    // Not asked by 2026DX2: refused, nothing written.
    let r = env.run(&[
        "entry", "set", "DX-LU", "--period", "2026DX2", &lua, "1", "15",
    ]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("2026DX2"), "{}", r.stderr);
    // Asked by 2026DX3: entered, submitted, approved, sent under that period id.
    let at = "2026-11-26T10:00";
    env.json(&[
        "--as-of", at, "entry", "set", "DX-LU", "--period", "2026dx3", &lua, "1", "15",
    ]);
    env.json(&[
        "--as-of", at, "report", "submit", "DX-LU", "--period", "2026DX3",
    ]);
    as_(&env, "lanhdao.01");
    env.json(&[
        "--as-of", at, "report", "approve", "DX-LU", "--period", "2026DX3",
    ]);
    as_(&env, "gui.01");
    env.run(&["account", "key", "generate"]);
    // Sent after 2026DX2's deadline but within its own: on time.
    let sent = env.json(&[
        "--as-of", at, "report", "send", "DX-LU", "--period", "2026DX3",
    ]);
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["timeliness"], "on_time");
    env.login("admin", ADMIN_PW).ok();
    let status = env.json(&["--as-of", "2026-11-27T08:00", "status", "DX-LU", "2026DX3"]);
    let rows: Vec<(&str, &str)> = status
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["unit"].as_str().unwrap(),
                o["timeliness"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [("H99.01", "on_time"), ("H99.03", "missing")]);
    // A request with reports is not cancelled.
    env.run(&[
        "regime", "request", "cancel", "DX-LU", "--period", "2026DX3", "--reason", "Nhầm",
    ])
    .code(7);
}

#[test]
fn a_new_form_from_a_period_leaves_earlier_reports_on_the_old_one() {
    let mut env = province();
    // KTXH02: the same template with one row more.
    let t = env.path("ktxh02.xlsx");
    crate::forms::ktxh_template(&t, 0, 0, true);
    env.json(&["form", "import", t.to_str().unwrap(), "--code", "KTXH02"]);
    env.now = Some("2026-11-25T09:00:00+07:00".into());
    let v = update(&env, &["--from", "202612", "--form", "KTXH02"])
        .ok()
        .json();
    assert_eq!(v["form"], "KTXH02");
    env.now = Some(NOW.into());
    let form_of = |period: &str| {
        env.json(&["regime", "show", "KTXH", "--period", period])["form"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(form_of("202611"), "KTXH01");
    assert_eq!(form_of("202612"), "KTXH02");
    // Each period's report is on its own form: the new row is KTXH02's only.
    let xnk = env.row_key("KTXH02", "Thu từ xuất nhập khẩu");
    as_(&env, "nhap.01");
    let r = env.run(&[
        "entry", "set", "KTXH", "--period", "202611", &xnk, "1", "50",
    ]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    env.json(&[
        "entry", "set", "KTXH", "--period", "202612", &xnk, "1", "50",
    ]);
    let lua = env.row_key("KTXH01", "Lúa");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "1", "120",
    ]);
    let nov = env.json(&["entry", "show", "KTXH", "--period", "202611"]);
    let dec = env.json(&["entry", "show", "KTXH", "--period", "202612"]);
    env.login("admin", ADMIN_PW).ok();
    assert_eq!(nov[0]["name"], "Lúa", "{nov}");
    assert_eq!(dec[0]["name"], "Thu từ xuất nhập khẩu", "{dec}");
}

/// The units `overdue` lists for KTXH `period` on 25 January 2027.
fn overdue_units(env: &Env, period: &str) -> Vec<String> {
    let v = env.json(&["--as-of", "2027-01-25T08:00", "overdue", "--regime", "KTXH"]);
    v.as_array()
        .unwrap()
        .iter()
        .filter(|o| o["period"] == period)
        .map(|o| o["unit"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_assignment_ended_from_a_period_keeps_the_earlier_periods_as_they_were() {
    let env = province();
    send(&env, "202611", "2026-11-19T15:00");
    let before = monitoring(&env);
    assert!(overdue_units(&env, "202612").contains(&"H99.02".to_string()));
    let audit_before = env.json(&["audit", "log"]).as_array().unwrap().len();

    // Refused: an unknown period, a unit not assigned; nothing is written.
    env.run(&[
        "assign", "remove", "KTXH", "--units", "H99.02", "--from", "2026Q4",
    ])
    .code(5);
    env.run(&[
        "assign",
        "remove",
        "KTXH",
        "--units",
        "H99.02,000.00.00.H99",
        "--from",
        "202612",
    ])
    .code(6);
    assert_eq!(
        env.json(&["audit", "log"]).as_array().unwrap().len(),
        audit_before
    );

    let done = env.json(&[
        "assign", "remove", "KTXH", "--units", "H99.02", "--from", "202612",
    ]);
    assert_eq!(done["removed"], serde_json::json!(["H99.02"]));
    assert_eq!(done["from_period"], "202612");
    // Earlier periods: byte for byte as before.
    let after = monitoring(&env);
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        assert_eq!(b, a, "output {i} of the earlier period changed");
    }
    // From December on the unit is no longer expected, and not named as left out.
    let dec = overdue_units(&env, "202612");
    assert!(!dec.contains(&"H99.02".to_string()), "{dec:?}");
    assert!(
        dec.contains(&"H99.03".to_string()) || !dec.is_empty(),
        "{dec:?}"
    );
    let r = env.run(&["--as-of", "2027-01-25T08:00", "status", "KTXH", "202612"]);
    assert!(!r.stdout.contains("H99.02"), "{}", r.stdout);
    assert!(!r.stderr.contains("H99.02"), "{}", r.stderr);
    // November still expects it.
    assert!(overdue_units(&env, "202611").contains(&"H99.02".to_string()));
    // The assignment says when it ends.
    let list = env.json(&["assign", "list", "KTXH"]);
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["unit"] == "H99.02")
        .unwrap()
        .clone();
    assert_eq!(row["until_period"], "202612");
    assert_eq!(row["active"], true);
    // Assigned again: no end.
    env.json(&["assign", "add", "KTXH", "--units", "H99.02"]);
    assert!(overdue_units(&env, "202612").contains(&"H99.02".to_string()));
    env.run(&["audit", "verify"]).ok();
}

/// The number of versions in KTXH's history and of audit entries: what a refused
/// change must leave as it was.
fn written(env: &Env) -> (usize, usize) {
    let h = env.json(&["regime", "history", "KTXH"]);
    let a = env.json(&["audit", "log"]);
    (h.as_array().unwrap().len(), a.as_array().unwrap().len())
}

fn owing(env: &Env, period: &str) -> Vec<String> {
    env.json(&["regime", "show", "KTXH", "--period", period])["assigned_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn who_owes_a_regime_changes_from_a_period_as_a_version_of_its_history() {
    let mut env = province();
    send(&env, "202611", "2026-11-19T15:00");
    let before = monitoring_runs(&env);
    env.now = Some("2026-11-25T09:00:00+07:00".into());
    // Outside the lead unit: a commune's approver is refused.
    as_(&env, "lanhdao.01");
    update(&env, &["--from", "202612", "--assign", "000.01.00.H99"]).code(4);
    env.login("admin", ADMIN_PW).ok();
    let nothing = written(&env);

    // Every bad input: a clear message, its exit status, nothing written.
    let bad: [(&[&str], i32, &str); 9] = [
        (&["--from", "202612", "--assign", " "], 5, "để trống"),
        (&["--from", "202612", "--assign", "KHONG-CO"], 6, "KHONG-CO"),
        (
            &[
                "--from",
                "202612",
                "--assign",
                "000.01.00.H99,000.01.00.H99",
            ],
            5,
            "hai lần",
        ),
        (
            &[
                "--from",
                "202612",
                "--assign",
                "000.01.00.H99",
                "--unassign",
                "000.01.00.H99",
            ],
            5,
            "vừa ở --assign vừa ở --unassign",
        ),
        (
            &["--from", "202612", "--unassign", "000.01.00.H99"],
            5,
            "không đang được giao",
        ),
        (
            &["--from", "202612", "--assign", "H99.01"],
            5,
            "đã được giao",
        ),
        // November is due and has reports: the past stays judged.
        (&["--from", "202611", "--unassign", "H99.02"], 7, "202611"),
        (
            &["--from", "2026Q4", "--assign", "000.01.00.H99"],
            5,
            "kỳ tháng",
        ),
        (
            &["--from", "202612", "--assign", "000.01.00.H99", "--abolish"],
            5,
            "--abolish",
        ),
    ];
    for (args, code, says) in bad {
        let r = update(&env, args).code(code);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
    }
    let mut en = vec!["--lang", "en"];
    en.extend([
        "-o",
        "json",
        "regime",
        "update",
        "KTXH",
        "--decision",
        "QĐ 1",
    ]);
    en.extend(["--reason", "Thử", "--from", "202612", "--assign", "H99.01"]);
    let r = env.run(&en).code(5);
    assert!(r.stderr.contains("is already assigned"), "{}", r.stderr);
    assert_eq!(written(&env), nothing);

    // The lead unit's aggregator adds a department and removes a ward from December.
    as_(&env, "tonghop");
    let v = update(
        &env,
        &[
            "--from",
            "202612",
            "--assign",
            "000.01.00.H99",
            "--unassign",
            "H99.02",
        ],
    )
    .ok()
    .json();
    env.login("admin", ADMIN_PW).ok();
    assert_eq!(v["version"]["kind"], "amend");
    assert_eq!(
        v["version"]["assigned"],
        serde_json::json!(["000.01.00.H99"])
    );
    assert_eq!(v["version"]["unassigned"], serde_json::json!(["H99.02"]));
    assert_eq!(
        v["assigned_units"],
        serde_json::json!(["000.01.00.H99", "H99.01", "H99.03"])
    );
    // Only adding is a supplement.
    let v = update(&env, &["--from", "202701", "--assign", "000.02.00.H99"])
        .ok()
        .json();
    assert_eq!(v["version"]["kind"], "supplement");

    // History says who was added and removed from when, by which decision.
    let h = env.json(&["regime", "history", "KTXH"]);
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(h[1]["from_period"], "202612");
    assert_eq!(h[1]["unassigned"], serde_json::json!(["H99.02"]));
    assert!(h[1]["decision"].as_str().unwrap().contains("215/QĐ-UBND"));
    assert_eq!(h[2]["assigned"], serde_json::json!(["000.02.00.H99"]));
    let table = env.run(&["regime", "history", "KTXH"]).ok();
    assert!(
        table.stdout.contains("Thôi giao đơn vị"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("H99.02"), "{}", table.stdout);

    // Each period lists the units that owe it.
    assert_eq!(owing(&env, "202611"), ["H99.01", "H99.02", "H99.03"]);
    assert_eq!(owing(&env, "202612"), ["000.01.00.H99", "H99.01", "H99.03"]);
    assert_eq!(
        owing(&env, "202701"),
        ["000.01.00.H99", "000.02.00.H99", "H99.01", "H99.03"]
    );
    // No rule changed: December's deadline is as it was.
    let dec = env.json(&["period", "show", "202612", "--regime", "KTXH"]);
    assert_eq!(dec["deadline"], "2026-12-21T23:59:59+07:00");

    // The past: byte for byte as before, messages too. The units added from December
    // on never owed November: they are not named as left out of it.
    env.now = Some(NOW.into());
    let after = monitoring_runs(&env);
    for (i, ((bo, be), (ao, ae))) in before.iter().zip(&after).enumerate() {
        assert_eq!(bo, ao, "output {i} of the earlier period changed");
        assert_eq!(be, ae, "messages {i} of the earlier period changed");
        assert!(!ae.contains("000.01.00.H99"), "{i}: {ae}");
    }

    // `assign list` says from and until when.
    let list = env.json(&["assign", "list", "KTXH"]);
    let row = |u: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|a| a["unit"] == u)
            .unwrap()
            .clone()
    };
    assert_eq!(row("H99.02")["until_period"], "202612");
    assert_eq!(row("000.01.00.H99")["from_period"], "202612");
    assert_eq!(row("000.01.00.H99")["until_period"], Value::Null);
    let table = env.run(&["assign", "list", "KTXH"]).ok();
    assert!(
        table.stdout.contains("Thôi báo cáo từ kỳ"),
        "{}",
        table.stdout
    );

    // `assign add --from` and `assign remove --from` are versions too.
    env.json(&[
        "assign",
        "add",
        "KTXH",
        "--units",
        "000.00.00.H99",
        "--from",
        "202702",
    ]);
    env.json(&[
        "assign", "remove", "KTXH", "--units", "H99.03", "--from", "202703",
    ]);
    let h = env.json(&["regime", "history", "KTXH"]);
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 5);
    assert_eq!(h[3]["kind"], "supplement");
    assert_eq!(h[3]["from_period"], "202702");
    assert_eq!(h[3]["assigned"], serde_json::json!(["000.00.00.H99"]));
    assert_eq!(h[4]["kind"], "amend");
    assert_eq!(h[4]["unassigned"], serde_json::json!(["H99.03"]));
    assert!(!owing(&env, "202703").contains(&"H99.03".to_string()));
    assert!(owing(&env, "202702").contains(&"H99.03".to_string()));
    // Ending an assignment from a period already due is refused.
    let r = env
        .run(&[
            "assign", "remove", "KTXH", "--units", "H99.01", "--from", "202610",
        ])
        .code(7);
    assert!(r.stderr.contains("đã đến hạn"), "{}", r.stderr);
    // The raw period-type codes are gone from the message.
    let r = env
        .run(&[
            "assign", "remove", "KTXH", "--units", "H99.01", "--from", "2099",
        ])
        .code(5);
    assert!(
        r.stderr.contains("theo kỳ tháng, không theo kỳ năm"),
        "{}",
        r.stderr
    );
    let r = env
        .run(&[
            "--lang", "en", "assign", "remove", "KTXH", "--units", "H99.01", "--from", "2099",
        ])
        .code(5);
    assert!(
        r.stderr.contains("per monthly period, not per yearly"),
        "{}",
        r.stderr
    );
    env.run(&["audit", "verify"]).ok();
}

#[test]
fn a_form_version_pinned_from_a_period_is_the_one_its_reports_use() {
    let mut env = province();
    env.now = Some("2026-11-25T09:00:00+07:00".into());
    // A version that does not exist, or a malformed one: refused, nothing written.
    let nothing = written(&env);
    let r = update(&env, &["--from", "202612", "--form", "KTXH01@9"]).code(6);
    assert!(r.stderr.contains("phiên bản 9"), "{}", r.stderr);
    update(&env, &["--from", "202612", "--form", "KTXH01@x"]).code(5);
    update(&env, &["--from", "202612", "--form", "KTXH01@0"]).code(5);
    update(&env, &["--from", "202612", "--form", "@1"]).code(5);
    assert_eq!(written(&env), nothing);

    let v = update(&env, &["--from", "202612", "--form", "KTXH01@1"])
        .ok()
        .json();
    assert_eq!(v["form_version"], 1);
    assert_eq!(v["version"]["form_version"], 1);
    // KTXH01's version 2 has one row more; December keeps version 1.
    let t = env.path("ktxh01-v2.xlsx");
    crate::forms::ktxh_template(&t, 0, 0, true);
    env.json(&["form", "import", t.to_str().unwrap(), "--code", "KTXH01"]);
    // From January, the latest again.
    update(&env, &["--from", "202701", "--form", "KTXH01"]).ok();
    let h = env.json(&["regime", "history", "KTXH"]);
    assert_eq!(h[1]["form_version"], 1);
    assert_eq!(h[2]["form_version"], Value::Null);
    let dec = env.json(&["regime", "show", "KTXH", "--period", "202612"]);
    assert_eq!(dec["form_version"], 1);
    let table = env
        .run(&["regime", "show", "KTXH", "--period", "202612"])
        .ok();
    assert!(table.stdout.contains("Phiên bản biểu"), "{}", table.stdout);

    env.now = Some(NOW.into());
    let xnk = env.row_key("KTXH01", "Thu từ xuất nhập khẩu");
    as_(&env, "nhap.01");
    let r = env.run(&[
        "entry", "set", "KTXH", "--period", "202612", &xnk, "1", "50",
    ]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    env.json(&[
        "entry", "set", "KTXH", "--period", "202701", &xnk, "1", "50",
    ]);
    let lua = env.row_key("KTXH01", "Lúa");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202612", &lua, "1", "120",
    ]);
    env.login("admin", ADMIN_PW).ok();
    // Aggregation reads each period on the form its reports were made on: December's
    // aggregate has version 1's rows, January's the new row too.
    let dec = env.run(&["-o", "json", "aggregate", "KTXH", "202612"]).ok();
    assert!(
        !dec.stdout.contains("Thu từ xuất nhập khẩu"),
        "{}",
        dec.stdout
    );
    assert!(dec.stdout.contains("Lúa"), "{}", dec.stdout);
    let jan = env.run(&["-o", "json", "aggregate", "KTXH", "202701"]).ok();
    assert!(
        jan.stdout.contains("Thu từ xuất nhập khẩu"),
        "{}",
        jan.stdout
    );
}

/// A regime led by the Department of Finance, handed to the Department of Home Affairs
/// from December 2026, with an aggregator at each.
fn handed_over() -> Env {
    let mut env = province();
    env.add_staff(
        &[
            ("tonghop.tc", "000.01.00.H99", "aggregator"),
            ("tonghop.nv", "000.02.00.H99", "aggregator"),
        ],
        PW,
    );
    env.json(&[
        "regime",
        "add",
        "--code",
        "TC",
        "--name",
        "Báo cáo tài chính tháng",
        "--form",
        "KTXH01",
        "--lead",
        "000.01.00.H99",
        "--frequency",
        "monthly",
    ]);
    env.json(&[
        "assign", "add", "TC", "--kind", "commune", "--from", "202610",
    ]);
    env.now = Some("2026-11-25T09:00:00+07:00".into());
    env.json(&[
        "regime",
        "update",
        "TC",
        "--from",
        "202612",
        "--lead",
        "000.02.00.H99",
        "--decision",
        "Quyết định 220/QĐ-UBND ngày 25/11/2026",
        "--reason",
        "Chuyển cơ quan chủ trì",
    ]);
    env
}

#[test]
fn each_lead_unit_manages_the_periods_it_leads() {
    let env = handed_over();
    let window = |who: &str, period: &str| {
        as_(&env, who);
        let r = env.run(&[
            "window",
            "close",
            "TC",
            "--period",
            period,
            "--reason",
            "Bảo trì hệ thống",
        ]);
        env.login("admin", ADMIN_PW).ok();
        r.code
    };
    // The old lead keeps November, the new one has December on.
    assert_eq!(window("tonghop.tc", "202611"), 0);
    assert_eq!(window("tonghop.tc", "202612"), 4);
    assert_eq!(window("tonghop.nv", "202611"), 4);
    assert_eq!(window("tonghop.nv", "202612"), 0);
    let assign = |who: &str, unit: &str, period: &str| {
        as_(&env, who);
        let r = env.run(&["assign", "add", "TC", "--units", unit, "--from", period]);
        env.login("admin", ADMIN_PW).ok();
        r.code
    };
    assert_eq!(assign("tonghop.tc", "000.02.00.H99", "202701"), 4);
    assert_eq!(assign("tonghop.nv", "000.02.00.H99", "202701"), 0);
    assert_eq!(assign("tonghop.nv", "000.01.00.H99", "202611"), 4);
    assert_eq!(assign("tonghop.tc", "000.01.00.H99", "202611"), 0);
    let dashboard = |who: &str, from: &str, to: &str| {
        as_(&env, who);
        let r = env.run(&[
            "-o",
            "json",
            "dashboard",
            "--regime",
            "TC",
            "--from",
            from,
            "--to",
            to,
        ]);
        env.login("admin", ADMIN_PW).ok();
        r.code
    };
    assert_eq!(dashboard("tonghop.tc", "202610", "202611"), 0);
    assert_eq!(dashboard("tonghop.tc", "202611", "202612"), 4);
    assert_eq!(dashboard("tonghop.nv", "202612", "202701"), 0);
    assert_eq!(dashboard("tonghop.nv", "202611", "202612"), 4);
    // The province's aggregator is above both.
    assert_eq!(dashboard("tonghop", "202610", "202701"), 0);
}

#[test]
fn a_rule_change_goes_in_behind_changes_of_who_owes_only() {
    let mut env = province();
    env.now = Some("2026-11-25T09:00:00+07:00".into());
    // From February a department owes KTXH too: a version that copies the rules.
    let v = update(&env, &["--from", "202702", "--assign", "000.01.00.H99"])
        .ok()
        .json();
    assert_eq!(v["version"]["kind"], "supplement");
    let feb = env.json(&["period", "show", "202702", "--regime", "KTXH"]);
    assert_eq!(feb["deadline"], "2027-02-22T23:59:59+07:00");

    // Outside the lead unit: refused, nothing written.
    as_(&env, "lanhdao.01");
    update(&env, &["--from", "202701", "--deadline", "day:18"]).code(4);
    env.login("admin", ADMIN_PW).ok();
    let nothing = written(&env);

    // From January, before February's version: the new deadline holds from January
    // on, February's version included, and who owes February is as it was.
    let v = update(&env, &["--from", "202701", "--deadline", "day:18"])
        .ok()
        .json();
    assert_eq!(v["period"], "202701");
    assert_eq!(v["deadline_rule"], "day:18:last@23:59:59");
    assert_eq!(written(&env).0, nothing.0 + 1);
    assert!(written(&env).1 > nothing.1);
    for (p, due) in [
        ("202612", "2026-12-21T23:59:59+07:00"),
        ("202701", "2027-01-18T23:59:59+07:00"),
        ("202702", "2027-02-18T23:59:59+07:00"),
    ] {
        let d = env.json(&["period", "show", p, "--regime", "KTXH"]);
        assert_eq!(d["deadline"], due, "{p}");
    }
    let h = env.json(&["regime", "history", "KTXH"]);
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(h[1]["from_period"], "202702");
    assert_eq!(h[1]["deadline_rule"], "day:18:last@23:59:59");
    assert_eq!(h[1]["assigned"], serde_json::json!(["000.01.00.H99"]));
    assert!(owing(&env, "202702").contains(&"000.01.00.H99".to_string()));
    assert!(!owing(&env, "202701").contains(&"000.01.00.H99".to_string()));

    // Behind a change of the rules (January's): refused as before (exit 5), nothing
    // written.
    let done = written(&env);
    let r = update(&env, &["--from", "202612", "--deadline", "day:19"]).code(5);
    assert!(r.stderr.contains("202701"), "{}", r.stderr);
    let mut en = vec!["--lang", "en"];
    en.extend([
        "regime",
        "update",
        "KTXH",
        "--decision",
        "QĐ 1",
        "--reason",
        "Thử",
        "--from",
        "202612",
        "--deadline",
        "day:19",
    ]);
    let r = env.run(&en).code(5);
    assert!(r.stderr.contains("a change of its rules"), "{}", r.stderr);
    // Abolishing behind any later version: refused.
    update(&env, &["--from", "202612", "--abolish"]).code(5);
    assert_eq!(written(&env), done);
    env.run(&["audit", "verify"]).ok();
}

/// `assign add --from` a later period leaves an earlier period's monitoring, stdout and
/// stderr, byte for byte as it was: the unit never owed it, so it is not named.
#[test]
fn a_unit_assigned_from_a_later_period_is_not_named_for_the_earlier_ones() {
    let mut env = province();
    send(&env, "202611", "2026-11-19T15:00");
    let before = monitoring_runs(&env);
    env.now = Some("2026-11-25T09:00:00+07:00".into());
    env.json(&[
        "assign",
        "add",
        "KTXH",
        "--units",
        "000.02.00.H99",
        "--from",
        "202612",
    ]);
    env.now = Some(NOW.into());
    let after = monitoring_runs(&env);
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        assert_eq!(b, a, "output {i} of the earlier period changed");
        assert!(!a.1.contains("000.02.00.H99"), "{i}: {}", a.1);
    }
    // Assigned without a first period after November's deadline: named as left out
    // of November.
    env.now = Some("2026-12-25T09:00:00+07:00".into());
    env.json(&["assign", "add", "KTXH", "--units", "000.00.00.H99"]);
    let r = env.run(&["--as-of", "2027-01-25T08:00", "status", "KTXH", "202611"]);
    assert!(
        r.stderr
            .contains("được giao sau hạn, không tính: 000.00.00.H99"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("000.02.00.H99"), "{}", r.stderr);
}
