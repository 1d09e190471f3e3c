//! Ninh Bình Art. 10(2b): a data-entry account approves the figures of the forms it is
//! in charge of "nếu được ủy quyền". The unit's leader or unit administrator delegates
//! the figures' approval of one regime to an account entering the unit's data; every
//! role tries it inside and outside its unit; the workflow table stays as it is.

use serde_json::Value;

use crate::common::{Env, ADMIN_PW};

const PW: &str = "Mat-khau-Rieng-2026!";
const P: [&str; 2] = ["--period", "202611"];

/// The small province with KTXH, and staff of Xã Tân Phong (H99.01) in every role, a
/// second clerk, a unit administrator; Phường Hòa Bình's (H99.02) clerk and leader.
fn setup() -> Env {
    let mut env = Env::with_province();
    env.now = Some("2026-11-02T08:00:00+07:00".into());
    env.add_ktxh_regime();
    env.add_staff(
        &[
            ("nhap.01", "H99.01", "data_entry"),
            ("nhap.01b", "H99.01", "data_entry"),
            ("kiemtra.01", "H99.01", "checker"),
            ("lanhdao.01", "H99.01", "approver"),
            ("gui.01", "H99.01", "sender"),
            ("xem.01", "H99.01", "viewer"),
            ("qtdv.01", "H99.01", "unit_admin"),
            ("nhap.02", "H99.02", "data_entry"),
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

fn delegate(env: &Env, verb: &str, unit: &str, account: &str) -> crate::common::Run {
    env.run(&[
        "-o",
        "json",
        "report",
        "delegate",
        verb,
        "--regime",
        "KTXH",
        "--unit",
        unit,
        "--account",
        account,
    ])
}

fn act(env: &Env, verb: &str, unit: &str) -> crate::common::Run {
    let mut a = vec!["report", verb, "KTXH"];
    a.extend_from_slice(&P);
    a.extend_from_slice(&["--unit", unit]);
    env.run(&a)
}

fn status(env: &Env, unit: &str) -> String {
    env.login("admin", ADMIN_PW).ok();
    let mut a = vec!["report", "show", "KTXH"];
    a.extend_from_slice(&P);
    a.extend_from_slice(&["--unit", unit]);
    let v: Value = env.json(&a);
    v["status"].as_str().unwrap().to_string()
}

fn enter_and_submit(env: &Env, clerk: &str, unit: &str, value: &str) {
    let lua = env.row_key("KTXH01", "Lúa");
    as_(env, clerk);
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", "--unit", unit, &lua, "1", value,
    ]);
    act(env, "submit", unit).ok();
}

fn listed(env: &Env, user: &str, extra: &[&str]) -> Vec<(String, String)> {
    match user {
        "admin" => env.login("admin", ADMIN_PW).ok(),
        _ => env.login(user, PW).ok(),
    };
    let mut a = vec!["report", "delegate", "list"];
    a.extend_from_slice(extra);
    env.json(&a)
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["unit"].as_str().unwrap().to_string(),
                d["account"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_delegated_clerk_approves_the_figures_of_its_own_unit_only() {
    let env = setup();
    // The single approval has no step for the figures: nothing to delegate.
    as_(&env, "lanhdao.01");
    let r = delegate(&env, "add", "H99.01", "nhap.01").code(5);
    assert!(r.stderr.contains("data,report"), "{}", r.stderr);
    env.login("admin", ADMIN_PW).ok();
    env.json(&["regime", "approval", "KTXH", "--steps", "data,report"]);
    assert!(listed(&env, "lanhdao.01", &[]).is_empty());

    // Who may delegate: the unit's leader and unit administrator (and the sysadmin);
    // not its clerk, checker, sender or viewer, nor another unit's staff, nor the lead
    // unit's aggregator.
    for who in [
        "nhap.01",
        "kiemtra.01",
        "gui.01",
        "xem.01",
        "nhap.02",
        "lanhdao.02",
        "tonghop",
    ] {
        as_(&env, who);
        let r = delegate(&env, "add", "H99.01", "nhap.01");
        assert_eq!(r.code, 4, "{who}: {}", r.stderr);
    }
    as_(&env, "lanhdao.02");
    let r = env.run(&[
        "--lang",
        "en",
        "report",
        "delegate",
        "add",
        "--regime",
        "KTXH",
        "--unit",
        "H99.01",
        "--account",
        "nhap.01",
    ]);
    assert_eq!(r.code, 4);
    assert!(
        r.stderr
            .contains("the approval of the figures of regime KTXH for unit H99.01"),
        "{}",
        r.stderr
    );
    // To whom: only an account entering the unit's data.
    as_(&env, "lanhdao.01");
    for (account, code) in [
        ("nhap.02", 5),
        ("gui.01", 5),
        ("lanhdao.01", 5),
        ("khong.co", 6),
    ] {
        let r = delegate(&env, "add", "H99.01", account);
        assert_eq!(r.code, code, "{account}: {}", r.stderr);
    }
    let r = env
        .run(&[
            "report",
            "delegate",
            "add",
            "--regime",
            "KHONGCO",
            "--unit",
            "H99.01",
            "--account",
            "nhap.01",
        ])
        .code(6);
    assert!(!r.stderr.is_empty());
    delegate(&env, "add", "H99.02", "nhap.02").code(4);
    assert!(listed(&env, "admin", &[]).is_empty(), "nothing written");
    as_(&env, "lanhdao.01");
    let d = delegate(&env, "add", "H99.01", "nhap.01").ok().json();
    assert_eq!(d["account"], "nhap.01");
    assert_eq!(d["unit"], "H99.01");
    assert_eq!(d["regime"], "KTXH");
    assert_eq!(d["granted_by"], "lanhdao.01");
    let r = delegate(&env, "add", "H99.01", "nhap.01").code(7);
    assert!(r.stderr.contains("đã được ủy quyền"), "{}", r.stderr);
    // The unit administrator delegates too, and ends it.
    as_(&env, "qtdv.01");
    delegate(&env, "add", "H99.01", "nhap.01b").ok();
    let both = vec![
        ("H99.01".to_string(), "nhap.01".to_string()),
        ("H99.01".to_string(), "nhap.01b".to_string()),
    ];
    // Who sees them: those who read the unit's reports.
    for who in ["nhap.01", "xem.01", "tonghop", "admin"] {
        assert_eq!(listed(&env, who, &[]).len(), 2, "{who}");
    }
    assert_eq!(listed(&env, "xem.01", &["--regime", "KTXH"]), both);
    assert!(listed(&env, "nhap.02", &[]).is_empty());
    assert!(listed(&env, "lanhdao.01", &["--unit", "H99.02"]).is_empty());
    as_(&env, "nhap.01");
    delegate(&env, "remove", "H99.01", "nhap.01b").code(4);
    as_(&env, "qtdv.01");
    delegate(&env, "remove", "H99.01", "nhap.01b").ok();
    delegate(&env, "remove", "H99.01", "nhap.01b").code(6);
    assert_eq!(listed(&env, "lanhdao.01", &[]), both[..1]);

    // The figures' approval: the delegated clerk, on its own unit; no one else new.
    enter_and_submit(&env, "nhap.01", "H99.01", "120");
    enter_and_submit(&env, "nhap.02", "H99.02", "300");
    assert_eq!(status(&env, "H99.01"), "pending_data_approval");
    for who in [
        "nhap.01b",
        "nhap.02",
        "gui.01",
        "xem.01",
        "kiemtra.01",
        "tonghop",
    ] {
        as_(&env, who);
        let r = act(&env, "approve-data", "H99.01");
        assert_eq!(r.code, 4, "{who}: {}", r.stderr);
    }
    as_(&env, "nhap.01");
    act(&env, "approve-data", "H99.02").code(4);
    act(&env, "approve", "H99.01").code(4);
    act(&env, "approve-data", "H99.01").ok();
    assert_eq!(status(&env, "H99.01"), "pending_approval");
    // The report's own approval stays the leader's.
    as_(&env, "nhap.01");
    act(&env, "approve", "H99.01").code(4);
    as_(&env, "lanhdao.01");
    env.run(&[
        "report",
        "reject",
        "KTXH",
        "--period",
        "202611",
        "--unit",
        "H99.01",
        "--reason",
        "Xem lại số liệu lúa",
    ])
    .ok();
    // Once the delegation ends, the clerk is refused again.
    delegate(&env, "remove", "H99.01", "nhap.01").ok();
    enter_and_submit(&env, "nhap.01", "H99.01", "125");
    as_(&env, "nhap.01");
    act(&env, "approve-data", "H99.01").code(4);
    as_(&env, "lanhdao.01");
    act(&env, "approve-data", "H99.01").ok();
    act(&env, "approve", "H99.01").ok();
    let mut a = vec!["report", "show", "KTXH"];
    a.extend_from_slice(&P);
    a.extend_from_slice(&["--unit", "H99.01"]);
    let v = env.json(&a);
    let steps: Vec<(&str, &str)> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].as_str().unwrap(), h["actor"].as_str().unwrap()))
        .collect();
    assert!(steps.contains(&("approve_data", "nhap.01")), "{steps:?}");
    assert!(steps.contains(&("approve_data", "lanhdao.01")), "{steps:?}");

    // Every delegation and its end is in the audit log, and the chain verifies.
    env.login("admin", ADMIN_PW).ok();
    let log = env.json(&["audit", "log", "--object", "delegation:KTXH"]);
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 4, "{log}");
    assert!(log.to_string().contains("nhap.01b"), "{log}");
    env.run(&["audit", "verify"]).ok();
    // A delegation row planted behind the system's back is found.
    env.sql(
        "INSERT INTO data_approval_delegation (regime_id, unit_id, account_id, granted_at, granted_by)
         SELECT g.id, u.id, a.id, '2026-11-23T09:00:00+07:00', 'admin'
           FROM regime g, unit u, account a
          WHERE g.code = 'KTXH' AND u.code = 'H99.02' AND a.username = 'nhap.02'",
    );
    let r = env.run(&["audit", "verify"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
}

/// The report page offers the delegated clerk the figures' approval (and no rejection,
/// which stays the leader's); the undelegated clerk is offered nothing.
#[test]
fn the_report_page_offers_the_delegated_clerk_the_figures() {
    use crate::web::Visitor;
    const REPORT: &str = "/report/KTXH/202611/H99.01";
    let env = crate::server::province();
    env.json(&["regime", "approval", "KTXH", "--steps", "data,report"]);
    let lua = env.row_key("KTXH01", "Lúa");
    env.json(&[
        "entry", "set", "KTXH", "--period", "202611", "--unit", "H99.01", &lua, "1", "120",
    ]);
    act(&env, "submit", "H99.01").ok();
    let server = crate::server::Server::start(&env, &[]);
    let signed_in = |user: &str| {
        let mut v = Visitor::new(&server);
        let r = v.sign_in(user, crate::server::PW);
        assert_eq!((r.status, r.location()), (303, "/work"), "{}", r.body);
        v
    };
    let mut clerk = signed_in("nhap.01");
    const DELEGATED_STEP: &str = "duyệt số liệu (được lãnh đạo ủy quyền)";
    let work = clerk.get("/work");
    assert!(!work.body.contains(DELEGATED_STEP), "{}", work.body);
    let page = clerk.get(REPORT);
    assert!(!page.body.contains("approve-form"), "{}", page.body);
    let csrf = page.csrf();
    let r = clerk.post(&format!("{REPORT}/approve-data"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 403, "{}", r.body);
    env.json(&[
        "report",
        "delegate",
        "add",
        "--regime",
        "KTXH",
        "--unit",
        "H99.01",
        "--account",
        "nhap.01",
    ]);
    // The clerk's work list asks it to approve the figures, by delegation.
    let work = clerk.get("/work");
    assert!(work.body.contains(DELEGATED_STEP), "{}", work.body);
    let page = clerk.get(REPORT);
    assert!(
        page.body.contains(
            r#"<form id="approve-form" method="post" action="/report/KTXH/202611/H99.01/approve-data">"#
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("ủy quyền duyệt số liệu"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("reject-form"), "{}", page.body);
    let r = clerk.post(&format!("{REPORT}/approve-data"), &[("csrf", &csrf)]);
    assert_eq!((r.status, r.location()), (303, REPORT), "{}", r.body);
    assert_eq!(status(&env, "H99.01"), "pending_approval");
    server.stop();
}

/// The accounts `remind` names for H99.01's November report, with how each acts.
fn reminded(env: &Env) -> Vec<(String, String, bool)> {
    env.login("admin", ADMIN_PW).ok();
    let v = env.json(&["remind", "--regime", "KTXH", "--within", "60d"]);
    let mut out = Vec::new();
    for r in v.as_array().unwrap() {
        for i in r["items"].as_array().unwrap() {
            if i["unit"] == "H99.01" && i["period"] == "202611" {
                out.push((
                    r["username"].as_str().unwrap().to_string(),
                    i["action"].as_str().unwrap().to_string(),
                    i["delegated"] == true,
                ));
            }
        }
    }
    out.sort();
    out
}

/// The figures waiting for approval: `remind` names the delegated clerk with the leader
/// (its message says it approves them by delegation); no other clerk, and not once the
/// delegation ends.
#[test]
fn remind_names_the_delegated_clerk_for_the_figures() {
    let env = setup();
    env.json(&["regime", "approval", "KTXH", "--steps", "data,report"]);
    delegate(&env, "add", "H99.01", "nhap.01").ok();
    enter_and_submit(&env, "nhap.01", "H99.01", "120");
    enter_and_submit(&env, "nhap.02", "H99.02", "300");
    let leader = ("lanhdao.01".to_string(), "approver".to_string(), false);
    assert_eq!(
        reminded(&env),
        [
            leader.clone(),
            ("nhap.01".to_string(), "approver".to_string(), true)
        ]
    );
    // The message to the clerk says what it does and why.
    let dir = tempfile::tempdir().unwrap();
    let mail = dir.path().join("thu");
    env.run(&[
        "remind",
        "--regime",
        "KTXH",
        "--within",
        "60d",
        "--mail-dir",
        mail.to_str().unwrap(),
    ])
    .ok();
    let text = std::fs::read_to_string(mail.join("nhap.01.eml")).unwrap();
    assert!(text.contains("duyệt số liệu (được ủy quyền)"), "{text}");
    let text = std::fs::read_to_string(mail.join("lanhdao.01.eml")).unwrap();
    assert!(!text.contains("được ủy quyền"), "{text}");
    // The table shows it too.
    let table = env
        .run(&["remind", "--regime", "KTXH", "--within", "60d"])
        .ok();
    assert!(table.stdout.contains("nhap.01"), "{}", table.stdout);
    // The delegation ends: the leader alone.
    delegate(&env, "remove", "H99.01", "nhap.01").ok();
    assert_eq!(reminded(&env), [leader]);
}
