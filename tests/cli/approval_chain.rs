//! Approval chains per regime (Thanh Hóa Art. 12(2), 13; Ninh Bình Art. 10(1b–c),
//! 10(2a), 12(3); Đồng Tháp Art. 15(3)): a checker's step and the approval of the
//! figures apart from the report's, each step tried by the roles inside and outside
//! its reach; and units seeing their own subtree's figures (Ninh Bình Art. 10(2a–b)).

use serde_json::Value;

use crate::common::{Env, ADMIN_PW};

const PW: &str = "Mat-khau-Rieng-2026!";
const P: [&str; 2] = ["--period", "202611"];

/// The small province with the KTXH regime, staff of Xã Tân Phong (H99.01) in every
/// role of the chain, a checker of Phường Hòa Bình (H99.02), and the lead unit's
/// aggregator.
fn setup() -> Env {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    env.add_ktxh_regime();
    env.add_staff(
        &[
            ("nhap.01", "H99.01", "data_entry"),
            ("kiemtra.01", "H99.01", "checker"),
            ("lanhdao.01", "H99.01", "approver"),
            ("gui.01", "H99.01", "sender"),
            ("xem.01", "H99.01", "viewer"),
            ("kiemtra.02", "H99.02", "checker"),
            ("lanhdao.02", "H99.02", "approver"),
            ("tonghop", "000.00.00.H99", "aggregator"),
        ],
        PW,
    );
    env.now = Some(crate::common::NOW.into());
    env
}

fn as_(env: &Env, user: &str) {
    env.login(user, PW).ok();
}

fn act(env: &Env, verb: &str, extra: &[&str]) -> crate::common::Run {
    let mut a = vec!["report", verb, "KTXH"];
    a.extend_from_slice(&P);
    a.extend_from_slice(extra);
    env.run(&a)
}

/// `report show`'s `approval_chain` of H99.01's report, and its human table.
fn shown_chain(env: &Env) -> (Value, String) {
    let mut a = vec!["report", "show", "KTXH"];
    a.extend_from_slice(&P);
    a.extend_from_slice(&["--unit", "H99.01"]);
    let json = env.json(&a)["approval_chain"].clone();
    (json, env.run(&a).ok().stdout)
}

fn status(env: &Env) -> String {
    let mut a = vec!["report", "show", "KTXH"];
    a.extend_from_slice(&P);
    a.extend_from_slice(&["--unit", "H99.01"]);
    env.json(&a)["status"].as_str().unwrap().to_string()
}

fn enter(env: &Env, value: &str) {
    let lua = env.row_key("KTXH01", "Lúa");
    as_(env, "nhap.01");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", &lua, "1", value,
    ]);
}

