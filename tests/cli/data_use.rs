//! Data use is logged (issue 11, item 9; Ninh Bình Art. 4(2)): `aggregate` and every
//! export leave one audit entry `data_use:REGIME/PERIOD` saying who, what, which
//! period and where the data went; `audit log` shows them.

use serde_json::Value;

use crate::common::{Env, ADMIN_PW};

const PW: &str = "Mat-khau-Rieng-2026!";

fn uses(env: &Env) -> Vec<Value> {
    env.json(&["audit", "log", "--object", "data_use"])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn aggregate_and_every_export_leave_an_audit_entry() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    // Assigned on the 23rd, after November's deadline: the communes owe it only when
    // told so (the obligation rule), and then the aggregate expects them.
    env.json(&[
        "assign", "add", "KTXH", "--kind", "commune", "--from", "202611",
    ]);
    assert!(uses(&env).is_empty());

    env.run(&["aggregate", "KTXH", "202611"]).ok();
    let log = uses(&env);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["object"], "data_use:KTXH/202611");
    assert_eq!(log[0]["actor"], "admin");
    assert_eq!(log[0]["command"], "aggregate");
    assert_eq!(log[0]["detail"]["use"], "aggregate");
    assert_eq!(log[0]["detail"]["period"], "202611");
    assert_eq!(log[0]["detail"]["out"], "stdout");
    assert_eq!(log[0]["detail"]["units_expected"], 3);

    let out = env.path("tong-hop.xlsx");
    env.run(&[
        "export",
        "aggregate",
        "KTXH",
        "202611",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    env.run(&["-o", "csv", "export", "aggregate", "KTXH", "202611"])
        .ok();
    let dash = env.path("bang-theo-doi.xlsx");
    env.run(&[
        "export",
        "dashboard",
        "--regime",
        "KTXH",
        "--from",
        "202610",
        "--to",
        "202611",
        "--out",
        dash.to_str().unwrap(),
    ])
    .ok();
    let log = uses(&env);
    assert_eq!(log.len(), 4, "{log:?}");
    assert_eq!(log[1]["command"], "export aggregate");
    assert_eq!(log[1]["detail"]["format"], "xlsx");
    let written = log[1]["detail"]["out"].as_str().unwrap();
    assert!(std::path::Path::new(written).is_absolute(), "{written}");
    assert!(written.ends_with("tong-hop.xlsx"), "{written}");
    assert_eq!(log[2]["detail"]["format"], "csv");
    assert_eq!(log[2]["detail"]["out"], "stdout");
    assert_eq!(log[3]["object"], "data_use:KTXH/202610..202611");
    assert_eq!(log[3]["command"], "export dashboard");
    assert!(log[3]["detail"]["out"]
        .as_str()
        .unwrap()
        .ends_with("bang-theo-doi.xlsx"));
    // Events change no audited row: the chain stays whole.
    env.run(&["audit", "verify"]).ok();
}

#[test]
fn the_entry_names_who_and_a_refused_or_failed_use_leaves_none() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    let made: Vec<(&str, String)> = [
        ("tonghop", "000.00.00.H99", "aggregator"),
        ("nhap.01", "H99.01", "data_entry"),
    ]
    .iter()
    .map(|(user, unit, role)| (*user, env.account(user, unit, &[role])))
    .collect();
    for (user, first) in made {
        env.login(user, &first).ok();
        env.run_in(
            &["passwd", "--password-stdin"],
            Some(&format!("{first}\n{PW}\n")),
        )
        .ok();
    }
    env.login("admin", ADMIN_PW).ok();
    let (pw, entry) = (PW, PW);
    env.as_user("tonghop", pw, || {
        env.run(&["aggregate", "KTXH", "202611"]).ok();
    });
    // Not permitted: no data went out, nothing logged.
    env.as_user("nhap.01", entry, || {
        env.run(&["aggregate", "KTXH", "202611"]).code(4);
    });
    // Table output of an export is a usage error: nothing went out either.
    env.run(&["export", "aggregate", "KTXH", "202611"]).code(2);
    let log = uses(&env);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["actor"], "tonghop");
}

#[test]
fn on_a_real_clock_database_an_as_of_read_still_works_and_is_logged_at_the_real_time() {
    let mut env = Env::new();
    env.now = None;
    env.run_in(
        &["init", "--admin", "admin", "--password-stdin"],
        Some(&format!("{ADMIN_PW}\n")),
    )
    .ok();
    env.login("admin", ADMIN_PW).ok();
    let units = "code,name,kind,parent\n\
        000.00.00.H99,UBND tỉnh Mẫu,province,\n\
        H99.01,Xã Tân Phong,commune,000.00.00.H99\n";
    let f = env.write("units.csv", units);
    env.run(&["unit", "import", f.to_str().unwrap()]).ok();
    env.add_ktxh_regime();
    // A past as-of drives the read; the entry says when the data was really taken.
    env.run(&["--as-of", "2026-11-23T09:00", "aggregate", "KTXH", "202611"])
        .ok();
    let log = uses(&env);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_ne!(log[0]["at"], "2026-11-23T09:00:00+07:00");
    env.run(&["audit", "verify"]).ok();
}
