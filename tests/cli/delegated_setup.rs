//! Issue 18 item 2, delegated set-up: a lead unit's aggregator and a unit admin set up
//! the regimes their unit leads (Bắc Ninh Art. 7(1a): the lead unit creates its forms
//! and assigns them to units; Đồng Tháp Art. 15(1): the administration accounts), and
//! never anything led outside their scope; the province's regimes stay the sysadmin's.

use crate::common::{Env, ADMIN_PW};

const PW: &str = "Mat-khau-Rieng-2026!";

/// The small province, the KTXH01 form and the province's regime KTXH, and the set-up
/// accounts of Sở Tài chính: its aggregator and its unit admin; an aggregator of Sở Nội
/// vụ for the outside case.
fn province() -> Env {
    let env = Env::with_province();
    env.add_ktxh_regime();
    let made: Vec<(&str, String)> = [
        ("tonghop.stc", "000.01.00.H99", "aggregator"),
        ("quantri.stc", "000.01.00.H99", "unit_admin"),
        ("tonghop.snv", "000.02.00.H99", "aggregator"),
    ]
    .into_iter()
    .map(|(u, unit, role)| (u, env.account(u, unit, &[role])))
    .collect();
    for (u, pw) in made {
        env.login(u, &pw).ok();
        env.run_in(
            &["passwd", "--password-stdin"],
            Some(&format!("{pw}\n{PW}\n")),
        )
        .ok();
    }
    env.login("admin", ADMIN_PW).ok();
    env
}

fn add(env: &Env, code: &str, lead: &str) -> crate::common::Run {
    env.run(&[
        "regime",
        "add",
        "--code",
        code,
        "--name",
        "Báo cáo tình hình thu, chi ngân sách tháng",
        "--form",
        "KTXH01",
        "--lead",
        lead,
        "--frequency",
        "monthly",
    ])
}

#[test]
fn a_lead_units_aggregator_sets_up_its_own_regime_end_to_end() {
    let env = province();
    env.login("tonghop.stc", PW).ok();
    add(&env, "NS", "000.01.00.H99").ok();
    env.run(&["assign", "add", "NS", "--kind", "commune"]).ok();
    env.run(&["regime", "approval", "NS", "--steps", "data,report"])
        .ok();
    let outline = env.write(
        "de-cuong.txt",
        "I. Tình hình thu ngân sách\nII. Kiến nghị\n",
    );
    env.run(&[
        "regime",
        "outline",
        "set",
        "NS",
        "--file",
        outline.to_str().unwrap(),
    ])
    .ok();
    env.run(&[
        "regime",
        "update",
        "NS",
        "--from",
        "202701",
        "--deadline",
        "day:18",
        "--decision",
        "Quyết định 12/QĐ-STC",
        "--reason",
        "Rút ngắn thời hạn",
    ])
    .ok();
    let shown = env.json(&["regime", "show", "NS"]);
    assert_eq!(shown["lead_unit"], "000.01.00.H99", "{shown}");
    // Another account of the department's scope (its unit admin) retires it.
    env.login("quantri.stc", PW).ok();
    env.run(&["regime", "retire", "NS"]).ok();
}

#[test]
fn no_escalation_outside_the_lead_units_scope() {
    let env = province();
    env.login("tonghop.stc", PW).ok();
    add(&env, "NS", "000.01.00.H99").ok();
    // A regime led by the province or by another department: refused, nothing written.
    for lead in ["000.00.00.H99", "000.02.00.H99"] {
        let r = add(&env, "NS2", lead).code(4);
        assert!(r.stderr.contains("ngoài phạm vi"), "{}", r.stderr);
    }
    // The province's regime: no change, no retire, no approval chain, no assignment.
    let r = env
        .run(&[
            "regime",
            "update",
            "KTXH",
            "--from",
            "202701",
            "--deadline",
            "day:18",
            "--decision",
            "Quyết định 12/QĐ-STC",
            "--reason",
            "Thử",
        ])
        .code(4);
    assert!(r.stderr.contains("KTXH"), "{}", r.stderr);
    env.run(&["regime", "retire", "KTXH"]).code(4);
    env.run(&["regime", "approval", "KTXH", "--steps", "approve"])
        .code(4);
    env.run(&["assign", "add", "KTXH", "--units", "H99.01"])
        .code(4);
    // Handing its own regime to a unit outside its scope: refused.
    let r = env
        .run(&[
            "regime",
            "update",
            "NS",
            "--from",
            "202701",
            "--lead",
            "000.00.00.H99",
            "--decision",
            "Quyết định 12/QĐ-STC",
            "--reason",
            "Chuyển chủ trì",
        ])
        .code(4);
    assert!(r.stderr.contains("ngoài phạm vi"), "{}", r.stderr);
    // English too.
    let r = env
        .run(&["--lang", "en", "regime", "retire", "KTXH"])
        .code(4);
    assert!(
        r.stderr.contains("may not retire regime KTXH"),
        "{}",
        r.stderr
    );
    // Another department's aggregator cannot touch Sở Tài chính's regime.
    env.login("tonghop.snv", PW).ok();
    env.run(&["regime", "retire", "NS"]).code(4);
    env.run(&["regime", "approval", "NS", "--steps", "approve"])
        .code(4);
    // The province-wide catalogue stays the sysadmin's.
    env.login("tonghop.stc", PW).ok();
    env.run(&[
        "indicator",
        "add",
        "--code",
        "CT01",
        "--name",
        "Thu ngân sách",
        "--unit",
        "triệu đồng",
    ])
    .code(4);
    env.login("admin", ADMIN_PW).ok();
    assert!(env.run(&["regime", "show", "NS2"]).code != 0);
    assert_eq!(env.json(&["regime", "show", "KTXH"])["status"], "active");
}