#[test]
fn the_chain_is_shown_set_by_the_sysadmin_only_and_checked() {
    let env = setup();
    let v = env.json(&["regime", "approval", "KTXH"]);
    assert_eq!(v["steps"], "approve");
    assert_eq!(v["statuses"], serde_json::json!(["pending_approval"]));
    // Anyone signed in reads it; only the sysadmin sets it.
    as_(&env, "lanhdao.01");
    assert_eq!(
        env.json(&["regime", "approval", "KTXH"])["steps"],
        "approve"
    );
    let r = env.run(&["regime", "approval", "KTXH", "--steps", "check,approve"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    // Set-up is the lead unit's (and the sysadmin's): the approver of a reporting unit
    // is refused.
    as_(&env, "lanhdao.01");
    env.run(&["regime", "approval", "KTXH", "--steps", "check,approve"])
        .code(4);
    env.login("admin", ADMIN_PW).ok();
    let bad = env.run(&["regime", "approval", "KTXH", "--steps", "report,data"]);
    assert_eq!(bad.code, 5);
    assert!(
        bad.stderr.contains("Quy trình phê duyệt không hợp lệ"),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("check,data,report"), "{}", bad.stderr);
    let en = env.run(&[
        "--lang",
        "en",
        "regime",
        "approval",
        "KTXH",
        "--steps",
        "kiểm tra",
    ]);
    assert_eq!(en.code, 5);
    assert!(
        en.stderr.contains("Unknown approval chain"),
        "{}",
        en.stderr
    );
    env.run(&["regime", "approval", "KHONGCO", "--steps", "approve"])
        .code(6);
    let v = env.json(&[
        "regime",
        "approval",
        "KTXH",
        "--steps",
        "check, data, report",
    ]);
    assert_eq!(v["steps"], "check,data,report");
    assert_eq!(
        v["statuses"],
        serde_json::json!(["pending_check", "pending_data_approval", "pending_approval"])
    );
    // Audited as a change of the regime.
    let log = env.json(&["audit", "log", "--object", "regime:KTXH"]);
    let text = log.to_string();
    assert!(text.contains("approval_chain"), "{text}");
}

#[test]
fn a_report_passes_the_checker_then_the_figures_then_the_report_approval() {
    let env = setup();
    env.json(&["regime", "approval", "KTXH", "--steps", "check,data,report"]);
    enter(&env, "120");
    act(&env, "submit", &[]).ok();
    assert_eq!(status(&env), "pending_check");
    // Only the checker of the unit checks: not the leader, not data entry, not the
    // checker of another unit, not the sender.
    for who in ["lanhdao.01", "nhap.01", "gui.01", "xem.01", "tonghop"] {
        as_(&env, who);
        let r = act(&env, "check", &["--unit", "H99.01"]);
        assert_eq!(r.code, 4, "{who}: {}", r.stderr);
    }
    as_(&env, "kiemtra.02");
    act(&env, "check", &["--unit", "H99.01"]).code(4);
    // The leader may neither approve past the check nor reject in the checker's place.
    as_(&env, "lanhdao.01");
    act(&env, "approve", &[]).code(7);
    act(&env, "approve-data", &[]).code(7);
    act(&env, "reject", &["--reason", "Chưa đúng"]).code(4);
    // The checker returns it with a reason (required), data entry corrects and resubmits.
    as_(&env, "kiemtra.01");
    let r = act(&env, "reject", &[]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    act(
        &env,
        "reject",
        &["--reason", "Số liệu lúa chưa khớp thống kê"],
    )
    .ok();
    assert_eq!(status(&env), "draft");
    enter(&env, "125");
    act(&env, "submit", &[]).ok();
    as_(&env, "kiemtra.01");
    act(&env, "approve", &[]).code(4);
    act(&env, "check", &[]).ok();
    assert_eq!(status(&env), "pending_data_approval");
    act(&env, "check", &[]).code(7); // the check step is over; the leader's turn
                                     // The figures, then the report, by the unit's leader; the sender cannot skip them.
    as_(&env, "gui.01");
    env.json(&["account", "key", "generate"]);
    act(&env, "send", &[]).code(7);
    as_(&env, "kiemtra.01");
    act(&env, "approve-data", &[]).code(4);
    as_(&env, "lanhdao.02");
    act(&env, "approve-data", &["--unit", "H99.01"]).code(4);
    as_(&env, "lanhdao.01");
    act(&env, "approve", &[]).code(7);
    act(&env, "approve-data", &[]).ok();
    assert_eq!(status(&env), "pending_approval");
    act(&env, "approve-data", &[]).code(7);
    act(&env, "approve", &[]).ok();
    as_(&env, "gui.01");
    act(&env, "send", &[]).ok();
    as_(&env, "tonghop");
    act(&env, "accept", &["--unit", "H99.01"]).ok();
    let mut a = vec!["report", "show", "KTXH"];
    a.extend_from_slice(&P);
    a.extend_from_slice(&["--unit", "H99.01"]);
    let v: Value = env.json(&a);
    let history: Vec<(&str, &str)> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].as_str().unwrap(), h["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        [
            ("create", "nhap.01"),
            ("submit", "nhap.01"),
            ("reject", "kiemtra.01"),
            ("submit", "nhap.01"),
            ("check", "kiemtra.01"),
            ("approve_data", "lanhdao.01"),
            ("approve", "lanhdao.01"),
            ("send", "gui.01"),
            ("accept", "tonghop"),
        ]
    );
    assert_eq!(v["history"][2]["comment"], "Số liệu lúa chưa khớp thống kê");
    assert_eq!(v["signature_valid"], true);
}

#[test]
fn a_revision_in_flight_finishes_the_chain_it_was_submitted_under() {
    let env = setup();
    env.json(&["regime", "approval", "KTXH", "--steps", "check,approve"]);
    enter(&env, "120");
    assert_eq!(shown_chain(&env).0, Value::Null, "a draft has no chain yet");
    act(&env, "submit", &[]).ok();
    assert_eq!(status(&env), "pending_check");
    let (chain, table) = shown_chain(&env);
    assert_eq!(chain, "check,approve");
    assert!(
        table.contains("Quy trình duyệt") && table.contains("check,approve"),
        "{table}"
    );
    // The chain changes to the default: the pending check still stands and passes to
    // approval; the next submission follows the new chain.
    env.login("admin", ADMIN_PW).ok();
    env.json(&["regime", "approval", "KTXH", "--steps", "approve"]);
    as_(&env, "kiemtra.01");
    act(&env, "check", &[]).ok();
    assert_eq!(status(&env), "pending_approval");
    assert_eq!(shown_chain(&env).0, "check,approve");
    as_(&env, "lanhdao.01");
    act(&env, "reject", &["--reason", "Bổ sung diện tích"]).ok();
    enter(&env, "130");
    act(&env, "submit", &[]).ok();
    assert_eq!(status(&env), "pending_approval");
    assert_eq!(shown_chain(&env).0, "approve");
    as_(&env, "kiemtra.01");
    act(&env, "check", &[]).code(7);
    // A regime on the default chain behaves as before: no checker's step.
    as_(&env, "lanhdao.01");
    act(&env, "approve", &[]).ok();
    assert_eq!(status(&env), "approved");
}

#[test]
fn monitoring_names_the_checker_and_the_leader_as_next() {
    let env = setup();
    env.json(&["regime", "approval", "KTXH", "--steps", "check,data,report"]);
    enter(&env, "120");
    act(&env, "submit", &[]).ok();
    env.login("admin", ADMIN_PW).ok();
    // `remind` names who must act next: the checker, then the leader.
    let next = |env: &Env| -> Vec<(String, String)> {
        let run = env.run(&["-o", "json", "remind", "--within", "60d"]);
        let v: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{e}\n{}\n{}", run.stdout, run.stderr));
        let mut out = Vec::new();
        for r in v.as_array().unwrap() {
            for i in r["items"].as_array().unwrap() {
                if i["unit"] == "H99.01" && i["period"] == "202611" {
                    out.push((
                        r["username"].as_str().unwrap().to_string(),
                        i["action"].as_str().unwrap().to_string(),
                    ));
                }
            }
        }
        out
    };
    assert_eq!(
        next(&env),
        [("kiemtra.01".to_string(), "checker".to_string())]
    );
    as_(&env, "kiemtra.01");
    act(&env, "check", &[]).ok();
    env.login("admin", ADMIN_PW).ok();
    assert_eq!(
        next(&env),
        [("lanhdao.01".to_string(), "approver".to_string())]
    );
}

/// Item 6: a unit's leader and viewer see the aggregate and the dashboard of their own
/// subtree's reports, never other units' figures; the lead unit sees them all.
#[test]
fn a_units_leader_and_viewer_see_only_their_own_figures() {
    let env = setup();
    let lua = env.row_key("KTXH01", "Lúa");
    env.json(&["account", "key", "generate"]);
    for (unit, value) in [("H99.01", "120"), ("H99.02", "300")] {
        env.json(&[
            "entry", "set", "KTXH", "--period", "202611", "--unit", unit, &lua, "1", value,
        ]);
        for verb in ["submit", "approve", "send", "accept"] {
            act(&env, verb, &["--unit", unit]).ok();
        }
    }
    let lua_of = |agg: &Value| -> Value {
        agg["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["row"] == lua.as_str())
            .unwrap()["values"]["1"]
            .clone()
    };
    let dashboard = [
        "dashboard",
        "--regime",
        "KTXH",
        "--from",
        "202611",
        "--to",
        "202611",
        "--column",
        "1",
    ];
    let dash_point = |d: &Value| -> (Value, Value, Value) {
        let s = d["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["row"] == lua.as_str())
            .unwrap_or_else(|| panic!("no Lúa in {d}"));
        let p = &s["points"][0];
        (
            p["value"].clone(),
            p["units_included"].clone(),
            p["units_expected"].clone(),
        )
    };
    // The lead unit's aggregator: every commune.
    as_(&env, "tonghop");
    let all = env.json(&["aggregate", "KTXH", "202611"]);
    assert_eq!(lua_of(&all), "420");
    assert_eq!(all["coverage"]["expected"], 3);
    // Xã Tân Phong's leader and viewer: their own commune only.
    for who in ["lanhdao.01", "xem.01"] {
        as_(&env, who);
        let own = env.json(&["aggregate", "KTXH", "202611"]);
        assert_eq!(lua_of(&own), "120", "{who}");
        assert_eq!(own["coverage"]["included"], 1, "{who}");
        assert_eq!(own["coverage"]["expected"], 1, "{who}");
        assert!(!own.to_string().contains("H99.02"), "{who}: {own}");
        let d = env.json(&dashboard);
        assert_eq!(
            dash_point(&d),
            (Value::from("120"), Value::from(1), Value::from(1)),
            "{who}"
        );
    }
    // Phường Hòa Bình's leader: its own figures, not Tân Phong's.
    as_(&env, "lanhdao.02");
    assert_eq!(lua_of(&env.json(&["aggregate", "KTXH", "202611"])), "300");
    // Data entry, the checker and the sender hold no view of the figures: refused, in
    // both languages, as before.
    for who in ["nhap.01", "kiemtra.01", "gui.01"] {
        as_(&env, who);
        let r = env.run(&["aggregate", "KTXH", "202611"]);
        assert_eq!(r.code, 4, "{who}: {}", r.stderr);
        let r = env.run(&dashboard);
        assert_eq!(r.code, 4, "{who}: {}", r.stderr);
    }
    // A regime only another unit reports to stays closed to Tân Phong's leader.
    env.login("admin", ADMIN_PW).ok();
    env.json(&[
        "regime",
        "add",
        "--code",
        "PHUONG",
        "--name",
        "Báo cáo riêng của Phường Hòa Bình",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--frequency",
        "monthly",
    ]);
    env.json(&["assign", "add", "PHUONG", "--units", "H99.02"]);
    as_(&env, "lanhdao.01");
    env.run(&["aggregate", "PHUONG", "202611"]).code(4);
    let r = env.run(&[
        "--lang",
        "en",
        "dashboard",
        "--regime",
        "PHUONG",
        "--from",
        "202611",
        "--to",
        "202611",
    ]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    as_(&env, "lanhdao.02");
    env.json(&["aggregate", "PHUONG", "202611"]);
}

/// Item 6: a unit's leader and viewer also take their own subtree's figures away as the
/// aggregated workbook, headed by their unit; the detail and the status sheets hold
/// their units only; the lead unit's workbook keeps every commune.
#[test]
fn a_units_leader_and_viewer_export_their_own_aggregate_workbook() {
    use calamine::Reader;
    let env = setup();
    let lua = env.row_key("KTXH01", "Lúa");
    env.json(&["account", "key", "generate"]);
    for (unit, value) in [("H99.01", "120"), ("H99.02", "300")] {
        env.json(&[
            "entry", "set", "KTXH", "--period", "202611", "--unit", unit, &lua, "1", value,
        ]);
        for verb in ["submit", "approve", "send", "accept"] {
            act(&env, verb, &["--unit", unit]).ok();
        }
    }
    let texts = |file: &str, sheet: &str| -> String {
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(env.path(file)).unwrap();
        let range = book.worksheet_range(sheet).unwrap();
        range
            .rows()
            .flatten()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join("|")
    };
    let export = |file: &str| {
        env.run(&[
            "-o",
            "json",
            "export",
            "aggregate",
            "KTXH",
            "202611",
            "--out",
            file,
        ])
    };
    as_(&env, "tonghop");
    let all = export("tinh.xlsx").ok().json();
    assert_eq!(all["coverage"]["expected"], 3);
    assert!(texts("tinh.xlsx", "Thông tin").contains("UBND tỉnh Mẫu"));
    assert!(texts("tinh.xlsx", "Chi tiết đơn vị").contains("H99.02"));
    for who in ["lanhdao.01", "xem.01"] {
        as_(&env, who);
        let file = format!("{who}.xlsx");
        let own = export(&file).ok().json();
        assert_eq!(own["coverage"]["expected"], 1, "{who}: {own}");
        assert_eq!(own["coverage"]["included"], 1, "{who}: {own}");
        let info = texts(&file, "Thông tin");
        assert!(info.contains("Xã Tân Phong"), "{who}: {info}");
        assert!(!info.contains("UBND tỉnh Mẫu"), "{who}: {info}");
        let detail = texts(&file, "Chi tiết đơn vị");
        assert!(detail.contains("H99.01"), "{who}: {detail}");
        assert!(!detail.contains("H99.02"), "{who}: {detail}");
        let status = texts(&file, "Tình hình gửi báo cáo");
        assert!(status.contains("H99.01"), "{who}: {status}");
        assert!(!status.contains("H99.02"), "{who}: {status}");
        assert!(!status.contains("H99.03"), "{who}: {status}");
        let sum = texts(&file, "Tổng hợp");
        assert!(sum.contains("120"), "{who}: {sum}");
        assert!(!sum.contains("420"), "{who}: {sum}");
    }
    // No view of the figures: refused, nothing written.
    for who in ["nhap.01", "kiemtra.01", "gui.01"] {
        as_(&env, who);
        let r = export("x.xlsx");
        assert_eq!(r.code, 4, "{who}: {}", r.stderr);
        assert!(!env.path("x.xlsx").exists(), "{who}");
    }
    // The figures of a regime only another unit reports to stay closed.
    env.login("admin", ADMIN_PW).ok();
    env.json(&[
        "regime",
        "add",
        "--code",
        "PHUONG",
        "--name",
        "Báo cáo riêng của Phường Hòa Bình",
        "--form",
        "KTXH01",
        "--lead",
        "000.00.00.H99",
        "--frequency",
        "monthly",
    ]);
    env.json(&["assign", "add", "PHUONG", "--units", "H99.02"]);
    as_(&env, "lanhdao.01");
    let r = env.run(&[
        "--lang",
        "en",
        "export",
        "aggregate",
        "PHUONG",
        "202611",
        "--out",
        "p.xlsx",
    ]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("aggregate regime PHUONG"), "{}", r.stderr);
    assert!(!env.path("p.xlsx").exists());
    as_(&env, "lanhdao.02");
    env.run(&["export", "aggregate", "PHUONG", "202611", "--out", "p.xlsx"])
        .ok();
    assert!(texts("p.xlsx", "Thông tin").contains("Phường Hòa Bình"));
}

/// The report page offers each step of the chain to whoever holds it, as it offers
/// approval: the checker's check or return, then the leader's approval of the figures,
/// then of the report; the clerk is refused the checker's step.
#[test]
fn the_report_page_offers_the_check_and_the_approval_of_the_figures() {
    use crate::web::Visitor;
    const REPORT: &str = "/report/KTXH/202611/H99.01";
    let env = crate::server::province();
    let pw = env.account("kiemtra.01", "H99.01", &["checker"]);
    env.login("kiemtra.01", &pw).ok();
    env.run_in(
        &["passwd", "--password-stdin"],
        Some(&format!("{pw}\n{}\n", crate::server::PW)),
    )
    .ok();
    env.login("admin", ADMIN_PW).ok();
    env.json(&["regime", "approval", "KTXH", "--steps", "check,data,report"]);
    let lua = env.row_key("KTXH01", "Lúa");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", "--unit", "H99.01", &lua, "1", "120",
    ]);
    act(&env, "submit", &["--unit", "H99.01"]).ok();
    let server = crate::server::Server::start(&env, &[]);
    let signed_in = |user: &str| {
        let mut v = Visitor::new(&server);
        let r = v.sign_in(user, crate::server::PW);
        assert_eq!((r.status, r.location()), (303, "/work"), "{}", r.body);
        v
    };
    let flash = |v: &mut Visitor, r: &crate::web::Seen| -> String {
        assert_eq!((r.status, r.location()), (303, REPORT), "{}", r.body);
        let page = v.get(REPORT);
        let at = page
            .body
            .find(r#"<p class="flash" role="status">"#)
            .unwrap_or_else(|| panic!("no flash in {}", page.body));
        let rest = &page.body[at..];
        rest[..rest.find("</p>").unwrap()].to_string()
    };

    // The clerk waits; the checker is offered the check and the return.
    let mut clerk = signed_in("nhap.01");
    let page = clerk.get(REPORT);
    assert!(page.body.contains("Chờ kiểm tra"), "{}", page.body);
    assert!(!page.body.contains("check-form") && !page.body.contains("approve-form"));
    let ccsrf = page.csrf();
    let r = clerk.post(&format!("{REPORT}/check"), &[("csrf", &ccsrf)]);
    assert_eq!(r.status, 403, "{}", r.body);
    let mut checker = signed_in("kiemtra.01");
    let page = checker.get(REPORT);
    assert_eq!(page.status, 200, "{}", page.body);
    for want in [
        r#"<form id="check-form" method="post" action="/report/KTXH/202611/H99.01/check">"#,
        r#"<form id="reject-form" method="post" action="/report/KTXH/202611/H99.01/reject">"#,
        "Kiểm tra số liệu",
    ] {
        assert!(page.body.contains(want), "{want} not in {}", page.body);
    }
    assert!(!page.body.contains("approve-form"));
    let kcsrf = page.csrf();
    let r = checker.post(&format!("{REPORT}/check"), &[("csrf", &kcsrf)]);
    assert!(flash(&mut checker, &r).contains("Đã kiểm tra"));

    // The leader approves the figures, then the report.
    let mut leader = signed_in("lanhdao.01");
    let page = leader.get(REPORT);
    assert!(page.body.contains("Chờ duyệt số liệu"), "{}", page.body);
    assert!(
        page.body.contains(
            r#"<form id="approve-form" method="post" action="/report/KTXH/202611/H99.01/approve-data">"#
        ),
        "{}",
        page.body
    );
    let lcsrf = page.csrf();
    let r = leader.post(&format!("{REPORT}/approve-data"), &[("csrf", &lcsrf)]);
    assert!(flash(&mut leader, &r).contains("Đã duyệt số liệu"));
    let page = leader.get(REPORT);
    assert!(
        page.body.contains(
            r#"<form id="approve-form" method="post" action="/report/KTXH/202611/H99.01/approve">"#
        ),
        "{}",
        page.body
    );
    let r = leader.post(&format!("{REPORT}/approve"), &[("csrf", &lcsrf)]);
    assert!(flash(&mut leader, &r).contains("Đã phê duyệt báo cáo."));
    let en = leader.get(&format!("{REPORT}?lang=en"));
    assert!(en.body.contains("Figures approved"), "{}", en.body);
    // The leader's board of the regime lists its own commune, never the others.
    let board = leader.get("/board/KTXH/202611");
    assert_eq!(board.status, 200, "{}", board.body);
    assert!(board.body.contains("Xã Tân Phong"), "{}", board.body);
    assert!(!board.body.contains("Phường Hòa Bình"), "{}", board.body);
    let boards = leader.get("/boards");
    assert!(boards.body.contains("/board/KTXH/"), "{}", boards.body);
    // The clerk has no board of it.
    let r = clerk.get("/board/KTXH/202611");
    assert_eq!(r.status, 403, "{}", r.body);
}
