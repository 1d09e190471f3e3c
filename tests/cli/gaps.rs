//! Small gaps left in issues 10 and 11: `window open --until` with a date alone,
//! the dashboard view logging its data use, `report attach` refusing non-regular
//! files opened under it, and restore waiting as long as the rest of the program.

use crate::common::Env;

#[test]
fn window_open_until_a_date_alone_means_the_end_of_that_day() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    let e = env.json(&[
        "window",
        "open",
        "KTXH",
        "--period",
        "202611",
        "--until",
        "2026-11-27",
        "--reason",
        "Mất điện diện rộng",
    ]);
    assert_eq!(e["until"], "2026-11-27T23:59:59+07:00", "{e}");
    // A date with a time still means that moment.
    let e = env.json(&[
        "window",
        "open",
        "KTXH",
        "--period",
        "202611",
        "--until",
        "2026-11-28T17:00",
        "--reason",
        "Gia hạn thêm",
    ]);
    assert_eq!(e["until"], "2026-11-28T17:00:00+07:00", "{e}");
}

fn uses(env: &Env) -> Vec<serde_json::Value> {
    env.json(&["audit", "log", "--object", "data_use"])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_dashboard_view_of_a_regime_logs_its_data_use() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    // Timeliness over every regime shows no report figures: nothing to log.
    env.run(&["dashboard", "--from", "202610", "--to", "202611"])
        .ok();
    assert!(uses(&env).is_empty());

    env.run(&[
        "dashboard",
        "--regime",
        "KTXH",
        "--from",
        "202610",
        "--to",
        "202611",
    ])
    .ok();
    env.run(&[
        "-o",
        "csv",
        "dashboard",
        "--regime",
        "KTXH",
        "--from",
        "202611",
        "--to",
        "202611",
    ])
    .ok();
    let log = uses(&env);
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0]["object"], "data_use:KTXH/202610..202611");
    assert_eq!(log[0]["actor"], "admin");
    assert_eq!(log[0]["command"], "dashboard");
    assert_eq!(log[0]["detail"]["use"], "dashboard");
    assert_eq!(log[0]["detail"]["format"], "table");
    assert_eq!(log[0]["detail"]["out"], "stdout");
    assert_eq!(log[1]["object"], "data_use:KTXH/202611..202611");
    assert_eq!(log[1]["detail"]["format"], "csv");

    // A regime that does not exist shows nothing and logs nothing.
    env.run(&["dashboard", "--regime", "KHONGCO"]).code(6);
    assert_eq!(uses(&env).len(), 2);
    env.run(&["audit", "verify"]).ok();
}
